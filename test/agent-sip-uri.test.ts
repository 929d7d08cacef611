import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-23T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock, simulator: { agentPickup: 1 } });
});
afterAll(() => app?.dispose());

const CREATE = `mutation($i: CreateAgentInput!) { createAgent(input: $i) { id phone sipUri } }`;
const UPDATE = `mutation($id: ID!, $i: UpdateAgentInput!) { updateAgent(id: $id, input: $i) { id sipUri } }`;

describe("an agent's SIP endpoint (issue 18)", () => {
  it('is kept as typed, refused with a code when it is not a SIP address (nothing created), cleared with ""', async () => {
    const made = await app.gql(CREATE, { i: { name: 'Desk 1001', phone: '+919700001001', sipUri: ' SIP:1001@pbx.example.com:5060;transport=udp ' } });
    expect(made.data.createAgent).toMatchObject({ phone: '+919700001001', sipUri: 'sip:1001@pbx.example.com:5060;transport=udp' });
    const [before] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from agent`);
    for (const bad of ['1001@pbx.example.com', 'sip:pbx.example.com', 'sip:1001@pbx example.com', 'http://pbx.example.com', 'sip:1001@pbx.example.com:99999']) {
      const r = await app.gql(CREATE, { i: { name: 'Bad', phone: '+919700001002', sipUri: bad } });
      expect(r.errors?.[0]?.extensions, bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sipUri' });
    }
    const [after] = await sql<{ n: number }>(app.databaseUrl, `select count(*)::int as n from agent`);
    expect(after!.n).toBe(before!.n);
    const id = made.data.createAgent.id;
    expect((await app.gql(UPDATE, { id, i: { sipUri: 'sips:agent7@10.0.0.5:5061' } })).data.updateAgent.sipUri).toBe('sips:agent7@10.0.0.5:5061');
    expect((await app.gql(UPDATE, { id, i: { sipUri: 'nope' } })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sipUri' });
    expect((await app.gql(UPDATE, { id, i: { sipUri: '' } })).data.updateAgent.sipUri).toBeNull();
  });

  it("is what the agent's leg dials when set (the number otherwise)", async () => {
    const b = await seedBasics(app, 3);
    const [withSip, plain] = b.agents as [string, string];
    await app.gql(UPDATE, { id: withSip, i: { sipUri: 'sip:1001@pbx.example.com' } });
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'SIP desk', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE' } })).data.createCampaign.id;
    await app.scheduler.tick();
    for (const a of [withSip, plain]) await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c, a });
    await clock.run(5_000, () => app.engine.idle());
    const legs = await sql<{ agent_id: string; to_number: string }>(app.databaseUrl, `select l.agent_id, l.to_number from call_leg l where l.campaign_id = $1 and l.kind = 'AGENT'`, [c]);
    const [phone] = await sql<{ phone: string }>(app.databaseUrl, `select phone from agent where id = $1`, [plain]);
    expect(legs.find((l) => l.agent_id === withSip)?.to_number).toBe('sip:1001@pbx.example.com');
    expect(legs.find((l) => l.agent_id === plain)?.to_number).toBe(phone!.phone);
  });
});
