import {
  handleTimeOf, initialControllerState, initialTalkTime, observeTalk, type BatchCampaignInput, type BoundBy, type ControllerState,
  type PacingConfig, type TalkTimeEstimate,
} from '@dialer/pacing-core';
import type { AbandonWindow, CampaignRow } from '../dialer.repository.js';
import type { DialModeStrategy } from './dial-mode.js';

/**
 * Customer-first: launches more calls than free agents by pacing-core's ratio, connects answered
 * calls to free agents, and abandons an answer no agent takes within the grace time; the abandon
 * rate stays within the campaign's cap over the rolling 24 hours and 30 days.
 */
export const predictive: DialModeStrategy = {
  mode: 'PREDICTIVE',
  nailsAgentLeg: true,
  agentLegFirst: false,
  pooled: true,
  offersWhenFree: false,
  idleReason: 'predictive: waiting for the first decision',
  paced: true,
  async dial(view, now) {
    const launch = view.pace();
    const ids = await view.next(now, Math.max(0, launch));
    if (launch > 0) await view.claim(ids);
  },
};

/** What the runner's calls are doing when pacing decides (seconds are measured from now). */
export interface PacingSituation {
  readyAgents: number;
  talkingElapsedSec: number[];
  wrapElapsedSec: number[];
  ringingElapsedSec: number[];
  window24h: AbandonWindow;
  window30d: AbandonWindow;
}

/** One campaign's turn in the tick's batched pacing decision (engine/batch-pacing.ts). */
export interface PaceRequest {
  /** The campaign's pacing input (everything but the instant, shared by the batch). */
  input: BatchCampaignInput;
  config: PacingConfig;
  /** The controller state to decide from; the batch hands back the next one. */
  state: ControllerState;
}

/** A pacing decision as the runner keeps it: how many to launch, and the ratio and reason the wallboard shows. */
export interface PaceDecision {
  launch: number;
  ratio: number;
  boundBy: BoundBy;
  reason: string;
}

/**
 * A runner's predictive pacing state: the controller, this campaign's learnt talk time, and what
 * happened since the last decision. The decision itself is pacing-core's, made for every owned
 * campaign at once in one `paceMany` call on the worker pool (engine/batch-pacing.ts).
 */
export class PredictivePacer {
  private controller: ControllerState = initialControllerState();
  private talk: TalkTimeEstimate = initialTalkTime();
  private observed = { resolved: 0, live: 0, liveAnswerSecSum: 0, abandons: 0 };
  /** The last decision (its ratio and reason are on the wallboard). */
  decision: PaceDecision | undefined;

  answered(ringSec: number): void {
    this.observed.resolved++;
    this.observed.live++;
    this.observed.liveAnswerSecSum += ringSec;
  }

  /** An answer turned out to be a machine: not a live answer after all. */
  machine(): void {
    this.observed.live = Math.max(0, this.observed.live - 1);
  }

  /** A call ended without being answered. */
  unanswered(): void {
    this.observed.resolved++;
  }

  abandoned(): void {
    this.observed.abandons++;
  }

  /** A conversation of this campaign ended after `sec` seconds (the pacer forecasts agents freeing up from it). */
  talked(sec: number): void {
    this.talk = observeTalk(this.talk, sec);
  }

  /** This tick's request: the situation and what was observed since the last one (which starts afresh). */
  request(c: CampaignRow, s: PacingSituation): PaceRequest {
    const observed = this.observed;
    this.observed = { resolved: 0, live: 0, liveAnswerSecSum: 0, abandons: 0 };
    return {
      input: {
        mode: 'PREDICTIVE',
        readyAgents: s.readyAgents,
        talkingElapsedSec: s.talkingElapsedSec,
        wrapElapsedSec: s.wrapElapsedSec,
        ringingElapsedSec: s.ringingElapsedSec,
        handleTime: handleTimeOf(this.talk, c.wrap_up_seconds),
        observed,
        window24h: s.window24h,
        window30d: s.window30d,
      },
      config: { abandonCap: c.abandon_rate_cap, maxDialRatio: c.max_dial_ratio, ringTimeoutSec: c.ring_timeout_seconds },
      state: this.controller,
    };
  }

  /** The batch decided: keep the controller's next state and the decision. */
  decided(decision: PaceDecision, next: ControllerState): void {
    this.controller = next;
    this.decision = decision;
  }
}
