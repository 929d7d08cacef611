import type { EntityManager } from '@mikro-orm/postgresql';
import { CampaignEntity } from '../../entities/index.js';
import type { CampaignStatus } from '../../domain/campaign-lifecycle.js';
import { NumberReason, NumberState } from '../../domain/number-state.js';
import { escapeLike } from '../contact/contact.repository.js';
import type { CampaignSortField, SortDirection } from './campaign.input.js';

const SORT_COLUMN: Record<CampaignSortField, keyof CampaignEntity> = { NAME: 'name', CREATED_AT: 'createdAt', STATUS: 'status' };

export class CampaignRepository {
  constructor(private readonly em: EntityManager) {}

  findById(organizationId: string, id: string): Promise<CampaignEntity | null> {
    return this.em.findOne(CampaignEntity, { id, organization: organizationId });
  }

  /** Locks the campaign row for the rest of the transaction (lifecycle moves are serialised). */
  async lock(organizationId: string, id: string): Promise<CampaignEntity | null> {
    const rows: { id: string }[] = await this.em
      .execute('select id from campaign where id = ? and organization_id = ? for update', [id, organizationId]);
    if (!rows.length) return null;
    return this.em.findOne(CampaignEntity, { id }, { refresh: true });
  }

  findPage(
    organizationId: string,
    filter: { status?: CampaignStatus[]; search?: string; groups?: string[] },
    sort: { field: CampaignSortField; direction: SortDirection },
    limit: number,
    offset: number,
  ) {
    const where: Record<string, unknown> = { organization: organizationId };
    if (filter.status?.length) where.status = { $in: filter.status };
    if (filter.search) where.name = { $ilike: `%${escapeLike(filter.search)}%` };
    if (filter.groups) where.group = { $in: filter.groups };
    const dir = sort.direction === 'ASC' ? 'asc' : 'desc';
    return this.em.findAndCount(CampaignEntity, where, {
      orderBy: { [SORT_COLUMN[sort.field]]: dir, createdAt: 'desc', id: 'asc' },
      limit,
      offset,
    });
  }

  /** Numbers a list would put into a campaign (every phone of every member). */
  async countListNumbers(organizationId: string, listId: string): Promise<number> {
    const [row] = await this.em.execute(
      `select count(*)::int as n from contact_list_member m
         join contact c on c.id = m.contact_id and c.organization_id = ?
         join phone_number p on p.contact_id = c.id
        where m.list_id = ?`,
      [organizationId, listId],
    );
    return (row as { n: number }).n;
  }

  /**
   * Copies the list into campaign numbers in one statement (the snapshot: later list edits do not
   * leak in). Counters move with it through the insert trigger.
   */
  async snapshotList(organizationId: string, campaignId: string, listId: string, now: Date, firstAttemptAt: Date | null): Promise<number> {
    const res = await this.em.execute(
      `insert into campaign_number (id, organization_id, campaign_id, contact_id, contact_name, contact_fields, client_id,
                                    e164, time_zones, position, state, reason, agent_attempts, customer_attempts, dial_count,
                                    priority, next_attempt_at, owner_agent_id, created_at, added_at, updated_at)
       select gen_random_uuid(), c.organization_id, ?, c.id, c.name, c.fields, c.client_id,
              p.e164, case when c.time_zone is null then p.time_zones else array[c.time_zone]::text[] end, p.position, ?, null, 0, 0, 0, 0, ?, null, c.created_at, ?, ?
         from contact_list_member m
         join contact c on c.id = m.contact_id and c.organization_id = ?
         join phone_number p on p.contact_id = c.id
        where m.list_id = ?
        order by c.created_at, c.id, p.position`,
      [campaignId, NumberState.SCHEDULED, firstAttemptAt, now, now, organizationId, listId],
      'run',
    );
    return (res as unknown as { affectedRows: number }).affectedRows;
  }

  
  /**
   * Up to `limit` numbers of a campaign in list order, each with its latest customer leg (one
   * pass over the campaign's legs, not one lookup per number) and its owner's name.
   */
  reportRows(campaignId: string, limit: number): Promise<ReportNumberRow[]> {
    return this.em.execute(
      `select n.contact_name, n.e164, array_to_string(n.time_zones, ' ') as time_zones, n.state, n.reason, n.agent_attempts, n.customer_attempts, n.dial_count,
              n.disposition, n.next_attempt_at, n.contact_fields, a.name as owner_name,
              l.status as last_status, l.created_at as last_at, l.duration_sec as last_duration
         from campaign_number n
         left join agent a on a.id = n.owner_agent_id
         left join (select distinct on (number_id) number_id, status, created_at, duration_sec
                      from call_leg where campaign_id = ? and kind = 'CUSTOMER' and number_id is not null
                     order by number_id, created_at desc) l on l.number_id = n.id
        where n.campaign_id = ?
        order by n.created_at, n.contact_id, n.position, n.id
        limit ?`,
      [campaignId, campaignId, limit],
    );
  }
}

/** A campaign number with its latest customer call and owner, for the report. */
export interface ReportNumberRow {
  contact_name: string;
  e164: string;
  /** Space-separated: the zones the calling window must hold in. */
  time_zones: string;
  state: string;
  reason: string | null;
  agent_attempts: number;
  customer_attempts: number;
  dial_count: number;
  disposition: string | null;
  next_attempt_at: Date | null;
  contact_fields: Record<string, string> | null;
  owner_name: string | null;
  last_status: string | null;
  last_at: Date | null;
  last_duration: number | null;
}
