import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { REDIS_URL } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  a = await startTestApp({ redisUrl: REDIS_URL });
  b = await startTestApp({ redisUrl: REDIS_URL, databaseUrl: a.databaseUrl });
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
});
