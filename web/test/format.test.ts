import { describe, expect, it } from 'vitest';
import {
  INTERRUPTED_OUTCOMES, NUMBER_STATES, age, capLevel, count, duration, eta, fieldMessage, freshness, heldBackLabel, heldBackReasons, percent, settledText, integrationLine,
} from '../src/lib/format.js';
import { pacingSummary, rollupParts, type PacingInputs } from '../src/lib/format.js';

describe('format', () => {
  it.each([
    [0.0213, '2.1%'],
    [0.03, '3.0%'],
    [0.125, '13%'],
    [0, '0.0%'],
    [null, '—'],
    [Number.NaN, '—'],
  ])('percent(%s) = %s', (v, want) => expect(percent(v)).toBe(want));

  it.each([
    [0, '0:00'],
    [65, '1:05'],
    [125.4, '2:05'],
    [3725, '1:02:05'],
    [null, '—'],
    [-3, '—'],
  ])('duration(%s) = %s', (v, want) => expect(duration(v)).toBe(want));

  it.each([
    [0, 'done'],
    [0.4, '1m'],
    [59, '59m'],
    [95, '1h 35m'],
    [4000, '2d 18h'],
    [null, '—'],
  ])('eta(%s) = %s', (v, want) => expect(eta(v)).toBe(want));

  it('counts with thousands separators', () => {
    expect(count(12345)).toBe('12,345');
    expect(count(undefined)).toBe('—');
  });

  it.each([
    [null, 'ok'],
    [0.01, 'ok'],
    [0.0239, 'ok'],
    [0.024, 'near'],
    [0.03, 'near'],
    [0.0301, 'over'],
  ] as const)('capLevel(%s, 3%%) = %s', (rate, want) => expect(capLevel(rate, 0.03)).toBe(want));

  it('says how old data is', () => {
    expect(age(500)).toBe('just now');
    expect(age(12_400)).toBe('12 s ago');
    expect(age(185_000)).toBe('3 min ago');
    expect(age(7_300_000)).toBe('2 h ago');
    expect(age(Number.POSITIVE_INFINITY)).toBe('never');
    expect([freshness(1000), freshness(10_000), freshness(60_000)]).toEqual(['fresh', 'stale', 'old']);
  });

  it('names the hopper filters, and falls back to words for new ones', () => {
    expect(heldBackLabel('outsideWindow')).toBe('outside calling window');
    expect(heldBackLabel('someNewFilter')).toBe('some new filter');
  });

  it('names the uncertain-zone filter', () => {
    expect(heldBackLabel('outsideWindowUncertainZone')).toBe('in an uncertain zone');
  });

  it('folds the uncertain-zone count into outside-window instead of adding it as a reason of its own', () => {
    const reasons = heldBackReasons([
      { filter: 'notDue', count: 40 },
      { filter: 'outsideWindowUncertainZone', count: 30 },
      { filter: 'outsideWindow', count: 120 },
      { filter: 'suppressed', count: 0 },
    ]);
    expect(reasons.map((r) => [r.filter, r.count])).toEqual([['outsideWindow', 120], ['notDue', 40]]);
    expect(reasons[0]!.parts).toEqual([{ filter: 'outsideWindowUncertainZone', count: 30, label: 'in an uncertain zone' }]);
    expect(reasons.reduce((n, r) => n + r.count, 0)).toBe(160);
    // a part without its parent (or with a zero count) is not shown on its own
    expect(heldBackReasons([{ filter: 'outsideWindowUncertainZone', count: 3 }])).toEqual([]);
  });

  it('has a tile for interrupted numbers and three ways to settle them', () => {
    expect(NUMBER_STATES.map(([k]) => k)).toContain('interrupted');
    expect(INTERRUPTED_OUTCOMES.map((o) => [o.outcome, o.label])).toEqual([['COMPLETED', 'Done'], ['RETRY', 'Call again'], ['FAILED', "Don't call"]]);
    expect(settledText({ contactName: 'Asha', number: '+91' }, 'FAILED')).toBe('Asha (+91) will not be called again');
  });

  it('drops the field path the server puts in front of a message', () => {
    expect(fieldMessage('input.timeZone: "EST" is not a region time zone', 'input.timeZone')).toBe('"EST" is not a region time zone');
    expect(fieldMessage('input.contactIds.0: bad id')).toBe('bad id');
    expect(fieldMessage('The server cannot be reached')).toBe('The server cannot be reached');
  });
});

