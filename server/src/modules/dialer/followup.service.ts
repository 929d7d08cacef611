import { zonesOpen } from '@dialer/pacing-core';
import type { Clock } from '../../clock.js';
import { requireSupervisor, Role } from '../../auth/actor.js';
import type { Scope } from '../../auth/scope.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DialMode } from '../../domain/campaign-options.js';
import { badInput, conflict, DialerError, ErrorCode, forbidden, illegalTransition, notFound } from '../../domain/errors.js';
import { followupExpiresAt, followupWindow } from '../../domain/followups.js';
import { assertId } from '../../domain/ids.js';
import { localTimeToInstant } from '../../domain/local-time.js';
import { IllegalNumberTransition, transition } from '../../domain/number-machine.js';
import { FINAL_STATES, NumberState } from '../../domain/number-state.js';
import { normalisePhone } from '../../domain/phone.js';
import { canonicalTimeZone } from '../../domain/time-zone.js';
import { DialerRepository, policyOf, snapshotOf } from '../../engine/dialer.repository.js';
import type { DialerEvents } from '../../engine/events.js';
import { requireCampaignId } from '../stats/campaign-access.js';
import type { ContactService } from '../contact/contact.service.js';
import { InboundRepository } from '../inbound/inbound.repository.js';
import type { ScheduleFollowupInput, ScheduleManualFollowupInput } from './dialer.input.js';
import type { Followup, FollowupContact, InterruptedCallOutcome } from './dialer.type.js';
import { FollowupRepository, type FollowupRow, type OwnedNumberRow, type QueueRow } from './followup.repository.js';

/** At most this many followups are listed on a console. */
const FOLLOWUPS_MAX = 500;
/** At most this many customers in a booking's pick list. */
const LOOKUP_MAX = 10;

/**
 * Scheduled followups (seed 002, seed 003 "scheduler call") and calls interrupted by a crash:
 * booked and cancelled by the agent who handled the call or a supervisor, settled by a person.
 */
export class FollowupService {
  constructor(
    private readonly clock: Clock,
    private readonly events: DialerEvents,
    private readonly contacts: ContactService,
  ) {}

  /**
   * Books a followup call with the customer of a number at a local date and time. The agent who
   * handled the number's latest customer call may (supervisors may for any number; the followup
   * is owned by that agent), unless the campaign's group may not schedule followups (seed 002).
   * During the call it is applied when the attempt finishes; after it, the number becomes RETRY
   * (CUSTOMER_RESCHEDULED) at once. Either way the number is owned by the agent, so the hopper
   * hands it to that agent only, when due. Final numbers other than COMPLETED cannot be
   * rescheduled (ILLEGAL_TRANSITION); bad, past or after-the-end times are BAD_USER_INPUT naming
   * the field. Nothing changes on any error.
   */
  async schedule(scope: Scope, input: ScheduleFollowupInput): Promise<Followup> {
    const id = assertId(input.numberId, 'campaign number');
    const actor = scope.actor;
    let campaignId = '';
    let ownerId = '';
    await scope.em.transactional(async (tx) => {
      const followups = new FollowupRepository(tx);
      const n = await lockOwn(followups, actor.organizationId, id, input.numberId);
      campaignId = n.campaign_id;
      // its owner may move a followup (Reschedule); otherwise the agent who handled the latest call books one
      const mine = actor.role === Role.AGENT && !!actor.agentId && n.owner_agent_id === actor.agentId;
      const leg = mine ? null : await followups.latestCustomerLeg(id);
      if (!mine && !leg) throw illegalTransition('number', n.state, NumberState.RETRY, 'it has not been called yet');
      if (!mine && actor.role === Role.AGENT && (!actor.agentId || leg!.agent_id !== actor.agentId)) throw forbidden("schedule a followup on another agent's call");
      ownerId = mine ? actor.agentId! : leg!.agent_id ?? '';
      if (!ownerId) throw illegalTransition('number', n.state, NumberState.RETRY, 'no agent handled its latest call');
      await this.book(tx, id, n.campaign_id, ownerId, input, actor.role === Role.AGENT);
    });
    this.events.campaignChanged(actor.organizationId, campaignId);
    this.events.agentsChanged([ownerId]);
    const [f] = await this.rows(scope, { numberId: id });
    return f!;
  }

