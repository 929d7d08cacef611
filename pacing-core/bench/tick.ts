/**
 * bench:tick — p50/p99 of one pacing tick over 1,000 campaigns in the Piscina worker (hand-off included), plus the
 * in-thread compute time, the time to pack the batch, and the machine's hand-off floor: the same call with an empty
 * batch (same message, no campaigns), interleaved with the ticks so that both see the same machine. Ends with one
 * JSON line.
 */
import { Piscina } from 'piscina';
import {
  addCampaign, createPacingBatch, paceMany, resetBatch, Rng, runWorker, type BatchCampaignInput, type DialMode,
} from '../src/index.js';
import { calibration, machine, percentile, r, WORKER_OPTIONS } from './common.js';

const CAMPAIGNS = 1000;
const TICKS = 2000;
const WARMUP = 200;
const rng = new Rng(42);

// A fleet: 70% predictive, 20% progressive, 5% agent-first flow, 5% preview; 1-40 agents each (mean ~10).
const fleet: BatchCampaignInput[] = Array.from({ length: CAMPAIGNS }, () => {
  const u = rng.next();
  const mode: DialMode = u < 0.7 ? 'PREDICTIVE' : u < 0.9 ? 'PROGRESSIVE' : u < 0.95 ? 'AGENT_FIRST_FLOW' : 'PREVIEW';
  const agents = 1 + Math.floor(rng.next() ** 2 * 40);
  const talking = Math.floor(agents * 0.75), wrap = Math.floor(agents * 0.1);
  return {
    mode,
    readyAgents: agents - talking - wrap,
    talkingElapsedSec: Array.from({ length: talking }, () => rng.next() * 300),
    wrapElapsedSec: Array.from({ length: wrap }, () => rng.next() * 15),
    ringingElapsedSec: Array.from({ length: mode === 'PREDICTIVE' ? agents : 0 }, () => rng.next() * 20),
    observed: { resolved: 2, live: rng.next() < 0.3 ? 1 : 0, liveAnswerSecSum: 9, abandons: 0 },
    window24h: { live: 500, abandons: 8 },
    window30d: { live: 12000, abandons: 250 },
    trunk: Math.floor(rng.next() * 4),
  };
});
const elapsedSlots = fleet.reduce((a, c) => a + c.talkingElapsedSec!.length + c.wrapElapsedSec!.length + c.ringingElapsedSec!.length, 0);
const batch = createPacingBatch(CAMPAIGNS, elapsedSlots, 4);

let now = Date.UTC(2026, 2, 9, 15, 0);
function fill(): number {
  const t0 = performance.now();
  now += 1000;
  resetBatch(batch, now);
  batch.trunkBudget.fill(200);
  for (const c of fleet) addCampaign(batch, c);
  return performance.now() - t0;
}

// The floor: a batch of the same shape with no campaigns, so the message and the wake-ups are the tick's, the work nil.
const empty = createPacingBatch(CAMPAIGNS, elapsedSlots, 4);

const pool = new Piscina({ ...WORKER_OPTIONS, minThreads: 1, maxThreads: 1 });
const hand: number[] = [], fills: number[] = [], floor: number[] = [];
let launched = 0;
for (let i = 0; i < WARMUP + TICKS; i++) {
  const f = fill();
  const t0 = performance.now();
  const res = await runWorker(pool, 'paceMany', batch);
  const dt = performance.now() - t0;
  launched = res.launched;
  resetBatch(empty, now);
  const t1 = performance.now();
  await runWorker(pool, 'paceMany', empty);
  const df = performance.now() - t1;
  if (i >= WARMUP) {
    hand.push(dt);
    fills.push(f);
    floor.push(df);
  }
}
await pool.destroy();

const compute: number[] = [];
for (let i = 0; i < WARMUP + TICKS; i++) {
  fill();
  const t0 = performance.now();
  paceMany(batch);
  if (i >= WARMUP) compute.push(performance.now() - t0);
}

const figures = {
  campaigns: CAMPAIGNS,
  elapsedEntries: elapsedSlots,
  workerTick: { p50: r(percentile(hand, 50)), p99: r(percentile(hand, 99)) },
  handOffFloor: { p50: r(percentile(floor, 50)), p99: r(percentile(floor, 99)) },
  inThreadCompute: { p50: r(percentile(compute, 50)), p99: r(percentile(compute, 99)) },
  packBatch: { p50: r(percentile(fills, 50)), p99: r(percentile(fills, 99)) },
  launchedLastTick: launched,
};
const targets = { workerTick_p99_le_1ms: figures.workerTick.p99 <= 1 };
console.log('one pacing tick over 1,000 campaigns (ms):', figures, 'targets:', targets);
console.log(JSON.stringify({ bench: 'tick', machine: machine(), calibration: calibration(), unit: 'ms', ...figures, targets }));
