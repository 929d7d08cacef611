import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const NOW = new Date('2026-11-23T05:00:00Z'); // 10:30 in Asia/Kolkata
const clock = new ManualClock(NOW);
let app: TestApp;
beforeAll(async () => {
  // nobody answers: every attempt rings out and becomes an owned callback (RETRY) of the agent who dialled it
  app = await startTestApp({ clock, simulator: { seed: 7, agentPickup: 1, customer: { busy: 0, failed: 0, answer: 0, machine: 0 } } });
});
afterAll(() => app?.dispose());

const MIN = 60_000;
const run = (ms: number) => clock.run(ms, () => app.engine.idle());
const GET = `mutation($c: ID!, $a: ID) { getCustomers(campaignId: $c, agentId: $a) { claimed owned perClickMax maxUnprocessed limitedBy } }`;
const AGENTS = `fragment Own on AssignResult { numbersAssigned agents { agentId name owned } }`;
const owners = async (campaignId: string) =>
  Object.fromEntries((await sql<{ owner: string | null; n: string }>(app.databaseUrl,
    `select coalesce(owner_agent_id::text, 'nobody') as owner, count(distinct coalesce(contact_id, id)) as n from campaign_number
      where campaign_id = $1 and state in ('SCHEDULED','RETRY','IN_PROGRESS','RETRYING') group by 1`, [campaignId])).map((r) => [r.owner, Number(r.n)]));

