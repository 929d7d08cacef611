import { isIP } from 'node:net';
import path from 'node:path';

/** Runtime configuration, read once from the environment. */
export interface Config {
  /** HTTP/WebSocket port. @default 4000 */
  port: number;
  host: string;
  /** PostgreSQL URL; when absent an embedded PostgreSQL is started in `dataDir`. */
  databaseUrl?: string;
  /** Redis URL; when absent pubsub and leases are in-process (single instance). */
  redisUrl?: string;
  /** Folder for the embedded PostgreSQL cluster. @default ./.data/pg */
  dataDir: string;
  /** Port of the embedded PostgreSQL. @default 54329 */
  embeddedPgPort: number;
  /** Load the demo organisation, agents, lists and campaigns when the database is empty. @default true without DATABASE_URL */
  demoSeed: boolean;
  production: boolean;
  /** `NODE_ENV=development` on purpose: stack traces and internal messages reach clients. @default false */
  exposeInternals: boolean;
  /** Largest GraphQL document accepted, in characters. @default 20000 */
  maxQueryLength: number;
  /** Deepest selection set accepted. @default 10 */
  maxQueryDepth: number;
  /** Most aliases in one document. @default 15 */
  maxQueryAliases: number;
  /** Most lexical tokens in one document (checked while parsing, before any work). @default 3000 */
  maxQueryTokens: number;
  /** Highest cost of one operation (lists cost their `limit`; reports and live figures cost more). @default 25000 */
  maxQueryCost: number;
  /** Largest request body, in bytes (a CSV import travels in it). @default 6 MB */
  maxBodyBytes: number;
  /** Requests per minute per user, API key (or, before sign-in, IP address). @default 600 */
  requestsPerMinute: number;
  /** Sign-in attempts per IP address per 10 minutes (a whole floor may sign in from one address at shift start). @default 300 */
  signInsPerIpPer10Min: number;
  /** Wrong passwords for one email before it is locked out (for 1 min, doubling with each lockout, at most 1 h). @default 5 */
  signInFailuresBeforeLockout: number;
  /**
   * Speeds up the process's clock (SIM_TIME_SCALE, 1 to 100): 10 makes a 120 s simulated call last 12 s and the
   * engine's ticks, grace, ring timeouts, wrap-up, forecasts and day windows keep pace. Sign-in, sessions, API keys and
   * webhooks stay on wall time. Only with the call simulator. @default 1
   */
  simTimeScale: number;
  /**
   * Addresses (IPs or CIDRs) the server's outbound requests (webhooks, dial-whom, get-contacts) may reach
   * although they are private, loopback or link-local: an on-premises receiver, or tests. @default none
   */
  outboundAllowAddresses: string[];
  /**
   * Call simulator: the fraction of customer calls a person answers (0 to 1); the rest of the default
   * mix (busy, failed, machine, no answer) shrinks to fit. @default the simulator's mix (0.2)
   */
  simAnswerRate?: number;
  /**
   * Key that signs session tokens (at least 32 characters); every instance must have the same one.
   * @default a random key generated at the first start and kept in the database (`server_secret`)
   */
  sessionSecret?: string;
  /**
   * A graceful stop (SIGTERM/SIGINT) lets calls in flight finish for this many seconds, then ends what is
   * left as interrupted calls. @default 30
   */
  drainTimeoutSec: number;
  /**
   * Origins (`https://wall.example.com`) whose browser pages may open the GraphQL WebSocket.
   * @default none: only the server's own origin (clients that send no Origin, such as scripts, may connect; they still need a token)
   */
  webOrigins: string[];
  /**
   * This instance sends webhook deliveries (WEBHOOKS=off: it only writes them to the outbox; other
   * instances send them). @default true
   */
  webhooksSend: boolean;
  /** WEBHOOK_RETRY_BASE_MS, WEBHOOK_RETRY_CAP_MS, WEBHOOK_MAX_ATTEMPTS, WEBHOOK_TIMEOUT_MS (see WebhookDeliveryOptions). */
  webhookRetryBaseMs: number;
  webhookRetryCapMs: number;
  webhookMaxAttempts: number;
  webhookTimeoutMs: number;
  /**
   * TRUNK_FAILURES_IN_ROW, TRUNK_RETRY_BASE_SEC, TRUNK_RETRY_CAP_SEC: when a campaign's calls fail in the network
   * that many times in a row, it stops dialling and probes with one call after the wait (doubling up to the cap).
   * @default 5, 30 s, 300 s
   */
  trunkBreaker: { threshold: number; baseMs: number; capMs: number };
  /**
   * STATS_MINUTE_RETENTION_DAYS: per-minute campaign statistics older than this are deleted (hourly); at least 2.
   * @default 7
   */
  statsMinuteRetentionDays: number;
  /** IMPORT_MAX_BYTES, IMPORT_MAX_ROWS: the largest contact CSV upload (POST /imports/contacts). @default 256 MB, 1,000,000 rows */
  importMaxBytes: number;
  importMaxRows: number;
  /**
   * TELEPHONY: `simulator` (the built-in call simulator) or `sip` (third-party call control over SIP:
   * SIP_TRUNK_URI, SIP_BIND, SIP_PUBLIC_ADDRESS, SIP_USERNAME / SIP_PASSWORD). @default simulator
   */
  telephony: TelephonyConfig;
}

