import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { checkSignature } from '../server/src/auth/hook-signature.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';
import { Receiver, type Received } from './helpers/receiver.js';

const NOW = new Date('2026-11-23T05:00:00Z'); // 10:30 in India: inside the calling window
const clock = new ManualClock(NOW);
let app: TestApp;
const receiver = new Receiver();

beforeAll(async () => {
  await receiver.start();
  app = await startTestApp({
    clock,
    simulator: { seed: 7, agentPickup: 1, customer: { busy: 0.3, failed: 0, answer: 0.4, machine: 0 }, talk: { mean: 20, cv: 0.2 } },
    // the receiver is on 127.0.0.1, which production refuses; retries fast so a test sees several, and enough of
    // them (40 × at most 1.5 s) that a receiver kept down for seconds by a loaded CI machine is not given up on
    config: { outboundAllowAddresses: ['127.0.0.1'], webhookRetryBaseMs: 300, webhookRetryCapMs: 1_500, webhookMaxAttempts: 40 },
  });
});
afterAll(async () => {
  await app?.dispose();
  await receiver.stop();
});

const SUBSCRIBE = `mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { secret subscription { id url eventTypes active } } }`;
const DELIVERY = `query($id: ID!) { webhookDelivery(id: $id) { id status attempts eventType endpoint body lastStatusCode attemptLog { attempt statusCode errorCode error } } }`;

async function ok<T = any>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const r = await app.gql<T>(query, variables);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!;
}

async function subscribeTo(path: string, eventTypes: string[], description = 'test'): Promise<{ id: string; secret: string }> {
  const r = (await ok(SUBSCRIBE, { i: { url: `${receiver.url}${path}`, eventTypes, description } })).createWebhookSubscription;
  return { id: r.subscription.id, secret: r.secret };
}

const on = (path: string) => (all: Received[]) => all.filter((r) => r.path === path);

async function campaign(name: string, n: number, extra: Record<string, unknown> = {}) {
  const b = await seedBasics(app, n);
  const c = (await ok(CREATE_CAMPAIGN, { i: { name, listId: b.listId, groupId: b.groupId, callerId: '+912240001234', ...extra } })).createCampaign;
  return { ...b, id: c.id as string };
}

