import sip from 'sip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { startPhone, type Phone } from './helpers/baresip.js';
import { freePort } from './helpers/child.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

/**
 * A progressive campaign dialled over SIP through the engine (issue 18): the agent's desk phone and the customers
 * are real baresip phones; the "trunk" is a small SIP redirect server (127.0.0.3) that sends each number to its
 * phone, or refuses it (503) as a carrier would. Real time: SIP does not run on the virtual clock.
 */
let app: TestApp;
let trunk: ReturnType<typeof sip.create>;
const phones: Phone[] = [];
const route = new Map<string, string | number>();

beforeAll(async () => {
  const trunkPort = await freePort();
  trunk = sip.create({ address: '127.0.0.3', port: trunkPort, tcp: false }, (rq) => {
    if (rq.method !== 'INVITE') return trunk.send(sip.makeResponse(rq, rq.method === 'ACK' ? 200 : 405));
    const number = decodeURIComponent(sip.parseUri(rq.uri!).user ?? '');
    const to = route.get(number);
    if (typeof to === 'string') {
      const rs = sip.makeResponse(rq, 302, 'Moved Temporarily');
      rs.headers.contact = [{ uri: to, params: {} }];
      return trunk.send(rs);
    }
    trunk.send(sip.makeResponse(rq, typeof to === 'number' ? to : 404));
  });
  app = await startTestApp({
    config: { telephony: { kind: 'sip', trunkUri: `sip:127.0.0.3:${trunkPort}`, bindAddress: '127.0.0.2', bindPort: await freePort(), inboundFrom: ['127.0.0.3'] } },
  });
});
afterAll(async () => {
  await app?.dispose();
  trunk?.destroy();
  for (const p of phones) await p.stop();
});

describe('a progressive campaign over SIP', () => {
  it('rings the agent\'s desk phone, then each customer through the trunk; answered calls complete, a refused one fails, nothing is dialled twice', { timeout: 120_000 }, async () => {
    const b = await seedBasics(app, 4);
    const agentId = b.agents[0]!;
    const desk = await startPhone({ user: 'desk1001', answer: 'auto', toneHz: 440 });
    phones.push(desk);
    await app.gql(`mutation($id: ID!, $s: String!) { updateAgent(id: $id, input: { sipUri: $s }) { id } }`, { id: agentId, s: desk.uri });
    const numbers = (await sql<{ e164: string }>(app.databaseUrl, `select p.e164 from phone_number p join contact_list_member m on m.contact_id = p.contact_id where m.list_id = $1 order by p.e164`, [b.listId])).map((r) => r.e164);
    const [refused, ...answering] = numbers as [string, ...string[]];
    route.set(refused, 503);
    const customers: Phone[] = [];
    for (const [i, n] of answering.entries()) {
      const p = await startPhone({ user: `cust${i}`, answer: 'auto', toneHz: 1000 });
      phones.push(p);
      customers.push(p);
      route.set(n, p.uri);
    }
    const c = (await app.gql(CREATE_CAMPAIGN, { i: {
      name: 'Over SIP', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', wrapUpSeconds: 0,
      callingWindow: { start: '00:00', end: '23:59' }, attemptPolicy: { retries: 0 },
    } })).data.createCampaign.id as string;
    await app.scheduler.tick();
    const start = await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c, a: agentId });
    expect(start.errors).toBeUndefined();
    // each customer talks for a second, then hangs up (a real phone does not hang up by itself)
    const hungUp = new Map<Phone, number>();
    const states = () => sql<{ e164: string; state: string; reason: string | null }>(app.databaseUrl, `select e164, state, reason from campaign_number where campaign_id = $1`, [c]);
    for (let i = 0; i < 200; i++) {
      for (const p of customers) {
        const established = (p.output().match(/Call established/g) ?? []).length;
        if (established > (hungUp.get(p) ?? 0)) {
          hungUp.set(p, established);
          setTimeout(() => void p.command('hangup').catch(() => undefined), 1_000);
        }
      }
      if ((await states()).every((n) => !['SCHEDULED', 'IN_PROGRESS', 'RETRY', 'RETRYING'].includes(n.state))) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    const final = new Map((await states()).map((n) => [n.e164, `${n.state}${n.reason ? `:${n.reason}` : ''}`]));
    expect(final.get(refused)).toMatch(/^FAILED/);
    for (const n of answering) expect(final.get(n)).toBe('COMPLETED');
    const legs = await sql<{ kind: string; to_number: string; status: string; cause: string | null }>(app.databaseUrl,
      `select kind, to_number, status, cause from call_leg where campaign_id = $1 order by created_at`, [c]);
    expect(legs.filter((l) => l.kind === 'AGENT').map((l) => l.to_number)).toEqual([desk.uri]); // one nailed agent leg
    const customerLegs = legs.filter((l) => l.kind === 'CUSTOMER');
    expect(customerLegs.map((l) => l.to_number).sort()).toEqual([...numbers].sort()); // each number once
    expect(customerLegs.find((l) => l.to_number === refused)).toMatchObject({ status: 'FAILED', cause: 'CONGESTION' });
    for (const n of answering) expect(customerLegs.find((l) => l.to_number === n)!.status).toBe('COMPLETED');
    // the calls were bridged: every customer phone answered, and the desk phone received a customer's media
    for (const p of customers) expect(p.output()).toMatch(/Call established/);
    const heardFrom = [...desk.output().matchAll(/receiving from [\d.]+:(\d+)/g)].map((m) => Number(m[1]));
    expect(heardFrom.some((port) => customers.some((p) => port >= p.rtpPorts[0] && port <= p.rtpPorts[1]))).toBe(true);
    expect((await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: agentId })).errors).toBeUndefined();
  });
});

