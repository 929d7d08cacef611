import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ManualClock } from '../server/src/clock.js';
import { startTestApp, subscribe, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const SIGN_IN = `mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token expiresAt user { id email role agentId } } }`;
const ME = `{ me { user { id email role agentId } organizationId } }`;
const SET_PASSWORD = `mutation($u: ID, $p: String!) { setPassword(userId: $u, password: $p) }`;
const STATS = `subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { total } }`;
const HOUR = 3_600_000;

const clock = new ManualClock(new Date());
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock });
});
afterAll(() => app?.dispose());

let seq = 0;
/** A user created by the bootstrap admin; `password` null creates one that cannot sign in. */
async function createUser(role = 'AGENT', password: string | null = 'correct horse'): Promise<{ id: string; email: string }> {
  const email = `user${++seq}-${Date.now()}@auth.test`;
  const r = await app.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { id email } }`, {
    i: { name: `User ${seq}`, email, role, ...(password === null ? {} : { password }) },
  });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.createUser;
}

async function signIn(email: string, password = 'correct horse') {
  return app.gql<{ signIn: { token: string; expiresAt: string; user: { id: string; email: string; role: string; agentId: string | null } } }>(SIGN_IN, { e: email, p: password });
}

async function tokenFor(email: string, password = 'correct horse'): Promise<string> {
  const r = await signIn(email, password);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data!.signIn.token;
}

describe('signIn', () => {
  it('returns a token that works for HTTP (me, with the agent profile) and for a graphql-ws subscription', async () => {
    const user = await createUser('SUPERVISOR');
    const agent = await app.gql(`mutation($i: CreateAgentInput!) { createAgent(input: $i) { id } }`, { i: { name: 'Sup agent', phone: '+919700000101', userId: user.id } });
    const agentId = agent.data.createAgent.id;

    const r = await signIn(`  ${user.email.toUpperCase()} `); // emails are case-insensitive
    expect(r.errors).toBeUndefined();
    expect(r.data!.signIn.user).toEqual({ id: user.id, email: user.email, role: 'SUPERVISOR', agentId });
    expect(new Date(r.data!.signIn.expiresAt).getTime() - clock.now().getTime()).toBeGreaterThan(12 * HOUR - 1000);
    expect(new Date(r.data!.signIn.expiresAt).getTime() - clock.now().getTime()).toBeLessThanOrEqual(12 * HOUR);
    const token = r.data!.signIn.token;

    const me = await app.gql(ME, {}, { token });
    expect(me.errors).toBeUndefined();
    expect(me.data.me.user).toEqual({ id: user.id, email: user.email, role: 'SUPERVISOR', agentId });

    const b = await seedBasics(app, 3);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Token live', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign;
    const sub = subscribe<{ campaignStatsChanged: { total: number } }>(app.ws({ token }), STATS, { id: c.id });
    expect((await sub.waitFor(() => true)).campaignStatsChanged.total).toBe(3);
    sub.unsubscribe();
  });

  it('answers a wrong password and an unknown email alike: UNAUTHENTICATED, same message', async () => {
    const user = await createUser();
    const wrong = await signIn(user.email, 'wrong password');
    const unknown = await signIn(`nobody-${Date.now()}@auth.test`, 'correct horse');
    for (const r of [wrong, unknown]) {
      expect(r.data).toBeNull();
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    expect(wrong.errors![0]!.message).toBe(unknown.errors![0]!.message);
  });

  it('refuses a user without a password, with the same message', async () => {
    const user = await createUser('AGENT', null);
    const r = await signIn(user.email, '');
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.errors![0]!.message).toBe((await signIn(`nobody-${Date.now()}@auth.test`)).errors![0]!.message);
  });
});

describe('tokens', () => {
  it('a tampered, malformed or foreign-scheme token is UNAUTHENTICATED over HTTP and refused over graphql-ws', async () => {
    const user = await createUser();
    const other = await createUser();
    const token = await tokenFor(user.email);
    const [body, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    const forged = `${Buffer.from(JSON.stringify({ ...payload, u: other.id })).toString('base64url')}.${signature}`;
    const flipped = `${body}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BA' : 'AA'}`;
    for (const bad of [forged, flipped, `${body}.`, 'not-a-token', `${token}.x`]) {
      const r = await app.gql(ME, {}, { token: bad });
      expect(r.errors?.[0]?.extensions?.code, bad).toBe('UNAUTHENTICATED');
      expect(r.data).toBeNull();
    }
    const basic = await fetch(app.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic YWRtaW46eA==' },
      body: JSON.stringify({ query: ME }),
    });
    expect(((await basic.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');

    const sub = subscribe(app.ws({ token: forged }), STATS, { id: '00000000-0000-4000-8000-000000000000' });
    await expect.poll(() => sub.errors.length, { timeout: 3000 }).toBeGreaterThan(0);
    expect(JSON.stringify(sub.errors)).toMatch(/4403|Forbidden/);
  });

  it('expires after 12 hours on the app clock', async () => {
    const user = await createUser();
    const token = await tokenFor(user.email);
    clock.set(clock.now().getTime() + 12 * HOUR - 5000);
    expect((await app.gql(ME, {}, { token })).data?.me.user.id).toBe(user.id);
    clock.set(clock.now().getTime() + 5000);
    const r = await app.gql(ME, {}, { token });
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.errors?.[0]?.message).toMatch(/expired/);
    const sub = subscribe(app.ws({ token }), STATS, { id: '00000000-0000-4000-8000-000000000000' });
    await expect.poll(() => sub.errors.length, { timeout: 3000 }).toBeGreaterThan(0);
    expect(JSON.stringify(sub.errors)).toMatch(/4403|Forbidden/);
  });

  it('are accepted by another instance on the same database (the signing key is shared)', async () => {
    const user = await createUser();
    const token = await tokenFor(user.email);
    const b = await startTestApp({ databaseUrl: app.databaseUrl, clock });
    try {
      expect((await b.gql(ME, {}, { token })).data?.me.user.id).toBe(user.id);
      const fromB = (await b.gql(SIGN_IN, { e: user.email, p: 'correct horse' })).data.signIn.token;
      expect((await app.gql(ME, {}, { token: fromB })).data?.me.user.id).toBe(user.id);
      expect(await sql(app.databaseUrl, `select name from server_secret`)).toEqual([{ name: 'session' }]);
    } finally {
      await b.dispose();
    }
  });
});

