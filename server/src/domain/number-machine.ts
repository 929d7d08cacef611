import type { AttemptPolicy } from './attempt-policy.js';
import type { DialMode, RetryStatus } from './campaign-options.js';
import { MINUTE_MS } from './campaign-rules.js';
import { FINAL_STATES, NumberReason, NumberState } from './number-state.js';

/** What the machine needs to know about one number. */
export interface NumberSnapshot {
  state: NumberState;
  reason: NumberReason | null;
  agentAttempts: number;
  customerAttempts: number;
  dialCount: number;
  addedAt: Date;
  nextAttemptAt: Date | null;
  /** Flow variables set during or right after the call (seed 000). */
  rescheduleAgentCall: boolean;
  rescheduleCustomerCall: boolean;
  /** A followup booked during the call (seed 002): applied when the attempt finishes. */
  followupAt: Date | null;
}

/** How one leg ended. */
export type LegOutcome = 'ANSWERED' | 'NO_ANSWER' | 'BUSY' | 'FAILED';

/** Everything that can happen to a number. */
export type NumberEvent =
  /**
   * The dialler claimed it for a call (attempt row written, call about to be placed). A number whose
   * budgets leave no attempt is not dialled: it fails instead (AGENT_FAILED / CUSTOMER_FAILED).
   * `followup`: an agent booked this call with the customer (seed 002), so the caps do not apply.
   */
  | { type: 'CLAIM'; followup?: boolean }
  /**
   * An attempt finished. `agent` is the agent leg's outcome in AGENT_FIRST_FLOW (absent in modes
   * where the agent is already connected); `customer` is absent when the agent never connected.
   * `abandoned`: the customer answered but no agent was free within 2 s (predictive).
   * `machine`: an answering machine was detected. `invalid`: the network says the number does not exist.
   */
  | {
      type: 'ATTEMPT_FINISHED';
      agent?: LegOutcome;
      customer?: LegOutcome;
      abandoned?: boolean;
      machine?: boolean;
      invalid?: boolean;
      /** The carrier refused the number as registered do-not-disturb. */
      dnd?: boolean;
    }
  /** The pre-dial guards refused it. */
  | { type: 'GUARD_REFUSED'; guard: 'DND' | 'BALANCE' }
  /** The campaign was completed (by a user, its end time or the 30-day limit). */
  | { type: 'CAMPAIGN_COMPLETED' }
  /**
   * Removed by a suppression entry, or by the missed-call rule (seed 001) because the customer had an
   * answered inbound or outbound call with the organisation first. @default by 'SUPPRESSION'
   * `followup`: the number is a booked followup (a suppression entry is how seed 002 cancels one).
   */
  | { type: 'CANCELLED'; by?: 'SUPPRESSION' | 'ANSWERED_INBOUND' | 'ANSWERED_OUTBOUND'; followup?: boolean }
  /**
   * A preview followup not launched within 5 minutes of its time. Outside PREVIEW campaigns its
   * reason is INCOMPATIBLE_CHANNEL_TYPE (seed 002: what a non-preview pass reports for records it filters).
   */
  | { type: 'EXPIRED' }
  /** The owner of a due followup chose not to make the call (CANCELLED, SKIPPED). */
  | { type: 'SKIPPED' }
  /**
   * A launched preview call never reached the customer: the agent's own leg was not answered, or the
   * agent left before it was. Nobody called the customer, so no attempt is spent and the followup
   * waits again for its owner, due at its own time `dueAt` (and expires 5 minutes after it).
   */
  | { type: 'LAUNCH_ABORTED'; dueAt: Date }
  /** A crash left the number IN_PROGRESS with no call behind it: put it back without using an attempt. */
  | { type: 'RECOVERED' }
  /**
   * The attempt was cut off by a crash or a shutdown (not by the network or either party). A leg
   * that was placed counts against its budget. `customer`: how far the customer leg got (absent
   * when it was never placed); `agent`: the agent leg of an AGENT_FIRST_FLOW record. A customer who
   * had answered is never redialled blind: the number waits as INTERRUPTED for a person to follow up.
   */
  | { type: 'INTERRUPTED'; customer?: 'PLACED' | 'ANSWERED'; agent?: 'PLACED' | 'ANSWERED' }
  /**
   * A person settles an INTERRUPTED number: COMPLETED (the conversation had done its job), RETRY
   * (dial it again, within its budgets) or FAILED.
   */
  | { type: 'RESOLVE_INTERRUPTED'; outcome: 'COMPLETED' | 'RETRY' | 'FAILED' }
  /**
   * A flow variable set right after the call (in wrap-up) forces a reschedule of a record the
   * attempt had completed. The customer attempt was already counted; an agent reschedule spends an
   * agent attempt (seed 000). Either needs room in both budgets, or the number fails.
   */
  | { type: 'FORCE_RESCHEDULE'; who: 'AGENT' | 'CUSTOMER' }
  /**
   * An agent booked a followup with the customer at an explicit time (seed 002). A waiting or
   * completed number is rescheduled at once (RETRY, CUSTOMER_RESCHEDULED, due at `at`); during a
   * call it is kept and applied when the attempt finishes, as a forced customer reschedule at that
   * time. Attempt caps do not apply: the customer asked for the call.
   */
  | { type: 'SCHEDULE_FOLLOWUP'; at: Date };