describe('agent-owned pools and auto-dial (seed 003)', () => {
  it('Get customers within the per-click and owned maximums; balanced, manual and CSV assignment; owner-only dialling; stalled callbacks released', async () => {
    const b = await seedBasics(app, 30);
    const third = (await app.gql(`mutation { createAgent(input: { name: "Agent C", phone: "+919700000333" }) { id } }`)).data.createAgent.id as string;
    await app.gql(`mutation($g: ID!, $a: [ID!]!) { changeGroupMembers(groupId: $g, addAgentIds: $a) { memberCount } }`, { g: b.groupId, a: [third] });
    const [A, B] = b.agents as [string, string];
    const C = third;
    const created = await app.gql(CREATE_CAMPAIGN.replace('callingWindow { start end }', 'callingWindow { start end } ownerPool { perClickMax maxUnprocessed releaseAfterMinutes }'), {
      i: { name: 'Pool', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PROGRESSIVE', wrapUpSeconds: 5,
        attemptPolicy: { retries: 3, retryIntervalMinutes: 30 }, ownerPool: { perClickMax: 4, maxUnprocessed: 6, releaseAfterMinutes: 10 } },
    });
    expect(created.errors).toBeUndefined();
    const id = created.data.createCampaign.id as string;
    expect(created.data.createCampaign.ownerPool).toEqual({ perClickMax: 4, maxUnprocessed: 6, releaseAfterMinutes: 10 });
    // a predictive campaign cannot have one: it dials a shared pool
    const bad = await app.gql(CREATE_CAMPAIGN, { i: { name: 'No', listId: b.listId, groupId: b.groupId, callerId: '+912240001234', dialMode: 'PREDICTIVE', ownerPool: {} } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.ownerPool' });
    await app.scheduler.tick();

    // Get customers: 4 a click, then 2 (the owned maximum), then refused naming the limit
    expect((await app.gql(GET, { c: id, a: A })).data.getCustomers).toEqual({ claimed: 4, owned: 4, perClickMax: 4, maxUnprocessed: 6, limitedBy: 'PER_CLICK' });
    expect((await app.gql(GET, { c: id, a: A })).data.getCustomers).toMatchObject({ claimed: 2, owned: 6, limitedBy: 'MAX_UNPROCESSED' });
    const refused = await app.gql(GET, { c: id, a: A });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', limit: 'MAX_UNPROCESSED' });
    expect(refused.errors?.[0]?.message).toMatch(/already own 6 unprocessed customers, the campaign's maximum of 6/);
    expect(await owners(id)).toEqual({ [A]: 6, nobody: 24 });
    // the console says so: Start needs customers first
    const con = (await app.gql(`query($a: ID) { agentConsole(agentId: $a) { campaigns { id ownerPool ownedCustomers canStart cannotStartReason } } }`, { a: C })).data.agentConsole.campaigns;
    expect(con.find((x: { id: string }) => x.id === id)).toMatchObject({ ownerPool: true, ownedCustomers: 0, canStart: false, cannotStartReason: expect.stringContaining('Get customers') });

    // balanced auto-assign: fewest first, within the maximum: 6 / 6 / 6, the rest stays in the pool
    const auto = (await app.gql(`mutation($c: ID!) { autoAssignNumbers(campaignId: $c) { ...Own } } ${AGENTS}`, { c: id })).data.autoAssignNumbers;
    expect(auto.agents.map((a: { owned: number }) => a.owned)).toEqual([6, 6, 6]);
    expect(await owners(id)).toEqual({ [A]: 6, [B]: 6, [C]: 6, nobody: 12 });

    // manual: one of the pool's numbers to B (a supervisor may go past the click limits), and back again
    const pool = (await app.gql(`query($c: ID!) { campaignNumbers(campaignId: $c, unassigned: true, limit: 3) { totalCount items { id number ownerName } } }`, { c: id })).data.campaignNumbers;
    expect(pool.totalCount).toBe(12);
    const ASSIGN = `mutation($i: AssignNumbersInput!) { assignNumbers(input: $i) { ...Own } } ${AGENTS}`;
    expect((await app.gql(ASSIGN, { i: { campaignId: id, numberIds: [pool.items[0].id], agentId: B } })).data.assignNumbers.numbersAssigned).toBe(1);
    expect((await owners(id))[B]).toBe(7);
    const notMember = await app.gql(ASSIGN, { i: { campaignId: id, numberIds: [pool.items[1].id], agentId: (await seedBasics(app, 1)).agents[0] } });
    expect(notMember.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.agentId' });
    await app.gql(ASSIGN, { i: { campaignId: id, numberIds: [pool.items[0].id], agentId: null } });
    expect(await owners(id)).toEqual({ [A]: 6, [B]: 6, [C]: 6, nobody: 12 });

    // CSV: by the agent's name; bad rows reported by line, the good one assigned
    const csv = ['phone,agent', `${pool.items[1].number},Agent C`, 'not-a-phone,Agent C', `${pool.items[2].number},Nobody Here`, '+919811199999,Agent C'].join('\n');
    const byCsv = (await app.gql(`mutation($i: AssignNumbersCsvInput!) { assignNumbersCsv(input: $i) { rows numbersAssigned errors { line code } } }`, { i: { campaignId: id, csv } })).data.assignNumbersCsv;
    expect(byCsv).toEqual({ rows: 4, numbersAssigned: 1, errors: [{ line: 3, code: 'INVALID_PHONE' }, { line: 4, code: 'UNKNOWN_AGENT' }, { line: 5, code: 'UNKNOWN_NUMBER' }] });
    expect((await owners(id))[C]).toBe(7);

    // auto-dial: A and B start; each is offered only their own customers; C (not started) and the pool are not dialled
    for (const a of [A, B]) expect((await app.gql(`mutation($c: ID!, $a: ID) { startDialling(campaignId: $c, agentId: $a) { state } }`, { c: id, a })).errors).toBeUndefined();
    await run(10 * MIN);
    const legs = await sql<{ leg_agent: string; owner: string | null; released_at: Date | null }>(app.databaseUrl,
      `select l.agent_id as leg_agent, n.owner_agent_id as owner, n.released_at from call_leg l join campaign_number n on n.id = l.number_id
        where l.campaign_id = $1 and l.kind = 'CUSTOMER'`, [id]);
    expect(legs.length).toBe(12); // every customer of A and B once, each rang out
    expect(legs.every((l) => l.owner === l.leg_agent)).toBe(true);
    expect(await owners(id)).toEqual({ [A]: 6, [B]: 6, [C]: 7, nobody: 11 });

    // A goes home; A's callbacks fall due at 30 minutes: overdue after 5, released to the group after 10, then B dials them
    await app.gql(`mutation($a: ID) { stopDialling(agentId: $a) { state } }`, { a: A });
    await run(30 * MIN); // 40 minutes: A's six fell due between 30 and 34
    const LIVE = `query($id: ID!) { campaignLive(campaignId: $id) { ownedCallbacks { due overdue released } } }`;
    expect((await app.gql(LIVE, { id })).data.campaignLive.ownedCallbacks).toMatchObject({ overdue: 6, released: 0 });
    await run(7 * MIN); // 47 minutes: each due for more than 10
    const released = await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from campaign_number where campaign_id = $1 and released_at is not null`, [id]);
    expect(Number(released[0]!.n)).toBe(6);
    await run(10 * MIN); // B works its own callbacks and the released ones, due-time order
    const second = await sql<{ leg_agent: string }>(app.databaseUrl,
      `select l.agent_id as leg_agent from call_leg l join campaign_number n on n.id = l.number_id
        where l.campaign_id = $1 and l.kind = 'CUSTOMER' and n.released_at is not null and l.created_at >= n.released_at`, [id]);
    expect(second.length).toBe(6);
    expect(second.every((l) => l.leg_agent === B)).toBe(true);
  }, 120_000);
});
