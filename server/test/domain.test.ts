import { describe, expect, it } from 'vitest';
import { resolveAttemptPolicy } from '../src/domain/attempt-policy.js';
import { CAMPAIGN_STATUSES, legalCampaignActions, nextCampaignStatus, type CampaignAction, type CampaignStatus } from '../src/domain/campaign-lifecycle.js';
import { resolveCallingWindow, resolveCampaignSchedule } from '../src/domain/campaign-rules.js';
import { normalisePhone } from '../src/domain/phone.js';
import { canonicalTimeZone, dialZones, zonesOfNumber } from '../src/domain/time-zone.js';
import { readCsvTable } from '../src/domain/csv-table.js';
import { contactColumns } from '../src/modules/contact/csv.js';

/** A contact CSV read whole: the header's meaning, then each row (the importer does the same record by record). */
const parseContactCsv = (text: string) => {
  const { header, rows } = readCsvTable(text);
  const read = contactColumns(header);
  return rows.map(({ record, line }) => read(record, line));
};
import { DialerError } from '../src/domain/errors.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as DialerError).extensions.code;
  }
  return 'OK';
};

describe('campaign lifecycle (seed 004)', () => {
  const table: [CampaignStatus, CampaignAction, CampaignStatus | 'ILLEGAL'][] = [
    ['SCHEDULED', 'pause', 'ILLEGAL'],
    ['SCHEDULED', 'resume', 'ILLEGAL'],
    ['SCHEDULED', 'complete', 'ILLEGAL'],
    ['SCHEDULED', 'archive', 'ARCHIVED'],
    ['RUNNING', 'pause', 'PAUSED'],
    ['RUNNING', 'resume', 'ILLEGAL'],
    ['RUNNING', 'complete', 'ILLEGAL'],
    ['RUNNING', 'archive', 'ILLEGAL'],
    ['PAUSED', 'pause', 'ILLEGAL'],
    ['PAUSED', 'resume', 'RUNNING'],
    ['PAUSED', 'complete', 'COMPLETED'],
    ['PAUSED', 'archive', 'ILLEGAL'],
    ['COMPLETED', 'pause', 'ILLEGAL'],
    ['COMPLETED', 'resume', 'ILLEGAL'],
    ['COMPLETED', 'complete', 'ILLEGAL'],
    ['COMPLETED', 'archive', 'ARCHIVED'],
    ['ARCHIVED', 'pause', 'ILLEGAL'],
    ['ARCHIVED', 'resume', 'ILLEGAL'],
    ['ARCHIVED', 'complete', 'ILLEGAL'],
    ['ARCHIVED', 'archive', 'ILLEGAL'],
  ];
  it.each(table)('%s + %s -> %s', (from, action, to) => {
    if (to === 'ILLEGAL') expect(code(() => nextCampaignStatus(from, action))).toBe('ILLEGAL_TRANSITION');
    else expect(nextCampaignStatus(from, action)).toBe(to);
  });
  it('offers exactly the legal actions', () => {
    for (const s of CAMPAIGN_STATUSES) {
      expect(legalCampaignActions(s)).toEqual(table.filter(([f, , t]) => f === s && t !== 'ILLEGAL').map(([, a]) => a));
    }
  });
});

