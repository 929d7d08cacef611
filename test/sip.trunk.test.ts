import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { heardBy, startPhone, type Phone } from './helpers/baresip.js';
import { freePort } from './helpers/child.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';
import { startTrunk, type Trunk } from './helpers/sip-trunk.js';
import { dominant, powerAt } from './helpers/tone.js';

/**
 * Campaigns over SIP through a trunk that stays in the path of its calls (issue 18): a record-routing proxy in its
 * own process on 127.0.0.3 (test/helpers/sip-trunk-process.mjs) in front of baresip phones, so that killing it is a
 * trunk vanishing mid-call. Real time: SIP does not run on the virtual clock, so the adapter's keep-alive, INVITE
 * timeout and the campaign's trunk wait are shortened.
 */
let app: TestApp;
let trunkPort = 0;
const trunks: Trunk[] = [];
const phones: Phone[] = [];

beforeAll(async () => {
  trunkPort = await freePort();
  app = await startTestApp({
    config: {
      telephony: { kind: 'sip', trunkUri: `sip:127.0.0.3:${trunkPort}`, bindAddress: '127.0.0.2', bindPort: await freePort(), inboundFrom: ['127.0.0.3'],
        keepaliveSec: 1, keepaliveTimeoutSec: 2, inviteTimeoutSec: 2 },
      trunkBreaker: { threshold: 3, baseMs: 2_000, capMs: 4_000 },
    },
  });
});
afterAll(async () => {
  await app?.dispose();
  for (const t of trunks) await t.kill();
  for (const p of phones) await p.stop();
});

const trunk = async (routes: Record<string, string | number>) => {
  const t = await startTrunk(routes, trunkPort);
  trunks.push(t);
  return t;
};
const phone = async (user: string, answer: 'auto' | 'manual', toneHz: number) => {
  const p = await startPhone({ user, answer, toneHz });
  phones.push(p);
  return p;
};
const numbersOf = async (listId: string) =>
  (await sql<{ e164: string }>(app.databaseUrl, `select p.e164 from phone_number p join contact_list_member m on m.contact_id = p.contact_id where m.list_id = $1 order by p.e164`, [listId])).map((r) => r.e164);
const states = async (c: string) =>
  new Map((await sql<{ e164: string; state: string; reason: string | null }>(app.databaseUrl, `select e164, state, reason from campaign_number where campaign_id = $1`, [c]))
    .map((n) => [n.e164, `${n.state}${n.reason ? `:${n.reason}` : ''}`]));
interface LegRow { kind: string; to_number: string; status: string; cause: string | null; abandoned: boolean; created_at: Date; answered_at: Date | null; ended_at: Date | null; agent_id: string | null }
const legsOf = (c: string) => sql<LegRow>(app.databaseUrl,
  `select kind, to_number, status, cause, abandoned, created_at, answered_at, ended_at, agent_id from call_leg where campaign_id = $1 order by created_at`, [c]);

/** Each customer phone hangs up `afterMs` after each call it answers (a real phone does not hang up by itself). */
function hangUpAfter(customers: Phone[], afterMs: number): () => void {
  const done = new Map<Phone, number>();
  const timer = setInterval(() => {
    for (const p of customers) {
      const established = (p.output().match(/Call established/g) ?? []).length;
      if (established > (done.get(p) ?? 0)) {
        done.set(p, established);
        setTimeout(() => void p.command('hangup').catch(() => undefined), afterMs);
      }
    }
  }, 100);
  return () => clearInterval(timer);
}

