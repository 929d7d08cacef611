import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createApp, type App } from '../../server/src/app.js';
import type { Clock } from '../../server/src/clock.js';
import type { SimulatorOptions } from '../../server/src/telephony/simulator.js';
import { loadConfig, type Config } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { createTestDatabase } from './db.js';

/**
 * Who a test request acts as: omitted, the organisation's administrator; a user id (the helper opens a
 * server-side session for that user, as signIn would); a session token; or `null`, no credentials at all.
 */
export type As = string | { token: string } | null;

export interface TestApp extends App {
  databaseUrl: string;
  /** The test organisation and its administrator (created through the operator path, as the CLI does). */
  organizationId: string;
  adminUserId: string;
  /** A session token for a user (a new server-side session, as signIn opens one). */
  tokenFor(userId: string): Promise<string>;
  /** POST a GraphQL document over real HTTP, acting as `user` (omitted: the administrator; null: anonymous). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, user?: As): Promise<GqlResult<T>>;
  /** A graphql-ws client on real WebSockets (connection params `{ token }`; omitted: the administrator; null: none). */
  ws(user?: As): Client;
  dispose(): Promise<void>;
}

export interface GqlResult<T> {
  data: T | null;
  errors?: { message: string; extensions?: { code?: string; field?: string; [k: string]: unknown } }[];
  status: number;
}

export interface TestAppOptions {
  clock?: Clock;
  redisUrl?: string;
  /** Reuse a database (second instance); otherwise a fresh one is created and dropped. */
  databaseUrl?: string;
  demoSeed?: boolean;
  maxQueryDepth?: number;
  simulator?: Partial<SimulatorOptions>;
  /** @default 0 */
  drainTimeoutSec?: number;
  /** Any other configuration (limits, origins, ...). */
  config?: Partial<Config>;
}

/** Starts the real server on a free port against real PostgreSQL (and Redis when asked). */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? db!.url;
  const app = await createApp({
    config: {
      ...loadConfig({}),
      port: 0,
      host: '127.0.0.1',
      databaseUrl,
      redisUrl: options.redisUrl,
      demoSeed: options.demoSeed ?? false,
      maxQueryDepth: options.maxQueryDepth ?? 10,
      // virtual-time tests stop at once: calls still up are ended as interrupted
      drainTimeoutSec: options.drainTimeoutSec ?? 0,
      ...options.config,
    },
    clock: options.clock,
    simulator: options.simulator,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    scheduler: false,
  });
  const clients: Client[] = [];
  // The organisation and its admin: created once per database (a second instance on the same one reuses them).
  const em = app.orm.em.fork();
  const [existing] = await em.execute<{ id: string; organization_id: string }[]>(`select id, organization_id from app_user where role = 'ADMIN' order by created_at limit 1`);
  const admin = existing
    ? { organizationId: existing.organization_id, adminUserId: existing.id }
    : await app.services.users.createOrganization(em, { name: 'Test organisation', adminEmail: 'admin@test.local', adminPassword: 'test-admin-password' });
  // a new session per call: a test that ends a user's sessions (password change, sign out everywhere) is not left with a stale token
  const tokenFor = (userId: string) => app.services.users.openSession(app.orm.em.fork(), userId).then((s) => s.token);
  const tokenOf = async (user: As | undefined): Promise<string | undefined> =>
    user === null ? undefined : user === undefined ? tokenFor(admin.adminUserId) : typeof user === 'string' ? tokenFor(user) : user.token;
  return {
    ...app,
    databaseUrl,
    ...admin,
    tokenFor,
    async gql(query, variables, user) {
      const token = await tokenOf(user);
      const res = await fetch(app.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GqlResult<any>;
      return { ...body, data: body.data ?? null, status: res.status };
    },
    ws(user) {
      const client = createClient({
        url: app.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: async () => {
          const token = await tokenOf(user);
          return token ? { token } : {};
        },
        retryAttempts: 0,
        lazy: true,
      });
      clients.push(client);
      return client;
    },
    async dispose() {
      await Promise.all(clients.map((c) => c.dispose()));
      await app.close();
      await db?.drop();
    },
  };
}

/** Collects values pushed on a subscription into an array, with a waiter for the next one. */
export function subscribe<T>(client: Client, query: string, variables: Record<string, unknown>) {
  const values: T[] = [];
  const errors: unknown[] = [];
  const waiters: { pred: (v: T) => boolean; resolve: (v: T) => void }[] = [];
  const unsubscribe = client.subscribe<T>(
    { query, variables },
    {
      next: (msg) => {
        if (msg.errors) errors.push(msg.errors);
        if (!msg.data) return;
        const v = msg.data as T;
        values.push(v);
        for (const w of [...waiters]) {
          if (w.pred(v)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(v);
          }
        }
      },
      // a socket closed by the server arrives as a CloseEvent: keep its code and reason
      error: (e) => errors.push(e && typeof e === 'object' && 'code' in e ? { code: (e as { code: number }).code, reason: (e as unknown as { reason: string }).reason } : e),
      complete: () => undefined,
    },
  );
  return {
    values,
    errors,
    unsubscribe,
    /** Resolves with the first value (already received or future) matching `pred`. */
    waitFor(pred: (v: T) => boolean, timeoutMs = 5000): Promise<T> {
      const hit = values.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise<T>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no matching value within ${timeoutMs} ms; got ${JSON.stringify(values)} errors ${JSON.stringify(errors)}`)), timeoutMs);
        waiters.push({ pred, resolve: (v) => { clearTimeout(t); resolve(v); } });
      });
    },
  };
}
