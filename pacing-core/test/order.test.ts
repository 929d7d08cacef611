import { describe, expect, it } from 'vitest';
import { NumberState, orderNumbers, PacingCoreError, type OrderInput } from '../src/index.js';
import { columnsOf, NOON, UTC, type Row } from './helpers.js';

const { SCHEDULED: NEW, RETRY, IN_PROGRESS, FINAL } = NumberState;
const MIN = 60_000;

/** Order with the TypeScript engine, checking that the WebAssembly kernel returns exactly the same. */
function order(rows: Row[], extra: Partial<OrderInput> = {}): { rows: number[]; res: ReturnType<typeof orderNumbers> } {
  const res = orderNumbers({ columns: columnsOf(rows), zones: UTC, now: NOON, ...extra, engine: 'js' });
  const wasm = orderNumbers({ columns: columnsOf(rows), zones: UTC, now: NOON, ...extra, engine: 'wasm' });
  expect({ ...wasm, rows: Array.from(wasm.rows) }).toEqual({ ...res, rows: Array.from(res.rows) });
  return { rows: Array.from(res.rows), res };
}

describe('orderNumbers: dial order (seed 003)', () => {
  const cases: { name: string; rows: Row[]; expected: number[] }[] = [
    {
      name: 'due callbacks before new numbers',
      rows: [{ createdAt: 1 }, { state: RETRY, nextAttemptAt: NOON - MIN }],
      expected: [1, 0],
    },
    {
      name: 'due callbacks: oldest scheduled time first',
      rows: [
        { state: RETRY, nextAttemptAt: NOON - 1 * MIN },
        { state: RETRY, nextAttemptAt: NOON - 5 * MIN },
        { state: RETRY, nextAttemptAt: NOON - 3 * MIN },
      ],
      expected: [1, 2, 0],
    },
    {
      name: 'due callbacks: same scheduled time, higher priority first',
      rows: [
        { state: RETRY, nextAttemptAt: NOON - MIN, priority: 1 },
        { state: RETRY, nextAttemptAt: NOON - MIN, priority: 9 },
        { state: RETRY, nextAttemptAt: NOON - MIN, priority: -3 },
      ],
      expected: [1, 0, 2],
    },
    {
      name: 'scheduled time outranks priority',
      rows: [
        { state: RETRY, nextAttemptAt: NOON - 1 * MIN, priority: 100 },
        { state: RETRY, nextAttemptAt: NOON - 2 * MIN, priority: 0 },
      ],
      expected: [1, 0],
    },
    {
      name: 'new numbers: oldest created first',
      rows: [{ createdAt: 300 }, { createdAt: 100 }, { createdAt: 200 }],
      expected: [1, 2, 0],
    },
    {
      name: 'new numbers: same creation time, fewest dials first',
      rows: [{ createdAt: 5, dialCount: 2 }, { createdAt: 5, dialCount: 0 }, { createdAt: 5, dialCount: 1 }],
      expected: [1, 2, 0],
    },
    {
      name: 'creation time outranks dial count',
      rows: [{ createdAt: 10, dialCount: 0 }, { createdAt: 9, dialCount: 5 }],
      expected: [1, 0],
    },
    {
      name: 'full ties keep row order',
      rows: [{ createdAt: 7 }, { createdAt: 7 }, { createdAt: 7 }],
      expected: [0, 1, 2],
    },
    {
      name: 'close timestamps far from the range still order exactly',
      rows: [{ createdAt: 1e12 + 2 }, { createdAt: 0 }, { createdAt: 1e12 + 1, dialCount: 3 }, { createdAt: 1e12 + 1, dialCount: 1 }],
      expected: [1, 3, 2, 0],
    },
  ];
  it.each(cases)('$name', ({ rows, expected }) => {
    expect(order(rows).rows).toEqual(expected);
  });

  it('returns only the top k, and the hopper depth', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ createdAt: 1000 - i }));
    const { rows: got, res } = order(rows, { k: 3 });
    expect(got).toEqual([49, 48, 47]);
    expect(res.eligible).toBe(50);
  });
});

