/**
 * Causes that say the network or the trunk failed the call rather than anything about the number: a trunk
 * that answers 5xx (CONGESTION), one that answers nothing (UNREACHABLE), or a provider that refused the
 * request itself (ORIGINATE_ERROR).
 */
export const NETWORK_CAUSES: ReadonlySet<string> = new Set(['CONGESTION', 'UNREACHABLE', 'ORIGINATE_ERROR']);

export interface TrunkBreakerOptions {
  /**
   * Network failures in a row (no call reaching anyone in between) that mean the trunk is down. Five: a trunk that
   * refuses one call in twenty at random trips it about once in three million calls. @default 5
   */
  threshold?: number;
  /** First wait before a probe call; it doubles after each failed probe, up to `capMs`. @default 30 s, 5 min */
  baseMs?: number;
  capMs?: number;
}

export type TrunkVerdict =
  /** The failure counts as the number's own (the trunk is not known to be down). */
  | { counts: true; opened: false }
  /** The trunk is down (this failure made it so, or it already was): the number goes back in line untouched. */
  | { counts: false; opened: boolean; retryAt: number };

/**
 * A circuit breaker for a campaign's calls to customers (pure: the caller passes the time). A few network
 * failures in a row count against their numbers as usual (one carrier refusal is usually about the number);
 * from `threshold` in a row the trunk is taken to be down: dialling stops, the failing calls' numbers go back
 * in line without spending an attempt, and after a wait one probe call is let through; the first call that
 * reaches anyone (rings, answers, busy, no answer) closes the breaker.
 */
export class TrunkBreaker {
  private readonly threshold: number;
  private readonly baseMs: number;
  private readonly capMs: number;
  private inRow = 0;
  get failuresInRow(): number {
    return this.inRow;
  }
  private openings = 0;
  /** Set while the trunk is taken to be down: no call before this time, then one probe. */
  private retryAt: number | null = null;
  private probing = false;
  /** The cause of the last network failure (what the wallboard says). */
  lastCause: string | null = null;

  constructor(o: TrunkBreakerOptions = {}) {
    this.threshold = o.threshold ?? 5;
    this.baseMs = o.baseMs ?? 30_000;
    this.capMs = o.capMs ?? 300_000;
  }

  get open(): boolean {
    return this.retryAt !== null;
  }

  /** How many customer calls may be placed now: all of them while the trunk works, one probe when a wait is over. */
  allowance(now: number, wanted: number): number {
    if (this.retryAt === null) return wanted;
    if (now < this.retryAt || this.probing) return 0;
    return Math.min(1, wanted);
  }

  /** A customer call was placed (a probe, while the breaker is open). */
  placed(): void {
    if (this.retryAt !== null) this.probing = true;
  }

  /** A customer call reached the network's far end: the trunk works. Returns true when this closed the breaker. */
  reached(): boolean {
    const wasOpen = this.retryAt !== null;
    this.inRow = 0;
    this.openings = 0;
    this.retryAt = null;
    this.probing = false;
    this.lastCause = null;
    return wasOpen;
  }

  /** A customer call failed with one of NETWORK_CAUSES. */
  failed(now: number, cause: string): TrunkVerdict {
    this.inRow++;
    this.lastCause = cause;
    if (this.retryAt === null && this.inRow < this.threshold) return { counts: true, opened: false };
    const opened = this.retryAt === null || this.probing;
    if (opened) {
      // (re)open: wait longer after each failed probe
      this.retryAt = now + Math.min(this.capMs, this.baseMs * 2 ** this.openings);
      this.openings++;
      this.probing = false;
    }
    return { counts: false, opened, retryAt: this.retryAt! };
  }
}
