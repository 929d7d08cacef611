import type { EntityManager } from '@mikro-orm/postgresql';
import { NumberState } from '../../domain/number-state.js';
import { escapeLike } from '../contact/contact.repository.js';

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
  contact_fields: Record<string, string> | null;
  e164: string;
  state: string;
  followup_note: string | null;
  due_at: Date | null;
  time_zone: string;
  /** A booked followup (a preview call its owner launches), not an owned callback or an interrupted call. */
  preview: boolean;
  /** Its owner asked to launch it and the dialler has not placed it yet. */
  launching: boolean;
  customer_attempts: number;
}

/** A followup as launch, skip and the manual booking see it, locked. */
export interface FollowupRow {
  id: string;
  campaign_id: string;
  state: string;
  owner_agent_id: string | null;
  followup_time_zone: string | null;
  next_attempt_at: Date | null;
  e164: string;
  time_zones: string[];
  contact_name: string;
  campaign_name: string;
  campaign_status: string;
  dial_mode: string;
  starts_at: Date;
  ends_at: Date | null;
  window_start_minute: number;
  window_end_minute: number;
  suppressed: boolean;
}

/** The agent a followup is launched for. */
export interface LaunchAgentRow {
  id: string;
  state: string;
  active_campaign_id: string | null;
  launch_number_id: string | null;
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

  /** Locks a number of the organisation with what launching or skipping it needs; null when it is not one of its numbers. */
  async lockFollowup(organizationId: string, id: string): Promise<FollowupRow | null> {
    const [n] = await this.em.execute<FollowupRow[]>(
      `select n.id, n.campaign_id, n.state, n.owner_agent_id, n.followup_time_zone, n.next_attempt_at, n.e164, n.time_zones, n.contact_name,
              c.name as campaign_name, c.status as campaign_status, c.dial_mode, c.starts_at, c.ends_at, c.window_start_minute, c.window_end_minute,
              exists (select 1 from suppression s where s.organization_id = n.organization_id and (s.campaign_id is null or s.campaign_id = n.campaign_id)
                        and ((s.kind = 'NUMBER' and s.value = n.e164) or (s.kind = 'CLIENT_ID' and s.value = n.client_id))) as suppressed
         from campaign_number n join campaign c on c.id = n.campaign_id
        where n.id = ? and n.organization_id = ? for update of n`, [id, organizationId]);
    return n ?? null;
  }

  /** The agent row a launch changes, locked (one launch at a time per agent). */
  async lockLaunchAgent(agentId: string): Promise<LaunchAgentRow> {
    const [a] = await this.em.execute<LaunchAgentRow[]>(`select id, state, active_campaign_id, launch_number_id from agent where id = ? for update`, [agentId]);
    return a!;
  }

  /**
   * Asks the runner of the followup's campaign to launch it for the agent on its next tick. An agent
   * dialling in another campaign leaves it first (that runner ends the session; this one waits for it).
   */
  async requestLaunch(agentId: string, numberId: string, campaignId: string, leaveActive: boolean, now: Date): Promise<void> {
    await this.em.execute(
      `update agent set launch_number_id = ?, launch_campaign_id = ?, launch_requested_at = ?, launch_notice = null,
              active_campaign_id = case when ? then null else active_campaign_id end,
              pause_requested = case when ? then false else pause_requested end where id = ?`,
      [numberId, campaignId, now, leaveActive, leaveActive, agentId]);
  }

  /** The number's entry in the campaign that is not final yet, locked; else null. */
  async pendingNumber(campaignId: string, e164: string): Promise<string | null> {
    const [row] = await this.em.execute<{ id: string }[]>(
      `select id from campaign_number where campaign_id = ? and e164 = ? and state in ('SCHEDULED', 'RETRY', 'IN_PROGRESS', 'RETRYING', 'INTERRUPTED')
        order by created_at desc limit 1 for update`, [campaignId, e164]);
    return row?.id ?? null;
  }

  /** The contact's first number (its main one), and whether `e164` is one of its numbers. */
  async contactNumber(organizationId: string, contactId: string, e164?: string): Promise<{ e164: string } | null> {
    const [row] = await this.em.execute<{ e164: string }[]>(
      `select e164 from phone_number where contact_id = ? and organization_id = ? and (?::text is null or e164 = ?) order by position limit 1`,
      [contactId, organizationId, e164 ?? null, e164 ?? null]);
    return row ?? null;
  }

  /** Numbers of a campaign whose contact name or number matches `search` (a followup's pick list), at most `limit`. */
  lookup(campaignId: string, search: string, limit: number): Promise<{ id: string; contact_id: string | null; contact_name: string; e164: string; state: string }[]> {
    const digits = search.replace(/[\s()+.-]/g, '');
    const byNumber = /^\d{3,}$/.test(digits);
    return this.em.execute(
      `select distinct on (n.e164) n.id, n.contact_id, n.contact_name, n.e164, n.state from campaign_number n
        where n.campaign_id = ? and ${byNumber ? `n.e164 like ?` : `lower(n.contact_name) like ?`}
        order by n.e164, n.created_at desc limit ?`,
      [campaignId, byNumber ? `%${escapeLike(digits)}%` : `%${escapeLike(search.toLowerCase())}%`, limit],
    );
  }

  /** Whether the agent is in the group that dials the campaign. */
  async inCampaignGroup(agentId: string, groupId: string): Promise<boolean> {
    const rows = await this.em.execute(`select 1 from agent_group_member where agent_id = ? and group_id = ?`, [agentId, groupId]);
    return rows.length > 0;
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
      `select n.id, n.campaign_id, c.name as campaign_name, n.contact_name, n.contact_fields, n.e164, n.state, n.followup_note, n.customer_attempts,
              n.followup_time_zone is not null and n.state <> 'INTERRUPTED' as preview,
              exists (select 1 from agent l where l.launch_number_id = n.id) as launching,
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
