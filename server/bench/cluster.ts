/**
 * Three-instance benchmark (issue 19): three built servers (their own processes) on one PostgreSQL database and one
 * Redis, AGENTS simulated agents over CAMPAIGNS campaigns (progressive, agent-first and predictive in turn; the call
 * simulator; SIM_TIME_SCALE=10), agents pressing Start on the three instances in turn, and one graphql-ws wallboard
 * per instance subscribed to every campaign's live figures. Halfway, the instance holding the most campaigns is
 * SIGKILLed. Prints the hand-over (kill -> a survivor holds the lease; kill -> its first call; at most twice the
 * lease time: it lapses 4-5 s after the last renewal and a survivor takes it at its next pass), then checks:
 * - one instance at a time: no campaign's calls were placed by two instances in the same stretch (the leases' owners,
 *   sampled every 100 ms, never two; the legs of a campaign switch instance only at the hand-over);
 * - no number dialled twice: no two calls of a number overlap, no number called beyond its attempts;
 * - no number lost: once the survivors have settled, no call is left open and no number is left in progress
 *   without one;
 * - the surviving wallboards saw every campaign throughout (the longest gap between two pushes of a campaign after
 *   the warm-up, at most twice the lease time: a campaign's figures pause only while it changes hands);
 * then one JSON line.
 *
 *   npm run bench:cluster -- [seconds=90] [agents=300] [campaigns=30]
 */
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import { sleep, startBenchServer, type BenchServer } from './harness.js';

const SECONDS = Number(process.argv[2] ?? 90);
const AGENTS = Number(process.argv[3] ?? 300);
const CAMPAIGNS = Number(process.argv[4] ?? 30);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LEASE_TTL_MS = 5_000; // server/src/engine/dialer-engine.ts
const WARM_UP_MS = 15_000;
const MODES = ['PROGRESSIVE', 'AGENT_FIRST_FLOW', 'PREDICTIVE'] as const;

