import { Logger as WorkerLogger, run, runMigrations, type JobHelpers, type Runner } from 'graphile-worker';
import type { MikroORM } from '@mikro-orm/postgresql';
import { signBody, SIGNATURE_HEADER } from '../../auth/hook-signature.js';
import { OutboundError, SafeFetch } from '../../http/safe-fetch.js';
import type { Logger } from '../../logger.js';
import { WebhookRepository, type DeliveryRow } from './webhook.repository.js';

/** How deliveries are retried and bounded. */
export interface WebhookDeliveryOptions {
  /** First retry delay; each next one doubles (with jitter: between half and all of it). @default 10 s */
  retryBaseMs: number;
  /** Longest delay between two attempts. @default 6 h */
  retryCapMs: number;
  /** Attempts before a delivery is FAILED (it can still be replayed). @default 20 (about two days) */
  maxAttempts: number;
  /** One attempt, redirects included. @default 10 s */
  timeoutMs: number;
  /** Addresses reachable although not public (OUTBOUND_ALLOW_ADDRESSES). */
  allowAddresses: readonly string[];
  /** Parallel sends on this instance (deliveries of one number are always one at a time). @default 4 */
  concurrency: number;
}

export const WEBHOOK_DEFAULTS: Omit<WebhookDeliveryOptions, 'allowAddresses'> = {
  retryBaseMs: 10_000, retryCapMs: 6 * 3600_000, maxAttempts: 20, timeoutMs: 10_000, concurrency: 4,
};

/** A worker that stopped beating this long ago is dead: its locked jobs are released. */
const STALE_WORKER_SEC = 20;
const HEARTBEAT_MS = 5_000;