export type TelephonyConfig =
  | { kind: 'simulator' }
  | { kind: 'sip'; trunkUri: string; bindAddress: string; bindPort: number; publicAddress?: string; username?: string; password?: string; inboundOrganizationId?: string; inboundFrom: string[];
      /** Tests shorten these (see SipOptions); production keeps the defaults. */
      keepaliveSec?: number; keepaliveTimeoutSec?: number; inviteTimeoutSec?: number };

function intEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function fractionEnv(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`${name} must be a number from 0 to 1, got "${raw}"`);
  return n;
}

function addressesEnv(name: string, env: NodeJS.ProcessEnv): string[] {
  const list = (env[name] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const a of list) {
    const ok = isIP(a) !== 0 || (/^[\d.:a-fA-F]+\/\d{1,3}$/.test(a) && isIP(a.split('/')[0]!) !== 0);
    if (!ok) throw new Error(`${name} must list IP addresses or CIDR ranges (comma-separated), got "${a}"`);
  }
  return list;
}

/** STATS_MINUTE_RETENTION_DAYS: the rolling 24-hour figures read minute rows up to two UTC days back. */
function retentionDays(env: NodeJS.ProcessEnv): number {
  const days = intEnv('STATS_MINUTE_RETENTION_DAYS', 7, env);
  if (days < 2) throw new Error(`STATS_MINUTE_RETENTION_DAYS must be at least 2 (the rolling 24-hour figures need two days of minutes), got ${days}`);
  return days;
}

/** TELEPHONY and the SIP_* settings, checked at start: a bad one stops the server with what to fix. */
function timeScaleEnv(env: NodeJS.ProcessEnv): number {
  const scale = intEnv('SIM_TIME_SCALE', 1, env);
  if (scale < 1 || scale > 100) throw new Error(`SIM_TIME_SCALE must be a whole number from 1 to 100, got "${env.SIM_TIME_SCALE}"`);
  if (scale > 1 && (env.TELEPHONY || 'simulator').trim().toLowerCase() === 'sip') {
    throw new Error(`SIM_TIME_SCALE=${scale} speeds up simulated calls; real calls over TELEPHONY=sip run in real time: unset SIM_TIME_SCALE`);
  }
  return scale;
}

