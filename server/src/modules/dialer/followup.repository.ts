import type { EntityManager } from '@mikro-orm/postgresql';
import { NumberState } from '../../domain/number-state.js';

/** A number as the followup and console services lock it. */
export interface OwnedNumberRow {
  id: string;
  campaign_id: string;
  state: string;
  owner_agent_id: string | null;
}

/** The latest customer call of a number: who handled it and how it stands. */
export interface LatestLegRow {
  agent_id: string | null;
  status: string;
  ended_at: Date | null;
}

export interface QueueRow {
  id: string;
  campaign_id: string;
  campaign_name: string;
  contact_name: string;
  e164: string;
  state: string;
  followup_note: string | null;
  due_at: Date | null;
  time_zone: string;
}

/** Numbers an agent's queue lists: owned and not final, plus the agent's interrupted calls to follow up. */
export const QUEUE_NUMBER_STATES: readonly string[] = [NumberState.SCHEDULED, NumberState.IN_PROGRESS, NumberState.RETRY, NumberState.RETRYING, NumberState.INTERRUPTED];

/** Scheduled followups, interrupted calls and agents' queues (seed 002, seed 003 "scheduler call"). */
export class FollowupRepository {
  constructor(private readonly em: EntityManager) {}

  /** Locks a number of the organisation for the transaction; null when it is not one of its numbers. */
  async lockNumber(organizationId: string, id: string): Promise<OwnedNumberRow | null> {
    const [n] = await this.em.execute<OwnedNumberRow[]>(
      `select id, campaign_id, state, owner_agent_id from campaign_number where id = ? and organization_id = ? for update`, [id, organizationId]);
    return n ?? null;
  }

  async latestCustomerLeg(numberId: string): Promise<LatestLegRow | null> {
    const [leg] = await this.em.execute<LatestLegRow[]>(
      `select agent_id, status, ended_at from call_leg where number_id = ? and kind = 'CUSTOMER' order by created_at desc limit 1`, [numberId]);
    return leg ?? null;
  }

  async agentTimeZone(agentId: string): Promise<string> {
    const [a] = await this.em.execute<{ time_zone: string }[]>(`select time_zone from agent where id = ?`, [agentId]);
    return a!.time_zone;
  }

  /** Whether the members of a group may schedule followups (seed 002), with the group's name. */
  async groupFollowupRight(groupId: string): Promise<{ name: string; may_schedule_followups: boolean } | null> {
    const [g] = await this.em.execute<{ name: string; may_schedule_followups: boolean }[]>(
      `select name, may_schedule_followups from agent_group where id = ?`, [groupId]);
    return g ?? null;
  }

  /** The number is no longer owned; it keeps its retry time. */
  async cancel(id: string, now: Date): Promise<void> {
    await this.em.execute(
      `update campaign_number set owner_agent_id = null, followup_at = null, followup_time_zone = null, followup_note = null, updated_at = ? where id = ?`, [now, id]);
  }

  /** After an interrupted call is settled: the note goes, and the owner stays only when asked. */
  async settled(id: string, keepOwner: boolean): Promise<void> {
    await this.em.execute(`update campaign_number set followup_note = null, owner_agent_id = ${keepOwner ? 'owner_agent_id' : 'null'} where id = ?`, [id]);
  }

  /** An agent's queue (soonest first), one number's entry, or a campaign's interrupted calls. */
  queue(organizationId: string, by: { agentId: string } | { numberId: string } | { campaignId: string }, limit: number): Promise<QueueRow[]> {
    // an owner pool's customers are the agent's own too (seed 003), but only booked followups and interrupted calls queue here
    const [where, key, states] = 'agentId' in by ? [`n.owner_agent_id = ? and (c.owner_pool is null or n.followup_time_zone is not null or n.state = 'INTERRUPTED')`, by.agentId, QUEUE_NUMBER_STATES]
      : 'numberId' in by ? ['n.id = ?', by.numberId, QUEUE_NUMBER_STATES]
      : ['n.campaign_id = ?', by.campaignId, [NumberState.INTERRUPTED]];
    return this.em.execute<QueueRow[]>(
      `select n.id, n.campaign_id, c.name as campaign_name, n.contact_name, n.e164, n.state, n.followup_note,
              case when n.state in ('IN_PROGRESS', 'RETRYING') then n.followup_at when n.state = 'INTERRUPTED' then n.updated_at else n.next_attempt_at end as due_at,
              coalesce(n.followup_time_zone, a.time_zone, o.time_zone) as time_zone
         from campaign_number n join campaign c on c.id = n.campaign_id join organization o on o.id = n.organization_id
         left join agent a on a.id = n.owner_agent_id
        where n.organization_id = ? and ${where}
          and n.state in (select jsonb_array_elements_text(?::jsonb))
        order by due_at nulls last, n.id limit ?`,
      [organizationId, key, JSON.stringify(states), limit],
    );
  }
}
