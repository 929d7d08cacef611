import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signBody } from '../server/src/auth/hook-signature.js';
import { ManualClock } from '../server/src/clock.js';
import type { CallSimulator } from '../server/src/telephony/simulator.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T05:00:00Z'); // 10:30 in Asia/Kolkata: inside the calling window
const clock = new ManualClock(NOW);
let app: TestApp;
let sim: CallSimulator;
beforeAll(async () => {
  // nobody answers unless a test says so: every attempt rings out (NO_ANSWER after the 20 s ring timeout)
  app = await startTestApp({ clock, simulator: { seed: 3, agentPickup: 1, customer: { busy: 0, failed: 0, answer: 0, machine: 0 }, talk: { mean: 20, cv: 0.1 } } });
  sim = app.telephony as CallSimulator;
});
afterAll(() => app?.dispose());

const MIN = 60_000;
const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const START = `mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state activeCampaignId } }`;
const REPORT = `mutation($i: ReportInboundCallInput!) { reportInboundCall(input: $i) { id duplicate addedTo dropRecordedIn cancelledIn } }`;
let HOTLINE = '+912240009999';
let hotlines = 0;

let callerSeq = 0;
/** A fresh caller number nobody has used in this file. */
const newCaller = () => `+9198200${String(10_000 + ++callerSeq * 7).padStart(5, '0')}`;