const env = { DEMO_SEED: 'false', REDIS_URL, SIM_TIME_SCALE: '10', RATE_LIMIT_PER_MINUTE: '1000000', DRAIN_TIMEOUT_SEC: '5', WEBHOOKS: 'off' };
const a = await startBenchServer('dialer_bench_cluster', env);
const servers: BenchServer[] = [a];
const redis = new Redis(REDIS_URL);
const db = new pg.Client({ connectionString: a.databaseUrl });
const failures: string[] = [];
try {
  servers.push(await startBenchServer('dialer_bench_cluster', env, { databaseUrl: a.databaseUrl }));
  servers.push(await startBenchServer('dialer_bench_cluster', env, { databaseUrl: a.databaseUrl }));
  await db.connect();
  db.on('error', () => undefined); // the database is dropped at the end with its connections
  const token = await a.adminToken();
  const post = (i: number, q: string, v: Record<string, unknown> = {}) => servers[i]!.post(q, v, token);
  process.stdout.write(`3 instances (pids ${servers.map((s) => s.process.pid).join(', ')}) on one database and one Redis; ${AGENTS} agents, ${CAMPAIGNS} campaigns\n`);

  // agents, a group of AGENTS / CAMPAIGNS per campaign, one list every campaign copies
  const agentIds: string[] = [];
  for (let i = 0; i < AGENTS; i++) agentIds.push((await post(i % 3, `mutation($p: String!) { createAgent(input: { name: "Agent ${i + 1}", phone: $p }) { id } }`, { p: `+9197${String(40_000_000 + i)}` })).createAgent.id);
  const list = (await post(0, 'mutation { createContactList(name: "Cluster") { id } }')).createContactList.id;
  const rows = ['name,phone', ...Array.from({ length: 1_500 }, (_, i) => `C${i},+9198${String(50_000_000 + i)}`)];
  await post(0, 'mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created } }', { i: { csv: rows.join('\n'), listId: list } });
  const per = Math.floor(AGENTS / CAMPAIGNS);
  const campaigns: { id: string; agents: string[] }[] = [];
  for (let c = 0; c < CAMPAIGNS; c++) {
    const members = agentIds.slice(c * per, (c + 1) * per);
    const group = (await post(c % 3, 'mutation($n: String!, $a: [ID!]!) { createAgentGroup(input: { name: $n, agentIds: $a }) { id } }', { n: `Floor ${c + 1}`, a: members })).createAgentGroup.id;
    const id = (await post(c % 3, 'mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }', {
      i: { name: `Cluster ${c + 1}`, dialMode: MODES[c % 3], listId: list, groupId: group, callerId: '+912240001234', wrapUpSeconds: 10, maxDialRatio: 3,
        callingWindow: { start: '00:00', end: '23:59' }, attemptPolicy: { retries: 1, retryIntervalMinutes: 5, retryOn: ['BUSY', 'NO_ANSWER'], agentMaxAttempts: 2, agentRetryIntervalMinutes: 5 } },
    })).createCampaign.id as string;
    campaigns.push({ id, agents: members });
  }
  // running within the scheduler's next pass (each instance runs one)
  for (let i = 0; i < 100; i++) {
    const running = (await post(0, '{ campaigns(status: [RUNNING], limit: 200) { totalCount } }')).campaigns.totalCount;
    if (running === CAMPAIGNS) break;
    await sleep(200);
  }

  // a wallboard on each instance: every campaign's live figures
  const gaps = servers.map(() => new Map<string, number[]>());
  const clients = servers.map((s, i) => {
    // the killed instance's wallboard loses its socket: that is expected, not an error of the bench
    const client = createClient({ url: s.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { token }, retryAttempts: 0, lazy: false, onNonLazyError: () => undefined });
    for (const c of campaigns) {
      client.subscribe({ query: 'subscription($id: ID!) { campaignLiveChanged(campaignId: $id) { updatedAt } }', variables: { id: c.id } }, {
        next: () => (gaps[i]!.get(c.id) ?? gaps[i]!.set(c.id, []).get(c.id)!).push(Date.now()), error: () => undefined, complete: () => undefined,
      });
    }
    return client;
  });

  // the leases' owners, every 100 ms: never two for a campaign (Redis SET NX makes that so; this watches it)
  const owners = new Map<string, { at: number; owner: string | null }[]>();
  let watching = true;
  const watch = (async () => {
    while (watching) {
      const values = await redis.mget(...campaigns.map((c) => `dialer:lease:campaign:${c.id}`));
      const at = Date.now();
      campaigns.forEach((c, i) => {
        const h = owners.get(c.id) ?? owners.set(c.id, []).get(c.id)!;
        if (h.at(-1)?.owner !== values[i]) h.push({ at, owner: values[i] ?? null });
      });
      await sleep(100);
    }
  })();

  // agents press Start on the three instances in turn
  for (const [c, camp] of campaigns.entries()) {
    for (const [j, agent] of camp.agents.entries()) await post((c + j) % 3, 'mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }', { c: camp.id, a: agent });
  }
  const t0 = Date.now();
  await sleep((SECONDS * 1000) / 2);

  // SIGKILL the instance holding the most campaigns
  const held = servers.map((s) => campaigns.filter((c) => owners.get(c.id)?.at(-1)?.owner?.includes(`-${s.process.pid}-`)).length);
  const victim = held.indexOf(Math.max(...held));
  const victimPid = servers[victim]!.process.pid!;
  const orphaned = campaigns.filter((c) => owners.get(c.id)?.at(-1)?.owner?.includes(`-${victimPid}-`)).map((c) => c.id);
  const killedAt = Date.now();
  servers[victim]!.process.kill('SIGKILL');
  process.stdout.write(`campaigns held per instance: ${held.join(' / ')}; SIGKILL pid ${victimPid} with ${orphaned.length} campaigns at ${((killedAt - t0) / 1000).toFixed(0)} s\n`);
  await sleep((SECONDS * 1000) / 2);

  const [anchor] = (await db.query('select anchor_wall, anchor_sim, scale from sim_clock')).rows as { anchor_wall: Date; anchor_sim: Date; scale: number }[];
  const wallToSim = (t: number) => anchor!.anchor_sim.getTime() + (t - anchor!.anchor_wall.getTime()) * anchor!.scale;
  const simToWall = (t: number) => anchor!.anchor_wall.getTime() + (t - anchor!.anchor_sim.getTime()) / anchor!.scale;
  // hand-over: kill -> a survivor's lease; kill -> its first call
  const leaseAt: number[] = [];
  const firstCallAt: number[] = [];
  for (const id of orphaned) {
    const next = owners.get(id)!.find((h) => h.at > killedAt && h.owner && !h.owner.includes(`-${victimPid}-`));
    if (!next) failures.push(`campaign ${id} never moved off the killed instance`);
    else leaseAt.push(next.at - killedAt);
    // the legs' times are on the servers' sped-up clock (anchored in sim_clock): the kill in that clock's terms
    const [leg] = (await db.query(`select min(created_at) as at from call_leg where campaign_id = $1 and created_at > $2 and instance_id not like $3`, [id, new Date(wallToSim(killedAt)), `%-${victimPid}-%`])).rows;
    if (leg?.at) firstCallAt.push(new Date(leg.at).getTime());
  }
  const firstCallWall = firstCallAt.map((t) => simToWall(t) - killedAt);

  // one instance at a time: a campaign's calls change instance no more often than its lease changed owner (two
  // instances dialling it at once would alternate call by call)
  let interleaved = 0;
  for (const c of campaigns) {
    const seq = (await db.query(`select instance_id from call_leg where campaign_id = $1 order by created_at, id`, [c.id])).rows.map((r) => r.instance_id as string);
    const switches = seq.filter((x, i) => i > 0 && x !== seq[i - 1]).length;
    const ownerChanges = (owners.get(c.id) ?? []).filter((h, i, all) => i > 0 && h.owner && all.slice(0, i).some((p) => p.owner && p.owner !== h.owner)).length;
    if (switches > ownerChanges) interleaved += switches - ownerChanges;
  }
  if (interleaved) failures.push(`${interleaved} more switches of instance in campaigns' calls than changes of their leases' owners`);

  // stop the survivors gracefully (calls drain), then: nothing open, nothing lost, nothing dialled twice
  watching = false;
  await watch;
  for (const c of clients) await c.dispose();
  for (const [i, s] of servers.entries()) if (i !== victim) { s.process.kill('SIGTERM'); await new Promise((r) => s.process.once('exit', r)); }
  const open = Number((await db.query(`select count(*) from call_leg where ended_at is null`)).rows[0].count);
  if (open) failures.push(`${open} calls left open`);
  const stuck = Number((await db.query(`select count(*) from campaign_number n where n.state in ('IN_PROGRESS', 'RETRYING') and not exists (select 1 from call_leg l where l.number_id = n.id and l.ended_at is null)`)).rows[0].count);
  if (stuck) failures.push(`${stuck} numbers left in progress with no call`);
  const overlapping = Number((await db.query(`select count(*) from call_leg x join call_leg y on x.number_id = y.number_id and x.kind = 'CUSTOMER' and y.kind = 'CUSTOMER' and x.id < y.id
     and tstzrange(x.created_at, coalesce(x.ended_at, 'infinity')) && tstzrange(y.created_at, coalesce(y.ended_at, 'infinity'))`)).rows[0].count);
  if (overlapping) failures.push(`${overlapping} pairs of calls to one number at the same time`);
  const overCap = Number((await db.query(`select count(*) from (select number_id, count(*) as n from call_leg where kind = 'CUSTOMER' group by 1) x where n > 2`)).rows[0].count);
  if (overCap) failures.push(`${overCap} numbers called beyond their 2 customer attempts`);
  const stats = (await db.query(`select count(*) filter (where kind = 'CUSTOMER')::int as customer_calls, count(distinct instance_id)::int as instances,
     count(*) filter (where cause in ('RECONCILED', 'LOST', 'ORPHANED'))::int as cut_off from call_leg`)).rows[0];

  // the surviving wallboards: the longest silence of any campaign (pushes come every tick while it is held)
  // measured from the end of the warm-up (300 agents pressing Start and their phones answering load every instance)
  const warm = t0 + WARM_UP_MS;
  let worstAt = 0;
  let warmUpWorst = 0;
  const worstGap = servers.map((_, i) => {
    if (i === victim) return null;
    let worst = 0;
    for (const c of campaigns) {
      const ts = gaps[i]!.get(c.id) ?? [];
      if (ts.length < 2) { failures.push(`the wallboard on instance ${i + 1} saw campaign ${c.id} ${ts.length} times`); continue; }
      for (let k = 1; k < ts.length; k++) {
        const gap = ts[k]! - ts[k - 1]!;
        if (ts[k]! <= warm) warmUpWorst = Math.max(warmUpWorst, gap);
        else if (gap > worst) [worst, worstAt] = [gap, ts[k - 1]! - killedAt];
      }
    }
    return worst;
  });
  const live = worstGap.filter((g): g is number => g !== null);
  // a campaign stays on every board; its figures pause only while it changes hands (the lease lapses, the new
  // owner's first pass publishes): at most twice the lease time
  if (Math.max(...live) > 2 * LEASE_TTL_MS) failures.push(`a surviving wallboard went ${Math.max(...live)} ms without a campaign's figures`);
  const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : null);
  const median = (xs: number[]) => (xs.length ? [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]! : null);
  // the lease lapses 4-5 s after its holder's last renewal; a survivor takes it at its next pass
  if ((maxOf(leaseAt) ?? Infinity) > 2 * LEASE_TTL_MS) failures.push(`a campaign took ${maxOf(leaseAt)} ms to move (lease ${LEASE_TTL_MS} ms)`);
  process.stdout.write(`hand-over of ${orphaned.length} campaigns: lease taken ${median(leaseAt)} ms (median), ${maxOf(leaseAt)} ms (worst) after the kill; first call ${median(firstCallWall)?.toFixed(0)} / ${maxOf(firstCallWall)?.toFixed(0)} ms\n`);
  process.stdout.write(`${stats.customer_calls} customer calls by ${stats.instances} instances, ${stats.cut_off} cut off by the kill and settled; longest wallboard silence on the survivors after the warm-up ${live.join(' / ')} ms (from ${(worstAt / 1000).toFixed(1)} s after the kill; ${warmUpWorst} ms during the warm-up)\n`);
  process.stdout.write(failures.length ? `INVARIANTS BROKEN:\n- ${failures.join('\n- ')}\n` : 'invariants held: one instance per campaign at a time, no number dialled twice or beyond its attempts, no call left open, no number lost, every campaign on the surviving wallboards throughout\n');
  process.stdout.write(`${JSON.stringify({
    bench: 'cluster', instances: 3, agents: AGENTS, campaigns: CAMPAIGNS, seconds: SECONDS, leaseTtlMs: LEASE_TTL_MS, killed: { pid: victimPid, campaigns: orphaned.length },
    handOverMs: { leaseMedian: median(leaseAt), leaseWorst: maxOf(leaseAt), firstCallMedian: median(firstCallWall), firstCallWorst: maxOf(firstCallWall) },
    customerCalls: stats.customer_calls, cutOffByKill: stats.cut_off, wallboardLongestSilenceMs: worstGap, wallboardSilenceFromKillMs: worstAt, wallboardWarmUpSilenceMs: warmUpWorst, interleaved, openCalls: open, stuckNumbers: stuck, overlapping, overCap, ok: failures.length === 0,
  })}\n`);
} finally {
  for (const s of servers.slice(1)) await s.stop('SIGKILL').catch(() => undefined);
  await a.stop('SIGKILL');
  await db.end().catch(() => undefined);
  redis.disconnect();
}
process.exit(failures.length ? 1 : 0);
