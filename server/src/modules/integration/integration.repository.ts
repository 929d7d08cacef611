import type { EntityManager } from '@mikro-orm/postgresql';

export type IntegrationKind = 'DIAL_WHOM' | 'GET_CONTACTS' | 'TELEPHONY';

export interface DialWhomCampaign {
  id: string;
  organization_id: string;
  dial_whom_url: string;
  cursor: string | null;
}

export interface IntegrationStatusRow {
  campaign_id: string;
  kind: IntegrationKind;
  done: boolean;
  pages: number;
  fetched: number;
  rejected: number;
  last_rejection: string | null;
  failures: number;
  last_error: string | null;
  error_at: Date | null;
  retry_at: Date | null;
  ok_at: Date | null;
}

/** A number a dial-whom page gave, validated. */
export interface SourcedNumber {
  e164: string;
  name: string;
  clientId: string | null;
  timeZones: string[];
  fields: Record<string, string>;
}

/** Dial-whom paging state, get-contacts answers, and both URLs' last failures. */
export class IntegrationRepository {
  constructor(private readonly em: EntityManager) {}

  /** Running campaigns fed by a dial-whom URL that are low on numbers, not finished, not failing until later, not being fetched. */
  hungry(now: Date, lowWater: number): Promise<DialWhomCampaign[]> {
    return this.em.execute(
      `select c.id, c.organization_id, c.dial_whom_url, i.cursor
         from campaign c left join campaign_integration i on i.campaign_id = c.id and i.kind = 'DIAL_WHOM'
        where c.status = 'RUNNING' and c.dial_whom_url is not null and not coalesce(i.done, false)
          and (i.retry_at is null or i.retry_at <= ?) and (i.lease_until is null or i.lease_until < ?)
          and (select coalesce(sum(s.count), 0) from campaign_state_count s where s.campaign_id = c.id and s.state in ('SCHEDULED', 'RETRY')) < ?`,
      [now, now, lowWater],
    );
  }

  /** Takes the fetch lease of a campaign's dial-whom URL; false when another instance holds it. */
  async lease(campaignId: string, until: Date, now: Date): Promise<boolean> {
    const rows = await this.em.execute<{ campaign_id: string }[]>(
      `insert into campaign_integration (campaign_id, kind, lease_until) values (?, 'DIAL_WHOM', ?)
       on conflict (campaign_id, kind) do update set lease_until = excluded.lease_until
        where campaign_integration.lease_until is null or campaign_integration.lease_until < ?
       returning campaign_id`,
      [campaignId, until, now],
    );
    return rows.length > 0;
  }

  /**
   * Adds a page's numbers to the campaign (SCHEDULED, in the order given; a number already in the
   * campaign is skipped) and moves the cursor, in the caller's transaction. Returns how many were added.
   */
  async addPage(c: { id: string; organizationId: string }, numbers: SourcedNumber[], next: { cursor: string | null; rejected: number; lastRejection: string | null }, now: Date): Promise<number> {
    let added = 0;
    if (numbers.length) {
      const data = numbers.map((n, i) => ({ e: n.e164, name: n.name, cid: n.clientId, z: `{${n.timeZones.join(',')}}`, f: n.fields, i }));
      const res = await this.em.execute(
        `insert into campaign_number (id, organization_id, campaign_id, contact_id, contact_name, contact_fields, client_id,
                                      e164, time_zones, position, state, reason, agent_attempts, customer_attempts, dial_count,
                                      priority, next_attempt_at, owner_agent_id, created_at, added_at, updated_at)
         select gen_random_uuid(), ?, ?, null, v.name, coalesce(v.f, '{}'::jsonb), v.cid, v.e, v.z::text[], 0, 'SCHEDULED', null, 0, 0, 0,
                0, null, null, greatest(?::timestamptz, (select max(x.created_at) + interval '1 millisecond' from campaign_number x where x.campaign_id = ?)) + make_interval(secs => v.i / 1000.0), ?, ?
           from jsonb_to_recordset(?::jsonb) as v(e text, name text, cid text, z text, f jsonb, i int)
          where not exists (select 1 from campaign_number x where x.campaign_id = ? and x.e164 = v.e)
          order by v.i`,
        [c.organizationId, c.id, now, c.id, now, now, JSON.stringify(data), c.id],
        'run',
      );
      added = (res as unknown as { affectedRows: number }).affectedRows;
    }
    await this.em.execute(
      `update campaign_integration set cursor = ?, done = ?, pages = pages + 1, fetched = fetched + ?, rejected = rejected + ?,
              last_rejection = coalesce(?, last_rejection), lease_until = null, failures = 0, last_error = null, error_at = null, retry_at = null, ok_at = ?
        where campaign_id = ? and kind = 'DIAL_WHOM'`,
      [next.cursor, next.cursor === null, added, next.rejected, next.lastRejection, now, c.id],
    );
    return added;
  }

  /** Records a failure of a campaign's URL and when it is tried again (the lease is let go). */
  async fail(campaignId: string, kind: IntegrationKind, error: string, now: Date, retryAt: (failures: number) => Date): Promise<number> {
    const [row] = await this.em.execute<{ failures: number }[]>(
      `insert into campaign_integration (campaign_id, kind, failures, last_error, error_at) values (?, ?, 1, ?, ?)
       on conflict (campaign_id, kind) do update set failures = campaign_integration.failures + 1, last_error = excluded.last_error, error_at = excluded.error_at, lease_until = null
       returning failures`,
      [campaignId, kind, error.slice(0, 500), now],
    );
    await this.em.execute(`update campaign_integration set retry_at = ? where campaign_id = ? and kind = ?`, [retryAt(row!.failures), campaignId, kind]);
    return row!.failures;
  }

  /** A success of a get-contacts URL clears its failure. */
  async ok(campaignId: string, kind: IntegrationKind, now: Date): Promise<void> {
    await this.em.execute(
      `insert into campaign_integration (campaign_id, kind, ok_at) values (?, ?, ?)
       on conflict (campaign_id, kind) do update set failures = 0, last_error = null, error_at = null, retry_at = null, ok_at = excluded.ok_at`,
      [campaignId, kind, now],
    );
  }

  status(campaignId: string): Promise<IntegrationStatusRow[]> {
    return this.em.execute(
      `select campaign_id, kind, done, pages, fetched, rejected, last_rejection, failures, last_error, error_at, retry_at, ok_at
         from campaign_integration where campaign_id = ? order by kind`, [campaignId]);
  }

  // ---- get-contacts ----

  async lookup(campaignId: string, e164: string): Promise<{ fields: Record<string, string> | null; error: string | null; fetched_at: Date } | undefined> {
    const [row] = await this.em.execute<{ fields: Record<string, string> | null; error: string | null; fetched_at: Date }[]>(
      `select fields, error, fetched_at from contact_lookup where campaign_id = ? and e164 = ?`, [campaignId, e164]);
    return row;
  }

  async saveLookup(campaignId: string, e164: string, fields: Record<string, string> | null, error: string | null, now: Date): Promise<void> {
    await this.em.execute(
      `insert into contact_lookup (campaign_id, e164, fields, error, fetched_at) values (?, ?, ?, ?, ?)
       on conflict (campaign_id, e164) do update set fields = excluded.fields, error = excluded.error, fetched_at = excluded.fetched_at`,
      [campaignId, e164, fields === null ? null : JSON.stringify(fields), error, now],
    );
  }
}
