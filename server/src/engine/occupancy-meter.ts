import type { SessionPhase } from '../domain/agent-session.js';

/** Phases in which an agent works a call: talking, or wrapping it up. */
const BUSY: ReadonlySet<SessionPhase> = new Set<SessionPhase>(['TALKING', 'WRAP_UP']);
/** Phases that are neither work nor waiting for it: not in the campaign, or on a pause. */
const AWAY: ReadonlySet<SessionPhase> = new Set<SessionPhase>(['OFFLINE', 'PAUSED']);

/** Milliseconds of agent time gathered over a stretch: busy (talk + wrap-up) within logged in. */
export interface WorkedTime {
  busyMs: number;
  loggedInMs: number;
}

/**
 * Occupancy measured, not sampled (issue 19): each agent's time is added up phase by phase as its session moves,
 * talk and wrap-up as busy, every phase but offline and paused as logged in (ready, ringing, dialling, cooling down
 * count as waiting for work). `take` hands over what was gathered since the last take, so busy / logged-in of the
 * sums is (talk + wrap-up) / logged-in time exactly, wherever the changes fall between ticks. Pure: the caller
 * gives the times.
 */
export class OccupancyMeter {
  private readonly agents = new Map<string, { phase: SessionPhase; since: number }>();
  private busyMs = 0;
  private loggedInMs = 0;

  /** The agent's session is in `phase` from `atMs` on (a new agent is tracked from then). */
  phase(agentId: string, phase: SessionPhase, atMs: number): void {
    this.close(agentId, atMs);
    this.agents.set(agentId, { phase, since: Math.max(atMs, this.agents.get(agentId)?.since ?? atMs) });
  }

  /** The agent's session ended at `atMs`. */
  leave(agentId: string, atMs: number): void {
    this.close(agentId, atMs);
    this.agents.delete(agentId);
  }

  /** What was gathered since the last take, counted up to `atMs`. */
  take(atMs: number): WorkedTime {
    for (const id of this.agents.keys()) this.close(id, atMs);
    const out = { busyMs: this.busyMs, loggedInMs: this.loggedInMs };
    this.busyMs = 0;
    this.loggedInMs = 0;
    return out;
  }

  private close(agentId: string, atMs: number): void {
    const a = this.agents.get(agentId);
    if (!a || atMs <= a.since) return;
    const ms = atMs - a.since;
    a.since = atMs;
    if (AWAY.has(a.phase)) return;
    this.loggedInMs += ms;
    if (BUSY.has(a.phase)) this.busyMs += ms;
  }
}
