import {
  handleTimeOf, initialControllerState, initialTalkTime, observeTalk, type ControllerState, type PacingDecision, type TalkTimeEstimate,
} from '@dialer/pacing-core';
import type { AbandonWindow, CampaignRow } from '../dialer.repository.js';
import type { PacingPool } from '../pacing-pool.js';
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
  async dial(view, now) {
    const launch = await view.pace(now);
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

/**
 * A runner's predictive pacing state: the controller, this campaign's learnt talk time, and what
 * happened since the last decision. The decision itself is pacing-core's, on the worker pool.
 */
export class PredictivePacer {
  private controller: ControllerState = initialControllerState();
  private talk: TalkTimeEstimate = initialTalkTime();
  private observed = { resolved: 0, live: 0, liveAnswerSecSum: 0, abandons: 0 };
  /** The last decision (its ratio and reason are on the wallboard). */
  decision: PacingDecision | undefined;

  constructor(private readonly pool: PacingPool) {}

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

  async decide(c: CampaignRow, nowMs: number, s: PacingSituation): Promise<PacingDecision> {
    const observed = this.observed;
    this.observed = { resolved: 0, live: 0, liveAnswerSecSum: 0, abandons: 0 };
    this.decision = await this.pool.run('decidePacing', {
      input: {
        mode: 'PREDICTIVE',
        now: nowMs,
        readyAgents: s.readyAgents,
        talkingElapsedSec: s.talkingElapsedSec,
        wrapElapsedSec: s.wrapElapsedSec,
        ringingElapsedSec: s.ringingElapsedSec,
        handleTime: handleTimeOf(this.talk, c.wrap_up_seconds),
        observed,
        window24h: s.window24h,
        window30d: s.window30d,
        config: { abandonCap: c.abandon_rate_cap, maxDialRatio: c.max_dial_ratio, ringTimeoutSec: c.ring_timeout_seconds },
      },
      state: this.controller,
    });
    this.controller = this.decision.nextState;
    return this.decision;
  }
}
