import type { EntityManager } from '@mikro-orm/postgresql';

export interface SubscriptionRow {
  id: string;
  organization_id: string;
  url: string;
  event_types: string[];
  description: string;
  active: boolean;
  created_at: Date;
  updated_at: Date;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED' | 'CANCELLED';

export interface DeliveryRow {
  id: string;
  seq: string;
  organization_id: string;
  subscription_id: string | null;
  campaign_id: string | null;
  campaign_name: string | null;
  subscription_description: string | null;
  target: string;
  url: string;
  event_type: string;
  order_key: string;
  payload: Record<string, unknown>;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  failed_at: Date | null;
}

export interface AttemptRow {
  attempt: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error_code: string | null;
  error: string | null;
  response_excerpt: string | null;
}

export interface DeliveryFilter {
  status?: DeliveryStatus;
  subscriptionId?: string;
  campaignId?: string;
  eventType?: string;
}

const SUB_COLUMNS = `id, organization_id, url, event_types, description, active, created_at, updated_at`;
const DELIVERY_COLUMNS = `d.id, d.seq, d.organization_id, d.subscription_id, d.campaign_id, c.name as campaign_name, s.description as subscription_description,
  d.target, d.url, d.event_type, d.order_key, d.payload, d.status, d.attempts, d.next_attempt_at, d.last_status_code, d.last_error,
  d.created_at, d.delivered_at, d.failed_at`;
const DELIVERY_FROM = `webhook_delivery d left join campaign c on c.id = d.campaign_id left join webhook_subscription s on s.id = d.subscription_id`;

/** Webhook subscriptions, the outbox of deliveries and their attempt log; every query names its organisation. */
export class WebhookRepository {
  constructor(private readonly em: EntityManager) {}

  async insertSubscription(s: { id: string; organizationId: string; url: string; eventTypes: string[]; description: string; secret: string; now: Date }): Promise<SubscriptionRow> {
    const [row] = await this.em.execute<SubscriptionRow[]>(
      `insert into webhook_subscription (id, organization_id, url, event_types, description, secret, active, created_at, updated_at)
       values (?, ?, ?, ?::text[], ?, ?, true, ?, ?) returning ${SUB_COLUMNS}`,
      [s.id, s.organizationId, s.url, `{${s.eventTypes.join(',')}}`, s.description, s.secret, s.now, s.now],
    );
    return row!;
  }

  countSubscriptions(organizationId: string): Promise<number> {
    return this.em.execute<{ n: number }[]>(`select count(*)::int as n from webhook_subscription where organization_id = ?`, [organizationId]).then((r) => r[0]!.n);
  }

  listSubscriptions(organizationId: string): Promise<SubscriptionRow[]> {
    return this.em.execute(`select ${SUB_COLUMNS} from webhook_subscription where organization_id = ? order by created_at`, [organizationId]);
  }

  async findSubscription(organizationId: string, id: string): Promise<SubscriptionRow | undefined> {
    const [row] = await this.em.execute<SubscriptionRow[]>(`select ${SUB_COLUMNS} from webhook_subscription where organization_id = ? and id = ?`, [organizationId, id]);
    return row;
  }

  async updateSubscription(organizationId: string, id: string, patch: { url?: string; eventTypes?: string[]; description?: string; active?: boolean; secret?: string }, now: Date): Promise<SubscriptionRow | undefined> {
    const [row] = await this.em.execute<SubscriptionRow[]>(
      `update webhook_subscription set url = coalesce(?, url), event_types = coalesce(?::text[], event_types), description = coalesce(?, description),
              active = coalesce(?, active), secret = coalesce(?, secret), updated_at = ?
        where organization_id = ? and id = ? returning ${SUB_COLUMNS}`,
      [patch.url ?? null, patch.eventTypes ? `{${patch.eventTypes.join(',')}}` : null, patch.description ?? null, patch.active ?? null, patch.secret ?? null, now, organizationId, id],
    );
    return row;
  }

