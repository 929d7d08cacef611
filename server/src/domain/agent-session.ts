import { AgentState } from './agent-state.js';

/**
 * Where an agent's dialling session stands in a campaign (the runner keeps one per agent who
 * pressed Start). OFFLINE is "no session".
 * - CONNECTING: the agent's own leg is being dialled (progressive and predictive keep it up, "nailed")
 * - READY: free, waiting for a call
 * - DIALLING: a call for this agent is ringing (the customer, or in agent-first flows the agent's record leg)
 * - TALKING: bridged to a customer
 * - WRAP_UP: after a conversation, for the campaign's wrap-up time
 * - COOLDOWN: the agent missed an agent-first record leg and is skipped for a while
 * - PAUSED: the agent asked for a pause; no new calls
 */
export const SessionPhase = {
  OFFLINE: 'OFFLINE',
  CONNECTING: 'CONNECTING',
  READY: 'READY',
  DIALLING: 'DIALLING',
  TALKING: 'TALKING',
  WRAP_UP: 'WRAP_UP',
  COOLDOWN: 'COOLDOWN',
  PAUSED: 'PAUSED',
} as const;
export type SessionPhase = (typeof SessionPhase)[keyof typeof SessionPhase];
export const SESSION_PHASES = Object.values(SessionPhase);

export type SessionEvent =
  /** The agent pressed Start (or the runner took the campaign over): with a nailed agent leg, or not. */
  | { type: 'JOIN'; nailed: boolean }
  /** The agent picked up their nailed leg. */
  | { type: 'AGENT_LEG_ANSWERED' }
  /** A number was claimed for this agent and its first leg placed (agent-first: the agent's record leg). */
  | { type: 'CLAIMED'; agentFirst: boolean }
  /**
   * The agent launched a due preview followup (seed 002, issue 16): its first leg is placed whatever
   * the agent was doing between calls (free, paused, cooling down or wrapping up): they asked for it.
   */
  | { type: 'LAUNCHED'; agentFirst: boolean }
  /** Agent-first: the agent picked up the record leg; the customer is being dialled. */
  | { type: 'RECORD_ANSWERED' }
  /** An answered customer was bridged to this agent. */
  | { type: 'CONNECTED' }
  /** The call for this agent ended: after a conversation (wrap-up follows), or with nobody to talk to. */
  | { type: 'CALL_ENDED'; talked: boolean }
  /** Agent-first: the agent did not pick up the record leg. */
  | { type: 'AGENT_MISSED' }
  | { type: 'WRAP_DONE' }
  | { type: 'COOLDOWN_DONE' }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  /** The agent stopped, left the group or the campaign ended (once any call is over). */
  | { type: 'LEAVE' }
  /** The agent hung up their nailed leg, or it was never answered (seed 004: "stop by hanging up"). */
  | { type: 'AGENT_LEG_ENDED' };

export interface SessionContext {
  /** The agent asked for a pause: a session that becomes free pauses instead. */
  pauseRequested: boolean;
  /** The session is ending: nothing new is offered and nothing is shown until it ends. */
  leaving: boolean;
}

export interface SessionTransition {
  phase: SessionPhase;
  /** The agent state to show for the new phase; null: leave the shown state as it is. */
  show: AgentState | null;
}

export class IllegalSessionTransition extends Error {
  constructor(readonly from: SessionPhase, readonly event: SessionEvent['type']) {
    super(`agent session: ${event} is not possible in ${from}`);
    this.name = 'IllegalSessionTransition';
  }
}

const ANY_SESSION: readonly SessionPhase[] = SESSION_PHASES.filter((p) => p !== SessionPhase.OFFLINE);

