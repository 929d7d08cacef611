/**
 * The API behind the admin screens (issue 13): users' roles, editing agents, groups that may or may
 * not schedule followups, and the suppression list's search and CSV import. Every refusal has its
 * code and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, handledNumber, seedBasics } from './helpers/fixtures.js';

const clock = new ManualClock('2026-11-30T06:00:00Z');
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock });
});
afterAll(() => app?.dispose());

const ok = async <T = any>(q: string, v: Record<string, unknown> = {}, as?: string): Promise<T> => {
  const r = as === undefined ? await app.gql(q, v) : await app.gql(q, v, as);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data as T;
};
const codeOf = async (q: string, v: Record<string, unknown> = {}, as?: string) => {
  const r = as === undefined ? await app.gql(q, v) : await app.gql(q, v, as);
  return { code: r.errors?.[0]?.extensions?.code, field: r.errors?.[0]?.extensions?.field, message: r.errors?.[0]?.message };
};
const newUser = async (email: string, role = 'AGENT') =>
  (await ok(`mutation($e: String!, $r: Role!) { createUser(input: { name: "U", email: $e, role: $r, password: "long-enough-1" }) { id } }`, { e: email, r: role })).createUser.id as string;

describe('users', () => {
  it('an admin changes a name and a role; the new role holds from the next request; nobody changes their own role', async () => {
    const id = await newUser('promote@a.io');
    expect((await codeOf(`query { users { id } }`, {}, id)).code).toBe('FORBIDDEN');
    const u = await ok(`mutation($id: ID!) { updateUser(id: $id, input: { name: " Pat Lee ", role: SUPERVISOR }) { name role } }`, { id });
    expect(u.updateUser).toEqual({ name: 'Pat Lee', role: 'SUPERVISOR' });
    expect((await ok(`query { users { id role } }`, {}, id)).users.find((x: { id: string }) => x.id === id).role).toBe('SUPERVISOR');

    const self = await codeOf(`mutation($id: ID!) { updateUser(id: $id, input: { role: AGENT }) { id } }`, { id: app.adminUserId });
    expect(self).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.role' });
    expect((await codeOf(`mutation($id: ID!) { updateUser(id: $id, input: { name: "  " }) { id } }`, { id })).code).toBe('BAD_USER_INPUT');
    expect((await codeOf(`mutation { updateUser(id: "00000000-0000-4000-8000-000000000000", input: { name: "x" }) { id } }`)).code).toBe('NOT_FOUND');
    // a supervisor may not change users
    expect((await codeOf(`mutation($id: ID!) { updateUser(id: $id, input: { role: ADMIN }) { id } }`, { id }, id)).code).toBe('FORBIDDEN');
    const [row] = await sql<{ role: string; name: string }>(app.databaseUrl, `select role, name from app_user where id = $1`, [id]);
    expect(row).toEqual({ role: 'SUPERVISOR', name: 'Pat Lee' });
  });

  it('lists users with their agent profiles', async () => {
    const id = await newUser('linked@a.io');
    const agent = (await ok(`mutation($u: ID!) { createAgent(input: { name: "Linked", phone: "+919700005555", userId: $u }) { id } }`, { u: id })).createAgent.id;
    const users = (await ok(`query { users { id agentId } }`)).users as { id: string; agentId: string | null }[];
    expect(users.find((u) => u.id === id)!.agentId).toBe(agent);
    expect(users.find((u) => u.id === app.adminUserId)!.agentId).toBeNull();
    const disabled = await ok(`mutation($id: ID!) { setUserDisabled(userId: $id, disabled: true) { disabled agentId } }`, { id });
    expect(disabled.setUserDisabled).toEqual({ disabled: true, agentId: agent });
  });

  it('refuses a blank name for a new user and creates nothing', async () => {
    const r = await codeOf(`mutation { createUser(input: { name: "   ", email: "blank@a.io", role: AGENT }) { id } }`);
    expect(r).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(await sql(app.databaseUrl, `select 1 from app_user where email = 'blank@a.io'`)).toHaveLength(0);
  });
});

describe('agents', () => {
  it('edits phone, zone, user and groups (the set is replaced); conflicts and bad input change nothing', async () => {
    const b = await seedBasics(app, 2);
    const other = (await ok(`mutation { createAgentGroup(input: { name: "Night shift" }) { id } }`)).createAgentGroup.id;
    const [a0, a1] = b.agents;
    const user = await newUser('agent-edit@a.io');
    const r = await ok(`mutation($id: ID!, $g: [ID!], $u: ID) { updateAgent(id: $id, input: { name: "Renamed", phone: "09700006666", defaultRegion: "IN",
      timeZone: "asia/calcutta", userId: $u, groupIds: $g }) { name phone timeZone userId } }`, { id: a0, g: [other], u: user });
    expect(r.updateAgent).toEqual({ name: 'Renamed', phone: '+919700006666', timeZone: 'Asia/Kolkata', userId: user });
    const groups = (await ok(`query { agentGroups(limit: 200) { id members { id } } }`)).agentGroups as { id: string; members: { id: string }[] }[];
    expect(groups.find((g) => g.id === other)!.members.map((m) => m.id)).toEqual([a0]);
    expect(groups.find((g) => g.id === b.groupId)!.members.map((m) => m.id)).toEqual([a1]);

    const before = await sql(app.databaseUrl, `select * from agent order by id`);
    const phoneOfA1 = (await ok(`query($id: ID!) { agent(id: $id) { phone } }`, { id: a1 })).agent.phone;
    expect(await codeOf(`mutation($id: ID!, $p: String!) { updateAgent(id: $id, input: { phone: $p }) { id } }`, { id: a0, p: phoneOfA1 })).toMatchObject({ code: 'CONFLICT', field: 'input.phone' });
    expect(await codeOf(`mutation($id: ID!) { updateAgent(id: $id, input: { phone: "12ab" }) { id } }`, { id: a0 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.phone' });
    expect(await codeOf(`mutation($id: ID!) { updateAgent(id: $id, input: { timeZone: "EST" }) { id } }`, { id: a0 })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.timeZone' });
    expect((await codeOf(`mutation($id: ID!) { updateAgent(id: $id, input: { groupIds: ["00000000-0000-4000-8000-000000000000"] }) { id } }`, { id: a0 })).code).toBe('NOT_FOUND');
    expect(await codeOf(`mutation($id: ID!, $u: ID) { updateAgent(id: $id, input: { userId: $u }) { id } }`, { id: a1, u: user })).toMatchObject({ code: 'CONFLICT', field: 'input.userId' });
    expect(await sql(app.databaseUrl, `select * from agent order by id`)).toEqual(before);

    expect((await ok(`mutation($id: ID!) { updateAgent(id: $id, input: { userId: "" }) { userId } }`, { id: a0 })).updateAgent.userId).toBeNull();
  });
});

describe('groups and followups (seed 002)', () => {
  it('a group that may not schedule followups refuses its agents with FORBIDDEN and the reason; supervisors still may; allowing it again works', async () => {
    const b = await seedBasics(app, 4);
    const agentUser = await newUser('followups@a.io');
    const agentId = (await ok(`mutation($u: ID!, $g: [ID!]) { createAgent(input: { name: "F", phone: "+919700007777", userId: $u, groupIds: $g }) { id } }`, { u: agentUser, g: [b.groupId] })).createAgent.id;
    const c = (await ok(CREATE_CAMPAIGN, { i: { name: 'Followup rights', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).createCampaign;
    await app.scheduler.tick();
    const g = await ok(`mutation($id: ID!) { updateAgentGroup(id: $id, input: { mayScheduleFollowups: false }) { mayScheduleFollowups } }`, { id: b.groupId });
    expect(g.updateAgentGroup.mayScheduleFollowups).toBe(false);

    const SCHEDULE = `mutation($n: ID!) { scheduleFollowup(input: { numberId: $n, date: "2026-12-01", time: "10:00" }) { numberId } }`;
    const n = await handledNumber(app, c.id, agentId, clock.now());
    const before = await sql(app.databaseUrl, `select * from campaign_number where id = $1`, [n]);
    const refused = await codeOf(SCHEDULE, { n }, agentUser);
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toMatch(/may not schedule followups/);
    expect(await sql(app.databaseUrl, `select * from campaign_number where id = $1`, [n])).toEqual(before);
    // a supervisor books it for the agent
    expect((await ok(SCHEDULE, { n })).scheduleFollowup.numberId).toBe(n);

    await ok(`mutation($id: ID!) { updateAgentGroup(id: $id, input: { mayScheduleFollowups: true, name: "Day shift" }) { id } }`, { id: b.groupId });
    const n2 = await handledNumber(app, c.id, agentId, clock.now());
    expect((await ok(SCHEDULE, { n: n2 }, agentUser)).scheduleFollowup.numberId).toBe(n2);
    expect((await ok(`query($id: ID!) { agentGroup(id: $id) { name mayScheduleFollowups } }`, { id: b.groupId })).agentGroup).toEqual({ name: 'Day shift', mayScheduleFollowups: true });
    const other = (await ok(`mutation { createAgentGroup(input: { name: "Taken", mayScheduleFollowups: false }) { id mayScheduleFollowups } }`)).createAgentGroup;
    expect(other.mayScheduleFollowups).toBe(false);
    expect(await codeOf(`mutation($id: ID!) { updateAgentGroup(id: $id, input: { name: "Taken" }) { id } }`, { id: b.groupId })).toMatchObject({ code: 'CONFLICT', field: 'input.name' });
  });
});

describe('suppression list', () => {
  const IMPORT = `mutation($i: ImportSuppressionsCsvInput!) { importSuppressionsCsv(input: $i) { rows added alreadyListed errors { line code reason } } }`;
  const SEARCH = `query($s: String, $k: SuppressionKind, $o: Int! = 0) { suppressions(search: $s, kind: $k, limit: 2, offset: $o) { totalCount items { kind value reason } } }`;

  it('imports good rows, reports bad ones by line, counts entries already listed, and searches by any spelling of a number', async () => {
    await ok(`mutation { addSuppression(input: { kind: NUMBER, value: "+919812345001", reason: "asked" }) { id } }`);
    const csv = ['Number,Client ID,Reason', '+91 98123 45001,,again', '09812345002,C-77,complaint', 'not-a-number,,x', ',,', '+919812345003,,', '+919812345003,,twice in the file'].join('\n');
    const r = (await ok(IMPORT, { i: { csv, defaultRegion: 'IN' } })).importSuppressionsCsv;
    expect(r).toMatchObject({ rows: 6, added: 3, alreadyListed: 1 });
    expect(r.errors).toEqual([
      { line: 4, code: 'INVALID_NUMBER', reason: expect.stringContaining('not-a-number') },
      { line: 5, code: 'EMPTY_ROW', reason: expect.any(String) },
    ]);
    // the first spelling's reason is kept: an import never overwrites an entry
    const all = (await ok(`query { suppressions(limit: 50) { totalCount items { kind value reason } } }`)).suppressions;
    expect(all.totalCount).toBe(4);
    expect(all.items).toEqual(expect.arrayContaining([
      { kind: 'NUMBER', value: '+919812345001', reason: 'asked' }, { kind: 'NUMBER', value: '+919812345002', reason: 'complaint' },
      { kind: 'CLIENT_ID', value: 'C-77', reason: 'complaint' }, { kind: 'NUMBER', value: '+919812345003', reason: null },
    ]));
    expect((await ok(SEARCH, { s: '98123 45002' })).suppressions).toEqual({ totalCount: 1, items: [{ kind: 'NUMBER', value: '+919812345002', reason: 'complaint' }] });
    expect((await ok(SEARCH, { s: 'c-7' })).suppressions.items).toEqual([{ kind: 'CLIENT_ID', value: 'C-77', reason: 'complaint' }]);
    expect((await ok(SEARCH, { s: 'ASKED' })).suppressions.totalCount).toBe(1);
    expect((await ok(SEARCH, { k: 'NUMBER' })).suppressions.totalCount).toBe(3);
    expect((await ok(SEARCH, { k: 'NUMBER', o: 2 })).suppressions.items).toHaveLength(1);
    expect((await ok(SEARCH, { s: '%' })).suppressions.totalCount).toBe(0);
  });

  it('refuses a file it cannot read, or without a number or client_id column, and changes nothing', async () => {
    const before = await sql(app.databaseUrl, `select * from suppression order by id`);
    for (const csv of ['', 'name,reason\nBob,x', 'number\n"unclosed']) {
      expect(await codeOf(IMPORT, { i: { csv } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.csv' });
    }
    expect(await codeOf(IMPORT, { i: { csv: 'number\n+919812345009', defaultRegion: 'India' } })).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await sql(app.databaseUrl, `select * from suppression order by id`)).toEqual(before);
  });

  it('an imported number is never dialled (FAILED_DND at the guard)', async () => {
    const b = await seedBasics(app, 3);
    const [n] = await sql<{ e164: string }>(app.databaseUrl, `select p.e164 from phone_number p join contact_list_member m on m.contact_id = p.contact_id where m.list_id = $1 limit 1`, [b.listId]);
    await ok(IMPORT, { i: { csv: `phone\n${n!.e164}` } });
    const c = (await ok(CREATE_CAMPAIGN, { i: { name: 'DND import', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).createCampaign;
    await app.scheduler.tick();
    const agentUser = await newUser('dnd@a.io');
    await ok(`mutation($u: ID!, $g: [ID!]) { createAgent(input: { name: "D", phone: "+919700008888", userId: $u, groupIds: $g }) { id } }`, { u: agentUser, g: [b.groupId] });
    await ok(`mutation($c: ID!) { startDialling(campaignId: $c) { agentId } }`, { c: c.id }, agentUser);
    for (let i = 0; i < 600; i++) {
      const [row] = await sql<{ state: string }>(app.databaseUrl, `select state from campaign_number where campaign_id = $1 and e164 = $2`, [c.id, n!.e164]);
      if (row!.state !== 'SCHEDULED') break;
      await clock.run(1000, () => app.engine.idle());
    }
    const [row] = await sql<{ state: string }>(app.databaseUrl, `select state from campaign_number where campaign_id = $1 and e164 = $2`, [c.id, n!.e164]);
    expect(row!.state).toBe('FAILED_DND');
    const legs = await sql(app.databaseUrl, `select 1 from call_leg where campaign_id = $1 and to_number = $2`, [c.id, n!.e164]);
    expect(legs).toHaveLength(0);
  });
});
