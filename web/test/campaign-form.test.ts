import { describe, expect, it } from 'vitest';
import { RING_TIMEOUT_MIN, emptyForm, toCampaignInput, validateCampaignForm, type CampaignForm } from '../src/lib/campaign-form.js';
import { toLocalInput } from '../src/lib/format.js';

const now = new Date('2026-11-23T10:00:00Z');
const local = (ms: number) => toLocalInput(new Date(now.getTime() + ms));
const MIN = 60_000;

function valid(over: Partial<CampaignForm> = {}): CampaignForm {
  return { ...emptyForm(), name: 'Renewals', listId: 'l1', groupId: 'g1', callerId: '+912240001234', ...over };
}

describe('new-campaign form rules (same as the API)', () => {
  it('accepts a complete form', () => {
    expect(validateCampaignForm(valid(), now)).toEqual({});
  });

  it.each<[string, Partial<CampaignForm>, string]>([
    ['empty name', { name: '  ' }, 'input.name'],
    ['no list', { listId: '' }, 'input.listId'],
    ['no group', { groupId: '' }, 'input.groupId'],
    ['caller id not E.164', { callerId: '2240001234' }, 'input.callerId'],
    ['start in the past', { startsAt: local(-10 * MIN) }, 'input.startsAt'],
    ['end 1 minute after start', { startsAt: local(5 * MIN), endsAt: local(6 * MIN) }, 'input.endsAt'],
    ['end 31 days after start', { startsAt: local(5 * MIN), endsAt: local(5 * MIN + 31 * 24 * 60 * MIN) }, 'input.endsAt'],
    ['end on an infinite campaign', { infinite: true, endsAt: local(60 * MIN) }, 'input.endsAt'],
    ['window end before start', { windowStart: '18:00', windowEnd: '09:00' }, 'input.callingWindow.end'],
    ['window not HH:MM', { windowStart: '9am' }, 'input.callingWindow.start'],
    ['4 retries', { retries: 4 }, 'input.attemptPolicy.retries'],
    ['abandon cap over 3%', { abandonRateCapPercent: 3.5 }, 'input.abandonRateCap'],
    ['ring timeout 5 s', { ringTimeoutSeconds: 5 }, 'input.ringTimeoutSeconds'],
    ['ring timeout 14 s (regulators require 15)', { ringTimeoutSeconds: 14 }, 'input.ringTimeoutSeconds'],
    ['ring timeout 61 s', { ringTimeoutSeconds: 61 }, 'input.ringTimeoutSeconds'],
    ['popup not a URL', { popupUrl: 'javascript:alert(1)' }, 'input.webhooks.popupUrl'],
    ['call completed URL not http(s)', { callCompletedUrl: 'ftp://crm.example.com/x' }, 'input.webhooks.callCompletedUrl'],
    ['no-answer URL with a space', { callNoAnswerUrl: 'https://crm.example.com/a b' }, 'input.webhooks.callNoAnswerUrl'],
    ['status callback not a URL', { statusCallbackUrl: 'crm.example.com' }, 'input.webhooks.statusCallbackUrl'],
    ['a list and a dial-whom URL', { dialWhomUrl: 'https://crm.example.com/numbers' }, 'input.listId'],
  ])('%s → %s', (_name, over, field) => {
    const errors = validateCampaignForm(valid(over), now);
    expect(Object.keys(errors)).toEqual([field]);
  });

  it('a dial-whom URL stands in for the list', () => {
    expect(validateCampaignForm(valid({ listId: '', dialWhomUrl: 'https://crm.example.com/numbers' }), now)).toEqual({});
    expect(toCampaignInput(valid({ listId: '', dialWhomUrl: 'https://crm.example.com/numbers' }))).toMatchObject({ listId: null, webhooks: { dialWhomUrl: 'https://crm.example.com/numbers' } });
  });

  it('sends only the URLs typed, trimmed; none typed: no webhooks at all', () => {
    expect(toCampaignInput(valid({ callCompletedUrl: ' https://crm.example.com/done ', statusCallbackUrl: 'https://crm.example.com/status' })).webhooks)
      .toEqual({ callCompletedUrl: 'https://crm.example.com/done', statusCallbackUrl: 'https://crm.example.com/status' });
    expect(toCampaignInput(valid({})).webhooks).toBeNull();
  });

  it('a ring timeout of exactly 15 s is fine, and the form says so in the same words as the rule', () => {
    expect(validateCampaignForm(valid({ ringTimeoutSeconds: RING_TIMEOUT_MIN }), now)).toEqual({});
    expect(validateCampaignForm(valid({ ringTimeoutSeconds: 14 }), now)['input.ringTimeoutSeconds']).toBe('Between 15 and 60 seconds (regulators require at least 15 s)');
  });

  it('an infinite campaign needs no list; ends exactly 2 minutes after the start are fine', () => {
    expect(validateCampaignForm(valid({ infinite: true, listId: '' }), now)).toEqual({});
    expect(validateCampaignForm(valid({ startsAt: local(5 * MIN), endsAt: local(7 * MIN) }), now)).toEqual({});
  });

  it('builds the API input: percent cap as a fraction, ISO dates, no end when infinite', () => {
    const input = toCampaignInput(valid({ abandonRateCapPercent: 2.5, startsAt: local(5 * MIN), endsAt: local(65 * MIN), callerId: '+91 22 4000 1234' }));
    expect(input).toMatchObject({ name: 'Renewals', abandonRateCap: 0.025, callerId: '+912240001234', callingWindow: { start: '09:00', end: '21:00' }, webhooks: null });
    expect(Date.parse(input.endsAt as string) - Date.parse(input.startsAt as string)).toBe(60 * MIN);
    expect(toCampaignInput(valid({ infinite: true, endsAt: local(65 * MIN) })).endsAt).toBeNull();
  });
});

describe('missed-call schedules and owner pools on the form', () => {
  it.each<[string, Partial<CampaignForm>, string]>([
    ['a schedule that is not numbers', { retrySchedule: '5, soon' }, 'input.attemptPolicy.retrySchedule'],
    ['a schedule not ascending', { retrySchedule: '15, 5' }, 'input.attemptPolicy.retrySchedule'],
    ['five offsets', { retrySchedule: '1 2 3 4 5' }, 'input.attemptPolicy.retrySchedule'],
    ['an owner pool on a predictive campaign', { ownerPool: true, dialMode: 'PREDICTIVE' }, 'input.ownerPool'],
    ['no customers per click', { ownerPool: true, perClickMax: 0 }, 'input.ownerPool.perClickMax'],
    ['a release after more than a day', { ownerPool: true, releaseAfterMinutes: 1441 }, 'input.ownerPool.releaseAfterMinutes'],
  ])('%s is refused at its field', (_, over, field) => {
    expect(Object.keys(validateCampaignForm(valid(over), now))).toEqual([field]);
  });

  it('a schedule sets the retries to match it; an owner pool goes in as its three limits', () => {
    const input = toCampaignInput(valid({ retrySchedule: '5, 15, 60', retries: 0, ownerPool: true, perClickMax: 4, maxUnprocessed: 6, releaseAfterMinutes: 10 }));
    expect(input.attemptPolicy).toMatchObject({ retrySchedule: [5, 15, 60], retries: 2 });
    expect(input.ownerPool).toEqual({ perClickMax: 4, maxUnprocessed: 6, releaseAfterMinutes: 10 });
    expect(toCampaignInput(valid()).ownerPool).toBeNull();
    expect(toCampaignInput(valid()).attemptPolicy).not.toHaveProperty('retrySchedule');
  });
});