  /** Deletes a subscription; its deliveries still waiting are cancelled (the log stays). */
  async deleteSubscription(organizationId: string, id: string): Promise<boolean> {
    await this.em.execute(`update webhook_delivery set status = 'CANCELLED', last_error = 'the subscription was deleted' where subscription_id = ? and status = 'PENDING' and organization_id = ?`, [id, organizationId]);
    const rows = await this.em.execute<{ id: string }[]>(`delete from webhook_subscription where organization_id = ? and id = ? returning id`, [organizationId, id]);
    return rows.length > 0;
  }

  /** One page, newest first; `afterSeq`: the cursor (the last row's seq of the previous page). */
  async deliveries(organizationId: string, filter: DeliveryFilter, first: number, afterSeq: string | null): Promise<{ rows: DeliveryRow[]; hasNextPage: boolean; totalCount: number }> {
    const where = ['d.organization_id = ?'];
    const params: unknown[] = [organizationId];
    if (filter.status) where.push('d.status = ?'), params.push(filter.status);
    if (filter.subscriptionId) where.push('d.subscription_id = ?'), params.push(filter.subscriptionId);
    if (filter.campaignId) where.push('d.campaign_id = ?'), params.push(filter.campaignId);
    if (filter.eventType) where.push('d.event_type = ?'), params.push(filter.eventType);
    const [count] = await this.em.execute<{ n: number }[]>(`select count(*)::int as n from webhook_delivery d where ${where.join(' and ')}`, params);
    const page = afterSeq ? [...where, 'd.seq < ?'] : where;
    const rows = await this.em.execute<DeliveryRow[]>(
      `select ${DELIVERY_COLUMNS} from ${DELIVERY_FROM} where ${page.join(' and ')} order by d.seq desc limit ?`,
      [...params, ...(afterSeq ? [afterSeq] : []), first + 1],
    );
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first, totalCount: count!.n };
  }

  async delivery(organizationId: string, id: string): Promise<DeliveryRow | undefined> {
    const [row] = await this.em.execute<DeliveryRow[]>(`select ${DELIVERY_COLUMNS} from ${DELIVERY_FROM} where d.organization_id = ? and d.id = ?`, [organizationId, id]);
    return row;
  }

  attempts(deliveryId: string): Promise<AttemptRow[]> {
    return this.em.execute(
      `select attempt, started_at, duration_ms, status_code, error_code, error, response_excerpt from webhook_attempt where delivery_id = ? order by id`, [deliveryId]);
  }

  /** Sends a delivery again (whatever became of it), now, under its own idempotency key; queues its job in this transaction. */
  async replay(organizationId: string, id: string): Promise<boolean> {
    const rows = await this.em.execute<{ target: string; order_key: string }[]>(
      `update webhook_delivery set status = 'PENDING', next_attempt_at = now(), failed_at = null, delivered_at = null
        where organization_id = ? and id = ? returning target, order_key`, [organizationId, id]);
    if (!rows.length) return false;
    await this.enqueue(rows);
    return true;
  }

  /** Queues the send job of each (target, order key) (see the migration's `webhook_enqueue`). */
  async enqueue(keys: { target: string; order_key: string }[]): Promise<void> {
    if (!keys.length) return;
    await this.em.execute(`select webhook_enqueue(?::text[], ?::text[])`, [`{${keys.map((k) => `"${k.target}"`).join(',')}}`, `{${keys.map((k) => `"${k.order_key}"`).join(',')}}`]);
  }

  async campaignSecret(organizationId: string, campaignId: string): Promise<string | undefined> {
    const [row] = await this.em.execute<{ secret: string }[]>(`select webhook_secret as secret from campaign where organization_id = ? and id = ?`, [organizationId, campaignId]);
    return row?.secret;
  }

  async setCampaignSecret(organizationId: string, campaignId: string, secret: string): Promise<boolean> {
    const rows = await this.em.execute<{ id: string }[]>(`update campaign set webhook_secret = ? where organization_id = ? and id = ? returning id`, [secret, organizationId, campaignId]);
    return rows.length > 0;
  }

  // ---- the sender's side (no organisation: the job names its target) ----

