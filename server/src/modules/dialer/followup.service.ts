import type { Clock } from '../../clock.js';
import { requireSupervisor, Role } from '../../auth/actor.js';
import type { Scope } from '../../auth/scope.js';
import type { DialMode } from '../../domain/campaign-options.js';
import { badInput, DialerError, ErrorCode, forbidden, illegalTransition, notFound } from '../../domain/errors.js';
import { assertId } from '../../domain/ids.js';
import { localTimeToInstant } from '../../domain/local-time.js';
import { IllegalNumberTransition, transition } from '../../domain/number-machine.js';
import { FINAL_STATES, NumberState } from '../../domain/number-state.js';
import { canonicalTimeZone } from '../../domain/time-zone.js';
import { DialerRepository, policyOf, snapshotOf } from '../../engine/dialer.repository.js';
import type { DialerEvents } from '../../engine/events.js';
import { requireCampaignId } from '../stats/campaign-access.js';
import type { ScheduleFollowupInput } from './dialer.input.js';
import type { Followup, InterruptedCallOutcome } from './dialer.type.js';
import { FollowupRepository, type OwnedNumberRow, type QueueRow } from './followup.repository.js';

/** At most this many followups are listed on a console. */
const FOLLOWUPS_MAX = 500;

/**
 * Scheduled followups (seed 002, seed 003 "scheduler call") and calls interrupted by a crash:
 * booked and cancelled by the agent who handled the call or a supervisor, settled by a person.
 */
export class FollowupService {
  constructor(
    private readonly clock: Clock,
    private readonly events: DialerEvents,
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
      const repo = new DialerRepository(tx);
      const followups = new FollowupRepository(tx);
      const n = await lockOwn(followups, actor.organizationId, id, input.numberId);
      campaignId = n.campaign_id;
      const leg = await followups.latestCustomerLeg(id);
      if (!leg) throw illegalTransition('number', n.state, NumberState.RETRY, 'it has not been called yet');
      if (actor.role === Role.AGENT && (!actor.agentId || leg.agent_id !== actor.agentId)) throw forbidden("schedule a followup on another agent's call");
      if (!leg.agent_id) throw illegalTransition('number', n.state, NumberState.RETRY, 'no agent handled its latest call');
      ownerId = leg.agent_id;

      const zone = canonicalTimeZone(input.timeZone?.trim() || (await followups.agentTimeZone(ownerId)), 'input.timeZone');
      const at = localTimeToInstant(input.date.trim(), input.time.trim(), zone);
      const now = this.clock.now();
      if (at.getTime() <= now.getTime()) throw badInput(`input.time: ${input.date} ${input.time} in ${zone} is in the past`, 'input.time');
      const c = (await repo.campaign(n.campaign_id))!;
      if (actor.role === Role.AGENT) {
        // seed 002: management decides which groups may schedule followups (the campaign's group)
        const g = await followups.groupFollowupRight(c.group_id);
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
    this.events.campaignChanged(actor.organizationId, campaignId);
    this.events.agentsChanged([ownerId]);
    const [f] = await this.rows(scope, { numberId: id });
    return f!;
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
      await followups.cancel(id, this.clock.now());
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
  return {
    numberId: r.id, campaignId: r.campaign_id, campaignName: r.campaign_name, contactName: r.contact_name, number: r.e164,
    dueAt: r.due_at ? new Date(r.due_at) : null, timeZone: r.time_zone, note: r.followup_note, state: r.state as Followup['state'],
  };
}
