/**
 * Scaled-time benchmark (issue 19): the built server with its demo (three running campaigns, seven agents dialling,
 * the call simulator) and SIM_TIME_SCALE=SCALE, plus a predictive campaign of its own with EXTRA agents and 20,000
 * numbers (the demo's three predictive agents give too few abandons to read a rate from), left to run for VIRTUAL simulated minutes (VIRTUAL / SCALE real
 * ones). Prints each running campaign's figures for the simulated stretch (dials, live answers, connects, abandons
 * and the abandon rate against its cap), how far the server's clock moved, and the server's CPU, then one JSON line.
 * A sped-up demo should pace like a real-time one: the predictive campaign's abandon rate within its 3% cap.
 *
 *   npm run bench:timescale -- [scale=5] [virtualMinutes=40] [extraPredictiveAgents=30]
 */
import { cpuSec, sleep, startBenchServer } from './harness.js';

const SCALE = Number(process.argv[2] ?? 5);
const VIRTUAL_MIN = Number(process.argv[3] ?? 40);
const EXTRA = Number(process.argv[4] ?? 30);
if (!Number.isInteger(SCALE) || SCALE < 1 || !(VIRTUAL_MIN > 0) || !Number.isInteger(EXTRA) || EXTRA < 0) {
  process.stderr.write('usage: npm run bench:timescale -- [scale=5] [virtualMinutes=40] [extraPredictiveAgents=30]\n');
  process.exit(2);
}
const realMs = (VIRTUAL_MIN * 60_000) / SCALE;

const bench = await startBenchServer('dialer_bench_timescale', { DEMO_SEED: 'true', SIM_TIME_SCALE: String(SCALE) });
const pid = bench.process.pid!;
const LIVE = `query($id: ID!) { campaignLive(campaignId: $id) { dialsToday liveAnswersToday connectsToday abandonRateToday abandonRateCap } }`;
try {
  const token = (await bench.post('mutation { signIn(email: "admin@localhost", password: "admin1234") { token } }')).signIn.token as string;
  // (a server from before the scaled clock has no me.now: it keeps the wall's time)
  const me = async () => ((await bench.post('{ me { now timeScale } }', {}, token).catch(() => null))?.me ?? { now: new Date().toISOString(), timeScale: 1 }) as { now: string; timeScale: number };
  // the demo's campaigns start on the scheduler's first pass
  let campaigns: { id: string; name: string; dialMode: string }[] = [];
  for (let i = 0; i < 60 && campaigns.length < 3; i++) {
    if (i) await sleep(500);
    campaigns = (await bench.post('{ campaigns(status: [RUNNING], limit: 20) { items { id name dialMode } } }', {}, token)).campaigns.items;
  }
  if (campaigns.length < 3) throw new Error(`the demo's three campaigns did not start (${campaigns.length} running)`);
  // a predictive campaign of the bench's own, EXTRA agents on a list that does not run dry (the demo's has ~370 numbers)
  if (EXTRA > 0) {
    const extra: string[] = [];
    for (let i = 0; i < EXTRA; i++) extra.push((await bench.post('mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }', { i: { name: `Bench ${i}`, phone: `+9197${String(30_000_000 + i)}` } }, token)).createAgent.id);
    const groupId = (await bench.post('mutation($a: [ID!]!) { createAgentGroup(input: { name: "Bench floor", agentIds: $a }) { id } }', { a: extra }, token)).createAgentGroup.id;
    const listId = (await bench.post('mutation { createContactList(name: "Bench customers") { id } }', {}, token)).createContactList.id;
    const rows = ['name,phone', ...Array.from({ length: 20_000 }, (_, i) => `Bench ${i},+9198${String(60_000_000 + i)}`)];
    await bench.post('mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created } }', { i: { csv: rows.join('\n'), listId } }, token);
    const id = (await bench.post('mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id name dialMode } }', {
      i: { name: 'Bench predictive', dialMode: 'PREDICTIVE', listId, groupId, callerId: '+912240001234', wrapUpSeconds: 10 },
    }, token)).createCampaign;
    for (let i = 0; i < 60 && !(await bench.post('query($id: ID!) { campaign(id: $id) { status } }', { id: id.id }, token)).campaign.status.includes('RUNNING'); i++) await sleep(500);
    for (const a of extra) await bench.post('mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }', { c: id.id, a }, token);
    campaigns.push(id);
  }
  await sleep(30_000 / SCALE); // their phones answer and the pacer sees them
  const live = async () => Object.fromEntries(await Promise.all(campaigns.map(async (c) => [c.id, (await bench.post(LIVE, { id: c.id }, token)).campaignLive] as const)));
  const startMe = await me();
  const startLive = await live();
  const cpu0 = cpuSec(pid);
  const t0 = Date.now();
  process.stdout.write(`SIM_TIME_SCALE=${SCALE} (server clock ×${startMe.timeScale}), a predictive campaign of ${EXTRA} more agents: ${VIRTUAL_MIN} simulated minutes in ${(realMs / 60_000).toFixed(1)} real minutes …\n`);
  await sleep(realMs);
  const endLive = await live();
  const endMe = await me();
  const cores = (cpuSec(pid) - cpu0) / ((Date.now() - t0) / 1000);
  const movedMin = (Date.parse(endMe.now) - Date.parse(startMe.now)) / 60_000;
  const rows = campaigns.map((c) => {
    const a = startLive[c.id]!;
    const b = endLive[c.id]!;
    const dials = b.dialsToday - a.dialsToday;
    const live = b.liveAnswersToday - a.liveAnswersToday;
    const connects = b.connectsToday - a.connectsToday;
    // abandons from today's rate × live answers (the figures the wallboard shows), over the stretch measured
    const abandonsAt = (x: typeof a) => Math.round((x.abandonRateToday ?? 0) * x.liveAnswersToday);
    const abandons = abandonsAt(b) - abandonsAt(a);
    return { name: c.name, dialMode: c.dialMode, dials, liveAnswers: live, connects, abandons, abandonRate: live ? abandons / live : null, cap: b.abandonRateCap };
  });
  process.stdout.write(`the server's clock moved ${movedMin.toFixed(1)} minutes in ${((Date.now() - t0) / 60_000).toFixed(1)} real; server CPU ${cores.toFixed(2)} cores\n`);
  process.stdout.write('campaign                                     dials  live  connects  abandons  abandon  cap\n');
  for (const r of rows) {
    process.stdout.write(`${r.name.padEnd(45)}${String(r.dials).padEnd(7)}${String(r.liveAnswers).padEnd(6)}${String(r.connects).padEnd(10)}${String(r.abandons).padEnd(10)}` +
      `${r.abandonRate === null ? '-' : `${(r.abandonRate * 100).toFixed(1)}%`}`.padEnd(9) + `${(r.cap * 100).toFixed(0)}%\n`);
  }
  const predictive = rows.find((r) => r.name === 'Bench predictive') ?? rows.find((r) => r.dialMode === 'PREDICTIVE');
  process.stdout.write(`${JSON.stringify({
    bench: 'timescale', scale: SCALE, virtualMinutes: VIRTUAL_MIN, extraPredictiveAgents: EXTRA, clockMovedMinutes: Math.round(movedMin * 10) / 10, serverCores: Math.round(cores * 100) / 100,
    // the bench's own predictive campaign (or the demo's when EXTRA is 0)
    predictiveAbandonRate: predictive?.abandonRate ?? null, predictiveCap: predictive?.cap ?? null, campaigns: rows,
  })}\n`);
} finally {
  await bench.stop();
}