  /** The oldest delivery still waiting for one (target, order key). */
  async nextPending(target: string, orderKey: string): Promise<DeliveryRow | undefined> {
    const [row] = await this.em.execute<DeliveryRow[]>(
      `select ${DELIVERY_COLUMNS} from ${DELIVERY_FROM} where d.target = ? and d.order_key = ? and d.status = 'PENDING' order by d.seq limit 1`, [target, orderKey]);
    return row;
  }

  /** The secret a target's deliveries are signed with (a subscription's, or its campaign's); undefined when the target is gone. */
  async secretFor(target: string): Promise<string | undefined> {
    const [kind, id] = target.split(':');
    const sql = kind === 'sub' ? `select secret from webhook_subscription where id = ?` : `select webhook_secret as secret from campaign where id = ?`;
    const [row] = await this.em.execute<{ secret: string }[]>(sql, [id]);
    return row?.secret;
  }

  async recordAttempt(deliveryId: string, a: AttemptRow): Promise<void> {
    await this.em.execute(
      `insert into webhook_attempt (delivery_id, attempt, started_at, duration_ms, status_code, error_code, error, response_excerpt) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [deliveryId, a.attempt, a.started_at, a.duration_ms, a.status_code, a.error_code, a.error, a.response_excerpt],
    );
  }

  /** After an attempt: delivered, waiting until `nextAt`, or failed for good. Only a PENDING delivery moves (a cancel in between wins). */
  async settle(id: string, outcome: { status: 'DELIVERED' | 'PENDING' | 'FAILED'; attempts: number; statusCode: number | null; error: string | null; nextAt?: Date }): Promise<void> {
    await this.em.execute(
      `update webhook_delivery set status = ?, attempts = ?, last_status_code = ?, last_error = ?, next_attempt_at = coalesce(?, next_attempt_at),
              delivered_at = case when ? = 'DELIVERED' then now() else delivered_at end, failed_at = case when ? = 'FAILED' then now() else failed_at end
        where id = ? and status = 'PENDING'`,
      [outcome.status, outcome.attempts, outcome.statusCode, outcome.error?.slice(0, 500) ?? null, outcome.nextAt ?? null, outcome.status, outcome.status, id],
    );
  }

  // ---- crash recovery ----

  async heartbeat(workerIds: string[], instanceId: string): Promise<void> {
    if (workerIds.length) {
      await this.em.execute(
        `insert into webhook_worker (worker_id, instance_id, seen_at) select unnest(?::text[]), ?, now() on conflict (worker_id) do update set seen_at = now()`,
        [`{${workerIds.join(',')}}`, instanceId],
      );
    }
    await this.em.execute(`delete from webhook_worker where seen_at < now() - interval '1 hour'`);
  }

  /**
   * Unlocks the jobs (and queues) of graphile-worker workers that stopped beating (a crashed or killed
   * instance): graphile-worker itself would wait 4 hours. Returns the worker ids unlocked.
   */
  async unlockDeadWorkers(staleSeconds: number): Promise<string[]> {
    const rows = await this.em.execute<{ locked_by: string }[]>(
      `select distinct locked_by from graphile_worker.jobs
        where locked_by is not null and locked_at < now() - make_interval(secs => ?)
          and locked_by not in (select worker_id from webhook_worker where seen_at > now() - make_interval(secs => ?))`,
      [staleSeconds, staleSeconds],
    );
    const ids = rows.map((r) => r.locked_by);
    if (ids.length) await this.em.execute(`select graphile_worker.force_unlock_workers(?::text[])`, [`{${ids.join(',')}}`]);
    return ids;
  }

  /** Waiting deliveries whose job is missing (it should never happen; this makes sure): queued again. */
  async requeueOrphans(olderThanSeconds: number): Promise<number> {
    const rows = await this.em.execute<{ target: string; order_key: string }[]>(
      `select distinct d.target, d.order_key from webhook_delivery d
        where d.status = 'PENDING' and d.next_attempt_at < now() - make_interval(secs => ?)
          and not exists (select 1 from graphile_worker.jobs j where j.key = 'wh:' || d.target || ':' || d.order_key)
        limit 500`,
      [olderThanSeconds],
    );
    await this.enqueue(rows);
    return rows.length;
  }
}
