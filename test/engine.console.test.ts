import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  // every call is answered by a person, every agent picks up: the console flow is deterministic
  app = await startTestApp({ clock, simulator: { seed: 9, agentPickup: 1, customer: { busy: 0, failed: 0, answer: 1, machine: 0 } } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const CONSOLE = `query { agentConsole { state activeCampaignId campaigns { id canStart cannotStartReason }
  currentCall { legId numberId status number contactName fields { key value } popupUrl rescheduleCustomerCall disposition } } }`;
type Console = { state: string; activeCampaignId: string | null; campaigns: { id: string; canStart: boolean; cannotStartReason: string | null }[]; currentCall: null | { legId: string; numberId: string; status: string; number: string; contactName: string; fields: { key: string; value: string }[]; popupUrl: string | null; rescheduleCustomerCall: boolean; disposition: string | null } };
const numberState = async (id: string) => (await sql<{ state: string; reason: string | null }>(app.databaseUrl, `select state, reason from campaign_number where id = $1`, [id]))[0];

async function until(user: string, pred: (c: Console) => boolean, maxMs = 300_000): Promise<Console> {
  for (let t = 0; t < maxMs; t += 1000) {
    const c = (await app.gql(CONSOLE, {}, user)).data.agentConsole as Console;
    if (pred(c)) return c;
    await run(1000);
  }
  throw new Error('condition not reached');
}

describe('agent console over the API', () => {
  it('shows the live callee and popup, takes flow variables during and right after the call, pauses and resumes', async () => {
    const b = await seedBasics(app, 12);
    const user = (await app.gql(`mutation { createUser(input: { name: "Asha", email: "asha@floor.io", role: AGENT }) { id } }`)).data.createUser.id;
    const agent = (await app.gql(`mutation($u: ID!) { createAgent(input: { name: "Asha", phone: "+919700001111", userId: $u }) { id } }`, { u: user })).data.createAgent.id;
    await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, addAgentIds: $a) { memberCount } }`, { g: b.groupId, a: [agent] });
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Console', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 20,
      attemptPolicy: { retries: 1, retryIntervalMinutes: 30 }, webhooks: { popupUrl: 'https://crm.example.com/pop?n={number}&order={order_id}' } } })).data.createCampaign;
    await app.scheduler.tick();

    const live = subscribe<{ campaignLiveChanged: { dialsToday: number; callsConnected: number; agents: { onCall: number } } }>(
      app.ws(user), `subscription($id: ID!) { campaignLiveChanged(campaignId: $id) { dialsToday callsConnected agents { onCall } } }`, { id: c.id });

    const before = (await app.gql(CONSOLE, {}, user)).data.agentConsole as Console;
    expect(before.campaigns.find((x: { id: string }) => x.id === c.id)).toMatchObject({ canStart: true, cannotStartReason: null });
    const start = await app.gql(`mutation($c: ID!) { startDialling(campaignId: $c) { activeCampaignId } }`, { c: c.id }, user);
    expect(start.data.startDialling.activeCampaignId).toBe(c.id);

    // 1. the callee is on screen while the call is up
    const onCall = await until(user, (x) => x.currentCall?.status === 'ANSWERED');
    const call = onCall.currentCall!;
    expect(onCall.state).toBe('ON_CALL');
    expect(call.contactName).toMatch(/^Customer \d+$/);
    const order = call.fields.find((f) => f.key === 'order_id')!.value;
    expect(call.popupUrl).toBe(`https://crm.example.com/pop?n=${encodeURIComponent(call.number)}&order=${order}`);

    // 2. another agent may not touch this call
    const otherUser = (await app.gql(`mutation { createUser(input: { name: "Bo", email: "bo@floor.io", role: AGENT }) { id } }`)).data.createUser.id;
    await app.gql(`mutation($u: ID!) { createAgent(input: { name: "Bo", phone: "+919700002222", userId: $u }) { id } }`, { u: otherUser });
    const denied = await app.gql(`mutation($n: ID!) { setFlowVariables(numberId: $n, input: { rescheduleCustomerCall: true }) { legId } }`, { n: call.numberId }, otherUser);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // 3. during the call: OTP not given -> reschedule the customer
    // agent attempts exist only in agent-first flows: a progressive call refuses the agent variable and changes nothing
    const agentVar = await app.gql(`mutation($n: ID!) { setFlowVariables(numberId: $n, input: { rescheduleAgentCall: true, disposition: "X" }) { legId } }`, { n: call.numberId }, user);
    expect(agentVar.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.rescheduleAgentCall' });
    const set = await app.gql(`mutation($n: ID!) { setFlowVariables(numberId: $n, input: { rescheduleCustomerCall: true, disposition: "OTP_NOT_GIVEN" }) { rescheduleCustomerCall disposition } }`, { n: call.numberId }, user);
    expect(set.data.setFlowVariables).toEqual({ rescheduleCustomerCall: true, disposition: 'OTP_NOT_GIVEN' });
    await until(user, (x) => x.state === 'WRAP_UP');
    expect(await numberState(call.numberId)).toEqual({ state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED' });

    // 4. right after the next call (in wrap-up): a completed record can still be rescheduled
    const second = (await until(user, (x) => x.currentCall?.status === 'ANSWERED' && x.currentCall.numberId !== call.numberId)).currentCall!;
    await until(user, (x) => x.state === 'WRAP_UP');
    expect((await numberState(second.numberId))!.state).toBe('COMPLETED');
    const late = await app.gql(`mutation($n: ID!) { setFlowVariables(numberId: $n, input: { rescheduleCustomerCall: true }) { numberId } }`, { n: second.numberId }, user);
    expect(late.errors).toBeUndefined();
    expect(await numberState(second.numberId)).toEqual({ state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED' });

    // 5. pause: applies when free, no new calls while paused; resume dials again
    await app.gql(`mutation { setAgentPaused(paused: true) { state } }`, {}, user);
    await until(user, (x) => x.state === 'PAUSED');
    const [legsAtPause] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where agent_id = $1 and kind = 'CUSTOMER'`, [agent]);
    await run(5 * 60_000);
    const [legsLater] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where agent_id = $1 and kind = 'CUSTOMER'`, [agent]);
    expect(legsLater!.n).toBe(legsAtPause!.n);
    await app.gql(`mutation { setAgentPaused(paused: false) { state } }`, {}, user);
    await until(user, (x) => x.state === 'ON_CALL' || x.currentCall?.status === 'RINGING');

    // 6. the call list: search by number, filter by status, sort by date
    const legs = await app.gql(`query($c: ID!, $s: String) { callLegs(campaignId: $c, search: $s, status: [COMPLETED], sortDirection: "ASC") { totalCount items { number status createdAt contactName recordingUrl durationSec } } }`, { c: c.id, s: call.number.slice(-6) });
    expect(legs.errors).toBeUndefined();
    const items = legs.data.callLegs.items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((l: { number: string; status: string }) => l.number === call.number && l.status === 'COMPLETED')).toBe(true);
    expect(items[0].recordingUrl).toMatch(/^sim:\/\/recordings\//);
    expect(items[0].durationSec).toBeGreaterThan(0);

    // 7. the wallboard subscription moved with all of this
    await live.waitFor((v) => v.campaignLiveChanged.dialsToday >= 3);
    expect(live.values.some((v) => v.campaignLiveChanged.agents.onCall === 1)).toBe(true);
    live.unsubscribe();
    await app.gql(`mutation { stopDialling { activeCampaignId } }`, {}, user);
    await run(30_000);
  }, 240_000);
});
