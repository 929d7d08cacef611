import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess } from './helpers/child.js';
import { createTestDatabase, sql } from './helpers/db.js';

let db: Awaited<ReturnType<typeof createTestDatabase>>;
const children: ChildProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await db?.drop();
});

/** The real server in a child process, with the call simulator 20x faster than real time. */
async function startServer() {
  const server = await startServerProcess({ DATABASE_URL: db.url, REDIS_URL: '', DEMO_SEED: 'false', SIM_TIME_SCALE: '20', LOG_LEVEL: 'warn' });
  children.push(server.child);
  return server;
}

async function gql(url: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const waitFor = async (what: string, fn: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('crash safety', () => {
  it('after SIGKILL in a busy campaign: no number lost, none dialled twice at once, no cap exceeded, in-flight calls reconciled', async () => {
    const first = await startServer();
    const agents: string[] = [];
    for (let i = 0; i < 6; i++) agents.push((await gql(first.url, `mutation($p: String!) { createAgent(input: { name: "A${i}", phone: $p }) { id } }`, { p: `+9197000000${10 + i}` })).createAgent.id);
    const group = (await gql(first.url, `mutation($a: [ID!]!) { createAgentGroup(input: { name: "Crash floor", agentIds: $a }) { id } }`, { a: agents })).createAgentGroup.id;
    const list = (await gql(first.url, `mutation { createContactList(name: "Crash list") { id } }`)).createContactList.id;
    const rows = ['name,phone'];
    // +1 212 numbers: inside 09:00-21:00 New York time whenever this runs between 13:00 and 01:00 UTC; use +91 otherwise
    const hourUtc = new Date().getUTCHours();
    const useIndia = hourUtc >= 4 && hourUtc < 15;
    for (let i = 0; i < 300; i++) rows.push(`C${i},${useIndia ? `+9198${String(20_000_000 + i)}` : `+1212555${String(1000 + i).slice(-4)}`}`);
    const imp = (await gql(first.url, `mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created errors { line reason } } }`, { i: { csv: rows.join('\n'), listId: list } })).importContactsCsv;
    const total = imp.created as number;
    expect(total).toBeGreaterThan(200);
    const campaign = (await gql(first.url, `mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`, {
      i: { name: 'Busy', dialMode: 'PREDICTIVE', listId: list, groupId: group, callerId: '+912240001234', wrapUpSeconds: 10, callingWindow: { start: '00:00', end: '23:59' },
        attemptPolicy: { retries: 2, retryIntervalMinutes: 1 } },
    })).createCampaign.id;
    await waitFor('campaign running', async () => (await gql(first.url, `query($id: ID!) { campaign(id: $id) { status } }`, { id: campaign })).campaign.status === 'RUNNING');
    for (const a of agents) await gql(first.url, `mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: campaign, a });

    // busy: calls in flight and some already finished
    await waitFor('calls in flight', async () => {
      const [r] = await sql<{ live: string; done: string }>(db.url, `select count(*) filter (where status in ('RINGING','ANSWERED')) as live, count(*) filter (where ended_at is not null) as done from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [campaign]);
      return Number(r!.live) >= 4 && Number(r!.done) >= 10;
    }, 45_000);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    const [inFlight] = await sql<{ n: string }>(db.url, `select count(*) as n from call_leg where campaign_id = $1 and status in ('QUEUED','RINGING','ANSWERED')`, [campaign]);
    expect(Number(inFlight!.n)).toBeGreaterThan(0);

    const second = await startServer();
    // reconciled at start: nothing the dead process placed is left live
    const [left] = await sql<{ n: string }>(db.url, `select count(*) as n from call_leg where campaign_id = $1 and cause = 'INSTANCE_RESTARTED'`, [campaign]);
    expect(Number(left!.n)).toBe(Number(inFlight!.n));
    // it goes on dialling
    const [before] = await sql<{ n: string }>(db.url, `select count(*) as n from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [campaign]);
    await waitFor('dialling resumed', async () => {
      const [r] = await sql<{ n: string }>(db.url, `select count(*) as n from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [campaign]);
      return Number(r!.n) > Number(before!.n) + 5;
    }, 45_000).catch(async (err) => {
      const agentsNow = await sql(db.url, `select state, active_campaign_id is not null as active from agent`);
      throw new Error(`${(err as Error).message}; agents ${JSON.stringify(agentsNow)}; server log:\n${second.output().slice(-3000)}`);
    });
    await gql(second.url, `mutation($id: ID!) { pauseCampaign(id: $id) { status } }`, { id: campaign });
    await new Promise((r) => setTimeout(r, 3000));

    // no number lost
    const [n] = await sql<{ n: string }>(db.url, `select count(*) as n from campaign_number where campaign_id = $1`, [campaign]);
    expect(Number(n!.n)).toBe(total);
    const drift = await sql(db.url, `select a.state from (select state, count(*)::int as n from campaign_number where campaign_id = $1 group by 1) a
      left join (select state, sum(count)::int as n from campaign_state_count where campaign_id = $1 group by 1) b on a.state = b.state where a.n <> coalesce(b.n, 0)`, [campaign]);
    expect(drift).toEqual([]);
    // never two live calls to one number at once
    const overlaps = await sql(db.url, `select a.id from call_leg a join call_leg b on a.id < b.id and a.number_id = b.number_id and a.kind = 'CUSTOMER' and b.kind = 'CUSTOMER'
      and tstzrange(a.created_at, a.ended_at) && tstzrange(b.created_at, b.ended_at) where a.campaign_id = $1`, [campaign]);
    expect(overlaps).toEqual([]);
    // no cap exceeded (3 attempts); calls cut by the crash did not count
    const [caps] = await sql<{ attempts: number; legs: string }>(db.url, `select max(customer_attempts) as attempts,
      (select max(c) from (select count(*) as c from call_leg where campaign_id = $1 and kind = 'CUSTOMER' and coalesce(cause, '') <> 'INSTANCE_RESTARTED' group by number_id) x) as legs
      from campaign_number where campaign_id = $1`, [campaign]);
    expect(caps!.attempts).toBeLessThanOrEqual(3);
    expect(Number(caps!.legs)).toBeLessThanOrEqual(3);
    // nothing stranded: every IN_PROGRESS number has a live leg
    const stranded = await sql(db.url, `select id from campaign_number n where campaign_id = $1 and state in ('IN_PROGRESS','RETRYING')
      and not exists (select 1 from call_leg l where l.number_id = n.id and l.status in ('QUEUED','RINGING','ANSWERED'))`, [campaign]);
    expect(stranded).toEqual([]);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 180_000);
});
