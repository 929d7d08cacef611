import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 4, agentPickup: 1, customer: { busy: 0, failed: 0, answer: 1, machine: 0 } } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const SUB = `subscription($a: ID) { agentConsoleChanged(agentId: $a) { agentId state activeCampaignId currentCall { numberId status contactName } followups { numberId } } }`;
type Pushed = { agentConsoleChanged: { agentId: string; state: string; activeCampaignId: string | null; currentCall: null | { numberId: string; status: string; contactName: string }; followups: { numberId: string }[] } };

describe('agentConsoleChanged', () => {
  it('pushes the console at once and on every change: start, ringing, the callee, wrap-up, a followup, stop; never another agent\'s', async () => {
    const b = await seedBasics(app, 6);
    const user = (await app.gql(`mutation { createUser(input: { name: "Ravi", email: "ravi@floor.io", role: AGENT }) { id } }`)).data.createUser.id;
    const agent = (await app.gql(`mutation($u: ID!) { createAgent(input: { name: "Ravi", phone: "+919700003333", userId: $u }) { id } }`, { u: user })).data.createAgent.id;
    await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, addAgentIds: $a) { memberCount } }`, { g: b.groupId, a: [agent] });
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Live console', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 30 } })).data.createCampaign;
    await app.scheduler.tick();

    const sub = subscribe<Pushed>(app.ws(user), SUB, {});
    const first = await sub.waitFor(() => true);
    expect(first.agentConsoleChanged).toMatchObject({ agentId: agent, state: 'OFFLINE', activeCampaignId: null, currentCall: null });

    await app.gql(`mutation($c: ID!) { startDialling(campaignId: $c) { state } }`, { c: c.id }, user);
    await sub.waitFor((v) => v.agentConsoleChanged.activeCampaignId === c.id);
    await run(2000);
    await sub.waitFor((v) => v.agentConsoleChanged.state === 'RINGING');
    let answered: Pushed | undefined;
    for (let i = 0; i < 120 && !answered; i++) {
      await run(1000);
      answered = sub.values.find((v) => v.agentConsoleChanged.currentCall?.status === 'ANSWERED' && v.agentConsoleChanged.state === 'ON_CALL');
    }
    expect(answered!.agentConsoleChanged.currentCall!.contactName).toMatch(/^Customer \d+$/);
    const numberId = answered!.agentConsoleChanged.currentCall!.numberId;
    for (let i = 0; i < 600 && !sub.values.some((v) => v.agentConsoleChanged.state === 'WRAP_UP'); i++) await run(1000);
    expect(sub.values.some((v) => v.agentConsoleChanged.state === 'WRAP_UP')).toBe(true);

    // a followup booked in wrap-up shows in the pushed queue
    const f = await app.gql(`mutation($n: ID!) { scheduleFollowup(input: { numberId: $n, date: "2026-11-24", time: "10:00", timeZone: "Asia/Kolkata" }) { numberId } }`, { n: numberId }, user);
    expect(f.errors).toBeUndefined();
    await sub.waitFor((v) => v.agentConsoleChanged.followups.some((x) => x.numberId === numberId));

    await app.gql(`mutation { stopDialling { state } }`, {}, user);
    await sub.waitFor((v) => v.agentConsoleChanged.activeCampaignId === null && v.agentConsoleChanged.state === 'OFFLINE', 10_000).catch(async () => {
      await run(2000);
      return sub.waitFor((v) => v.agentConsoleChanged.activeCampaignId === null);
    });
    // no two consecutive pushes are the same console
    for (let i = 1; i < sub.values.length; i++) expect(sub.values[i]).not.toEqual(sub.values[i - 1]);
    sub.unsubscribe();

    // another agent may not watch this console
    const other = (await app.gql(`mutation { createUser(input: { name: "Bo", email: "bo2@floor.io", role: AGENT }) { id } }`)).data.createUser.id;
    await app.gql(`mutation($u: ID!) { createAgent(input: { name: "Bo", phone: "+919700004444", userId: $u }) { id } }`, { u: other });
    const spy = subscribe<Pushed>(app.ws(other), SUB, { a: agent });
    await expect.poll(() => spy.errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(spy.errors)).toContain('FORBIDDEN');
    expect(spy.values).toHaveLength(0);
  });
});
