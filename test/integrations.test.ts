import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';
import { Receiver } from './helpers/receiver.js';

const NOW = new Date('2026-11-23T06:00:00Z'); // 11:30 in Asia/Kolkata
const clock = new ManualClock(NOW);
let app: TestApp;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  app = await startTestApp({
    clock,
    simulator: { seed: 3, agentPickup: 1, customer: { busy: 0, failed: 0, answer: 1, machine: 0 }, answerDelay: { shape: 4, mean: 6 } },
    config: { outboundAllowAddresses: ['127.0.0.1'] },
  });
});
afterAll(async () => {
  await app?.dispose();
  await receiver.stop();
});

const LIVE = `query($c: ID!) { campaignLive(campaignId: $c) { integrations { kind done pages fetched rejected lastRejection failures lastError errorAt retryAt okAt } } }`;
/**
 * The wallboard's figures are recomputed by the campaign's runner on each tick (every second): the
 * engine ticks (virtual time) until `kind`'s status is there and `ok` holds.
 */
async function integration(c: string, kind: string, ok: (i: Awaited<ReturnType<typeof live>>[number]) => boolean = () => true) {
  let found: Awaited<ReturnType<typeof live>>[number] | undefined;
  for (let i = 0; i < 20; i++) {
    await clock.run(1_000, () => app.engine.idle());
    found = (await live(c)).find((x) => x.kind === kind);
    if (found && ok(found)) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  return found!;
}
const live = async (c: string) => (await app.gql(LIVE, { c })).data.campaignLive.integrations as { kind: string; done: boolean; pages: number; fetched: number; rejected: number; lastRejection: string | null; failures: number; lastError: string | null; errorAt: string | null; retryAt: string | null }[];

async function dialWhomCampaign(name: string, path: string) {
  const b = await seedBasics(app, 1);
  const r = await app.gql(CREATE_CAMPAIGN, { i: { name, groupId: b.groupId, callerId: '+912240001234', webhooks: { dialWhomUrl: `${receiver.url}${path}` } } });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  await app.scheduler.tick(); // RUNNING
  return { ...b, id: r.data.createCampaign.id as string };
}

describe('dial-whom URL', () => {
  it('pages numbers into a campaign ahead of need, each checked like a CSV row (bad ones counted with their code), until the last page', async () => {
    receiver.respond = (r) => {
      if (!r.path.startsWith('/whom')) return { status: 200 };
      const cursor = new URL(r.path, 'http://x').searchParams.get('cursor');
      return { status: 200, body: JSON.stringify(cursor === null
        ? { numbers: ['+919811100001', { number: '+91 98111 00002', name: 'Asha', clientId: 'C-2', fields: { plan: 'Gold' } }, '12ab', '+919811100001', { number: '+919811100003', timeZone: 'Mars/Base' }, { number: '+919811100004', timeZone: 'Asia/Kolkata' }], nextCursor: 'page-2' }
        : cursor === 'page-2' ? { numbers: ['+919811100005'], nextCursor: null } : { numbers: [], nextCursor: null }) };
    };
    const c = await dialWhomCampaign('Dial whom', '/whom');
    await app.dialWhom.tick();
    const numbers = () => sql<{ e164: string; contact_name: string; client_id: string | null; contact_fields: Record<string, string>; time_zones: string[]; state: string }>(app.databaseUrl,
      `select e164, contact_name, client_id, contact_fields, time_zones, state from campaign_number where campaign_id = $1 order by created_at`, [c.id]);
    expect((await numbers()).map((n) => n.e164)).toEqual(['+919811100001', '+919811100002', '+919811100004']);
    let status = await integration(c.id, 'DIAL_WHOM', (i) => i.pages === 1);
    expect(status).toMatchObject({ done: false, pages: 1, fetched: 3, rejected: 3, failures: 0, lastError: null });
    expect(status.lastRejection).toMatch(/^item 5: INVALID_TIME_ZONE/);
    // still hungry (3 < 100 waiting): the next pass takes the next page, which is the last
    await app.dialWhom.tick();
    status = await integration(c.id, 'DIAL_WHOM', (i) => i.pages === 2);
    expect(status).toMatchObject({ done: true, pages: 2, fetched: 4 });
    const rows = await numbers();
    expect(rows.map((n) => n.e164)).toEqual(['+919811100001', '+919811100002', '+919811100004', '+919811100005']);
    expect(rows[1]).toMatchObject({ contact_name: 'Asha', client_id: 'C-2', contact_fields: { plan: 'Gold' }, state: 'SCHEDULED' });
    expect(rows[2]!.time_zones).toEqual(['Asia/Kolkata']);
    // the requests: campaign, page size and cursor
    const asked = receiver.received.filter((r) => r.path.startsWith('/whom')).map((r) => new URL(r.path, 'http://x').searchParams);
    expect(asked.map((q) => [q.get('campaignId'), q.get('limit'), q.get('cursor')])).toEqual([[c.id, '100', null], [c.id, '100', 'page-2']]);
    // done: no more requests
    await app.dialWhom.tick();
    expect(receiver.received.filter((r) => r.path.startsWith('/whom'))).toHaveLength(2);
  });

  it('shows a failing URL as a campaign error with its retry time, waits until then, and clears it when the URL works again', async () => {
    let failing = true;
    receiver.respond = (r) => (r.path.startsWith('/broken')
      ? failing ? { status: 503 } : { status: 200, body: JSON.stringify({ numbers: ['+919811200001'], nextCursor: null }) }
      : { status: 200 });
    const c = await dialWhomCampaign('Broken whom', '/broken');
    await app.dialWhom.tick();
    let status = await integration(c.id, 'DIAL_WHOM', (i) => i.failures === 1);
    expect(status).toMatchObject({ failures: 1, lastError: 'the dial-whom URL answered HTTP 503', done: false, fetched: 0 });
    expect(Date.parse(status.retryAt!) - Date.parse(status.errorAt!)).toBe(5_000);
    expect(Date.parse(status.retryAt!)).toBeGreaterThan(clock.now().getTime());
    const tries = () => receiver.received.filter((r) => r.path.startsWith('/broken')).length;
    await app.dialWhom.tick();
    expect(tries()).toBe(1); // not before its retry time
    clock.advance(5_000);
    await app.dialWhom.tick();
    expect(tries()).toBe(2);
    status = await integration(c.id, 'DIAL_WHOM', (i) => i.failures === 2);
    expect(status).toMatchObject({ failures: 2 });
    expect(Date.parse(status.retryAt!) - Date.parse(status.errorAt!)).toBe(10_000); // doubling
    // a running campaign with nothing to dial is not "exhausted" while its URL has more to give
    await app.scheduler.tick();
    expect((await app.gql(`query($id: ID!) { campaign(id: $id) { status } }`, { id: c.id })).data.campaign.status).toBe('RUNNING');
    failing = false;
    clock.advance(10_000);
    await app.dialWhom.tick();
    status = await integration(c.id, 'DIAL_WHOM', (i) => i.done);
    expect(status).toMatchObject({ failures: 0, lastError: null, done: true, fetched: 1 });
  });

  it('refuses a campaign with both a list and a dial-whom URL, and an unsafe dial-whom URL', async () => {
    const b = await seedBasics(app, 1);
    const both = await app.gql(CREATE_CAMPAIGN, { i: { name: 'Both', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', webhooks: { dialWhomUrl: `${receiver.url}/x` } } });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.listId' });
    const unsafe = await app.gql(CREATE_CAMPAIGN, { i: { name: 'Unsafe', groupId: b.groupId, callerId: '+912240001234', webhooks: { dialWhomUrl: 'http://192.168.1.10/numbers' } } });
    expect(unsafe.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.webhooks.dialWhomUrl', reason: 'UNSAFE_URL' });
  });
});

describe('get-contacts URL', () => {
  const CONSOLE = `query($a: ID) { agentConsole(agentId: $a) { currentCall { legId status number crm { status error fields { key value } } } } }`;
  type Crm = { status: string; error: string | null; fields: { key: string; value: string }[] } | null;
  const crmOf = async (agentId: string) => (await app.gql(CONSOLE, { a: agentId })).data.agentConsole.currentCall as { legId: string; status: string; number: string; crm: Crm } | null;

  async function progressive(name: string, path: string) {
    const b = await seedBasics(app, 3);
    const r = await app.gql(CREATE_CAMPAIGN, { i: { name, listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', webhooks: { getContactsUrl: `${receiver.url}${path}` } } });
    await app.scheduler.tick();
    await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: r.data.createCampaign.id, a: b.agents[0] });
    return { ...b, id: r.data.createCampaign.id as string };
  }

  it("looks the callee up when the call rings and shows the details on the agent's console", async () => {
    receiver.respond = (r) => (r.path.startsWith('/crm') ? { status: 200, body: JSON.stringify({ fields: { plan: 'Gold', city: 'Pune', nested: { no: 1 } } }) } : { status: 200 });
    const c = await progressive('CRM', '/crm');
    let call: Awaited<ReturnType<typeof crmOf>> = null;
    for (let i = 0; i < 40 && !call; i++) {
      await clock.run(1_000, () => app.engine.idle());
      call = await crmOf(c.agents[0]!);
    }
    expect(call).not.toBeNull();
    for (let i = 0; i < 50 && call?.crm?.status !== 'OK'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      call = await crmOf(c.agents[0]!);
    }
    expect(call!.crm).toEqual({ status: 'OK', error: null, fields: [{ key: 'plan', value: 'Gold' }, { key: 'city', value: 'Pune' }] });
    const asked = receiver.received.filter((r) => r.path.startsWith('/crm')).map((r) => new URL(r.path, 'http://x').searchParams);
    expect(asked[0]!.get('number')).toBe(call!.number);
    expect(asked[0]!.get('campaignId')).toBe(c.id);
    expect(await integration(c.id, 'GET_CONTACTS')).toMatchObject({ failures: 0, lastError: null });
  });

  it('a URL that times out never holds the call: the customer is dialled and answered, the console says the lookup failed, the campaign shows the error', async () => {
    receiver.respond = (r) => (r.path.startsWith('/slow') ? { status: 200, delayMs: 4_000, body: '{}' } : { status: 200 });
    const c = await progressive('Slow CRM', '/slow');
    let call: Awaited<ReturnType<typeof crmOf>> = null;
    for (let i = 0; i < 40 && !call; i++) {
      await clock.run(1_000, () => app.engine.idle());
      call = await crmOf(c.agents[0]!);
    }
    const asked = Date.now();
    expect(call!.crm!.status).toBe('LOADING');
    // the call goes on meanwhile (virtual time runs while the lookup hangs in real time)
    for (let i = 0; i < 30 && call?.status !== 'ANSWERED'; i++) {
      await clock.run(1_000, () => app.engine.idle());
      call = await crmOf(c.agents[0]!);
    }
    expect(call!.status).toBe('ANSWERED');
    expect(Date.now() - asked).toBeLessThan(1_500); // the answer came before the lookup could have
    for (let i = 0; i < 80 && call?.crm?.status === 'LOADING'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      call = await crmOf(c.agents[0]!);
    }
    expect(call!.crm).toMatchObject({ status: 'ERROR', fields: [] });
    expect(call!.crm!.error).toMatch(/^TIMEOUT/);
    const status = await integration(c.id, 'GET_CONTACTS', (i) => i.failures > 0);
    expect(status.failures).toBeGreaterThanOrEqual(1);
    expect(status.lastError).toMatch(/^TIMEOUT/);
  });
});