describe('identity is required', () => {
  it('nothing but signIn works without a session: no anonymous admin, no identity header, no anonymous introspection', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(app.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const lists = Number((await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from contact_list`))[0]!.n);
    for (const [name, body, headers] of [
      ['a query', { query: ME }, {}],
      ['introspection', { query: '{ __schema { types { name } } }' }, {}],
      ['the old identity header', { query: ME }, { 'x-dialer-user': app.adminUserId }],
      ['a mutation', { query: 'mutation { createContactList(name: "anon") { id } }' }, {}],
      ['signIn smuggling another field', { query: 'mutation { signIn(email: "a@b.c", password: "xxxxxxxx") { token } createContactList(name: "anon") { id } }' }, {}],
      ['a batch', [{ query: ME }], {}],
    ] as const) {
      const res = await post(body, headers);
      expect(res.status, name).toBe(401);
      const json = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
      expect(json.errors?.[0]?.extensions?.code, name).toBe('UNAUTHENTICATED');
    }
    expect(Number((await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from contact_list`))[0]!.n)).toBe(lists);
    // signIn itself needs no session
    const user = await createUser();
    const res = await post({ query: SIGN_IN, variables: { e: user.email, p: 'correct horse' } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: { signIn: { token: string } } }).data.signIn.token).toMatch(/\./);
    // graphql-ws: no token, refused (4403)
    const sub = subscribe(app.ws(null), STATS, { id: '00000000-0000-4000-8000-000000000000' });
    await expect.poll(() => sub.errors.length, { timeout: 3000 }).toBeGreaterThan(0);
    expect(JSON.stringify(sub.errors)).toMatch(/4403|Forbidden/);
  });

  it('a WebSocket from a foreign origin is refused at the upgrade; the same origin and scripts without one connect', async () => {
    const host = new URL(app.wsUrl).host;
    const tryOpen = (origin?: string) =>
      new Promise<number | 'open'>((resolve) => {
        const ws = new WebSocket(app.wsUrl, 'graphql-transport-ws', origin ? { headers: { origin } } : {});
        ws.on('open', () => {
          ws.close();
          resolve('open');
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => undefined);
      });
    expect(await tryOpen('https://evil.example')).toBe(403);
    expect(await tryOpen(`http://${host}`)).toBe('open');
    expect(await tryOpen()).toBe('open');
  });

  it('a subscribe message before connection_init closes the socket with 4401', async () => {
    const code = await new Promise<number>((resolve) => {
      const ws = new WebSocket(app.wsUrl, 'graphql-transport-ws');
      ws.on('open', () => ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: STATS, variables: { id: '00000000-0000-4000-8000-000000000000' } } })));
      ws.on('close', (c) => resolve(c));
    });
    expect(code).toBe(4401);
  });
});

