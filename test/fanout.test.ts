import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

/**
 * Wallboard fan-out (issue 19): a campaign's push is executed once per distinct operation and shared by every
 * subscriber of that operation. Sharing must never mix operations: each subscriber gets exactly its own selection,
 * of its own campaign, and one that leaves stops receiving while the others go on.
 */
const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { seed: 5, agentPickup: 1 } });
});
afterAll(() => app?.dispose());
const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const settle = () => new Promise((r) => setTimeout(r, 300));

type Live = { campaignLiveChanged: Record<string, unknown> };

describe('shared subscription pushes', () => {
  it('subscribers of the same operation get the same pushes; other selections, campaigns and roles get their own', async () => {
    const a = await seedBasics(app, 40);
    const b = await seedBasics(app, 40);
    const make = async (name: string, x: typeof a) => (await app.gql(CREATE_CAMPAIGN, { i: { name, dialMode: 'PROGRESSIVE', listId: x.listId, groupId: x.groupId, callerId: '+912240001234',
      wrapUpSeconds: 1, callingWindow: { start: '00:00', end: '23:59' } } })).data.createCampaign.id as string;
    const ca = await make('Fan A', a);
    const cb = await make('Fan B', b);
    await app.scheduler.tick();
    const supervisor = (await app.gql(`mutation { createUser(input: { name: "Sue", email: "sue@fan.io", role: SUPERVISOR }) { id } }`)).data.createUser.id as string;
    const DIALS = 'subscription($id: ID!) { campaignLiveChanged(campaignId: $id) { campaignId dialsToday updatedAt } }';
    const RINGING = 'subscription($id: ID!) { campaignLiveChanged(campaignId: $id) { campaignId callsRinging } }';
    const s1 = subscribe<Live>(app.ws(), DIALS, { id: ca });
    const s2 = subscribe<Live>(app.ws(), DIALS, { id: ca });
    const s3 = subscribe<Live>(app.ws(), RINGING, { id: ca });
    const s4 = subscribe<Live>(app.ws(), DIALS, { id: cb });
    const s5 = subscribe<Live>(app.ws(supervisor), DIALS, { id: ca });
    await s1.waitFor(() => true);
    for (const s of [s2, s3, s4, s5]) await s.waitFor(() => true);
    for (const x of [a, b]) for (const agent of x.agents) await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: x === a ? ca : cb, a: agent });
    for (let i = 0; i < 20; i++) {
      await run(1_000);
      await settle();
    }
    const n2 = s2.values.length;
    s2.unsubscribe();
    for (let i = 0; i < 5; i++) {
      await run(1_000);
      await settle();
    }
    for (const s of [s1, s2, s3, s4, s5]) expect(s.errors).toEqual([]);
    const pushes = (s: ReturnType<typeof subscribe<Live>>) => s.values.map((v) => v.campaignLiveChanged);
    expect(pushes(s1).length).toBeGreaterThan(10);
    expect(pushes(s1).at(-1)!.dialsToday).toBeGreaterThan(0);
    // the same operation: the same pushes, in the same order, up to the moment s2 left
    expect(pushes(s2)).toEqual(pushes(s1).slice(0, n2));
    expect(s2.values.length).toBe(n2); // nothing after it left
    expect(pushes(s1).length).toBeGreaterThan(n2); // while the others went on
    // another selection of the same campaign: its own fields only
    expect(pushes(s3).length).toBeGreaterThan(10);
    for (const p of pushes(s3)) expect(Object.keys(p).sort()).toEqual(['callsRinging', 'campaignId']);
    // another campaign: its own figures
    for (const p of pushes(s1)) expect(p.campaignId).toBe(ca);
    for (const p of pushes(s4)) expect(p.campaignId).toBe(cb);
    expect(pushes(s4).length).toBeGreaterThan(10);
    // another role, same organisation: the same figures, computed for it
    expect(pushes(s5).map((p) => p.updatedAt)).toEqual(pushes(s1).map((p) => p.updatedAt).slice(0, pushes(s5).length));
  }, 60_000);
});
