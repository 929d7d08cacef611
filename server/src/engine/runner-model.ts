import type { MikroORM } from '@mikro-orm/postgresql';
import type { Clock, Timer } from '../clock.js';
import type { SessionPhase } from '../domain/agent-session.js';
import type { LegOutcome } from '../domain/number-machine.js';
import type { LegStatus } from '../entities/call-leg.entity.js';
import type { Logger } from '../logger.js';
import type { LegEvent, TelephonyPort } from '../telephony/port.js';
import type { DialerEvents } from './events.js';
import type { PacingPool } from './pacing-pool.js';
import type { TrunkBreakerOptions } from './trunk-breaker.js';
import type { WorkTracker } from './work-tracker.js';

/** What a campaign runner holds in memory: its agents' sessions and its legs, and what it is built with. */

/** Seconds a predictive call answered with no free agent waits before it is abandoned. */
export const ABANDON_GRACE_SEC = 2;
/** Seconds an agent who missed an agent-first leg is skipped. */
export const AGENT_MISS_COOLDOWN_SEC = 30;
/** How often waiting numbers a suppression entry now covers are failed as FAILED_DND (seed 004). */
export const SUPPRESSION_SWEEP_MS = 15_000;
/** A leg the provider does not list is lost only once it is this old (a provider may list a new call late). */
export const LOST_LEG_GRACE_MS = 10_000;

/** Where the engine sends a leg's events: the runner that placed it. */
export interface LegSink {
  onLegEvent(e: LegEvent): Promise<void>;
}

export interface RunnerDeps {
  orm: MikroORM;
  clock: Clock;
  port: TelephonyPort;
  pool: PacingPool;
  events: DialerEvents;
  log: Logger;
  tracker: WorkTracker;
  instanceId: string;
  trunkBreaker?: TrunkBreakerOptions;
  /** Registers a leg id with the engine so its events come back to this runner. */
  routeLeg(legId: string, runner: LegSink | null): void;
  /** This instance still holds the campaign's lease (checked right before anything is dialled). @default always */
  holdsLease?(): boolean;
  /** Which of these instances are alive: a live leg of a live instance is its own, never reconciled away. @default all */
  aliveInstances?(instanceIds: readonly string[]): Promise<Set<string>>;
}

export interface Session {
  agentId: string;
  phone: string;
  /** Changed only through {@link sessionTransition} (domain/agent-session.ts). */
  phase: SessionPhase;
  /** PROGRESSIVE / PREDICTIVE: the agent's leg, dialled once and kept up. */
  nailedLegId?: string;
  /** The customer leg the agent is dialling or talking to. */
  customerLegId?: string;
  /** AGENT_FIRST_FLOW: this record's agent leg. */
  recordLegId?: string;
  readySince: number;
  timer?: Timer;
  leaving?: boolean;
  /** The agent asked for a pause (applies when next free). */
  pauseRequested?: boolean;
  /** When the current wrap-up began (epoch ms). */
  wrapSince?: number;
  /**
   * A session only for one followup the agent launched (issue 16) while not dialling in this
   * campaign: it ends once that call and its wrap-up are over, and takes no other call.
   */
  oneOff?: boolean;
  /** A followup the agent launched, waiting for the session to be free of its call: no other call is offered meanwhile. */
  launch?: string;
}

export interface Leg {
  id: string;
  kind: 'AGENT' | 'CUSTOMER';
  sid?: string;
  numberId?: string;
  agentId?: string;
  status: LegStatus;
  answeredAt?: Date;
  machine?: boolean;
  abandoned?: boolean;
  /** AGENT_FIRST_FLOW: the agent leg's outcome, carried to the customer leg. */
  agentOutcome?: LegOutcome;
  graceTimer?: Timer;
  /** Nailed agent leg (not tied to one number). */
  nailed?: boolean;
  /** When the leg was placed (epoch ms). */
  placedAt: number;
  /** AGENT_FIRST_FLOW: the customer leg of this record's agent leg, once dialled. */
  customerLegId?: string;
  /** AGENT_FIRST_FLOW: the record's agent leg of this customer leg (it ends with the customer). */
  agentLegId?: string;
  /** We hung it up before anyone answered because its agent left: its number goes back in line. */
  withdrawn?: boolean;
  /** Cut off by a crash, a shutdown or a provider that lost the call: the attempt counts (INTERRUPTED). */
  interrupted?: boolean;
  /** Bridged to an agent (a conversation, not a caller waiting). */
  connected?: boolean;
  /** A preview followup its agent launched: when it was due (it waits again for that time if the agent's leg fails). */
  preview?: { dueAt: Date; number: string };
}
