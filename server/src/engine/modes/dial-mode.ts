import type { DialMode } from '../../domain/campaign-options.js';
import type { CampaignRow } from '../dialer.repository.js';

/** A free agent's session, as a mode sees it. */
export interface FreeAgent {
  agentId: string;
}

/** What a dial mode may see of its campaign runner and ask of it, once per tick. */
export interface DialingView {
  readonly campaign: CampaignRow;
  /** Free agents, longest waiting first (none leaving). */
  freeAgents(): FreeAgent[];
  /** Up to `count` numbers due now from the hopper (for `agentId`: its own followups too); 0 refreshes the held-back counts. */
  next(now: Date, count: number, agentId?: string): Promise<string[]>;
  /** Whether agent-owned records (followups) wait in the hopper. */
  readonly hasOwned: boolean;
  /** Claims numbers and places their first legs: for an agent, or for the campaign's pool. */
  claim(numberIds: string[], agent?: FreeAgent): Promise<void>;
  /** How many customer calls this tick's pacing decision launches (0 for modes that are not paced). */
  pace(): number;
}

/**
 * How one dial mode dials (DESIGN "Dial modes"). The runner holds sessions and legs and does all
 * I/O; a mode says what its legs are and how many calls a tick launches, for whom.
 */
export interface DialModeStrategy {
  readonly mode: DialMode;
  /** Seed 004: the agent's own leg is dialled once per session and kept up ("nailed"). */
  readonly nailsAgentLeg: boolean;
  /** Seed 000: each record rings the agent first, then the customer. */
  readonly agentLegFirst: boolean;
  /** Customer calls belong to the campaign's pool until one is answered and bridged to a free agent. */
  readonly pooled: boolean;
  /**
   * The tick's launch count comes from pacing-core's batched decision, made once per tick for every
   * owned paced campaign (engine/batch-pacing.ts), before {@link dial} runs.
   */
  readonly paced: boolean;
  /** A free agent is offered the next call at once (otherwise the next tick's pacing decides). */
  readonly offersWhenFree: boolean;
  /** The wallboard's pacing line before the first decision. */
  readonly idleReason: string;
  /** Launches this tick's calls. */
  dial(view: DialingView, now: Date): Promise<void>;
}