function telephonyEnv(env: NodeJS.ProcessEnv): TelephonyConfig {
  const kind = (env.TELEPHONY || 'simulator').trim().toLowerCase();
  if (kind === 'simulator') return { kind };
  if (kind !== 'sip') throw new Error(`TELEPHONY must be "simulator" or "sip", got "${env.TELEPHONY}"`);
  const trunk = (env.SIP_TRUNK_URI ?? '').trim();
  if (!/^sip:([^@\s]+@)?[A-Za-z0-9.-]+(:\d{1,5})?(;[^\s]*)?$/.test(trunk)) {
    throw new Error(`TELEPHONY=sip needs SIP_TRUNK_URI, the trunk or PBX to dial through, such as sip:trunk.example.com or sip:10.0.0.5:5060 (got "${trunk}")`);
  }
  const bind = (env.SIP_BIND || '0.0.0.0:5060').trim();
  const m = /^([\d.]+):(\d{1,5})$/.exec(bind);
  if (!m || isIP(m[1]!) !== 4 || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new Error(`SIP_BIND must be an IPv4 address and UDP port such as 0.0.0.0:5060, got "${bind}"`);
  const publicAddress = env.SIP_PUBLIC_ADDRESS?.trim() || undefined;
  if (publicAddress && isIP(publicAddress) !== 4) throw new Error(`SIP_PUBLIC_ADDRESS must be the IPv4 address the trunk and phones reach this server at, got "${publicAddress}"`);
  if (!publicAddress && m[1] === '0.0.0.0') throw new Error('SIP_BIND listens on every address (0.0.0.0): set SIP_PUBLIC_ADDRESS to the one the trunk and phones reach this server at');
  const username = env.SIP_USERNAME || undefined;
  const password = env.SIP_PASSWORD || undefined;
  if (Boolean(username) !== Boolean(password)) throw new Error('SIP_USERNAME and SIP_PASSWORD go together (digest credentials for the trunk)');
  const inboundOrganizationId = env.SIP_INBOUND_ORGANIZATION?.trim() || undefined;
  if (inboundOrganizationId && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(inboundOrganizationId)) {
    throw new Error(`SIP_INBOUND_ORGANIZATION must be the id of the organisation whose missed-call rules take unanswered inbound calls, got "${inboundOrganizationId}"`);
  }
  // inbound calls are taken only from these addresses: SIP_INBOUND_FROM, else the trunk's when it is written as one
  const trunkHost = /^sip:(?:[^@]+@)?([^:;]+)/.exec(trunk)![1]!;
  const inboundFrom = (env.SIP_INBOUND_FROM ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  for (const a of inboundFrom) if (isIP(a) === 0) throw new Error(`SIP_INBOUND_FROM must list IP addresses (the trunk's), got "${a}"`);
  if (!inboundFrom.length && isIP(trunkHost)) inboundFrom.push(trunkHost);
  return { kind: 'sip', trunkUri: trunk, bindAddress: m[1]!, bindPort: Number(m[2]), publicAddress, username, password, inboundOrganizationId, inboundFrom };
}

function secretEnv(name: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  if (value.length < 32) throw new Error(`${name} must be at least 32 characters long`);
  return value;
}

function originsEnv(value: string | undefined): string[] {
  if (!value) return [];
  return value.split(',').map((o) => o.trim().toLowerCase().replace(/\/$/, '')).filter(Boolean).map((o) => {
    if (!/^https?:\/\/[^/\s]+$/.test(o)) throw new Error(`WEB_ORIGINS: "${o}" is not an origin such as https://wall.example.com`);
    return o;
  });
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  return {
    port: intEnv('PORT', 4000),
    host: env.HOST || '0.0.0.0',
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    dataDir: path.resolve(env.DATA_DIR || '.data/pg'),
    embeddedPgPort: intEnv('EMBEDDED_PG_PORT', 54329),
    demoSeed: env.DEMO_SEED ? env.DEMO_SEED !== 'false' : !databaseUrl,
    production: env.NODE_ENV === 'production',
    exposeInternals: env.NODE_ENV === 'development',
    maxQueryLength: intEnv('MAX_QUERY_LENGTH', 20_000),
    maxQueryDepth: intEnv('MAX_QUERY_DEPTH', 10),
    maxQueryAliases: intEnv('MAX_QUERY_ALIASES', 15, env),
    maxQueryTokens: intEnv('MAX_QUERY_TOKENS', 3000, env),
    maxQueryCost: intEnv('MAX_QUERY_COST', 25_000, env),
    maxBodyBytes: intEnv('MAX_BODY_BYTES', 6 * 1024 * 1024, env),
    requestsPerMinute: intEnv('RATE_LIMIT_PER_MINUTE', 600, env),
    signInsPerIpPer10Min: intEnv('SIGN_IN_LIMIT_PER_IP', 300, env),
    signInFailuresBeforeLockout: intEnv('SIGN_IN_FAILURES_BEFORE_LOCKOUT', 5, env),
    simTimeScale: timeScaleEnv(env),
    simAnswerRate: fractionEnv('SIM_ANSWER_RATE', env),
    outboundAllowAddresses: addressesEnv('OUTBOUND_ALLOW_ADDRESSES', env),
    sessionSecret: secretEnv('SESSION_SECRET', env.SESSION_SECRET),
    drainTimeoutSec: intEnv('DRAIN_TIMEOUT_SEC', 30, env),
    webOrigins: originsEnv(env.WEB_ORIGINS),
    webhooksSend: env.WEBHOOKS !== 'off',
    statsMinuteRetentionDays: retentionDays(env),
    importMaxBytes: Math.max(1024, intEnv('IMPORT_MAX_BYTES', 256 * 1024 * 1024, env)),
    importMaxRows: Math.max(1, intEnv('IMPORT_MAX_ROWS', 1_000_000, env)),
    trunkBreaker: {
      threshold: Math.max(1, intEnv('TRUNK_FAILURES_IN_ROW', 5, env)),
      baseMs: Math.max(1, intEnv('TRUNK_RETRY_BASE_SEC', 30, env)) * 1000,
      capMs: Math.max(1, intEnv('TRUNK_RETRY_CAP_SEC', 300, env)) * 1000,
    },
    webhookRetryBaseMs: intEnv('WEBHOOK_RETRY_BASE_MS', 10_000, env),
    webhookRetryCapMs: intEnv('WEBHOOK_RETRY_CAP_MS', 6 * 3600_000, env),
    webhookMaxAttempts: Math.max(1, intEnv('WEBHOOK_MAX_ATTEMPTS', 20, env)),
    webhookTimeoutMs: intEnv('WEBHOOK_TIMEOUT_MS', 10_000, env),
    telephony: telephonyEnv(env),
  };
}