export interface MachineContext {
  mode: DialMode;
  policy: AttemptPolicy;
  now: Date;
  /** The campaign is COMPLETED (calls in flight finish, nothing is rescheduled). */
  campaignCompleted: boolean;
}

export interface Transition {
  state: NumberState;
  reason: NumberReason | null;
  agentAttempts: number;
  customerAttempts: number;
  dialCount: number;
  nextAttemptAt: Date | null;
  /** Flow variables are consumed by the attempt they applied to. */
  rescheduleAgentCall: boolean;
  rescheduleCustomerCall: boolean;
  /** A pending followup is consumed by the attempt it applied to, or dropped when the number becomes final. */
  followupAt: Date | null;
}

export class IllegalNumberTransition extends Error {
  readonly code = 'ILLEGAL_NUMBER_TRANSITION';
  constructor(from: NumberState, event: NumberEvent['type']) {
    super(`number in ${from} cannot take ${event}`);
  }
}

const LIVE: ReadonlySet<NumberState> = new Set([NumberState.IN_PROGRESS, NumberState.RETRYING]);
const WAITING: ReadonlySet<NumberState> = new Set([NumberState.SCHEDULED, NumberState.RETRY]);

function keep(n: NumberSnapshot): Transition {
  return {
    state: n.state,
    reason: n.reason,
    agentAttempts: n.agentAttempts,
    customerAttempts: n.customerAttempts,
    dialCount: n.dialCount,
    nextAttemptAt: n.nextAttemptAt,
    rescheduleAgentCall: n.rescheduleAgentCall,
    rescheduleCustomerCall: n.rescheduleCustomerCall,
    followupAt: n.followupAt,
  };
}

/** When the next customer attempt is due: the retry schedule (from when the number was added) or now + interval. */
export function nextCustomerAttemptAt(policy: AttemptPolicy, addedAt: Date, customerAttempts: number, now: Date): Date {
  const offset = policy.retrySchedule?.[customerAttempts];
  if (offset !== undefined) return new Date(Math.max(now.getTime(), addedAt.getTime() + offset * MINUTE_MS));
  return new Date(now.getTime() + policy.retryIntervalMinutes * MINUTE_MS);
}

/** Maximum customer attempts: the first plus the retries. */
export function customerAttemptCap(policy: AttemptPolicy): number {
  return policy.retries + 1;
}

/**
 * The budget that leaves no attempt for a number with these counts, or null while both have room.
 * Agent attempts only exist in AGENT_FIRST_FLOW, where every record dials the agent first.
 */
export function exhaustedBudget(mode: DialMode, policy: AttemptPolicy, agentAttempts: number, customerAttempts: number): 'AGENT' | 'CUSTOMER' | null {
  if (mode === 'AGENT_FIRST_FLOW' && agentAttempts >= policy.agentMaxAttempts) return 'AGENT';
  if (customerAttempts >= customerAttemptCap(policy)) return 'CUSTOMER';
  return null;
}

const FAILED_BY: Record<'AGENT' | 'CUSTOMER', NumberReason> = { AGENT: NumberReason.AGENT_FAILED, CUSTOMER: NumberReason.CUSTOMER_FAILED };

