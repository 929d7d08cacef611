/**
 * bench:pacing — occupancy and abandon rate (day, worst hour, worst 24 h) per scenario and seed for progressive
 * 1:1, the best fixed ratio found in hindsight, and the predictive policy. Simulations run in the Piscina pool.
 * Ends with one JSON line.
 */
import { Piscina } from 'piscina';
import { benchmarkScenarios, type Scenario, type SimPolicy, type SimResult } from '../src/index.js';
import { machine, r, WORKER_OPTIONS } from './common.js';

const SEEDS = [1, 2, 3];
const CAP = 0.03;
const pool = new Piscina({ ...WORKER_OPTIONS, maxThreads: 2 });
const sim = (s: Scenario): Promise<SimResult> => pool.run(s, { name: 'simulate' }) as Promise<SimResult>;

function withPolicy(name: string, seed: number, policy: SimPolicy): Scenario {
  const s = benchmarkScenarios(policy, seed).find((x) => x.name === name);
  if (!s) throw new Error(`unknown scenario ${name}`);
  return s;
}

/** Highest-occupancy fixed ratio whose day abandon rate stays <= CAP, by bisection on the ratio (hindsight). */
async function bestFixed(name: string, seed: number): Promise<SimResult & { ratio: number }> {
  let lo = 1, hi = 20;
  let best = { ...(await sim(withPolicy(name, seed, { mode: 'FIXED_RATIO', ratio: lo }))), ratio: lo };
  for (let i = 0; i < 9; i++) {
    const mid = (lo + hi) / 2;
    const res = await sim(withPolicy(name, seed, { mode: 'FIXED_RATIO', ratio: mid }));
    if (res.abandonRate <= CAP) {
      lo = mid;
      if (res.occupancy > best.occupancy) best = { ...res, ratio: mid };
    } else hi = mid;
  }
  return best;
}

interface Row {
  scenario: string;
  seed: number;
  policy: string;
  occupancy: number;
  abandonDay: number;
  abandonWorstHour: number;
  abandonWorst24h: number;
  dials: number;
}
const row = (scenario: string, seed: number, policy: string, x: SimResult): Row => ({
  scenario, seed, policy, occupancy: r(x.occupancy, 4), abandonDay: r(x.abandonRate, 4),
  abandonWorstHour: r(x.worstHourAbandonRate, 4), abandonWorst24h: r(x.worst24hAbandonRate, 4), dials: x.dials,
});

const started = performance.now();
const names = benchmarkScenarios({ mode: 'PREDICTIVE' }).map((s) => s.name!);
const jobs: Promise<Row[]>[] = [];
for (const name of names) {
  for (const seed of SEEDS) {
    jobs.push(
      (async () => {
        const [prog, fixed, pred] = await Promise.all([
          sim(withPolicy(name, seed, { mode: 'PROGRESSIVE' })),
          bestFixed(name, seed),
          sim(withPolicy(name, seed, { mode: 'PREDICTIVE' })),
        ]);
        return [
          row(name, seed, 'progressive 1:1', prog),
          row(name, seed, `best fixed ratio ${r(fixed.ratio, 2)}`, fixed),
          row(name, seed, 'predictive', pred),
        ];
      })(),
    );
  }
}
const rows = (await Promise.all(jobs)).flat();
await pool.destroy();

const pad = (s: string | number, n: number): string => String(s).padEnd(n);
console.log(`${pad('scenario', 20)}${pad('seed', 5)}${pad('policy', 26)}${pad('occupancy', 11)}${pad('abandon', 9)}${pad('worst h', 9)}${pad('worst 24h', 10)}dials`);
for (const x of rows) {
  console.log(
    `${pad(x.scenario, 20)}${pad(x.seed, 5)}${pad(x.policy, 26)}${pad((x.occupancy * 100).toFixed(1) + '%', 11)}` +
      `${pad((x.abandonDay * 100).toFixed(2) + '%', 9)}${pad((x.abandonWorstHour * 100).toFixed(2) + '%', 9)}` +
      `${pad((x.abandonWorst24h * 100).toFixed(2) + '%', 10)}${x.dials}`,
  );
}

const pred = (name: string): Row[] => rows.filter((x) => x.scenario === name && x.policy === 'predictive');
const targets = {
  s1_occupancy_ge_92_abandon_le_2_5_every_seed: pred('S1').every((x) => x.occupancy >= 0.92 && x.abandonDay <= 0.025),
  shift_abandon_day_le_3_every_hour_le_5_occupancy_ge_88: pred('S1-shift-0.20-0.30').every(
    (x) => x.abandonDay <= 0.03 && x.abandonWorstHour <= 0.05 && x.occupancy >= 0.88,
  ),
  agents10_occupancy_ge_75_abandon_le_3: pred('S1-10-agents').every((x) => x.occupancy >= 0.75 && x.abandonDay <= 0.03),
};
console.log('targets:', targets);
console.log(JSON.stringify({ bench: 'pacing', machine: machine(), seconds: r((performance.now() - started) / 1000, 1), targets, rows }));
