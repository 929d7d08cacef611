/** Synthetic campaigns for the benchmarks (deterministic). */
import { allocateColumns, NumberState, Rng, type NumberColumns } from '../src/index.js';

/** Zones of the synthetic campaign (mixed offsets incl. +05:30 and +05:45). */
export const BENCH_ZONES = [
  'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'Europe/London', 'Europe/Berlin',
  'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Sydney',
];

/** "now" of the benchmarks: 2026-03-09 15:00 UTC (window open in most zones). */
export const BENCH_NOW = Date.UTC(2026, 2, 9, 15, 0);

/**
 * A realistic campaign of `n` numbers: 80% new (created in 40 list imports over 30 days), 10% callbacks (half due),
 * 5% in progress, 5% final; ~1.3 numbers per contact; 5% owned by 50 agents; 2% suppressed; attempts 0-5 vs cap 5.
 */
export function syntheticCampaign(n: number, seed = 1): NumberColumns {
  const rng = new Rng(seed);
  const c = allocateColumns(n, true);
  const imports = Array.from({ length: 40 }, () => BENCH_NOW - rng.next() * 30 * 86_400_000);
  for (let i = 0; i < n; i++) {
    const u = rng.next();
    c.state[i] = u < 0.8 ? NumberState.SCHEDULED : u < 0.9 ? NumberState.RETRY : u < 0.95 ? NumberState.IN_PROGRESS : NumberState.FINAL;
    c.nextAttemptAt[i] = c.state[i] === NumberState.RETRY ? BENCH_NOW + (rng.next() - 0.5) * 4 * 3_600_000 : 0;
    c.createdAt[i] = imports[Math.floor(rng.next() * imports.length)] + Math.floor(rng.next() * 60_000);
    c.priority[i] = Math.floor(rng.next() * 10);
    c.dialCount[i] = Math.floor(rng.next() * 6);
    c.attempts![i] = c.dialCount[i];
    c.ownerAgent[i] = rng.next() < 0.05 ? Math.floor(rng.next() * 50) : -1;
    c.contact[i] = Math.floor(i / 1.3);
    c.zone[i] = Math.floor(rng.next() * BENCH_ZONES.length);
    c.suppressed[i] = rng.next() < 0.02 ? 1 : 0;
  }
  return c;
}