/** The delay before attempt `attempt + 1` after `attempt` failed ones: exponential, capped, with jitter. */
export function retryDelayMs(attempt: number, o: Pick<WebhookDeliveryOptions, 'retryBaseMs' | 'retryCapMs'>, random = Math.random): number {
  const full = Math.min(o.retryCapMs, o.retryBaseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(full / 2 + random() * (full / 2));
}

/** The body every endpoint receives; the same bytes on every attempt and replay. */
export function deliveryBody(d: Pick<DeliveryRow, 'id' | 'event_type' | 'created_at' | 'payload'>): string {
  return JSON.stringify({ id: d.id, type: d.event_type, createdAt: new Date(d.created_at).toISOString(), data: d.payload });
}

/**
 * Sends the outbox: graphile-worker runs one `webhook_flush` job per (endpoint, order key) at a time
 * (the key names its queue); the job sends that key's waiting deliveries oldest first, each as a signed
 * JSON POST, and stops at the first failure, queueing itself again after the backoff, so a number's
 * events reach an endpoint in order and a failing endpoint holds back only its own.
 *
 * graphile-worker leaves a crashed worker's jobs locked for 4 hours; instances here record their
 * workers' heartbeats and release the jobs of workers that stopped beating ({@link STALE_WORKER_SEC}).
 */
export class WebhookDispatcher {
  private runner?: Runner;
  private readonly fetcher: SafeFetch;
  private readonly workerIds = new Set<string>();
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;

  constructor(
    private readonly orm: MikroORM,
    private readonly databaseUrl: string,
    private readonly instanceId: string,
    private readonly options: WebhookDeliveryOptions,
    private readonly log: Logger,
  ) {
    this.fetcher = new SafeFetch({ allowAddresses: options.allowAddresses, timeoutMs: options.timeoutMs });
  }

  /** Installs graphile-worker's schema (the outbox triggers queue jobs in it). Every instance calls it, sending or not. */
  static async install(databaseUrl: string, log: Logger): Promise<void> {
    await runMigrations({ connectionString: databaseUrl, logger: workerLogger(log) });
  }

  async start(): Promise<void> {
    this.runner = await run({
      connectionString: this.databaseUrl,
      concurrency: this.options.concurrency,
      maxPoolSize: this.options.concurrency + 2,
      noHandleSignals: true,
      pollInterval: 1_000,
      logger: workerLogger(this.log),
      taskList: { webhook_flush: (payload, helpers) => this.flush(payload as { target: string; key: string }, helpers) },
    });
    this.runner.events.on('worker:create', ({ worker }) => this.workerIds.add(worker.workerId));
    this.runner.events.on('worker:stop', ({ worker }) => this.workerIds.delete(worker.workerId));
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
    await this.beat();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    await this.runner?.stop();
    this.fetcher.destroy();
  }

  /** Records this instance's workers as alive, releases dead workers' jobs, and requeues any waiting delivery without a job. */
  private beat(): Promise<void> {
    return (this.beating ??= (async () => {
      try {
        const repo = new WebhookRepository(this.orm.em.fork());
        await repo.heartbeat([...this.workerIds], this.instanceId);
        const unlocked = await repo.unlockDeadWorkers(STALE_WORKER_SEC);
        if (unlocked.length) this.log.warn({ workers: unlocked }, 'webhook jobs of stopped workers released');
        const requeued = await repo.requeueOrphans(STALE_WORKER_SEC);
        if (requeued) this.log.warn({ keys: requeued }, 'waiting webhook deliveries without a job queued again');
      } catch (err) {
        this.log.warn({ err }, 'webhook heartbeat failed');
      } finally {
        this.beating = undefined;
      }
    })());
  }

  /** The job: sends one (target, order key)'s waiting deliveries in order, until one fails. */
  private async flush({ target, key }: { target: string; key: string }, helpers: JobHelpers): Promise<void> {
    const repo = new WebhookRepository(this.orm.em.fork());
    for (;;) {
      const d = await repo.nextPending(target, key);
      if (!d) return;
      const due = new Date(d.next_attempt_at).getTime();
      if (due > Date.now() + 50) return this.requeue(helpers, target, key, new Date(due));
      const attempt = d.attempts + 1;
      const result = await this.send(repo, d, attempt);
      if (result.ok) {
        await repo.settle(d.id, { status: 'DELIVERED', attempts: attempt, statusCode: result.statusCode, error: null });
        continue;
      }
      // an unsafe target is refused at once: retrying cannot make it safe (a replay tries again)
      if (attempt >= this.options.maxAttempts || result.errorCode === 'UNSAFE_URL' || result.errorCode === 'NO_SECRET') {
        await repo.settle(d.id, { status: 'FAILED', attempts: attempt, statusCode: result.statusCode, error: result.error });
        this.log.warn({ delivery: d.id, url: d.url, attempts: attempt, error: result.error }, 'webhook delivery failed for good');
        continue;
      }
      const nextAt = new Date(Date.now() + retryDelayMs(attempt, this.options));
      await repo.settle(d.id, { status: 'PENDING', attempts: attempt, statusCode: result.statusCode, error: result.error, nextAt });
      return this.requeue(helpers, target, key, nextAt);
    }
  }

  /** Queues this key's job again for `runAt` (this job is locked, so graphile-worker makes a new one under the same key). */
  private async requeue(helpers: JobHelpers, target: string, key: string, runAt: Date): Promise<void> {
    const name = `wh:${target}:${key}`;
    await helpers.addJob('webhook_flush', { target, key }, { queueName: name, jobKey: name, jobKeyMode: 'replace', runAt, maxAttempts: 25 });
  }

  /** One attempt, logged: a signed POST; 2xx is delivered, anything else (or no answer) is retried. */
  private async send(repo: WebhookRepository, d: DeliveryRow, attempt: number): Promise<{ ok: boolean; statusCode: number | null; error: string | null; errorCode: string | null }> {
    const started = new Date();
    const secret = await repo.secretFor(d.target);
    let statusCode: number | null = null;
    let error: string | null = null;
    let errorCode: string | null = null;
    let excerpt: string | null = null;
    if (!secret) {
      errorCode = 'NO_SECRET';
      error = 'the endpoint no longer exists';
    } else {
      const body = deliveryBody(d);
      try {
        const res = await this.fetcher.fetch(d.url, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'dialer-webhooks/1',
            [SIGNATURE_HEADER]: signBody(secret, body, Math.floor(Date.now() / 1000)),
            'dialer-event': d.event_type,
            'dialer-delivery': d.id,
            'dialer-attempt': String(attempt),
            'idempotency-key': d.id,
          },
        });
        statusCode = res.status;
        excerpt = res.body.subarray(0, 500).toString('utf8') || null;
        if (res.status < 200 || res.status >= 300) {
          errorCode = 'HTTP_STATUS';
          error = `the endpoint answered ${res.status}`;
        }
      } catch (err) {
        if (!(err instanceof OutboundError)) throw err;
        errorCode = err.code;
        error = err.message;
      }
    }
    await repo.recordAttempt(d.id, {
      attempt, started_at: started, duration_ms: Date.now() - started.getTime(), status_code: statusCode, error_code: errorCode, error: error?.slice(0, 500) ?? null,
      response_excerpt: excerpt?.slice(0, 500) ?? null,
    });
    return { ok: errorCode === null, statusCode, error, errorCode };
  }
}

/** graphile-worker's log lines into ours: its info is our debug (a line per job would drown the log). */
function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger(() => (level, message, meta) => {
    if (level === 'error') log.error({ worker: meta }, message);
    else if (level === 'warning') log.warn({ worker: meta }, message);
    else log.debug({ worker: meta }, message);
  });
}
