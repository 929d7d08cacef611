import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { startServerProcess, type ServerProcess } from './helpers/child.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';
import { Receiver } from './helpers/receiver.js';

/**
 * The sender SIGKILLed with deliveries pending and one in flight: a restarted server sends them all,
 * in order per number, and nothing twice except the one in flight, under the same idempotency key.
 * The data is set up by an in-process app that writes to the outbox but does not send (WEBHOOKS=off);
 * the sender is the real entry point in a child process.
 */
let app: TestApp;
const receiver = new Receiver();
let sender: ServerProcess | undefined;

beforeAll(async () => {
  await receiver.start();
  app = await startTestApp({ config: { webhooksSend: false, outboundAllowAddresses: ['127.0.0.1'] } });
});
afterAll(async () => {
  sender?.child.kill('SIGKILL');
  await app?.dispose();
  await receiver.stop();
});

const senderEnv = () => ({
  DATABASE_URL: app.databaseUrl, DEMO_SEED: 'false', LOG_LEVEL: 'warn', OUTBOUND_ALLOW_ADDRESSES: '127.0.0.1',
  WEBHOOK_RETRY_BASE_MS: '300', WEBHOOK_RETRY_CAP_MS: '2000',
});

describe('webhooks across a crash', () => {
  it('a SIGKILLed sender loses nothing: after a restart every delivery arrives, in order per number, repeated only under its own idempotency key', { timeout: 120_000 }, async () => {
    const sub = await app.gql(`mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { secret } }`,
      { i: { url: `${receiver.url}/crash`, eventTypes: ['NUMBER_STATE_CHANGED'] } });
    expect(sub.errors).toBeUndefined();
    const b = await seedBasics(app, 5);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Crash', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign;
    const ids = (await sql<{ id: string }>(app.databaseUrl, `select id from campaign_number where campaign_id = $1 order by id`, [c.id])).map((r) => r.id);

    // the receiver holds the first request for a long time: the sender is killed while it is in flight
    let held = false;
    receiver.respond = () => {
      if (held) return { status: 200 };
      held = true;
      return { status: 200, delayMs: 60_000 };
    };
    const walk = ['IN_PROGRESS', 'RETRY', 'RETRYING', 'COMPLETED'];
    for (const state of walk) {
      for (const id of ids) await sql(app.databaseUrl, `update campaign_number set state = $2 where id = $1`, [id, state]);
    }
    const total = ids.length * walk.length;
    const [written] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from webhook_delivery where campaign_id = $1 and status = 'PENDING'`, [c.id]);
    expect(written!.n).toBe(total); // in the outbox, nothing sent: this instance does not send

    sender = await startServerProcess(senderEnv());
    await receiver.waitFor((all) => all.length >= 1, 30_000);
    await new Promise((r) => setTimeout(r, 500)); // other numbers' deliveries go out meanwhile
    sender.child.kill('SIGKILL');
    await new Promise((r) => sender!.child.once('exit', r));
    const inFlight = receiver.received[0]!.body.id;
    const [pending] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from webhook_delivery where campaign_id = $1 and status = 'PENDING'`, [c.id]);
    expect(pending!.n).toBeGreaterThan(0); // killed with deliveries pending
    const [state] = await sql<{ status: string }>(app.databaseUrl, `select status from webhook_delivery where id = $1`, [inFlight]);
    expect(state!.status).toBe('PENDING'); // the answer never came back

    sender = await startServerProcess(senderEnv());
    // the dead worker's lock is released once it has not beaten for 20 s
    await receiver.waitFor((all) => new Set(all.map((r) => r.body.id)).size >= total, 90_000);
    for (let i = 0; i < 50; i++) {
      const [left] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from webhook_delivery where campaign_id = $1 and status <> 'DELIVERED'`, [c.id]);
      if (left!.n === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const [left] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from webhook_delivery where campaign_id = $1 and status <> 'DELIVERED'`, [c.id]);
    expect(left!.n).toBe(0);

    const got = receiver.received.filter((r) => r.body.data.campaignId === c.id);
    for (const r of got) expect(r.headers['idempotency-key']).toBe(r.body.id);
    const times = new Map<string, number>();
    for (const r of got) times.set(r.body.id, (times.get(r.body.id) ?? 0) + 1);
    expect(times.size).toBe(total);
    // only the one in flight came twice (its answer was lost with the process)
    expect([...times].filter(([, n]) => n > 1).map(([id]) => id)).toEqual([inFlight]);
    for (const id of ids) {
      const first = [...new Map(got.filter((r) => r.body.data.numberId === id).map((r) => [r.body.id, r.body.data.state])).values()];
      expect(first).toEqual(walk);
    }
  });
});
