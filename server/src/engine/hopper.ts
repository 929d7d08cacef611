import {
  allocateColumns, NumberState as Code, type IndexedOrderResult, type NumberColumns, type OrderIndex, type OrderResult, type RemovedCounts,
  type ZoneEntry,
} from '@dialer/pacing-core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { NumberState } from '../domain/number-state.js';
import type { PacingPool } from './pacing-pool.js';

interface Row {
  id: string;
  state: NumberState;
  next_attempt_at: Date | null;
  created_at: Date;
  priority: number;
  dial_count: number;
  customer_attempts: number;
  owner_agent_id: string | null;
  contact_id: string | null;
  time_zones: string[];
  suppressed: boolean;
  released_at: Date | null;
  followup: boolean;
}

const CODE: Partial<Record<NumberState, Code>> = {
  SCHEDULED: Code.SCHEDULED,
  RETRY: Code.RETRY,
  IN_PROGRESS: Code.IN_PROGRESS,
  RETRYING: Code.IN_PROGRESS,
};
const WAITING = `('SCHEDULED', 'RETRY', 'IN_PROGRESS', 'RETRYING')`;
const COLUMNS = `n.id, n.state, n.next_attempt_at, n.created_at, n.priority, n.dial_count, n.customer_attempts,
              n.owner_agent_id, n.contact_id, n.time_zones, n.released_at, n.followup_time_zone is not null as followup,
              exists (select 1 from suppression s where s.organization_id = n.organization_id and (s.campaign_id is null or s.campaign_id = n.campaign_id)
                        and ((s.kind = 'NUMBER' and s.value = n.e164) or (s.kind = 'CLIENT_ID' and s.value = n.client_id))) as suppressed`;

/** The owner of a pool customer nobody has taken yet: no agent id ever equals it, so nobody dials it. */
const NOBODY = '';
/**
 * The owner of every booked followup (issue 16, seed 002): followups are preview calls in every dial
 * mode, launched by their owner from the console, so the hopper never hands one out.
 */
const PREVIEW = 'preview';

/** How often rows written by others are fetched (only those written since the last fetch). */
export const HOPPER_SYNC_MS = 2_000;
/** A full reload now and then, as a backstop; between reloads the hopper is kept exact by {@link Hopper.sync}. */
export const HOPPER_RELOAD_MS = 600_000;
/** The wallboard's eligible and held-back counts are recounted over every row at most this often. */
export const HOPPER_FIGURES_MS = 2_000;

/**
 * A campaign's dialable numbers as shared column arrays, ordered by pacing-core in the worker pool.
 *
 * Loaded in full once; after that it is kept in step incrementally: the owner marks its own claims
 * and results, and {@link sync} fetches only the rows anyone wrote since the last fetch (every row
 * write stamps its transaction id, `change_xid`; the hopper remembers the oldest transaction still
 * open at its last read, so nothing committed later is missed). Refills walk a prebuilt order index
 * (`orderFromIndex`) merged with the rows changed since it was built; the index is rebuilt when that
 * list grows or rows are added, and the wallboard's counts come from a full `orderNumbers` pass at
 * most every {@link HOPPER_FIGURES_MS}.
 */
export class Hopper {
  private ids: string[] = [];
  private rowOf = new Map<string, number>();
  private agentIndex = new Map<string, number>();
  private columns: NumberColumns = allocateColumns(0);
  /** Zone table: a zone, or the candidate set of numbers whose zone is uncertain (open only where all are). */
  private zones: ZoneEntry[] = [];
  private zoneIndex = new Map<string, number>();
  private contactIndex = new Map<string, number>();
  private owned = 0;
  private loadedAt = -Infinity;
  private syncedAt = -Infinity;
  private figuresAt = -Infinity;
  /** `pg_snapshot_xmin` before the last read: rows stamped at or after it may be new to us. */
  private xmin: string | null = null;
  private index: OrderIndex | null = null;
  /** Owner pools (seed 003): unowned, unreleased customers belong to {@link NOBODY}. */
  private ownerPool = false;
  /** Rows changed since the index was built. */
  private dirty = new Set<number>();
  /** Filter counts and depth of the last full count, for the wallboard. */
  last: { eligible: number; eligibleDue: number; removed: RemovedCounts | null } = { eligible: 0, eligibleDue: 0, removed: null };
  /** What the hopper has done so far (benchmarks and tests read it). */
  readonly stats = { loads: 0, syncs: 0, rowsSynced: 0, rowsAdded: 0, indexBuilds: 0, indexedRefills: 0, fullOrders: 0 };

