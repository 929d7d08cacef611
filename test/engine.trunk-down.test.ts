import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import type { CallSimulator } from '../server/src/telephony/simulator.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

/**
 * Calls that keep failing in the network (a trunk answering 503, or not at all) must not burn the list: after three
 * in a row the campaign stops calling customers, says so on the wallboard, and probes with one call after a wait.
 * The call simulator stands for the network here (every customer call refused with CONGESTION, then answered).
 */
const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  // three failures in a row trip it here (five by default)
  app = await startTestApp({ clock, config: { trunkBreaker: { threshold: 3, baseMs: 30_000, capMs: 300_000 } }, simulator: { seed: 3, agentPickup: 1, customer: { busy: 0, failed: 1, answer: 0, machine: 0 }, failDelaySec: [1, 2] } });
});
afterAll(() => app?.dispose());
const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const LIVE = `query($c: ID!) { campaignLive(campaignId: $c) { integrations { kind failures lastError retryAt okAt } } }`;

describe('a trunk that refuses every call', () => {
  it('three failures in a row pause calls to customers (shown as a campaign error), probes go out with a doubling wait, and the first call that gets through resumes dialling', async () => {
    const b = await seedBasics(app, 12);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Trunk down', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 1,
      callingWindow: { start: '00:00', end: '23:59' }, attemptPolicy: { retries: 0 } } })).data.createCampaign.id as string;
    await app.scheduler.tick();
    for (const a of b.agents) await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c, a });
    const numbers = () => sql<{ state: string; reason: string | null; n: string }>(app.databaseUrl,
      `select state, reason, count(*)::text as n from campaign_number where campaign_id = $1 group by 1, 2 order by 1, 2`, [c]);
    const legs = () => sql<{ e164: string; status: string; cause: string | null }>(app.databaseUrl,
      `select to_number as e164, status, cause from call_leg where campaign_id = $1 and kind = 'CUSTOMER' order by created_at`, [c]);

    await run(20_000);
    // the first two failures count against their numbers (one refusal is usually about the number); the third shows
    // the trunk is down: its number, any call in flight, and every one after go back in line untouched
    expect(await numbers()).toEqual([{ state: 'FAILED', reason: 'CUSTOMER_FAILED', n: '2' }, { state: 'SCHEDULED', reason: null, n: '10' }]);
    const before = await legs();
    expect(before.every((l) => l.status === 'FAILED' && l.cause === 'CONGESTION')).toBe(true);
    expect(before.length).toBeLessThanOrEqual(4); // two agents: at most one more call was in flight
    const live = (await app.gql(LIVE, { c })).data.campaignLive.integrations;
    expect(live).toEqual([expect.objectContaining({ kind: 'TELEPHONY', failures: 3, lastError: 'calls fail in the network (CONGESTION); dialling paused' })]);
    const retryAt = new Date(live[0].retryAt).getTime();
    expect(retryAt - clock.now().getTime()).toBeGreaterThan(0);
    expect(retryAt - clock.now().getTime()).toBeLessThanOrEqual(30_000);

    // nothing is dialled until the wait is over; then one probe, refused too: the wait doubles
    await run(retryAt - clock.now().getTime() - 1_000);
    expect((await legs()).length).toBe(before.length);
    await run(5_000);
    expect((await legs()).length).toBe(before.length + 1);
    const after = (await app.gql(LIVE, { c })).data.campaignLive.integrations[0];
    expect(new Date(after.retryAt).getTime() - retryAt).toBeGreaterThan(55_000); // 60 s after the probe failed
    expect(await numbers()).toEqual([{ state: 'FAILED', reason: 'CUSTOMER_FAILED', n: '2' }, { state: 'SCHEDULED', reason: null, n: '10' }]);

    // the trunk is back: the next probe is answered, dialling resumes, and the other ten numbers complete
    (app.telephony as CallSimulator).options.customer = { busy: 0, failed: 0, answer: 1, machine: 0 };
    (app.telephony as CallSimulator).options.talk = { mean: 5, cv: 0.1 };
    await run(10 * 60_000);
    expect(await numbers()).toEqual([{ state: 'COMPLETED', reason: null, n: '10' }, { state: 'FAILED', reason: 'CUSTOMER_FAILED', n: '2' }]);
    const ok = (await app.gql(LIVE, { c })).data.campaignLive.integrations[0];
    expect(ok).toMatchObject({ kind: 'TELEPHONY', failures: 0, lastError: null, retryAt: null, okAt: expect.any(String) });
    // nothing dialled twice at once, and every number that completed has exactly one answered call
    const all = await legs();
    for (const n of new Set(all.map((l) => l.e164))) expect(all.filter((l) => l.e164 === n && l.status === 'COMPLETED').length).toBeLessThanOrEqual(1);
  }, 120_000);
});