describe('orderNumbers: filters', () => {
  const cases: { name: string; rows: Row[]; opts?: Partial<OrderInput>; expected: number[]; removed: Record<string, number> }[] = [
    { name: 'final numbers', rows: [{ state: FINAL }, {}], expected: [1], removed: { final: 1 } },
    { name: 'numbers in progress', rows: [{ state: IN_PROGRESS }, {}], expected: [1], removed: { inProgress: 1 } },
    { name: 'suppressed / DND numbers', rows: [{ suppressed: true }, {}], expected: [1], removed: { suppressed: 1 } },
    {
      name: 'campaign attempt cap',
      rows: [{ attempts: 3 }, { attempts: 2 }],
      opts: { maxAttempts: 3 },
      expected: [1],
      removed: { attemptCap: 1 },
    },
    {
      name: 'per-row attempt cap overrides the campaign cap',
      rows: [{ attempts: 1, maxAttempts: 1 }, { attempts: 4, maxAttempts: 5 }],
      opts: { maxAttempts: 3 },
      expected: [1],
      removed: { attemptCap: 1 },
    },
    {
      name: 'retries not due yet',
      rows: [{ state: RETRY, nextAttemptAt: NOON + 1 }, { state: RETRY, nextAttemptAt: NOON }],
      expected: [1],
      removed: { notDue: 1 },
    },
    {
      name: 'new numbers with a future earliest time',
      rows: [{ nextAttemptAt: NOON + MIN }, {}],
      expected: [1],
      removed: { notDue: 1 },
    },
    {
      name: 'owned records are excluded from the campaign pool',
      rows: [{ ownerAgent: 7 }, {}],
      expected: [1],
      removed: { ownedByOther: 1 },
    },
    {
      name: 'owned records go to their owner only',
      rows: [{ ownerAgent: 7, createdAt: 1 }, { ownerAgent: 8 }, { createdAt: 2 }],
      opts: { forAgent: 7 },
      expected: [0, 2],
      removed: { ownedByOther: 1 },
    },
    {
      name: 'outside the calling window',
      rows: [{ zone: 1 }, { zone: 0 }],
      opts: { zones: ['UTC', 'Pacific/Auckland'] }, // 00:00 in Auckland at 12:00 UTC in June
      expected: [1],
      removed: { outsideWindow: 1 },
    },
    {
      name: 'contact busy: another number of the contact is in progress',
      rows: [{ contact: 0, state: IN_PROGRESS }, { contact: 0 }, { contact: 1 }],
      expected: [2],
      removed: { inProgress: 1, contactBusy: 1 },
    },
    {
      name: 'one number per contact: the best-ranked one',
      rows: [{ contact: 4, createdAt: 5, dialCount: 1 }, { contact: 4, createdAt: 5, dialCount: 0 }, { contact: 2, createdAt: 9 }],
      expected: [1, 2],
      removed: { otherNumberOfContact: 1 },
    },
    {
      name: 'next number of a contact after no answer (first number rescheduled)',
      rows: [{ contact: 0, state: RETRY, nextAttemptAt: NOON + 60 * MIN, dialCount: 1 }, { contact: 0 }],
      expected: [1],
      removed: { notDue: 1 },
    },
    {
      name: 'a due callback of a contact beats its new number',
      rows: [{ contact: 0 }, { contact: 0, state: RETRY, nextAttemptAt: NOON }],
      expected: [1],
      removed: { otherNumberOfContact: 1 },
    },
  ];
  it.each(cases)('$name', ({ rows, opts, expected, removed }) => {
    const { rows: got, res } = order(rows, opts);
    expect(got).toEqual(expected);
    for (const [k, v] of Object.entries(res.removed)) expect(v, k).toBe(removed[k] ?? 0);
  });

  it('counts each row once, under the first rule it fails', () => {
    const { res } = order([{ state: FINAL, suppressed: true }, { suppressed: true, attempts: 9 }], { maxAttempts: 1 });
    expect(res.removed).toMatchObject({ final: 1, suppressed: 1, attemptCap: 0 });
  });
});