/** Waits until no number of the campaign is waiting or in a call. */
async function settled(c: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ([...(await states(c)).values()].every((s) => !/^(SCHEDULED|IN_PROGRESS|RETRY|RETRYING)/.test(s))) return;
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** No number had two calls at once. */
function noOverlap(legs: LegRow[]): void {
  const byNumber = new Map<string, LegRow[]>();
  for (const l of legs.filter((x) => x.kind === 'CUSTOMER')) byNumber.set(l.to_number, [...(byNumber.get(l.to_number) ?? []), l]);
  for (const list of byNumber.values()) {
    for (let i = 1; i < list.length; i++) expect(new Date(list[i]!.created_at).getTime()).toBeGreaterThanOrEqual(new Date(list[i - 1]!.ended_at!).getTime());
  }
}

describe('a predictive campaign over SIP', () => {
  it('dials customers ahead of agents through the trunk and bridges each answered one to a free agent, one ringing for over 20 s; each agent hears the customer', { timeout: 150_000 }, async () => {
    const b = await seedBasics(app, 5);
    const desks = [await phone('desk2001', 'auto', 440), await phone('desk2002', 'auto', 440)];
    for (const [i, a] of b.agents.entries()) await app.gql(`mutation($id: ID!, $s: String!) { updateAgent(id: $id, input: { sipUri: $s }) { id } }`, { id: a, s: desks[i]!.uri });
    const numbers = await numbersOf(b.listId);
    const slow = await phone('slow0', 'manual', 1000); // rings 21 s before it is picked up
    const customers = [slow];
    for (let i = 1; i < numbers.length; i++) customers.push(await phone(`pcust${i}`, 'auto', 1000));
    const t = await trunk(Object.fromEntries(numbers.map((n, i) => [n, customers[i]!.uri])));
    // once the slow customer's call rings, it is picked up 21 s later
    let c = '';
    const slowRang = setInterval(() => {
      if (!c) return;
      void sql(app.databaseUrl, `select 1 from call_leg where campaign_id = $1 and to_number = $2 and status = 'RINGING'`, [c, numbers[0]]).then((r) => {
        if (!r.length || !slowRang.hasRef()) return;
        slowRang.unref();
        clearInterval(slowRang);
        setTimeout(() => void slow.command('accept').catch(() => undefined), 21_000);
      });
    }, 200);
    const stopHangUps = hangUpAfter(customers, 1_500);
    c = (await app.gql(CREATE_CAMPAIGN, { i: {
      name: 'Predictive over SIP', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PREDICTIVE', wrapUpSeconds: 0, ringTimeoutSeconds: 40,
      callingWindow: { start: '00:00', end: '23:59' }, attemptPolicy: { retries: 0 },
    } })).data.createCampaign.id as string;
    await app.scheduler.tick();
    for (const a of b.agents) expect((await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c, a })).errors).toBeUndefined();
    try {
      await settled(c, 100_000);
    } finally {
      clearInterval(slowRang);
      stopHangUps();
    }
    for (const a of b.agents) expect((await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a })).errors).toBeUndefined();
    // the agents' phones are hung up (their recordings are complete once their calls close)
    await expect.poll(async () => (await legsOf(c)).filter((l) => l.kind === 'AGENT' && !l.ended_at).length, { timeout: 10_000, interval: 200 }).toBe(0);
    const legs = await legsOf(c);
    const customerLegs = legs.filter((l) => l.kind === 'CUSTOMER');
    const final = await states(c);
    // every number was answered and talked to an agent, except one the dialler dropped (abandoned: no agent free in 2 s)
    for (const n of numbers) {
      const mine = customerLegs.filter((l) => l.to_number === n);
      expect(mine.length).toBeGreaterThanOrEqual(1);
      if (mine.some((l) => l.abandoned)) continue;
      expect(final.get(n)).toBe('COMPLETED');
      expect(mine).toEqual([expect.objectContaining({ status: 'COMPLETED', agent_id: expect.any(String) })]);
    }
    expect(customerLegs.filter((l) => l.abandoned).length).toBeLessThanOrEqual(1);
    noOverlap(legs);
    // the slow customer rang over 20 s and was still put through
    const slowLeg = customerLegs.find((l) => l.to_number === numbers[0])!;
    expect(slowLeg).toMatchObject({ status: 'COMPLETED', agent_id: expect.any(String) });
    expect(new Date(slowLeg.answered_at!).getTime() - new Date(slowLeg.created_at).getTime()).toBeGreaterThan(20_000);
    // one nailed leg per agent, customers went through the trunk, and the agents heard the customers' 1 kHz
    expect(legs.filter((l) => l.kind === 'AGENT').map((l) => l.to_number).sort()).toEqual(desks.map((d) => d.uri).sort());
    expect(t.forwarded().length).toBe(customerLegs.length);
    // the desks never heard their own 440 Hz: what came to them was the customers' 1 kHz, over a second of it
    for (const d of desks) {
      const w = await heardBy(d);
      expect(w.samples.length / w.channels / w.rate).toBeGreaterThan(1);
      expect(dominant(w, [440, 1000, 300, 2000])).toBe(1000);
      const others = [440, 300, 2000, 3100].map((hz) => powerAt(w.samples, w.rate, hz, w.channels));
      expect(powerAt(w.samples, w.rate, 1000, w.channels)).toBeGreaterThan(20 * Math.max(...others));
    }
    await t.kill();
  });
});

