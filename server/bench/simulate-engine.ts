/**
 * `npm run simulate -- scenario.json --engine [--seed N] [--duration SEC]` (issue 19): plays a pacing-core scenario
 * file through the real engine, the server's own code (createApp: the campaign runner, the pacing worker pool, the
 * number state machine, a fresh PostgreSQL database) with the call simulator set to the scenario's outcome mix, in
 * virtual time (a manual clock advanced timer by timer, the engine settling after each). Prints the same per-hour
 * table and JSON figures as the pure simulator, then pacing-core's own figures for the same scenario and the
 * differences, as one JSON line.
 *
 * What the engine cannot play as written is said on stderr: a lognormal wrap-up (the engine's is fixed: its mean is
 * used), another abandon grace than 2 s, a history of earlier days, FIXED_RATIO and PREVIEW policies.
 */
import { readFileSync } from 'node:fs';
import { PacingCoreError, simulate, validateScenario, type HourFigures, type Scenario, type SimResult } from '@dialer/pacing-core';
import { createApp } from '../src/app.js';
import { ManualClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createBenchDatabase } from './harness.js';

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: npm run simulate -- <scenario.json> --engine [--seed N] [--duration SEC]\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && !['--seed', '--duration'].includes(args[i - 1] ?? ''));
if (!file) usage('missing scenario file');
const flag = (name: string): number | undefined => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) usage(`${name} needs a positive number`);
  return v;
};
let scenario: Scenario;
try {
  scenario = JSON.parse(readFileSync(file, 'utf8')) as Scenario;
  const seed = flag('--seed');
  const duration = flag('--duration');
  if (seed !== undefined) scenario.seed = seed;
  if (duration !== undefined) scenario.durationSec = Math.min(scenario.durationSec, duration);
  validateScenario(scenario);
} catch (e) {
  if (e instanceof PacingCoreError) {
    process.stderr.write(`${e.code}: ${e.message}\n`);
    process.exit(1);
  }
  usage(`cannot read ${file}: ${(e as Error).message}`);
}
const s = scenario;
const mode = s.policy.mode;
if (mode !== 'PREDICTIVE' && mode !== 'PROGRESSIVE' && mode !== 'AGENT_FIRST_FLOW') usage(`the engine plays PREDICTIVE, PROGRESSIVE and AGENT_FIRST_FLOW policies, not ${mode}`);
const o = s.outcomes ?? {};
const wrap = s.wrap ?? { meanSec: 15, cv: 0 };
const talk = s.talk ?? { meanSec: 120, cv: 1 };
const note = (m: string) => process.stderr.write(`note: ${m}\n`);
if (wrap.cv > 0) note(`the engine's wrap-up is fixed: ${Math.round(wrap.meanSec)} s for every call (the scenario's is lognormal, cv ${wrap.cv})`);
if ((s.abandonGraceSec ?? 2) !== 2) note(`the engine waits 2 s for an agent before abandoning (the scenario says ${s.abandonGraceSec} s)`);
if (s.history) note('the history of earlier days is not played (the 30-day window starts empty)');
if ((s.policy.config?.maxCallsPerSecond ?? 0) > 0) note('maxCallsPerSecond is not a campaign setting: not applied');

const HOUR = 3600;
const D = s.durationSec;
// Monday 00:30 in the contacts' zone (Asia/Kolkata): a calling window of 00:00-23:59 holds a run of up to 23 h
const START = Date.parse('2026-11-22T19:00:00Z');
const clock = new ManualClock(START);
const liveSteps = typeof o.live === 'object' ? o.live : [{ atSec: 0, rate: o.live ?? 0.2 }];
const database = await createBenchDatabase('dialer_sim');

