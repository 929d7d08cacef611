/**
 * Load benchmark of one server instance: N simulated agents on a predictive campaign, the call
 * simulator sped up SCALE times, real PostgreSQL, a real graphql-ws subscriber. Prints the
 * dialling rate, engine tick time and event-to-subscriber latency, then one JSON line.
 *
 *   npm run bench:engine -- [agents=100] [seconds=60] [scale=10]
 */
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createBenchDatabase } from './harness.js';

const [agentsArg, secondsArg, scaleArg] = process.argv.slice(2);
const AGENTS = Number(agentsArg ?? 100);
const SECONDS = Number(secondsArg ?? 60);
const SCALE = Number(scaleArg ?? 10);

const pct = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! * 100) / 100;
};

const database = await createBenchDatabase('dialer_bench');
const url = new URL(database.url);

const app = await createApp({
  config: { ...loadConfig({}), port: 0, host: '127.0.0.1', databaseUrl: url.toString(), demoSeed: false, simTimeScale: SCALE, requestsPerMinute: 1_000_000 },
  logger: createLogger('warn'),
});
// an organisation and a session for its administrator, as the operator CLI and signIn make them
const { adminUserId } = await app.services.users.createOrganization(app.orm.em.fork(), { name: 'Bench', adminEmail: 'bench@localhost', adminPassword: 'bench-password' });
const { token } = await app.services.users.openSession(app.orm.em.fork(), adminUserId);
async function gql(query: string, variables: Record<string, unknown> = {}) {
  const r = await fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await r.json()) as { data: any; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

try {
  const agentIds: string[] = [];
  for (let i = 0; i < AGENTS; i++) agentIds.push((await gql(`mutation($p: String!) { createAgent(input: { name: "Bench ${i}", phone: $p }) { id } }`, { p: `+9197${String(10_000_000 + i)}` })).createAgent.id);
  const group = (await gql(`mutation($a: [ID!]!) { createAgentGroup(input: { name: "Bench", agentIds: $a }) { id } }`, { a: agentIds })).createAgentGroup.id;
  const list = (await gql(`mutation { createContactList(name: "Bench") { id } }`)).createContactList.id;
  const rows = ['name,phone'];
  for (let i = 0; i < 50_000; i++) rows.push(`C${i},+9198${String(10_000_000 + i)}`);
  await gql(`mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created } }`, { i: { csv: rows.join('\n'), listId: list } });
  const campaign = (await gql(`mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
    i: { name: 'Bench', dialMode: 'PREDICTIVE', listId: list, groupId: group, callerId: '+912240001234', wrapUpSeconds: 15, callingWindow: { start: '00:00', end: '23:59' } },
  })).createCampaign.id;
  await app.scheduler.tick();

  const latencies: number[] = [];
  const client = createClient({ url: app.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { token } });
  client.subscribe({ query: `subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { changedAt } }`, variables: { id: campaign } }, {
    next: (m) => latencies.push(Date.now() - new Date((m.data as any).campaignStatsChanged.changedAt).getTime()),
    error: () => undefined,
    complete: () => undefined,
  });
  for (const a of agentIds) await gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: campaign, a });

  await new Promise((r) => setTimeout(r, 5000)); // warm-up: agent legs answered
  app.engine.tickDurations.length = 0;
  const engine0 = { ...app.engine.stats };
  const hopper0 = app.engine.hopperStats(campaign);
  latencies.length = 0;
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  const count = async () => {
    const c = new pg.Client({ connectionString: url.toString() });
    await c.connect();
    const r = (await c.query(`select count(*)::int as legs, count(*) filter (where answered_at is not null)::int as answered from call_leg where kind = 'CUSTOMER'`)).rows[0];
    await c.end();
    return r as { legs: number; answered: number };
  };
  const start = await count();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const end = await count();
  const elapsed = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const onCall = (await gql(`query($id: ID!) { campaignLive(campaignId: $id) { agents { onCall available wrapUp } abandonRateToday pacingRatio } }`, { id: campaign })).campaignLive;
  await client.dispose();
  const figures = {
    bench: 'engine',
    agents: AGENTS,
    simTimeScale: SCALE,
    seconds: Math.round(elapsed),
    callsPerSecond: Math.round(((end.legs - start.legs) / elapsed) * 10) / 10,
    answersPerSecond: Math.round(((end.answered - start.answered) / elapsed) * 10) / 10,
    tickMs: { p50: pct(app.engine.tickDurations, 50), p99: pct(app.engine.tickDurations, 99), n: app.engine.tickDurations.length },
    eventToSubscriberMs: { p50: pct(latencies, 50), p99: pct(latencies, 99), n: latencies.length },
    cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1000 / (elapsed * 1000)) * 100),
    live: onCall,
    // one batched pacing call per pass; the hopper's full loads, incremental syncs and indexed refills over the run
    pacing: { passes: app.engine.stats.passes - engine0.passes, batches: app.engine.stats.pacingBatches - engine0.pacingBatches },
    hopper: Object.fromEntries(Object.entries(app.engine.hopperStats(campaign) ?? {}).map(([k, v]) => [k, v - ((hopper0 as Record<string, number> | undefined)?.[k] ?? 0)])),
  };
  console.log(`agents ${AGENTS} x time scale ${SCALE}: ${figures.callsPerSecond} calls/s, tick p50 ${figures.tickMs.p50} ms p99 ${figures.tickMs.p99} ms, event->subscriber p50 ${figures.eventToSubscriberMs.p50} ms p99 ${figures.eventToSubscriberMs.p99} ms; hopper ${JSON.stringify(figures.hopper)}`);
  console.log(JSON.stringify(figures));
} finally {
  await app.close();
  await database.drop();
}