  /**
   * Books a followup from idle (seed 002's dedicated manual scenario): the agent types a number or
   * picks a contact, and the followup is theirs in the campaign. A number the directory does not
   * know gets a contact (named `name` when given); a number already waiting in the campaign is
   * rescheduled rather than added twice; one another agent owns, or one in a call, is refused.
   */
  async scheduleManual(scope: Scope, input: ScheduleManualFollowupInput): Promise<Followup> {
    const actor = scope.actor;
    if (!actor.agentId) throw forbidden('book a followup without an agent profile (a followup belongs to the agent who books it)');
    const agentId = actor.agentId;
    const campaignId = await requireCampaignId(scope, input.campaignId);
    if (!input.contactId && !input.number?.trim()) throw badInput('input.number: type a number or pick a contact', 'input.number');
    let numberId = '';
    await scope.em.transactional(async (tx) => {
      const repo = new DialerRepository(tx);
      const followups = new FollowupRepository(tx);
      const c = (await repo.campaign(campaignId))!;
      if (!(await followups.inCampaignGroup(agentId, c.group_id))) throw forbidden('book a followup in a campaign whose group you are not in');
      let e164: string;
      const inbound = new InboundRepository(tx);
      if (input.contactId) {
        const contactId = assertId(input.contactId, 'contact');
        const typed = input.number?.trim() ? normalisePhone(input.number, 'input.number').e164 : undefined;
        const found = await followups.contactNumber(actor.organizationId, contactId, typed);
        if (!found) throw typed ? badInput(`input.number: ${typed} is not a number of this contact`, 'input.number') : notFound('contact', input.contactId);
        e164 = found.e164;
      } else {
        const phone = normalisePhone(input.number!, 'input.number');
        e164 = phone.e164;
        await inbound.lockCaller(actor.organizationId, e164); // one contact per number, even for two bookings at once
        await this.contacts.contactForCaller(tx, actor.organizationId, { e164, region: phone.region }, input.name?.trim() || undefined);
      }
      const pending = await followups.pendingNumber(campaignId, e164);
      if (pending) {
        const n = (await followups.lockNumber(actor.organizationId, pending))!;
        if (n.owner_agent_id && n.owner_agent_id !== agentId) throw forbidden(`book a followup on a number another agent owns in ${c.name}`);
        if (n.state === NumberState.IN_PROGRESS || n.state === NumberState.RETRYING) throw conflict(`${e164} is being dialled in ${c.name} right now`, { numberId: pending });
        numberId = pending;
      } else {
        await this.assertCampaignTakes(c);
        numberId = await inbound.addNumber(actor.organizationId, campaignId, e164, this.clock.now(), this.clock.now(), null);
      }
      await this.book(tx, numberId, campaignId, agentId, input, actor.role === Role.AGENT);
    });
    this.events.campaignChanged(actor.organizationId, campaignId);
    this.events.agentsChanged([agentId]);
    const [f] = await this.rows(scope, { numberId });
    return f!;
  }

  /**
   * The pick list of the manual booking (seed 002: "the agent types a number or picks a contact"):
   * customers of a campaign of the agent's groups whose name or number matches (3 characters at
   * least), at most 10. Agents do not read the directory; they see the campaigns they dial.
   */
  async lookup(scope: Scope, campaignId: string, search: string): Promise<FollowupContact[]> {
    const id = await requireCampaignId(scope, campaignId);
    const q = search.trim();
    if (q.length < 3) throw badInput('search: type at least 3 characters of a name or number', 'search');
    if (q.length > 64) throw badInput('search: at most 64 characters', 'search');
    return (await new FollowupRepository(scope.em).lookup(id, q, LOOKUP_MAX)).map((r) => ({
      numberId: r.id, contactId: r.contact_id, contactName: r.contact_name, number: r.e164, state: r.state as NumberState,
    }));
  }

