import { describe, expect, it } from 'vitest';
import { allocateColumns, buildOrderIndex, NumberState, orderNumbers, type NumberColumns } from '../src/index.js';
import { columnsOf, NOON, UTC, type Row } from './helpers.js';

const { SCHEDULED: NEW, RETRY } = NumberState;
const ALWAYS = { startMinute: 0, endMinute: 0 };

/** Dial-order comparator of the spec, over columns (due callbacks, then new numbers; ties by row). */
function compare(c: NumberColumns, a: number, b: number): number {
  const ga = c.state[a] === RETRY ? 0 : 1, gb = c.state[b] === RETRY ? 0 : 1;
  if (ga !== gb) return ga - gb;
  if (ga === 0) return (c.nextAttemptAt[a] - c.nextAttemptAt[b]) || (c.priority[b] - c.priority[a]) || a - b;
  return (c.createdAt[a] - c.createdAt[b]) || (c.dialCount[a] - c.dialCount[b]) || a - b;
}

/** Reference for campaigns without contacts and filters: every row, comparator sort. */
function referenceOrder(c: NumberColumns): number[] {
  return Array.from({ length: c.state.length }, (_, i) => i).sort((a, b) => compare(c, a, b));
}

/** Deterministic pseudo-random integers in [0, n). */
function lcg(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.floor((s / 2 ** 32) * n);
  };
}

describe('orderNumbers: packed radix sort on edge keys', () => {
  const r = lcg(7);
  const cases: { name: string; rows: Row[] }[] = [
    { name: 'all keys equal (every digit constant, row order kept)', rows: Array.from({ length: 300 }, () => ({ createdAt: 5 })) },
    {
      name: 'keys differing only in the lowest digit (dial counts)',
      rows: Array.from({ length: 300 }, () => ({ createdAt: 5, dialCount: r(2000) })),
    },
    {
      name: 'keys differing only in the top digit (two far-apart times)',
      rows: Array.from({ length: 300 }, () => ({ createdAt: r(2) === 0 ? 0 : 8.64e15 })),
    },
    {
      name: 'extreme secondaries: priority -32768..32767 and dialCount 0..65535',
      rows: Array.from({ length: 400 }, (_, i) =>
        i % 2 === 0
          ? { state: RETRY, nextAttemptAt: NOON - r(3), priority: r(2) === 0 ? -32768 + r(3) : 32767 - r(3) }
          : { createdAt: r(3), dialCount: r(2) === 0 ? r(3) : 65535 - r(3) }),
    },
    {
      name: 'fractional times closer than the key resolution (long tie runs re-sorted exactly)',
      rows: Array.from({ length: 600 }, () => ({ createdAt: r(2) === 0 ? 0 : 1.7e12 + r(100) / 1024, dialCount: r(3) })),
    },
    {
      name: 'negative and fractional callback times',
      rows: Array.from({ length: 300 }, () => ({ state: RETRY, nextAttemptAt: -1e6 + r(1000) * 0.25, priority: r(5) - 2 })),
    },
  ];
  it.each(cases)('$name', ({ rows }) => {
    const columns = columnsOf(rows);
    const want = referenceOrder(columns);
    for (const engine of ['js', 'wasm'] as const) {
      expect(Array.from(orderNumbers({ columns, zones: UTC, now: NOON, window: ALWAYS, engine }).rows)).toEqual(want);
      // top-k selection on the same keys
      for (const k of [1, 7, 100]) {
        expect(Array.from(orderNumbers({ columns, zones: UTC, now: NOON, window: ALWAYS, k, engine }).rows)).toEqual(want.slice(0, k));
      }
    }
    // and the refill index (all SCHEDULED/RETRY rows, same order)
    expect(Array.from(buildOrderIndex(columns).rows)).toEqual(want);
  });

  it('keeps row order on full key ties when a later sibling replaced its contact slot', () => {
    // Contact 0's best number is row 2 (created first); rows 1 and 3 tie with it on every key but come after it.
    const rows: Row[] = [
      { createdAt: 9, contact: 0 },
      { createdAt: 1, contact: 1 },
      { createdAt: 1, contact: 0 },
      { createdAt: 1, contact: 2 },
      { createdAt: 1 },
    ];
    for (const engine of ['js', 'wasm'] as const) {
      const res = orderNumbers({ columns: columnsOf(rows), zones: UTC, now: NOON, engine });
      expect(Array.from(res.rows)).toEqual([1, 2, 3, 4]);
      expect(res.removed.otherNumberOfContact).toBe(1);
    }
  });

  it('re-sorts a long run of keys that scaling merged (an outlier stretches the range)', () => {
    // One number created 50 years earlier makes the scaled key too coarse to tell the other 5,000 apart.
    const r = lcg(11);
    const rows: Row[] = Array.from({ length: 5000 }, () => ({ createdAt: 1.7e12 + r(60_000), dialCount: r(3) }));
    rows.push({ createdAt: 1.7e12 - 50 * 365 * 86_400_000 });
    const columns = columnsOf(rows);
    const want = referenceOrder(columns);
    for (const engine of ['js', 'wasm'] as const) {
      expect(Array.from(orderNumbers({ columns, zones: UTC, now: NOON, window: ALWAYS, engine }).rows)).toEqual(want);
    }
  });
});

