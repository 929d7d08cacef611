import 'reflect-metadata';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ValidationRule } from 'graphql';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Actor } from './auth/actor.js';
import { ANONYMOUS, connectionCredentials, httpCredentials, isSignInOnly, originAllowed, type ConnectionParams } from './auth/credentials.js';
import { loadSessionSecret } from './auth/session-secret.js';
import { SessionTokens } from './auth/session-token.js';
import { systemClock, type Clock } from './clock.js';
import { loadSimClock } from './db/sim-clock.js';
import type { Config } from './config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres.js';
import { initOrm, type MikroORM } from './db/orm.js';
import { CampaignScheduler } from './engine/campaign-scheduler.js';
import { DialerEngine } from './engine/dialer-engine.js';
import { inProcessLeases, RedisLeases } from './engine/lease.js';
import type { TelephonyPort } from './telephony/port.js';
import { CallSimulator, DEFAULT_SIMULATOR, type SimulatorOptions } from './telephony/simulator.js';
import { SipTelephony } from './telephony/sip/sip-telephony.js';
import { DialerError } from './domain/errors.js';
import { toGraphQLError } from './graphql/errors.js';
import { createFormatError, EXPOSED_CODES } from './graphql/format-error.js';
import type { GraphQLContext } from './graphql/context.js';
import { sharedSubscribe } from './graphql/shared-subscribe.js';
import { serveGraphqlWs } from './graphql/ws-transport.js';
import { buildDialerSchema, type Services } from './graphql/schema.js';
import { createLogger, type Logger } from './logger.js';
import { AgentService } from './modules/agent/agent.service.js';
import { CampaignService } from './modules/campaign/campaign.service.js';
import { ContactService } from './modules/contact/contact.service.js';
import { StatsService } from './modules/stats/stats.service.js';
import { LiveStatsService } from './modules/stats/live-stats.service.js';
import { StatsPruner } from './modules/stats/stats-pruner.js';
import { StatsEvents } from './modules/stats/stats-events.js';
import { CallListService } from './modules/dialer/call-list.service.js';
import { ConsoleService } from './modules/dialer/console.service.js';
import { FollowupService } from './modules/dialer/followup.service.js';
import { SuppressionService } from './modules/dialer/suppression.service.js';
import { UserService } from './modules/user/user.service.js';
import { ApiKeyService } from './modules/api-key/api-key.service.js';
import { InboundService } from './modules/inbound/inbound.service.js';
import { OwnerPoolService } from './modules/campaign/owner-pool.service.js';
import { AgentBoardService } from './modules/agent/agent-board.service.js';
import { API_KEY_PREFIX } from './auth/api-key.js';
import { RateLimits } from './auth/rate-limits.js';
import { OperationGuards } from './graphql/guards.js';
import { jsonErrors, requestIds, securityHeaders } from './http/security.js';
import { inboundHook } from './http/inbound-hook.js';
import type { Credentials } from './auth/credentials.js';
import { createDialerPubSub, type PubSubHandle } from './pubsub/pubsub.js';
import { seedDemo } from './seed/demo.js';
import { WebhookService } from './modules/webhook/webhook.service.js';
import { WebhookDispatcher } from './modules/webhook/webhook-dispatcher.js';
import { ReportRepository } from './modules/report/report.repository.js';
import { ReportService } from './modules/report/report.service.js';
import { reportRoutes } from './http/reports.js';
import { importRoutes } from './http/imports.js';
import { ContactImportRepository } from './modules/contact/contact-import.repository.js';
import { DialWhomFeeder } from './modules/integration/dial-whom-feeder.js';
import { ContactLookup } from './modules/integration/contact-lookup.js';

/** Connections the kernel may queue before the server accepts them (Node's default is 511). */
const LISTEN_BACKLOG = 4096;

export interface AppOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** Run the clock-driven campaign scheduler (tests drive it by hand). @default true */
  scheduler?: boolean;
  /** Start the dialler engine (ticks on `clock`). @default true */
  engine?: boolean;
  /** Overrides for the built-in call simulator (outcome mix, seed, time scale). */
  simulator?: Partial<SimulatorOptions>;
}