  /**
   * Books the followup on a locked number for its owner: checks the time (a valid local time, in the
   * future, before the campaign ends, inside its calling window in the contact's zone), the group's
   * right (`byAgent`: an agent books; supervisors always may) and the campaign, then moves the number through the machine. Throws before any write.
   */
  private async book(tx: EntityManager, id: string, campaignId: string, ownerId: string, input: { date: string; time: string; timeZone?: string; note?: string }, byAgent: boolean): Promise<void> {
    const repo = new DialerRepository(tx);
    const followups = new FollowupRepository(tx);
    const row = (await repo.lockNumber(id))!;
    const zone = canonicalTimeZone(input.timeZone?.trim() || (await followups.agentTimeZone(ownerId)), 'input.timeZone');
    const at = localTimeToInstant(input.date.trim(), input.time.trim(), zone);
    const now = this.clock.now();
    if (at.getTime() <= now.getTime()) throw badInput(`input.time: ${input.date} ${input.time} in ${zone} is in the past`, 'input.time');
    const c = (await repo.campaign(campaignId))!;
    // seed 002: management decides which groups may schedule followups (the campaign's group); supervisors always may
    const g = byAgent ? await followups.groupFollowupRight(c.group_id) : null;
    if (g && !g.may_schedule_followups) {
      throw new DialerError(ErrorCode.FORBIDDEN, `The agents of group "${g.name}" may not schedule followups (a supervisor can allow it)`, { action: 'schedule followups', group: g.name });
    }
    if (c.ends_at && at.getTime() >= new Date(c.ends_at).getTime()) {
      throw badInput(`input.date: ${input.date} ${input.time} in ${zone} is after the campaign ends (${new Date(c.ends_at).toISOString()})`, 'input.date');
    }
    if (c.status === 'COMPLETED' || c.status === 'ARCHIVED') throw illegalTransition('number', row.state, NumberState.RETRY, `the campaign is ${c.status.toLowerCase()}`);
    // a followup is launched at its time, so that time must be one the customer may be called at
    const window = { startMinute: c.window_start_minute, endMinute: c.window_end_minute };
    if (zonesOpen([row.time_zones], at.getTime(), window)[0] !== 1) {
      throw badInput(`input.time: ${input.date} ${input.time} in ${zone} is outside the campaign's calling window (${hhmm(window.startMinute)}-${hhmm(window.endMinute)} in the customer's zone, ${row.time_zones.join(' or ')})`, 'input.time');
    }
    let t;
    try {
      t = transition(snapshotOf(row), { type: 'SCHEDULE_FOLLOWUP', at }, { mode: c.dial_mode as DialMode, policy: policyOf(c), now, campaignCompleted: false });
    } catch (err) {
      if (err instanceof IllegalNumberTransition) throw illegalTransition('number', row.state, NumberState.RETRY, `a ${row.state} number cannot be rescheduled`);
      throw err;
    }
    await repo.saveNumber(id, t, now);
    await repo.setFollowupOwner(id, ownerId, zone, input.note?.trim() || null);
  }

  private async assertCampaignTakes(c: { status: string; name: string }): Promise<void> {
    if (c.status === 'COMPLETED' || c.status === 'ARCHIVED') throw illegalTransition('campaign', c.status, 'followup booked', `${c.name} is ${c.status.toLowerCase()}`);
  }

