/**
 * Preview followups in virtual time (issue 16, seed 002): a followup is offered to its owner as a
 * preview call in every dial mode and never dialled blind; its owner launches it (their own phone
 * first, or the line they already have up), skips it, or it expires exactly 5 minutes after its
 * time; groups may be forbidden to book them; agents book them from idle; a suppression entry
 * applied to the campaign cancels them; outside PREVIEW campaigns, filtered followups report
 * INCOMPATIBLE_CHANNEL_TYPE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-30T04:30:00Z'); // 10:00 in Asia/Kolkata
const silent = new Set<string>();
let app: TestApp;
beforeAll(async () => {
  // every customer answers and talks about a minute; agents pick up unless their phone is silenced
  app = await startTestApp({ clock, simulator: { seed: 5, agentPickup: 1, talk: { mean: 60, cv: 0.2 }, customer: { busy: 0, failed: 0, answer: 1, machine: 0 }, silentPhones: silent } });
});
afterAll(() => app?.dispose());

const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const at = (iso: string) => run(new Date(iso).getTime() - clock.now().getTime());
const row = async (id: string) => (await sql<Record<string, any>>(app.databaseUrl, `select * from campaign_number where id = $1`, [id]))[0]!;
const BOOK = `mutation($i: ScheduleManualFollowupInput!) { scheduleManualFollowup(input: $i) { numberId campaignId contactName number dueAt state preview expiresAt } }`;
const LAUNCH = `mutation($n: ID!) { launchFollowup(numberId: $n) { state launchNotice followups { numberId launching } } }`;
const SKIP = `mutation($n: ID!) { skipFollowup(numberId: $n) { numberId state } }`;
const CONSOLE = `query { agentConsole { state activeCampaignId launchNotice currentCall { numberId status } followups { numberId preview launching dueAt expiresAt state } } }`;
const consoleOf = async (user: string) => (await app.gql(CONSOLE, {}, user)).data.agentConsole;

let seq = 0;
const phone = () => `+9198${String(40_000_000 + ++seq * 7_919).padStart(8, '0')}`;

async function agentUser(name: string, groupId: string) {
  const email = `${name.toLowerCase()}-${++seq}@preview.test`;
  const user = (await app.gql(`mutation($n: String!, $e: String!) { createUser(input: { name: $n, email: $e, role: AGENT }) { id } }`, { n: name, e: email })).data.createUser.id as string;
  const agentPhone = phone();
  const agent = (await app.gql(`mutation($n: String!, $p: String!, $u: ID!) { createAgent(input: { name: $n, phone: $p, timeZone: "Asia/Kolkata", userId: $u }) { id } }`,
    { n: name, p: agentPhone, u: user })).data.createAgent.id as string;
  await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, addAgentIds: $a) { memberCount } }`, { g: groupId, a: [agent] });
  return { user, agent, phone: agentPhone };
}

async function campaign(dialMode: string, numbers = 3) {
  const b = await seedBasics(app, numbers);
  const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: `${dialMode} ${++seq}`, dialMode, listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 5 } })).data.createCampaign;
  await app.scheduler.tick();
  return { id: c.id as string, groupId: b.groupId };
}

async function book(user: string, campaignId: string, time: string, extra: Record<string, unknown> = {}) {
  const r = await app.gql(BOOK, { i: { campaignId, number: phone(), name: `Walk-in ${seq}`, date: '2026-11-30', time, timeZone: 'Asia/Kolkata', ...extra } }, user);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.scheduleManualFollowup as { numberId: string; number: string; dueAt: string; expiresAt: string; preview: boolean; state: string };
}

/** Launches as soon as the agent is out of a call (the console offers Launch only then). */
async function launchWhenFree(user: string, numberId: string) {
  for (let i = 0; i < 600; i++) {
    const r = await app.gql(LAUNCH, { n: numberId }, user);
    if (!r.errors) return r.data.launchFollowup;
    expect(r.errors[0]!.extensions!.code, r.errors[0]!.message).toBe('CONFLICT');
    await run(1000);
  }
  throw new Error('the agent never became free');
}

async function until(pred: () => Promise<boolean>, maxMs = 600_000) {
  for (let t = 0; t < maxMs; t += 1000) {
    if (await pred()) return;
    await run(1000);
  }
  throw new Error('condition not reached');
}