describe('sessions end on the server', () => {
  const SIGN_OUT = `mutation { signOut }`;
  /** Opens a subscription with `token`; resolves with how long after `from()` the server closed it. */
  async function closedWithin(token: string, campaignId: string, end: () => Promise<void>): Promise<number> {
    const sub = subscribe<{ campaignStatsChanged: { total: number } }>(app.ws({ token }), STATS, { id: campaignId });
    await sub.waitFor(() => true);
    const t0 = Date.now();
    await end();
    await expect.poll(() => sub.errors.length, { timeout: 5000, interval: 50 }).toBeGreaterThan(0);
    expect(JSON.stringify(sub.errors)).toMatch(/4403/);
    return Date.now() - t0;
  }

  it('sign out, sign out everywhere, a disabled user and a password change end sessions at once; open sockets close within 5 s', async () => {
    const b = await seedBasics(app, 2);
    const c = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Sessions', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign;
    const user = await createUser('SUPERVISOR');

    // sign out: this session ends, another one of the same user does not
    const one = await tokenFor(user.email);
    const two = await tokenFor(user.email);
    const out = await closedWithin(one, c.id, async () => {
      expect((await app.gql(SIGN_OUT, {}, { token: one })).data).toEqual({ signOut: true });
    });
    expect((await app.gql(ME, {}, { token: one })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await app.gql(ME, {}, { token: two })).data?.me.user.id).toBe(user.id);

    // sign out everywhere
    const everywhere = await closedWithin(two, c.id, async () => {
      expect((await app.gql(`mutation { signOutEverywhere }`, {}, { token: two })).data.signOutEverywhere).toBeGreaterThanOrEqual(1);
    });
    expect((await app.gql(ME, {}, { token: two })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // an admin disables the user: sessions end, sign-in refused with the usual message; enabling lets them back
    const three = await tokenFor(user.email);
    const disabled = await closedWithin(three, c.id, async () => {
      expect((await app.gql(`mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true) { disabled } }`, { u: user.id })).data.setUserDisabled.disabled).toBe(true);
    });
    expect((await signIn(user.email)).errors?.[0]?.message).toBe((await signIn(`nobody-${Date.now()}@auth.test`)).errors?.[0]?.message);
    expect((await app.gql(`mutation($u: ID!) { setUserDisabled(userId: $u, disabled: false) { disabled } }`, { u: user.id })).data.setUserDisabled.disabled).toBe(false);

    // a password change (an admin's)
    const four = await tokenFor(user.email);
    const password = await closedWithin(four, c.id, async () => {
      expect((await app.gql(SET_PASSWORD, { u: user.id, p: 'a new password' })).data).toEqual({ setPassword: true });
    });
    for (const ms of [out, everywhere, disabled, password]) expect(ms).toBeLessThan(5000);
    console.log(JSON.stringify({ socketClosedAfterMs: { signOut: out, signOutEverywhere: everywhere, disabled, passwordChange: password } }));

    // only admins disable, never themselves; agents sign out only themselves
    const agent = await createUser('AGENT');
    expect((await app.gql(`mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true) { id } }`, { u: user.id }, agent.id)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.gql(`mutation($u: ID!) { signOutEverywhere(userId: $u) }`, { u: user.id }, agent.id)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await app.gql(`mutation($u: ID!) { setUserDisabled(userId: $u, disabled: true) { id } }`, { u: app.adminUserId })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('setPassword', () => {
  it('ends older sessions: own change and an admin change both invalidate existing tokens', async () => {
    const user = await createUser();
    const first = await tokenFor(user.email);
    expect((await app.gql(SET_PASSWORD, { p: 'second password' }, { token: first })).data).toEqual({ setPassword: true });
    expect((await app.gql(ME, {}, { token: first })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await signIn(user.email, 'correct horse')).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const second = await tokenFor(user.email, 'second password');
    expect((await app.gql(ME, {}, { token: second })).data?.me.user.id).toBe(user.id);
    expect((await app.gql(SET_PASSWORD, { u: user.id, p: 'set by the admin' })).data).toEqual({ setPassword: true });
    expect((await app.gql(ME, {}, { token: second })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((await signIn(user.email, 'set by the admin')).errors).toBeUndefined();
  });

  it('lets an agent set only their own password (FORBIDDEN otherwise) and checks its length', async () => {
    const agent = await createUser('AGENT');
    const victim = await createUser('AGENT');
    const token = await tokenFor(agent.email);
    const before = await sql<{ password_hash: string }>(app.databaseUrl, `select password_hash from app_user where id = $1`, [victim.id]);
    for (const as of [{ token }, agent.id]) {
      const r = await app.gql(SET_PASSWORD, { u: victim.id, p: 'hijacked password' }, as);
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await sql(app.databaseUrl, `select password_hash from app_user where id = $1`, [victim.id])).toEqual(before);
    expect((await signIn(victim.email)).errors).toBeUndefined();

    expect((await app.gql(SET_PASSWORD, { u: agent.id, p: 'mine, by id' }, { token })).data).toEqual({ setPassword: true });
    const short = await app.gql(SET_PASSWORD, { p: 'short' }, { token: await tokenFor(agent.email, 'mine, by id') });
    expect(short.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
  });

  it('an admin setting a password in another organisation gets NOT_FOUND', async () => {
    const [org] = await sql<{ id: string }>(app.databaseUrl, `insert into organization (id, name, created_at) values (gen_random_uuid(), 'Other', now()) returning id`);
    const [outsider] = await sql<{ id: string }>(app.databaseUrl, `insert into app_user (id, organization_id, name, email, role, created_at) values (gen_random_uuid(), $1, 'Eve', 'eve@other', 'AGENT', now()) returning id`, [org!.id]);
    const r = await app.gql(SET_PASSWORD, { u: outsider!.id, p: 'not yours at all' });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('createUser password', () => {
  it('refuses a too-short password with BAD_USER_INPUT and creates nothing', async () => {
    const email = `short-${Date.now()}@auth.test`;
    const r = await app.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { name: 'Shorty', email, role: 'AGENT', password: '1234567' } });
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'password' });
    expect(await sql(app.databaseUrl, `select id from app_user where email = $1`, [email])).toEqual([]);
  });

  it('stores a salted scrypt hash, never the password', async () => {
    const a = await createUser('AGENT', 'same password');
    const b = await createUser('AGENT', 'same password');
    const rows = await sql<{ password_hash: string }>(app.databaseUrl, `select password_hash from app_user where id in ($1, $2)`, [a.id, b.id]);
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
      expect(row.password_hash).not.toContain('same password');
    }
    expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
  });
});

describe('demo seed accounts', () => {
  it('admin, a supervisor who is also an agent in the demo group, and agent1..8; agent1 and the supervisor are not dialling', async () => {
    const demo = await startTestApp({ demoSeed: true, clock: new ManualClock(new Date()) });
    try {
      const signInOn = async (email: string, password: string) => (await demo.gql(SIGN_IN, { e: email, p: password })).data?.signIn;
      expect((await signInOn('admin@localhost', 'admin1234')).user.role).toBe('ADMIN');
      const sup = await signInOn('supervisor@demo.local', 'demo1234');
      expect(sup.user).toMatchObject({ role: 'SUPERVISOR', agentId: expect.any(String) });
      const agents = [];
      for (let i = 1; i <= 8; i++) agents.push((await signInOn(`agent${i}@demo.local`, 'demo1234')).user);
      expect(agents.every((a) => a.role === 'AGENT' && a.agentId)).toBe(true);

      const rows = await sql<{ id: string; active_campaign_id: string | null; in_group: boolean }>(
        demo.databaseUrl,
        `select a.id, a.active_campaign_id, exists (select 1 from agent_group_member m join agent_group g on g.id = m.group_id where m.agent_id = a.id and g.name = 'Sales floor') as in_group from agent a`,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get(sup.user.agentId)).toMatchObject({ active_campaign_id: null, in_group: true });
      expect(byId.get(agents[0].agentId)).toMatchObject({ active_campaign_id: null, in_group: true });
      for (const a of agents.slice(1)) expect(byId.get(a.agentId)!.active_campaign_id).not.toBeNull();
    } finally {
      await demo.dispose();
    }
  });
});