  constructor(
    private readonly campaignId: string,
    private readonly pool: PacingPool,
  ) {}

  get size(): number {
    return this.ids.length;
  }

  /** Whether the hopper holds agent-owned records (followups), which only their owner may get. */
  get hasOwned(): boolean {
    return this.owned > 0;
  }

  /**
   * Brings the hopper up to date: a full load when it has none or it is old, else the rows written
   * since the last read. `ownerPool` (seed 003): a customer nobody owns is dialled by nobody, unless it
   * was released to the group.
   */
  async refresh(em: EntityManager, nowMs: number, ownerPool = false): Promise<void> {
    if (ownerPool !== this.ownerPool) {
      this.ownerPool = ownerPool;
      this.xmin = null;
    }
    if (nowMs - this.loadedAt >= HOPPER_RELOAD_MS || this.xmin === null) await this.load(em, nowMs);
    else if (nowMs - this.syncedAt >= HOPPER_SYNC_MS) await this.sync(em, nowMs);
  }

  /** Loads every number that is not final, with its suppression flag (number or client id). */
  async load(em: EntityManager, nowMs: number): Promise<void> {
    const xmin = await this.snapshotXmin(em);
    const rows: Row[] = await em.execute(`select ${COLUMNS} from campaign_number n where n.campaign_id = ? and n.state in ${WAITING}`, [this.campaignId]);
    this.columns = allocateColumns(rows.length);
    this.ids = new Array(rows.length);
    this.rowOf.clear();
    this.zones = [];
    this.zoneIndex.clear();
    this.contactIndex.clear();
    this.owned = 0;
    rows.forEach((r, i) => this.put(i, r));
    this.index = null;
    this.dirty.clear();
    this.xmin = xmin;
    this.loadedAt = this.syncedAt = nowMs;
    this.figuresAt = -Infinity;
    this.stats.loads++;
  }

  /**
   * Applies the rows written since the last read: changed rows in place (marked dirty for the index),
   * new waiting rows appended (the index is rebuilt).
   */
  async sync(em: EntityManager, nowMs: number): Promise<void> {
    const xmin = await this.snapshotXmin(em);
    const rows: Row[] = await em.execute(
      `select ${COLUMNS} from campaign_number n where n.campaign_id = ? and n.change_xid >= ?::xid8`,
      [this.campaignId, this.xmin],
    );
    const added: Row[] = [];
    for (const r of rows) {
      const i = this.rowOf.get(r.id);
      if (i !== undefined) {
        if (this.countsAsOwned(i)) this.owned--;
        this.put(i, r);
        this.dirty.add(i);
      } else if (CODE[r.state] !== undefined) added.push(r);
    }
    if (added.length) this.append(added);
    this.xmin = xmin;
    this.syncedAt = nowMs;
    if (rows.length) this.figuresAt = -Infinity;
    this.stats.syncs++;
    this.stats.rowsSynced += rows.length;
  }

  /**
   * The next `k` number ids to dial, in order, for an agent (owned records) or the campaign pool.
   * `k` = 0 only refreshes the wallboard's counts (when they are due).
   */
  async next(nowMs: number, k: number, window: { startMinute: number; endMinute: number }, forAgent?: string): Promise<string[]> {
    if (!this.ids.length) {
      this.last = { eligible: 0, eligibleDue: 0, removed: null };
      return [];
    }
    const input = {
      columns: this.columns,
      zones: this.zones,
      now: nowMs,
      k,
      forAgent: forAgent ? this.agent(forAgent) : undefined,
      window: { startMinute: window.startMinute, endMinute: window.endMinute },
      contactCount: this.contactIndex.size,
    };
    if (nowMs - this.figuresAt >= HOPPER_FIGURES_MS) {
      // a full pass: the order and every filter count
      const r: OrderResult = await this.pool.run('orderNumbers', input);
      this.last = { eligible: r.eligible, eligibleDue: r.eligibleDue, removed: r.removed };
      this.figuresAt = nowMs;
      this.stats.fullOrders++;
      return Array.from(r.rows, (row) => this.ids[row]!);
    }
    if (k === 0) return [];
    if (!this.index || this.dirty.size > Math.max(256, this.ids.length / 50)) {
      this.index = await this.pool.run('buildOrderIndex', this.columns);
      this.dirty.clear();
      this.stats.indexBuilds++;
    }
    const r: IndexedOrderResult = await this.pool.run('orderFromIndex', { ...input, index: this.index, dirty: [...this.dirty] });
    this.stats.indexedRefills++;
    return Array.from(r.rows, (row) => this.ids[row]!);
  }

