import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
let app: TestApp;
let basics: Awaited<ReturnType<typeof seedBasics>>;
const clock = new ManualClock(NOW);

beforeAll(async () => {
  app = await startTestApp({ clock });
  basics = await seedBasics(app, 6);
});
afterAll(() => app?.dispose());

function input(over: Record<string, unknown> = {}) {
  return { name: 'Renewals', listId: basics.listId, groupId: basics.groupId, callerId: '+912240001234', ...over };
}
async function countRows(table: string) {
  const [r] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from ${table}`);
  return Number(r!.n);
}

describe('createCampaign', () => {
  it('applies the seed 004 defaults: start now, end +30 days, window 09:00-21:00, no retries', async () => {
    const r = await app.gql(CREATE_CAMPAIGN, { i: input() });
    expect(r.errors).toBeUndefined();
    const c = r.data.createCampaign;
    expect(c.status).toBe('SCHEDULED');
    expect(new Date(c.startsAt).getTime()).toBe(NOW.getTime());
    expect(new Date(c.endsAt).getTime() - NOW.getTime()).toBe(30 * DAY);
    expect(c.callingWindow).toEqual({ start: '09:00', end: '21:00' });
    expect(c.attemptPolicy).toMatchObject({ retries: 0, retryOn: ['BUSY', 'NO_ANSWER', 'FAILED'], agentMaxAttempts: 3 });
    expect(c.performance).toEqual({ completed: 0, failed: 0, scheduled: 6 });
    expect(c.actions).toEqual(['ARCHIVE']);
  });

  it('snapshots the list: later list edits do not change the campaign', async () => {
    const c = (await app.gql(CREATE_CAMPAIGN, { i: input({ name: 'Snapshot' }) })).data.createCampaign;
    const added = await app.gql(`mutation($i: CreateContactInput!) { createContact(input: $i) { id } }`, {
      i: { name: 'Late', phones: ['+919876500001'], listIds: [basics.listId] },
    });
    expect(added.errors).toBeUndefined();
    const list = await app.gql(`query($id: ID!) { contactList(id: $id) { contactCount } }`, { id: basics.listId });
    expect(list.data.contactList.contactCount).toBe(7);
    const stats = await app.gql(`query($id: ID!) { campaignStats(campaignId: $id) { total scheduled } }`, { id: c.id });
    expect(stats.data.campaignStats).toEqual({ total: 6, scheduled: 6 });
    await app.gql(`mutation($l: ID!, $c: [ID!]!) { removeContactsFromList(listId: $l, contactIds: $c) { contactCount } }`, {
      l: basics.listId,
      c: [added.data.createContact.id],
    });
  });

  it('accepts a missed-call retry schedule and derives the retries from it', async () => {
    const r = await app.gql(CREATE_CAMPAIGN, { i: input({ name: 'Missed calls', infinite: true, attemptPolicy: { retrySchedule: [5, 15, 60] } }) });
    expect(r.errors).toBeUndefined();
    expect(r.data.createCampaign).toMatchObject({ infinite: true, endsAt: null, attemptPolicy: { retries: 2, retrySchedule: [5, 15, 60] } });
  });

  const bad: [string, Record<string, unknown>, string, string][] = [
    ['end before start', { startsAt: new Date(NOW.getTime() + DAY).toISOString(), endsAt: NOW.toISOString() }, 'BAD_USER_INPUT', 'at least 2 minutes'],
    ['end 1 minute after start', { endsAt: new Date(NOW.getTime() + 60_000).toISOString() }, 'BAD_USER_INPUT', 'at least 2 minutes'],
    ['end more than 30 days after start', { endsAt: new Date(NOW.getTime() + 30 * DAY + 60_000).toISOString() }, 'BAD_USER_INPUT', 'at most 30 days'],
    ['start in the past', { startsAt: new Date(NOW.getTime() - 3_600_000).toISOString() }, 'BAD_USER_INPUT', 'in the past'],
    ['retries 4', { attemptPolicy: { retries: 4 } }, 'BAD_USER_INPUT', 'between 0 and 3'],
    ['retries -1', { attemptPolicy: { retries: -1 } }, 'BAD_USER_INPUT', 'between 0 and 3'],
    ['unknown list', { listId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND', 'contact list'],
    ['list id that is not an id', { listId: 'nope' }, 'BAD_USER_INPUT', 'not an id'],
    ['unknown group', { groupId: '00000000-0000-4000-8000-000000000001' }, 'NOT_FOUND', 'agent group'],
    ['malformed caller id', { callerId: '12ab' }, 'BAD_USER_INPUT', 'callerId'],
    ['window end before start', { callingWindow: { start: '18:00', end: '09:00' } }, 'BAD_USER_INPUT', 'after callingWindow.start'],
    ['window not HH:MM', { callingWindow: { start: '9am', end: '21:00' } }, 'BAD_USER_INPUT', 'HH:MM'],
    ['abandon cap over 3%', { abandonRateCap: 0.05 }, 'BAD_USER_INPUT', ''],
    ['schedule not ascending', { attemptPolicy: { retrySchedule: [15, 5] } }, 'BAD_USER_INPUT', 'ascending'],
    ['webhook not a URL', { webhooks: { popupUrl: 'javascript:alert(1)' } }, 'BAD_USER_INPUT', ''],
    // issue 17: URLs the server fetches may not point inside the network (SSRF) or carry credentials
    ['call-completed URL at the cloud metadata address', { webhooks: { callCompletedUrl: 'http://169.254.169.254/latest/meta-data/' } }, 'BAD_USER_INPUT', 'unsafe URL: 169.254.169.254 is not a public address'],
    ['dial-whom URL on a private network', { webhooks: { dialWhomUrl: 'http://10.0.0.7/numbers' } }, 'BAD_USER_INPUT', 'input.webhooks.dialWhomUrl: unsafe URL'],
    ['get-contacts URL on loopback (IPv6)', { webhooks: { getContactsUrl: 'http://[::1]:8080/contacts' } }, 'BAD_USER_INPUT', 'unsafe URL'],
    ['no-answer URL with a password in it', { webhooks: { callNoAnswerUrl: 'https://user:secret@hooks.example.com/na' } }, 'BAD_USER_INPUT', 'user name or password'],
    ['infinite with an end', { infinite: true, endsAt: new Date(NOW.getTime() + DAY).toISOString() }, 'BAD_USER_INPUT', 'infinite'],
    ['no list, not infinite', { listId: null }, 'BAD_USER_INPUT', 'listId is required'],
    ['ring timeout 10 s (regulators require 15 s)', { ringTimeoutSeconds: 10 }, 'BAD_USER_INPUT', ''],
    ['ring timeout 14 s', { ringTimeoutSeconds: 14 }, 'BAD_USER_INPUT', ''],
  ];
  it.each(bad)('refuses %s with a coded error and creates nothing', async (_name, over, code, text) => {
    const [campaigns, numbers] = [await countRows('campaign'), await countRows('campaign_number')];
    const r = await app.gql(CREATE_CAMPAIGN, { i: input(over) });
    expect(r.data).toBeNull();
    expect(r.errors?.[0]?.extensions?.code).toBe(code);
    expect(r.errors?.[0]?.message).toContain(text);
    expect([await countRows('campaign'), await countRows('campaign_number')]).toEqual([campaigns, numbers]);
  });
});

describe('lifecycle', () => {
  const MOVE = (m: string) => `mutation($id: ID!) { ${m}(id: $id) { status actions performance { completed failed scheduled } } }`;

  it('SCHEDULED -> RUNNING at the start time, pause, resume, pause, complete (FAILED_NO_ATTEMPT), archive', async () => {
    const c = (await app.gql(CREATE_CAMPAIGN, { i: input({ name: 'Lifecycle', startsAt: new Date(NOW.getTime() + 60_000).toISOString() }) })).data.createCampaign;
    expect((await app.gql(MOVE('pauseCampaign'), { id: c.id })).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    await app.scheduler.tick();
    expect((await app.gql(`query($id: ID!) { campaign(id: $id) { status } }`, { id: c.id })).data.campaign.status).toBe('SCHEDULED');
    clock.advance(60_000);
    await app.scheduler.tick();
    clock.set(NOW);
    expect((await app.gql(`query($id: ID!) { campaign(id: $id) { status actions } }`, { id: c.id })).data.campaign).toEqual({ status: 'RUNNING', actions: ['PAUSE'] });
    // complete only from PAUSED
    const early = await app.gql(MOVE('completeCampaign'), { id: c.id });
    expect(early.errors?.[0]).toMatchObject({ extensions: { code: 'ILLEGAL_TRANSITION', from: 'RUNNING', to: 'COMPLETED' } });
    expect((await app.gql(MOVE('pauseCampaign'), { id: c.id })).data.pauseCampaign.status).toBe('PAUSED');
    expect((await app.gql(MOVE('resumeCampaign'), { id: c.id })).data.resumeCampaign.status).toBe('RUNNING');
    expect((await app.gql(MOVE('archiveCampaign'), { id: c.id })).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect((await app.gql(MOVE('pauseCampaign'), { id: c.id })).data.pauseCampaign.actions).toEqual(['RESUME', 'COMPLETE']);
    const done = await app.gql(MOVE('completeCampaign'), { id: c.id });
    expect(done.data.completeCampaign).toEqual({ status: 'COMPLETED', actions: ['ARCHIVE'], performance: { completed: 0, failed: 6, scheduled: 0 } });
    const stats = await app.gql(`query($id: ID!) { campaignStats(campaignId: $id) { failedNoAttempt scheduled byReason { state reason count } } }`, { id: c.id });
    expect(stats.data.campaignStats).toEqual({ failedNoAttempt: 6, scheduled: 0, byReason: [{ state: 'FAILED_NO_ATTEMPT', reason: 'CAMPAIGN_COMPLETED', count: 6 }] });
    expect((await app.gql(MOVE('resumeCampaign'), { id: c.id })).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect((await app.gql(MOVE('archiveCampaign'), { id: c.id })).data.archiveCampaign.status).toBe('ARCHIVED');
    expect((await app.gql(MOVE('archiveCampaign'), { id: c.id })).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
  });

  it('completes a campaign automatically at its end time', async () => {
    const c = (await app.gql(CREATE_CAMPAIGN, { i: input({ name: 'Short', endsAt: new Date(NOW.getTime() + 5 * 60_000).toISOString() }) })).data.createCampaign;
    await app.scheduler.tick();
    clock.advance(5 * 60_000);
    await app.scheduler.tick();
    clock.set(NOW);
    const r = await app.gql(`query($id: ID!) { campaign(id: $id) { status performance { failed scheduled } } }`, { id: c.id });
    expect(r.data.campaign).toEqual({ status: 'COMPLETED', performance: { failed: 6, scheduled: 0 } });
  });

  it('archives a SCHEDULED campaign; unknown ids answer NOT_FOUND', async () => {
    const c = (await app.gql(CREATE_CAMPAIGN, { i: input({ name: 'Never ran', startsAt: new Date(NOW.getTime() + DAY).toISOString() }) })).data.createCampaign;
    expect((await app.gql(MOVE('archiveCampaign'), { id: c.id })).data.archiveCampaign.status).toBe('ARCHIVED');
    for (const id of ['00000000-0000-4000-8000-00000000abcd', 'not-a-uuid']) {
      expect((await app.gql(MOVE('pauseCampaign'), { id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });
});

describe('campaigns query', () => {
  it('filters by status, searches by name (3+ characters), sorts and pages', async () => {
    for (const name of ['Alpha sales', 'Beta sales', 'Gamma support']) await app.gql(CREATE_CAMPAIGN, { i: input({ name }) });
    const q = `query($s: String, $st: [CampaignStatus!], $by: CampaignSortField, $d: SortDirection, $l: Int, $o: Int) {
      campaigns(search: $s, status: $st, sortBy: $by, sortDirection: $d, limit: $l, offset: $o) { totalCount items { name status } } }`;
    const search = await app.gql(q, { s: 'sales', by: 'NAME', d: 'ASC' });
    expect(search.data.campaigns.items.map((c: { name: string }) => c.name)).toEqual(['Alpha sales', 'Beta sales']);
    expect((await app.gql(q, { s: 'sa' })).errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' }, message: expect.stringContaining('3 characters') });
    const archived = await app.gql(q, { st: ['ARCHIVED'] });
    expect(archived.data.campaigns.items.every((c: { status: string }) => c.status === 'ARCHIVED')).toBe(true);
    expect(archived.data.campaigns.totalCount).toBeGreaterThan(0);
    const all = await app.gql(q, { by: 'NAME', d: 'DESC', l: 2, o: 0 });
    const next = await app.gql(q, { by: 'NAME', d: 'DESC', l: 2, o: 2 });
    expect(all.data.campaigns.items).toHaveLength(2);
    const names = [...all.data.campaigns.items, ...next.data.campaigns.items].map((c: { name: string }) => c.name);
    expect(names).toEqual([...names].sort().reverse());
    expect((await app.gql(q, { l: 1000 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await app.gql(q, { l: 0 })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('tenancy and roles', () => {
  it('another organisation cannot see or touch a campaign; an agent may not create one', async () => {
    const c = (await app.gql(CREATE_CAMPAIGN, { i: input({ name: 'Private' }) })).data.createCampaign;
    const [org] = await sql<{ id: string }>(app.databaseUrl, `insert into organization (id, name, created_at) values (gen_random_uuid(), 'Other', now()) returning id`);
    const [other] = await sql<{ id: string }>(app.databaseUrl, `insert into app_user (id, organization_id, name, email, role, created_at) values (gen_random_uuid(), $1, 'Eve', 'eve@other', 'ADMIN', now()) returning id`, [org!.id]);
    const seen = await app.gql(`query($id: ID!) { campaign(id: $id) { id } }`, { id: c.id }, other!.id);
    expect(seen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(`query { campaigns { totalCount } }`, {}, other!.id)).data.campaigns.totalCount).toBe(0);
    expect((await app.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id: c.id }, other!.id)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const stats = await app.gql(`query($id: ID!) { campaignStats(campaignId: $id) { total } }`, { id: c.id }, other!.id);
    expect(stats.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const agentUser = await app.gql(`mutation { createUser(input: { name: "Ann", email: "ann@x.io", role: AGENT }) { id } }`);
    const before = await countRows('campaign');
    const denied = await app.gql(CREATE_CAMPAIGN, { i: input({ name: 'By agent' }) }, agentUser.data.createUser.id);
    expect(denied.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await countRows('campaign')).toBe(before);
    expect((await app.gql(`mutation($id: ID!) { archiveCampaign(id: $id) { id } }`, { id: c.id }, agentUser.data.createUser.id)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await app.gql(`{ me { user { id } } }`, {}, null);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.status).toBe(401);
  });
});

describe('what agents see (seed 004)', () => {
  it('an agent sees only the campaigns of their groups, and no other user', async () => {
    const mine = await seedBasics(app, 2);
    const theirs = await seedBasics(app, 2);
    const a = (await app.gql(CREATE_CAMPAIGN, { i: input({ name: 'Assigned to me', listId: mine.listId, groupId: mine.groupId }) })).data.createCampaign;
    const b = (await app.gql(CREATE_CAMPAIGN, { i: input({ name: 'Not mine', listId: theirs.listId, groupId: theirs.groupId }) })).data.createCampaign;
    const user = (await app.gql(`mutation { createUser(input: { name: "Vis", email: "vis@agents.test", role: AGENT }) { id } }`)).data.createUser.id;
    await app.gql(`mutation($u: ID!, $g: [ID!]) { createAgent(input: { name: "Vis", phone: "+919700005555", userId: $u, groupIds: $g }) { id } }`, { u: user, g: [mine.groupId] });
    const names = (await app.gql(`{ campaigns(limit: 200) { items { name } } }`, {}, user)).data.campaigns.items.map((c: { name: string }) => c.name);
    expect(names).toContain('Assigned to me');
    expect(names).not.toContain('Not mine');
    for (const q of [`query($id: ID!) { campaign(id: $id) { id } }`, `query($id: ID!) { campaignStats(campaignId: $id) { total } }`,
      `query($id: ID!) { campaignLive(campaignId: $id) { dialsToday } }`, `query($id: ID!) { callLegs(campaignId: $id) { totalCount } }`]) {
      expect((await app.gql(q, { id: b.id }, user)).errors?.[0]?.extensions?.code, q).toBe('NOT_FOUND');
      expect((await app.gql(q, { id: a.id }, user)).errors, q).toBeUndefined();
    }
    expect((await app.gql(`{ users { email role } }`, {}, user)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('query limits', () => {
  it('refuses too-deep and oversized documents with QUERY_TOO_COMPLEX', async () => {
    const deep = `{ ${'__schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }'} }`;
    const r = await app.gql(deep);
    expect(r.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const big = `{ me { user { id } } } # ${'x'.repeat(25_000)}`;
    const r2 = await app.gql(big);
    expect(r2.status).toBe(400);
    expect(r2.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});
