import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-23T06:00:00Z'); // 11:30 in Asia/Kolkata
let app: TestApp;
beforeAll(async () => {
  // every call is answered by a person, every agent picks up: the flow is deterministic
  app = await startTestApp({ clock, simulator: { seed: 21, agentPickup: 1, talk: { mean: 60, cv: 0.3 }, customer: { busy: 0, failed: 0, answer: 1, machine: 0 } } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const CONSOLE = `query { agentConsole { agentId state currentCall { numberId status }
  followups { numberId campaignId campaignName contactName number dueAt timeZone note state } } }`;
type Followup = { numberId: string; campaignId: string; campaignName: string; contactName: string; number: string; dueAt: string | null; timeZone: string; note: string | null; state: string };
type Console = { agentId: string; state: string; currentCall: null | { numberId: string; status: string }; followups: Followup[] };
const SCHEDULE = `mutation($i: ScheduleFollowupInput!) { scheduleFollowup(input: $i) { numberId campaignId campaignName contactName number dueAt timeZone note state } }`;

const consoleOf = async (user: string) => (await app.gql(CONSOLE, {}, user)).data.agentConsole as Console;
async function until(user: string, pred: (c: Console) => boolean, maxMs = 600_000): Promise<Console> {
  for (let t = 0; t < maxMs; t += 1000) {
    const c = await consoleOf(user);
    if (pred(c)) return c;
    await run(1000);
  }
  throw new Error('condition not reached');
}
const row = async (id: string) => (await sql<Record<string, unknown>>(app.databaseUrl, `select * from campaign_number where id = $1`, [id]))[0]!;

async function agentUser(name: string, email: string, phone: string, groupId: string) {
  const user = (await app.gql(`mutation($n: String!, $e: String!) { createUser(input: { name: $n, email: $e, role: AGENT }) { id } }`, { n: name, e: email })).data.createUser.id as string;
  const agent = (await app.gql(`mutation($n: String!, $p: String!, $u: ID!) { createAgent(input: { name: $n, phone: $p, timeZone: "Asia/Kolkata", userId: $u }) { id } }`,
    { n: name, p: phone, u: user })).data.createAgent.id as string;
  await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, addAgentIds: $a) { memberCount } }`, { g: groupId, a: [agent] });
  return { user, agent };
}

describe('scheduled followups in virtual time (seed 002 / 003)', () => {
  it('books during and after a call, refuses bad input without changing anything, and offers each followup to its owner only, as a preview call she launches', async () => {
    const b = await seedBasics(app, 6);
    const asha = await agentUser('Asha', 'asha@f.io', '+919700003333', b.groupId);
    const bo = await agentUser('Bo', 'bo@f.io', '+919700004444', b.groupId);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Followups', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234',
      wrapUpSeconds: 10, attemptPolicy: { retries: 1, retryIntervalMinutes: 30 } } })).data.createCampaign;
    await app.scheduler.tick();
    const start = (u: string) => app.gql(`mutation($c: ID!) { startDialling(campaignId: $c) { activeCampaignId } }`, { c: c.id }, u);
    const stop = (u: string) => app.gql(`mutation { stopDialling { activeCampaignId } }`, {}, u);
    await start(asha.user);

    // 1. during the call: booked for 14:00 in Kolkata (08:30Z), held on the number, applied when the call ends
    const first = (await until(asha.user, (x) => x.currentCall?.status === 'ANSWERED')).currentCall!;
    const during = await app.gql(SCHEDULE, { i: { numberId: first.numberId, date: '2026-11-23', time: '14:00', timeZone: 'Asia/Kolkata', note: 'wants the manager' } }, asha.user);
    expect(during.errors).toBeUndefined();
    expect(during.data.scheduleFollowup).toMatchObject({ numberId: first.numberId, dueAt: '2026-11-23T08:30:00.000Z', timeZone: 'Asia/Kolkata', note: 'wants the manager', state: 'IN_PROGRESS', campaignName: 'Followups' });
    expect(await row(first.numberId)).toMatchObject({ state: 'IN_PROGRESS', owner_agent_id: asha.agent });
    await until(asha.user, (x) => x.state === 'WRAP_UP');
    const a = await row(first.numberId);
    expect(a).toMatchObject({ state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', owner_agent_id: asha.agent, followup_at: null, customer_attempts: 1 });
    expect((a.next_attempt_at as Date).toISOString()).toBe('2026-11-23T08:30:00.000Z');

    // 2. after the call: the next number Asha talks to, once completed
    const second = (await until(asha.user, (x) => x.currentCall?.status === 'ANSWERED' && x.currentCall.numberId !== first.numberId)).currentCall!;
    await until(asha.user, (x) => x.state === 'WRAP_UP');
    await stop(asha.user);
    await run(30_000);
    expect(await row(second.numberId)).toMatchObject({ state: 'COMPLETED', owner_agent_id: null });

    // 3. bad input: each with its code and field, and the row stays as it was
    const before = await row(second.numberId);
    const refused: [Record<string, unknown>, string, string, string?][] = [
      [{ date: '2026-11-23', time: '10:00' }, asha.user, 'BAD_USER_INPUT', 'input.time'], // 10:00 in Kolkata is in the past
      [{ date: '2026-13-01', time: '10:00' }, asha.user, 'BAD_USER_INPUT', 'input.date'],
      [{ date: '23.11.2026', time: '10:00' }, asha.user, 'BAD_USER_INPUT', 'input.date'],
      [{ date: '2026-11-24', time: '7pm' }, asha.user, 'BAD_USER_INPUT', 'input.time'],
      [{ date: '2027-03-14', time: '02:30', timeZone: 'America/New_York' }, asha.user, 'BAD_USER_INPUT', 'input.time'], // skipped by DST
      [{ date: '2026-11-24', time: '10:00', timeZone: 'Mars/Olympus_Mons' }, asha.user, 'BAD_USER_INPUT', 'input.timeZone'],
      [{ date: '2027-01-30', time: '10:00' }, asha.user, 'BAD_USER_INPUT', 'input.date'], // after the campaign's end
      [{ date: '2026-11-24', time: '10:00' }, bo.user, 'FORBIDDEN'], // another agent's call
      [{ date: '2026-11-24', time: '10:00', note: 'x'.repeat(501) }, asha.user, 'BAD_USER_INPUT'],
    ];
    for (const [input, user, code, field] of refused) {
      const r = await app.gql(SCHEDULE, { i: { numberId: second.numberId, ...input } }, user);
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe(code);
      if (field) expect(r.errors?.[0]?.extensions?.field, JSON.stringify(input)).toBe(field);
      expect(await row(second.numberId)).toEqual(before);
    }
    const dst = await app.gql(SCHEDULE, { i: { numberId: second.numberId, date: '2027-03-14', time: '02:30', timeZone: 'America/New_York' } }, asha.user);
    expect(dst.errors?.[0]?.message).toMatch(/does not exist in America\/New_York/);
    // a number nobody has called yet
    const [fresh] = await sql<{ id: string }>(app.databaseUrl, `select id from campaign_number where campaign_id = $1 and state = 'SCHEDULED' limit 1`, [c.id]);
    expect(fresh).toBeDefined();
    expect((await app.gql(SCHEDULE, { i: { numberId: fresh.id, date: '2026-11-24', time: '10:00' } }, asha.user)).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');

    // 4. after the call, in the agent's own zone by default: 13:00 Kolkata = 07:30Z
    const after = await app.gql(SCHEDULE, { i: { numberId: second.numberId, date: '2026-11-23', time: '13:00', note: 'call back after lunch' } }, asha.user);
    expect(after.errors).toBeUndefined();
    expect(after.data.scheduleFollowup).toMatchObject({ dueAt: '2026-11-23T07:30:00.000Z', timeZone: 'Asia/Kolkata', state: 'RETRY' });
    expect(await row(second.numberId)).toMatchObject({ state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', owner_agent_id: asha.agent, followup_note: 'call back after lunch' });
    const queue = (await consoleOf(asha.user)).followups;
    expect(queue.map((f) => [f.numberId, f.dueAt])).toEqual([[second.numberId, '2026-11-23T07:30:00.000Z'], [first.numberId, '2026-11-23T08:30:00.000Z']]);
    expect(queue[0]).toMatchObject({ campaignId: c.id, state: 'RETRY', note: 'call back after lunch' });
    expect((await consoleOf(bo.user)).followups).toEqual([]);

    // 5. counters stay exact
    const counts = await sql<{ state: string; n: string }>(app.databaseUrl, `select state, count(*) as n from campaign_number where campaign_id = $1 group by 1`, [c.id]);
    const stats = (await app.gql(`query($id: ID!) { campaignStats(campaignId: $id) { retry completed total } }`, { id: c.id })).data.campaignStats;
    expect(stats.retry).toBe(Number(counts.find((x) => x.state === 'RETRY')?.n ?? 0));
    expect(stats.completed).toBe(Number(counts.find((x) => x.state === 'COMPLETED')?.n ?? 0));

    // 6. the time arrives while only Bo is dialling: Bo works the rest of the list but never gets Asha's followups,
    //    and nobody dials them blind: they wait for Asha as preview calls (4 minutes late, still launchable)
    await start(bo.user);
    await run(new Date('2026-11-23T07:34:00Z').getTime() - clock.now().getTime());
    const boLegs = await sql<{ number_id: string }>(app.databaseUrl, `select number_id from call_leg where agent_id = $1 and kind = 'CUSTOMER'`, [bo.agent]);
    expect(boLegs.length).toBeGreaterThan(0);
    expect(boLegs.map((l) => l.number_id)).not.toContain(second.numberId);
    expect(boLegs.map((l) => l.number_id)).not.toContain(first.numberId);
    expect(await row(second.numberId)).toMatchObject({ state: 'RETRY', owner_agent_id: asha.agent });
    expect((await consoleOf(bo.user)).state).toBe('AVAILABLE');
    const previewed = (await app.gql(`query { agentConsole { followups { numberId preview launching expiresAt } } }`, {}, asha.user)).data.agentConsole.followups;
    expect(previewed[0]).toEqual({ numberId: second.numberId, preview: true, launching: false, expiresAt: '2026-11-23T07:35:00.000Z' });

    // a final number (other than COMPLETED) cannot be rescheduled; a supervisor may book for any number, owned by its agent
    const boDone = await sql<{ id: string }>(app.databaseUrl,
      `select n.id from campaign_number n where n.campaign_id = $1 and n.state = 'COMPLETED' and exists (select 1 from call_leg l where l.number_id = n.id and l.agent_id = $2) order by n.id limit 2`,
      [c.id, bo.agent]);
    expect(boDone).toHaveLength(2);
    await sql(app.databaseUrl, `update campaign_number set state = 'FAILED_DND', reason = 'SUPPRESSED' where id = $1`, [boDone[0]!.id]);
    const finalBefore = await row(boDone[0]!.id);
    const illegal = await app.gql(SCHEDULE, { i: { numberId: boDone[0]!.id, date: '2026-11-24', time: '10:00' } }, bo.user);
    expect(illegal.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', from: 'FAILED_DND' });
    expect(await row(boDone[0]!.id)).toEqual(finalBefore);
    // a followup is launched at its time, so the time must be inside the calling window in the customer's zone (Kolkata here)
    const lateNight = await app.gql(SCHEDULE, { i: { numberId: boDone[1]!.id, date: '2026-11-24', time: '10:00', timeZone: 'America/Los_Angeles' } });
    expect(lateNight.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.time' });
    expect(lateNight.errors?.[0]?.message).toMatch(/outside the campaign's calling window \(09:00-21:00 in the customer's zone, Asia\/Kolkata\)/);
    const bySupervisor = await app.gql(SCHEDULE, { i: { numberId: boDone[1]!.id, date: '2026-11-24', time: '20:00', timeZone: 'America/Los_Angeles' } });
    expect(bySupervisor.data.scheduleFollowup).toMatchObject({ dueAt: '2026-11-25T04:00:00.000Z', timeZone: 'America/Los_Angeles', state: 'RETRY' });
    expect(await row(boDone[1]!.id)).toMatchObject({ owner_agent_id: bo.agent });
    expect((await consoleOf(bo.user)).followups.map((f) => f.numberId)).toEqual([boDone[1]!.id]);

    // 7. its owner launches it from idle: her own phone rings first, then the customer; afterwards she is back where she was
    const launched = await app.gql(`mutation($n: ID!) { launchFollowup(numberId: $n) { state followups { numberId launching } } }`, { n: second.numberId }, asha.user);
    expect(launched.errors).toBeUndefined();
    expect(launched.data.launchFollowup.followups.find((f: { numberId: string }) => f.numberId === second.numberId)).toEqual({ numberId: second.numberId, launching: true });
    await until(asha.user, (x) => x.currentCall?.numberId === second.numberId && x.currentCall.status === 'ANSWERED', 120_000);
    // supervisors see the launched call under its campaign: the agent board and the campaign's agents on call
    const board = (await app.gql(`query { agentBoard { agentId state campaignName } }`, {})).data.agentBoard.find((r: { agentId: string }) => r.agentId === asha.agent);
    expect(board).toMatchObject({ state: 'ON_CALL', campaignName: 'Followups' });
    await run(1000);
    expect((await app.gql(`query($c: ID!) { campaignLive(campaignId: $c) { agents { onCall } } }`, { c: c.id })).data.campaignLive.agents.onCall).toBeGreaterThanOrEqual(1);
    await until(asha.user, (x) => x.state === 'OFFLINE' && !x.currentCall, 600_000);
    const legs = await sql<{ kind: string; agent_id: string; created_at: Date; answered_at: Date | null }>(app.databaseUrl,
      `select kind, agent_id, created_at, answered_at from call_leg where number_id = $1 and created_at > $2 order by created_at, kind`, [second.numberId, new Date('2026-11-23T07:00:00Z')]);
    expect(legs.map((l) => [l.kind, l.agent_id])).toEqual([['AGENT', asha.agent], ['CUSTOMER', asha.agent]]);
    expect(new Date(legs[1]!.created_at).getTime()).toBeGreaterThanOrEqual(new Date(legs[0]!.answered_at!).getTime());
    expect(await row(second.numberId)).toMatchObject({ state: 'COMPLETED', customer_attempts: 2 });
    expect(await sql(app.databaseUrl, `select 1 from agent where id = $1 and (launch_campaign_id is not null or active_campaign_id is not null)`, [asha.agent])).toEqual([]);
    // the during-call followup is not due yet (08:30): not dialled by anyone
    expect(await sql(app.databaseUrl, `select 1 from call_leg where number_id = $1 and created_at > $2`, [first.numberId, new Date('2026-11-23T07:00:00Z')])).toEqual([]);

    // 8. cancel: Bo may not; Asha may; the number keeps its retry time but is no longer hers alone
    const CANCEL = `mutation($n: ID!) { cancelFollowup(numberId: $n) }`;
    expect((await app.gql(CANCEL, { n: first.numberId }, bo.user)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.gql(CANCEL, { n: first.numberId }, asha.user)).data.cancelFollowup).toBe(true);
    const cancelled = await row(first.numberId);
    expect(cancelled).toMatchObject({ state: 'RETRY', owner_agent_id: null, followup_note: null });
    expect((cancelled.next_attempt_at as Date).toISOString()).toBe('2026-11-23T08:30:00.000Z');
    expect((await consoleOf(asha.user)).followups).toEqual([]);
    expect((await app.gql(CANCEL, { n: first.numberId }, asha.user)).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');

    await stop(asha.user);
    await stop(bo.user);
    await run(60_000);
  }, 300_000);
});
