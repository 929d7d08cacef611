import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { freePort, signInOver, startServerProcess, stopServerProcess } from './helpers/child.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'dialer-embedded-'));
chmodSync(dataDir, 0o755); // as root, the postgres user must be able to enter it
/** Picked free when the test starts: a fixed random guess can collide with another test's sockets. */
let pgPort = 0;

/** The real entry point with no DATABASE_URL and no REDIS_URL, as `npm start` runs it. */
const startServer = () =>
  startServerProcess({ DATABASE_URL: '', REDIS_URL: '', DATA_DIR: path.join(dataDir, 'pg'), EMBEDDED_PG_PORT: String(pgPort), LOG_LEVEL: 'info', SIM_TIME_SCALE: '10', DRAIN_TIMEOUT_SEC: '3' });

/** A GraphQL request as the demo administrator (nothing but signIn works without a session). */
async function query(url: string, q: string) {
  const token = await signInOver(url, 'admin@localhost', 'admin1234');
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: q }) });
  return (await res.json()) as { data: any };
}

const stop = stopServerProcess;

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm start defaults', () => {
  it('starts an embedded PostgreSQL with demo data, answers GraphQL, shuts down on SIGTERM, and keeps data across restarts', async () => {
    pgPort = await freePort();
    const t0 = Date.now();
    const first = await startServer();
    const coldMs = Date.now() - t0;
    const r = await query(first.url, '{ campaigns { totalCount items { name status } } contacts { totalCount } agents { id } }');
    expect(r.data.campaigns.totalCount).toBe(4);
    expect(r.data.contacts.totalCount).toBeGreaterThan(100);
    expect(r.data.agents.length).toBe(9); // 8 agents and the supervisor's agent profile
    const signIn = (await (await fetch(first.url, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation { signIn(email: "supervisor@demo.local", password: "demo1234") { token user { role agentId } } }' }) })).json()) as { data: any };
    expect(signIn.data.signIn.user).toMatchObject({ role: 'SUPERVISOR', agentId: expect.any(String) });
    expect(first.output()).toContain('demo sign-in');

    // the demo agents are dialling: a wallboard subscriber sees the figures move
    const list = await query(first.url, '{ campaigns(search: "renewals") { items { id } } }');
    const campaignId = list.data.campaigns.items[0].id;
    const token = await signInOver(first.url, 'supervisor@demo.local', 'demo1234');
    const client = createClient({ url: first.url.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { token } });
    const seen: { dialsToday: number; agents: { onCall: number; available: number } }[] = [];
    const stats: { scheduled: number; completed: number; failed: number; retry: number }[] = [];
    const stop1 = client.subscribe({ query: 'subscription($id: ID!) { campaignLiveChanged(campaignId: $id) { dialsToday agents { onCall available } } }', variables: { id: campaignId } },
      { next: (m) => seen.push((m.data as any).campaignLiveChanged), error: () => undefined, complete: () => undefined });
    const stop2 = client.subscribe({ query: 'subscription($id: ID!) { campaignStatsChanged(campaignId: $id) { scheduled completed failed retry } }', variables: { id: campaignId } },
      { next: (m) => stats.push((m.data as any).campaignStatsChanged), error: () => undefined, complete: () => undefined });
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(seen.length > 3 && seen.at(-1)!.dialsToday > seen[0]!.dialsToday && stats.length > 1)) await new Promise((r) => setTimeout(r, 250));
    stop1();
    stop2();
    await client.dispose();
    expect(seen.at(-1)!.dialsToday).toBeGreaterThan(seen[0]!.dialsToday);
    expect(stats.length).toBeGreaterThan(1);
    expect(stats.at(-1)).not.toEqual(stats[0]);

    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toContain('shutdown complete');

    const second = await startServer();
    const again = await query(second.url, '{ campaigns { totalCount } contacts { totalCount } }');
    expect(again.data.campaigns.totalCount).toBe(4); // same data, not seeded twice
    expect(again.data.contacts.totalCount).toBe(r.data.contacts.totalCount);
    expect(await stop(second.child)).toBe(0);
    console.log(JSON.stringify({ embeddedColdStartMs: coldMs }));
  }, 150_000);

  it('refuses to start, saying so, when the embedded PostgreSQL port is taken', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dialer-embedded-busy-'));
    chmodSync(dir, 0o755);
    const squatter = createServer(() => undefined);
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const taken = (squatter.address() as { port: number }).port;
    try {
      const failed = await startServerProcess({ DATABASE_URL: '', REDIS_URL: '', DATA_DIR: path.join(dir, 'pg'), EMBEDDED_PG_PORT: String(taken), LOG_LEVEL: 'info' })
        .then(() => '', (err: Error) => err.message);
      expect(failed).toContain('server exited with 1');
      expect(failed).toContain(`cannot listen on 127.0.0.1:${taken}: the port is in use; set EMBEDDED_PG_PORT`);
    } finally {
      squatter.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
