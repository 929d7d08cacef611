import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ScaledClock } from '../server/src/clock.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { REDIS_URL, sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

let a: TestApp;
let b: TestApp;
// one clock twenty times faster than the wall, shared: the two instances agree on the time as two real ones do
const clock = new ScaledClock(20);
beforeAll(async () => {
  // conversations of about 15 s of wall time: a call is still up when a campaign changes hands
  a = await startTestApp({ redisUrl: REDIS_URL, clock, simulator: { agentPickup: 1, talk: { mean: 300, cv: 0.3 } } });
  b = await startTestApp({ redisUrl: REDIS_URL, databaseUrl: a.databaseUrl, clock, simulator: { agentPickup: 1, talk: { mean: 300, cv: 0.3 } } });
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

  it('a campaign whose lease is lost moves to the other instance: the first dials nothing more and finishes its calls, the second leaves them alone, no number is called twice at once', async () => {
    const basics = await seedBasics(a, 80);
    const c = (await a.gql(CREATE_CAMPAIGN, { i: { name: 'Taken over', dialMode: 'PROGRESSIVE', listId: basics.listId, groupId: basics.groupId, callerId: '+912240001234', wrapUpSeconds: 1, callingWindow: { start: '00:00', end: '23:59' } } })).data.createCampaign;
    await a.scheduler.tick();
    for (const agent of basics.agents) await a.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: c.id, a: agent });
    const legsOf = () => sql<{ instance_id: string; number_id: string | null; kind: string; created_at: Date; answered_at: Date | null; ended_at: Date | null; cause: string | null }>(a.databaseUrl,
      `select instance_id, number_id, kind, created_at, answered_at, ended_at, cause from call_leg where campaign_id = $1`, [c.id]);
    const until = async (pred: () => Promise<boolean>, what: string) => {
      for (const end = Date.now() + 30_000; !(await pred());) {
        if (Date.now() > end) throw new Error(`timed out: ${what}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };
    // a customer is talking to an agent of the owner
    await until(async () => (await legsOf()).some((l) => l.kind === 'CUSTOMER' && l.answered_at && !l.ended_at), 'a conversation');
    // Redis forgets the lease (a failover) and the other instance holds it now
    const key = `dialer:lease:campaign:${c.id}`;
    const redis = new Redis(REDIS_URL);
    const owner = await redis.get(key);
    const [from, to] = owner === a.instanceId ? [a, b] : [b, a];
    expect(owner).toBe(from.instanceId);
    await redis.set(key, to.instanceId, 'PX', 5_000);
    redis.disconnect();
    const lostBy = clock.now().getTime() + 1_500 * clock.scale; // the old owner's renewal fails within a second
    await until(async () => (await legsOf()).filter((l) => l.kind === 'CUSTOMER' && l.instance_id === to.instanceId).length >= 4, 'calls by the new owner');
    await until(async () => (await legsOf()).every((l) => l.instance_id !== from.instanceId || l.kind !== 'CUSTOMER' || l.ended_at), "the old owner's calls to end");
    // the conversation went on to its end on the old owner (a hang-up, not a reconciliation)
    expect(legs0(await legsOf(), from.instanceId).some((l) => l.answered_at && l.ended_at && l.ended_at.getTime() > lostBy)).toBe(true);
    for (const agentId of basics.agents) await a.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: agentId });
    const legs = await legsOf();
    // fenced: nothing placed by the old owner once its lease was gone
    expect(legs.filter((l) => l.instance_id === from.instanceId && l.created_at.getTime() > lostBy)).toEqual([]);
    // its calls were its own to finish: none closed by the new owner as untracked
    expect(legs.filter((l) => l.instance_id === from.instanceId && l.cause === 'RECONCILED')).toEqual([]);
    // and no number was called by both at once
    const customer = legs.filter((l) => l.kind === 'CUSTOMER' && l.number_id);
    for (const x of customer) {
      for (const y of customer) {
        if (x === y || x.number_id !== y.number_id) continue;
        const overlap = x.created_at < (y.ended_at ?? new Date(8.64e15)) && y.created_at < (x.ended_at ?? new Date(8.64e15));
        expect(overlap, `number ${x.number_id} called twice at once`).toBe(false);
      }
    }
  }, 90_000);
});

function legs0<T extends { instance_id: string; kind: string }>(legs: T[], instanceId: string): T[] {
  return legs.filter((l) => l.instance_id === instanceId && l.kind === 'CUSTOMER');
}