describe('a trunk that vanishes mid-call', () => {
  it('the call in progress ends as lost, new calls fail as unreachable until dialling pauses; when the trunk is back the rest are dialled, none twice', { timeout: 150_000 }, async () => {
    const b = await seedBasics(app, 8);
    const desk = await phone('desk3001', 'auto', 440);
    await app.gql(`mutation($id: ID!, $s: String!) { updateAgent(id: $id, input: { sipUri: $s }) { id } }`, { id: b.agents[0], s: desk.uri });
    const numbers = await numbersOf(b.listId);
    const customers: Phone[] = [];
    for (let i = 0; i < numbers.length; i++) customers.push(await phone(`vcust${i}`, 'auto', 1000));
    const routes = Object.fromEntries(numbers.map((n, i) => [n, customers[i]!.uri]));
    let t = await trunk(routes);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: {
      name: 'Trunk vanishes', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', wrapUpSeconds: 0,
      callingWindow: { start: '00:00', end: '23:59' }, attemptPolicy: { retries: 0 },
    } })).data.createCampaign.id as string;
    await app.scheduler.tick();
    expect((await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c, a: b.agents[0] })).errors).toBeUndefined();
    // the first customer answers and talks (does not hang up); then the trunk dies
    await expect.poll(async () => (await legsOf(c)).some((l) => l.kind === 'CUSTOMER' && l.status === 'ANSWERED'), { timeout: 20_000, interval: 200 }).toBe(true);
    const talking = (await legsOf(c)).find((l) => l.kind === 'CUSTOMER' && l.status === 'ANSWERED')!.to_number;
    await t.kill();
    // its call is found gone by the keep-alive (no BYE can come), then three calls fail unreachable and dialling pauses
    await expect.poll(async () => (await app.gql(`query($c: ID!) { campaignLive(campaignId: $c) { integrations { kind failures lastError } } }`, { c })).data.campaignLive.integrations,
      { timeout: 30_000, interval: 300 }).toEqual([{ kind: 'TELEPHONY', failures: 3, lastError: 'calls fail in the network (UNREACHABLE); dialling paused' }]);
    const during = await legsOf(c);
    expect(during.find((l) => l.to_number === talking)).toMatchObject({ status: 'COMPLETED', cause: 'LOST' });
    const unreachable = during.filter((l) => l.kind === 'CUSTOMER' && l.cause === 'UNREACHABLE');
    expect(unreachable.length).toBeGreaterThanOrEqual(3);
    // the trunk comes back (same address): the next probe goes through and the rest of the list is dialled
    t = await trunk(routes);
    const stopHangUps = hangUpAfter(customers, 800);
    try {
      await settled(c, 90_000);
    } finally {
      stopHangUps();
    }
    expect((await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: b.agents[0] })).errors).toBeUndefined();
    const legs = await legsOf(c);
    const final = await states(c);
    expect(final.get(talking)).toBe('COMPLETED');
    // the first two unreachable calls counted against their numbers (FAILED, retries 0); every other number completed
    const failed = numbers.filter((n) => final.get(n) !== 'COMPLETED');
    expect(failed.length).toBe(2);
    for (const n of failed) {
      expect(final.get(n)).toBe('FAILED:CUSTOMER_FAILED');
      expect(legs.filter((l) => l.to_number === n).map((l) => l.cause)).toEqual(['UNREACHABLE']);
    }
    for (const n of numbers.filter((x) => !failed.includes(x))) {
      expect(legs.filter((l) => l.to_number === n && l.status === 'COMPLETED')).toHaveLength(1); // answered once, never again
      expect(legs.filter((l) => l.to_number === n && l.cause !== 'UNREACHABLE' && l.status !== 'COMPLETED')).toEqual([]);
    }
    noOverlap(legs);
    expect(legs.filter((l) => l.kind === 'AGENT')).toHaveLength(1); // the desk phone (not behind the trunk) stayed up throughout
    expect((await app.gql(`query($c: ID!) { campaignLive(campaignId: $c) { integrations { kind failures } } }`, { c })).data.campaignLive.integrations)
      .toEqual([{ kind: 'TELEPHONY', failures: 0 }]);
    await t.kill();
  });
});