/** An infinite campaign whose rule listens on a hotline of its own (so campaigns of other tests never match). */
async function infiniteCampaign(b: Awaited<ReturnType<typeof seedBasics>>, name: string) {
  HOTLINE = `+9122400099${String(10 + hotlines++)}`;
  const RULES = { addOnDrop: { dialledNumbers: [HOTLINE.replace('+9122', '+91 22 ')], includeIvrDrops: false }, removeOnAnswered: true };
  const r = await app.gql(CREATE_CAMPAIGN.replace('callingWindow { start end }', 'callingWindow { start end } rules { addOnDrop { dialledNumbers includeIvrDrops } removeOnAnswered }'), {
    i: { name, infinite: true, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', wrapUpSeconds: 5, rules: RULES, attemptPolicy: { retries: 2, retrySchedule: [5, 15, 60] } },
  });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  expect(r.data.createCampaign.rules).toEqual({ addOnDrop: { dialledNumbers: [HOTLINE], includeIvrDrops: false }, removeOnAnswered: true });
  await app.scheduler.tick();
  for (const a of b.agents) expect((await app.gql(START, { c: r.data.createCampaign.id, a })).errors).toBeUndefined();
  await run(10_000); // agents answer their legs
  return r.data.createCampaign.id as string;
}

const numbersOf = (campaignId: string, e164: string) =>
  sql<{ id: string; state: string; reason: string | null; added_at: Date; next_attempt_at: Date | null; inbound_drops: number; contact_id: string }>(app.databaseUrl,
    `select id, state, reason, added_at, next_attempt_at, inbound_drops, contact_id from campaign_number where campaign_id = $1 and e164 = $2 order by added_at`, [campaignId, e164]);
const legsOf = (numberId: string) =>
  sql<{ created_at: Date; status: string }>(app.databaseUrl, `select created_at, status from call_leg where number_id = $1 and kind = 'CUSTOMER' order by created_at`, [numberId]);

describe('missed calls into an infinite campaign (seed 001)', () => {
  it('adds the caller of a dropped session, calls at 5, 15 and 60 minutes from the add, and stops once the caller got through', async () => {
    const b = await seedBasics(app, 1);
    const id = await infiniteCampaign(b, 'Missed calls');
    const t0 = clock.now().getTime();

    // an unknown caller drops in the queue of the hotline (dialled number in another spelling): added, with a contact
    const x = newCaller();
    const first = await app.gql(REPORT, { i: { caller: x, dialled: HOTLINE.replace('+9122', '+91 (22) '), outcome: 'DROPPED_IN_QUEUE', sessionId: 'sess-1' } });
    expect(first.errors).toBeUndefined();
    expect(first.data.reportInboundCall).toMatchObject({ duplicate: false, addedTo: [id], dropRecordedIn: [], cancelledIn: [] });
    const [n] = await numbersOf(id, x);
    expect(n).toMatchObject({ state: 'SCHEDULED', inbound_drops: 1 });
    expect(new Date(n!.next_attempt_at!).getTime()).toBe(t0 + 5 * MIN);
    const [contact] = await sql<{ name: string }>(app.databaseUrl, `select c.name from contact c join phone_number p on p.contact_id = c.id where p.e164 = $1`, [x]);
    expect(contact!.name).toBe(`Caller ${x}`);

    // the same session again: nothing changes, the first result comes back
    const again = await app.gql(REPORT, { i: { caller: x, dialled: HOTLINE, outcome: 'DROPPED_IN_QUEUE', sessionId: 'sess-1' } });
    expect(again.data.reportInboundCall).toEqual({ ...first.data.reportInboundCall, duplicate: true });
    // a second drop while pending: recorded on the number, not added twice
    const second = await app.gql(REPORT, { i: { caller: x, dialled: HOTLINE, outcome: 'DROPPED_IN_QUEUE', sessionId: 'sess-2' } });
    expect(second.data.reportInboundCall).toMatchObject({ addedTo: [], dropRecordedIn: [id] });
    expect((await numbersOf(id, x)).map((r) => r.inbound_drops)).toEqual([2]);
    // drops that do not match: another dialled number; the IVR (the rule does not allow it); answered calls add nobody
    for (const [dialled, outcome] of [['+912240001111', 'DROPPED_IN_QUEUE'], [HOTLINE, 'DROPPED_IN_IVR'], [HOTLINE, 'ANSWERED']] as const) {
      const y = newCaller();
      const r = await app.gql(REPORT, { i: { caller: y, dialled, outcome } });
      expect(r.data.reportInboundCall).toMatchObject({ addedTo: [], dropRecordedIn: [] });
      expect(await numbersOf(id, y)).toEqual([]);
    }

    // a caller on the suppression list is added like any other, and the guards keep it from ever being dialled
    const dnd = newCaller();
    await app.gql(`mutation($v: String!) { addSuppression(input: { kind: NUMBER, value: $v, reason: "NDNC" }) { id } }`, { v: dnd });
    expect((await app.gql(REPORT, { i: { caller: dnd, dialled: HOTLINE, outcome: 'DROPPED_IN_QUEUE' } })).data.reportInboundCall.addedTo).toEqual([id]);
    const [dn] = await numbersOf(id, dnd);

    // a second caller is left alone: three attempts at 5, 15 and 60 minutes after the add, then it fails
    const z = newCaller();
    expect((await app.gql(REPORT, { i: { caller: z, dialled: HOTLINE, outcome: 'DROPPED_IN_QUEUE' } })).data.reportInboundCall.addedTo).toEqual([id]);
    const [zn] = await numbersOf(id, z);

    await run(4 * MIN);
    expect(await legsOf(n!.id)).toEqual([]); // not before 5 minutes
    await run(2 * MIN); // 6 minutes
    expect((await legsOf(n!.id)).map((l) => l.status)).toEqual(['NO_ANSWER']);
    await run(10 * MIN); // 16 minutes
    expect((await legsOf(n!.id)).length).toBe(2);

    // at 30 minutes the caller gets through on an inbound call: the 60-minute attempt is cancelled
    await run(14 * MIN);
    const answered = await app.gql(REPORT, { i: { caller: x, dialled: HOTLINE, outcome: 'ANSWERED', sessionId: 'sess-3' } });
    expect(answered.data.reportInboundCall).toMatchObject({ cancelledIn: [id], addedTo: [] });
    expect((await numbersOf(id, x))[0]).toMatchObject({ state: 'CANCELLED', reason: 'ANSWERED_INBOUND' });
    await run(40 * MIN); // 70 minutes
    expect((await legsOf(n!.id)).length).toBe(2);

    const zl = await legsOf(zn!.id);
    const added = new Date(zn!.added_at).getTime();
    expect(zl.map((l) => Math.floor((new Date(l.created_at).getTime() - added) / MIN))).toEqual([5, 15, 60]);
    expect((await numbersOf(id, z))[0]).toMatchObject({ state: 'FAILED', reason: 'CUSTOMER_FAILED' });
    expect((await numbersOf(id, dnd))[0]).toMatchObject({ state: 'FAILED_DND', reason: 'SUPPRESSED' });
    expect(await legsOf(dn!.id)).toEqual([]);

    // a later drop of a number no longer pending adds it again
    const back = await app.gql(REPORT, { i: { caller: x, dialled: HOTLINE, outcome: 'DROPPED_IN_QUEUE' } });
    expect(back.data.reportInboundCall.addedTo).toEqual([id]);
    expect((await numbersOf(id, x)).map((r) => r.state)).toEqual(['CANCELLED', 'SCHEDULED']);
    // still one contact for the number: the directory never holds duplicates
    const [count] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from phone_number where e164 = $1`, [x]);
    expect(Number(count!.n)).toBe(1);
  }, 120_000);

  it('an answered outbound call to the same number (another campaign) removes the pending attempt', async () => {
    const b = await seedBasics(app, 1);
    const id = await infiniteCampaign(b, 'Missed calls B');
    const x = newCaller();
    expect((await app.gql(REPORT, { i: { caller: x, dialled: HOTLINE, outcome: 'DROPPED_IN_QUEUE' } })).data.reportInboundCall.addedTo).toEqual([id]);
    const [pending] = await numbersOf(id, x);

    // a sales campaign whose list holds the caller's contact answers first
    const other = await seedBasics(app, 1);
    await app.gql(`mutation($l: ID!, $c: [ID!]!) { addContactsToList(listId: $l, contactIds: $c) { id } }`, { l: other.listId, c: [pending!.contact_id] });
    const sales = await app.gql(CREATE_CAMPAIGN, { i: { name: 'Sales', listId: other.listId, groupId: other.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', wrapUpSeconds: 5 } });
    await app.scheduler.tick();
    sim.options.customer.answer = 1;
    try {
      for (const a of other.agents) await app.gql(START, { c: sales.data.createCampaign.id, a });
      await run(3 * MIN); // before the missed-call attempt is due at 5 minutes
    } finally {
      sim.options.customer.answer = 0;
    }
    const [salesCall] = await sql<{ answered_at: Date | null; ended_at: Date | null }>(app.databaseUrl,
      `select l.answered_at, l.ended_at from call_leg l join campaign_number n on n.id = l.number_id where n.campaign_id = $1 and n.e164 = $2`, [sales.data.createCampaign.id, x]);
    expect(salesCall!.answered_at).not.toBeNull();
    expect(salesCall!.ended_at).not.toBeNull();
    expect((await numbersOf(id, x))[0]).toMatchObject({ state: 'CANCELLED', reason: 'ANSWERED_OUTBOUND' });
    await run(10 * MIN);
    expect(await legsOf(pending!.id)).toEqual([]);
  }, 120_000);

  it('rules: edited through the API, bad numbers refused without a change, frozen once completed', async () => {
    const b = await seedBasics(app, 1);
    const id = await infiniteCampaign(b, 'Rules');
    const SET = `mutation($c: ID!, $r: CampaignRulesInput!) { setCampaignRules(campaignId: $c, rules: $r) { rules { addOnDrop { dialledNumbers includeIvrDrops } removeOnAnswered } } }`;
    const bad = await app.gql(SET, { c: id, r: { addOnDrop: { dialledNumbers: ['+91 22 4000 9999', 'not a number'] }, removeOnAnswered: false } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'rules.addOnDrop.dialledNumbers.1' });
    expect((await app.gql(`query($id: ID!) { campaign(id: $id) { rules { removeOnAnswered } } }`, { id })).data.campaign.rules.removeOnAnswered).toBe(true);
    const ok = await app.gql(SET, { c: id, r: { addOnDrop: { dialledNumbers: ['+912240008888', '+91 22 4000 8888'], includeIvrDrops: true }, removeOnAnswered: false } });
    expect(ok.data.setCampaignRules.rules).toEqual({ addOnDrop: { dialledNumbers: ['+912240008888'], includeIvrDrops: true }, removeOnAnswered: false });
    // now an IVR drop to the new number adds, and the old hotline does not
    const y = newCaller();
    expect((await app.gql(REPORT, { i: { caller: y, dialled: HOTLINE, outcome: 'DROPPED_IN_QUEUE' } })).data.reportInboundCall.addedTo).toEqual([]);
    expect((await app.gql(REPORT, { i: { caller: y, dialled: '+912240008888', outcome: 'DROPPED_IN_IVR' } })).data.reportInboundCall.addedTo).toEqual([id]);
    // removeOnAnswered off: an answered call leaves the pending number alone
    expect((await app.gql(REPORT, { i: { caller: y, outcome: 'ANSWERED' } })).data.reportInboundCall.cancelledIn).toEqual([]);
    expect((await numbersOf(id, y))[0]!.state).toBe('SCHEDULED');

    await app.gql(`mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, { id });
    await app.gql(`mutation($id: ID!) { completeCampaign(id: $id) { id completionReason } }`, { id });
    const frozen = await app.gql(SET, { c: id, r: { removeOnAnswered: true } });
    expect(frozen.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await app.gql(`query($id: ID!) { campaign(id: $id) { completionReason } }`, { id })).data.campaign.completionReason).toBe('SUPERVISOR');
    // a completed campaign takes no more callers
    expect((await app.gql(REPORT, { i: { caller: newCaller(), dialled: '+912240008888', outcome: 'DROPPED_IN_QUEUE' } })).data.reportInboundCall.addedTo).toEqual([]);
  }, 60_000);

  it('bad events are refused with a code and change nothing', async () => {
    const [before] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from inbound_call`);
    const cases: [Record<string, unknown>, string][] = [
      [{ caller: 'nobody', outcome: 'DROPPED_IN_QUEUE' }, 'input.caller'],
      [{ caller: newCaller(), dialled: '12', outcome: 'DROPPED_IN_QUEUE' }, 'input.dialled'],
      [{ caller: newCaller(), outcome: 'DROPPED_IN_QUEUE', at: new Date(clock.now().getTime() + 3600_000).toISOString() }, 'input.at'],
      [{ caller: newCaller(), outcome: 'DROPPED_IN_QUEUE', at: new Date(clock.now().getTime() - 8 * 24 * 3600_000).toISOString() }, 'input.at'],
    ];
    for (const [i, field] of cases) {
      const r = await app.gql(REPORT, { i });
      expect(r.errors?.[0]?.extensions, JSON.stringify(i)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const unknown = await app.gql(REPORT, { i: { caller: newCaller(), outcome: 'HUNG_UP' } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT'); // not an InboundOutcome
    const [after] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from inbound_call`);
    expect(after!.n).toBe(before!.n);
  });
});

