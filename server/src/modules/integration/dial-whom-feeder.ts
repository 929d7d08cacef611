import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import { parseDialWhomPage } from '../../domain/dial-whom.js';
import type { DialerEvents } from '../../engine/events.js';
import { OutboundError, SafeFetch } from '../../http/safe-fetch.js';
import type { Logger } from '../../logger.js';
import { IntegrationRepository } from './integration.repository.js';

/** Fetch the next page when fewer numbers than this wait to be dialled. */
export const LOW_WATER = 100;
/** Numbers asked for per page. */
export const PAGE_SIZE = 100;
const LEASE_MS = 30_000;
/** A failing URL is tried again after 5 s, doubling up to 5 minutes. */
export function integrationRetryMs(failures: number): number {
  return Math.min(300_000, 5_000 * 2 ** Math.min(failures - 1, 10));
}

/**
 * Feeds campaigns whose numbers come from a dial-whom URL (seed 004) instead of a list: while a
 * running campaign has fewer than {@link LOW_WATER} numbers waiting, the next page is fetched
 * (`GET <url>?campaignId=…&limit=100&cursor=…`, SSRF-safe, bounded in time and size), every item is
 * checked like a CSV row, and the good ones join the campaign in one transaction with the new cursor.
 * A page with `nextCursor: null` is the last. A failing URL is a campaign error (message, time, retry
 * time) shown on the wallboard and campaign page until a fetch succeeds; never a silent stall.
 * One instance fetches a campaign at a time (a lease row).
 */
export class DialWhomFeeder {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private readonly fetcher: SafeFetch;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly events: DialerEvents,
    private readonly log: Logger,
    outbound: { allowAddresses: readonly string[]; timeoutMs?: number },
  ) {
    this.fetcher = new SafeFetch({ allowAddresses: outbound.allowAddresses, timeoutMs: outbound.timeoutMs ?? 10_000, maxBytes: 2 * 1024 * 1024 });
  }

  start(intervalMs = 1_000): void {
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
    this.fetcher.destroy();
  }

  /** One pass over the hungry campaigns (tests call it directly). */
  tick(): Promise<void> {
    return (this.pass ??= this.run().finally(() => (this.pass = undefined)));
  }

  private async run(): Promise<void> {
    try {
      const now = this.clock.now();
      const hungry = await new IntegrationRepository(this.orm.em.fork()).hungry(now, LOW_WATER);
      for (const c of hungry) await this.feed(c.id, c.organization_id, c.dial_whom_url, c.cursor);
    } catch (err) {
      this.log.error({ err }, 'dial-whom pass failed');
    }
  }

  private async feed(campaignId: string, organizationId: string, url: string, cursor: string | null): Promise<void> {
    const em = this.orm.em.fork();
    const repo = new IntegrationRepository(em);
    const now = this.clock.now();
    if (!(await repo.lease(campaignId, new Date(now.getTime() + LEASE_MS), now))) return;
    const target = new URL(url);
    target.searchParams.set('campaignId', campaignId);
    target.searchParams.set('limit', String(PAGE_SIZE));
    if (cursor) target.searchParams.set('cursor', cursor);
    let page: ReturnType<typeof parseDialWhomPage>;
    try {
      const res = await this.fetcher.fetch(target.toString(), { headers: { accept: 'application/json' } });
      if (res.status < 200 || res.status >= 300) throw new Error(`the dial-whom URL answered HTTP ${res.status}`);
      let body: unknown;
      try {
        body = JSON.parse(res.body.toString('utf8'));
      } catch {
        throw new Error('the dial-whom URL did not answer JSON');
      }
      page = parseDialWhomPage(body, undefined);
    } catch (err) {
      const message = err instanceof OutboundError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
      const at = this.clock.now();
      const failures = await repo.fail(campaignId, 'DIAL_WHOM', message, at, (n) => new Date(at.getTime() + integrationRetryMs(n)));
      this.log.warn({ campaignId, failures, error: message }, 'dial-whom URL failed');
      this.events.campaignChanged(organizationId, campaignId);
      return;
    }
    const last = page.rejected.at(-1);
    const added = await em.transactional((tx) => new IntegrationRepository(tx).addPage({ id: campaignId, organizationId }, page.numbers, {
      cursor: page.nextCursor, rejected: page.rejected.length,
      lastRejection: last ? `item ${last.item}: ${last.code}: ${last.reason}`.slice(0, 300) : null,
    }, this.clock.now()));
    this.log.info({ campaignId, added, rejected: page.rejected.length, last: page.nextCursor === null }, 'dial-whom page taken');
    this.events.campaignChanged(organizationId, campaignId);
  }
}