describe('campaign schedule', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);
  it.each([
    ['defaults', {}, 'OK'],
    ['end exactly 2 min after start', { endsAt: at(120_000) }, 'OK'],
    ['end 1:59 after start', { endsAt: at(119_000) }, 'BAD_USER_INPUT'],
    ['end exactly 30 days after start', { endsAt: at(30 * 86_400_000) }, 'OK'],
    ['end 30 days + 1 s', { endsAt: at(30 * 86_400_000 + 1000) }, 'BAD_USER_INPUT'],
    ['start 30 s ago (clock skew)', { startsAt: at(-30_000) }, 'OK'],
    ['start 2 min ago', { startsAt: at(-120_000) }, 'BAD_USER_INPUT'],
    ['invalid date', { startsAt: new Date('nope') }, 'BAD_USER_INPUT'],
  ])('%s -> %s', (_n, input, expected) => {
    expect(code(() => resolveCampaignSchedule({ infinite: false, ...input }, now))).toBe(expected);
  });
  it('defaults end to start + 30 days; infinite has none', () => {
    expect(resolveCampaignSchedule({ infinite: false }, now).endsAt).toEqual(at(30 * 86_400_000));
    expect(resolveCampaignSchedule({ infinite: true }, now).endsAt).toBeNull();
  });
  it.each([
    ['09:00', '21:00', 'OK'],
    ['00:00', '23:59', 'OK'],
    ['21:00', '09:00', 'BAD_USER_INPUT'],
    ['10:00', '10:00', 'BAD_USER_INPUT'],
    ['24:00', '10:00', 'BAD_USER_INPUT'],
    ['9:00', '21:00', 'BAD_USER_INPUT'],
  ])('window %s-%s -> %s', (s, e, expected) => {
    expect(code(() => resolveCallingWindow(s, e))).toBe(expected);
  });
});

describe('attempt policy', () => {
  it.each([
    [{ retries: 3 }, 'OK'],
    [{ retries: 4 }, 'BAD_USER_INPUT'],
    [{ retries: 1, retryOn: [] }, 'BAD_USER_INPUT'],
    [{ retryOn: ['BUSY', 'BUSY'] }, 'BAD_USER_INPUT'],
    [{ retrySchedule: [5, 15, 60] }, 'OK'],
    [{ retrySchedule: [5, 15, 60], retries: 1 }, 'BAD_USER_INPUT'],
    [{ retrySchedule: [] }, 'BAD_USER_INPUT'],
    [{ retrySchedule: [1, 2, 3, 4, 5] }, 'BAD_USER_INPUT'],
    [{ agentMaxAttempts: 0 }, 'BAD_USER_INPUT'],
    [{ retryIntervalMinutes: 0 }, 'BAD_USER_INPUT'],
  ] as [Record<string, unknown>, string][])('%j -> %s', (input, expected) => {
    expect(code(() => resolveAttemptPolicy(input))).toBe(expected);
  });
});

describe('phone numbers and zones', () => {
  it.each([
    ['+91 98765 43210', undefined, '+919876543210'],
    ['098765 43210', 'IN', '+919876543210'],
    ['(415) 555-0132', 'US', '+14155550132'],
    ['+44 20 7946 0958', undefined, '+442079460958'],
  ])('%s (%s) -> %s', (raw, region, e164) => {
    expect(normalisePhone(raw, 'p', region).e164).toBe(e164);
  });
  it.each(['abc', '+91 12', '', '+999 1234567', '9876543210'])('refuses %j', (raw) => {
    expect(code(() => normalisePhone(raw, 'p'))).toBe('BAD_USER_INPUT');
  });
});

/**
 * Issue 12: a number's candidate zones come from libphonenumber's time-zone map by prefix, not from its
 * country; several candidates mean the most restrictive rule applies (checked in pacing-core and the guard).
 */
