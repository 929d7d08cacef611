import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTEMPT_POLICY, resolveAttemptPolicy, type AttemptPolicy } from '../src/domain/attempt-policy.js';
import type { DialMode } from '../src/domain/campaign-options.js';
import { transition, type NumberEvent, type NumberSnapshot, type Transition } from '../src/domain/number-machine.js';
import type { NumberState } from '../src/domain/number-state.js';

const T0 = new Date('2026-11-23T10:00:00Z');
const min = (m: number) => new Date(T0.getTime() + m * 60_000);

function fresh(over: Partial<NumberSnapshot> = {}): NumberSnapshot {
  return {
    state: 'SCHEDULED', reason: null, agentAttempts: 0, customerAttempts: 0, dialCount: 0, addedAt: T0, nextAttemptAt: null,
    rescheduleAgentCall: false, rescheduleCustomerCall: false, followupAt: null, ...over,
  };
}
function ctx(mode: DialMode, policy: Partial<AttemptPolicy>, now = T0, campaignCompleted = false) {
  return { mode, policy: resolveAttemptPolicy({ ...DEFAULT_ATTEMPT_POLICY, ...policy }), now, campaignCompleted };
}
/** Claims the number, then finishes the attempt with `outcome`. */
function attempt(n: NumberSnapshot, outcome: Omit<Extract<NumberEvent, { type: 'ATTEMPT_FINISHED' }>, 'type'>, c: ReturnType<typeof ctx>): Transition {
  const claimed = transition(n, { type: 'CLAIM' }, c);
  return transition({ ...n, ...claimed }, { type: 'ATTEMPT_FINISHED', ...outcome }, c);
}
const apply = (n: NumberSnapshot, t: Transition): NumberSnapshot => ({ ...n, ...t });

/**
 * Seed 000, "All About Attempts": Agent Attempts 3 x 10 min, Customer Attempts 2 x 60 min,
 * played line by line. Each row: the path of outcomes so far, then the expected state after it.
 */