export interface App {
  /** GraphQL endpoint over HTTP, e.g. http://127.0.0.1:4000/graphql */
  url: string;
  /** Same endpoint for graphql-ws, e.g. ws://127.0.0.1:4000/graphql */
  wsUrl: string;
  port: number;
  orm: MikroORM;
  services: Services;
  scheduler: CampaignScheduler;
  /** Fetches dial-whom pages for hungry campaigns (tests call `tick()` by hand). */
  dialWhom: DialWhomFeeder;
  /** Deletes old per-minute statistics hourly (tests call `prune()` by hand). */
  statsPruner: StatsPruner;
  engine: DialerEngine;
  telephony: TelephonyPort;
  /** This process among the instances: stamped on the legs it places, its campaign leases and heartbeat. */
  instanceId: string;
  pubsubKind: PubSubHandle['kind'];
  /** Drains HTTP and WebSockets, stops timers, closes pubsub, the ORM and any embedded database. */
  close(): Promise<void>;
  /** During `close()`: stop waiting for calls in flight and end them now (as interrupted calls). */
  hurry(): void;
}

/** How often open sockets' sessions are checked: a revoked or expired session's sockets close within this. */
const SOCKET_SESSION_CHECK_MS = 2_000;

const LANDING_PAGE = `<!doctype html><meta charset="utf-8"><title>Dialer</title>
<body style="font:16px system-ui;background:#0f1419;color:#e6e6e6;max-width:40rem;margin:4rem auto">
<h1>Dialer</h1><p>The server is running. GraphQL over HTTP and WebSocket (graphql-ws): <code>/graphql</code>.</p>
<p>Health: <a style="color:#7cc4ff" href="/healthz">/healthz</a>. The schema is in <code>schema.graphql</code> at the repository root.</p></body>`;

