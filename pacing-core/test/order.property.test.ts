import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildOrderIndex, inWindow, localMinuteOfDay, NumberState, orderFromIndex, orderNumbers, type CallingWindow } from '../src/index.js';
import { columnsOf, type Row } from './helpers.js';

const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu'];
const NOW = Date.UTC(2026, 2, 8, 13, 30); // New York spring-forward day

/** Straightforward reference: filter, keep the best number per contact, sort with the spec's comparator. */
function reference(rows: Row[], now: number, k: number, forAgent: number, w: CallingWindow, cap: number): number[] {
  const busy = new Set(rows.filter((r) => r.state === NumberState.IN_PROGRESS && (r.contact ?? -1) >= 0).map((r) => r.contact));
  const cmp = (a: number, b: number): number => {
    const ra = rows[a], rb = rows[b];
    const ga = ra.state === NumberState.RETRY ? 0 : 1, gb = rb.state === NumberState.RETRY ? 0 : 1;
    if (ga !== gb) return ga - gb;
    if (ga === 0) return (ra.nextAttemptAt! - rb.nextAttemptAt!) || (rb.priority! - ra.priority!) || a - b;
    return (ra.createdAt! - rb.createdAt!) || (ra.dialCount! - rb.dialCount!) || a - b;
  };
  const ok = rows
    .map((_, i) => i)
    .filter((i) => {
      const r = rows[i];
      const rowCap = r.maxAttempts || cap;
      return (
        (r.state === NumberState.SCHEDULED || r.state === NumberState.RETRY) &&
        !r.suppressed &&
        !(rowCap > 0 && r.attempts! >= rowCap) &&
        r.nextAttemptAt! <= now &&
        (r.ownerAgent! < 0 || r.ownerAgent === forAgent) &&
        inWindow(localMinuteOfDay(ZONES[r.zone!], now), w) &&
        !busy.has(r.contact)
      );
    });
  const bestOf = new Map<number, number>();
  for (const i of ok) {
    const c = rows[i].contact!;
    if (c < 0) continue;
    const b = bestOf.get(c);
    if (b === undefined || cmp(i, b) < 0) bestOf.set(c, i);
  }
  return ok.filter((i) => rows[i].contact! < 0 || bestOf.get(rows[i].contact!) === i).sort(cmp).slice(0, k);
}

const base = fc.constantFrom(0, 1e6, NOW - 86_400_000, NOW - 5_000, 1.7e12);
const rowArb: fc.Arbitrary<Row> = fc.record({
  state: fc.constantFrom(NumberState.SCHEDULED, NumberState.SCHEDULED, NumberState.RETRY, NumberState.RETRY, NumberState.IN_PROGRESS, NumberState.FINAL),
  nextAttemptAt: fc.oneof(fc.constant(0), fc.integer({ min: -100_000, max: 20_000 }).map((d) => NOW + d)),
  createdAt: fc.tuple(base, fc.integer({ min: 0, max: 3 })).map(([b, d]) => b + d),
  priority: fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -32768, max: 32767 })),
  dialCount: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 65535 })),
  attempts: fc.integer({ min: 0, max: 5 }),
  maxAttempts: fc.constantFrom(0, 0, 2, 4),
  ownerAgent: fc.constantFrom(-1, -1, -1, 0, 1),
  contact: fc.integer({ min: -1, max: 40 }),
  zone: fc.integer({ min: 0, max: ZONES.length - 1 }),
  suppressed: fc.integer({ min: 0, max: 9 }).map((v) => v < 2),
});

