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

describe('operation guards over graphql-ws', () => {
  const errorsOf = async (query: string, variables: Record<string, unknown> = {}) => {
    const sub = subscribe<unknown>(app.ws(), query, variables);
    await expect.poll(() => sub.errors.length, { timeout: 3000 }).toBeGreaterThan(0);
    expect(sub.values).toHaveLength(0);
    return JSON.stringify(sub.errors);
  };

  it('refuses bad syntax, unknown fields, too many aliases and too long a query, the same way each time (parsed and validated once per text)', async () => {
    for (let round = 0; round < 2; round++) {
      expect(await errorsOf('subscription { campaignStatsChanged(campaignId: "x") { total ')).toContain('Syntax Error');
      expect(await errorsOf('subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { total nonsense } }', { id: 'x' })).toContain('Cannot query field');
      const aliases = Array.from({ length: 20 }, (_, i) => `a${i}: total`).join(' ');
      expect(await errorsOf(`subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { ${aliases} } }`, { id: 'x' })).toContain('QUERY_TOO_COMPLEX');
      const long = `subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { total ${'__typename '.repeat(2_000)} } }`;
      expect(await errorsOf(long, { id: 'x' })).toMatch(/Query is \d+ characters; the limit is 20000.*QUERY_TOO_COMPLEX/);
    }
  });

  it('a valid subscription on a socket that was refused an invalid one still works', async () => {
    const b = await seedBasics(app, 3);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Guarded', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign;
    const client = app.ws();
    const bad = subscribe<unknown>(client, 'subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { nope } }', { id: c.id });
    await expect.poll(() => bad.errors.length, { timeout: 3000 }).toBeGreaterThan(0);
    const good = subscribe<Stats>(client, STATS, { id: c.id });
    expect((await good.waitFor(() => true)).campaignStatsChanged).toMatchObject({ scheduled: 3, total: 3 });
    good.unsubscribe();
  });
});