describe('pacingSummary: the pacing line in plain words (issue 16)', () => {
  const live = (over: Partial<NonNullable<PacingInputs['live']>> = {}): NonNullable<PacingInputs['live']> => ({
    pacingBoundBy: 'agentForecast', pacingRatio: 1.8, abandonRate24h: 0.01, abandonRate30d: 0.005, agents: { available: 3 }, ...over,
  });
  const base: PacingInputs = { status: 'RUNNING', dialMode: 'PREDICTIVE', abandonRateCap: 0.03, live: live() };
  it.each<[string, Partial<PacingInputs>, string, string]>([
    ['dialling ahead', {}, 'Dialling ahead: 1.8 calls per agent expected free', 'ok'],
    ['close to the cap (80%)', { live: live({ abandonRate24h: 0.028 }) }, 'Holding back: abandon rate 2.8% is close to the 3.0% cap', 'near'],
    ['bound by the cap in the 30 days', { live: live({ pacingBoundBy: 'abandonCap', abandonRate30d: 0.025 }) }, 'Holding back: abandon rate 2.5% is close to the 3.0% cap', 'near'],
    ['over the cap', { live: live({ abandonRate24h: 0.034 }) }, 'Over the cap: abandon rate 3.4% against 3.0%; dialling only what agents can take', 'over'],
    ['no agent free', { live: live({ pacingBoundBy: 'noAgents' }) }, 'Waiting: no agent is free or about to be', 'ok'],
    ['progressive', { dialMode: 'PROGRESSIVE' }, 'One customer call for each agent who is ready', 'ok'],
    ['paused', { status: 'PAUSED' }, 'Paused: no calls until a supervisor resumes', 'ok'],
    ['finished', { status: 'COMPLETED' }, 'Finished: no more calls', 'ok'],
  ])('%s', (_, over, text, level) => {
    expect(pacingSummary({ ...base, ...over })).toEqual({ text, level });
  });
});

describe('rollupParts: the campaign list breaks Failed and Scheduled down (seed 004)', () => {
  const byState = [
    { state: 'FAILED', count: 3 }, { state: 'FAILED_DND', count: 1 }, { state: 'INVALID', count: 2 },
    { state: 'SCHEDULED', count: 10 }, { state: 'RETRY', count: 4 }, { state: 'COMPLETED', count: 7 },
  ];
  it('names each non-empty part in the seed order', () => {
    expect(rollupParts(byState, 'failed')).toEqual([{ state: 'FAILED', label: 'failed', count: 3 }, { state: 'FAILED_DND', label: 'DND', count: 1 }, { state: 'INVALID', label: 'invalid', count: 2 }]);
    expect(rollupParts(byState, 'scheduled').map((p) => `${p.count} ${p.label}`)).toEqual(['10 new', '4 retry']);
    expect(rollupParts([], 'failed')).toEqual([]);
  });
});

describe('integrationLine', () => {
  const base = { kind: 'DIAL_WHOM', done: false, fetched: 1200, rejected: 3, lastRejection: 'item 7: INVALID_NUMBER: x', failures: 0, lastError: null, retryAt: null };
  it('says a failing URL with its error, retry time (in the zone given) and failures in a row', () => {
    expect(integrationLine({ ...base, failures: 3, lastError: 'the dial-whom URL answered HTTP 503', retryAt: '2026-11-23T05:00:20Z' }, 'Asia/Kolkata'))
      .toEqual({ kind: 'DIAL_WHOM', failing: true, text: 'Dial-whom URL failing: the dial-whom URL answered HTTP 503 · retry 10:30:20 · 3 failures in a row', title: 'the dial-whom URL answered HTTP 503' });
  });
  it('says how paging stands when it works; a working get-contacts URL needs no line', () => {
    expect(integrationLine({ ...base, done: true })).toMatchObject({ failing: false, text: 'Dial-whom URL: 1,200 numbers taken · 3 refused · last page read', title: 'Last refused: item 7: INVALID_NUMBER: x' });
    expect(integrationLine({ ...base, kind: 'GET_CONTACTS' })).toBeNull();
    expect(integrationLine({ ...base, kind: 'GET_CONTACTS', failures: 1, lastError: 'TIMEOUT: no complete answer within 2000 ms', retryAt: null })?.text).toBe('Get-contacts URL failing: TIMEOUT: no complete answer within 2000 ms');
  });
  it('says a trunk that fails calls in the network, and nothing once it works again', () => {
    expect(integrationLine({ ...base, kind: 'TELEPHONY', failures: 5, lastError: 'calls fail in the network (UNREACHABLE); dialling paused', retryAt: '2026-11-23T05:00:20Z' }, 'Asia/Kolkata')?.text)
      .toBe('Trunk failing: calls fail in the network (UNREACHABLE); dialling paused · retry 10:30:20 · 5 failures in a row');
    expect(integrationLine({ ...base, kind: 'TELEPHONY' })).toBeNull();
  });
});