/**
 * The one function through which a number changes state. Pure: the caller persists the result
 * (and its counters) in one transaction.
 */
export function transition(n: NumberSnapshot, event: NumberEvent, ctx: MachineContext): Transition {
  const t = step(n, event, ctx);
  return FINAL_STATES.has(t.state) && t.followupAt ? { ...t, followupAt: null } : t;
}

/**
 * A reschedule drawn from `who`'s budget: AGENT spends an agent attempt (AGENT_FIRST_FLOW), CUSTOMER
 * was already counted when the customer was dialled. The number goes to RETRY only while both
 * budgets leave a next attempt; otherwise it fails, naming the exhausted budget. A completed
 * campaign reschedules nothing.
 */
function reschedule(out: Transition, who: 'AGENT' | 'CUSTOMER', n: NumberSnapshot, ctx: MachineContext): Transition {
  const { policy, now, mode } = ctx;
  const agentWay = who === 'AGENT' && mode === 'AGENT_FIRST_FLOW';
  // an attempt is spent only from a budget that has one left
  if (agentWay && n.agentAttempts < policy.agentMaxAttempts) out.agentAttempts = n.agentAttempts + 1;
  else if (agentWay) return { ...out, state: NumberState.FAILED, reason: NumberReason.AGENT_FAILED, nextAttemptAt: null };
  const spent = exhaustedBudget(mode, policy, out.agentAttempts, out.customerAttempts);
  if (spent) return { ...out, state: NumberState.FAILED, reason: FAILED_BY[spent], nextAttemptAt: null };
  if (ctx.campaignCompleted) return { ...out, state: NumberState.FAILED_NO_ATTEMPT, reason: NumberReason.CAMPAIGN_COMPLETED, nextAttemptAt: null };
  return agentWay
    ? { ...out, state: NumberState.RETRY, reason: NumberReason.AGENT_RESCHEDULED, nextAttemptAt: new Date(now.getTime() + policy.agentRetryIntervalMinutes * MINUTE_MS) }
    : { ...out, state: NumberState.RETRY, reason: NumberReason.CUSTOMER_RESCHEDULED, nextAttemptAt: nextCustomerAttemptAt(policy, n.addedAt, out.customerAttempts, now) };
}