describe('POST /hooks/inbound', () => {
  it('takes events signed with the organisation secret; a bad, stale or missing signature is 401 and changes nothing', async () => {
    const b = await seedBasics(app, 1);
    const id = await infiniteCampaign(b, 'Hooked');
    const hookUrl = new URL('/hooks/inbound', app.url).toString();
    const post = (body: string, headers: Record<string, string>) =>
      fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
    const nowSec = () => Math.floor(clock.now().getTime() / 1000);
    const org = app.organizationId;
    const count = async () => Number((await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from inbound_call`))[0]!.n);

    // no secret yet: refused
    const event = JSON.stringify({ caller: newCaller(), dialled: HOTLINE, outcome: 'DROPPED_IN_QUEUE', sessionId: 'hook-1' });
    expect((await post(event, { 'dialer-organization': org, 'dialer-signature': signBody('guess', event, nowSec()) })).status).toBe(401);
    // an agent may not create the secret; an admin may
    const secret = (await app.gql(`mutation { rotateInboundHookSecret }`)).data.rotateInboundHookSecret as string;
    expect(secret).toMatch(/^whsec_/);

    const before = await count();
    for (const [headers, why] of [
      [{ 'dialer-organization': org }, /missing dialer-signature/],
      [{ 'dialer-organization': org, 'dialer-signature': signBody('wrong-secret', event, nowSec()) }, /does not match/],
      [{ 'dialer-organization': org, 'dialer-signature': signBody(secret, event, nowSec() - 301) }, /more than 300 s/],
      [{ 'dialer-organization': org, 'dialer-signature': signBody(secret, event.replace('hook-1', 'hook-X'), nowSec()) }, /does not match/], // body changed
      [{ 'dialer-organization': '00000000-0000-4000-8000-000000000000', 'dialer-signature': signBody(secret, event, nowSec()) }, /unknown organisation/],
      [{ 'dialer-organization': org, 'dialer-signature': 'v1=abc' }, /t=<unix seconds>/],
    ] as const) {
      const r = await post(event, headers as Record<string, string>);
      expect(r.status).toBe(401);
      expect(r.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(r.body.errors[0].message).toMatch(why);
    }
    expect(await count()).toBe(before);

    const ok = await post(event, { 'dialer-organization': org, 'dialer-signature': signBody(secret, event, nowSec()) });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ duplicate: false, addedTo: [id] });
    // replaying the same signed request within the tolerance is harmless: the session id makes it a duplicate
    const replay = await post(event, { 'dialer-organization': org, 'dialer-signature': signBody(secret, event, nowSec()) });
    expect(replay.body).toMatchObject({ duplicate: true, addedTo: [id] });
    expect(await count()).toBe(before + 1);

    // signed but bad: 400 with the field, nothing recorded
    const badBody = JSON.stringify({ caller: '12', outcome: 'DROPPED_IN_QUEUE' });
    const bad = await post(badBody, { 'dialer-organization': org, 'dialer-signature': signBody(secret, badBody, nowSec()) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body.caller' });
    const notJson = 'caller=+91';
    expect((await post(notJson, { 'dialer-organization': org, 'dialer-signature': signBody(secret, notJson, nowSec()) })).status).toBe(400);
    expect(await count()).toBe(before + 1);
    // after a rotation the old secret no longer works
    await app.gql(`mutation { rotateInboundHookSecret }`);
    const later = JSON.stringify({ caller: newCaller(), outcome: 'ANSWERED' });
    expect((await post(later, { 'dialer-organization': org, 'dialer-signature': signBody(secret, later, nowSec()) })).status).toBe(401);
  });
});

describe('campaigns that finish themselves (seed 004)', () => {
  it('a finite campaign with nothing left to dial and no call in progress completes, live, and Start says why', async () => {
    const b = await seedBasics(app, 2);
    const c = await app.gql(CREATE_CAMPAIGN, { i: { name: 'Short list', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', wrapUpSeconds: 5 } });
    const id = c.data.createCampaign.id as string;
    await app.scheduler.tick();
    const updates = subscribe<{ campaignUpdated: { id: string; status: string; completionReason: string | null } }>(app.ws(),
      `subscription { campaignUpdated { id status completionReason } }`, {});
    sim.options.customer.answer = 1;
    try {
      for (const a of b.agents) await app.gql(START, { c: id, a });
      // once both numbers are being called, nothing is left to dial, but calls are in progress: not complete yet
      let inFlight = 0;
      for (let i = 0; i < 60 && inFlight < 2; i++) {
        await run(1_000);
        inFlight = Number((await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from campaign_number where campaign_id = $1 and state = 'IN_PROGRESS'`, [id]))[0]!.n);
      }
      expect(inFlight).toBe(2);
      await app.scheduler.tick();
      expect((await app.gql(`query($id: ID!) { campaign(id: $id) { status } }`, { id })).data.campaign.status).toBe('RUNNING');
      await run(3 * MIN);
    } finally {
      sim.options.customer.answer = 0;
    }
    await app.scheduler.tick();
    const done = (await app.gql(`query($id: ID!) { campaign(id: $id) { status completionReason completedAt } }`, { id })).data.campaign;
    expect(done).toMatchObject({ status: 'COMPLETED', completionReason: 'LIST_EXHAUSTED' });
    await updates.waitFor((v) => v.campaignUpdated.id === id && v.campaignUpdated.status === 'COMPLETED' && v.campaignUpdated.completionReason === 'LIST_EXHAUSTED');
    const con = await app.gql(`query($a: ID) { agentConsole(agentId: $a) { campaigns { id canStart cannotStartReason } } }`, { a: b.agents[0] });
    expect(con.data.agentConsole.campaigns.find((x: { id: string }) => x.id === id)).toEqual({ id, canStart: false, cannotStartReason: 'the campaign is completed: no new or retry numbers are left' });
    const start = await app.gql(START, { c: id, a: b.agents[0] });
    expect(start.errors?.[0]?.message).toMatch(/no new or retry numbers are left/);
    // an infinite campaign with nothing pending stays running, and agents may still start in it
    const inf = await infiniteCampaign(await seedBasics(app, 1), 'Waiting for callers');
    await app.scheduler.tick();
    expect((await app.gql(`query($id: ID!) { campaign(id: $id) { status } }`, { id: inf })).data.campaign.status).toBe('RUNNING');
  }, 60_000);
});
