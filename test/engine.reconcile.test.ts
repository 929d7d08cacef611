import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import type { CallSimulator } from '../server/src/telephony/simulator.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  // every agent answers, every customer answers and talks for about two minutes
  app = await startTestApp({ clock, simulator: { seed: 8, agentPickup: 1, customer: { busy: 0, failed: 0, answer: 1, machine: 0 }, talk: { mean: 120, cv: 0.1 } } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const legOf = async (campaignId: string, kind: string) =>
  (await sql<{ id: string; sid: string; number_id: string | null; agent_id: string }>(app.databaseUrl,
    `select id, sid, number_id, agent_id from call_leg where campaign_id = $1 and kind = $2 and status = 'ANSWERED' order by created_at desc limit 1`, [campaignId, kind]))[0];

/**
 * Issue 12: a periodic reconciler ends legs whose provider call no longer exists (and logs it),
 * closes live legs in the database that no runner tracks, and makes agents' states match their legs.
 */
describe('reconciler', () => {
  it('ends a call the provider lost, closes untracked legs, corrects agent states; the answered customer is handed back, not redialled', async () => {
    const sim = app.telephony as CallSimulator;
    const b = await seedBasics(app, 6);
    const id = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Lost calls', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 5, callingWindow: { start: '00:00', end: '23:59' } } })).data.createCampaign.id;
    await app.scheduler.tick();
    await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: id, a: b.agents[0] });
    let talking: Awaited<ReturnType<typeof legOf>> | undefined;
    for (let i = 0; i < 60 && !(talking = await legOf(id, 'CUSTOMER')); i++) await run(1000);
    expect(talking).toBeDefined();

    // the network loses the conversation without a word
    expect(sim.loseCall(talking!.sid)).toBe(true);
    await run(45_000);
    const [lost] = await sql<{ status: string; cause: string }>(app.databaseUrl, `select status, cause from call_leg where id = $1`, [talking!.id]);
    expect(lost).toEqual({ status: 'COMPLETED', cause: 'LOST' });
    const [n] = await sql<{ state: string; reason: string; owner_agent_id: string; customer_attempts: number; followup_note: string }>(app.databaseUrl,
      `select state, reason, owner_agent_id, customer_attempts, followup_note from campaign_number where id = $1`, [talking!.number_id]);
    expect(n).toMatchObject({ state: 'INTERRUPTED', reason: 'CALL_INTERRUPTED', owner_agent_id: b.agents[0], customer_attempts: 1 });
    expect(n!.followup_note).toMatch(/cut off/);
    // the agent's console lists it to follow up
    const con = await app.gql(`query($a: ID) { agentConsole(agentId: $a) { followups { numberId state note } } }`, { a: b.agents[0] });
    expect(con.data.agentConsole.followups).toContainEqual(expect.objectContaining({ numberId: talking!.number_id, state: 'INTERRUPTED' }));

    // a live leg in the database that no runner placed (a handler that failed half-way)
    const [org] = await sql<{ organization_id: string }>(app.databaseUrl, `select organization_id from campaign where id = $1`, [id]);
    const ghost = randomUUID();
    await sql(app.databaseUrl, `insert into call_leg (id, organization_id, campaign_id, kind, to_number, status, instance_id, created_at, answered_at)
      values ($1, $2, $3, 'AGENT', '+919700000000', 'ANSWERED', 'gone', $4, $4)`, [ghost, org!.organization_id, id, clock.now()]);
    // an agent shown on a call with no campaign and no call at all, and a dialling agent shown wrongly
    await sql(app.databaseUrl, `update agent set state = 'ON_CALL' where id = $1`, [b.agents[1]]);
    await run(35_000);
    expect((await sql<{ status: string; cause: string }>(app.databaseUrl, `select status, cause from call_leg where id = $1`, [ghost]))[0]).toEqual({ status: 'COMPLETED', cause: 'RECONCILED' });
    expect((await sql<{ state: string }>(app.databaseUrl, `select state from agent where id = $1`, [b.agents[1]]))[0]!.state).toBe('OFFLINE');

    const agentNow = async () => (await sql<{ state: string }>(app.databaseUrl, `select state from agent where id = $1`, [b.agents[0]]))[0]!.state;
    // a paused agent shown wrongly as ON_CALL is corrected to what its session is
    await app.gql(`mutation($a: ID) { setAgentPaused(agentId: $a, paused: true) { state } }`, { a: b.agents[0] });
    for (let i = 0; i < 400 && (await agentNow()) !== 'PAUSED'; i++) await run(1000);
    expect(await agentNow()).toBe('PAUSED');
    await sql(app.databaseUrl, `update agent set state = 'ON_CALL' where id = $1`, [b.agents[0]]);
    await run(31_000);
    expect(await agentNow()).toBe('PAUSED');

    await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: b.agents[0] });
    await run(5 * 60_000);
    expect(await sql(app.databaseUrl, `select id from call_leg where campaign_id = $1 and status in ('QUEUED','RINGING','ANSWERED')`, [id])).toEqual([]);
    expect(await agentNow()).toBe('OFFLINE');
  }, 120_000);

  it('a person settles an interrupted call: done, call again within the budget, or a followup', async () => {
    const b = await seedBasics(app, 3);
    const id = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Settle', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', attemptPolicy: { retries: 1 } } })).data.createCampaign.id;
    const nums = await sql<{ id: string }>(app.databaseUrl, `select id from campaign_number where campaign_id = $1 order by e164`, [id]);
    await sql(app.databaseUrl, `update campaign_number set state = 'INTERRUPTED', reason = 'CALL_INTERRUPTED', customer_attempts = 1, owner_agent_id = $2 where campaign_id = $1`, [id, b.agents[0]]);
    const RESOLVE = `mutation($n: ID!, $o: InterruptedCallOutcome!) { resolveInterruptedCall(numberId: $n, outcome: $o) { numberId state } }`;
    const list = await app.gql(`query($c: ID!) { interruptedCalls(campaignId: $c) { numberId state } }`, { c: id });
    expect(list.data.interruptedCalls).toHaveLength(3);
    expect((await app.gql(RESOLVE, { n: nums[0]!.id, o: 'COMPLETED' })).data.resolveInterruptedCall).toEqual({ numberId: nums[0]!.id, state: 'COMPLETED' });
    expect((await app.gql(RESOLVE, { n: nums[1]!.id, o: 'RETRY' })).data.resolveInterruptedCall.state).toBe('RETRY');
    expect((await app.gql(RESOLVE, { n: nums[1]!.id, o: 'RETRY' })).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect((await app.gql(RESOLVE, { n: randomUUID(), o: 'RETRY' })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const f = await app.gql(`mutation($n: ID!) { scheduleFollowup(input: { numberId: $n, date: "2026-11-24", time: "10:00", timeZone: "Asia/Kolkata" }) { state } }`, { n: nums[2]!.id });
    // never called by the dialler, so no agent handled it: a followup needs the call's agent
    expect(f.errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect((await app.gql(`query($c: ID!) { interruptedCalls(campaignId: $c) { numberId } }`, { c: id })).data.interruptedCalls).toEqual([{ numberId: nums[2]!.id }]);
  });
});