  /**
   * Launches a due followup (its owner, from the console): the campaign's runner rings the agent's
   * own phone first (or uses the line an agent dialling in the campaign already has up), then the
   * customer. Allowed from its time until 5 minutes after it; refused with the reason when the
   * campaign is not running, the customer's calling window is closed, the number is suppressed, or
   * the agent is in a call. An agent dialling in another campaign leaves it.
   */
  async launch(scope: Scope, numberId: string): Promise<void> {
    const id = assertId(numberId, 'campaign number');
    const actor = scope.actor;
    if (!actor.agentId) throw forbidden('launch a followup without an agent profile: only its owner launches it');
    const agentId = actor.agentId;
    let campaignId = '';
    await scope.em.transactional(async (tx) => {
      const followups = new FollowupRepository(tx);
      const n = await this.lockWaitingFollowup(followups, actor.organizationId, id, numberId, 'launch');
      campaignId = n.campaign_id;
      if (n.owner_agent_id !== agentId) throw forbidden("launch another agent's followup");
      const now = this.clock.now();
      const due = new Date(n.next_attempt_at!);
      const when = followupWindow(due, now);
      if (when === 'NOT_DUE') throw illegalTransition('number', n.state, NumberState.RETRYING, `it is due at ${due.toISOString()}`);
      if (when === 'EXPIRED') throw illegalTransition('number', n.state, NumberState.RETRYING, `it expired at ${followupExpiresAt(due).toISOString()}, 5 minutes after its time`);
      if (n.campaign_status !== 'RUNNING' || now < new Date(n.starts_at) || (n.ends_at && now >= new Date(n.ends_at))) {
        throw illegalTransition('campaign', n.campaign_status, 'dialling', `${n.campaign_name} is not dialling now (${n.campaign_status.toLowerCase()})`);
      }
      if (n.suppressed) throw forbidden(`call ${n.e164}: it is on the suppression list`);
      const window = { startMinute: n.window_start_minute, endMinute: n.window_end_minute };
      if (zonesOpen([n.time_zones], now.getTime(), window)[0] !== 1) {
        throw illegalTransition('number', n.state, NumberState.RETRYING, `the calling window (${hhmm(window.startMinute)}-${hhmm(window.endMinute)} in ${n.time_zones.join(' or ')}) is closed now`);
      }
      const a = await followups.lockLaunchAgent(agentId);
      if (a.launch_number_id && a.launch_number_id !== id) throw conflict('another followup of yours is being launched', { numberId: a.launch_number_id });
      if (a.state === 'RINGING' || a.state === 'ON_CALL') throw conflict('you are in a call: launch the followup when it ends', { state: a.state });
      await followups.requestLaunch(agentId, id, n.campaign_id, !!a.active_campaign_id && a.active_campaign_id !== n.campaign_id, now);
    });
    this.events.campaignChanged(actor.organizationId, campaignId);
    this.events.agentsChanged([agentId]);
  }

  /** Its owner (or a supervisor) chooses not to make a waiting followup call: the number is closed (CANCELLED, SKIPPED). */
  async skip(scope: Scope, numberId: string): Promise<{ numberId: string; state: NumberState }> {
    const id = assertId(numberId, 'campaign number');
    const actor = scope.actor;
    let campaignId = '';
    let ownerId = '';
    await scope.em.transactional(async (tx) => {
      const n = await this.lockWaitingFollowup(new FollowupRepository(tx), actor.organizationId, id, numberId, 'skip');
      campaignId = n.campaign_id;
      ownerId = n.owner_agent_id ?? '';
      if (actor.role === Role.AGENT && n.owner_agent_id !== actor.agentId) throw forbidden("skip another agent's followup");
      await this.close(tx, id, n.campaign_id, { type: 'SKIPPED' });
    });
    this.events.campaignChanged(actor.organizationId, campaignId);
    if (ownerId) this.events.agentsChanged([ownerId]);
    return { numberId: id, state: NumberState.CANCELLED };
  }

  /** A waiting booked followup of the organisation, locked; anything else is NOT_FOUND or ILLEGAL_TRANSITION. */
  private async lockWaitingFollowup(repo: FollowupRepository, organizationId: string, id: string, given: string, what: string): Promise<FollowupRow> {
    const n = await repo.lockFollowup(organizationId, id);
    if (!n) throw notFound('campaign number', given);
    if (!n.followup_time_zone || (n.state !== NumberState.RETRY && n.state !== NumberState.SCHEDULED) || !n.next_attempt_at) {
      throw illegalTransition('number', n.state, what === 'launch' ? NumberState.RETRYING : NumberState.CANCELLED, 'it is not a waiting followup');
    }
    return n;
  }

  /** Moves a locked waiting number through the machine to a final state. */
  private async close(tx: EntityManager, id: string, campaignId: string, event: { type: 'SKIPPED' }): Promise<void> {
    const repo = new DialerRepository(tx);
    const row = (await repo.lockNumber(id))!;
    const c = (await repo.campaign(campaignId))!;
    const now = this.clock.now();
    const t = transition(snapshotOf(row), event, { mode: c.dial_mode as DialMode, policy: policyOf(c), now, campaignCompleted: c.status === 'COMPLETED' });
    await repo.saveNumber(id, t, now);
  }