describe('missed calls over SIP (seed 001)', () => {
  it("an unanswered call into the trunk is a missed call for SIP_INBOUND_ORGANIZATION: the caller joins the campaign whose rules take the dialled number", { timeout: 60_000 }, async () => {
    const b = await seedBasics(app, 1);
    const hotline = '+912240009999';
    const made = await app.gql(CREATE_CAMPAIGN, { i: {
      name: 'Missed over SIP', infinite: true, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE',
      rules: { addOnDrop: { dialledNumbers: [hotline], includeIvrDrops: false }, removeOnAnswered: true }, attemptPolicy: { retries: 2, retrySchedule: [5, 15, 60] },
    } });
    expect(made.errors).toBeUndefined();
    const campaignId = made.data.createCampaign.id as string;
    // an instance whose SIP adapter takes inbound calls for this organisation (the same database)
    const port = await freePort();
    const receiver = await startTestApp({
      databaseUrl: app.databaseUrl,
      config: { telephony: { kind: 'sip', trunkUri: 'sip:127.0.0.3:5999', bindAddress: '127.0.0.2', bindPort: port, inboundOrganizationId: app.organizationId, inboundFrom: ['127.0.0.1'] } }, // the caller's phone stands for the trunk
    });
    try {
      const caller = await startPhone({ user: '+919811100088', answer: 'auto' });
      phones.push(caller);
      expect((await caller.command('dial', `sip:${hotline}@127.0.0.2:${port}`)).ok).toBe(true);
      await new Promise((r) => setTimeout(r, 800));
      expect((await caller.command('hangup')).ok).toBe(true);
      let rows: { caller: string; dialled: string; outcome: string; source: string }[] = [];
      for (let i = 0; i < 50 && !rows.length; i++) {
        rows = await sql(app.databaseUrl, `select caller, dialled, outcome, source from inbound_call where caller = '+919811100088'`);
        if (!rows.length) await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows).toEqual([{ caller: '+919811100088', dialled: hotline, outcome: 'DROPPED_IN_QUEUE', source: 'SIP' }]);
      const added = await sql(app.databaseUrl, `select e164, state from campaign_number where campaign_id = $1`, [campaignId]);
      expect(added).toEqual([{ e164: '+919811100088', state: 'SCHEDULED' }]);
    } finally {
      await receiver.dispose();
    }
  });
});
