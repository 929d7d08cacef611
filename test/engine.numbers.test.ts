import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';
import type { CallSimulator } from '../server/src/telephony/simulator.js';

const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
const DND = '+919811122233';
beforeAll(async () => {
  // nobody answers: every customer leg rings out, so the multi-number rule is visible
  app = await startTestApp({ clock, simulator: { seed: 2, agentPickup: 1, customer: { busy: 0, failed: 0, answer: 0, machine: 0 }, dndNumbers: new Set([DND]) } });
});
afterAll(() => app?.dispose());
const run = (ms: number) => clock.run(ms, () => app.engine.idle());

describe('numbers of a contact, and carrier DND', () => {
  it('tries the next number of a contact on no answer, one number at a time; a DND refusal is FAILED_DND and never retried', async () => {
    const agent = (await app.gql(`mutation { createAgent(input: { name: "Solo", phone: "+919700003333" }) { id } }`)).data.createAgent.id;
    const group = (await app.gql(`mutation($a: [ID!]!) { createAgentGroup(input: { name: "Solo", agentIds: $a }) { id } }`, { a: [agent] })).data.createAgentGroup.id;
    const list = (await app.gql(`mutation { createContactList(name: "Two numbers") { id } }`)).data.createContactList.id;
    await app.gql(`mutation($l: ID!) { importContactsCsv(input: { listId: $l, csv: "name,phone1,phone2\\nRavi,+919811100001,+919811100002\\nDnd,${DND},\\n" }) { created } }`, { l: list });
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Multi', dialMode: 'PROGRESSIVE', listId: list, groupId: group, callerId: '+912240001234', wrapUpSeconds: 1,
      attemptPolicy: { retries: 1, retryIntervalMinutes: 30, retryOn: ['NO_ANSWER'] } } })).data.createCampaign;
    await app.scheduler.tick();
    await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: c.id, a: agent });
    await run(2 * 3600_000);

    const legs = await sql<{ to_number: string; created_at: Date; ended_at: Date; status: string; cause: string | null }>(app.databaseUrl,
      `select to_number, created_at, ended_at, status, cause from call_leg where campaign_id = $1 and kind = 'CUSTOMER' order by created_at`, [c.id]);
    const ravi = legs.filter((l) => l.to_number !== DND);
    expect(ravi.map((l) => l.to_number)).toEqual(['+919811100001', '+919811100002', '+919811100001', '+919811100002']);
    // the second number went right after the first rang out, long before the first number's retry was due
    expect(new Date(ravi[1]!.created_at).getTime() - new Date(ravi[0]!.ended_at).getTime()).toBeLessThan(60_000);
    // one number of the contact at a time
    for (let i = 1; i < ravi.length; i++) expect(new Date(ravi[i]!.created_at).getTime()).toBeGreaterThanOrEqual(new Date(ravi[i - 1]!.ended_at).getTime());
    const dnd = legs.filter((l) => l.to_number === DND);
    expect(dnd).toHaveLength(1);
    expect(dnd[0]).toMatchObject({ status: 'FAILED', cause: 'DND' });
    const states = await sql<{ e164: string; state: string }>(app.databaseUrl, `select e164, state from campaign_number where campaign_id = $1 order by e164`, [c.id]);
    expect(states).toEqual([
      { e164: '+919811100001', state: 'FAILED' },
      { e164: '+919811100002', state: 'FAILED' },
      { e164: DND, state: 'FAILED_DND' },
    ]);
  }, 120_000);

  it('an agent stops by hanging up the phone: the session ends and nothing more is dialled for that agent', async () => {
    const b = await seedBasics(app, 30);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Hang up', dialMode: 'PROGRESSIVE', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', wrapUpSeconds: 1 } })).data.createCampaign;
    await app.scheduler.tick();
    await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: c.id, a: b.agents[0] });
    await run(3 * 60_000);
    const [nailed] = await sql<{ sid: string }>(app.databaseUrl, `select sid from call_leg where agent_id = $1 and kind = 'AGENT' and status = 'ANSWERED'`, [b.agents[0]]);
    (app.telephony as CallSimulator).farEndHangup(nailed!.sid);
    await run(10_000);
    const [agent] = await sql<{ state: string; active_campaign_id: string | null }>(app.databaseUrl, `select state, active_campaign_id from agent where id = $1`, [b.agents[0]]);
    expect(agent).toEqual({ state: 'OFFLINE', active_campaign_id: null });
    const [n1] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where campaign_id = $1`, [c.id]);
    await run(10 * 60_000);
    const [n2] = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from call_leg where campaign_id = $1`, [c.id]);
    expect(n2!.n).toBe(n1!.n);
    const live = await sql(app.databaseUrl, `select id from call_leg where campaign_id = $1 and status in ('QUEUED','RINGING','ANSWERED')`, [c.id]);
    expect(live).toEqual([]);
  }, 120_000);
});