const app = await createApp({
  config: { ...loadConfig({}), port: 0, host: '127.0.0.1', databaseUrl: database.url, demoSeed: false, drainTimeoutSec: 0, requestsPerMinute: 1_000_000, webhooksSend: false },
  clock,
  scheduler: false,
  logger: createLogger(process.env.LOG_LEVEL ?? 'silent'),
  simulator: {
    seed: s.seed ?? 1,
    agentPickup: 1,
    customer: { busy: o.busyFailed ?? 0.15, failed: 0, answer: liveSteps[0]!.rate, machine: o.machine ?? 0.15 },
    answerSteps: liveSteps.map((st) => ({ at: START + st.atSec * 1000, answer: st.rate })),
    failDelaySec: o.busyFailedSec ?? [1, 5],
    answerDelay: { shape: o.answer?.shape ?? 4, mean: o.answer?.meanSec ?? 9 },
    machineDetectSec: o.machineDetectSec ?? 3,
    talk: { mean: talk.meanSec, cv: talk.cv },
  },
});
const run = (ms: number) => clock.run(ms, () => app.engine.idle());
let exitCode = 0;
try {
  const { adminUserId } = await app.services.users.createOrganization(app.orm.em.fork(), { name: 'Simulation', adminEmail: 'sim@localhost', adminPassword: 'simulation-password' });
  const { token } = await app.services.users.openSession(app.orm.em.fork(), adminUserId);
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const r = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    const body = (await r.json()) as { data: any; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  // agents, their group, and a list long enough that the run never runs dry (every number is dialled once)
  const nAgents = s.agents.reduce((n, g) => n + g.count, 0);
  const agentIds: string[] = [];
  for (let i = 0; i < nAgents; i++) agentIds.push((await gql(`mutation($p: String!) { createAgent(input: { name: "Agent ${i + 1}", phone: $p }) { id } }`, { p: `+9197${String(10_000_000 + i)}` })).createAgent.id);
  const group = (await gql(`mutation($a: [ID!]!) { createAgentGroup(input: { name: "Simulated floor", agentIds: $a }) { id } }`, { a: agentIds })).createAgentGroup.id;
  const list = (await gql(`mutation { createContactList(name: "Simulated customers") { id } }`)).createContactList.id;
  const maxLive = Math.max(...liveSteps.map((st) => st.rate));
  const needed = Math.ceil(nAgents * (D / (talk.meanSec + wrap.meanSec)) / Math.max(0.02, maxLive) * 1.3) + 1000;
  for (let from = 0; from < needed; from += 50_000) {
    const rows = ['name,phone'];
    for (let i = from; i < Math.min(needed, from + 50_000); i++) rows.push(`C${i},+9198${String(10_000_000 + i)}`);
    await gql(`mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created } }`, { i: { csv: rows.join('\n'), listId: list } });
  }
  const cfg = s.policy.config ?? {};
  const campaign = (await gql(`mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
    i: {
      name: s.name ?? 'scenario', dialMode: mode, listId: list, groupId: group, callerId: '+912240001234', callingWindow: { start: '00:00', end: '23:59' },
      wrapUpSeconds: Math.round(wrap.meanSec), ringTimeoutSeconds: Math.max(15, Math.round(o.ringTimeoutSec ?? 20)), attemptPolicy: { retries: 0 },
      abandonRateCap: Math.min(0.03, cfg.abandonCap ?? 0.03), maxDialRatio: Math.min(10, cfg.maxDialRatio ?? 8),
    },
  })).createCampaign.id as string;
  if ((o.ringTimeoutSec ?? 20) < 15) note(`ring timeout raised to the engine's minimum of 15 s (the scenario says ${o.ringTimeoutSec} s)`);
  await app.scheduler.tick(); // SCHEDULED -> RUNNING

  // shifts: each agent presses Start at its login and Stop at its logout, in time order
  const moves: { at: number; agentId: string; start: boolean }[] = [];
  let k = 0;
  for (const g of s.agents) {
    for (let j = 0; j < g.count; j++, k++) {
      moves.push({ at: (g.loginSec ?? 0) * 1000, agentId: agentIds[k]!, start: true });
      if ((g.logoutSec ?? D) < D) moves.push({ at: g.logoutSec! * 1000, agentId: agentIds[k]!, start: false });
    }
  }
  moves.sort((a, b) => a.at - b.at);
  const t0 = performance.now();
  let at = 0;
  const report = (ms: number) => process.stderr.write(`\r${(ms / 60_000).toFixed(0)} of ${(D / 60).toFixed(0)} simulated minutes, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const m of [...moves, { at: D * 1000, agentId: '', start: false }]) {
    while (at < m.at) {
      const step = Math.min(60_000, m.at - at);
      await run(step);
      at += step;
      report(at);
    }
    if (!m.agentId) break;
    if (m.start) await gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: campaign, a: m.agentId });
    else await gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: m.agentId });
  }
  process.stderr.write('\n');
  const seconds = (performance.now() - t0) / 1000;

  // figures from the legs (dials by creation, live answers and abandons by answer) and the measured agent time
  const q = async <T>(text: string, params: unknown[] = []) => (await app.orm.em.fork().execute<T[]>(text, params));
  const end = new Date(START + D * 1000);
  const hourly = await q<{ h: number; dials: number; live: number; abandons: number; connects: number }>(
    `select h, sum(d)::int as dials, sum(l)::int as live, sum(a)::int as abandons, sum(c)::int as connects from (
       select floor(extract(epoch from (created_at - ?::timestamptz)) / 3600)::int as h, 1 as d, 0 as l, 0 as a, 0 as c from call_leg where campaign_id = ? and kind = 'CUSTOMER' and created_at < ?
       union all
       select floor(extract(epoch from (answered_at - ?::timestamptz)) / 3600)::int, 0, case when not machine then 1 else 0 end, case when abandoned then 1 else 0 end,
              case when connected_at is not null and not machine then 1 else 0 end
         from call_leg where campaign_id = ? and kind = 'CUSTOMER' and answered_at is not null and answered_at < ?) x group by h order by h`,
    [new Date(START), campaign, end, new Date(START), campaign, end]);
  const worked = await q<{ h: number; busy: string; logged: string }>(
    `select floor(extract(epoch from (minute - ?::timestamptz)) / 3600)::int as h, sum(busy_sum) as busy, sum(logged_in_sum) as logged
       from campaign_minute_stat where campaign_id = ? and minute < ? group by 1 order by 1`, [new Date(START), campaign, end]);
  const hours: HourFigures[] = [];
  let busySec = 0, loggedInSec = 0;
  for (let h = 0; h < Math.ceil(D / HOUR); h++) {
    const r = hourly.find((x) => x.h === h) ?? { dials: 0, live: 0, abandons: 0 };
    const w = worked.find((x) => x.h === h);
    const busy = Number(w?.busy ?? 0) / 1000, logged = Number(w?.logged ?? 0) / 1000;
    busySec += busy;
    loggedInSec += logged;
    hours.push({ hour: h, dials: r.dials, live: r.live, abandons: r.abandons, abandonRate: r.live ? r.abandons / r.live : 0, occupancy: logged ? busy / logged : 0 });
  }
  const sum = (key: 'dials' | 'live' | 'abandons' | 'connects') => hourly.reduce((n, r) => n + r[key], 0);
  const live = sum('live'), abandons = sum('abandons');
  const worstHour = Math.max(0, ...hours.filter((h) => h.live >= 20).map((h) => h.abandonRate));
  const engine: Omit<SimResult, 'boundBy' | 'holdingDecisions'> = {
    name: s.name ?? 'scenario', seed: s.seed ?? 1, policy: `${mode} (engine)`,
    dials: sum('dials'), liveAnswers: live, connects: sum('connects'), abandons,
    abandonRate: live ? abandons / live : 0, worstHourAbandonRate: worstHour,
    worst24hAbandonRate: live ? abandons / live : 0, // runs shorter than a day: the whole run
    occupancy: loggedInSec ? busySec / loggedInSec : 0, loggedInSec, busySec, hours,
  };
  const core = simulate({ ...s, policy: { ...s.policy, config: { ...cfg, maxDialRatio: Math.min(10, cfg.maxDialRatio ?? 8) } } });

  const pct = (x: number, d = 1): string => `${(x * 100).toFixed(d)}%`;
  process.stdout.write(`${engine.name} (seed ${engine.seed}, ${engine.policy}), ${(D / 60).toFixed(0)} simulated minutes in ${seconds.toFixed(0)} s\n`);
  process.stdout.write('hour  dials   live  abandons  abandon  occupancy\n');
  for (const h of hours) {
    process.stdout.write(`${String(h.hour).padEnd(6)}${String(h.dials).padEnd(8)}${String(h.live).padEnd(6)}${String(h.abandons).padEnd(10)}${pct(h.abandonRate, 2).padEnd(9)}${pct(h.occupancy)}\n`);
  }
  process.stdout.write(`engine:      occupancy ${pct(engine.occupancy)}, abandon ${pct(engine.abandonRate, 2)}, ${engine.dials} dials, ${engine.liveAnswers} live answers, ${engine.connects} connected\n`);
  process.stdout.write(`pacing-core: occupancy ${pct(core.occupancy)}, abandon ${pct(core.abandonRate, 2)}, ${core.dials} dials, ${core.liveAnswers} live answers, ${core.connects} connected\n`);
  const diff = { occupancyPoints: Math.round((engine.occupancy - core.occupancy) * 1000) / 10, abandonPoints: Math.round((engine.abandonRate - core.abandonRate) * 10000) / 100 };
  process.stdout.write(`difference:  occupancy ${diff.occupancyPoints} points, abandon ${diff.abandonPoints} points\n`);
  const { hours: coreHours, ...coreFigures } = core;
  process.stdout.write(`${JSON.stringify({ command: 'simulate', engine: true, file, seconds: Math.round(seconds), ...engine, pacingCore: { ...coreFigures, hours: coreHours }, difference: diff })}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  exitCode = 1;
} finally {
  await app.close();
  await database.drop();
}
process.exit(exitCode);
