import type { ContactLookup } from '../integration/contact-lookup.js';
import type { Clock } from '../../clock.js';
import { requireSupervisor, Role } from '../../auth/actor.js';
import type { Scope } from '../../auth/scope.js';
import type { DialMode } from '../../domain/campaign-options.js';
import { badInput, conflict, forbidden, illegalTransition, notFound } from '../../domain/errors.js';
import { assertId } from '../../domain/ids.js';
import { transition } from '../../domain/number-machine.js';
import { DialerRepository, policyOf, snapshotOf } from '../../engine/dialer.repository.js';
import type { DialerEvents } from '../../engine/events.js';
import { Topic, type DialerPubSub } from '../../pubsub/pubsub.js';
import { currentThen } from '../../pubsub/fanout.js';
import { requireCampaignId } from '../stats/campaign-access.js';
import { ConsoleRepository, type ConsoleAgentRow, type CurrentCallRow } from './console.repository.js';
import type { FlowVariablesInput } from './dialer.input.js';
import type { AgentCampaign, AgentConsole, LiveCall } from './dialer.type.js';
import type { FollowupService } from './followup.service.js';
import { FollowupRepository } from './followup.repository.js';
import { completionText } from '../../domain/campaign-lifecycle.js';

/** A completed campaign stays on its agents' consoles this long, Start disabled, saying why. */
const COMPLETED_SHOWN_MS = 12 * 3600_000;

/** After a call ends, flow variables may still be set for this long (wrap-up, seed 000 "right after the call"). */
const LATE_FLOW_VARIABLE_GRACE_SEC = 120;

/** The agent side of the dialler: the console, Start / Stop / Pause (seed 004) and flow variables (seed 000). */
export class ConsoleService {
  constructor(
    private readonly clock: Clock,
    private readonly events: DialerEvents,
    private readonly pubSub: DialerPubSub,
    private readonly followups: FollowupService,
    /** The callee's details from get-contacts URLs (absent: none looked up). */
    private readonly lookup?: ContactLookup,
  ) {}

  /**
   * The agent's console at once, then again whenever it changes: the engine and these mutations
   * signal the agent's topic after each commit, and a console equal to the last one sent is skipped.
   */
  async subscribe(scope: Scope, agentId?: string): Promise<AsyncIterable<AgentConsole>> {
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
    return currentThen(events, async () => (await changed())!, changed);
  }

  async console(scope: Scope, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    return {
      agentId: agent.id,
      name: agent.name,
      state: agent.state,
      activeCampaignId: agent.active_campaign_id,
      stopReason: agent.active_campaign_id ? null : agent.stop_reason,
      launchNotice: agent.launch_notice,
      wrapUpEndsAt: agent.state === 'WRAP_UP' && agent.wrap_up_ends_at ? new Date(agent.wrap_up_ends_at) : null,
      currentCall: await this.currentCall(scope, agent.id),
      campaigns: await this.campaignsOf(scope, agent.id),
      followups: await this.followups.queueOf(scope, agent.id),
    };
  }

  /** Seed 004 Start: refused before the start time, when paused, or when nothing is left to dial. */
  async start(scope: Scope, campaignId: string, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    const id = await requireCampaignId(scope, campaignId);
    const campaign = (await this.campaignsOf(scope, agent.id)).find((c) => c.id === id);
    if (!campaign) throw forbidden('start a campaign whose group you are not in');
    if (!campaign.canStart) throw illegalTransition('agent', agent.state, 'DIALLING', campaign.cannotStartReason!);
    if (agent.launch_campaign_id) throw conflict('your followup call is on: press Start when it is over', { launchCampaignId: agent.launch_campaign_id });
    if (agent.active_campaign_id && agent.active_campaign_id !== id) {
      throw conflict('the agent is dialling in another campaign; stop it first', { activeCampaignId: agent.active_campaign_id });
    }
    await new ConsoleRepository(scope.em).setActiveCampaign(agent.id, id);
    this.events.agentsChanged([agent.id]);
    return this.console(scope, agent.id);
  }

  /** Seed 004 stop: the agent's leg is hung up (an agent can also stop by hanging up the phone). */
  async stop(scope: Scope, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    await new ConsoleRepository(scope.em).stop(agent.id);
    this.events.agentsChanged([agent.id]);
    return this.console(scope, agent.id);
  }

  /** "End call and go on": the customer is hung up, wrap-up follows and the agent stays in the campaign (within a second). */
  async endCall(scope: Scope, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    if (!(agent.active_campaign_id ?? agent.launch_campaign_id) || agent.state !== 'ON_CALL') throw illegalTransition('agent', agent.state, 'WRAP_UP', 'the agent is not on a call');
    await new ConsoleRepository(scope.em).request(agent.id, 'end_call_requested');
    this.events.agentsChanged([agent.id]);
    return this.console(scope, agent.id);
  }

  /** "Ready": ends wrap-up now, so the next call comes at once (within a second). */
  async ready(scope: Scope, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    if (!(agent.active_campaign_id ?? agent.launch_campaign_id) || agent.state !== 'WRAP_UP') throw illegalTransition('agent', agent.state, 'AVAILABLE', 'the agent is not in wrap-up');
    await new ConsoleRepository(scope.em).request(agent.id, 'ready_requested');
    this.events.agentsChanged([agent.id]);
    return this.console(scope, agent.id);
  }

  /** Launches the agent's own due followup (FollowupService.launch) and returns the console. */
  async launchFollowup(scope: Scope, numberId: string): Promise<AgentConsole> {
    await this.followups.launch(scope, numberId);
    return this.console(scope);
  }