describe('preview followups (issue 16, seed 002)', () => {
  it('are booked from idle, refused before their time or to anyone but their owner, skipped, and expire at exactly 5 minutes', async () => {
    const c = await campaign('PREVIEW');
    const asha = await agentUser('Asha', c.groupId);
    const bo = await agentUser('Bo', c.groupId);
    const f1 = await book(asha.user, c.id, '10:30', { note: 'renewal' });
    expect(f1).toMatchObject({ dueAt: '2026-11-30T05:00:00.000Z', expiresAt: '2026-11-30T05:05:00.000Z', preview: true, state: 'RETRY' });
    const f2 = await book(asha.user, c.id, '10:30');
    expect(await row(f1.numberId)).toMatchObject({ owner_agent_id: asha.agent, followup_time_zone: 'Asia/Kolkata', followup_note: 'renewal', customer_attempts: 0 });

    // before its time, by another agent, by someone with no agent profile: refused, nothing changes
    const before = await row(f1.numberId);
    const early = await app.gql(LAUNCH, { n: f1.numberId }, asha.user);
    expect(early.errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect(early.errors?.[0]?.message).toMatch(/due at 2026-11-30T05:00:00.000Z/);
    await at('2026-11-30T05:00:00Z');
    expect((await app.gql(LAUNCH, { n: f1.numberId }, bo.user)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.gql(LAUNCH, { n: f1.numberId })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.gql(SKIP, { n: f1.numberId }, bo.user)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.gql(LAUNCH, { n: '00000000-0000-4000-8000-000000000000' }, asha.user)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await row(f1.numberId)).toEqual(before);
    const live = async () => (await app.gql(`query($c: ID!) { campaignLive(campaignId: $c) { followups { waiting due expired } } }`, { c: c.id })).data.campaignLive.followups;
    await until(async () => JSON.stringify(await live()) === JSON.stringify({ waiting: 0, due: 2, expired: 0 }), 10_000);

    // skipped by its owner: closed, never dialled
    expect((await app.gql(SKIP, { n: f2.numberId }, asha.user)).data.skipFollowup).toEqual({ numberId: f2.numberId, state: 'CANCELLED' });
    expect(await row(f2.numberId)).toMatchObject({ state: 'CANCELLED', reason: 'SKIPPED' });
    expect((await app.gql(SKIP, { n: f2.numberId }, asha.user)).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');

    // 4:59 after its time it is still launchable; at 5:00 exactly it expires
    await at('2026-11-30T05:04:59Z');
    await app.scheduler.tick();
    expect(await row(f1.numberId)).toMatchObject({ state: 'RETRY' });
    await at('2026-11-30T05:05:00Z');
    await app.scheduler.tick();
    expect(await row(f1.numberId)).toMatchObject({ state: 'EXPIRED', reason: null, next_attempt_at: null });
    expect((await app.gql(LAUNCH, { n: f1.numberId }, asha.user)).errors?.[0]?.extensions?.code).toBe('ILLEGAL_TRANSITION');
    expect(await sql(app.databaseUrl, `select 1 from call_leg where number_id in ($1, $2)`, [f1.numberId, f2.numberId])).toEqual([]);

    // supervisors see it: the live figure, the counters, the report
    await until(async () => JSON.stringify(await live()) === JSON.stringify({ waiting: 0, due: 0, expired: 1 }), 10_000);
    expect((await app.gql(`query($c: ID!) { campaignStats(campaignId: $c) { expired cancelled } }`, { c: c.id })).data.campaignStats).toEqual({ expired: 1, cancelled: 1 });
    const csv = (await app.gql(`query($c: ID!) { campaignReport(campaignId: $c) { csv } }`, { c: c.id })).data.campaignReport.csv as string;
    expect(csv.split('\r\n').find((l) => l.includes(f1.number))).toMatch(/,EXPIRED,/);
    expect(csv.split('\r\n').find((l) => l.includes(f2.number))).toMatch(/,CANCELLED,SKIPPED,/);
    expect((await consoleOf(asha.user)).followups).toEqual([]);
  }, 120_000);

  for (const mode of ['PROGRESSIVE', 'PREDICTIVE', 'AGENT_FIRST_FLOW'] as const) {
    it(`${mode}: a due followup waits for its owner, who launches it while dialling in the campaign`, async () => {
      await at(new Date(clock.now().getTime() + 60_000).toISOString());
      const c = await campaign(mode, 4);
      const asha = await agentUser('Asha', c.groupId);
      const local = new Date(clock.now().getTime() + 5.5 * 3600_000 + 3 * 60_000); // three minutes from now, in Kolkata
      const time = local.toISOString().slice(11, 16);
      const f = await book(asha.user, c.id, time);
      await app.gql(`mutation($c: ID!) { startDialling(campaignId: $c) { activeCampaignId } }`, { c: c.id }, asha.user);
      // a minute after its time: Asha has been dialling the list, the followup has not been dialled blind
      await at(new Date(new Date(f.dueAt).getTime() + 60_000).toISOString());
      const listCalls = Number((await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where campaign_id = $1 and kind = 'CUSTOMER'`, [c.id]))[0]!.n);
      expect(listCalls).toBeGreaterThan(0);
      expect(await sql(app.databaseUrl, `select 1 from call_leg where number_id = $1`, [f.numberId])).toEqual([]);
      expect(await row(f.numberId)).toMatchObject({ state: 'RETRY', owner_agent_id: asha.agent });

      await launchWhenFree(asha.user, f.numberId);
      await until(async () => (await row(f.numberId)).state === 'COMPLETED');
      const legs = await sql<{ kind: string; agent_id: string; number_id: string | null; created_at: Date; answered_at: Date | null }>(app.databaseUrl,
        `select kind, agent_id, number_id, created_at, answered_at from call_leg where agent_id = $1 and created_at >= $2 order by created_at, kind`, [asha.agent, new Date(f.dueAt)]);
      const customer = legs.find((l) => l.number_id === f.numberId && l.kind === 'CUSTOMER')!;
      expect(customer).toBeDefined();
      if (mode === 'AGENT_FIRST_FLOW') {
        // no line kept up: the record rings Asha first, then the customer once she answered
        const agentLeg = legs.find((l) => l.number_id === f.numberId && l.kind === 'AGENT')!;
        expect(new Date(customer.created_at).getTime()).toBeGreaterThanOrEqual(new Date(agentLeg.answered_at!).getTime());
      } else {
        // her line is up (nailed): the customer is dialled on it, no new agent leg for the followup
        expect(legs.filter((l) => l.number_id === f.numberId).map((l) => l.kind)).toEqual(['CUSTOMER']);
        const line = await sql<{ answered_at: Date }>(app.databaseUrl, `select answered_at from call_leg where agent_id = $1 and number_id is null and campaign_id = $2 and kind = 'AGENT'`, [asha.agent, c.id]);
        expect(line.length).toBe(1);
        expect(new Date(line[0]!.answered_at).getTime()).toBeLessThan(new Date(customer.created_at).getTime());
      }
      expect(await row(f.numberId)).toMatchObject({ state: 'COMPLETED', customer_attempts: 1 });
      // she is still dialling in the campaign afterwards
      await until(async () => ['AVAILABLE', 'ON_CALL', 'RINGING', 'WRAP_UP'].includes((await consoleOf(asha.user)).state), 60_000);
      expect((await consoleOf(asha.user)).activeCampaignId).toBe(c.id);
      await app.gql(`mutation { stopDialling { activeCampaignId } }`, {}, asha.user);
      await run(120_000);
    }, 300_000);
  }

  it("an agent's phone that does not answer: the followup waits again at its own time; launched again, it goes through", async () => {
    const c = await campaign('PREVIEW');
    const asha = await agentUser('Asha', c.groupId);
    const local = new Date(clock.now().getTime() + 5.5 * 3600_000 + 2 * 60_000);
    const f = await book(asha.user, c.id, local.toISOString().slice(11, 16));
    await at(f.dueAt);
    silent.add(asha.phone);
    await app.gql(LAUNCH, { n: f.numberId }, asha.user);
    await until(async () => (await consoleOf(asha.user)).launchNotice !== null, 120_000);
    const shown = await consoleOf(asha.user);
    expect(shown.launchNotice).toMatch(/was not placed: your phone did not answer/);
    expect(shown.state).toBe('OFFLINE');
    const back = await row(f.numberId);
    expect(back).toMatchObject({ state: 'RETRY', customer_attempts: 0, dial_count: 0 });
    expect((back.next_attempt_at as Date).toISOString()).toBe(f.dueAt);
    expect(await sql(app.databaseUrl, `select 1 from call_leg where number_id = $1 and kind = 'CUSTOMER'`, [f.numberId])).toEqual([]);

    silent.delete(asha.phone);
    expect((await app.gql(LAUNCH, { n: f.numberId }, asha.user)).errors).toBeUndefined();
    await until(async () => (await row(f.numberId)).state === 'COMPLETED');
    expect(await row(f.numberId)).toMatchObject({ customer_attempts: 1 });
    await until(async () => (await consoleOf(asha.user)).state === 'OFFLINE', 120_000);
  }, 300_000);

  it('groups may be forbidden to book followups; bad bookings are refused with a code and change nothing', async () => {
    const c = await campaign('PREVIEW');
    const asha = await agentUser('Asha', c.groupId);
    const count = async () => (await sql<{ n: string; k: string }>(app.databaseUrl,
      `select (select count(*) from campaign_number where campaign_id = $1) as n, (select count(*) from contact) as k`, [c.id]))[0];
    const noon = { date: '2026-12-01', time: '12:00', timeZone: 'Asia/Kolkata' };
    const before = await count();
    const refused: [Record<string, unknown>, string, string?][] = [
      [{ number: 'not a phone' }, 'BAD_USER_INPUT', 'input.number'],
      [{}, 'BAD_USER_INPUT', 'input.number'],
      [{ number: phone(), time: '23:30' }, 'BAD_USER_INPUT', 'input.time'], // outside the calling window
      [{ number: phone(), date: '2026-11-01' }, 'BAD_USER_INPUT', 'input.time'], // in the past
      [{ contactId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND'],
    ];
    for (const [extra, code, field] of refused) {
      const r = await app.gql(BOOK, { i: { campaignId: c.id, ...noon, ...extra } }, asha.user);
      expect(r.errors?.[0]?.extensions?.code, JSON.stringify(extra)).toBe(code);
      if (field) expect(r.errors?.[0]?.extensions?.field, JSON.stringify(extra)).toBe(field);
    }
    expect(await count()).toEqual(before);

    // a contact of the directory: its main number; booking it again moves the same followup
    const contact = (await app.gql(`mutation($i: CreateContactInput!) { createContact(input: $i) { id } }`, { i: { name: 'Dana', phones: [phone(), phone()] } })).data.createContact.id;
    const first = (await app.gql(BOOK, { i: { campaignId: c.id, contactId: contact, ...noon } }, asha.user)).data.scheduleManualFollowup;
    expect(first).toMatchObject({ contactName: 'Dana', dueAt: '2026-12-01T06:30:00.000Z' });
    expect(await sql(app.databaseUrl, `select 1 from campaign_number where campaign_id = $1 and e164 = $2`, [c.id, first.number])).toHaveLength(1);
    const again = (await app.gql(BOOK, { i: { campaignId: c.id, contactId: contact, ...noon, time: '15:00' } }, asha.user)).data.scheduleManualFollowup;
    expect(again).toMatchObject({ numberId: first.numberId, dueAt: '2026-12-01T09:30:00.000Z' });
    // the pick list: customers of the campaign by name or number (agents do not read the directory)
    const LOOKUP = `query($c: ID!, $s: String!) { followupContacts(campaignId: $c, search: $s) { numberId contactId contactName number } }`;
    expect((await app.gql(LOOKUP, { c: c.id, s: 'dan' }, asha.user)).data.followupContacts).toEqual([{ numberId: first.numberId, contactId: contact, contactName: 'Dana', number: first.number }]);
    expect((await app.gql(LOOKUP, { c: c.id, s: first.number.slice(-6) }, asha.user)).data.followupContacts.map((m: { numberId: string }) => m.numberId)).toEqual([first.numberId]);
    expect((await app.gql(LOOKUP, { c: c.id, s: 'da' }, asha.user)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
    // a typed number the directory does not know gets a contact with the name typed
    const typed = phone();
    const walkIn = (await app.gql(BOOK, { i: { campaignId: c.id, number: typed, name: 'Walk-in Ravi', ...noon } }, asha.user)).data.scheduleManualFollowup;
    expect(walkIn).toMatchObject({ contactName: 'Walk-in Ravi', number: typed, state: 'RETRY', preview: true });
    expect(await sql(app.databaseUrl, `select c.name from contact c join phone_number p on p.contact_id = c.id where p.e164 = $1`, [typed])).toEqual([{ name: 'Walk-in Ravi' }]);

    // management forbids the group: refused with the reason, nothing added
    await app.gql(`mutation($g: ID!) { updateAgentGroup(id: $g, input: { mayScheduleFollowups: false }) { id } }`, { g: c.groupId });
    const mid = await count();
    const forbidden = await app.gql(BOOK, { i: { campaignId: c.id, number: phone(), ...noon } }, asha.user);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(forbidden.errors?.[0]?.message).toMatch(/may not schedule followups/);
    expect(await count()).toEqual(mid);
    // a campaign of a group the agent is not in
    const other = await campaign('PREVIEW');
    expect((await app.gql(BOOK, { i: { campaignId: other.id, number: phone(), ...noon } }, asha.user)).errors?.[0]?.extensions?.code).toMatch(/FORBIDDEN|NOT_FOUND/);
  }, 120_000);

  it('a suppression entry applied to the campaign cancels its followups; outside PREVIEW campaigns filtered followups report INCOMPATIBLE_CHANNEL_TYPE', async () => {
    const progressive = await campaign('PROGRESSIVE', 2);
    const preview = await campaign('PREVIEW', 2);
    const asha = await agentUser('Asha', progressive.groupId);
    await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, addAgentIds: $a) { memberCount } }`, { g: preview.groupId, a: [asha.agent] });
    const later = new Date(clock.now().getTime() + 5.5 * 3600_000 + 60 * 60_000).toISOString().slice(11, 16);
    const soon = new Date(clock.now().getTime() + 5.5 * 3600_000 + 2 * 60_000).toISOString().slice(11, 16);
    const p1 = await book(asha.user, progressive.id, later);
    const v1 = await book(asha.user, preview.id, later, { number: p1.number }); // the same customer in both campaigns
    const p2 = await book(asha.user, progressive.id, soon);

    // applied to the progressive campaign only
    const add = await app.gql(`mutation($i: AddSuppressionInput!) { addSuppression(input: $i) { campaignId campaignName } }`, { i: { kind: 'NUMBER', value: p1.number, campaignId: progressive.id, reason: 'customer cancelled' } });
    expect(add.data.addSuppression.campaignId).toBe(progressive.id);
    await run(16_000); // the runners' suppression sweep
    expect(await row(p1.numberId)).toMatchObject({ state: 'CANCELLED', reason: 'INCOMPATIBLE_CHANNEL_TYPE' });
    expect(await row(v1.numberId)).toMatchObject({ state: 'RETRY' });
    // and to the preview campaign: there the reason is the suppression itself
    await app.gql(`mutation($i: AddSuppressionInput!) { addSuppression(input: $i) { id } }`, { i: { kind: 'NUMBER', value: p1.number, campaignId: preview.id } });
    await run(16_000);
    expect(await row(v1.numberId)).toMatchObject({ state: 'CANCELLED', reason: 'SUPPRESSED' });
    // a campaign of another organisation's id is refused
    expect((await app.gql(`mutation($i: AddSuppressionInput!) { addSuppression(input: $i) { id } }`, { i: { kind: 'NUMBER', value: phone(), campaignId: '00000000-0000-4000-8000-000000000000' } })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // not launched in a progressive campaign: EXPIRED, INCOMPATIBLE_CHANNEL_TYPE
    await at(new Date(new Date(p2.dueAt).getTime() + 5 * 60_000).toISOString());
    await app.scheduler.tick();
    expect(await row(p2.numberId)).toMatchObject({ state: 'EXPIRED', reason: 'INCOMPATIBLE_CHANNEL_TYPE' });
  }, 120_000);
});
