import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T05:00:00Z');
const clock = new ManualClock(NOW);
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 4, agentPickup: 1, customer: { busy: 0, failed: 0, answer: 0, machine: 0 } } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const START = `mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`;
type Entry = { agentId: string; name: string; state: string; stateChangedAt: string; campaignName: string | null };

describe('the wallboard agent panel (issue 16, problem 5)', () => {
  it('lists every agent with state, time in state and campaign, longest first, live; a campaign counts agents busy elsewhere apart from offline ones', async () => {
    const b = await seedBasics(app, 10);
    const [first, second] = b.agents as [string, string];
    const mk = async (name: string) => (await app.gql(CREATE_CAMPAIGN, { i: { name, listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', callingWindow: { start: '00:00', end: '00:01' } } })).data.createCampaign.id as string;
    const one = await mk('Board one');
    const two = await mk('Board two');
    await app.scheduler.tick();
    const board = subscribe<{ agentBoardChanged: Entry[] }>(app.ws(), `subscription { agentBoardChanged { agentId name state stateChangedAt campaignName } }`, {});
    await board.waitFor(() => true);
    await app.gql(START, { c: one, a: first });
    await run(15_000);
    await app.gql(START, { c: two, a: second });
    await run(15_000);
    const v = await board.waitFor((x) => x.agentBoardChanged.filter((e) => e.state === 'AVAILABLE').length === 2);
    const mine = v.agentBoardChanged.filter((e) => e.agentId === first || e.agentId === second);
    expect(mine.map((e) => [e.agentId, e.state, e.campaignName])).toEqual([[first, 'AVAILABLE', 'Board one'], [second, 'AVAILABLE', 'Board two']]); // longest in state first
    const times = v.agentBoardChanged.map((e) => Date.parse(e.stateChangedAt));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    // the same as a query, and refused to agents
    expect((await app.gql(`{ agentBoard { agentId } }`)).data.agentBoard.length).toBe(v.agentBoardChanged.length);
    // campaign one: its own agent is available, the other is busy elsewhere (not "offline")
    const live = (await app.gql(`query($id: ID!) { campaignLive(campaignId: $id) { agents { available offline elsewhere } } }`, { id: one })).data.campaignLive.agents;
    expect(live).toEqual({ available: 1, offline: 0, elsewhere: 1 });
  }, 60_000);
});
