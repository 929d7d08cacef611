/**
 * `npm run simulate -- scenario.json [--seed N]` — play a call centre described in a JSON file (see README,
 * "Scenario file") and print per-hour figures, then one JSON line with the run's figures.
 *
 * With `--engine [--duration SEC]` the same file is played through the server's real engine instead
 * (`server/bench/simulate-engine.ts`, run as its own process: this package never imports the server).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PacingCoreError, simulate, type Scenario } from '../src/index.js';

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: npm run simulate -- <scenario.json> [--seed N] [--engine [--duration SEC]]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
if (args.includes('--engine')) {
  const script = path.resolve(import.meta.dirname, '../../server/bench/simulate-engine.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', script, ...args.filter((a) => a !== '--engine')], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const file = args.find((a) => !a.startsWith('--'));
if (!file) usage('missing scenario file');
let seedOverride: number | undefined;
const si = args.indexOf('--seed');
if (si >= 0) {
  seedOverride = Number(args[si + 1]);
  if (!Number.isInteger(seedOverride)) usage('--seed needs an integer');
}

let scenario: Scenario;
try {
  scenario = JSON.parse(readFileSync(file, 'utf8')) as Scenario;
} catch (e) {
  usage(`cannot read ${file}: ${(e as Error).message}`);
}
if (seedOverride !== undefined) scenario.seed = seedOverride;

try {
  const t0 = performance.now();
  const r = simulate(scenario);
  const seconds = (performance.now() - t0) / 1000;
  const pct = (x: number, d = 1): string => `${(x * 100).toFixed(d)}%`;
  process.stdout.write(`${r.name} (seed ${r.seed}, policy ${r.policy}), simulated in ${seconds.toFixed(2)} s\n`);
  process.stdout.write('hour  dials   live  abandons  abandon  occupancy\n');
  for (const h of r.hours) {
    process.stdout.write(
      `${String(h.hour).padEnd(6)}${String(h.dials).padEnd(8)}${String(h.live).padEnd(6)}${String(h.abandons).padEnd(10)}` +
        `${pct(h.abandonRate, 2).padEnd(9)}${pct(h.occupancy)}\n`,
    );
  }
  process.stdout.write(
    `day: occupancy ${pct(r.occupancy)}, abandon ${pct(r.abandonRate, 2)} (worst hour ${pct(r.worstHourAbandonRate, 2)}, ` +
      `worst 24 h ${pct(r.worst24hAbandonRate, 2)}), ${r.dials} dials, ${r.liveAnswers} live answers, ${r.connects} connected\n`,
  );
  const { hours, ...figures } = r;
  process.stdout.write(`${JSON.stringify({ command: 'simulate', file, seconds: Math.round(seconds * 100) / 100, ...figures, hours })}\n`);
} catch (e) {
  if (e instanceof PacingCoreError) {
    process.stderr.write(`${e.code}: ${e.message}\n`);
    process.exit(1);
  }
  throw e;
}