describe('a trunk that refuses every call', () => {
  it('503 for everyone: two numbers fail, then dialling pauses with the numbers untouched; once the trunk takes calls the rest are dialled', { timeout: 120_000 }, async () => {
    const b = await seedBasics(app, 6);
    const desk = await phone('desk4001', 'auto', 440);
    await app.gql(`mutation($id: ID!, $s: String!) { updateAgent(id: $id, input: { sipUri: $s }) { id } }`, { id: b.agents[0], s: desk.uri });
    const numbers = await numbersOf(b.listId);
    const customers: Phone[] = [];
    for (let i = 0; i < numbers.length; i++) customers.push(await phone(`rcust${i}`, 'auto', 1000));
    let t = await trunk({ '*': 503 });
    const c = (await app.gql(CREATE_CAMPAIGN, { i: {
      name: 'Trunk refuses', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', wrapUpSeconds: 0,
      callingWindow: { start: '00:00', end: '23:59' }, attemptPolicy: { retries: 0 },
    } })).data.createCampaign.id as string;
    await app.scheduler.tick();
    expect((await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c, a: b.agents[0] })).errors).toBeUndefined();
    await expect.poll(async () => (await app.gql(`query($c: ID!) { campaignLive(campaignId: $c) { integrations { kind failures lastError } } }`, { c })).data.campaignLive.integrations,
      { timeout: 20_000, interval: 200 }).toEqual([{ kind: 'TELEPHONY', failures: 3, lastError: 'calls fail in the network (CONGESTION); dialling paused' }]);
    const during = [...(await states(c)).values()];
    expect(during.filter((x) => x === 'FAILED:CUSTOMER_FAILED')).toHaveLength(2);
    expect(during.filter((x) => x === 'SCHEDULED')).toHaveLength(4);
    await t.kill();
    t = await trunk(Object.fromEntries(numbers.map((n, i) => [n, customers[i]!.uri])));
    const stopHangUps = hangUpAfter(customers, 500);
    try {
      await settled(c, 60_000);
    } finally {
      stopHangUps();
    }
    expect((await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: b.agents[0] })).errors).toBeUndefined();
    const final = [...(await states(c)).values()];
    expect(final.filter((x) => x === 'COMPLETED')).toHaveLength(4);
    expect(final.filter((x) => x === 'FAILED:CUSTOMER_FAILED')).toHaveLength(2);
    const legs = await legsOf(c);
    noOverlap(legs);
    for (const n of numbers) expect(legs.filter((l) => l.to_number === n && l.status === 'COMPLETED').length).toBeLessThanOrEqual(1);
    expect(legs.filter((l) => l.kind === 'CUSTOMER' && l.cause === 'CONGESTION').length).toBeGreaterThanOrEqual(3);
    await t.kill();
  });
});
