import type { Clock } from '../../clock.js';
import { requireSupervisor, Role } from '../../auth/actor.js';
import { AgentState } from '../../domain/agent-state.js';
import type { DialMode } from '../../domain/campaign-options.js';
import { assertId } from '../../domain/ids.js';
import { localTimeToInstant } from '../../domain/local-time.js';
import { IllegalNumberTransition, transition } from '../../domain/number-machine.js';
import { FINAL_STATES, NumberState } from '../../domain/number-state.js';
import { canonicalTimeZone } from '../../domain/time-zone.js';
import { normalisePhone } from '../../domain/phone.js';
import { DialerRepository, policyOf, snapshotOf } from '../../engine/dialer.repository.js';
import { badInput, conflict, DialerError, ErrorCode, forbidden, illegalTransition, notFound } from '../../domain/errors.js';
import type { Scope } from '../../auth/scope.js';
import { escapeLike } from '../contact/contact.repository.js';
import { requireCampaignId } from '../stats/campaign-access.js';
import type { StatsService } from '../stats/stats.service.js';
import { Topic, type DialerPubSub } from '../../pubsub/pubsub.js';
import type { AddSuppressionInput, CallLegsArgs, FlowVariablesInput, ImportSuppressionsCsvInput, ScheduleFollowupInput, SuppressionsArgs } from './dialer.input.js';
import { parseSuppressionCsv } from './suppression-csv.js';
import type { AgentCampaign, AgentConsole, CallLeg, Followup, InterruptedCallOutcome, LiveCall, Suppression, SuppressionImportResult, SuppressionPage } from './dialer.type.js';

