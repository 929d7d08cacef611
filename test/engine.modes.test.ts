import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T06:00:00Z'); // 11:30 in Asia/Kolkata, 22:00 the day before in Los Angeles
const clock = new ManualClock(NOW);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 5, agentPickup: 0.7 } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const START = `mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state activeCampaignId campaigns { id canStart cannotStartReason } } }`;
const counts = async (campaignId: string) =>
  Object.fromEntries((await sql<{ k: string; n: string }>(app.databaseUrl, `select state || coalesce(':' || reason, '') as k, count(*) as n from campaign_number where campaign_id = $1 group by 1`, [campaignId])).map((r) => [r.k, Number(r.n)]));

/** Presses Start until the agent answers its leg (the simulator's agents miss 30% of calls). */
async function startConnected(campaignId: string, agentId: string) {
  for (let i = 0; i < 10; i++) {
    const r = await app.gql(START, { c: campaignId, a: agentId });
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    await run(40_000);
    const [a] = await sql<{ active_campaign_id: string | null }>(app.databaseUrl, `select active_campaign_id from agent where id = $1`, [agentId]);
    if (a!.active_campaign_id === campaignId) return;
  }
  throw new Error('agent never answered');
}

async function campaign(name: string, b: Awaited<ReturnType<typeof seedBasics>>, over: Record<string, unknown>) {
  const r = await app.gql(CREATE_CAMPAIGN, { i: { name, listId: b.listId, groupId: b.groupId, callerId: '+912240001234', ...over } });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  await app.scheduler.tick();
  return r.data.createCampaign.id as string;
}