  /** Mirrors a state change the owner made, so the next ordering sees it before the change is fetched back. */
  mark(id: string, state: NumberState, nextAttemptAt: Date | null): void {
    const i = this.rowOf.get(id);
    if (i === undefined) return;
    this.columns.state[i] = CODE[state] ?? Code.FINAL;
    this.columns.nextAttemptAt[i] = nextAttemptAt ? nextAttemptAt.getTime() : 0;
    if (state === NumberState.IN_PROGRESS || state === NumberState.RETRYING) this.columns.dialCount[i]++;
    this.dirty.add(i);
  }

  /** The oldest transaction id still running (rows it writes are stamped at or after it). */
  private async snapshotXmin(em: EntityManager): Promise<string> {
    const [r] = await em.execute<{ xmin: string }[]>(`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`);
    return r!.xmin;
  }

  /** Writes one row's values into row `i` of the columns. */
  private put(i: number, r: Row): void {
    const cols = this.columns;
    this.ids[i] = r.id;
    this.rowOf.set(r.id, i);
    cols.state[i] = CODE[r.state] ?? Code.FINAL;
    cols.nextAttemptAt[i] = r.next_attempt_at ? new Date(r.next_attempt_at).getTime() : 0;
    cols.createdAt[i] = new Date(r.created_at).getTime();
    cols.priority[i] = r.priority;
    cols.dialCount[i] = r.dial_count;
    cols.attempts![i] = r.customer_attempts;
    cols.ownerAgent[i] = r.followup ? this.agent(PREVIEW) : r.owner_agent_id ? this.agent(r.owner_agent_id) : this.ownerPool && !r.released_at ? this.agent(NOBODY) : -1;
    if (this.countsAsOwned(i)) this.owned++;
    if (r.contact_id) {
      let c = this.contactIndex.get(r.contact_id);
      if (c === undefined) this.contactIndex.set(r.contact_id, (c = this.contactIndex.size));
      cols.contact[i] = c;
    } else cols.contact[i] = -1;
    const key = r.time_zones.join(' ');
    let z = this.zoneIndex.get(key);
    if (z === undefined) {
      this.zoneIndex.set(key, (z = this.zones.length));
      this.zones.push(r.time_zones.length === 1 ? r.time_zones[0]! : r.time_zones);
    }
    cols.zone[i] = z;
    cols.suppressed[i] = r.suppressed ? 1 : 0;
  }

  /** Grows the columns by `rows` (copying the existing ones) and drops the index, which no longer fits. */
  private append(rows: Row[]): void {
    const n = this.ids.length;
    const old = this.columns;
    const cols = allocateColumns(n + rows.length);
    for (const key of Object.keys(cols) as (keyof NumberColumns)[]) {
      const from = old[key], to = cols[key];
      if (from && to) to.set(from as never);
    }
    this.columns = cols;
    rows.forEach((r, j) => this.put(n + j, r));
    this.index = null;
    this.dirty.clear();
    this.stats.rowsAdded += rows.length;
  }

  /** Owned by an agent the dialler may hand it to (not a preview followup, which no tick dials). */
  private countsAsOwned(i: number): boolean {
    const own = this.columns.ownerAgent[i]!;
    return own >= 0 && own !== this.agent(PREVIEW);
  }

  private agent(id: string): number {
    let a = this.agentIndex.get(id);
    if (a === undefined) this.agentIndex.set(id, (a = this.agentIndex.size));
    return a;
  }
}
