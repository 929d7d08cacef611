import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T06:00:00Z'); // 11:30 in Asia/Kolkata
const clock = new ManualClock(NOW);
let app: TestApp;
let campaignId: string;
let adminToken: string;

beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 11, agentPickup: 0.6 } });
  adminToken = await app.tokenFor(app.adminUserId);
  // seed 000's example: agent attempts 3 every 10 min, customer attempts 2 (one retry) every 60 min
  const b = await seedBasics(app, 12);
  const r = await app.gql(CREATE_CAMPAIGN, { i: {
    name: 'OTP, report', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'AGENT_FIRST_FLOW', wrapUpSeconds: 5,
    attemptPolicy: { agentMaxAttempts: 3, agentRetryIntervalMinutes: 10, retries: 1, retryIntervalMinutes: 60 },
  } });
  campaignId = r.data.createCampaign.id;
  await app.scheduler.tick();
  for (const a of b.agents) await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: campaignId, a });
  await clock.run(3 * 3600_000, () => app.engine.idle());
}, 180_000);
afterAll(() => app?.dispose());

const base = () => app.url.replace(/\/graphql$/, '');
/** GET over real HTTP; `text` keeps a byte-order mark (fetch's text() would drop it). */
async function download(path: string, token: string | null = adminToken): Promise<{ status: number; type: string | null; disposition: string | null; text: string }> {
  const res = await fetch(`${base()}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), text };
}
const rowsOf = (text: string) => parse(text.replace(/^\ufeff/, ''), { columns: true, skip_empty_lines: true }) as Record<string, string>[];

describe('campaign reports', () => {
  it("streams the call report: one row per leg with seed 000's agent and customer attempt numbers, times in the zone asked for", async () => {
    const r = await download(`/reports/campaigns/${campaignId}/calls.csv?timeZone=Asia/Kolkata`);
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/csv; charset=utf-8');
    expect(r.disposition).toMatch(/^attachment; filename="otp-report-calls-\d{4}-\d{2}-\d{2}T\d{4}Z\.csv"$/);
    expect(r.text.startsWith('\ufeffcampaign,campaign_id,leg_id,sid,contact_name,client_id,number,dialled,agent,leg_kind,status,cause,created_at,answered_at,ended_at,duration_sec,recording_url,agent_attempt,customer_attempt,reschedule_agent_call,reschedule_customer_call,disposition,abandoned,machine\r\n')).toBe(true);
    const rows = rowsOf(r.text);
    const legs = await sql<{ id: string; number_id: string; kind: string; status: string; agent_attempt: number; customer_attempt: number; created_at: Date; answered_at: Date | null }>(app.databaseUrl,
      `select id, number_id, kind, status, agent_attempt, customer_attempt, created_at, answered_at from call_leg where campaign_id = $1 order by created_at, id`, [campaignId]);
    expect(legs.length).toBeGreaterThan(20);
    expect(rows.map((x) => x.leg_id)).toEqual(legs.map((l) => l.id));
    for (const [i, l] of legs.entries()) {
      const row = rows[i]!;
      expect(row).toMatchObject({ campaign: 'OTP, report', leg_kind: l.kind, status: l.status, agent_attempt: String(l.agent_attempt), customer_attempt: String(l.customer_attempt) });
      expect(row.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+05:30$/);
      expect(Date.parse(row.created_at!)).toBe(Math.floor(new Date(l.created_at).getTime() / 1000) * 1000);
      if (l.answered_at) expect(Date.parse(row.answered_at!)).toBe(Math.floor(new Date(l.answered_at).getTime() / 1000) * 1000);
      else expect(row.answered_at).toBe('');
    }
    // seed 000, record by record: each agent leg is the next agent attempt; a customer leg follows an answered agent leg of the
    // same attempt and is the next customer attempt; at most 3 agent and 2 customer attempts
    const byNumber = new Map<string, Record<string, string>[]>();
    const numberOf = new Map(legs.map((l) => [l.id, l.number_id]));
    for (const row of rows) byNumber.set(numberOf.get(row.leg_id!)!, [...(byNumber.get(numberOf.get(row.leg_id!)!) ?? []), row]);
    // seed 000: an agent attempt is spent only when the agent does not pick up, a customer attempt when the customer leg is
    // placed; each leg carries the attempt numbers of its run (e.g. A1/1 missed, A2/1 answered, C2/1 not answered, A2/2, C2/2)
    let agentMisses = 0;
    let customerRetries = 0;
    for (const seq of byNumber.values()) {
      let misses = 0;
      let customers = 0;
      let run: { agent: number; customer: number; answered: boolean } | null = null;
      for (const row of seq) {
        if (row.leg_kind === 'AGENT') {
          run = { agent: misses + 1, customer: customers + 1, answered: row.answered_at !== '' };
          expect([Number(row.agent_attempt), Number(row.customer_attempt)]).toEqual([run.agent, run.customer]);
          if (!run.answered) misses++;
        } else {
          expect(run?.answered).toBe(true); // the customer only after the agent picked up
          expect([Number(row.agent_attempt), Number(row.customer_attempt)]).toEqual([run!.agent, run!.customer]);
          customers++;
          run = null;
        }
      }
      agentMisses += misses;
      if (customers > 1) customerRetries++;
      expect(misses).toBeLessThanOrEqual(3);
      expect(customers).toBeLessThanOrEqual(2);
    }
    expect(agentMisses).toBeGreaterThan(0); // AGENT_RESCHEDULED happened (agents answer 60%)
    expect(customerRetries).toBeGreaterThan(0); // CUSTOMER_RESCHEDULED happened
  });

  it('streams the number report: one row per number with its state, reason and attempt counts (the last leg agrees), custom fields after', async () => {
    const r = await download(`/reports/campaigns/${campaignId}/numbers.csv?timeZone=America/New_York`);
    expect(r.status).toBe(200);
    const rows = rowsOf(r.text);
    const numbers = await sql<{ id: string; e164: string; state: string; reason: string | null; agent_attempts: number; customer_attempts: number }>(app.databaseUrl,
      `select id, e164, state, reason, agent_attempts, customer_attempts from campaign_number where campaign_id = $1`, [campaignId]);
    expect(rows).toHaveLength(numbers.length);
    expect(Object.keys(rows[0]!)).toEqual(['contact_name', 'number', 'client_id', 'time_zones', 'state', 'reason', 'agent_attempts', 'customer_attempts', 'dial_count',
      'last_call_status', 'last_call_at', 'last_call_duration_sec', 'disposition', 'owner_agent', 'next_attempt_at', 'reschedule_agent_call', 'reschedule_customer_call', 'order_id']);
    const byNumber = new Map(numbers.map((n) => [n.e164, n]));
    const states = new Set<string>();
    for (const row of rows) {
      const n = byNumber.get(row.number!)!;
      expect(row).toMatchObject({ state: n.state, reason: n.reason ?? '', agent_attempts: String(n.agent_attempts), customer_attempts: String(n.customer_attempts) });
      expect(row.order_id).toMatch(/^ORD-\d+$/);
      if (row.last_call_at) expect(row.last_call_at).toMatch(/-0[45]:00$/); // New York: EST or EDT
      states.add(`${row.state}:${row.reason}`);
    }
    expect(states.size).toBeGreaterThan(1);
    // the counts agree with the legs: agent attempts spent = agent legs not picked up, customer attempts = customer legs placed
    const spent = await sql<{ e164: string; misses: number; customers: number }>(app.databaseUrl,
      `select n.e164, count(*) filter (where l.kind = 'AGENT' and l.answered_at is null and l.ended_at is not null)::int as misses,
              count(*) filter (where l.kind = 'CUSTOMER')::int as customers
         from campaign_number n left join call_leg l on l.number_id = n.id where n.campaign_id = $1 group by n.e164`, [campaignId]);
    for (const x of spent) {
      const row = rows.find((r) => r.number === x.e164)!;
      if (row.state === 'IN_PROGRESS' || row.state === 'RETRYING') continue; // a run in flight
      expect([Number(row.agent_attempts), Number(row.customer_attempts)]).toEqual([x.misses, x.customers]);
    }
  });

  it('serves the same legs through GraphQL by cursor (no row twice, none missing); a bad cursor or zone is refused with its field', async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r: any = await app.gql(`query($c: ID!, $a: String) { callReport(campaignId: $c, first: 7, after: $a, timeZone: "Asia/Kolkata") { hasNextPage endCursor items { legId createdAt agentAttempt customerAttempt legKind } } }`, { c: campaignId, a: after });
      expect(r.errors).toBeUndefined();
      ids.push(...r.data.callReport.items.map((i: { legId: string }) => i.legId));
      if (!r.data.callReport.hasNextPage) break;
      after = r.data.callReport.endCursor;
    }
    const legs = await sql<{ id: string }>(app.databaseUrl, `select id from call_leg where campaign_id = $1 order by created_at, id`, [campaignId]);
    expect(ids).toEqual(legs.map((l) => l.id));
    const numbers: string[] = [];
    after = null;
    for (;;) {
      const r: any = await app.gql(`query($c: ID!, $a: String) { numberReport(campaignId: $c, first: 5, after: $a) { hasNextPage endCursor items { numberId state fields { name value } } } }`, { c: campaignId, a: after });
      expect(r.errors).toBeUndefined();
      numbers.push(...r.data.numberReport.items.map((i: { numberId: string }) => i.numberId));
      expect(r.data.numberReport.items[0].fields[0].name).toBe('order_id');
      if (!r.data.numberReport.hasNextPage) break;
      after = r.data.numberReport.endCursor;
    }
    expect(new Set(numbers).size).toBe(12);
    expect(numbers).toHaveLength(12);
    const bad = await app.gql(`query($c: ID!) { callReport(campaignId: $c, after: "bm9wZQ") { hasNextPage } }`, { c: campaignId });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    const zone = await app.gql(`query($c: ID!) { callReport(campaignId: $c, timeZone: "EST") { hasNextPage } }`, { c: campaignId });
    expect(zone.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' });
  });

  it('serves a completed campaign too (seed 004 "Download"): what was not dialled is FAILED_NO_ATTEMPT', async () => {
    await app.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id: campaignId });
    const done = await app.gql(`mutation($id: ID!) { completeCampaign(id: $id) { status } }`, { id: campaignId });
    expect(done.data.completeCampaign.status).toBe('COMPLETED');
    const rows = rowsOf((await download(`/reports/campaigns/${campaignId}/numbers.csv`)).text);
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => ['COMPLETED', 'FAILED', 'FAILED_NO_ATTEMPT', 'INVALID', 'INTERRUPTED'].includes(r.state!))).toBe(true);
    const legs = rowsOf((await download(`/reports/campaigns/${campaignId}/calls.csv`)).text);
    expect(legs.length).toBeGreaterThan(20);
    expect(legs[0]!.created_at).toMatch(/\+00:00$/); // Etc/UTC when no zone is asked for
  });

  it('refuses without credentials, to agents, to keys without reports:read, for unknown campaigns, kinds and zones, with a JSON code', async () => {
    expect(await download(`/reports/campaigns/${campaignId}/calls.csv`, null)).toMatchObject({ status: 401 });
    expect(JSON.parse((await download(`/reports/campaigns/${campaignId}/calls.csv`, null)).text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await download(`/reports/campaigns/${campaignId}/calls.csv`, 'not-a-token')).status).toBe(401);
    const agentUser = (await app.gql(`mutation { createUser(input: { name: "Rep agent", email: "rep-agent@t.io", role: AGENT, password: "agent-password-1" }) { id } }`)).data.createUser.id;
    const agent = await download(`/reports/campaigns/${campaignId}/calls.csv`, await app.tokenFor(agentUser));
    expect(agent.status).toBe(403);
    expect(JSON.parse(agent.text).errors[0].extensions.code).toBe('FORBIDDEN');
    const key = async (scopes: string[]) => (await app.gql(`mutation($s: [ApiKeyScope!]!) { createApiKey(input: { name: "rep", scopes: $s }) { key } }`, { s: scopes })).data.createApiKey.key as string;
    expect((await download(`/reports/campaigns/${campaignId}/calls.csv`, await key(['CAMPAIGNS_READ']))).status).toBe(403);
    const withKey = await download(`/reports/campaigns/${campaignId}/numbers.csv`, await key(['REPORTS_READ']));
    expect(withKey.status).toBe(200);
    expect(rowsOf(withKey.text)).toHaveLength(12);
    expect((await download(`/reports/campaigns/00000000-0000-4000-8000-000000000000/calls.csv`)).status).toBe(404);
    expect((await download(`/reports/campaigns/not-an-id/calls.csv`)).status).toBe(404);
    expect((await download(`/reports/campaigns/${campaignId}/everything.csv`)).status).toBe(404);
    const zone = await download(`/reports/campaigns/${campaignId}/calls.csv?timeZone=Mars/Olympus`);
    expect(zone.status).toBe(400);
    expect(JSON.parse(zone.text).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timeZone' });
  });
});
