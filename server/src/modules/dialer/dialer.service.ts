import type { Clock } from '../../clock.js';
import { requireSupervisor, Role } from '../../auth/actor.js';
import { AgentState } from '../../domain/agent-state.js';
import type { DialMode } from '../../domain/campaign-options.js';
import { assertId } from '../../domain/ids.js';
import { transition } from '../../domain/number-machine.js';
import { normalisePhone } from '../../domain/phone.js';
import { DialerRepository, policyOf, snapshotOf } from '../../engine/dialer.repository.js';
import { badInput, conflict, forbidden, illegalTransition, notFound } from '../../errors.js';
import type { Scope } from '../../graphql/context.js';
import { escapeLike } from '../contact/contact.repository.js';
import { requireCampaignId } from '../stats/campaign-access.js';
import type { StatsService } from '../stats/stats.service.js';
import type { AddSuppressionInput, CallLegsArgs, FlowVariablesInput } from './dialer.input.js';
import type { AgentCampaign, AgentConsole, CallLeg, LiveCall, Suppression } from './dialer.type.js';

/** After a call ends, flow variables may still be set for this long (wrap-up, seed 000 "right after the call"). */
const LATE_FLOW_VARIABLE_GRACE_SEC = 120;

interface AgentRow {
  id: string;
  name: string;
  state: AgentState;
  active_campaign_id: string | null;
  user_id: string | null;
}

/** The agent side of the dialler: start/stop, console, flow variables; plus suppression and the call list. */
export class DialerService {
  constructor(
    private readonly clock: Clock,
    private readonly stats: StatsService,
  ) {}

  /** The agent this actor acts for: its own profile, or (supervisors) the one named. */
  private async agentFor(scope: Scope, agentId: string | undefined): Promise<AgentRow> {
    const id = agentId ? assertId(agentId, 'agent') : scope.actor.agentId;
    if (!id) throw badInput('you have no agent profile; name the agent (agentId)', 'agentId');
    if (id !== scope.actor.agentId) requireSupervisor(scope.actor, "act for another agent");
    const [row] = await scope.em.execute<AgentRow[]>(
      `select id, name, state, active_campaign_id, user_id from agent where id = ? and organization_id = ?`,
      [id, scope.actor.organizationId],
    );
    if (!row) throw notFound('agent', id);
    return row;
  }

  /** Campaigns of the agent's groups, with whether Start is allowed now and why not. */
  private async campaignsOf(scope: Scope, agentId: string): Promise<AgentCampaign[]> {
    const now = this.clock.now();
    const rows = await scope.em.execute<{ id: string; name: string; status: AgentCampaign['status']; starts_at: Date; ends_at: Date | null; remaining: string }[]>(
      `select c.id, c.name, c.status, c.starts_at, c.ends_at,
              (select count(*) from campaign_number n where n.campaign_id = c.id and n.state in ('SCHEDULED','RETRY')) as remaining
         from campaign c join agent_group_member m on m.group_id = c.group_id and m.agent_id = ?
        where c.organization_id = ? and c.status in ('SCHEDULED','RUNNING','PAUSED')
        order by c.starts_at, c.name`,
      [agentId, scope.actor.organizationId],
    );
    return rows.map((r) => {
      const remaining = Number(r.remaining);
      const reason =
        new Date(r.starts_at) > now ? `starts at ${new Date(r.starts_at).toISOString()}`
        : r.status === 'PAUSED' ? 'the campaign is paused'
        : r.status !== 'RUNNING' ? `the campaign is ${r.status.toLowerCase()}`
        : remaining === 0 ? 'no new or retry numbers left'
        : null;
      return { id: r.id, name: r.name, status: r.status, startsAt: new Date(r.starts_at), remaining, canStart: reason === null, cannotStartReason: reason };
    });
  }

  async console(scope: Scope, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    return {
      agentId: agent.id,
      name: agent.name,
      state: agent.state,
      activeCampaignId: agent.active_campaign_id,
      currentCall: await this.currentCall(scope, agent.id),
      campaigns: await this.campaignsOf(scope, agent.id),
    };
  }

  /** Seed 004 Start: refused before the start time, when paused, or when nothing is left to dial. */
  async startDialling(scope: Scope, campaignId: string, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    const id = await requireCampaignId(scope, campaignId);
    const campaign = (await this.campaignsOf(scope, agent.id)).find((c) => c.id === id);
    if (!campaign) throw forbidden('start a campaign whose group you are not in');
    if (!campaign.canStart) throw illegalTransition('agent', agent.state, 'DIALLING', campaign.cannotStartReason!);
    if (agent.active_campaign_id && agent.active_campaign_id !== id) {
      throw conflict('the agent is dialling in another campaign; stop it first', { activeCampaignId: agent.active_campaign_id });
    }
    await scope.em.execute(`update agent set active_campaign_id = ? where id = ?`, [id, agent.id]);
    return this.console(scope, agent.id);
  }

