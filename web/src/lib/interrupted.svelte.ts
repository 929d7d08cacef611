import { ApiError, type Api } from './api/client.js';
import {
  INTERRUPTED_CALLS, RESOLVE_INTERRUPTED,
  type Followup, type InterruptedCallOutcome, type InterruptedCallsResult, type ResolveInterruptedResult,
} from './api/documents.js';
import { settledText } from './format.js';
import { LatestRead } from './latest.js';

/** An error in words, with the server's code when it has one ("ILLEGAL_TRANSITION: ..."). */
export function actionError(e: unknown): string {
  if (e instanceof ApiError) return e.code === 'ILLEGAL_TRANSITION' || e.code === 'FORBIDDEN' ? `${e.message} (${e.code})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * A campaign's interrupted calls (supervisors): calls cut off by a crash or shutdown after the
 * customer answered, each waiting for a person to settle it as done, call again, or don't call.
 */
export class InterruptedCallsStore {
  items = $state.raw<Followup[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  /** The number being settled right now. */
  busyId = $state<string | null>(null);

  private readonly reads = new LatestRead();

  constructor(
    private readonly api: Api,
    readonly campaignId: string,
  ) {}

  /** Reads the list; an answer that arrives after a newer request is dropped. */
  async load(): Promise<void> {
    await this.reads.run(() => this.api.request<InterruptedCallsResult>(INTERRUPTED_CALLS, { campaignId: this.campaignId }), {
      ok: ({ interruptedCalls }) => {
        this.items = interruptedCalls;
        this.loaded = true;
      },
      fail: (e) => (this.error = actionError(e)),
    });
  }

  /** Settles one call; on success it leaves the list. A refusal (e.g. someone settled it first) is shown and the list re-read. */
  async resolve(numberId: string, outcome: InterruptedCallOutcome): Promise<boolean> {
    const call = this.items.find((f) => f.numberId === numberId);
    this.busyId = numberId;
    this.error = null;
    this.notice = null;
    try {
      await this.api.request<ResolveInterruptedResult>(RESOLVE_INTERRUPTED, { numberId, outcome });
      this.items = this.items.filter((f) => f.numberId !== numberId);
      if (call) this.notice = settledText(call, outcome);
      return true;
    } catch (e) {
      this.error = actionError(e);
      if (e instanceof ApiError && (e.code === 'ILLEGAL_TRANSITION' || e.code === 'NOT_FOUND')) void this.load();
      return false;
    } finally {
      this.busyId = null;
    }
  }
}