  /** Pause (applies when the agent is next free: no new calls) or resume. */
  async setPaused(scope: Scope, paused: boolean, agentId?: string): Promise<AgentConsole> {
    const agent = await this.agentFor(scope, agentId);
    if (paused && !agent.active_campaign_id) throw illegalTransition('agent', agent.state, 'PAUSED', 'the agent is not dialling');
    await new ConsoleRepository(scope.em).setPauseRequested(agent.id, paused);
    this.events.agentsChanged([agent.id]);
    return this.console(scope, agent.id);
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
      const consoles = new ConsoleRepository(tx);
      const n = await consoles.lockNumberWithMode(actor.organizationId, id);
      if (!n) throw notFound('campaign number', numberId);
      campaignId = n.campaign_id;
      // only agent-first flows dial the agent per record, so only they have agent attempts to reschedule (seed 000)
      if (input.rescheduleAgentCall && n.dial_mode !== 'AGENT_FIRST_FLOW') {
        throw badInput(`rescheduleAgentCall applies to AGENT_FIRST_FLOW campaigns only (this one is ${n.dial_mode}); use rescheduleCustomerCall`, 'input.rescheduleAgentCall');
      }
      const leg = await new FollowupRepository(tx).latestCustomerLeg(id);
      if (!leg) throw illegalTransition('number', n.state, 'flow variables', 'it has not been called yet');
      if (actor.role === Role.AGENT && leg.agent_id !== actor.agentId) throw forbidden("set flow variables on another agent's call");
      agentId = leg.agent_id;
      const live = ['QUEUED', 'RINGING', 'ANSWERED'].includes(leg.status);
      const recent = leg.ended_at && this.clock.now().getTime() - new Date(leg.ended_at).getTime() <= LATE_FLOW_VARIABLE_GRACE_SEC * 1000;
      if (!live && !recent) throw illegalTransition('number', n.state, 'flow variables', `the call ended more than ${LATE_FLOW_VARIABLE_GRACE_SEC} s ago`);
      await consoles.setFlowVariables(id, {
        rescheduleAgentCall: live ? input.rescheduleAgentCall ?? null : null,
        rescheduleCustomerCall: live ? input.rescheduleCustomerCall ?? null : null,
        disposition: input.disposition ?? null,
      }, this.clock.now());
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
    this.events.campaignChanged(actor.organizationId, campaignId);
    if (!agentId) return null;
    this.events.agentsChanged([agentId]);
    return this.currentCall(scope, agentId);
  }

  /** The agent this actor acts for: its own profile, or (supervisors) the one named. */
  private async agentFor(scope: Scope, agentId: string | undefined): Promise<ConsoleAgentRow> {
    const id = agentId ? assertId(agentId, 'agent') : scope.actor.agentId;
    if (!id) throw badInput('you have no agent profile; name the agent (agentId)', 'agentId');
    if (id !== scope.actor.agentId) requireSupervisor(scope.actor, 'act for another agent');
    const row = await new ConsoleRepository(scope.em).agent(scope.actor.organizationId, id);
    if (!row) throw notFound('agent', id);
    return row;
  }

  /** Campaigns of the agent's groups, with whether Start is allowed now and why not. */
  private async campaignsOf(scope: Scope, agentId: string): Promise<AgentCampaign[]> {
    const now = this.clock.now();
    const rows = await new ConsoleRepository(scope.em).campaignsOf(scope.actor.organizationId, agentId, new Date(now.getTime() - COMPLETED_SHOWN_MS));
    return rows.map((r) => {
      const remaining = Number(r.remaining);
      const reason =
        r.status === 'COMPLETED' ? completionText(r.completion_reason)
        : new Date(r.starts_at) > now ? `starts at ${new Date(r.starts_at).toISOString()}`
        : r.status === 'PAUSED' ? 'the campaign is paused'
        : r.status !== 'RUNNING' ? `the campaign is ${r.status.toLowerCase()}`
        // an infinite (missed-call) campaign waits for numbers its rules add: agents may sit in it
        : remaining === 0 && r.ends_at !== null ? 'no new or retry numbers left'
        : r.owner_pool && Number(r.owned) === 0 ? 'you own no customers in this campaign yet: press "Get customers"'
        : null;
      return {
        id: r.id, name: r.name, status: r.status, startsAt: new Date(r.starts_at), remaining, canStart: reason === null, cannotStartReason: reason,
        ownerPool: r.owner_pool, ownedCustomers: Number(r.owned),
      };
    });
  }

  private async currentCall(scope: Scope, agentId: string): Promise<LiveCall | null> {
    const row = await new ConsoleRepository(scope.em).currentCall(scope.actor.organizationId, agentId, this.clock.now());
    if (!row) return null;
    const crm = this.lookup && row.get_contacts_url
      ? await this.lookup.forCall({ campaignId: row.campaign_id, organizationId: row.organization_id, url: row.get_contacts_url }, row.to_number, agentId)
      : null;
    return { ...toLiveCall(row), crm };
  }
}

function toLiveCall(row: CurrentCallRow): LiveCall {
  const fields = Object.entries(row.contact_fields ?? {}).map(([key, value]) => ({ key, value }));
  return {
    legId: row.leg_id,
    numberId: row.number_id,
    campaignId: row.campaign_id,
    dialMode: row.dial_mode as LiveCall['dialMode'],
    status: row.status as LiveCall['status'],
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
    crm: null,
  };
}

/** Fills `{number}`, `{name}`, `{callId}` and custom-field placeholders, URL-encoded. */
export function fillPopupUrl(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => (key in values ? encodeURIComponent(values[key]!) : m));
}