  /** Seed 004 stop: the agent's leg is hung up (an agent can also stop by hanging up the phone). */
  async stopDialling(scope: Scope, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    await scope.em.execute(`update agent set active_campaign_id = null, pause_requested = false where id = ?`, [agent.id]);
    return this.console(scope, agent.id);
  }

  /** Pause (applies when the agent is next free: no new calls) or resume. */
  async setPaused(scope: Scope, paused: boolean, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    if (paused && !agent.active_campaign_id) throw illegalTransition('agent', agent.state, 'PAUSED', 'the agent is not dialling');
    await scope.em.execute(`update agent set pause_requested = ? where id = ?`, [paused, agent.id]);
    return this.console(scope, agent.id);
  }

  private async currentCall(scope: Scope, agentId: string): Promise<LiveCall | null> {
    const [row] = await scope.em.execute<Record<string, any>[]>(
      `select l.id as leg_id, l.status, l.to_number, l.created_at, l.answered_at, l.customer_attempt, l.campaign_id,
              n.id as number_id, n.contact_name, n.contact_fields, n.reschedule_agent_call, n.reschedule_customer_call, n.disposition, c.popup_url
         from call_leg l join campaign_number n on n.id = l.number_id join campaign c on c.id = l.campaign_id
        where l.agent_id = ? and l.kind = 'CUSTOMER' and l.organization_id = ?
          and (l.status in ('QUEUED','RINGING','ANSWERED') or l.ended_at > ?::timestamptz - make_interval(secs => c.wrap_up_seconds))
        order by l.created_at desc limit 1`,
      [agentId, scope.actor.organizationId, this.clock.now()],
    );
    if (!row) return null;
    const fields = Object.entries((row.contact_fields ?? {}) as Record<string, string>).map(([key, value]) => ({ key, value }));
    return {
      legId: row.leg_id,
      numberId: row.number_id,
      campaignId: row.campaign_id,
      status: row.status,
      number: row.to_number,
      contactName: row.contact_name,
      fields,
      popupUrl: row.popup_url ? fillPopupUrl(row.popup_url, { number: row.to_number, name: row.contact_name, callId: row.leg_id, ...Object.fromEntries(fields.map((f) => [f.key, f.value])) }) : null,
      customerAttempt: row.customer_attempt,
      startedAt: new Date(row.created_at),
      answeredAt: row.answered_at ? new Date(row.answered_at) : null,
      rescheduleAgentCall: row.reschedule_agent_call,
      rescheduleCustomerCall: row.reschedule_customer_call,
      disposition: row.disposition,
    };
  }

  /**
   * Sets flow variables and a disposition on a number during its call (they apply when the
   * attempt finishes) or right after it (a completed record is rescheduled at once).
   */
  async setFlowVariables(scope: Scope, numberId: string, input: FlowVariablesInput): Promise<LiveCall | null> {
    const id = assertId(numberId, 'campaign number');
    const actor = scope.actor;
    let campaignId = '';
    await scope.em.transactional(async (tx) => {
      const [n] = await tx.execute<{ id: string; campaign_id: string; state: string }[]>(
        `select id, campaign_id, state from campaign_number where id = ? and organization_id = ? for update`, [id, actor.organizationId]);
      if (!n) throw notFound('campaign number', numberId);
      campaignId = n.campaign_id;
      const [leg] = await tx.execute<{ agent_id: string | null; status: string; ended_at: Date | null }[]>(
        `select agent_id, status, ended_at from call_leg where number_id = ? and kind = 'CUSTOMER' order by created_at desc limit 1`, [id]);
      if (!leg) throw illegalTransition('number', n.state, 'flow variables', 'it has not been called yet');
      if (actor.role === Role.AGENT && leg.agent_id !== actor.agentId) throw forbidden("set flow variables on another agent's call");
      const live = ['QUEUED', 'RINGING', 'ANSWERED'].includes(leg.status);
      const recent = leg.ended_at && this.clock.now().getTime() - new Date(leg.ended_at).getTime() <= LATE_FLOW_VARIABLE_GRACE_SEC * 1000;
      if (!live && !recent) throw illegalTransition('number', n.state, 'flow variables', `the call ended more than ${LATE_FLOW_VARIABLE_GRACE_SEC} s ago`);
      await tx.execute(
        `update campaign_number set reschedule_agent_call = coalesce(?, reschedule_agent_call), reschedule_customer_call = coalesce(?, reschedule_customer_call),
                disposition = coalesce(?, disposition), updated_at = ? where id = ?`,
        [live ? input.rescheduleAgentCall ?? null : null, live ? input.rescheduleCustomerCall ?? null : null, input.disposition ?? null, this.clock.now(), id],
      );
      if (!live && n.state === 'COMPLETED' && (input.rescheduleAgentCall || input.rescheduleCustomerCall)) {
        const repo = new DialerRepository(tx);
        const row = (await repo.lockNumber(id))!;
        const c = (await repo.campaign(n.campaign_id))!;
        const t = transition(snapshotOf({ ...row, reschedule_agent_call: false, reschedule_customer_call: false }), { type: 'FORCE_RESCHEDULE', who: input.rescheduleAgentCall ? 'AGENT' : 'CUSTOMER' }, {
          mode: c.dial_mode as DialMode,
          policy: policyOf(c),
          now: this.clock.now(),
          campaignCompleted: c.status === 'COMPLETED',
        });
        await repo.saveNumber(id, t, this.clock.now());
      }
    });
    this.stats.publish(actor.organizationId, campaignId);
    const [agentRow] = await scope.em.execute<{ agent_id: string | null }[]>(`select agent_id from call_leg where number_id = ? and kind = 'CUSTOMER' order by created_at desc limit 1`, [id]);
    return agentRow?.agent_id ? this.currentCall(scope, agentRow.agent_id) : null;
  }

