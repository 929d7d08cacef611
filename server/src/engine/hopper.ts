import { allocateColumns, NumberState as Code, type NumberColumns, type OrderResult, type RemovedCounts, type ZoneEntry } from '@dialer/pacing-core';
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
}

const CODE: Partial<Record<NumberState, Code>> = {
  SCHEDULED: Code.SCHEDULED,
  RETRY: Code.RETRY,
  IN_PROGRESS: Code.IN_PROGRESS,
  RETRYING: Code.IN_PROGRESS,
};

/**
 * A campaign's dialable numbers as shared column arrays, ordered by pacing-core in the worker
 * pool. The owner keeps it in step with its own claims and results; it is reloaded from the
 * database now and then (and after user actions) since others may change numbers too.
 */
export class Hopper {
  private ids: string[] = [];
  private rowOf = new Map<string, number>();
  private agentIndex = new Map<string, number>();
  private columns: NumberColumns = allocateColumns(0);
  /** Zone table: a zone, or the candidate set of numbers whose zone is uncertain (open only where all are). */
  private zones: ZoneEntry[] = [];
  private contactCount = 0;
  private loadedAt = 0;
  private owned = 0;
  /** Filter counts and depth of the last ordering, for the wallboard. */
  last: { eligible: number; eligibleDue: number; removed: RemovedCounts | null } = { eligible: 0, eligibleDue: 0, removed: null };

  constructor(
    private readonly campaignId: string,
    private readonly pool: PacingPool,
  ) {}

  get size(): number {
    return this.ids.length;
  }

  /** Whether the last load held agent-owned records (followups), which only their owner may get. */
  get hasOwned(): boolean {
    return this.owned > 0;
  }

  needsReload(nowMs: number, maxAgeMs: number): boolean {
    return nowMs - this.loadedAt > maxAgeMs;
  }

  /** Loads every number that is not final, with its suppression flag (number or client id). */
  async load(em: EntityManager, nowMs: number): Promise<void> {
    const rows: Row[] = await em.execute(
      `select n.id, n.state, n.next_attempt_at, n.created_at, n.priority, n.dial_count, n.customer_attempts,
              n.owner_agent_id, n.contact_id, n.time_zones,
              exists (select 1 from suppression s where s.organization_id = n.organization_id
                        and ((s.kind = 'NUMBER' and s.value = n.e164) or (s.kind = 'CLIENT_ID' and s.value = n.client_id))) as suppressed
         from campaign_number n
        where n.campaign_id = ? and n.state in ('SCHEDULED', 'RETRY', 'IN_PROGRESS', 'RETRYING')`,
      [this.campaignId],
    );
    const cols = allocateColumns(rows.length);
    const zoneIndex = new Map<string, number>();
    const zones: ZoneEntry[] = [];
    const contactIndex = new Map<string, number>();
    this.ids = new Array(rows.length);
    this.rowOf.clear();
    this.owned = 0;
    rows.forEach((r, i) => {
      this.ids[i] = r.id;
      this.rowOf.set(r.id, i);
      cols.state[i] = CODE[r.state] ?? Code.FINAL;
      cols.nextAttemptAt[i] = r.next_attempt_at ? new Date(r.next_attempt_at).getTime() : 0;
      cols.createdAt[i] = new Date(r.created_at).getTime();
      cols.priority[i] = r.priority;
      cols.dialCount[i] = r.dial_count;
      cols.attempts![i] = r.customer_attempts;
      cols.ownerAgent[i] = r.owner_agent_id ? this.agent(r.owner_agent_id) : -1;
      if (r.owner_agent_id) this.owned++;
      if (r.contact_id) {
        let c = contactIndex.get(r.contact_id);
        if (c === undefined) contactIndex.set(r.contact_id, (c = contactIndex.size));
        cols.contact[i] = c;
      }
      const key = r.time_zones.join(' ');
      let z = zoneIndex.get(key);
      if (z === undefined) {
        zoneIndex.set(key, (z = zones.length));
        zones.push(r.time_zones.length === 1 ? r.time_zones[0]! : r.time_zones);
      }
      cols.zone[i] = z;
      cols.suppressed[i] = r.suppressed ? 1 : 0;
    });
    this.columns = cols;
    this.zones = zones;
    this.contactCount = contactIndex.size;
    this.loadedAt = nowMs;
  }

  /** The next `k` number ids to dial, in order, for an agent (owned records) or the campaign pool. */
  async next(nowMs: number, k: number, window: { startMinute: number; endMinute: number }, forAgent?: string): Promise<string[]> {
    if (!this.ids.length) {
      this.last = { eligible: 0, eligibleDue: 0, removed: null };
      return [];
    }
    const r: OrderResult = await this.pool.run('orderNumbers', {
      columns: this.columns,
      zones: this.zones,
      now: nowMs,
      k,
      forAgent: forAgent ? this.agent(forAgent) : undefined,
      window: { startMinute: window.startMinute, endMinute: window.endMinute },
      contactCount: this.contactCount,
    });
    this.last = { eligible: r.eligible, eligibleDue: r.eligibleDue, removed: r.removed };
    return Array.from(r.rows, (row) => this.ids[row]!);
  }

  /** Mirrors a state change the owner made, so the next ordering sees it before a reload. */
  mark(id: string, state: NumberState, nextAttemptAt: Date | null): void {
    const i = this.rowOf.get(id);
    if (i === undefined) return;
    this.columns.state[i] = CODE[state] ?? Code.FINAL;
    this.columns.nextAttemptAt[i] = nextAttemptAt ? nextAttemptAt.getTime() : 0;
    if (state === NumberState.IN_PROGRESS || state === NumberState.RETRYING) this.columns.dialCount[i]++;
  }

  private agent(id: string): number {
    let a = this.agentIndex.get(id);
    if (a === undefined) this.agentIndex.set(id, (a = this.agentIndex.size));
    return a;
  }
}
