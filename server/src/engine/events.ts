import type { WorkedTime } from './occupancy-meter.js';
/**
 * The engine's outbound port: what happened, told after each commit. The engine defines it and
 * knows nothing of who listens; modules implement it (live counters and console pushes today,
 * webhooks later) and `app.ts` wires them in.
 */
export interface DialerEvents {
  /** A campaign's numbers, legs or counters changed (committed). */
  campaignChanged(organizationId: string, campaignId: string): void;
  /** A campaign's status changed without a user asking (its start or end time came). */
  campaignStatusChanged(organizationId: string, campaignId: string): void;
  /** These agents' states or legs changed (committed). */
  agentsChanged(agentIds: Iterable<string>): void;
  /**
   * The owning instance ticked a campaign: what its runner holds in memory (pacing, calls ringing and
   * connected, callers waiting), for the live figures. The engine tracks the promise (a drain waits for it).
   */
  campaignTicked(campaignId: string, snapshot: RunnerSnapshot): Promise<void>;
}

/** What the wallboard shows about the pacing of one campaign (JSON-safe). */
export interface RunnerSnapshot {
  hopperDepth: number;
  hopperDue: number;
  removed: Record<string, number> | null;
  pacingRatio: number;
  pacingReason: string;
  /** The rule that bound the last predictive decision (pacing-core's BOUND_BY), or null before one. */
  pacingBoundBy: string | null;
  ringing: number;
  connected: number;
  waitingForAgent: number;
  at: string;
  /** Agent time measured since the previous tick's snapshot (ticks only): what the timeline's occupancy adds up. */
  worked?: WorkedTime;
}