describe('orderNumbers: more than 2^20 eligible rows (two-array sort path; the kernel has no row limit)', () => {
  it.each(['js', 'wasm'] as const)('returns every row once, in dial order, and the same prefix for a top-k (%s)', (engine) => {
    const n = 2 ** 20 + 1000;
    const c = allocateColumns(n);
    const r = lcg(3);
    for (let i = 0; i < n; i++) {
      if (r(10) === 0) {
        c.state[i] = RETRY;
        c.nextAttemptAt[i] = NOON - r(3_600_000);
        c.priority[i] = r(10);
      } else {
        c.state[i] = NEW;
        c.createdAt[i] = NOON - r(30) * 86_400_000 - r(60_000);
        c.dialCount[i] = r(6);
      }
    }
    const res = orderNumbers({ columns: c, zones: UTC, now: NOON, window: ALWAYS, engine });
    expect(res.rows.length).toBe(n);
    const seen = new Uint8Array(n);
    for (let x = 0; x < n; x++) {
      seen[res.rows[x]]++;
      if (x > 0 && compare(c, res.rows[x - 1], res.rows[x]) >= 0) throw new Error(`rows out of order at ${x}`);
    }
    expect(seen.every((v) => v === 1)).toBe(true);
    const top = orderNumbers({ columns: c, zones: UTC, now: NOON, window: ALWAYS, k: 1000, engine });
    expect(Array.from(top.rows)).toEqual(Array.from(res.rows.subarray(0, 1000)));
  });
});

describe('orderNumbers: a top-k whose candidates shrink below k after one number per contact', () => {
  it('the kernel (which counts only the top key digit for a top-k) returns what the TypeScript path returns', () => {
    // 3,000 candidates (well above 4k + 256 for k = 100) but 40 contacts of 75 numbers each: 40 eligible numbers
    const n = 3000;
    const c = allocateColumns(n);
    const r = lcg(11);
    for (let i = 0; i < n; i++) {
      c.state[i] = r(4) === 0 ? RETRY : NEW;
      c.nextAttemptAt[i] = c.state[i] === RETRY ? NOON - r(3_600_000) : 0;
      c.priority[i] = r(10);
      c.createdAt[i] = NOON - r(30) * 86_400_000 - r(60_000);
      c.dialCount[i] = r(6);
      c.contact[i] = i % 40;
    }
    const input = { columns: c, zones: UTC, now: NOON, window: ALWAYS, k: 100, contactCount: 40 };
    const js = orderNumbers({ ...input, engine: 'js' });
    const wasm = orderNumbers({ ...input, engine: 'wasm' });
    expect(js.rows.length).toBe(40);
    expect(Array.from(wasm.rows)).toEqual(Array.from(js.rows));
    expect(wasm.removed).toEqual(js.removed);
    // and the same 40 as a full order
    expect(Array.from(orderNumbers({ ...input, k: n, engine: 'wasm' }).rows)).toEqual(Array.from(js.rows));
  });
});
