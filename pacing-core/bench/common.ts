/** Shared helpers for the benchmarks (I/O allowed here). */
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** Path of the built worker entry (benches run after `npm run build -w pacing-core`). */
export const WORKER_FILE = fileURLToPath(new URL('../dist/worker.js', import.meta.url));

/**
 * Pool options of every benchmark: the built worker, started as plain `node` like the server's pool. A worker
 * otherwise inherits the parent's `execArgv`, and under `tsx` (how the benches run) the same worker code ran about
 * 50% slower (paceMany over 1,000 campaigns: 0.78 ms against 0.52 ms), which measured tsx, not the worker.
 */
export const WORKER_OPTIONS = { filename: WORKER_FILE, execArgv: [] as string[] };

/** Percentile (0..100) of a list of numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx];
}

/** Round to `d` decimals for printing. */
export function r(x: number, d = 3): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}

/** Machine facts printed with every benchmark, since figures depend on them. */
export function machine(): { node: string; cpus: number; cpu: string } {
  const c = cpus();
  return { node: process.version, cpus: c.length, cpu: c[0]?.model ?? 'unknown' };
}

/**
 * Machine calibration printed next to the figures: a trivial branchy loop over 100,000 typed-array elements and a
 * native sort of 100,000 uint32, in ms (median of 50). Lets readers scale figures taken on a busy or slow machine.
 */
export function calibration(): { loop100kMs: number; nativeSort100kMs: number } {
  const n = 100_000;
  const a = new Uint8Array(n), f = new Float64Array(n), k = new Uint32Array(n);
  let s = 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = s & 3;
    f[i] = (s >>> 8) / 16777216;
    k[i] = s;
  }
  const loop = (): number => {
    let c = 0;
    for (let i = 0; i < n; i++) {
      if (a[i] === 3) continue;
      if (f[i] > 0.5) c++;
    }
    return c;
  };
  const lt: number[] = [], st: number[] = [];
  let sink = 0;
  for (let i = 0; i < 100; i++) {
    const t0 = performance.now();
    sink += loop();
    if (i >= 50) lt.push(performance.now() - t0);
  }
  for (let i = 0; i < 20; i++) {
    const c = k.slice();
    const t0 = performance.now();
    c.sort();
    st.push(performance.now() - t0);
  }
  if (sink < 0) throw new Error('unreachable');
  return { loop100kMs: r(percentile(lt, 50)), nativeSort100kMs: r(percentile(st, 50)) };
}