describe('zones by number prefix', () => {
  it.each([
    // [number, candidate zones, source]
    ['+1 808 555 0123', ['Pacific/Honolulu'], 'NUMBER'], // Hawaii, not New York
    ['+1 604 555 0123', ['America/Vancouver'], 'NUMBER'], // British Columbia, not Toronto
    ['+1 212 555 0123', ['America/New_York'], 'NUMBER'],
    ['+1 208 555 0123', ['America/Boise', 'America/Los_Angeles'], 'NUMBER'], // Idaho spans two zones
    ['+61 8 9123 4567', ['Australia/Adelaide', 'Australia/Perth'], 'NUMBER'], // +61 8: SA/NT/WA
    ['+61 2 9123 4567', ['Australia/Sydney'], 'NUMBER'],
    ['+7 423 212 3456', ['Asia/Vladivostok'], 'NUMBER'], // Primorye, not Moscow
    ['+7 701 234 5678', ['Asia/Almaty', 'Asia/Aqtobe'], 'NUMBER'], // Kazakhstan mobile, not UTC
    ['+55 92 98765 4321', ['America/Manaus'], 'NUMBER'], // Amazonas, not Sao Paulo
    ['+55 11 98765 4321', ['America/Sao_Paulo'], 'NUMBER'],
    ['+52 664 123 4567', ['America/Tijuana'], 'NUMBER'], // Baja California, not Mexico City
    ['+52 669 123 4567', ['America/Mazatlan'], 'NUMBER'],
    ['+91 98123 45678', ['Asia/Kolkata'], 'NUMBER'], // the map says Asia/Calcutta: links are resolved
    ['+44 7911 123456', ['Europe/London'], 'NUMBER'], // Guernsey, Isle of Man and London are one zone
  ])('%s -> %j', (raw, zones, source) => {
    const p = normalisePhone(raw, 'p');
    expect(zonesOfNumber(p.e164, p.region)).toEqual({ zones, source });
  });
  it('an unassigned +1 area code gets every zone of the numbering plan (never dialable at once across 13 hours)', () => {
    const { zones } = zonesOfNumber('+15555550123', 'US');
    expect(zones.length).toBeGreaterThan(15);
    expect(zones).toEqual(expect.arrayContaining(['Pacific/Honolulu', 'America/New_York', 'America/St_Johns']));
  });
  it("an explicit contact zone wins over the number's candidates", () => {
    expect(dialZones('America/Denver', ['America/Boise', 'America/Los_Angeles'])).toEqual(['America/Denver']);
    expect(dialZones(null, ['America/Boise', 'America/Los_Angeles'])).toEqual(['America/Boise', 'America/Los_Angeles']);
  });
});

describe('canonical zone names', () => {
  it.each([
    ['america/boise', 'America/Boise'],
    ['Asia/Calcutta', 'Asia/Kolkata'],
    ['Europe/Kiev', 'Europe/Kyiv'],
    ['US/Pacific', 'America/Los_Angeles'],
    ['America/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['  Asia/Kathmandu ', 'Asia/Kathmandu'],
    ['UTC', 'Etc/UTC'],
    ['etc/utc', 'Etc/UTC'],
  ])('%j -> %s', (typed, canonical) => {
    expect(canonicalTimeZone(typed, 'input.timeZone')).toBe(canonical);
  });
  it.each([
    ['EST', /not a region time zone.*America\/Panama/],
    ['CET', /not a region time zone/],
    ['EST5EDT', /not a region time zone/],
    ['Japan', /not a region time zone.*Asia\/Tokyo/],
    ['GMT', /not a region time zone/],
    ['Etc/GMT+5', /not a region time zone/],
    ['Mars/Olympus', /is not an IANA time zone/],
    ['', /is not an IANA time zone/],
  ])('refuses %j', (typed, message) => {
    let err: DialerError | undefined;
    try {
      canonicalTimeZone(typed, 'input.timeZone');
    } catch (e) {
      err = e as DialerError;
    }
    expect(err?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.timeZone' });
    expect(err?.message).toMatch(message);
  });
});

describe('contact CSV parsing', () => {
  it('reads phones from several columns and keeps physical line numbers across quoted newlines', () => {
    const rows = parseContactCsv('Name,Phone 1,Phone2,City\n"A\nB",+911,+912,X\nC,+913,,Y\n');
    expect(rows.map((r) => [r.line, r.name, r.phones, r.fields])).toEqual([
      [3, 'A\nB', ['+911', '+912'], { city: 'X' }],
      [4, 'C', ['+913'], { city: 'Y' }],
    ]);
  });
  it.each([
    ['name,phone,name\nA,1,B', 'repeats column'],
    ['name,phone,bad key!\nA,1,x', 'usable field name'],
    ['phone\n1', 'no "name" column'],
  ])('refuses %j', (csv, text) => {
    expect(() => parseContactCsv(csv)).toThrow(text);
  });
});
