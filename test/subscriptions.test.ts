import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const STATS = `subscription($id: ID!) { campaignStatsChanged(campaignId: $id) {
  campaignId scheduled failedNoAttempt total rollup { completed failed scheduled } updatedAt } }`;
type Stats = { campaignStatsChanged: { scheduled: number; failedNoAttempt: number; total: number; rollup: { failed: number } } };

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => app?.dispose());

describe('campaignStatsChanged over graphql-ws', () => {
  it('sends the current counts at once, then pushes a committed change in well under a second', async () => {
    const b = await seedBasics(app, 8);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Live', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign;
    await app.scheduler.tick(); // start time reached -> RUNNING
    const sub = subscribe<Stats>(app.ws(), STATS, { id: c.id });
    const first = await sub.waitFor(() => true);
    expect(first.campaignStatsChanged).toMatchObject({ scheduled: 8, failedNoAttempt: 0, total: 8 });

    await app.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { status } }`, { id: c.id });
    const t0 = performance.now();
    const done = await app.gql(`mutation($id: ID!) { completeCampaign(id: $id) { status } }`, { id: c.id });
    expect(done.data.completeCampaign.status).toBe('COMPLETED');
    const pushed = await sub.waitFor((v) => v.campaignStatsChanged.failedNoAttempt === 8, 1000);
    const latency = performance.now() - t0;
    expect(pushed.campaignStatsChanged).toMatchObject({ scheduled: 0, failedNoAttempt: 8, total: 8, rollup: { failed: 8 } });
    expect(latency).toBeLessThan(1000);
    sub.unsubscribe();
  });

  it('refuses a subscription to an unknown or foreign campaign with NOT_FOUND', async () => {
    const sub = subscribe<Stats>(app.ws(), STATS, { id: '00000000-0000-4000-8000-000000000000' });
    await expect.poll(() => sub.errors.length, { timeout: 3000 }).toBeGreaterThan(0);
    expect(JSON.stringify(sub.errors)).toContain('NOT_FOUND');
    expect(sub.values).toHaveLength(0);
  });

  it('refuses a connection without a session token', async () => {
    const client = app.ws(null);
    const sub = subscribe<Stats>(client, STATS, { id: '00000000-0000-4000-8000-000000000000' });
    await expect.poll(() => sub.errors.length, { timeout: 3000 }).toBeGreaterThan(0);
    expect(JSON.stringify(sub.errors)).toMatch(/4403|Forbidden/);
  });
});