describe('seed 000 worked example (agent 3 x 10 min, customer 2 x 60 min)', () => {
  const policy: Partial<AttemptPolicy> = { agentMaxAttempts: 3, agentRetryIntervalMinutes: 10, retries: 1, retryIntervalMinutes: 60, retryOn: ['BUSY', 'NO_ANSWER', 'FAILED'] };
  const AGENT_NO = { agent: 'NO_ANSWER' } as const;
  const CUST_NO = { agent: 'ANSWERED', customer: 'NO_ANSWER' } as const;
  const BOTH = { agent: 'ANSWERED', customer: 'ANSWERED' } as const;
  type Step = typeof AGENT_NO | typeof CUST_NO | typeof BOTH;
  const rows: [string, Step[], NumberState, string | null, number, number, number | null][] = [
    // first attempt
    ['1: agent did not pick up -> AGENT_RESCHEDULED +10 min, 2 agent attempts left', [AGENT_NO], 'RETRY', 'AGENT_RESCHEDULED', 1, 0, 10],
    ['1: agent picked up, customer did not -> CUSTOMER_RESCHEDULED +60 min, 1 customer attempt left', [CUST_NO], 'RETRY', 'CUSTOMER_RESCHEDULED', 0, 1, 60],
    ['1: both picked up -> COMPLETED', [BOTH], 'COMPLETED', null, 0, 1, null],
    // next attempt (after an agent miss)
    ['2: agent did not pick up again -> AGENT_RESCHEDULED +10 min, 1 agent attempt left', [AGENT_NO, AGENT_NO], 'RETRY', 'AGENT_RESCHEDULED', 2, 0, 10],
    ['2: after a customer miss, customer misses again -> CUSTOMER_FAILED, no more attempts', [CUST_NO, CUST_NO], 'FAILED', 'CUSTOMER_FAILED', 0, 2, null],
    ['2: both picked up -> COMPLETED', [AGENT_NO, BOTH], 'COMPLETED', null, 1, 1, null],
    // third attempt
    ['3: agent did not pick up a third time -> AGENT_FAILED', [AGENT_NO, AGENT_NO, AGENT_NO], 'FAILED', 'AGENT_FAILED', 3, 0, null],
    ['3: agent picked up, customer did not -> CUSTOMER_RESCHEDULED', [AGENT_NO, AGENT_NO, CUST_NO], 'RETRY', 'CUSTOMER_RESCHEDULED', 2, 1, 60],
    ['3: both picked up -> COMPLETED', [AGENT_NO, AGENT_NO, BOTH], 'COMPLETED', null, 2, 1, null],
  ];
  it.each(rows)('%s', (_name, steps, state, reason, agentAttempts, customerAttempts, retryInMin) => {
    let n = fresh();
    let now = T0;
    let last!: Transition;
    for (const step of steps) {
      last = attempt(n, step, ctx('AGENT_FIRST_FLOW', policy, now));
      n = apply(n, last);
      if (last.nextAttemptAt) now = last.nextAttemptAt;
    }
    expect({ state: last.state, reason: last.reason, agentAttempts: last.agentAttempts, customerAttempts: last.customerAttempts }).toEqual({
      state, reason, agentAttempts, customerAttempts,
    });
    const startedAt = steps.length === 1 ? T0 : now.getTime() - (retryInMin ?? 0) * 60_000;
    if (retryInMin === null) expect(last.nextAttemptAt).toBeNull();
    else expect(last.nextAttemptAt!.getTime() - new Date(startedAt).getTime()).toBe(retryInMin * 60_000);
    expect(last.dialCount).toBe(steps.length);
  });

  it('flow variables force a reschedule: OTP not given -> CUSTOMER_RESCHEDULED although both talked', () => {
    const c = ctx('AGENT_FIRST_FLOW', policy);
    const t = attempt(fresh({ rescheduleCustomerCall: true }), BOTH, c);
    expect(t).toMatchObject({ state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', nextAttemptAt: min(60), rescheduleCustomerCall: false });
    const a = attempt(fresh({ rescheduleAgentCall: true }), BOTH, c);
    expect(a).toMatchObject({ state: 'RETRY', reason: 'AGENT_RESCHEDULED', nextAttemptAt: min(10), rescheduleAgentCall: false, agentAttempts: 1, customerAttempts: 1 });
  });

  /**
   * Forced reschedules at each budget edge (issue 12): a reschedule forced during the call spends
   * from the budget it names, and the number is rescheduled only while both budgets leave a next
   * attempt. Each row: counts before the attempt, the variable set, the outcome, what follows.
   */
  const forced: [string, Partial<NumberSnapshot>, Step, NumberState, string | null, number, number][] = [
    ['agent variable, agent budget has room: AGENT_RESCHEDULED, one agent attempt spent', { rescheduleAgentCall: true }, BOTH, 'RETRY', 'AGENT_RESCHEDULED', 1, 1],
    ['agent variable on the last agent attempt: AGENT_FAILED', { rescheduleAgentCall: true, agentAttempts: 2 }, BOTH, 'FAILED', 'AGENT_FAILED', 3, 1],
    ['agent variable on the last customer attempt: CUSTOMER_FAILED (no customer call could follow)', { rescheduleAgentCall: true, customerAttempts: 1 }, BOTH, 'FAILED', 'CUSTOMER_FAILED', 1, 2],
    ['customer variable, customer budget has room: CUSTOMER_RESCHEDULED', { rescheduleCustomerCall: true }, BOTH, 'RETRY', 'CUSTOMER_RESCHEDULED', 0, 1],
    ['customer variable on the last customer attempt: CUSTOMER_FAILED', { rescheduleCustomerCall: true, customerAttempts: 1 }, BOTH, 'FAILED', 'CUSTOMER_FAILED', 0, 2],
    ['customer variable, agent budget spent by earlier misses: still rescheduled (the agent was reached)', { rescheduleCustomerCall: true, agentAttempts: 2 }, BOTH, 'RETRY', 'CUSTOMER_RESCHEDULED', 2, 1],
    ['agent variable and the agent missed: the miss spends the attempt once', { rescheduleAgentCall: true, agentAttempts: 1 }, AGENT_NO, 'RETRY', 'AGENT_RESCHEDULED', 2, 0],
    ['agent variable, customer not reached: one agent attempt, the customer attempt counted', { rescheduleAgentCall: true }, CUST_NO, 'RETRY', 'CUSTOMER_RESCHEDULED', 0, 1],
  ];
  it.each(forced)('forced during the call: %s', (_n, before, step, state, reason, agentAttempts, customerAttempts) => {
    const t = attempt(fresh(before), step, ctx('AGENT_FIRST_FLOW', policy));
    expect({ state: t.state, reason: t.reason, agentAttempts: t.agentAttempts, customerAttempts: t.customerAttempts }).toEqual({ state, reason, agentAttempts, customerAttempts });
  });

  it('a claim never dials past a cap: a number whose budget is spent fails instead (a booked followup is exempt)', () => {
    const c = ctx('AGENT_FIRST_FLOW', policy);
    expect(transition(fresh({ state: 'RETRY', customerAttempts: 2 }), { type: 'CLAIM' }, c)).toMatchObject({ state: 'FAILED', reason: 'CUSTOMER_FAILED', dialCount: 0 });
    expect(transition(fresh({ state: 'RETRY', agentAttempts: 3 }), { type: 'CLAIM' }, c)).toMatchObject({ state: 'FAILED', reason: 'AGENT_FAILED' });
    expect(transition(fresh({ state: 'RETRY', customerAttempts: 2 }), { type: 'CLAIM', followup: true }, c)).toMatchObject({ state: 'RETRYING', dialCount: 1 });
  });

  it('"continue on not connected" completes the record unless a reschedule variable is set', () => {
    const c = ctx('AGENT_FIRST_FLOW', { ...policy, continueOnNotConnected: true });
    expect(attempt(fresh(), AGENT_NO, c)).toMatchObject({ state: 'COMPLETED', agentAttempts: 1 });
    expect(attempt(fresh(), CUST_NO, c)).toMatchObject({ state: 'COMPLETED', customerAttempts: 1 });
    expect(attempt(fresh({ rescheduleAgentCall: true }), AGENT_NO, c)).toMatchObject({ state: 'RETRY', reason: 'AGENT_RESCHEDULED' });
    expect(attempt(fresh({ rescheduleCustomerCall: true }), CUST_NO, c)).toMatchObject({ state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED' });
  });
});

describe('customer-first modes (progressive, predictive)', () => {
  const rows: [string, Partial<AttemptPolicy>, Omit<Extract<NumberEvent, { type: 'ATTEMPT_FINISHED' }>, 'type'>, NumberState, string | null][] = [
    ['answered -> COMPLETED', { retries: 2 }, { customer: 'ANSWERED' }, 'COMPLETED', null],
    ['busy, BUSY retried -> RETRY', { retries: 2, retryOn: ['BUSY'] }, { customer: 'BUSY' }, 'RETRY', 'CUSTOMER_RESCHEDULED'],
    ['busy, only NO_ANSWER retried -> FAILED', { retries: 2, retryOn: ['NO_ANSWER'] }, { customer: 'BUSY' }, 'FAILED', 'CUSTOMER_FAILED'],
    ['failed, not retried -> FAILED unreachable', { retries: 2, retryOn: ['BUSY'] }, { customer: 'FAILED' }, 'FAILED', 'UNREACHABLE'],
    ['no answer with 0 retries -> FAILED', { retries: 0 }, { customer: 'NO_ANSWER' }, 'FAILED', 'CUSTOMER_FAILED'],
    ['answering machine counts as no answer', { retries: 1, retryOn: ['NO_ANSWER'] }, { customer: 'ANSWERED', machine: true }, 'RETRY', 'CUSTOMER_RESCHEDULED'],
    ['abandoned is offered again even if NO_ANSWER is not retried', { retries: 1, retryOn: ['BUSY'] }, { customer: 'ANSWERED', abandoned: true }, 'RETRY', 'CUSTOMER_RESCHEDULED'],
    ['network says invalid -> INVALID', { retries: 3 }, { customer: 'FAILED', invalid: true }, 'INVALID', 'INVALID_NUMBER'],
    ['carrier refuses as DND -> FAILED_DND, no retry', { retries: 3 }, { customer: 'FAILED', dnd: true }, 'FAILED_DND', 'SUPPRESSED'],
  ];
  it.each(rows)('%s', (_n, policy, outcome, state, reason) => {
    const t = attempt(fresh(), outcome, ctx('PREDICTIVE', policy));
    expect([t.state, t.reason]).toEqual([state, reason]);
  });

  it('retries exactly up to the cap (retries 3 = 4 attempts) and moves SCHEDULED -> IN_PROGRESS, RETRY -> RETRYING', () => {
    const c = ctx('PROGRESSIVE', { retries: 3, retryIntervalMinutes: 30 });
    let n = fresh();
    const seen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const claimed = transition(n, { type: 'CLAIM' }, c);
      seen.push(claimed.state);
      const t = transition({ ...n, ...claimed }, { type: 'ATTEMPT_FINISHED', customer: 'NO_ANSWER' }, c);
      seen.push(t.state);
      n = apply(n, t);
    }
    expect(seen).toEqual(['IN_PROGRESS', 'RETRY', 'RETRYING', 'RETRY', 'RETRYING', 'RETRY', 'RETRYING', 'FAILED']);
    expect(n.customerAttempts).toBe(4);
    expect(() => transition(n, { type: 'CLAIM' }, c)).toThrow(/cannot take CLAIM/);
  });

  it('a missed-call schedule (5, 15, 60 min from when the number was added) sets each next attempt', () => {
    const c0 = ctx('PREDICTIVE', { retrySchedule: [5, 15, 60] }, min(5));
    let n = fresh({ nextAttemptAt: min(5) });
    const t1 = attempt(n, { customer: 'NO_ANSWER' }, c0);
    expect(t1.nextAttemptAt).toEqual(min(15));
    n = apply(n, t1);
    const t2 = attempt(n, { customer: 'BUSY' }, ctx('PREDICTIVE', { retrySchedule: [5, 15, 60] }, min(16)));
    expect(t2.nextAttemptAt).toEqual(min(60));
    n = apply(n, t2);
    const t3 = attempt(n, { customer: 'NO_ANSWER' }, ctx('PREDICTIVE', { retrySchedule: [5, 15, 60] }, min(60)));
    expect([t3.state, t3.reason]).toEqual(['FAILED', 'CUSTOMER_FAILED']);
  });
});

describe('flow variables set right after the call (wrap-up)', () => {
  const c = ctx('AGENT_FIRST_FLOW', { retries: 1, retryIntervalMinutes: 60, agentMaxAttempts: 3, agentRetryIntervalMinutes: 10 });
  it('turn a completed record into CUSTOMER_RESCHEDULED while customer attempts remain, else CUSTOMER_FAILED', () => {
    expect(transition(fresh({ state: 'COMPLETED', customerAttempts: 1 }), { type: 'FORCE_RESCHEDULE', who: 'CUSTOMER' }, c))
      .toMatchObject({ state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', nextAttemptAt: min(60) });
    expect(transition(fresh({ state: 'COMPLETED', customerAttempts: 2 }), { type: 'FORCE_RESCHEDULE', who: 'CUSTOMER' }, c))
      .toMatchObject({ state: 'FAILED', reason: 'CUSTOMER_FAILED' });
  });
  it('agent reschedule spends an agent attempt and needs a customer attempt left; only COMPLETED records can be forced', () => {
    expect(transition(fresh({ state: 'COMPLETED', agentAttempts: 0, customerAttempts: 1 }), { type: 'FORCE_RESCHEDULE', who: 'AGENT' }, c))
      .toMatchObject({ state: 'RETRY', reason: 'AGENT_RESCHEDULED', agentAttempts: 1, nextAttemptAt: min(10) });
    expect(transition(fresh({ state: 'COMPLETED', agentAttempts: 2, customerAttempts: 1 }), { type: 'FORCE_RESCHEDULE', who: 'AGENT' }, c))
      .toMatchObject({ state: 'FAILED', reason: 'AGENT_FAILED', agentAttempts: 3 });
    // the seed-000 trap: customer budget spent, the agent variable must not buy the customer more calls
    expect(transition(fresh({ state: 'COMPLETED', agentAttempts: 0, customerAttempts: 2 }), { type: 'FORCE_RESCHEDULE', who: 'AGENT' }, c))
      .toMatchObject({ state: 'FAILED', reason: 'CUSTOMER_FAILED' });
    expect(() => transition(fresh({ state: 'RETRY' }), { type: 'FORCE_RESCHEDULE', who: 'AGENT' }, c)).toThrow(/cannot take/);
  });
});

describe('other events', () => {
  const c = ctx('PROGRESSIVE', { retries: 2 });
  it('guards: DND -> FAILED_DND, balance -> FAILED_BALANCE', () => {
    expect(transition(fresh(), { type: 'GUARD_REFUSED', guard: 'DND' }, c).state).toBe('FAILED_DND');
    expect(transition(fresh({ state: 'RETRY' }), { type: 'GUARD_REFUSED', guard: 'BALANCE' }, c).state).toBe('FAILED_BALANCE');
  });
  it('campaign completion: waiting numbers -> FAILED_NO_ATTEMPT; a call in flight finishes but is not rescheduled', () => {
    expect(transition(fresh({ state: 'RETRY' }), { type: 'CAMPAIGN_COMPLETED' }, c)).toMatchObject({ state: 'FAILED_NO_ATTEMPT', reason: 'CAMPAIGN_COMPLETED' });
    const done = ctx('PROGRESSIVE', { retries: 2 }, T0, true);
    expect(transition(fresh({ state: 'IN_PROGRESS' }), { type: 'ATTEMPT_FINISHED', customer: 'NO_ANSWER' }, done).state).toBe('FAILED_NO_ATTEMPT');
    expect(transition(fresh({ state: 'IN_PROGRESS' }), { type: 'ATTEMPT_FINISHED', customer: 'ANSWERED' }, done).state).toBe('COMPLETED');
    expect(() => transition(fresh({ state: 'IN_PROGRESS' }), { type: 'CAMPAIGN_COMPLETED' }, c)).toThrow();
  });
  it('a call cut off by a crash or shutdown counts against its budget; an answered customer waits as INTERRUPTED', () => {
    const af = ctx('AGENT_FIRST_FLOW', { retries: 1, agentMaxAttempts: 2 });
    const live = (over: Partial<NumberSnapshot> = {}) => fresh({ state: 'IN_PROGRESS', dialCount: 1, ...over });
    const rows: [string, DialMode, Partial<NumberSnapshot>, Extract<NumberEvent, { type: 'INTERRUPTED' }>, Partial<Transition>][] = [
      ['customer had answered -> INTERRUPTED, attempt counted', 'PROGRESSIVE', {}, { type: 'INTERRUPTED', customer: 'ANSWERED' },
        { state: 'INTERRUPTED', reason: 'CALL_INTERRUPTED', customerAttempts: 1, nextAttemptAt: null }],
      ['customer was ringing -> RETRY, attempt counted', 'PREDICTIVE', {}, { type: 'INTERRUPTED', customer: 'PLACED' },
        { state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', customerAttempts: 1 }],
      ['customer was ringing on the last attempt -> CUSTOMER_FAILED', 'PREDICTIVE', { customerAttempts: 2 }, { type: 'INTERRUPTED', customer: 'PLACED' },
        { state: 'FAILED', reason: 'CUSTOMER_FAILED', customerAttempts: 3 }],
      ['agent-first, agent leg ringing -> agent attempt spent', 'AGENT_FIRST_FLOW', {}, { type: 'INTERRUPTED', agent: 'PLACED' },
        { state: 'RETRY', reason: 'AGENT_RESCHEDULED', agentAttempts: 1, customerAttempts: 0 }],
      ['agent-first, agent had answered, customer not yet dialled -> back in line, nothing spent', 'AGENT_FIRST_FLOW', {}, { type: 'INTERRUPTED', agent: 'ANSWERED' },
        { state: 'SCHEDULED', agentAttempts: 0, customerAttempts: 0, dialCount: 0 }],
    ];
    for (const [name, mode, over, event, to] of rows) {
      expect(transition(live(over), event, mode === 'AGENT_FIRST_FLOW' ? af : ctx(mode, { retries: 2 })), name).toMatchObject(to);
    }
    const waiting = apply(live(), transition(live(), { type: 'INTERRUPTED', customer: 'ANSWERED' }, c));
    expect(() => transition(waiting, { type: 'CLAIM' }, c)).toThrow(/cannot take CLAIM/);
    expect(transition(waiting, { type: 'RESOLVE_INTERRUPTED', outcome: 'COMPLETED' }, c)).toMatchObject({ state: 'COMPLETED', reason: null });
    expect(transition(waiting, { type: 'RESOLVE_INTERRUPTED', outcome: 'RETRY' }, c)).toMatchObject({ state: 'RETRY', nextAttemptAt: T0 });
    expect(transition({ ...waiting, customerAttempts: 3 }, { type: 'RESOLVE_INTERRUPTED', outcome: 'RETRY' }, c)).toMatchObject({ state: 'FAILED', reason: 'CUSTOMER_FAILED' });
    expect(transition(waiting, { type: 'SCHEDULE_FOLLOWUP', at: min(60) }, c)).toMatchObject({ state: 'RETRY', nextAttemptAt: min(60) });
  });

  it('crash recovery puts a number back without spending an attempt', () => {
    expect(transition(fresh({ state: 'IN_PROGRESS', dialCount: 1 }), { type: 'RECOVERED' }, c)).toMatchObject({ state: 'SCHEDULED', dialCount: 0, customerAttempts: 0 });
    expect(transition(fresh({ state: 'RETRYING', dialCount: 2, customerAttempts: 1 }), { type: 'RECOVERED' }, c)).toMatchObject({ state: 'RETRY', customerAttempts: 1, nextAttemptAt: T0 });
  });
  it('cancel and expire; final states take nothing', () => {
    expect(transition(fresh({ state: 'RETRY' }), { type: 'CANCELLED' }, c)).toMatchObject({ state: 'CANCELLED', reason: 'SUPPRESSED' });
    // seed 001: the missed-call rule removes a pending number, naming the source
    expect(transition(fresh(), { type: 'CANCELLED', by: 'ANSWERED_INBOUND' }, c)).toMatchObject({ state: 'CANCELLED', reason: 'ANSWERED_INBOUND', nextAttemptAt: null });
    expect(transition(fresh({ state: 'RETRY' }), { type: 'CANCELLED', by: 'ANSWERED_OUTBOUND' }, c)).toMatchObject({ state: 'CANCELLED', reason: 'ANSWERED_OUTBOUND' });
    expect(transition(fresh(), { type: 'EXPIRED' }, c).state).toBe('EXPIRED');
    for (const state of ['COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'] as const) {
      for (const type of ['CLAIM', 'CANCELLED', 'EXPIRED', 'CAMPAIGN_COMPLETED'] as const) {
        expect(() => transition(fresh({ state }), { type }, c)).toThrow(/cannot take/);
      }
    }
  });
});

describe('scheduled followups (seed 002): a forced customer reschedule at an explicit time', () => {
  const AT = min(24 * 60 + 30); // tomorrow, 10:30 UTC
  const c = ctx('PROGRESSIVE', { retries: 0, retryIntervalMinutes: 60 });
  const follow = { type: 'SCHEDULE_FOLLOWUP', at: AT } as const;

  type Row = [string, Partial<NumberSnapshot>, Partial<Transition>];
  const booked: Row[] = [
    ['after the call: COMPLETED -> RETRY at the time', { state: 'COMPLETED', customerAttempts: 1, dialCount: 1 },
      { state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', nextAttemptAt: AT, followupAt: null, customerAttempts: 1, dialCount: 1 }],
    ['waiting for a retry: RETRY -> RETRY at the time, as a customer reschedule', { state: 'RETRY', reason: 'AGENT_RESCHEDULED', nextAttemptAt: min(10) },
      { state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', nextAttemptAt: AT, followupAt: null }],
    ['not yet dialled: SCHEDULED -> RETRY at the time', { state: 'SCHEDULED' }, { state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', nextAttemptAt: AT }],
    ['during the call: IN_PROGRESS keeps its state and holds the followup', { state: 'IN_PROGRESS', dialCount: 1 },
      { state: 'IN_PROGRESS', reason: null, nextAttemptAt: null, followupAt: AT, dialCount: 1 }],
    ['during a retry call: RETRYING holds the followup', { state: 'RETRYING', reason: 'CUSTOMER_RESCHEDULED' }, { state: 'RETRYING', followupAt: AT }],
  ];
  it.each(booked)('%s', (_n, from, to) => {
    expect(transition(fresh(from), follow, c)).toMatchObject(to);
  });

  it.each(['FAILED', 'FAILED_DND', 'FAILED_BALANCE', 'FAILED_NO_ATTEMPT', 'INVALID', 'CANCELLED', 'EXPIRED'] as const)('%s cannot be rescheduled', (state) => {
    expect(() => transition(fresh({ state }), follow, c)).toThrow(/cannot take SCHEDULE_FOLLOWUP/);
  });
  it('nothing is rescheduled in a completed campaign', () => {
    expect(() => transition(fresh({ state: 'COMPLETED' }), follow, ctx('PROGRESSIVE', {}, T0, true))).toThrow(/cannot take/);
  });

  const held = (over: Partial<NumberSnapshot> = {}) => fresh({ state: 'IN_PROGRESS', dialCount: 1, followupAt: AT, ...over });
  const finished: [string, DialMode, Partial<AttemptPolicy>, Omit<Extract<NumberEvent, { type: 'ATTEMPT_FINISHED' }>, 'type'>, boolean, Partial<Transition>][] = [
    ['talked: RETRY at the time instead of COMPLETED', 'PROGRESSIVE', { retries: 0 }, { customer: 'ANSWERED' }, false,
      { state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', nextAttemptAt: AT, customerAttempts: 1, followupAt: null }],
    ['no answer with no retries left: still RETRY at the time (the customer asked)', 'PROGRESSIVE', { retries: 0 }, { customer: 'NO_ANSWER' }, false,
      { state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', nextAttemptAt: AT, customerAttempts: 1, followupAt: null }],
    ['machine: RETRY at the time, not the policy interval', 'PREDICTIVE', { retries: 2, retryIntervalMinutes: 30 }, { customer: 'ANSWERED', machine: true }, false,
      { state: 'RETRY', nextAttemptAt: AT, followupAt: null }],
    ['agent-first, agent missed: the agent attempt counts, RETRY at the time', 'AGENT_FIRST_FLOW', { agentMaxAttempts: 1 }, { agent: 'NO_ANSWER' }, false,
      { state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', agentAttempts: 1, nextAttemptAt: AT, followupAt: null }],
    ['a flow variable too: the followup time wins', 'PROGRESSIVE', { retries: 2, retryIntervalMinutes: 30 }, { customer: 'ANSWERED' }, false,
      { state: 'RETRY', nextAttemptAt: AT, rescheduleCustomerCall: false }],
    ['the network says invalid: INVALID, followup dropped', 'PROGRESSIVE', { retries: 2 }, { customer: 'FAILED', invalid: true }, false,
      { state: 'INVALID', followupAt: null, nextAttemptAt: null }],
    ['the carrier refuses as DND: FAILED_DND, followup dropped', 'PROGRESSIVE', { retries: 2 }, { customer: 'FAILED', dnd: true }, false,
      { state: 'FAILED_DND', followupAt: null }],
    ['campaign completed meanwhile, talked: COMPLETED', 'PROGRESSIVE', { retries: 2 }, { customer: 'ANSWERED' }, true,
      { state: 'COMPLETED', followupAt: null, nextAttemptAt: null }],
    ['campaign completed meanwhile, no answer: FAILED_NO_ATTEMPT', 'PROGRESSIVE', { retries: 2 }, { customer: 'NO_ANSWER' }, true,
      { state: 'FAILED_NO_ATTEMPT', reason: 'CAMPAIGN_COMPLETED', followupAt: null }],
  ];
  it.each(finished)('booked during the call, attempt finished: %s', (_n, mode, policy, outcome, completed, to) => {
    const n = held(_n.startsWith('a flow variable') ? { rescheduleCustomerCall: true } : {});
    expect(transition(n, { type: 'ATTEMPT_FINISHED', ...outcome }, ctx(mode, policy, min(5), completed))).toMatchObject(to);
  });

  it('crash recovery keeps a followup booked during the call; cancelling drops it', () => {
    expect(transition(held(), { type: 'RECOVERED' }, c)).toMatchObject({ state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', nextAttemptAt: AT, dialCount: 0, followupAt: null });
    expect(transition(held(), { type: 'CANCELLED' }, c)).toMatchObject({ state: 'CANCELLED', followupAt: null });
  });

  // issue 16: followups are preview calls in every dial mode; what filtering them reports depends on the mode
  type PreviewRow = [string, DialMode, NumberEvent, Partial<NumberSnapshot>, Partial<Transition>];
  const preview: PreviewRow[] = [
    ['PREVIEW: not launched in 5 min -> EXPIRED', 'PREVIEW', { type: 'EXPIRED' }, { state: 'RETRY', nextAttemptAt: AT }, { state: 'EXPIRED', reason: null, nextAttemptAt: null }],
    ['PROGRESSIVE: expired -> EXPIRED, INCOMPATIBLE_CHANNEL_TYPE', 'PROGRESSIVE', { type: 'EXPIRED' }, { state: 'RETRY' }, { state: 'EXPIRED', reason: 'INCOMPATIBLE_CHANNEL_TYPE' }],
    ['PREDICTIVE: expired -> EXPIRED, INCOMPATIBLE_CHANNEL_TYPE', 'PREDICTIVE', { type: 'EXPIRED' }, { state: 'RETRY' }, { state: 'EXPIRED', reason: 'INCOMPATIBLE_CHANNEL_TYPE' }],
    ['PREVIEW: suppression applied to the campaign -> CANCELLED, SUPPRESSED', 'PREVIEW', { type: 'CANCELLED', followup: true }, { state: 'RETRY' }, { state: 'CANCELLED', reason: 'SUPPRESSED' }],
    ['AGENT_FIRST_FLOW: suppressed followup -> CANCELLED, INCOMPATIBLE_CHANNEL_TYPE', 'AGENT_FIRST_FLOW', { type: 'CANCELLED', followup: true }, { state: 'RETRY' },
      { state: 'CANCELLED', reason: 'INCOMPATIBLE_CHANNEL_TYPE' }],
    ['PROGRESSIVE: a suppressed number that is not a followup keeps SUPPRESSED', 'PROGRESSIVE', { type: 'CANCELLED' }, { state: 'RETRY' }, { state: 'CANCELLED', reason: 'SUPPRESSED' }],
    ['skipped by its owner -> CANCELLED, SKIPPED (any mode)', 'PREDICTIVE', { type: 'SKIPPED' }, { state: 'RETRY', nextAttemptAt: AT }, { state: 'CANCELLED', reason: 'SKIPPED', nextAttemptAt: null }],
    ["launched, the agent's phone not answered -> RETRY at its own time, no attempt spent", 'PROGRESSIVE', { type: 'LAUNCH_ABORTED', dueAt: AT },
      { state: 'RETRYING', reason: 'CUSTOMER_RESCHEDULED', dialCount: 2, customerAttempts: 1 },
      { state: 'RETRY', reason: 'CUSTOMER_RESCHEDULED', nextAttemptAt: AT, dialCount: 1, customerAttempts: 1, agentAttempts: 0 }],
    ['launched from SCHEDULED and aborted -> SCHEDULED at its time', 'AGENT_FIRST_FLOW', { type: 'LAUNCH_ABORTED', dueAt: AT }, { state: 'IN_PROGRESS', dialCount: 1 },
      { state: 'SCHEDULED', nextAttemptAt: AT, dialCount: 0, agentAttempts: 0 }],
  ];
  it.each(preview)('%s', (_n, mode, event, from, to) => {
    expect(transition(fresh(from), event, ctx(mode, { retries: 1 }))).toMatchObject(to);
  });
  it('skip needs a waiting followup; an aborted launch needs a call in progress', () => {
    for (const state of ['IN_PROGRESS', 'RETRYING', 'COMPLETED', 'EXPIRED', 'CANCELLED'] as const) expect(() => transition(fresh({ state }), { type: 'SKIPPED' }, c)).toThrow(/cannot take SKIPPED/);
    for (const state of ['SCHEDULED', 'RETRY', 'COMPLETED'] as const) expect(() => transition(fresh({ state }), { type: 'LAUNCH_ABORTED', dueAt: AT }, c)).toThrow(/cannot take LAUNCH_ABORTED/);
  });

  it('the followup number is then dialled like any retry and completes', () => {
    const booked = apply(fresh({ state: 'COMPLETED', customerAttempts: 1, dialCount: 1 }), transition(fresh({ state: 'COMPLETED', customerAttempts: 1, dialCount: 1 }), follow, c));
    const claimed = transition(booked, { type: 'CLAIM', followup: true }, ctx('PROGRESSIVE', { retries: 0 }, AT));
    expect(claimed).toMatchObject({ state: 'RETRYING', nextAttemptAt: null, dialCount: 2 });
    expect(transition(apply(booked, claimed), { type: 'ATTEMPT_FINISHED', customer: 'ANSWERED' }, ctx('PROGRESSIVE', { retries: 0 }, AT))).toMatchObject({ state: 'COMPLETED', customerAttempts: 2 });
  });
});