describe('agent-first flow (seed 000) through the API', () => {
  it('reschedules by agent and customer budgets and reaches only the seed 000 statuses', async () => {
    const b = await seedBasics(app, 25);
    const id = await campaign('OTP flow', b, {
      dialMode: 'AGENT_FIRST_FLOW', wrapUpSeconds: 5,
      attemptPolicy: { agentMaxAttempts: 3, agentRetryIntervalMinutes: 10, retries: 1, retryIntervalMinutes: 60 },
    });
    for (const a of b.agents) expect((await app.gql(START, { c: id, a })).data.startDialling.activeCampaignId).toBe(id);
    await run(4 * 3600_000);
    const c = await counts(id);
    const keys = Object.keys(c);
    expect(keys.every((k) => ['COMPLETED', 'FAILED:AGENT_FAILED', 'FAILED:CUSTOMER_FAILED', 'FAILED:UNREACHABLE', 'INVALID:INVALID_NUMBER', 'RETRY:AGENT_RESCHEDULED', 'RETRY:CUSTOMER_RESCHEDULED'].includes(k))).toBe(true);
    expect(Object.values(c).reduce((a, n) => a + n, 0)).toBe(25);
    // the agent leg always comes first and the customer only after it was answered
    const order = await sql<{ bad: string }>(app.databaseUrl, `
      select count(*) as bad from call_leg cl where cl.campaign_id = $1 and cl.kind = 'CUSTOMER'
         and not exists (select 1 from call_leg al where al.number_id = cl.number_id and al.kind = 'AGENT' and al.answered_at is not null and al.answered_at <= cl.created_at)`, [id]);
    expect(Number(order[0]!.bad)).toBe(0);
    // budgets: at most 3 agent attempts and 2 customer attempts per record
    const [max] = await sql<{ a: number; c: number }>(app.databaseUrl, `select max(agent_attempts) as a, max(customer_attempts) as c from campaign_number where campaign_id = $1`, [id]);
    expect(max!.a).toBeLessThanOrEqual(3);
    expect(max!.c).toBeLessThanOrEqual(2);
    const agentMisses = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where campaign_id = $1 and kind = 'AGENT' and status = 'NO_ANSWER'`, [id]);
    expect(Number(agentMisses[0]!.n)).toBeGreaterThan(0); // agentPickup 0.7 -> AGENT_RESCHEDULED happened
  }, 180_000);
});

describe('predictive', () => {
  it('launches customer calls ahead of agents, connects answers, counts abandons and stays under the cap', async () => {
    const b = await seedBasics(app, 400);
    // more agents: add 6 more to the group
    const extra: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await app.gql(`mutation($p: String!) { createAgent(input: { name: "P${i}", phone: $p }) { id } }`, { p: `+91970${String(1_000_000 + Math.floor(Math.random() * 8_999_999))}` });
      extra.push(r.data.createAgent.id);
    }
    await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, addAgentIds: $a) { memberCount } }`, { g: b.groupId, a: extra });
    const id = await campaign('Predictive', b, { dialMode: 'PREDICTIVE', wrapUpSeconds: 10, attemptPolicy: { retries: 1, retryIntervalMinutes: 30 } });
    for (const a of [...b.agents, ...extra]) await app.gql(START, { c: id, a });
    for (let i = 0; i < 6; i++) {
      await run(60_000);
      // agents who missed their leg press Start again
      for (const a of await sql<{ id: string }>(app.databaseUrl, `select a.id from agent a join agent_group_member m on m.agent_id = a.id and m.group_id = $1 where a.active_campaign_id is null`, [b.groupId])) {
        await app.gql(START, { c: id, a: a.id });
      }
    }
    await run(84 * 60_000);
    const [day] = await sql<{ dials: number; live_answers: number; abandons: number; connects: number }>(app.databaseUrl, `select dials, live_answers, abandons, connects from campaign_day_stat where campaign_id = $1`, [id]);
    expect(day!.dials).toBeGreaterThan(100);
    expect(day!.connects).toBeGreaterThan(20);
    expect(day!.connects).toBeLessThanOrEqual(day!.live_answers); // machines are neither live answers nor connects
    const abandoned = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where campaign_id = $1 and abandoned`, [id]);
    expect(Number(abandoned[0]!.n)).toBe(day!.abandons);
    // in flight per agent above 1 at some point = dialling ahead of agents
    const [peak] = await sql<{ peak: number }>(app.databaseUrl, `
      select max(n) as peak from (select count(*) as n from call_leg a join call_leg b on b.campaign_id = a.campaign_id and b.kind = 'CUSTOMER'
        and b.created_at <= a.created_at and coalesce(b.ended_at, 'infinity') > a.created_at where a.campaign_id = $1 and a.kind = 'CUSTOMER' group by a.id) x`, [id]);
    expect(Number(peak!.peak)).toBeGreaterThan(8);
    const live = await app.gql(`query($id: ID!) { campaignLive(campaignId: $id) { dialsToday liveAnswersToday abandonRateToday abandonRateCap pacingRatio pacingReason agents { available onCall wrapUp offline } } }`, { id });
    expect(live.errors).toBeUndefined();
    const l = live.data.campaignLive;
    expect(l.dialsToday).toBe(day!.dials);
    expect(l.pacingReason).not.toBe('');
    expect(l.abandonRateToday ?? 0).toBeLessThanOrEqual(0.03 + 1e-9);
    console.log(JSON.stringify({ predictive: { dials: day!.dials, live: day!.live_answers, connects: day!.connects, abandons: day!.abandons, abandonRate: l.abandonRateToday, ratio: l.pacingRatio, reason: l.pacingReason } }));
  }, 240_000);
});

describe('guards, start rules and live changes', () => {
  it('suppressed -> FAILED_DND, no balance -> FAILED_BALANCE, outside the window -> not dialled', async () => {
    const b = await seedBasics(app, 6);
    const [first] = await sql<{ e164: string }>(app.databaseUrl, `select p.e164 from phone_number p join contact_list_member m on m.contact_id = p.contact_id where m.list_id = $1 order by p.e164 limit 1`, [b.listId]);
    expect((await app.gql(`mutation($v: String!) { addSuppression(input: { kind: NUMBER, value: $v, reason: "NDNC" }) { value } }`, { v: first!.e164 })).data.addSuppression.value).toBe(first!.e164);
    // +1 310 is Los Angeles by its prefix (not New York by its country): outside the window at this hour
    const la = await app.gql(`mutation($l: [ID!]) { createContact(input: { name: "LA night owl", phones: ["+13105550142"], listIds: $l }) { id phones { timeZones } } }`, { l: [b.listId] });
    expect(la.data.createContact.phones[0].timeZones).toEqual(['America/Los_Angeles']);
    const id = await campaign('Guards', b, { dialMode: 'PROGRESSIVE', wrapUpSeconds: 5 });
    await startConnected(id, b.agents[0]);
    await run(20 * 60_000);
    const c = await counts(id);
    expect(c['FAILED_DND:SUPPRESSED']).toBe(1);
    const [laState] = await sql<{ state: string; dial_count: number }>(app.databaseUrl, `select state, dial_count from campaign_number where campaign_id = $1 and e164 = '+13105550142'`, [id]);
    expect(laState).toEqual({ state: 'SCHEDULED', dial_count: 0 });
    const live = await app.gql(`query($id: ID!) { campaignLive(campaignId: $id) { heldBack { filter count } } }`, { id });
    expect(live.data.campaignLive.heldBack).toContainEqual({ filter: 'outsideWindow', count: 1 });

    // balance: an empty prepaid balance stops dialling with FAILED_BALANCE
    const b2 = await seedBasics(app, 3);
    const id2 = await campaign('No balance', b2, { dialMode: 'PROGRESSIVE' });
    const [org] = await sql<{ organization_id: string }>(app.databaseUrl, `select organization_id from campaign where id = $1`, [id2]);
    await sql(app.databaseUrl, `update organization set balance_minor = 0 where id = $1`, [org!.organization_id]);
    // the simulated agent misses some of its legs: press Start until it answers, as the first case does
    await startConnected(id2, b2.agents[0]);
    await run(120_000);
    await sql(app.databaseUrl, `update organization set balance_minor = 100000000 where id = $1`, [org!.organization_id]);
    expect((await counts(id2))['FAILED_BALANCE']).toBeGreaterThanOrEqual(1);
    await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { activeCampaignId } }`, { a: b.agents[0] });
    await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { activeCampaignId } }`, { a: b2.agents[0] });
    await run(10_000);
  }, 120_000);

  it('refuses Start before the start time, for non-members and when nothing is left; stop hangs up the agent leg', async () => {
    const b = await seedBasics(app, 2);
    const later = await app.gql(CREATE_CAMPAIGN, { i: { name: 'Later', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', startsAt: new Date(clock.now().getTime() + 3600_000).toISOString() } });
    const early = await app.gql(START, { c: later.data.createCampaign.id, a: b.agents[0] });
    expect(early.errors?.[0]).toMatchObject({ extensions: { code: 'ILLEGAL_TRANSITION' }, message: expect.stringContaining('starts at') });
    const other = await seedBasics(app, 1);
    const notMine = await app.gql(START, { c: later.data.createCampaign.id, a: other.agents[0] });
    expect(notMine.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    const id = await campaign('Tiny', b, { dialMode: 'PROGRESSIVE', wrapUpSeconds: 1 });
    await startConnected(id, b.agents[0]);
    await run(60 * 60_000);
    expect((await counts(id))['SCHEDULED'] ?? 0).toBe(0);
    const stop = await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { activeCampaignId } }`, { a: b.agents[0] });
    expect(stop.data.stopDialling.activeCampaignId).toBeNull();
    await run(5_000);
    const [agent] = await sql<{ state: string }>(app.databaseUrl, `select state from agent where id = $1`, [b.agents[0]]);
    expect(agent!.state).toBe('OFFLINE');
    const legs = await sql<{ status: string }>(app.databaseUrl, `select status from call_leg where campaign_id = $1 and kind = 'AGENT' order by created_at`, [id]);
    expect(legs.at(-1)!.status).not.toMatch(/QUEUED|RINGING|ANSWERED/);
    expect(legs.filter((l) => l.status === 'COMPLETED')).toHaveLength(1); // the one nailed leg that was answered, hung up by stop
    const left = await counts(id);
    if (!left['RETRY:CUSTOMER_RESCHEDULED']) {
      const again = await app.gql(START, { c: id, a: b.agents[0] });
      expect(again.errors?.[0]?.message).toContain('no new or retry numbers left');
    }
  }, 120_000);

  it('removing an agent from the group ends its session live; completing lets the call finish, then drops the agent', async () => {
    const b = await seedBasics(app, 40);
    const id = await campaign('Live changes', b, { dialMode: 'PROGRESSIVE', wrapUpSeconds: 5 });
    for (const a of b.agents) await startConnected(id, a);
    await run(3 * 60_000);
    await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, removeAgentIds: $a) { memberCount } }`, { g: b.groupId, a: [b.agents[1]] });
    await run(5_000);
    const [removed] = await sql<{ state: string; active_campaign_id: string | null }>(app.databaseUrl, `select state, active_campaign_id from agent where id = $1`, [b.agents[1]]);
    expect(removed).toEqual({ state: 'OFFLINE', active_campaign_id: null });

    const sub = subscribe<{ campaignStatsChanged: { failedNoAttempt: number } }>(app.ws(), `subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { failedNoAttempt } }`, { id });
    await sub.waitFor(() => true);
    await app.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { status } }`, { id });
    await app.gql(`mutation($id: ID!) { completeCampaign(id: $id) { status } }`, { id });
    const pushed = await sub.waitFor((v) => v.campaignStatsChanged.failedNoAttempt > 0);
    expect(pushed.campaignStatsChanged.failedNoAttempt).toBeGreaterThan(0);
    await run(10 * 60_000);
    const liveLegs = await sql(app.databaseUrl, `select id from call_leg where campaign_id = $1 and status in ('QUEUED','RINGING','ANSWERED')`, [id]);
    expect(liveLegs).toEqual([]);
    const [a0] = await sql<{ state: string; active_campaign_id: string | null }>(app.databaseUrl, `select state, active_campaign_id from agent where id = $1`, [b.agents[0]]);
    expect(a0).toEqual({ state: 'OFFLINE', active_campaign_id: null });
    const c = await counts(id);
    expect((c['IN_PROGRESS'] ?? 0) + (c['RETRYING'] ?? 0) + (c['SCHEDULED'] ?? 0) + (c['RETRY:CUSTOMER_RESCHEDULED'] ?? 0)).toBe(0);
    // nothing was dialled after completion
    const [after] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg l join campaign c on c.id = l.campaign_id where l.campaign_id = $1 and l.created_at > c.completed_at`, [id]);
    expect(Number(after!.n)).toBe(0);
  }, 120_000);
});
