import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { REDIS_URL, sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const UPDATED = `subscription { campaignUpdated { id name status actions startsAt endsAt completedAt performance { completed failed scheduled } } }`;
type Updated = { campaignUpdated: { id: string; name: string; status: string; actions: string[]; startsAt: string; completedAt: string | null; performance: { failed: number; scheduled: number } } };

/** An administrator of a second organisation (its ids are NOT_FOUND to the first). */
async function otherOrganisationAdmin(app: TestApp): Promise<string> {
  const [org] = await sql<{ id: string }>(app.databaseUrl, `insert into organization (id, name, created_at) values (gen_random_uuid(), 'Other', now()) returning id`);
  const [user] = await sql<{ id: string }>(app.databaseUrl,
    `insert into app_user (id, organization_id, name, email, role, created_at) values (gen_random_uuid(), $1, 'Eve', 'eve@other', 'ADMIN', now()) returning id`, [org!.id]);
  return user!.id;
}

describe('campaignUpdated over graphql-ws (one instance)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ simulator: { agentPickup: 1 } });
  });
  afterAll(() => app?.dispose());

  it('pushes creation, the start at start time, pause, resume and completion with the campaign as the query returns it; not to another organisation', async () => {
    const b = await seedBasics(app, 4);
    const sub = subscribe<Updated>(app.ws(), UPDATED, {});
    const eve = await otherOrganisationAdmin(app);
    const foreign = subscribe<Updated>(app.ws(eve), UPDATED, {});
    // both subscriptions are registered once a query on the same sockets has answered
    await new Promise((r) => setTimeout(r, 300));

    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Evented', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign;
    const created = await sub.waitFor((v) => v.campaignUpdated.id === c.id && v.campaignUpdated.status === 'SCHEDULED');
    expect(created.campaignUpdated).toMatchObject({ name: 'Evented', actions: ['ARCHIVE'], performance: { scheduled: 4, failed: 0 }, startsAt: c.startsAt });

    await app.scheduler.tick(); // start time reached: SCHEDULED -> RUNNING by the clock
    expect((await sub.waitFor((v) => v.campaignUpdated.status === 'RUNNING')).campaignUpdated).toMatchObject({ id: c.id, actions: ['PAUSE'] });

    await app.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id: c.id });
    await app.gql(`mutation($id: ID!) { resumeCampaign(id: $id) { id } }`, { id: c.id });
    await app.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id: c.id });
    await app.gql(`mutation($id: ID!) { completeCampaign(id: $id) { id } }`, { id: c.id });
    const done = await sub.waitFor((v) => v.campaignUpdated.status === 'COMPLETED');
    expect(done.campaignUpdated).toMatchObject({ id: c.id, actions: ['ARCHIVE'], performance: { failed: 4, scheduled: 0 } });
    expect(done.campaignUpdated.completedAt).not.toBeNull();
    // every move, in order
    expect(sub.values.map((v) => v.campaignUpdated.status)).toEqual(['SCHEDULED', 'RUNNING', 'PAUSED', 'RUNNING', 'PAUSED', 'COMPLETED']);
    // the same object as the campaign query
    const q = (await app.gql(`query($id: ID!) { campaign(id: $id) { id name status actions startsAt endsAt completedAt performance { completed failed scheduled } } }`, { id: c.id })).data.campaign;
    expect(done.campaignUpdated).toEqual(q);

    await new Promise((r) => setTimeout(r, 300));
    expect(foreign.values).toHaveLength(0);
    expect(foreign.errors).toHaveLength(0);
    // the other organisation's subscriber is live: it gets its own organisation's campaigns, and ours do not see them
    const eb = await seedBasics(app, 1, eve);
    const ec = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Theirs', listId: eb.listId, groupId: eb.groupId, callerId: '+912240001234' } }, eve)).data.createCampaign;
    await foreign.waitFor((v) => v.campaignUpdated.id === ec.id);
    await new Promise((r) => setTimeout(r, 300));
    expect(sub.values.some((v) => v.campaignUpdated.id === ec.id)).toBe(false);
    sub.unsubscribe();
    foreign.unsubscribe();
  });

  it('pushes a completion at the end time (the clock, not a user)', async () => {
    const b = await seedBasics(app, 2);
    const now = Date.now();
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Short', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', startsAt: new Date(now).toISOString(), endsAt: new Date(now + 3 * 60_000).toISOString() } })).data.createCampaign;
    await app.scheduler.tick();
    const sub = subscribe<Updated>(app.ws(), UPDATED, {});
    await new Promise((r) => setTimeout(r, 300));
    await sql(app.databaseUrl, `update campaign set ends_at = now() - interval '1 second' where id = $1`, [c.id]);
    await app.scheduler.tick();
    const done = await sub.waitFor((v) => v.campaignUpdated.id === c.id && v.campaignUpdated.status === 'COMPLETED');
    expect(done.campaignUpdated.performance).toMatchObject({ failed: 2, scheduled: 0 });
    sub.unsubscribe();
  });
});

describe('campaignUpdated across instances (Redis)', () => {
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

  it('a move on instance A reaches a subscriber on instance B, and not another organisation\'s subscriber', async () => {
    expect([a.pubsubKind, b.pubsubKind]).toEqual(['redis', 'redis']);
    const basics = await seedBasics(a, 3);
    const sub = subscribe<Updated>(b.ws(), UPDATED, {});
    const foreign = subscribe<Updated>(b.ws(await otherOrganisationAdmin(a)), UPDATED, {});
    await new Promise((r) => setTimeout(r, 500));
    const c = (await a.gql(CREATE_CAMPAIGN, { i: { name: 'Across', listId: basics.listId, groupId: basics.groupId, callerId: '+912240001234' } })).data.createCampaign;
    await sub.waitFor((v) => v.campaignUpdated.id === c.id && v.campaignUpdated.status === 'SCHEDULED');
    await a.scheduler.tick();
    await a.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id: c.id });
    const paused = await sub.waitFor((v) => v.campaignUpdated.id === c.id && v.campaignUpdated.status === 'PAUSED', 2000);
    expect(paused.campaignUpdated.actions).toEqual(['RESUME', 'COMPLETE']);
    await new Promise((r) => setTimeout(r, 300));
    expect(foreign.values).toHaveLength(0);
    sub.unsubscribe();
    foreign.unsubscribe();
  });
});
