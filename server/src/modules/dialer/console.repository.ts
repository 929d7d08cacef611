import type { EntityManager } from '@mikro-orm/postgresql';
import type { AgentState } from '../../domain/agent-state.js';
import type { CampaignStatus, CompletionReason } from '../../domain/campaign-lifecycle.js';

export interface ConsoleAgentRow {
  id: string;
  name: string;
  state: AgentState;
  active_campaign_id: string | null;
  user_id: string | null;
  stop_reason: string | null;
  /** A followup launch in hand: the campaign whose runner carries it out (and the one-off call it places). */
  launch_campaign_id: string | null;
  launch_notice: string | null;
  /** In wrap-up: when it ends (entered at state_changed_at, lasts the active campaign's wrap-up). */
  wrap_up_ends_at: Date | null;
}

export interface AgentCampaignRow {
  id: string;
  name: string;
  status: CampaignStatus;
  starts_at: Date;
  ends_at: Date | null;
  completion_reason: CompletionReason | null;
  remaining: string;
  owner_pool: boolean;
  owned: string;
}

/** The customer call on an agent's line (or just ended, within the campaign's wrap-up time). */
export interface CurrentCallRow {
  leg_id: string;
  status: string;
  to_number: string;
  created_at: Date;
  answered_at: Date | null;
  customer_attempt: number;
  campaign_id: string;
  number_id: string;
  contact_name: string;
  contact_fields: Record<string, string> | null;
  reschedule_agent_call: boolean;
  reschedule_customer_call: boolean;
  disposition: string | null;
  popup_url: string | null;
  /** The campaign's get-contacts URL and organisation (the callee's details are looked up there). */
  get_contacts_url: string | null;
  organization_id: string;
  dial_mode: string;
}

/** The agent console's reads and the agent's own switches (start, stop, pause, flow variables). */
export class ConsoleRepository {
  constructor(private readonly em: EntityManager) {}

  async agent(organizationId: string, id: string): Promise<ConsoleAgentRow | null> {
    const [row] = await this.em.execute<ConsoleAgentRow[]>(
      `select a.id, a.name, a.state, a.active_campaign_id, a.user_id, a.stop_reason, a.launch_campaign_id, a.launch_notice,
              case when a.state = 'WRAP_UP' then a.state_changed_at + make_interval(secs => c.wrap_up_seconds) end as wrap_up_ends_at
         from agent a left join campaign c on c.id = coalesce(a.active_campaign_id, a.launch_campaign_id) where a.id = ? and a.organization_id = ?`, [id, organizationId]);
    return row ?? null;
  }

  /**
   * Campaigns of the agent's groups that are not over, and those completed since `completedSince` (so
   * the console can say why Start went away), with how many numbers are left to dial.
   */
  campaignsOf(organizationId: string, agentId: string, completedSince: Date): Promise<AgentCampaignRow[]> {
    return this.em.execute<AgentCampaignRow[]>(
      `select c.id, c.name, c.status, c.starts_at, c.ends_at, c.completion_reason, c.owner_pool is not null as owner_pool,
              (select count(*) from campaign_number n where n.campaign_id = c.id and n.state in ('SCHEDULED','RETRY')) as remaining,
              case when c.owner_pool is null then 0 else
                (select count(distinct coalesce(n.contact_id, n.id)) from campaign_number n
                  where n.campaign_id = c.id and n.owner_agent_id = ? and n.state in ('SCHEDULED','RETRY','IN_PROGRESS','RETRYING')) end as owned
         from campaign c join agent_group_member m on m.group_id = c.group_id and m.agent_id = ?
        where c.organization_id = ? and (c.status in ('SCHEDULED','RUNNING','PAUSED') or (c.status = 'COMPLETED' and c.completed_at >= ?))
        order by c.starts_at, c.name`,
      [agentId, agentId, organizationId, completedSince],
    );
  }

  /** Asks the campaign's runner to end the agent's call, or their wrap-up, on its next tick. */
  async request(agentId: string, what: 'end_call_requested' | 'ready_requested'): Promise<void> {
    await this.em.execute(`update agent set ${what} = true where id = ?`, [agentId]);
  }

  async setActiveCampaign(agentId: string, campaignId: string): Promise<void> {
    await this.em.execute(`update agent set active_campaign_id = ?, stop_reason = null where id = ?`, [campaignId, agentId]);
  }

  async stop(agentId: string): Promise<void> {
    await this.em.execute(`update agent set active_campaign_id = null, pause_requested = false, stop_reason = null where id = ?`, [agentId]);
  }

  async setPauseRequested(agentId: string, paused: boolean): Promise<void> {
    await this.em.execute(`update agent set pause_requested = ? where id = ?`, [paused, agentId]);
  }

  async currentCall(organizationId: string, agentId: string, now: Date): Promise<CurrentCallRow | null> {
    const [row] = await this.em.execute<CurrentCallRow[]>(
      `select l.id as leg_id, l.status, l.to_number, l.created_at, l.answered_at, l.customer_attempt, l.campaign_id,
              n.id as number_id, n.contact_name, n.contact_fields, n.reschedule_agent_call, n.reschedule_customer_call, n.disposition, c.popup_url, c.dial_mode, c.get_contacts_url, c.organization_id
         from call_leg l join campaign_number n on n.id = l.number_id join campaign c on c.id = l.campaign_id
        where l.agent_id = ? and l.kind = 'CUSTOMER' and l.organization_id = ?
          and (l.status in ('QUEUED','RINGING','ANSWERED') or l.ended_at > ?::timestamptz - make_interval(secs => c.wrap_up_seconds))
        order by l.created_at desc limit 1`,
      [agentId, organizationId, now],
    );
    return row ?? null;
  }

  /** Locks a number of the organisation with its campaign's dial mode. */
  async lockNumberWithMode(organizationId: string, id: string): Promise<{ id: string; campaign_id: string; state: string; dial_mode: string } | null> {
    const [n] = await this.em.execute<{ id: string; campaign_id: string; state: string; dial_mode: string }[]>(
      `select n.id, n.campaign_id, n.state, c.dial_mode from campaign_number n join campaign c on c.id = n.campaign_id
        where n.id = ? and n.organization_id = ? for update of n`, [id, organizationId]);
    return n ?? null;
  }

  /** Sets the flow variables given (null leaves one as it is) and a disposition. */
  async setFlowVariables(id: string, v: { rescheduleAgentCall: boolean | null; rescheduleCustomerCall: boolean | null; disposition: string | null }, now: Date): Promise<void> {
    await this.em.execute(
      `update campaign_number set reschedule_agent_call = coalesce(?, reschedule_agent_call), reschedule_customer_call = coalesce(?, reschedule_customer_call),
              disposition = coalesce(?, disposition), updated_at = ? where id = ?`,
      [v.rescheduleAgentCall, v.rescheduleCustomerCall, v.disposition, now, id],
    );
  }
}
