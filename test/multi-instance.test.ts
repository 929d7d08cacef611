import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScaledClock } from '../server/src/clock.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { REDIS_URL, sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

let a: TestApp;
let b: TestApp;
// one clock twenty times faster than the wall, shared: the two instances agree on the time as two real ones do
const clock = new ScaledClock(20);
beforeAll(async () => {
  a = await startTestApp({ redisUrl: REDIS_URL, clock, simulator: { agentPickup: 1 } });
  b = await startTestApp({ redisUrl: REDIS_URL, databaseUrl: a.databaseUrl, clock, simulator: { agentPickup: 1 } });
});
afterAll(async () => {
  await b?.dispose();
  await a?.dispose();
});

describe('two server instances on one PostgreSQL and one Redis', () => {
  it('a mutation on instance A reaches a subscriber on instance B', async () => {
    expect([a.pubsubKind, b.pubsubKind]).toEqual(['redis', 'redis']);
    expect(a.port).not.toBe(b.port);
    const basics = await seedBasics(a, 5);
    const c = (await a.gql(CREATE_CAMPAIGN, { i: { name: 'Shared', listId: basics.listId, groupId: basics.groupId, callerId: '+912240001234' } })).data.createCampaign;
    await a.scheduler.tick();
    const sub = subscribe<{ campaignStatsChanged: { failedNoAttempt: number; scheduled: number } }>(
      b.ws(),
      `subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { failedNoAttempt scheduled } }`,
      { id: c.id },
    );
    expect((await sub.waitFor(() => true)).campaignStatsChanged).toEqual({ failedNoAttempt: 0, scheduled: 5 });
    await a.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id: c.id });
    const t0 = performance.now();
    await a.gql(`mutation($id: ID!) { completeCampaign(id: $id) { id } }`, { id: c.id });
    const pushed = await sub.waitFor((v) => v.campaignStatsChanged.failedNoAttempt === 5, 2000);
    expect(pushed.campaignStatsChanged).toEqual({ failedNoAttempt: 5, scheduled: 0 });
    expect(performance.now() - t0).toBeLessThan(1000);
    sub.unsubscribe();
  });

  it('only one instance dials a campaign (Redis lease), whichever instance took the agent\'s Start', async () => {
    const basics = await seedBasics(a, 40);
    const c = (await a.gql(CREATE_CAMPAIGN, { i: { name: 'Leased', dialMode: 'PROGRESSIVE', listId: basics.listId, groupId: basics.groupId, callerId: '+912240001234', wrapUpSeconds: 1, callingWindow: { start: '00:00', end: '23:59' } } })).data.createCampaign;
    await a.scheduler.tick();
    await b.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: c.id, a: basics.agents[0] });
    await a.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: c.id, a: basics.agents[1] });
    const deadline = Date.now() + 30_000;
    let legs: { instance_id: string }[] = [];
    while (Date.now() < deadline) {
      legs = await sql<{ instance_id: string }>(a.databaseUrl, `select instance_id from call_leg where campaign_id = $1`, [c.id]);
      if (legs.filter((l) => l).length >= 12) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(legs.length).toBeGreaterThanOrEqual(12);
    expect(new Set(legs.map((l) => l.instance_id)).size).toBe(1);
    for (const agentId of basics.agents) await a.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: agentId });
  });
});