  /** Cancels a followup (its owner or a supervisor): the number is no longer owned and its note goes; it keeps its retry time. */
  async cancel(scope: Scope, numberId: string): Promise<boolean> {
    const id = assertId(numberId, 'campaign number');
    const actor = scope.actor;
    let campaignId = '';
    let ownerId = '';
    await scope.em.transactional(async (tx) => {
      const followups = new FollowupRepository(tx);
      const n = await lockOwn(followups, actor.organizationId, id, numberId);
      campaignId = n.campaign_id;
      ownerId = n.owner_agent_id ?? '';
      if (!n.owner_agent_id || FINAL_STATES.has(n.state as NumberState)) throw illegalTransition('number', n.state, 'followup cancelled', 'it has no followup');
      if (actor.role === Role.AGENT && n.owner_agent_id !== actor.agentId) throw forbidden("cancel another agent's followup");
      const f = await followups.lockFollowup(actor.organizationId, id);
      // a preview campaign dials nothing by itself: a followup called off there is closed, not left waiting forever
      if (f?.dial_mode === 'PREVIEW' && f.followup_time_zone && (n.state === NumberState.RETRY || n.state === NumberState.SCHEDULED)) await this.close(tx, id, n.campaign_id, { type: 'SKIPPED' });
      else await followups.cancel(id, this.clock.now());
    });
    this.events.campaignChanged(actor.organizationId, campaignId);
    this.events.agentsChanged([ownerId]);
    return true;
  }

  /** An agent's queue: numbers it owns that are not final, and its interrupted calls; soonest first. */
  queueOf(scope: Scope, agentId: string): Promise<Followup[]> {
    return this.rows(scope, { agentId });
  }

  /**
   * Calls of a campaign cut off by a crash or shutdown after the customer answered (supervisors):
   * owned by the agent who was talking, or by nobody in predictive campaigns.
   */
  async interruptedCalls(scope: Scope, campaignId: string): Promise<Followup[]> {
    requireSupervisor(scope.actor, 'list interrupted calls');
    return this.rows(scope, { campaignId: await requireCampaignId(scope, campaignId) });
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
      const followups = new FollowupRepository(tx);
      const n = await lockOwn(followups, actor.organizationId, id, numberId);
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
      await followups.settled(id, t.state === NumberState.RETRY && c.dial_mode !== 'PREDICTIVE');
      return t.state;
    });
    this.events.campaignChanged(actor.organizationId, campaignId);
    if (owner) this.events.agentsChanged([owner]);
    return { numberId: id, state };
  }

  private async rows(scope: Scope, by: { agentId: string } | { numberId: string } | { campaignId: string }): Promise<Followup[]> {
    return (await new FollowupRepository(scope.em).queue(scope.actor.organizationId, by, FOLLOWUPS_MAX)).map(toFollowup);
  }
}

/** Locks a number of the actor's organisation for the transaction (others answer NOT_FOUND). */
async function lockOwn(repo: FollowupRepository, organizationId: string, id: string, given: string): Promise<OwnedNumberRow> {
  const n = await repo.lockNumber(organizationId, id);
  if (!n) throw notFound('campaign number', given);
  return n;
}

function toFollowup(r: QueueRow): Followup {
  const dueAt = r.due_at ? new Date(r.due_at) : null;
  return {
    numberId: r.id, campaignId: r.campaign_id, campaignName: r.campaign_name, contactName: r.contact_name, number: r.e164,
    dueAt, timeZone: r.time_zone, note: r.followup_note, state: r.state as Followup['state'],
    preview: r.preview, launching: r.launching, expiresAt: r.preview && dueAt && (r.state === 'RETRY' || r.state === 'SCHEDULED') ? followupExpiresAt(dueAt) : null,
    fields: Object.entries(r.contact_fields ?? {}).map(([key, value]) => ({ key, value })), customerAttempts: r.customer_attempts,
  };
}

/** Minutes after midnight as HH:MM. */
function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60) % 24).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