describe('orderNumbers: properties', () => {
  it('matches the reference order and never returns a row that fails a filter', () => {
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 2500 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.constantFrom(-1, 0, 1),
        fc.constantFrom<CallingWindow>({ startMinute: 540, endMinute: 1260 }, { startMinute: 0, endMinute: 0 }, { startMinute: 1200, endMinute: 600 }),
        fc.constantFrom(0, 3),
        (rows, k, agent, window, cap) => {
          const columns = columnsOf(rows);
          const input = { columns, zones: ZONES, now: NOW, k, forAgent: agent < 0 ? undefined : agent, window, maxAttempts: cap };
          const res = orderNumbers({ ...input, engine: 'js' });
          const got = Array.from(res.rows);
          const want = reference(rows, NOW, k, agent, window, cap);
          expect(got).toEqual(want);
          // the WebAssembly kernel returns exactly the same, counts included
          const wasm = orderNumbers({ ...input, engine: 'wasm' });
          expect({ ...wasm, rows: Array.from(wasm.rows) }).toEqual({ ...res, rows: got });
          // explicit filter invariants on what was returned
          const contacts = new Set<number>();
          for (const i of got) {
            const r = rows[i];
            expect(r.state === NumberState.SCHEDULED || r.state === NumberState.RETRY).toBe(true);
            expect(r.suppressed).toBe(false);
            expect(r.nextAttemptAt! <= NOW).toBe(true);
            expect(r.ownerAgent! < 0 || r.ownerAgent === agent).toBe(true);
            expect(inWindow(localMinuteOfDay(ZONES[r.zone!], NOW), window)).toBe(true);
            if (r.contact! >= 0) {
              expect(contacts.has(r.contact!)).toBe(false);
              contacts.add(r.contact!);
            }
          }
          const removed = Object.values(res.removed).reduce((a, b) => a + b, 0);
          expect(removed + res.eligible).toBe(rows.length);
        },
      ),
      { numRuns: 300, seed: 3 },
    );
  });

  it('top-k selection on large, mostly eligible campaigns matches the reference', () => {
    const dense: fc.Arbitrary<Row> = fc.record({
      state: fc.constantFrom(NumberState.SCHEDULED, NumberState.SCHEDULED, NumberState.RETRY, NumberState.FINAL),
      nextAttemptAt: fc.integer({ min: -100_000, max: 1_000 }).map((d) => NOW + d),
      createdAt: fc.tuple(base, fc.integer({ min: 0, max: 50 })).map(([b, d]) => b + d),
      priority: fc.integer({ min: -3, max: 3 }),
      dialCount: fc.integer({ min: 0, max: 4 }),
      attempts: fc.constant(0),
      maxAttempts: fc.constant(0),
      ownerAgent: fc.constant(-1),
      contact: fc.integer({ min: -1, max: 3000 }),
      zone: fc.constant(0),
      suppressed: fc.constant(false),
    });
    fc.assert(
      fc.property(fc.array(dense, { minLength: 1500, maxLength: 5000 }), fc.integer({ min: 1, max: 100 }), (rows, k) => {
        const window = { startMinute: 0, endMinute: 0 };
        const want = reference(rows, NOW, k, -1, window, 0);
        for (const engine of ['js', 'wasm'] as const) {
          const res = orderNumbers({ columns: columnsOf(rows), zones: ZONES, now: NOW, k, window, engine });
          expect(Array.from(res.rows)).toEqual(want);
        }
      }),
      { numRuns: 40, seed: 5 },
    );
  });
});

describe('orderFromIndex (refill from a prebuilt index)', () => {
  const mutate = fc.record({
    row: fc.nat(),
    state: fc.constantFrom(NumberState.SCHEDULED, NumberState.RETRY, NumberState.IN_PROGRESS, NumberState.FINAL),
    next: fc.integer({ min: -100_000, max: 20_000 }),
    dials: fc.integer({ min: 0, max: 3 }),
    priority: fc.integer({ min: -2, max: 2 }),
    suppressed: fc.boolean(),
    listed: fc.boolean(),
  });
  it('returns exactly the top-k of orderNumbers after changes listed as dirty, and never a filtered row otherwise', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 800 }), fc.array(mutate, { minLength: 1, maxLength: 60 }), fc.integer({ min: 0, max: 900 }), fc.constantFrom(-1, 0), fc.integer({ min: 0, max: 3 }), (rows, changes, k, agent, listMode) => {
        const columns = columnsOf(rows);
        const index = buildOrderIndex(columns);
        const dirty: number[] = [];
        let allListed = true;
        for (const ch of changes) {
          const i = ch.row % rows.length;
          columns.state[i] = ch.state;
          columns.nextAttemptAt[i] = NOW + ch.next;
          columns.dialCount[i] = ch.dials;
          columns.priority[i] = ch.priority;
          columns.suppressed[i] = ch.suppressed ? 1 : 0;
          if (listMode > 0 || ch.listed) dirty.push(i); // listMode 0: some changes go unlisted
          else allListed = false;
        }
        const window = { startMinute: 540, endMinute: 1260 };
        const common = { columns, zones: ZONES, now: NOW, k, window, maxAttempts: 3, forAgent: agent < 0 ? undefined : agent };
        const got = orderFromIndex({ ...common, index, dirty });
        const want = orderNumbers(common);
        if (allListed) expect(Array.from(got.rows)).toEqual(Array.from(want.rows));
        // Whatever was listed, every returned row passes every filter on the current values, one per contact.
        const busy = new Set<number>();
        for (let i = 0; i < rows.length; i++) if (columns.state[i] === NumberState.IN_PROGRESS && columns.contact[i] >= 0) busy.add(columns.contact[i]);
        const seen = new Set<number>();
        for (const r of got.rows) {
          const cap = columns.maxAttempts![r] || 3;
          expect(columns.state[r] === NumberState.SCHEDULED || columns.state[r] === NumberState.RETRY).toBe(true);
          expect(columns.suppressed[r]).toBe(0);
          expect(columns.attempts![r] < cap).toBe(true);
          expect(columns.nextAttemptAt[r] <= NOW).toBe(true);
          expect(columns.ownerAgent[r] < 0 || columns.ownerAgent[r] === agent).toBe(true);
          expect(inWindow(localMinuteOfDay(ZONES[columns.zone[r]], NOW), window)).toBe(true);
          const ct = columns.contact[r];
          if (ct >= 0) {
            expect(busy.has(ct)).toBe(false);
            expect(seen.has(ct)).toBe(false);
            seen.add(ct);
          }
        }
      }),
      { numRuns: 300, seed: 11 },
    );
  });

  it('rejects an index built for other columns', () => {
    const index = buildOrderIndex(columnsOf([{}, {}]));
    expect(() => orderFromIndex({ columns: columnsOf([{}]), zones: ZONES, now: NOW, index })).toThrow(/index was built for 2 rows, columns have 1: rebuild it/);
  });
});