/** At most this many followups are listed on a console. */
const FOLLOWUPS_MAX = 500;
/** Numbers an agent's queue lists: owned and not final, plus the agent's interrupted calls to follow up. */
const QUEUE_NUMBER_STATES: readonly string[] = [NumberState.SCHEDULED, NumberState.IN_PROGRESS, NumberState.RETRY, NumberState.RETRYING, NumberState.INTERRUPTED];

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
    private readonly pubSub: DialerPubSub,
  ) {}

  /**
   * The agent's console at once, then again whenever it changes: the engine and these mutations
   * signal the agent's topic after each commit, and a console equal to the last one sent is skipped.
   */
  async subscribeConsole(scope: Scope, agentId?: string): Promise<AsyncIterable<AgentConsole>> {
    const agent = await this.agentFor(scope, agentId);
    const events = this.pubSub.subscribe(Topic.AGENT_CONSOLE_CHANGED, agent.id);
    let last = '';
    const changed = async (): Promise<AgentConsole | undefined> => {
      const c = await this.console(scope, agent.id);
      const key = JSON.stringify(c);
      if (key === last) return undefined;
      last = key;
      return c;
    };
    const first = (await changed())!;
    return (async function* () {
      yield first;
      for await (const _signal of events) {
        const next = await changed();
        if (next) yield next;
      }
    })();
  }

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
      followups: await this.followupsOf(scope, agent.id),
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
    this.stats.publishAgents([agent.id]);
    return this.console(scope, agent.id);
  }

  /** Seed 004 stop: the agent's leg is hung up (an agent can also stop by hanging up the phone). */
  async stopDialling(scope: Scope, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    await scope.em.execute(`update agent set active_campaign_id = null, pause_requested = false where id = ?`, [agent.id]);
    this.stats.publishAgents([agent.id]);
    return this.console(scope, agent.id);
  }

  /** Pause (applies when the agent is next free: no new calls) or resume. */
  async setPaused(scope: Scope, paused: boolean, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    if (paused && !agent.active_campaign_id) throw illegalTransition('agent', agent.state, 'PAUSED', 'the agent is not dialling');
    await scope.em.execute(`update agent set pause_requested = ? where id = ?`, [paused, agent.id]);
    this.stats.publishAgents([agent.id]);
    return this.console(scope, agent.id);
  }

  private async currentCall(scope: Scope, agentId: string): Promise<LiveCall | null> {
    const [row] = await scope.em.execute<Record<string, any>[]>(
      `select l.id as leg_id, l.status, l.to_number, l.created_at, l.answered_at, l.customer_attempt, l.campaign_id,
              n.id as number_id, n.contact_name, n.contact_fields, n.reschedule_agent_call, n.reschedule_customer_call, n.disposition, c.popup_url, c.dial_mode
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
      dialMode: row.dial_mode,
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
    let agentId: string | null = null;
    await scope.em.transactional(async (tx) => {
      const [n] = await tx.execute<{ id: string; campaign_id: string; state: string; dial_mode: string }[]>(
        `select n.id, n.campaign_id, n.state, c.dial_mode from campaign_number n join campaign c on c.id = n.campaign_id
          where n.id = ? and n.organization_id = ? for update of n`, [id, actor.organizationId]);
      if (!n) throw notFound('campaign number', numberId);
      campaignId = n.campaign_id;
      // only agent-first flows dial the agent per record, so only they have agent attempts to reschedule (seed 000)
      if (input.rescheduleAgentCall && n.dial_mode !== 'AGENT_FIRST_FLOW') {
        throw badInput(`rescheduleAgentCall applies to AGENT_FIRST_FLOW campaigns only (this one is ${n.dial_mode}); use rescheduleCustomerCall`, 'input.rescheduleAgentCall');
      }
      const [leg] = await tx.execute<{ agent_id: string | null; status: string; ended_at: Date | null }[]>(
        `select agent_id, status, ended_at from call_leg where number_id = ? and kind = 'CUSTOMER' order by created_at desc limit 1`, [id]);
      if (!leg) throw illegalTransition('number', n.state, 'flow variables', 'it has not been called yet');
      if (actor.role === Role.AGENT && leg.agent_id !== actor.agentId) throw forbidden("set flow variables on another agent's call");
      agentId = leg.agent_id;
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
    if (!agentId) return null;
    this.stats.publishAgents([agentId]);
    return this.currentCall(scope, agentId);
  }

  // ---- scheduled followups (seed 002, seed 003 "scheduler call") ----

  /**
   * Books a followup call with the customer of a number at a local date and time. The agent who
   * handled the number's latest customer call may (supervisors may for any number; the followup
   * is owned by that agent). During the call it is applied when the attempt finishes; after it,
   * the number becomes RETRY (CUSTOMER_RESCHEDULED) at once. Either way the number is owned by
   * the agent, so the hopper hands it to that agent only, when due. Final numbers other than
   * COMPLETED cannot be rescheduled (ILLEGAL_TRANSITION); bad, past or after-the-end times are
   * BAD_USER_INPUT naming the field. Nothing changes on any error.
   */
  async scheduleFollowup(scope: Scope, input: ScheduleFollowupInput): Promise<Followup> {
    const id = assertId(input.numberId, 'campaign number');
    const actor = scope.actor;
    let campaignId = '';
    let ownerId = '';
    await scope.em.transactional(async (tx) => {
      const repo = new DialerRepository(tx);
      const n = await this.lockOwnNumber(tx, actor.organizationId, id, input.numberId);
      campaignId = n.campaign_id;
      const [leg] = await tx.execute<{ agent_id: string | null }[]>(
        `select agent_id from call_leg where number_id = ? and kind = 'CUSTOMER' order by created_at desc limit 1`, [id]);
      if (!leg) throw illegalTransition('number', n.state, NumberState.RETRY, 'it has not been called yet');
      if (actor.role === Role.AGENT && (!actor.agentId || leg.agent_id !== actor.agentId)) throw forbidden("schedule a followup on another agent's call");
      if (!leg.agent_id) throw illegalTransition('number', n.state, NumberState.RETRY, 'no agent handled its latest call');
      ownerId = leg.agent_id;
      const [owner] = await tx.execute<{ time_zone: string }[]>(`select time_zone from agent where id = ?`, [ownerId]);

      const zone = canonicalTimeZone(input.timeZone?.trim() || owner!.time_zone, 'input.timeZone');
      const at = localTimeToInstant(input.date.trim(), input.time.trim(), zone);
      const now = this.clock.now();
      if (at.getTime() <= now.getTime()) throw badInput(`input.time: ${input.date} ${input.time} in ${zone} is in the past`, 'input.time');
      const c = (await repo.campaign(n.campaign_id))!;
      if (actor.role === Role.AGENT) {
        // seed 002: management decides which groups may schedule followups (the campaign's group)
        const [g] = await tx.execute<{ name: string; may_schedule_followups: boolean }[]>(
          `select name, may_schedule_followups from agent_group where id = ?`, [c.group_id]);
        if (g && !g.may_schedule_followups) {
          throw new DialerError(ErrorCode.FORBIDDEN, `The agents of group "${g.name}" may not schedule followups (a supervisor can allow it)`, { action: 'schedule followups', group: g.name });
        }
      }
      if (c.ends_at && at.getTime() >= new Date(c.ends_at).getTime()) {
        throw badInput(`input.date: ${input.date} ${input.time} in ${zone} is after the campaign ends (${new Date(c.ends_at).toISOString()})`, 'input.date');
      }
      if (c.status === 'COMPLETED' || c.status === 'ARCHIVED') throw illegalTransition('number', n.state, NumberState.RETRY, `the campaign is ${c.status.toLowerCase()}`);
      // predictive dialling is customer-first for the whole pool: it never holds a number for one agent
      if (c.dial_mode === 'PREDICTIVE') throw illegalTransition('number', n.state, NumberState.RETRY, 'a predictive campaign cannot keep a followup for one agent');

      const row = (await repo.lockNumber(id))!;
      let t;
      try {
        t = transition(snapshotOf(row), { type: 'SCHEDULE_FOLLOWUP', at }, { mode: c.dial_mode as DialMode, policy: policyOf(c), now, campaignCompleted: false });
      } catch (err) {
        if (err instanceof IllegalNumberTransition) throw illegalTransition('number', row.state, NumberState.RETRY, `a ${row.state} number cannot be rescheduled`);
        throw err;
      }
      await repo.saveNumber(id, t, now);
      await repo.setFollowupOwner(id, ownerId, zone, input.note?.trim() || null);
    });
    this.stats.publish(actor.organizationId, campaignId);
    this.stats.publishAgents([ownerId]);
    const [f] = await this.followupRows(scope, { numberId: id });
    return f!;
  }

  /** Cancels a followup (its owner or a supervisor): the number is no longer owned and its note goes; it keeps its retry time. */
  async cancelFollowup(scope: Scope, numberId: string): Promise<boolean> {
    const id = assertId(numberId, 'campaign number');
    const actor = scope.actor;
    let campaignId = '';
    let ownerId = '';
    await scope.em.transactional(async (tx) => {
      const n = await this.lockOwnNumber(tx, actor.organizationId, id, numberId);
      campaignId = n.campaign_id;
      ownerId = n.owner_agent_id ?? '';
      if (!n.owner_agent_id || FINAL_STATES.has(n.state as NumberState)) throw illegalTransition('number', n.state, 'followup cancelled', 'it has no followup');
      if (actor.role === Role.AGENT && n.owner_agent_id !== actor.agentId) throw forbidden("cancel another agent's followup");
      await tx.execute(
        `update campaign_number set owner_agent_id = null, followup_at = null, followup_time_zone = null, followup_note = null, updated_at = ? where id = ?`,
        [this.clock.now(), id],
      );
    });
    this.stats.publish(actor.organizationId, campaignId);
    this.stats.publishAgents([ownerId]);
    return true;
  }

  /** Locks a number of the actor's organisation for the transaction (others answer NOT_FOUND). */
  private async lockOwnNumber(tx: Scope['em'], organizationId: string, id: string, given: string): Promise<{ id: string; campaign_id: string; state: string; owner_agent_id: string | null }> {
    const [n] = await tx.execute<{ id: string; campaign_id: string; state: string; owner_agent_id: string | null }[]>(
      `select id, campaign_id, state, owner_agent_id from campaign_number where id = ? and organization_id = ? for update`, [id, organizationId]);
    if (!n) throw notFound('campaign number', given);
    return n;
  }

  private followupsOf(scope: Scope, agentId: string): Promise<Followup[]> {
    return this.followupRows(scope, { agentId });
  }

  /**
   * Calls of a campaign cut off by a crash or shutdown after the customer answered (supervisors):
   * owned by the agent who was talking, or by nobody in predictive campaigns.
   */
  async interruptedCalls(scope: Scope, campaignId: string): Promise<Followup[]> {
    requireSupervisor(scope.actor, 'list interrupted calls');
    return this.followupRows(scope, { campaignId: await requireCampaignId(scope, campaignId) });
  }

  /**
   * A person settles an interrupted call (its agent, or a supervisor): COMPLETED, RETRY (dialled
   * again now within its budgets; for its agent except in predictive campaigns) or FAILED. Anything
   * but an INTERRUPTED number is ILLEGAL_TRANSITION and changes nothing.
   */
  async resolveInterrupted(scope: Scope, numberId: string, outcome: InterruptedCallOutcome): Promise<{ numberId: string; state: NumberState }> {
    const id = assertId(numberId, 'campaign number');
    const actor = scope.actor;
    let campaignId = '';
    let owner: string | null = null;
    const state = await scope.em.transactional(async (tx) => {
      const repo = new DialerRepository(tx);
      const n = await this.lockOwnNumber(tx, actor.organizationId, id, numberId);
      campaignId = n.campaign_id;
      owner = n.owner_agent_id;
      if (actor.role === Role.AGENT && n.owner_agent_id !== actor.agentId) throw forbidden("settle another agent's interrupted call");
      const row = (await repo.lockNumber(id))!;
      const c = (await repo.campaign(n.campaign_id))!;
      let t;
      try {
        t = transition(snapshotOf(row), { type: 'RESOLVE_INTERRUPTED', outcome }, { mode: c.dial_mode as DialMode, policy: policyOf(c), now: this.clock.now(), campaignCompleted: c.status === 'COMPLETED' || c.status === 'ARCHIVED' });
      } catch (err) {
        if (err instanceof IllegalNumberTransition) throw illegalTransition('number', row.state, outcome, 'only an INTERRUPTED number can be settled, and not in a completed campaign');
        throw err;
      }
      await repo.saveNumber(id, t, this.clock.now());
      // a number dialled again in a predictive campaign belongs to the pool; otherwise it stays with its agent
      const keepOwner = t.state === NumberState.RETRY && c.dial_mode !== 'PREDICTIVE';
      await tx.execute(`update campaign_number set followup_note = null, owner_agent_id = ${keepOwner ? 'owner_agent_id' : 'null'} where id = ?`, [id]);
      return t.state;
    });
    this.stats.publish(actor.organizationId, campaignId);
    if (owner) this.stats.publishAgents([owner]);
    return { numberId: id, state };
  }

  /** An agent's queue (numbers it owns that are not final, and its interrupted calls; soonest first), one number's, or a campaign's interrupted calls. */
  private async followupRows(scope: Scope, by: { agentId: string } | { numberId: string } | { campaignId: string }): Promise<Followup[]> {
    const [where, key, states] = 'agentId' in by ? ['n.owner_agent_id = ?', by.agentId, QUEUE_NUMBER_STATES]
      : 'numberId' in by ? ['n.id = ?', by.numberId, QUEUE_NUMBER_STATES]
      : ['n.campaign_id = ?', by.campaignId, [NumberState.INTERRUPTED]];
    const rows = await scope.em.execute<Record<string, any>[]>(
      `select n.id, n.campaign_id, c.name as campaign_name, n.contact_name, n.e164, n.state, n.followup_note,
              case when n.state in ('IN_PROGRESS', 'RETRYING') then n.followup_at when n.state = 'INTERRUPTED' then n.updated_at else n.next_attempt_at end as due_at,
              coalesce(n.followup_time_zone, a.time_zone, o.time_zone) as time_zone
         from campaign_number n join campaign c on c.id = n.campaign_id join organization o on o.id = n.organization_id
         left join agent a on a.id = n.owner_agent_id
        where n.organization_id = ? and ${where}
          and n.state in (select jsonb_array_elements_text(?::jsonb))
        order by due_at nulls last, n.id limit ?`,
      [scope.actor.organizationId, key, JSON.stringify(states), FOLLOWUPS_MAX],
    );
    return rows.map((r) => ({
      numberId: r.id, campaignId: r.campaign_id, campaignName: r.campaign_name, contactName: r.contact_name, number: r.e164,
      dueAt: r.due_at ? new Date(r.due_at) : null, timeZone: r.time_zone, note: r.followup_note, state: r.state,
    }));
  }

  // ---- suppression (DND) ----

  /**
   * The suppression list, newest first (supervisors and admins). `search` matches part of the value
   * (digits of a number in any spelling, or a client id) or the reason.
   */
  async suppressions(scope: Scope, args: SuppressionsArgs): Promise<SuppressionPage> {
    requireSupervisor(scope.actor, 'read the suppression list');
    const where = ['organization_id = ?'];
    const params: unknown[] = [scope.actor.organizationId];
    if (args.kind) {
      where.push('kind = ?');
      params.push(args.kind);
    }
    const q = args.search?.trim();
    if (q) {
      const digits = q.replace(/[\s()+.-]/g, '');
      const like = `%${escapeLike(q.toLowerCase())}%`;
      where.push(/^\d+$/.test(digits) ? `(value like ? or lower(value) like ? or lower(coalesce(reason, '')) like ?)` : `(lower(value) like ? or lower(value) like ? or lower(coalesce(reason, '')) like ?)`);
      params.push(`%${escapeLike(digits)}%`, like, like);
    }
    const rows = await scope.em.execute<Record<string, any>[]>(
      `select id, kind, value, reason, created_at, count(*) over () as total from suppression
        where ${where.join(' and ')} order by created_at desc, id limit ? offset ?`,
      [...params, args.limit, args.offset],
    );
    let totalCount = rows.length ? Number(rows[0]!.total) : 0;
    if (!rows.length && args.offset > 0) {
      const [c] = await scope.em.execute<{ n: string }[]>(`select count(*) as n from suppression where ${where.join(' and ')}`, params);
      totalCount = Number(c!.n);
    }
    return { items: rows.map(toSuppression), totalCount };
  }

  /**
   * Adds every good row of a suppression CSV in one transaction (rows already listed are counted,
   * not changed); bad rows are reported with their line. A file that cannot be read changes nothing.
   */
  async importSuppressions(scope: Scope, input: ImportSuppressionsCsvInput): Promise<SuppressionImportResult> {
    requireSupervisor(scope.actor, 'change the suppression list');
    const parsed = parseSuppressionCsv(input.csv, input.defaultRegion?.toUpperCase());
    const seen = new Set<string>();
    const entries = parsed.entries.filter((e) => {
      const k = `${e.kind}:${e.value}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    let added = 0;
    const now = this.clock.now();
    await scope.em.transactional(async (tx) => {
      for (let i = 0; i < entries.length; i += 1000) {
        const chunk = entries.slice(i, i + 1000);
        // (knex expands an array binding into a list, so the rows go in as VALUES)
        const rows = await tx.execute<{ id: string }[]>(
          `insert into suppression (id, organization_id, kind, value, reason, created_at)
           values ${chunk.map(() => '(gen_random_uuid(), ?, ?, ?, ?, ?)').join(', ')}
           on conflict (organization_id, kind, value) do nothing returning id`,
          chunk.flatMap((e) => [scope.actor.organizationId, e.kind, e.value, e.reason, now]),
        );
        added += rows.length;
      }
    });
    return { rows: parsed.rows, added, alreadyListed: entries.length - added, errors: parsed.errors };
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

