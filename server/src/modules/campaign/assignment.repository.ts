import type { EntityManager } from '@mikro-orm/postgresql';
import { IN_UUID, jsonParam } from '../../db/sql.js';
import type { OwnerPool } from '../../domain/owner-pool.js';

const PENDING = `('SCHEDULED', 'RETRY')`;
const UNPROCESSED = `('SCHEDULED', 'RETRY', 'IN_PROGRESS', 'RETRYING')`;
/** One customer: a contact's numbers go together (the next number is tried on no answer, seed 003). */
const CUSTOMER = `coalesce(n.contact_id, n.id)`;

export interface PoolCampaignRow {
  id: string;
  organization_id: string;
  status: string;
  group_id: string;
  owner_pool: OwnerPool | null;
}

export interface CampaignNumberRow {
  id: string;
  contact_name: string;
  e164: string;
  state: string;
  reason: string | null;
  owner_agent_id: string | null;
  owner_name: string | null;
  next_attempt_at: Date | null;
  dial_count: number;
  released_at: Date | null;
  total: string;
}

/** Who owns which customers of a campaign (seed 003): claims, manual, CSV and balanced assignment. */
export class AssignmentRepository {
  constructor(private readonly em: EntityManager) {}

  async campaign(organizationId: string, id: string): Promise<PoolCampaignRow | undefined> {
    const [row] = await this.em.execute<PoolCampaignRow[]>(
      `select id, organization_id, status, group_id, owner_pool from campaign where id = ? and organization_id = ?`, [id, organizationId]);
    return row;
  }

  /** Agents of a group, with how many unprocessed customers each owns in the campaign (in name order). */
  members(campaignId: string, groupId: string): Promise<{ id: string; name: string; phone: string; owned: string }[]> {
    return this.em.execute(
      `select a.id, a.name, a.phone,
              (select count(distinct ${CUSTOMER}) from campaign_number n where n.campaign_id = ? and n.owner_agent_id = a.id and n.state in ${UNPROCESSED}) as owned
         from agent a join agent_group_member m on m.agent_id = a.id and m.group_id = ? order by a.name, a.id`,
      [campaignId, groupId],
    );
  }

  /** Serialises one agent's clicks on one campaign until the transaction ends (a double click takes once). */
  async lockAgent(campaignId: string, agentId: string): Promise<void> {
    await this.em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 3))`, [`pool:${campaignId}:${agentId}`]);
  }

  async ownedCustomers(campaignId: string, agentId: string): Promise<number> {
    const [r] = await this.em.execute<{ n: string }[]>(
      `select count(distinct ${CUSTOMER}) as n from campaign_number n where n.campaign_id = ? and n.owner_agent_id = ? and n.state in ${UNPROCESSED}`, [campaignId, agentId]);
    return Number(r!.n);
  }

  /**
   * Gives `agentId` up to `limit` new customers nobody owns, in the seed's order for new customers
   * (created first, fewest dials first); every waiting number of each. Rows another click holds are
   * skipped. Returns how many customers were taken.
   */
  async claimNew(campaignId: string, agentId: string, limit: number, now: Date): Promise<number> {
    const rows = await this.em.execute<{ customer: string }[]>(
      `with picked as (
         select ${CUSTOMER} as customer from campaign_number n
          where n.campaign_id = ? and n.owner_agent_id is null and n.released_at is null and n.state = 'SCHEDULED'
          group by 1 order by min(n.created_at), min(n.dial_count), 1 limit ?),
       locked as (
         select n.id, ${CUSTOMER} as customer from campaign_number n join picked p on p.customer = ${CUSTOMER}
          where n.campaign_id = ? and n.owner_agent_id is null and n.state in ${PENDING} for update of n skip locked)
       update campaign_number n set owner_agent_id = ?, updated_at = ? from locked l where n.id = l.id returning l.customer`,
      [campaignId, limit, campaignId, agentId, now],
    );
    return new Set(rows.map((r) => r.customer)).size;
  }

  /** Customers nobody owns yet (new or released), oldest first: their keys. */
  async unassignedCustomers(campaignId: string): Promise<string[]> {
    const rows = await this.em.execute<{ customer: string }[]>(
      `select ${CUSTOMER} as customer from campaign_number n where n.campaign_id = ? and n.owner_agent_id is null and n.state in ${PENDING}
        group by 1 order by min(n.created_at), min(n.dial_count), 1`, [campaignId]);
    return rows.map((r) => r.customer);
  }

  /** Gives (or with null takes back) every waiting number of these customers; returns the numbers changed. */
  async assignCustomers(campaignId: string, customers: string[], agentId: string | null, now: Date): Promise<number> {
    if (!customers.length) return 0;
    const res = await this.em.execute(
      `update campaign_number n set owner_agent_id = ?, released_at = null, updated_at = ?
        where n.campaign_id = ? and n.state in ${PENDING} and ${CUSTOMER} in ${IN_UUID} and n.owner_agent_id is distinct from ?`,
      [agentId, now, campaignId, jsonParam(customers), agentId],
      'run',
    );
    return (res as unknown as { affectedRows: number }).affectedRows;
  }

  /** The customers of these numbers of the campaign that are still waiting (others cannot change hands). */
  async customersOfNumbers(campaignId: string, numberIds: string[]): Promise<{ id: string; customer: string; state: string }[]> {
    return this.em.execute(
      `select n.id, ${CUSTOMER} as customer, n.state from campaign_number n where n.campaign_id = ? and n.id in ${IN_UUID}`, [campaignId, jsonParam(numberIds)]);
  }

  /** The customers of these numbers (E.164) in the campaign that are waiting. */
  async customersByNumber(campaignId: string, e164s: string[]): Promise<Map<string, string>> {
    const rows = await this.em.execute<{ e164: string; customer: string }[]>(
      `select n.e164, ${CUSTOMER} as customer from campaign_number n where n.campaign_id = ? and n.state in ${PENDING} and n.e164 in (select jsonb_array_elements_text(?::jsonb))`,
      [campaignId, JSON.stringify(e164s)]);
    return new Map(rows.map((r) => [r.e164, r.customer]));
  }

  /** A page of the campaign's numbers with their owner (newest activity last), filtered by state and owner. */
  page(campaignId: string, f: { states?: string[]; ownerId?: string | null; unassigned?: boolean; search?: string }, limit: number, offset: number): Promise<CampaignNumberRow[]> {
    const where = ['n.campaign_id = ?'];
    const args: unknown[] = [campaignId];
    if (f.states?.length) {
      where.push(`n.state in (select jsonb_array_elements_text(?::jsonb))`);
      args.push(JSON.stringify(f.states));
    }
    if (f.unassigned) where.push('n.owner_agent_id is null');
    else if (f.ownerId) {
      where.push('n.owner_agent_id = ?');
      args.push(f.ownerId);
    }
    if (f.search) {
      const digits = f.search.replace(/\D/g, '');
      where.push(digits ? `(n.e164 like ? or n.contact_name ilike ?)` : `n.contact_name ilike ?`);
      if (digits) args.push(`%${digits}%`);
      args.push(`%${f.search.replace(/[%_\\]/g, '\\$&')}%`);
    }
    return this.em.execute<CampaignNumberRow[]>(
      `select n.id, n.contact_name, n.e164, n.state, n.reason, n.owner_agent_id, a.name as owner_name, n.next_attempt_at, n.dial_count, n.released_at,
              count(*) over () as total
         from campaign_number n left join agent a on a.id = n.owner_agent_id
        where ${where.join(' and ')}
        order by n.created_at, n.id limit ? offset ?`,
      [...args, limit, offset],
    );
  }
}
