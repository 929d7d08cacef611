import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import type { CallSimulator } from '../server/src/telephony/simulator.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T05:00:00Z'); // 10:30 in Asia/Kolkata
const clock = new ManualClock(NOW);
let app: TestApp;
let sim: CallSimulator;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 21, agentPickup: 1, customer: { busy: 0, failed: 0, answer: 0, machine: 0 } } });
  sim = app.telephony as CallSimulator;
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const START = `mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`;
const CONSOLE = `query($a: ID) { agentConsole(agentId: $a) { state activeCampaignId stopReason campaigns { id status } } }`;
const consoleOf = async (agentId: string) => (await app.gql(CONSOLE, { a: agentId })).data.agentConsole;

/** An agent with a user of their own, so their console can be subscribed to as them. */
async function agentWithUser(b: Awaited<ReturnType<typeof seedBasics>>): Promise<{ agentId: string; userId: string }> {
  const agentId = b.agents[0]!;
  const user = await app.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { name: `Agent ${agentId.slice(0, 4)}`, email: `a${Date.now()}${Math.random()}@t.test`, role: 'AGENT', password: 'agent-password-1' } });
  await app.gql(`mutation($id: ID!, $u: ID!) { updateAgent(id: $id, input: { userId: $u }) { id } }`, { id: agentId, u: user.data.createUser.id });
  return { agentId, userId: user.data.createUser.id };
}

