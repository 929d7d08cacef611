import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '../../clock.js';
import type { DialerEvents } from '../../engine/events.js';
import { OutboundError, SafeFetch } from '../../http/safe-fetch.js';
import type { Logger } from '../../logger.js';
import { integrationRetryMs } from './dial-whom-feeder.js';
import { IntegrationRepository } from './integration.repository.js';

/** An answer is reused for this long (the same customer called again, a console reloaded). */
export const LOOKUP_TTL_MS = 10 * 60_000;
/** A failed lookup is not tried again for the same number before this. */
const ERROR_TTL_MS = 60_000;
/** The agent's screen never waits on the URL: the call goes on, the details come when they come, or not after this. */
export const LOOKUP_TIMEOUT_MS = 2_000;
const MAX_FIELDS = 30;
const FIELD_KEY = /^[A-Za-z_][A-Za-z0-9_ .-]{0,63}$/;

export type LookupStatus = 'LOADING' | 'OK' | 'ERROR';

export interface LookupResult {
  status: LookupStatus;
  fields: { key: string; value: string }[];
  error: string | null;
}

/**
 * The callee's details from a campaign's get-contacts URL (seed 004: "URL to provide contact details
 * such as name, address, order id"), for the agent's screen: `GET <url>?number=<E.164>&campaignId=…`
 * answering a JSON object (its `fields` object, or its own scalar members). Looked up when the
 * console first shows the call (it rings), in the background: the call is never held for it, and the
 * console is pushed again when the answer (or the failure) is in. Answers are kept in PostgreSQL for
 * 10 minutes (every instance sees them); a failing URL is a campaign error on the wallboard.
 */
export class ContactLookup {
  private readonly inflight = new Map<string, Promise<void>>();
  private readonly fetcher: SafeFetch;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly events: DialerEvents,
    private readonly log: Logger,
    outbound: { allowAddresses: readonly string[] },
  ) {
    this.fetcher = new SafeFetch({ allowAddresses: outbound.allowAddresses, timeoutMs: LOOKUP_TIMEOUT_MS, maxBytes: 256 * 1024, maxRedirects: 2 });
  }

  /** What is known for this number of a campaign with a get-contacts URL now; starts a lookup when nothing fresh is kept. */
  async forCall(c: { campaignId: string; organizationId: string; url: string }, e164: string, agentId: string): Promise<LookupResult> {
    const { campaignId } = c;
    const kept = await new IntegrationRepository(this.orm.em.fork()).lookup(campaignId, e164);
    const age = kept ? this.clock.now().getTime() - new Date(kept.fetched_at).getTime() : Infinity;
    if (kept && age < (kept.error ? ERROR_TTL_MS : LOOKUP_TTL_MS)) {
      return kept.error ? { status: 'ERROR', fields: [], error: kept.error } : { status: 'OK', fields: Object.entries(kept.fields ?? {}).map(([key, value]) => ({ key, value })), error: null };
    }
    const key = `${campaignId}:${e164}`;
    if (!this.inflight.has(key)) {
      const p = this.fetch(c.url, campaignId, c.organizationId, e164).finally(() => {
        this.inflight.delete(key);
        this.events.agentsChanged([agentId]); // the console shows the answer
      });
      this.inflight.set(key, p);
    }
    return { status: 'LOADING', fields: [], error: null };
  }

  /** Waits for the lookups in flight (shutdown, tests). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inflight.values()]);
  }

  close(): void {
    this.fetcher.destroy();
  }

  private async fetch(url: string, campaignId: string, organizationId: string, e164: string): Promise<void> {
    const target = new URL(url);
    target.searchParams.set('number', e164);
    target.searchParams.set('campaignId', campaignId);
    const repo = new IntegrationRepository(this.orm.em.fork());
    let fields: Record<string, string> | null = null;
    let error: string | null = null;
    try {
      const res = await this.fetcher.fetch(target.toString(), { headers: { accept: 'application/json' } });
      if (res.status === 404) fields = {}; // the CRM does not know this number: nothing to show, not a failure
      else if (res.status < 200 || res.status >= 300) error = `the get-contacts URL answered HTTP ${res.status}`;
      else fields = detailsOf(JSON.parse(res.body.toString('utf8')));
    } catch (err) {
      error = err instanceof OutboundError ? `${err.code}: ${err.message}` : err instanceof SyntaxError ? 'the get-contacts URL did not answer JSON' : err instanceof Error ? err.message : String(err);
    }
    const now = this.clock.now();
    try {
      // the campaign's status first: once the console shows the answer, the wallboard already does
      if (error) {
        await repo.fail(campaignId, 'GET_CONTACTS', error, now, (n) => new Date(now.getTime() + integrationRetryMs(n)));
        this.log.warn({ campaignId, error }, 'get-contacts URL failed');
      } else await repo.ok(campaignId, 'GET_CONTACTS', now);
      await repo.saveLookup(campaignId, e164, fields, error, now);
      this.events.campaignChanged(organizationId, campaignId);
    } catch (err) {
      this.log.warn({ err, campaignId }, 'get-contacts answer not kept');
    }
  }
}

/** The details a get-contacts answer carries: its `fields` object, or its own scalar members (at most 30). */
export function detailsOf(body: unknown): Record<string, string> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('the get-contacts URL must answer a JSON object');
  const o = body as Record<string, unknown>;
  const source = o.fields && typeof o.fields === 'object' && !Array.isArray(o.fields) ? (o.fields as Record<string, unknown>) : o;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) {
    if (Object.keys(out).length >= MAX_FIELDS) break;
    if (!FIELD_KEY.test(k) || v === null || v === undefined || typeof v === 'object') continue;
    out[k] = String(v).slice(0, 500);
  }
  return out;
}
