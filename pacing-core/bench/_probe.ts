import { orderNumbers } from '../src/index.js';
import { BENCH_NOW, BENCH_ZONES, syntheticCampaign } from './data.js';
for (const n of [100_000, 1_000_000]) {
  const c = syntheticCampaign(n, 2);
  for (const k of [n, 1000]) {
    const input = { columns: c, zones: BENCH_ZONES, now: BENCH_NOW, k, maxAttempts: 5 };
    const ts: number[] = [];
    for (let i = 0; i < (n > 100000 ? 15 : 80); i++) { const t0 = performance.now(); orderNumbers(input); ts.push(performance.now() - t0); }
    ts.sort((a, b) => a - b);
    console.log(n, k, 'p50', ts[Math.floor(ts.length / 2)].toFixed(2));
  }
}