/** The phases each event may start from. */
const FROM: Record<SessionEvent['type'], readonly SessionPhase[]> = {
  JOIN: [SessionPhase.OFFLINE],
  AGENT_LEG_ANSWERED: [SessionPhase.CONNECTING],
  CLAIMED: [SessionPhase.READY],
  LAUNCHED: [SessionPhase.READY, SessionPhase.PAUSED, SessionPhase.COOLDOWN, SessionPhase.WRAP_UP],
  RECORD_ANSWERED: [SessionPhase.DIALLING],
  CONNECTED: [SessionPhase.READY, SessionPhase.DIALLING],
  CALL_ENDED: [SessionPhase.DIALLING, SessionPhase.TALKING],
  AGENT_MISSED: [SessionPhase.DIALLING],
  WRAP_DONE: [SessionPhase.WRAP_UP],
  COOLDOWN_DONE: [SessionPhase.COOLDOWN],
  PAUSE: [SessionPhase.READY],
  RESUME: [SessionPhase.PAUSED],
  LEAVE: ANY_SESSION,
  AGENT_LEG_ENDED: ANY_SESSION,
};

/**
 * The agent session machine: one pure function from (phase, event, context) to the next phase
 * and the agent state to show. The campaign runner holds the sessions and performs the I/O (legs,
 * writes); every phase change goes through here, so the table-driven test covers them all.
 */
export function sessionTransition(from: SessionPhase, event: SessionEvent, ctx: SessionContext): SessionTransition {
  if (!FROM[event.type].includes(from)) throw new IllegalSessionTransition(from, event.type);
  switch (event.type) {
    case 'JOIN':
      return event.nailed ? { phase: SessionPhase.CONNECTING, show: AgentState.RINGING } : free(ctx, AgentState.AVAILABLE);
    case 'CLAIMED':
      // agent-first rings the agent's own phone first; otherwise the agent waits, shown available, while the customer rings
      return { phase: SessionPhase.DIALLING, show: event.agentFirst ? AgentState.RINGING : null };
    case 'LAUNCHED':
      // the agent's phone rings first, or (their line already up) the customer rings while they wait on it
      return { phase: SessionPhase.DIALLING, show: event.agentFirst ? AgentState.RINGING : AgentState.AVAILABLE };
    case 'RECORD_ANSWERED':
      return { phase: SessionPhase.DIALLING, show: AgentState.ON_CALL };
    case 'CONNECTED':
      return { phase: SessionPhase.TALKING, show: AgentState.ON_CALL };
    case 'CALL_ENDED':
      return event.talked ? { phase: SessionPhase.WRAP_UP, show: AgentState.WRAP_UP } : free(ctx, AgentState.AVAILABLE);
    case 'AGENT_MISSED':
      return { phase: SessionPhase.COOLDOWN, show: AgentState.AVAILABLE };
    case 'AGENT_LEG_ANSWERED':
    case 'WRAP_DONE':
    case 'RESUME':
      return free(ctx, AgentState.AVAILABLE);
    case 'COOLDOWN_DONE':
      // shown available all through the cool-down
      return free(ctx, null);
    case 'PAUSE':
      return { phase: SessionPhase.PAUSED, show: AgentState.PAUSED };
    case 'LEAVE':
    case 'AGENT_LEG_ENDED':
      return { phase: SessionPhase.OFFLINE, show: AgentState.OFFLINE };
  }
}

/** A session that becomes free: READY, or PAUSED when the agent asked for a pause (unless it is ending). */
function free(ctx: SessionContext, show: AgentState | null): SessionTransition {
  if (ctx.pauseRequested && !ctx.leaving) return { phase: SessionPhase.PAUSED, show: AgentState.PAUSED };
  return { phase: SessionPhase.READY, show: ctx.leaving ? null : show };
}

/** The agent state a settled session shows (DIALLING depends on the mode and the leg, so it has none). */
export const PHASE_SHOWS: Partial<Record<SessionPhase, AgentState>> = {
  CONNECTING: AgentState.RINGING,
  READY: AgentState.AVAILABLE,
  COOLDOWN: AgentState.AVAILABLE,
  TALKING: AgentState.ON_CALL,
  WRAP_UP: AgentState.WRAP_UP,
  PAUSED: AgentState.PAUSED,
};
