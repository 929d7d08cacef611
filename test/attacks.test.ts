import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sql } from './helpers/db.js';
import { CREATE_CAMPAIGN, seedBasics } from './helpers/fixtures.js';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
let app: TestApp;
let campaignId = '';
beforeAll(async () => {
  // limits shared through Redis, as with several instances
  app = await startTestApp({ redisUrl: REDIS });
  const b = await seedBasics(app, 3);
  campaignId = (await app.gql(CREATE_CAMPAIGN, { i: { name: 'Attacked', listId: b.listId, groupId: b.groupId, callerId: '+912240001234' } })).data.createCampaign.id;
});
afterAll(() => app?.dispose());

/** /healthz latencies while `attack` runs: the server must stay responsive. */
async function healthDuring(attack: () => Promise<void>): Promise<number> {
  let worst = 0;
  let done = false;
  const poll = (async () => {
    while (!done) {
      const t = performance.now();
      const res = await fetch(app.url.replace('/graphql', '/healthz'));
      expect(res.status).toBe(200);
      worst = Math.max(worst, performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await attack();
  done = true;
  await poll;
  return worst;
}

async function post(body: string | unknown, token?: string) {
  const t = performance.now();
  const res = await fetch(app.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: (() => { try { return JSON.parse(text); } catch { return undefined; } })(), ms: performance.now() - t, headers: res.headers };
}

/** Issue 13's attack list: each is refused with its code, fast, and /healthz stays fast throughout. */
describe('attacks', () => {
  it('expensive, deep, wide, huge and batched documents are refused in milliseconds with a code; nothing else suffers', async () => {
    const token = await app.tokenFor(app.adminUserId);
    const results: Record<string, { status: number; code: string; ms: number }> = {};
    const worst = await healthDuring(async () => {
      const cases: [string, unknown][] = [
        ['60 aliases of the report', { query: `{ ${Array.from({ length: 60 }, (_, i) => `r${i}: campaignReport(campaignId: "${campaignId}") { csv }`).join(' ')} }` }],
        ['15 aliases of the report (under the alias limit, over the cost limit)', { query: `{ ${Array.from({ length: 15 }, (_, i) => `r${i}: campaignReport(campaignId: "${campaignId}") { csv }`).join(' ')} }` }],
        ['50-deep query', { query: `{ ${'__schema { types { fields { type { '.repeat(12)}name${' } } } }'.repeat(12)} }` }],
        ['10,000 aliases', { query: `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: __typename`).join(' ')} }` }],
        ['3,500 tokens in a short document', { query: `{ ${'a '.repeat(3500)}}` }],
        ['lists too large to be worth it', { query: `{ ${[1, 2].map((i) => `c${i}: contacts(limit: 200) { items { id name timeZone createdAt phones { e164 region position candidateTimeZones timeZones zoneSource } fields { key value } } }`).join(' ')} }` }],
        ['100 operations in one batch', Array.from({ length: 100 }, () => ({ query: '{ me { user { id } } }' }))],
      ];
      for (const [name, body] of cases) {
        const r = await post(body, token);
        results[name] = { status: r.status, code: r.json?.errors?.[0]?.extensions?.code ?? r.json?.[0]?.errors?.[0]?.extensions?.code, ms: Math.round(r.ms) };
        expect(r.json, name).toBeDefined(); // JSON, never an HTML page
        expect(r.text, name).not.toMatch(/<html|at \//i); // no stack traces or file paths
      }
    });
    for (const name of ['60 aliases of the report', '15 aliases of the report (under the alias limit, over the cost limit)', '50-deep query', '10,000 aliases', '3,500 tokens in a short document', 'lists too large to be worth it']) {
      expect(results[name]!.code, name).toBe('QUERY_TOO_COMPLEX');
      expect(results[name]!.status, name).toBe(400);
      expect(results[name]!.ms, name).toBeLessThan(1000);
    }
    expect(results['100 operations in one batch']!.status).toBe(400);
    expect(worst).toBeLessThan(1000);
    console.log(JSON.stringify({ attacks: results, healthzWorstMs: Math.round(worst) }));
  });

  it('a body over the limit is 413 PAYLOAD_TOO_LARGE as JSON; unreadable JSON is 400; both carry a request id', async () => {
    const big = await post(`{"query":"{ me { user { id } } }","variables":{"x":"${'x'.repeat(7 * 1024 * 1024)}"}}`);
    expect(big.status).toBe(413);
    expect(big.json.errors[0].extensions).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', requestId: expect.any(String) });
    expect(big.headers.get('x-request-id')).toBe(big.json.errors[0].extensions.requestId);
    const bad = await post('{"query": ');
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('custom fields are bounded for the API and for CSV rows, and nothing is stored past the limit', async () => {
    const before = Number((await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from contact`))[0]!.n);
    const api = await app.gql(`mutation($i: CreateContactInput!) { createContact(input: $i) { id } }`, { i: { name: 'Big', phones: ['+919822200001'], fields: [{ key: 'notes', value: 'x'.repeat(1_000_001) }] } });
    expect(api.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const csv = await app.gql(`mutation($i: ImportContactsCsvInput!) { importContactsCsv(input: $i) { created errors { line code reason } } }`, {
      i: { csv: `name,phone,notes\nBig,+919822200002,${'y'.repeat(100_000)}\nSmall,+919822200003,ok\n` },
    });
    expect(csv.data.importContactsCsv).toEqual({ created: 1, errors: [{ line: 2, code: 'INVALID_ROW', reason: expect.stringContaining('longer than 1000 characters') }] });
    expect(Number((await sql<{ n: string }>(app.databaseUrl, `select count(*) as n from contact`))[0]!.n)).toBe(before + 1);
  });

  it('security headers on the API and the web app; errors carry the request id and no internals', async () => {
    for (const path of ['/graphql', '/', '/healthz']) {
      const res = await fetch(app.url.replace('/graphql', path), path === '/graphql' ? { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ me { user { id } } }"}' } : {});
      expect(res.headers.get('x-powered-by'), path).toBeNull();
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
    }
    const r = await post({ query: '{ campaign(id: "00000000-0000-4000-8000-000000000000") { id } }' }, await app.tokenFor(app.adminUserId));
    expect(r.json.errors[0].extensions).toEqual({ code: 'NOT_FOUND', entity: 'campaign', id: '00000000-0000-4000-8000-000000000000', requestId: r.headers.get('x-request-id') });
  });
});

describe('rates', () => {
  it('sign-in: wrong passwords lock the account out; the right one is refused while locked', async () => {
    const email = `brute-${Date.now()}@attack.test`;
    await app.gql(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, { i: { name: 'Target', email, role: 'AGENT', password: 'the right password' } });
    const signIn = (p: string) => post({ query: 'mutation($e: String!, $p: String!) { signIn(email: $e, password: $p) { token } }', variables: { e: email, p } });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await signIn(`wrong ${i}`)).json.errors[0].extensions.code);
    expect(codes).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'UNAUTHENTICATED', 'RATE_LIMITED']);
    const locked = await signIn('the right password');
    expect(locked.status).toBe(429);
    expect(locked.json.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSec: expect.any(Number) });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.json.errors[0].extensions.retryAfterSec).toBeLessThanOrEqual(60);
  });

  it('per user and per IP: past the limit RATE_LIMITED (429, Retry-After), counted across instances through Redis', async () => {
    const limited = await startTestApp({ databaseUrl: app.databaseUrl, redisUrl: REDIS, config: { requestsPerMinute: 10, signInsPerIpPer10Min: 5 } });
    const second = await startTestApp({ databaseUrl: app.databaseUrl, redisUrl: REDIS, config: { requestsPerMinute: 10, signInsPerIpPer10Min: 5 } });
    try {
      // made through the unlimited instance: the limit counts this new user's requests only
      const user = (await app.gql(`mutation { createUser(input: { name: "Rate", email: "rate-${Date.now()}@attack.test", role: AGENT, password: "rate limited user" }) { id } }`)).data.createUser.id;
      const token = await limited.tokenFor(user);
      const statuses: number[] = [];
      // ten requests split over two instances, then the eleventh is refused wherever it lands
      for (let i = 0; i < 12; i++) statuses.push((await (i % 2 ? second : limited).gql(`{ me { user { id } } }`, {}, { token })).status);
      expect(statuses.slice(0, 10).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);

      // sign-in attempts per IP address (5 per 10 minutes here), whatever the emails
      const redis = new Redis(REDIS);
      try {
        const keys = [...(await redis.keys('rl:signin-ip:*')), ...(await redis.keys('rl:req:ip:*'))];
        if (keys.length) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
      const attempt = async (i: number) => {
        const res = await fetch(limited.url, { method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `mutation { signIn(email: "nobody-${i}-${Date.now()}@attack.test", password: "whatever") { token } }` }) });
        return res.status;
      };
      const ip: number[] = [];
      for (let i = 0; i < 7; i++) ip.push(await attempt(i));
      expect(ip).toEqual([200, 200, 200, 200, 200, 429, 429]);
    } finally {
      await second.dispose();
      await limited.dispose();
    }
  });
});