  // ---- suppression (DND) ----

  async suppressions(scope: Scope, limit: number, offset: number): Promise<Suppression[]> {
    const rows = await scope.em.execute<Record<string, any>[]>(
      `select id, kind, value, reason, created_at from suppression where organization_id = ? order by created_at desc limit ? offset ?`,
      [scope.actor.organizationId, limit, offset],
    );
    return rows.map(toSuppression);
  }

  /** Numbers are normalised so any spelling of a number matches; the guard re-checks before every dial. */
  async addSuppression(scope: Scope, input: AddSuppressionInput): Promise<Suppression> {
    requireSupervisor(scope.actor, 'change the suppression list');
    const value = input.kind === 'NUMBER' ? normalisePhone(input.value, 'input.value').e164 : input.value.trim();
    const rows = await scope.em.execute<Record<string, any>[]>(
      `insert into suppression (id, organization_id, kind, value, reason, created_at) values (gen_random_uuid(), ?, ?, ?, ?, ?)
       on conflict (organization_id, kind, value) do update set reason = coalesce(excluded.reason, suppression.reason)
       returning id, kind, value, reason, created_at`,
      [scope.actor.organizationId, input.kind, value, input.reason ?? null, this.clock.now()],
    );
    return toSuppression(rows[0]!);
  }

  async removeSuppression(scope: Scope, id: string): Promise<boolean> {
    requireSupervisor(scope.actor, 'change the suppression list');
    const rows = await scope.em.execute(`delete from suppression where id = ? and organization_id = ? returning id`, [assertId(id, 'suppression'), scope.actor.organizationId]);
    if (!rows.length) throw notFound('suppression', id);
    return true;
  }

  // ---- call list (seed 004: search by number, filter by status, sort by date) ----

  async callLegs(scope: Scope, args: CallLegsArgs): Promise<{ items: CallLeg[]; totalCount: number }> {
    const campaignId = await requireCampaignId(scope, args.campaignId);
    const where = ['l.campaign_id = ?'];
    const params: unknown[] = [campaignId];
    if (args.search?.trim()) {
      where.push(`l.to_number like ?`);
      params.push(`%${escapeLike(args.search.trim().replace(/[\s()-]/g, ''))}%`);
    }
    if (args.status?.length) {
      where.push(`l.status in (${args.status.map(() => '?').join(', ')})`);
      params.push(...args.status);
    }
    const dir = args.sortDirection === 'ASC' ? 'asc' : 'desc';
    const rows = await scope.em.execute<Record<string, any>[]>(
      `select l.*, n.contact_name, count(*) over () as total from call_leg l left join campaign_number n on n.id = l.number_id
        where ${where.join(' and ')} order by l.created_at ${dir}, l.id limit ? offset ?`,
      [...params, args.limit, args.offset],
    );
    return {
      totalCount: rows.length ? Number(rows[0]!.total) : 0,
      items: rows.map((r) => ({
        id: r.id, campaignId: r.campaign_id, numberId: r.number_id, agentId: r.agent_id, kind: r.kind, sid: r.sid, number: r.to_number,
        contactName: r.contact_name ?? null, status: r.status, cause: r.cause, abandoned: r.abandoned, machine: r.machine,
        agentAttempt: r.agent_attempt, customerAttempt: r.customer_attempt, createdAt: new Date(r.created_at),
        answeredAt: r.answered_at ? new Date(r.answered_at) : null, endedAt: r.ended_at ? new Date(r.ended_at) : null,
        durationSec: r.duration_sec, recordingUrl: r.recording_url,
      })),
    };
  }
}

function toSuppression(r: Record<string, any>): Suppression {
  return { id: r.id, kind: r.kind, value: r.value, reason: r.reason, createdAt: new Date(r.created_at) };
}

/** Fills `{number}`, `{name}`, `{callId}` and custom-field placeholders, URL-encoded. */
export function fillPopupUrl(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in values ? encodeURIComponent(values[key]!) : m));
}