/** Starts the whole server: database, migrations, pubsub, services, GraphQL over HTTP and WebSockets. */
export async function createApp(options: AppOptions): Promise<App> {
  const { config } = options;
  const log = options.logger ?? createLogger();
  const wallClock = options.clock ?? systemClock;

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPgPort, log);
    databaseUrl = embedded.url;
  }
  const orm = await initOrm(databaseUrl, log);
  // the call centre's time (sped up by SIM_TIME_SCALE); sign-in, sessions, API keys and webhooks keep wall time
  const clock = options.clock ?? (await loadSimClock(orm.em.fork(), config.simTimeScale));
  // the outbox triggers queue graphile-worker jobs: its schema is there before anything can change
  await WebhookDispatcher.install(databaseUrl, log);
  const pubsub = await createDialerPubSub(config.redisUrl, log);

  const stats = new StatsService(orm, pubsub.pubSub, clock, log);
  const live = new LiveStatsService(orm, pubsub.pubSub, clock, log);
  // what the engine and the services tell after each commit (live counters, consoles, wallboard figures)
  const events = new StatsEvents(stats, live);
  const sessionTokens = new SessionTokens(await loadSessionSecret(orm.em.fork(), config.sessionSecret), wallClock);
  // one Redis connection for leases and rate limits (pubsub has its own pair)
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3 }) : undefined;
  const limits = new RateLimits(redis, config);
  const importRepo = new ContactImportRepository(databaseUrl);
  const contacts = new ContactService(clock, importRepo);
  const followups = new FollowupService(clock, events, contacts);
  const reportRepo = new ReportRepository(databaseUrl);
  const lookup = new ContactLookup(orm, clock, events, log, { allowAddresses: config.outboundAllowAddresses });
  const services: Services = {
    users: new UserService(wallClock, sessionTokens, limits, clock),
    apiKeys: new ApiKeyService(wallClock),
    contacts,
    agents: new AgentService(clock),
    campaigns: new CampaignService(clock, stats, log, { allowAddresses: config.outboundAllowAddresses }),
    stats,
    consoles: new ConsoleService(clock, events, pubsub.pubSub, followups, lookup),
    followups,
    suppressions: new SuppressionService(clock),
    callList: new CallListService(),
    live,
    inbound: new InboundService(clock, contacts, stats, log),
    pools: new OwnerPoolService(clock, stats),
    agentBoard: new AgentBoardService(orm, pubsub.pubSub, log),
    webhooks: new WebhookService(wallClock, { allowAddresses: config.outboundAllowAddresses }),
    reports: new ReportService(reportRepo, clock),
  };
  services.live.listen();
  /** Who a request or socket acts as: a session token, or an integrator's API key. */
  const resolveIdentity = (em: MikroORM['em'], credentials: Credentials): Promise<Actor> =>
    credentials.token?.startsWith(API_KEY_PREFIX) ? services.apiKeys.resolve(em, credentials.token) : services.users.resolveActor(em, credentials);
  const instanceId = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const telephony: TelephonyPort = config.telephony.kind === 'sip'
    ? new SipTelephony(config.telephony, log)
    : new CallSimulator(clock, { ...answerRate(config.simAnswerRate), ...options.simulator });
  // unanswered calls into a SIP trunk feed the missed-call rules of the organisation they are for
  const inboundOrg = config.telephony.kind === 'sip' ? config.telephony.inboundOrganizationId : undefined;
  if (inboundOrg) {
    telephony.onInbound?.((call) => {
      services.inbound.receive(orm.em.fork(), inboundOrg, { caller: call.caller, dialled: call.dialled ?? undefined, outcome: 'DROPPED_IN_QUEUE', at: call.at, sessionId: call.sessionId }, 'SIP', 'sip')
        .then((r) => log.info({ caller: call.caller, addedTo: r.addedTo.length }, 'missed inbound call'))
        .catch((err) => log.warn({ err, caller: call.caller }, 'inbound call not taken'));
    });
  }
  const engine = new DialerEngine({
    orm,
    clock,
    port: telephony,
    events,
    log,
    leases: redis ? new RedisLeases(redis, instanceId) : inProcessLeases,
    instanceId,
    soleInstance: !config.redisUrl,
    trunkBreaker: config.trunkBreaker,
  });
  if (config.demoSeed) await seedDemo(orm.em.fork(), services, clock, log);
  else if (!(await services.users.countOrganizations(orm.em.fork()))) {
    log.warn('no organisation yet: create one and its first admin with `npm run admin -- create-org --name <name> --admin-email <email>` (README)');
  }

  const schema = await buildDialerSchema(services, pubsub.pubSub);
  const guards = new OperationGuards(config);
  const validationRules = guards.validationRules as ValidationRule[];

  const formatError = createFormatError(config.exposeInternals);

  const app = express();
  const httpServer: Server = createServer(app);
  // A browser's WebSocket from a foreign origin is refused at the upgrade (a cross-site page must not ride a user's session).
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: config.maxQueryLength * 4,
    // off (ws's default, stated): compressing thousands of wallboard pushes costs more than it saves, and the shared
    // pushes are written as whole frames beside ws's own (`ws-transport.ts`)
    perMessageDeflate: false,
    verifyClient: ({ origin, req }, done) => {
      if (originAllowed(origin, req.headers.host, config.webOrigins)) return done(true);
      log.warn({ origin }, 'WebSocket from a foreign origin refused');
      done(false, 403, 'Origin not allowed');
    },
  });

  // Open sockets and the sessions they were opened with: a session that ends closes its sockets within seconds.
  const sockets = new Set<{ sessionId: string; socket: { close(code: number, reason: string): void } }>();
  const sweep = setInterval(() => {
    const open = [...sockets];
    if (!open.length) return;
    const ids = [...new Set(open.map((s) => s.sessionId))];
    const keys = ids.filter((id) => id.startsWith('key:')).map((id) => id.slice(4));
    const em = orm.em.fork();
    Promise.all([services.users.endedSessions(em, ids.filter((id) => !id.startsWith('key:'))), services.apiKeys.ended(em, keys)]).then(
      ([sessions, revoked]) => new Set([...sessions, ...[...revoked].map((k) => `key:${k}`)]),
    ).then(
      (ended) => {
        for (const s of open) {
          if (!ended.has(s.sessionId)) continue;
          sockets.delete(s);
          s.socket.close(4403, 'Session ended; sign in again');
        }
      },
      (err) => log.warn({ err }, 'checking open sockets\' sessions failed'),
    );
  }, SOCKET_SESSION_CHECK_MS);
  sweep.unref();

  const wsCleanup = serveGraphqlWs<ConnectionParams, { actor?: Actor; tracked?: { sessionId: string; socket: { close(code: number, reason: string): void } } }>(
    {
      schema,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        try {
          const actor = await resolveIdentity(orm.em.fork(), connectionCredentials(ctx.connectionParams));
          ctx.extra.actor = actor;
          ctx.extra.tracked = { sessionId: actor.apiKey ? `key:${actor.apiKey.id}` : actor.sessionId!, socket: ctx.extra.socket };
          sockets.add(ctx.extra.tracked);
          return true;
        } catch {
          return false; // closes with 4403 Forbidden
        }
      },
      onClose: (ctx) => {
        if (ctx.extra.tracked) sockets.delete(ctx.extra.tracked);
      },
      // parsed and validated once per query text, then cost, an API key's scopes and the rate limit per operation
      onSubscribe: async (ctx, _id, payload) => {
        const prepared = guards.prepare(schema, payload.query);
        if ('errors' in prepared) return [...prepared.errors];
        const actor = ctx.extra.actor!;
        const denied = guards.check(schema, actor, prepared.document, payload.variables ?? undefined, payload.operationName);
        if (denied) return [denied];
        try {
          await limits.request(actor.apiKey ? `key:${actor.apiKey.id}` : `user:${actor.userId}`);
        } catch (err) {
          if (err instanceof DialerError) return [toGraphQLError(err)];
          throw err;
        }
        return { schema, document: prepared.document, variableValues: payload.variables ?? undefined, operationName: payload.operationName ?? undefined };
      },
      context: (ctx, id): GraphQLContext => {
        let em: ReturnType<typeof orm.em.fork> | undefined;
        let sendNext: ((payloadJson: Buffer) => void) | undefined;
        return {
          actor: ctx.extra.actor!, services,
          get em() {
            return (em ??= orm.em.fork());
          },
          releaseEm: () => void (em = undefined),
          sendNext: (payloadJson) => (sendNext ??= ctx.extra.nextSender(id))(payloadJson),
        };
      },
      // each event is executed once per distinct operation and shared by its subscribers (issue 19, fan-out); the
      // wallboard's pushes are then written by `sendNext`, past graphql-ws's `onNext` and `jsonMessageReplacer`
      subscribe: sharedSubscribe,
      onError: (_ctx, _id, _payload, errors) => {
        const unexpected = errors.filter((e) => !EXPOSED_CODES.has(String(e.extensions?.code ?? '')));
        if (unexpected.length) log.error({ errors: unexpected.map((e) => e.message) }, 'subscription error');
      },
    },
    wsServer,
    log,
  );

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    validationRules,
    introspection: true,
    stopOnTerminationSignals: false, // main.ts owns shutdown; two handlers race and hang
    includeStacktraceInErrorResponses: config.exposeInternals,
    formatError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // cost, an API key's scopes, request ids on errors, unexpected errors logged with that id
      guards.plugin(schema, log),
      { async serverWillStart() { return { async drainServer() { await wsCleanup.dispose(); } }; } },
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.use(securityHeaders());
  app.use(requestIds);

  // The web app (issue 5) is served from web/dist when it has been built; until then a short page.
  const webDist = fileURLToPath(new URL('../../web/dist', import.meta.url));
  if (existsSync(path.join(webDist, 'index.html'))) {
    // Vite names assets by content hash, so they never change; index.html must be re-read after a deploy.
    app.use(express.static(webDist, {
      index: 'index.html',
      setHeaders: (res, file) => res.setHeader('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    }));
  } else {
    app.get('/', (_req, res) => {
      res.type('html').send(LANDING_PAGE);
    });
  }
  app.use(inboundHook({ orm, clock: wallClock, inbound: services.inbound, limits, log }), jsonErrors(log));
  app.use(reportRoutes({ orm, reports: services.reports, limits, log, resolveIdentity }));
  app.use(importRoutes({ orm, contacts, limits, log, resolveIdentity, maxBytes: config.importMaxBytes, maxRows: config.importMaxRows }));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, pubsub: pubsub.kind, time: clock.now().toISOString() });
  });
  app.use(
    '/graphql',
    express.json({ limit: config.maxBodyBytes }),
    jsonErrors(log),
    (req: Request, res: Response, next: NextFunction) => {
      // length and tokens, before Apollo parses (a batch is refused by Apollo: batching is off)
      const pre = req.method === 'POST' && !Array.isArray(req.body) ? guards.precheck(req.body?.query) : { document: undefined };
      if ('error' in pre) {
        res.status(400).json({ errors: [{ message: pre.error.message, extensions: { ...pre.error.extensions, requestId: res.locals.requestId } }] });
        return;
      }
      next();
    },
    expressMiddleware(apollo as unknown as ApolloServer<BaseContext>, {
      context: async ({ req, res }) => {
        const em = orm.em.fork();
        const request = { ip: req.ip ?? req.socket.remoteAddress ?? 'unknown', id: String(res.locals.requestId) };
        try {
          const credentials = httpCredentials(req.headers);
          // signIn is the only thing that works without a session
          if (credentials.token === undefined && isSignInOnly(req.body)) {
            await limits.request(`ip:${request.ip}`);
            return { actor: ANONYMOUS, em, services, request } satisfies GraphQLContext;
          }
          const actor = await resolveIdentity(em, credentials);
          await limits.request(actor.apiKey ? `key:${actor.apiKey.id}` : `user:${actor.userId}`);
          return { actor, em, services, request } satisfies GraphQLContext;
        } catch (err) {
          if (!(err instanceof DialerError)) throw err;
          throw toGraphQLError(err, { status: 401, requestId: request.id });
        }
      },
    }),
  );
  app.use(jsonErrors(log));

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    // a wall of wallboards reconnecting at once (a restart, a network blip) must queue, not be refused: the kernel caps
    // the backlog at net.core.somaxconn
    httpServer.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;

  const webhooks = config.webhooksSend
    ? new WebhookDispatcher(orm, databaseUrl, instanceId, {
      retryBaseMs: config.webhookRetryBaseMs, retryCapMs: config.webhookRetryCapMs, maxAttempts: config.webhookMaxAttempts,
      timeoutMs: config.webhookTimeoutMs, allowAddresses: config.outboundAllowAddresses, concurrency: 4,
    }, log)
    : undefined;
  await webhooks?.start();

  const scheduler = new CampaignScheduler(orm, clock, events, log);
  const dialWhom = new DialWhomFeeder(orm, clock, events, log, { allowAddresses: config.outboundAllowAddresses });
  const statsPruner = new StatsPruner(orm, clock, log, config.statsMinuteRetentionDays);
  if (options.scheduler !== false) {
    scheduler.start();
    dialWhom.start();
    statsPruner.start();
  }
  if (options.engine !== false) await engine.start();

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const step = async (name: string, fn: () => Promise<unknown> | unknown) => {
        const t = Date.now();
        await fn();
        log.debug({ step: name, ms: Date.now() - t }, 'shutdown step done');
      };
      clearInterval(sweep);
      await step('scheduler', () => scheduler.stop());
      await step('stats pruner', () => statsPruner.stop());
      await step('dial-whom', () => dialWhom.stop());
      await step('lookups', async () => {
        await lookup.drain();
        lookup.close();
      });
      await step('engine', () => engine.stop(config.drainTimeoutSec * 1000));
      await step('webhooks', () => webhooks?.stop());
      await step('leases', () => redis?.quit());
      await step('http+ws', () => apollo.stop()); // drains HTTP and disposes the WebSocket server
      await step('stats', () => stats.drain());
      services.live.close();
      await step('pubsub', () => pubsub.close());
      await step('reports', () => reportRepo.close());
      await step('imports', () => importRepo.close());
      await step('orm', () => orm.close(true));
      await step('database', () => embedded?.stop());
    })());

  return {
    url: `http://${host}:${port}/graphql`,
    wsUrl: `ws://${host}:${port}/graphql`,
    port,
    orm,
    services,
    scheduler,
    statsPruner,
    dialWhom,
    engine,
    instanceId,
    telephony,
    pubsubKind: pubsub.kind,
    close,
    hurry: () => engine.hurry(),
  };
}

/** SIM_ANSWER_RATE: the simulator's customer mix with this answer rate, the other outcomes scaled to fit. */
function answerRate(rate: number | undefined): Partial<SimulatorOptions> {
  if (rate === undefined) return {};
  const { busy, failed, answer, machine } = DEFAULT_SIMULATOR.customer;
  const rest = 1 - answer;
  const k = rest > 0 ? (1 - rate) / rest : 0;
  return { customer: { busy: busy * k, failed: failed * k, machine: machine * k, answer: rate } };
}