describe('orderNumbers: calling window in the contact zone', () => {
  const at = (iso: string): number => Date.parse(iso);
  const zones = ['America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Europe/London'];
  const cases: { name: string; now: string; zone: number; open: boolean; window?: { startMinute: number; endMinute: number } }[] = [
    // New York spring-forward 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z)
    { name: 'NY spring-forward day 09:30 EDT is open (would be 08:30 on EST)', now: '2026-03-08T13:30:00Z', zone: 0, open: true },
    { name: 'NY spring-forward day 08:59 EDT is closed', now: '2026-03-08T12:59:00Z', zone: 0, open: false },
    { name: 'NY spring-forward day 20:59 EDT is open', now: '2026-03-09T00:59:00Z', zone: 0, open: true },
    { name: 'NY spring-forward day 21:00 EDT is closed', now: '2026-03-09T01:00:00Z', zone: 0, open: false },
    { name: 'NY day before spring-forward 09:00 EST is open', now: '2026-03-07T14:00:00Z', zone: 0, open: true },
    { name: 'NY day before spring-forward 08:59 EST is closed', now: '2026-03-07T13:59:00Z', zone: 0, open: false },
    // fall-back 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z)
    { name: 'NY fall-back day 08:30 EST is closed (would be 09:30 on EDT)', now: '2026-11-01T13:30:00Z', zone: 0, open: false },
    { name: 'NY fall-back day 09:00 EST is open', now: '2026-11-01T14:00:00Z', zone: 0, open: true },
    // Kolkata +05:30: 09:00 = 03:30Z, 21:00 = 15:30Z
    { name: 'Kolkata 08:59 is closed', now: '2026-03-08T03:29:00Z', zone: 1, open: false },
    { name: 'Kolkata 09:00 is open', now: '2026-03-08T03:30:00Z', zone: 1, open: true },
    { name: 'Kolkata 20:59 is open', now: '2026-03-08T15:29:00Z', zone: 1, open: true },
    { name: 'Kolkata 21:00 is closed', now: '2026-03-08T15:30:00Z', zone: 1, open: false },
    // Kathmandu +05:45: 09:00 = 03:15Z, 21:00 = 15:15Z
    { name: 'Kathmandu 08:59 is closed', now: '2026-03-08T03:14:00Z', zone: 2, open: false },
    { name: 'Kathmandu 09:00 is open', now: '2026-03-08T03:15:00Z', zone: 2, open: true },
    { name: 'Kathmandu 21:00 is closed', now: '2026-03-08T15:15:00Z', zone: 2, open: false },
    // Lord Howe: +11 in (southern) summer, +10:30 in winter (30-minute DST)
    { name: 'Lord Howe summer 09:00 (+11) is open', now: '2026-01-14T22:00:00Z', zone: 3, open: true },
    { name: 'Lord Howe winter 08:59 (+10:30) is closed', now: '2026-07-14T22:29:00Z', zone: 3, open: false },
    { name: 'Lord Howe winter 09:00 (+10:30) is open', now: '2026-07-14T22:30:00Z', zone: 3, open: true },
    // windows that wrap past midnight
    { name: 'window 22:00-02:00 open at 01:00 London (BST)', now: '2026-06-15T00:00:00Z', zone: 4, open: true, window: { startMinute: 1320, endMinute: 120 } },
    { name: 'window 22:00-02:00 closed at 12:00 London', now: '2026-06-15T11:00:00Z', zone: 4, open: false, window: { startMinute: 1320, endMinute: 120 } },
  ];
  it.each(cases)('$name', ({ now, zone, open, window }) => {
    const res = orderNumbers({ columns: columnsOf([{ zone }]), zones, now: at(now), window });
    expect(res.rows.length).toBe(open ? 1 : 0);
    expect(res.removed.outsideWindow).toBe(open ? 0 : 1);
  });
});

/**
 * Numbers whose zone is uncertain carry a candidate set; they are dialable only while the window holds in every
 * candidate (the most restrictive rule), and the rows held back by that rule alone are counted apart.
 */
describe('orderNumbers: candidate zone sets (most restrictive rule)', () => {
  // 2026-11-24T14:26Z: New York 09:26, Chicago 08:26, Denver 07:26, Boise 07:26, Los Angeles 06:26, Honolulu 04:26
  const NOW = Date.parse('2026-11-24T14:26:00Z');
  const zones = [
    'America/New_York',
    ['America/Boise', 'America/Los_Angeles'],
    ['America/Chicago', 'America/New_York'],
    ['Australia/Adelaide', 'Australia/Perth'],
    ['Pacific/Honolulu'],
  ];
  const window = { startMinute: 8 * 60, endMinute: 21 * 60 };
  it('a set is open only while every zone is; rows held back only by the set are counted apart', () => {
    // rows: NY (open), Boise/LA (both closed), Chicago/NY (Chicago 08:26 open with 08:00 start), Adelaide/Perth
    // (01:56 / 22:26: closed), a row with a Chicago/NY set that is not due (removed earlier, not counted)
    const rows: Row[] = [{ zone: 0 }, { zone: 1 }, { zone: 2 }, { zone: 3 }, { zone: 4 }, { zone: 2, state: RETRY, nextAttemptAt: NOW + 60 * MIN }];
    const { rows: got, res } = order(rows, { zones, now: NOW, window });
    expect(got.sort()).toEqual([0, 2]);
    expect(res.removed.outsideWindow).toBe(3);
    expect(res.removed.outsideWindowUncertainZone).toBe(0);
    // at 08:00 start Chicago is still closed at 13:30Z (07:30) while New York is open (08:30): held back by the set
    const early = order(rows, { zones, now: Date.parse('2026-11-24T13:30:00Z'), window });
    expect(early.rows).toEqual([0]);
    expect(early.res.removed.outsideWindowUncertainZone).toBe(1);
    expect(early.res.removed.outsideWindow).toBe(4);
  });
  it('the count is the same through the WebAssembly kernel on many rows', () => {
    const rows: Row[] = Array.from({ length: 5000 }, (_, i) => ({ zone: i % 5, createdAt: i }));
    const { res } = order(rows, { zones, now: Date.parse('2026-11-24T13:30:00Z'), window });
    expect(res.removed.outsideWindowUncertainZone).toBe(1000);
    expect(res.eligible).toBe(1000);
  });
  it('an empty candidate set or a bad name in one is BAD_ORDER_INPUT', () => {
    expect(() => orderNumbers({ columns: columnsOf([{}]), zones: [[]], now: NOW })).toThrow(/zones\[0\] must be a zone name or a non-empty array/);
    expect(() => orderNumbers({ columns: columnsOf([{}]), zones: [['UTC', 'Mars/Olympus']], now: NOW })).toThrow(/"Mars\/Olympus" is not a valid IANA time zone/);
  });
});