describe('webhook subscriptions', () => {
  it('refuses unsafe or malformed URLs and unknown event types with codes, creating nothing', async () => {
    const before = (await ok(`{ webhookSubscriptions { id } }`)).webhookSubscriptions.length;
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'http://10.1.2.3/hook', eventTypes: ['CALL_LEG_ENDED'] }, 'UNSAFE_URL'],
      [{ url: 'http://169.254.169.254/latest/meta-data', eventTypes: ['CALL_LEG_ENDED'] }, 'UNSAFE_URL'],
      [{ url: 'http://user:pw@example.com/hook', eventTypes: ['CALL_LEG_ENDED'] }, 'UNSAFE_URL'],
    ];
    for (const [i, reason] of cases) {
      const r = await app.gql(SUBSCRIBE, { i });
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.url', reason });
    }
    expect((await app.gql(SUBSCRIBE, { i: { url: 'ftp://example.com/x', eventTypes: ['CALL_LEG_ENDED'] } })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await app.gql(SUBSCRIBE, { i: { url: 'https://example.com/x', eventTypes: [] } })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await app.gql(SUBSCRIBE, { i: { url: 'https://example.com/x', eventTypes: ['NOT_AN_EVENT'] } })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await app.gql(`mutation { deleteWebhookSubscription(id: "00000000-0000-4000-8000-000000000000") }`)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await app.gql(`{ webhookDeliveries(after: "garbage") { totalCount } }`)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect((await ok(`{ webhookSubscriptions { id } }`)).webhookSubscriptions.length).toBe(before);
  });

  it('delivers signed status and number events that verify with the secret (and not with another, nor tampered), once each, in order', async () => {
    const sub = await subscribeTo('/signed', ['CAMPAIGN_STATUS_CHANGED', 'NUMBER_STATE_CHANGED']);
    const c = await campaign('Signed', 3);
    await app.scheduler.tick(); // SCHEDULED -> RUNNING
    await ok(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id: c.id });
    await ok(`mutation($id: ID!) { completeCampaign(id: $id) { id } }`, { id: c.id }); // every number FAILED_NO_ATTEMPT
    const mine = (all: Received[]) => on('/signed')(all).filter((r) => r.body.data.campaignId === c.id);
    await receiver.waitFor((all) => mine(all).length >= 6);
    await new Promise((r) => setTimeout(r, 500));
    const got = mine(receiver.received);
    expect(got.filter((r) => r.body.type === 'campaign.status_changed').map((r) => r.body.data.status)).toEqual(['RUNNING', 'PAUSED', 'COMPLETED']);
    const numbers = got.filter((r) => r.body.type === 'number.state_changed');
    expect(numbers).toHaveLength(3);
    for (const r of numbers) expect(r.body.data).toMatchObject({ state: 'FAILED_NO_ATTEMPT', previousState: 'SCHEDULED', campaignId: c.id, agentAttempts: 0, customerAttempts: 0 });
    expect(new Set(got.map((r) => r.body.id)).size).toBe(got.length); // none twice
    const nowSec = Math.floor(Date.now() / 1000);
    for (const r of got) {
      expect(r.headers['idempotency-key']).toBe(r.body.id);
      expect(r.headers['dialer-event']).toBe(r.body.type);
      expect(r.headers['content-type']).toBe('application/json');
      expect(checkSignature(sub.secret, r.headers['dialer-signature'] as string, r.raw, nowSec)).toBeNull();
      expect(checkSignature('whsec_not_the_secret', r.headers['dialer-signature'] as string, r.raw, nowSec)).toBe('the signature does not match');
      expect(checkSignature(sub.secret, r.headers['dialer-signature'] as string, Buffer.from(r.raw.toString().replace('"campaignId"', '"campaignID"')), nowSec)).toBe('the signature does not match');
    }
    // the log says the same
    const d = (await ok(DELIVERY, { id: numbers[0]!.body.id })).webhookDelivery;
    expect(d).toMatchObject({ status: 'DELIVERED', attempts: 1, eventType: 'number.state_changed', lastStatusCode: 200, endpoint: 'Subscription: test' });
    expect(d.body).toBe(numbers[0]!.raw.toString());
    expect(d.attemptLog).toEqual([{ attempt: 1, statusCode: 200, errorCode: null, error: null }]);
    await ok(`mutation($id: ID!) { updateWebhookSubscription(id: $id, input: { active: false }) { active } }`, { id: sub.id });
  });

  it("signs a campaign's own status callback with the campaign's secret; rotating it changes the signature", async () => {
    const c = await campaign('Callback', 1, { webhooks: { statusCallbackUrl: `${receiver.url}/status-cb` } });
    const secret = (await ok(`query($c: ID!) { campaignWebhookSecret(campaignId: $c) }`, { c: c.id })).campaignWebhookSecret as string;
    expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    await app.scheduler.tick();
    await receiver.waitFor((all) => on('/status-cb')(all).some((r) => r.body.data.campaignId === c.id));
    const first = on('/status-cb')(receiver.received).find((r) => r.body.data.campaignId === c.id)!;
    expect(first.body).toMatchObject({ type: 'campaign.status_changed', data: { status: 'RUNNING', previousStatus: 'SCHEDULED', name: 'Callback' } });
    expect(checkSignature(secret, first.headers['dialer-signature'] as string, first.raw, Math.floor(Date.now() / 1000))).toBeNull();
    const rotated = (await ok(`mutation($c: ID!) { rotateCampaignWebhookSecret(campaignId: $c) }`, { c: c.id })).rotateCampaignWebhookSecret as string;
    expect(rotated).not.toBe(secret);
    await ok(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id: c.id });
    await receiver.waitFor((all) => on('/status-cb')(all).some((r) => r.body.data.campaignId === c.id && r.body.data.status === 'PAUSED'));
    const paused = on('/status-cb')(receiver.received).find((r) => r.body.data.status === 'PAUSED' && r.body.data.campaignId === c.id)!;
    expect(checkSignature(rotated, paused.headers['dialer-signature'] as string, paused.raw, Math.floor(Date.now() / 1000))).toBeNull();
    expect(checkSignature(secret, paused.headers['dialer-signature'] as string, paused.raw, Math.floor(Date.now() / 1000))).not.toBeNull();
  });

  it('retries a receiver that fails three times, then succeeds: four attempts logged, one idempotency key, growing delays', async () => {
    await subscribeTo('/flaky', ['CAMPAIGN_STATUS_CHANGED']);
    let failures = 0;
    receiver.respond = (r) => (r.path === '/flaky' && failures++ < 3 ? { status: 500 } : { status: 200 });
    const c = await campaign('Flaky', 1);
    await app.scheduler.tick();
    const mine = (all: Received[]) => on('/flaky')(all).filter((r) => r.body.data.campaignId === c.id);
    await receiver.waitFor((all) => mine(all).length >= 4);
    receiver.respond = () => ({ status: 200 });
    const got = mine(receiver.received);
    expect(got).toHaveLength(4);
    expect(new Set(got.map((r) => r.headers['idempotency-key'])).size).toBe(1);
    expect(got.map((r) => r.headers['dialer-attempt'])).toEqual(['1', '2', '3', '4']);
    const gaps = got.slice(1).map((r, i) => r.at - got[i]!.at);
    // base 300 ms doubling with jitter (half to all of it): 150-300, 300-600, 600-1200 (plus the poll)
    expect(gaps[0]).toBeGreaterThanOrEqual(140);
    expect(gaps[2]).toBeGreaterThanOrEqual(590);
    await new Promise((r) => setTimeout(r, 200));
    const d = (await ok(DELIVERY, { id: got[0]!.body.id })).webhookDelivery;
    expect(d).toMatchObject({ status: 'DELIVERED', attempts: 4, lastStatusCode: 200 });
    expect(d.attemptLog.map((a: { statusCode: number; errorCode: string | null }) => [a.statusCode, a.errorCode])).toEqual([[500, 'HTTP_STATUS'], [500, 'HTTP_STATUS'], [500, 'HTTP_STATUS'], [200, null]]);
  });

  it('keeps every event of a receiver that is down for a while and delivers each number\'s events in order', async () => {
    await subscribeTo('/down', ['NUMBER_STATE_CHANGED']);
    const c = await campaign('Down', 6);
    const ids = (await sql<{ id: string }>(app.databaseUrl, `select id from campaign_number where campaign_id = $1 order by id`, [c.id])).map((r) => r.id);
    await receiver.stop();
    // each number walks SCHEDULED -> IN_PROGRESS -> RETRY -> RETRYING -> COMPLETED, interleaved with the others, in separate transactions
    const walk = ['IN_PROGRESS', 'RETRY', 'RETRYING', 'COMPLETED'];
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    try {
      for (const state of walk) {
        for (const id of ids) await db.query(`update campaign_number set state = $2 where id = $1`, [id, state]); // one transaction each
      }
    } finally {
      await db.end();
    }
    await new Promise((r) => setTimeout(r, 1_500)); // attempts fail while it is down
    const failedMeanwhile = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from webhook_attempt a join webhook_delivery d on d.id = a.delivery_id where d.campaign_id = $1 and a.error_code = 'NETWORK'`, [c.id]);
    expect(failedMeanwhile[0]!.n).toBeGreaterThan(0);
    await receiver.start();
    const mine = (all: Received[]) => on('/down')(all).filter((r) => r.body.data.campaignId === c.id);
    await receiver.waitFor((all) => new Set(mine(all).map((r) => r.body.id)).size >= ids.length * walk.length, 50_000);
    const got = mine(receiver.received);
    for (const id of ids) {
      const seq = got.filter((r) => r.body.data.numberId === id).map((r) => r.body.data.state);
      expect(seq).toEqual(['IN_PROGRESS', 'RETRY', 'RETRYING', 'COMPLETED']);
    }
    const [pending] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from webhook_delivery where campaign_id = $1 and status <> 'DELIVERED'`, [c.id]);
    expect(pending!.n).toBe(0);
  }, 60_000);

  it('refuses a redirect to a private address (FAILED at once, UNSAFE_URL logged); a replay tries again with the same key', async () => {
    await subscribeTo('/redirect', ['CAMPAIGN_STATUS_CHANGED']);
    receiver.respond = (r) => (r.path === '/redirect' ? { status: 302, headers: { location: 'http://10.0.0.1/steal' } } : { status: 200 });
    const c = await campaign('Redirected', 1);
    await app.scheduler.tick();
    let page: any;
    for (let i = 0; i < 100; i++) {
      page = (await ok(`query($c: ID!) { webhookDeliveries(campaignId: $c, status: FAILED) { totalCount items { id status attempts lastError } } }`, { c: c.id })).webhookDeliveries;
      if (page.totalCount) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(page.items[0].lastError).toMatch(/not a public address/);
    receiver.respond = () => ({ status: 200 });
    const replayed = (await ok(`mutation($id: ID!) { replayWebhookDelivery(id: $id) { id status } }`, { id: page.items[0].id })).replayWebhookDelivery;
    expect(replayed).toEqual({ id: page.items[0].id, status: 'PENDING' });
    await receiver.waitFor((all) => on('/redirect')(all).filter((r) => r.body.id === page.items[0].id).length === 2);
    const sent = on('/redirect')(receiver.received).filter((r) => r.body.id === page.items[0].id);
    expect(sent.map((r) => r.headers['idempotency-key'])).toEqual([page.items[0].id, page.items[0].id]);
    expect(sent[0]!.raw.equals(sent[1]!.raw)).toBe(true); // the same bytes
  });

  it('tells followup.expired when a followup expires; a change rolled back tells nothing', async () => {
    await subscribeTo('/expired', ['FOLLOWUP_EXPIRED']);
    const c = await campaign('Expiring', 2);
    const [n1, n2] = (await sql<{ id: string }>(app.databaseUrl, `select id from campaign_number where campaign_id = $1 order by id`, [c.id])).map((r) => r.id);
    // a change that rolls back writes no delivery (the outbox row was in its transaction)
    await sql(app.databaseUrl, `do $$ begin update campaign_number set state = 'EXPIRED' where id = '${n2}'; raise exception 'rolled back'; end $$`).catch(() => undefined);
    await sql(app.databaseUrl, `update campaign_number set state = 'EXPIRED' where id = $1`, [n1]);
    await receiver.waitFor((all) => on('/expired')(all).some((r) => r.body.data.numberId === n1));
    await new Promise((r) => setTimeout(r, 500));
    const got = on('/expired')(receiver.received).filter((r) => r.body.data.campaignId === c.id);
    expect(got.map((r) => [r.body.type, r.body.data.numberId, r.body.data.state, r.body.data.previousState])).toEqual([['followup.expired', n1, 'EXPIRED', 'SCHEDULED']]);
    const [rows] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from webhook_delivery where order_key = $1`, [n2]);
    expect(rows!.n).toBe(0);
  });

  it('pages the delivery log by cursor, newest first, filtered by status', async () => {
    const all: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = (await ok(`query($a: String) { webhookDeliveries(first: 7, after: $a) { totalCount hasNextPage endCursor items { id createdAt } } }`, { a: after })).webhookDeliveries;
      all.push(...page.items.map((i: { id: string }) => i.id));
      if (!page.hasNextPage) {
        expect(all.length).toBe(page.totalCount);
        break;
      }
      after = page.endCursor;
    }
    expect(new Set(all).size).toBe(all.length);
    const [count] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from webhook_delivery`);
    expect(all.length).toBe(count!.n);
  });

  it("sends a campaign's call-completed and no-answer passthru URLs for the calls the engine places, and leg events to subscriptions", async () => {
    await subscribeTo('/legs', ['CALL_LEG_ENDED']);
    const c = await campaign('Passthru', 8, { dialMode: 'PROGRESSIVE', webhooks: { callCompletedUrl: `${receiver.url}/completed`, callNoAnswerUrl: `${receiver.url}/no-answer` } });
    await app.scheduler.tick();
    await ok(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: c.id, a: c.agents[0] });
    for (let i = 0; i < 120; i++) {
      await clock.run(5_000, () => app.engine.idle());
      const [left] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from call_leg where campaign_id = $1 and kind = 'CUSTOMER' and ended_at is not null`, [c.id]);
      if (left!.n >= 6) break;
    }
    await ok(`mutation($c: ID!, $a: ID) { stopDialling(campaignId: $c, agentId: $a) { state } }`, { c: c.id, a: c.agents[0] }).catch(() => undefined);
    const legs = await sql<{ id: string; kind: string; status: string }>(app.databaseUrl, `select id, kind, status from call_leg where campaign_id = $1 and ended_at is not null`, [c.id]);
    const customer = legs.filter((l) => l.kind === 'CUSTOMER');
    expect(customer.length).toBeGreaterThanOrEqual(6);
    const unanswered = customer.filter((l) => ['NO_ANSWER', 'BUSY', 'FAILED'].includes(l.status));
    expect(unanswered.length).toBeGreaterThan(0);
    expect(unanswered.length).toBeLessThan(customer.length);
    const forCampaign = (path: string) => (all: Received[]) => on(path)(all).filter((r) => r.body.data.campaignId === c.id);
    await receiver.waitFor((all) => forCampaign('/completed')(all).length >= customer.length && forCampaign('/no-answer')(all).length >= unanswered.length
      && forCampaign('/legs')(all).length >= legs.length);
    expect(new Set(forCampaign('/completed')(receiver.received).map((r) => r.body.data.legId))).toEqual(new Set(customer.map((l) => l.id)));
    expect(new Set(forCampaign('/no-answer')(receiver.received).map((r) => r.body.data.legId))).toEqual(new Set(unanswered.map((l) => l.id)));
    const leg = forCampaign('/completed')(receiver.received)[0]!;
    expect(leg.body.type).toBe('call.completed');
    expect(Object.keys(leg.body.data)).toEqual(expect.arrayContaining(['legId', 'sid', 'number' in leg.body.data ? 'number' : 'to', 'status', 'answeredAt', 'endedAt', 'durationSec', 'agentAttempt', 'customerAttempt', 'recordingUrl']));
    const secret = (await ok(`query($c: ID!) { campaignWebhookSecret(campaignId: $c) }`, { c: c.id })).campaignWebhookSecret as string;
    expect(checkSignature(secret, leg.headers['dialer-signature'] as string, leg.raw, Math.floor(Date.now() / 1000))).toBeNull();
  });
});