async function campaign(b: Awaited<ReturnType<typeof seedBasics>>, name: string): Promise<string> {
  const c = await app.gql(CREATE_CAMPAIGN, { i: { name, listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', wrapUpSeconds: 5 } });
  await app.scheduler.tick();
  return c.data.createCampaign.id as string;
}

describe('the console tells the truth (issue 16, problems 1 and 3)', () => {
  it('a campaign paused or completed under the agent is pushed to their console at once, and Offline says why', async () => {
    const b = await seedBasics(app, 20);
    const { agentId, userId } = await agentWithUser(b);
    const id = await campaign(b, 'Renewals');
    const pushes = subscribe<{ agentConsoleChanged: { state: string; activeCampaignId: string | null; stopReason: string | null; campaigns: { id: string; status: string }[] } }>(
      app.ws(userId), `subscription { agentConsoleChanged { state activeCampaignId stopReason campaigns { id status } } }`, {});
    await pushes.waitFor(() => true);
    await app.gql(START, { c: id, a: agentId });
    await run(30_000);
    await app.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id });
    // nothing else moves the console: the status push alone must bring the pause
    await pushes.waitFor((v) => v.agentConsoleChanged.campaigns.some((c) => c.id === id && c.status === 'PAUSED'));
    await app.gql(`mutation($id: ID!) { completeCampaign(id: $id) { id } }`, { id });
    await run(20_000);
    const done = await pushes.waitFor((v) => v.agentConsoleChanged.activeCampaignId === null && v.agentConsoleChanged.stopReason !== null);
    expect(done.agentConsoleChanged).toMatchObject({ state: 'OFFLINE', stopReason: 'Renewals: the campaign was completed by a supervisor' });
    // pressing Start elsewhere clears the reason
    const next = await campaign(b, 'Next one');
    await app.gql(START, { c: next, a: agentId });
    expect((await consoleOf(agentId)).stopReason).toBeNull();
    await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: agentId });
    await run(5_000);
    expect(await consoleOf(agentId)).toMatchObject({ state: 'OFFLINE', activeCampaignId: null, stopReason: null }); // they chose to stop
  }, 60_000);

  it("an agent's phone that does not answer, fails or is hung up ends the session with the reason on the console", async () => {
    const b = await seedBasics(app, 20);
    const [agentId] = b.agents as [string];
    const id = await campaign(b, 'Phones');
    const phone = (await sql<{ phone: string }>(app.databaseUrl, `select phone from agent where id = $1`, [agentId]))[0]!.phone;

    sim.options.agentPickup = 0;
    try {
      await app.gql(START, { c: id, a: agentId });
      await run(60_000); // rings out (30 s)
    } finally {
      sim.options.agentPickup = 1;
    }
    expect(await consoleOf(agentId)).toMatchObject({
      state: 'OFFLINE', activeCampaignId: null, stopReason: `Your phone (${phone}) did not answer, so dialling stopped: press Start to try again`,
    });

    await app.gql(START, { c: id, a: agentId });
    await run(20_000);
    const [nailed] = await sql<{ sid: string }>(app.databaseUrl, `select sid from call_leg where agent_id = $1 and kind = 'AGENT' and status = 'ANSWERED'`, [agentId]);
    sim.farEndHangup(nailed!.sid);
    await run(10_000);
    expect((await consoleOf(agentId)).stopReason).toBe('You hung up your phone, so you left Phones: press Start to go on');

    // taken out of the group while dialling
    await app.gql(START, { c: id, a: agentId });
    await run(20_000);
    await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, removeAgentIds: $a) { memberCount } }`, { g: b.groupId, a: [agentId] });
    await run(10_000);
    expect((await consoleOf(agentId)).stopReason).toBe('You were taken out of the group that dials Phones');
  }, 60_000);

  it('"End call and go on" hangs up the customer and keeps the agent in the campaign; "Ready" ends wrap-up at once; the console counts wrap-up down', async () => {
    const b = await seedBasics(app, 20);
    const [agentId] = b.agents as [string];
    const c = await app.gql(CREATE_CAMPAIGN, { i: { name: 'Long talks', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', wrapUpSeconds: 120 } });
    const id = c.data.createCampaign.id as string;
    await app.scheduler.tick();
    const WRAP = `query($a: ID) { agentConsole(agentId: $a) { state activeCampaignId wrapUpEndsAt currentCall { legId status } } }`;
    // not on a call yet: refused, nothing asked
    const early = await app.gql(`mutation($a: ID) { endCurrentCall(agentId: $a) { state } }`, { a: agentId });
    expect(early.errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    sim.options.customer.answer = 1;
    sim.options.talk = { mean: 3600, cv: 0.01 }; // an hour: only the agent ends it
    try {
      await app.gql(START, { c: id, a: agentId });
      let on: { state: string; currentCall: { legId: string } | null } | undefined;
      for (let i = 0; i < 60 && on?.state !== 'ON_CALL'; i++) {
        await run(1_000);
        on = (await app.gql(WRAP, { a: agentId })).data.agentConsole;
      }
      expect(on!.state).toBe('ON_CALL');
      const legId = on!.currentCall!.legId;
      expect((await app.gql(`mutation($a: ID) { endCurrentCall(agentId: $a) { state } }`, { a: agentId })).errors).toBeUndefined();
      await run(2_000);
      const [leg] = await sql<{ status: string; ended_at: Date | null }>(app.databaseUrl, `select status, ended_at from call_leg where id = $1`, [legId]);
      expect(leg!.status).toBe('COMPLETED');
      const wrap = (await app.gql(WRAP, { a: agentId })).data.agentConsole;
      expect(wrap).toMatchObject({ state: 'WRAP_UP', activeCampaignId: id });
      // the countdown: wrap-up ends 120 s after the call did
      expect(new Date(wrap.wrapUpEndsAt).getTime() - new Date(leg!.ended_at!).getTime()).toBeGreaterThanOrEqual(119_000);
      expect(new Date(wrap.wrapUpEndsAt).getTime() - new Date(leg!.ended_at!).getTime()).toBeLessThanOrEqual(121_000);
      expect((await app.gql(`mutation($a: ID) { readyForNext(agentId: $a) { state } }`, { a: agentId })).errors).toBeUndefined();
      await run(2_000);
      const next = (await app.gql(WRAP, { a: agentId })).data.agentConsole;
      expect(['AVAILABLE', 'ON_CALL']).toContain(next.state); // free at once, and the next customer comes
      expect(next.wrapUpEndsAt).toBeNull();
      const [legs] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [id]);
      expect(Number(legs!.n)).toBe(2); // well before the 120 s wrap-up would have ended
      // the call list: customer calls or agent legs, each with its agent and direction (issue 16, problem 9)
      const LEGS = `query($id: ID!, $k: CallLegKind) { callLegs(campaignId: $id, kind: $k) { totalCount items { kind agentName direction } } }`;
      const customer = (await app.gql(LEGS, { id, k: 'CUSTOMER' })).data.callLegs;
      expect(customer.totalCount).toBe(2);
      expect(new Set(customer.items.map((l: { kind: string; direction: string }) => `${l.kind} ${l.direction}`))).toEqual(new Set(['CUSTOMER OUTBOUND']));
      const agentName = (await sql<{ name: string }>(app.databaseUrl, `select name from agent where id = $1`, [agentId]))[0]!.name;
      expect(customer.items.every((l: { agentName: string }) => l.agentName === agentName)).toBe(true);
      const agentLegs = (await app.gql(LEGS, { id, k: 'AGENT' })).data.callLegs;
      expect(agentLegs.totalCount).toBeGreaterThan(0);
      expect(agentLegs.items.every((l: { kind: string }) => l.kind === 'AGENT')).toBe(true);
      expect((await app.gql(LEGS, { id })).data.callLegs.totalCount).toBe(customer.totalCount + agentLegs.totalCount);
    } finally {
      sim.options.customer.answer = 0;
      sim.options.talk = { mean: 120, cv: 1 };
    }
  }, 60_000);
});