function step(n: NumberSnapshot, event: NumberEvent, ctx: MachineContext): Transition {
  const out = keep(n);
  switch (event.type) {
    case 'CLAIM': {
      if (!WAITING.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      const spent = event.followup ? null : exhaustedBudget(ctx.mode, ctx.policy, n.agentAttempts, n.customerAttempts);
      if (spent) return { ...out, state: NumberState.FAILED, reason: FAILED_BY[spent], nextAttemptAt: null };
      out.state = n.state === NumberState.RETRY ? NumberState.RETRYING : NumberState.IN_PROGRESS;
      out.dialCount = n.dialCount + 1;
      out.nextAttemptAt = null;
      return out;
    }
    case 'RECOVERED': {
      if (!LIVE.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      // the call behind a booked followup happened: the followup stands
      if (n.followupAt && !ctx.campaignCompleted) {
        return { ...out, state: NumberState.RETRY, reason: NumberReason.CUSTOMER_RESCHEDULED, nextAttemptAt: n.followupAt, followupAt: null, dialCount: Math.max(0, n.dialCount - 1) };
      }
      out.state = n.state === NumberState.RETRYING ? NumberState.RETRY : NumberState.SCHEDULED;
      out.nextAttemptAt = n.state === NumberState.RETRYING ? ctx.now : null;
      out.dialCount = Math.max(0, n.dialCount - 1);
      return out;
    }
    case 'INTERRUPTED': {
      if (!LIVE.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      out.rescheduleAgentCall = false;
      out.rescheduleCustomerCall = false;
      out.followupAt = null;
      out.nextAttemptAt = null;
      if (event.customer === 'ANSWERED') {
        return { ...out, customerAttempts: n.customerAttempts + 1, state: NumberState.INTERRUPTED, reason: NumberReason.CALL_INTERRUPTED };
      }
      if (event.customer === 'PLACED') {
        out.customerAttempts = n.customerAttempts + 1;
        if (n.followupAt && !ctx.campaignCompleted) return { ...out, state: NumberState.RETRY, reason: NumberReason.CUSTOMER_RESCHEDULED, nextAttemptAt: n.followupAt };
        return reschedule(out, 'CUSTOMER', n, ctx);
      }
      // AGENT_FIRST_FLOW, the customer never dialled: an agent who had not answered spends an attempt
      if (event.agent === 'PLACED' && ctx.mode === 'AGENT_FIRST_FLOW') {
        if (n.followupAt && !ctx.campaignCompleted) return { ...out, agentAttempts: n.agentAttempts + 1, state: NumberState.RETRY, reason: NumberReason.CUSTOMER_RESCHEDULED, nextAttemptAt: n.followupAt };
        return reschedule(out, 'AGENT', n, ctx);
      }
      // nothing reached anyone: back in line without spending an attempt
      return step(n, { type: 'RECOVERED' }, ctx);
    }
    case 'RESOLVE_INTERRUPTED': {
      if (n.state !== NumberState.INTERRUPTED) throw new IllegalNumberTransition(n.state, event.type);
      if (event.outcome === 'COMPLETED') return { ...out, state: NumberState.COMPLETED, reason: null };
      if (event.outcome === 'FAILED') return { ...out, state: NumberState.FAILED, reason: NumberReason.CALL_INTERRUPTED };
      if (ctx.campaignCompleted) throw new IllegalNumberTransition(n.state, event.type);
      const spent = exhaustedBudget(ctx.mode, ctx.policy, n.agentAttempts, n.customerAttempts);
      if (spent) return { ...out, state: NumberState.FAILED, reason: FAILED_BY[spent] };
      return { ...out, state: NumberState.RETRY, reason: NumberReason.CUSTOMER_RESCHEDULED, nextAttemptAt: ctx.now };
    }
    case 'GUARD_REFUSED': {
      if (!WAITING.has(n.state) && !LIVE.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      out.state = event.guard === 'DND' ? NumberState.FAILED_DND : NumberState.FAILED_BALANCE;
      out.reason = event.guard === 'DND' ? NumberReason.SUPPRESSED : null;
      out.nextAttemptAt = null;
      return out;
    }
    case 'CAMPAIGN_COMPLETED': {
      if (!WAITING.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      return { ...out, state: NumberState.FAILED_NO_ATTEMPT, reason: NumberReason.CAMPAIGN_COMPLETED, nextAttemptAt: null };
    }
    case 'CANCELLED': {
      if (FINAL_STATES.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      const bySuppression = event.by === undefined || event.by === 'SUPPRESSION';
      const reason = !bySuppression ? NumberReason[event.by as 'ANSWERED_INBOUND' | 'ANSWERED_OUTBOUND'] : event.followup ? followupFiltered(ctx) : NumberReason.SUPPRESSED;
      return { ...out, state: NumberState.CANCELLED, reason, nextAttemptAt: null };
    }
    case 'EXPIRED': {
      if (!WAITING.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      return { ...out, state: NumberState.EXPIRED, reason: ctx.mode === 'PREVIEW' ? null : NumberReason.INCOMPATIBLE_CHANNEL_TYPE, nextAttemptAt: null };
    }
    case 'SKIPPED': {
      if (!WAITING.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      return { ...out, state: NumberState.CANCELLED, reason: NumberReason.SKIPPED, nextAttemptAt: null };
    }
    case 'LAUNCH_ABORTED': {
      if (!LIVE.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      return {
        ...out, state: n.state === NumberState.RETRYING ? NumberState.RETRY : NumberState.SCHEDULED, reason: n.state === NumberState.RETRYING ? n.reason : null,
        nextAttemptAt: event.dueAt, dialCount: Math.max(0, n.dialCount - 1), followupAt: null,
      };
    }
    case 'FORCE_RESCHEDULE': {
      if (n.state !== NumberState.COMPLETED) throw new IllegalNumberTransition(n.state, event.type);
      if (ctx.campaignCompleted) return out;
      return reschedule(out, event.who, n, ctx);
    }
    case 'SCHEDULE_FOLLOWUP': {
      if (ctx.campaignCompleted) throw new IllegalNumberTransition(n.state, event.type);
      if (LIVE.has(n.state)) return { ...out, followupAt: event.at };
      if (!WAITING.has(n.state) && n.state !== NumberState.COMPLETED && n.state !== NumberState.INTERRUPTED) throw new IllegalNumberTransition(n.state, event.type);
      return { ...out, state: NumberState.RETRY, reason: NumberReason.CUSTOMER_RESCHEDULED, nextAttemptAt: event.at, followupAt: null };
    }
    case 'ATTEMPT_FINISHED': {
      if (!LIVE.has(n.state)) throw new IllegalNumberTransition(n.state, event.type);
      const done = finishAttempt(n, event, ctx, out);
      done.followupAt = null;
      // A followup booked during the call wins over the outcome, except a number that does not
      // exist or may not be called (INVALID, FAILED_DND); attempts are counted as usual.
      // A completed campaign reschedules nothing, so the outcome stands there.
      if (!n.followupAt || ctx.campaignCompleted || done.state === NumberState.INVALID || done.state === NumberState.FAILED_DND) return done;
      return { ...done, state: NumberState.RETRY, reason: NumberReason.CUSTOMER_RESCHEDULED, nextAttemptAt: n.followupAt };
    }
  }
}

/** Why a suppression entry cancelled a followup: seed 002's INCOMPATIBLE_CHANNEL_TYPE outside PREVIEW campaigns. */
function followupFiltered(ctx: MachineContext): NumberReason {
  return ctx.mode === 'PREVIEW' ? NumberReason.SUPPRESSED : NumberReason.INCOMPATIBLE_CHANNEL_TYPE;
}

function finishAttempt(
  n: NumberSnapshot,
  e: Extract<NumberEvent, { type: 'ATTEMPT_FINISHED' }>,
  ctx: MachineContext,
  out: Transition,
): Transition {
  const { policy } = ctx;
  const forcedAgent = n.rescheduleAgentCall && ctx.mode === 'AGENT_FIRST_FLOW';
  const forcedCustomer = n.rescheduleCustomerCall;
  out.rescheduleAgentCall = false;
  out.rescheduleCustomerCall = false;
  out.nextAttemptAt = null;
  const fail = (state: NumberState, reason: NumberReason | null): Transition => ({ ...out, state, reason });

  // Agent leg first (AGENT_FIRST_FLOW): the customer is dialled only when the agent answers (seed 000).
  if (ctx.mode === 'AGENT_FIRST_FLOW' && e.agent !== undefined && e.agent !== 'ANSWERED') {
    if (policy.continueOnNotConnected && !n.rescheduleAgentCall) return { ...out, agentAttempts: n.agentAttempts + 1, state: NumberState.COMPLETED, reason: null };
    return reschedule(out, 'AGENT', n, ctx);
  }

  const customer = e.customer ?? 'FAILED';
  out.customerAttempts = n.customerAttempts + 1;

  if (e.invalid) return fail(NumberState.INVALID, NumberReason.INVALID_NUMBER);
  if (e.dnd) return fail(NumberState.FAILED_DND, NumberReason.SUPPRESSED);

  const connected = customer === 'ANSWERED' && !e.machine && !e.abandoned;
  if (connected) {
    // A flow may force a reschedule although both sides talked (e.g. the OTP was not given).
    if (forcedAgent) return reschedule(out, 'AGENT', n, ctx);
    if (forcedCustomer) return reschedule(out, 'CUSTOMER', n, ctx);
    return { ...out, state: NumberState.COMPLETED, reason: null };
  }

  // Abandoned by the dialler (answered, no agent in 2 s): always offered again while attempts remain.
  if (e.abandoned) return reschedule(out, 'CUSTOMER', n, ctx);
  // Not connected: no answer, busy, failed, or a machine.
  if (policy.continueOnNotConnected && !forcedCustomer) return { ...out, state: NumberState.COMPLETED, reason: null };
  const status: RetryStatus = e.machine || customer === 'ANSWERED' ? 'NO_ANSWER' : customer;
  if (!forcedCustomer && !policy.retryOn.includes(status)) {
    return fail(NumberState.FAILED, customer === 'FAILED' ? NumberReason.UNREACHABLE : NumberReason.CUSTOMER_FAILED);
  }
  return reschedule(out, 'CUSTOMER', n, ctx);
}