describe('orderNumbers: option checks (BAD_ORDER_INPUT)', () => {
  const good = (): OrderInput => ({ columns: columnsOf([{}, {}]), zones: UTC, now: NOON });
  const cases: { name: string; mutate: (i: OrderInput) => void; message: RegExp }[] = [
    { name: 'columns missing', mutate: (i) => { (i as { columns: unknown }).columns = undefined; }, message: /columns must be an object/ },
    { name: 'wrong column type', mutate: (i) => { (i.columns as { createdAt: unknown }).createdAt = new Float32Array(2); }, message: /columns.createdAt must be a Float64Array/ },
    { name: 'column length mismatch', mutate: (i) => { i.columns.priority = new Int16Array(3); }, message: /columns.priority has length 3, expected 2/ },
    { name: 'now not finite', mutate: (i) => { i.now = Number.NaN; }, message: /now must be a finite/ },
    { name: 'k negative', mutate: (i) => { i.k = -1; }, message: /k must be a non-negative integer/ },
    { name: 'zones empty', mutate: (i) => { i.zones = []; }, message: /zones must be a non-empty array/ },
    { name: 'unknown zone', mutate: (i) => { i.zones = ['Mars/Olympus']; }, message: /"Mars\/Olympus" is not a valid IANA time zone/ },
    { name: 'window minute out of range', mutate: (i) => { i.window = { startMinute: 540, endMinute: 1500 }; }, message: /window.endMinute must be an integer minute in \[0, 1440\]/ },
    { name: 'maxAttempts fractional', mutate: (i) => { i.maxAttempts = 1.5; }, message: /maxAttempts must be a non-negative integer/ },
    { name: 'forAgent not an integer', mutate: (i) => { i.forAgent = 0.5; }, message: /forAgent must be an integer/ },
    { name: 'contactCount negative', mutate: (i) => { i.contactCount = -2; }, message: /contactCount must be a non-negative integer/ },
    { name: 'contact beyond contactCount', mutate: (i) => { i.columns.contact[1] = 5; i.contactCount = 2; }, message: /columns.contact\[1\] = 5 is not below contactCount 2/ },
    { name: 'zone index outside the table', mutate: (i) => { i.columns.zone[0] = 3; }, message: /columns.zone\[0\] = 3 is outside the zones table/ },
    { name: 'state code unknown', mutate: (i) => { i.columns.state[1] = 9; }, message: /columns.state\[1\] = 9 is not a NumberState code/ },
    { name: 'out too short', mutate: (i) => { i.out = new Int32Array(1); }, message: /out has length 1, needs at least 2/ },
    { name: 'engine unknown', mutate: (i) => { (i as { engine: unknown }).engine = 'fast'; }, message: /engine must be 'auto', 'js' or 'wasm', got fast/ },
  ];
  it.each(cases.flatMap((c) => (['js', 'wasm'] as const).map((engine) => ({ ...c, engine }))))('$name ($engine)', ({ mutate, message, engine }) => {
    const input = { ...good(), engine };
    mutate(input);
    let err: unknown;
    try {
      orderNumbers(input);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PacingCoreError);
    expect((err as PacingCoreError).code).toBe('BAD_ORDER_INPUT');
    expect((err as Error).message).toMatch(message);
  });

  it('an invalid row found by the WebAssembly kernel leaves a later valid call unaffected', () => {
    const rows: Row[] = Array.from({ length: 3000 }, (_, i) => ({ createdAt: 3000 - i, contact: i % 700 }));
    const columns = columnsOf(rows);
    const want = Array.from(orderNumbers({ columns, zones: UTC, now: NOON, engine: 'js' }).rows);
    columns.zone[2500] = 7;
    expect(() => orderNumbers({ columns, zones: UTC, now: NOON, engine: 'wasm' })).toThrow(/columns.zone\[2500\] = 7 is outside the zones table/);
    columns.zone[2500] = 0;
    expect(Array.from(orderNumbers({ columns, zones: UTC, now: NOON, engine: 'wasm' }).rows)).toEqual(want);
  });
});
