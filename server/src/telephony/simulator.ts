import { Rng } from '@dialer/pacing-core';
import { randomBytes } from 'node:crypto';
import type { Clock, Timer } from '../clock.js';
import type { LegEvent, LegEventType, OriginateRequest, TelephonyPort } from './port.js';

/** Outcome mix and timings of the built-in call simulator. Times are in simulated seconds. */
export interface SimulatorOptions {
  /** @default 1 */
  seed: number;
  /** Customer leg outcome probabilities (the rest rings out). */
  customer: { busy: number; failed: number; answer: number; machine: number };
  /**
   * The answered-by-a-person share from a time on (`at`: ms since the epoch, on the simulator's clock), replacing
   * `customer.answer` from then: a what-if's answer rate shifting mid-day (`npm run simulate -- --engine`). @default none
   */
  answerSteps?: readonly { at: number; answer: number }[];
  /** Probability an agent picks up the agent leg. @default 0.95 */
  agentPickup: number;
  /** Seconds until a busy/failed answer arrives (uniform). @default [1, 5] */
  failDelaySec: [number, number];
  /** Time to answer: gamma shape and mean in seconds. @default { shape: 4, mean: 9 } */
  answerDelay: { shape: number; mean: number };
  /** Seconds until machine detection decides. @default 3 */
  machineDetectSec: number;
  /** Talk time: lognormal mean and coefficient of variation, seconds. @default { mean: 120, cv: 1 } */
  talk: { mean: number; cv: number };
  /** Numbers answered with FAILED/INVALID_NUMBER (e.g. ranges a carrier reports unallocated). */
  invalidNumbers: ReadonlySet<string>;
  /** Numbers the carrier refuses as registered do-not-disturb (FAILED/DND, as an NDNC scrub does). */
  dndNumbers: ReadonlySet<string>;
  /** Phones that ring out and are never answered (switched off, nobody at the desk), agents' or customers'. */
  silentPhones: ReadonlySet<string>;
}

export const DEFAULT_SIMULATOR: SimulatorOptions = {
  seed: 1,
  customer: { busy: 0.1, failed: 0.05, answer: 0.2, machine: 0.15 },
  agentPickup: 0.95,
  failDelaySec: [1, 5],
  answerDelay: { shape: 4, mean: 9 },
  machineDetectSec: 3,
  talk: { mean: 120, cv: 1 },
  invalidNumbers: new Set(),
  dndNumbers: new Set(),
  silentPhones: new Set(),
};

interface SimLeg {
  sid: string;
  req: OriginateRequest;
  answered: boolean;
  ended: boolean;
  bridgedTo?: string;
  timers: Timer[];
}

/**
 * The embedded telephony default: a seeded, clock-driven network that rings, answers, detects
 * machines, talks and hangs up like the real thing, with no provider behind it.
 */
export class CallSimulator implements TelephonyPort {
  readonly name = 'simulator';
  private readonly rng: Rng;
  private readonly legs = new Map<string, SimLeg>();
  private handler: (e: LegEvent) => void = () => undefined;
  private seq = 0;
  /** Provider call ids are unique across restarts, as a real provider's are. */
  private readonly sidPrefix = `SIM${randomBytes(4).toString('hex')}`;
  readonly options: SimulatorOptions;

  constructor(
    private readonly clock: Clock,
    options: Partial<SimulatorOptions> = {},
  ) {
    this.options = { ...DEFAULT_SIMULATOR, ...options, customer: { ...DEFAULT_SIMULATOR.customer, ...options.customer } };
    this.rng = new Rng(this.options.seed);
  }

  onEvent(handler: (e: LegEvent) => void): void {
    this.handler = handler;
  }

  /** Legs not yet ended (for tests and health). */
  get activeLegs(): number {
    return this.legs.size;
  }

  async activeCalls(): Promise<ReadonlySet<string>> {
    return new Set(this.legs.keys());
  }

  async originate(req: OriginateRequest): Promise<{ sid: string }> {
    const sid = `${this.sidPrefix}${(++this.seq).toString(36).padStart(6, '0')}`;
    const leg: SimLeg = { sid, req, answered: false, ended: false, timers: [] };
    this.legs.set(sid, leg);
    const o = this.options;
    this.after(leg, 0.2, () => this.emit(leg, 'RINGING'));
    if (req.kind === 'CUSTOMER' && o.dndNumbers.has(req.to)) {
      this.after(leg, 0.5, () => this.end(leg, 'FAILED', 'DND'));
      return { sid };
    }
    if (o.invalidNumbers.has(req.to)) {
      this.after(leg, 0.5, () => this.end(leg, 'FAILED', 'INVALID_NUMBER'));
      return { sid };
    }
    const ringOut = req.ringTimeoutSec;
    if (o.silentPhones.has(req.to)) {
      this.after(leg, ringOut, () => this.end(leg, 'NO_ANSWER'));
      return { sid };
    }
    if (req.kind === 'AGENT') {
      if (this.rng.next() < o.agentPickup) this.after(leg, this.rng.uniform(2, 6), () => this.answer(leg));
      else this.after(leg, ringOut, () => this.end(leg, 'NO_ANSWER'));
      return { sid };
    }
    const r = this.rng.next();
    const c = this.customerMix();
    if (r < c.busy) this.after(leg, this.rng.uniform(...o.failDelaySec), () => this.end(leg, 'BUSY'));
    else if (r < c.busy + c.failed) this.after(leg, this.rng.uniform(...o.failDelaySec), () => this.end(leg, 'FAILED', 'CONGESTION'));
    else if (r < c.busy + c.failed + c.answer) {
      const delay = this.rng.gamma(o.answerDelay.shape, o.answerDelay.mean);
      if (delay >= ringOut) this.after(leg, ringOut, () => this.end(leg, 'NO_ANSWER'));
      else {
        const talk = this.rng.lognormal(o.talk.mean, o.talk.cv);
        this.after(leg, delay, () => {
          this.answer(leg);
          this.after(leg, talk, () => this.end(leg, 'HUNGUP', undefined, 'remote'));
        });
      }
    } else if (r < c.busy + c.failed + c.answer + c.machine) {
      const delay = Math.min(this.rng.gamma(o.answerDelay.shape, o.answerDelay.mean), ringOut - o.machineDetectSec);
      this.after(leg, Math.max(1, delay), () => {
        // With detection the network screens the answer: a machine is told (MACHINE, after the detector's time)
        // instead of ANSWERED, so it never reaches an agent; a person is told at once (ANSWERED). Without
        // detection a machine answers like anybody.
        if (req.detectMachine === false) this.answer(leg);
        else {
          leg.answered = true;
          this.after(leg, o.machineDetectSec, () => this.emit(leg, 'MACHINE'));
        }
        this.after(leg, o.machineDetectSec + 25, () => this.end(leg, 'HUNGUP', undefined, 'remote'));
      });
    } else {
      this.after(leg, ringOut, () => this.end(leg, 'NO_ANSWER'));
    }
    return { sid };
  }

  async bridge(sidA: string, sidB: string): Promise<void> {
    const a = this.legs.get(sidA);
    const b = this.legs.get(sidB);
    if (!a || !b || a.ended || b.ended || !a.answered || !b.answered) throw new Error(`cannot bridge ${sidA} and ${sidB}: not both answered`);
    a.bridgedTo = sidB;
    b.bridgedTo = sidA;
  }

  async hangup(sid: string, cause = 'NORMAL_CLEARING'): Promise<void> {
    const leg = this.legs.get(sid);
    if (!leg || leg.ended) return;
    if (leg.answered) this.end(leg, 'HUNGUP', cause, 'local');
    else this.end(leg, 'FAILED', 'CANCELLED');
  }

  /** The person at the far end hangs up (e.g. an agent putting the phone down to stop dialling). */
  farEndHangup(sid: string): void {
    const leg = this.legs.get(sid);
    if (leg && !leg.ended && leg.answered) this.end(leg, 'HUNGUP', 'NORMAL_CLEARING', 'remote');
  }

  /**
   * Fault injection: the network loses a call without a word (a provider outage, a dropped SIP
   * dialog). No event is sent; the engine's reconciler must notice the call is gone.
   */
  loseCall(sid: string): boolean {
    const leg = this.legs.get(sid);
    if (!leg) return false;
    for (const t of leg.timers) this.clock.clearTimeout(t);
    leg.ended = true;
    this.legs.delete(sid);
    return true;
  }

  async close(): Promise<void> {
    for (const leg of this.legs.values()) for (const t of leg.timers) this.clock.clearTimeout(t);
    this.legs.clear();
  }

  private after(leg: SimLeg, seconds: number, fn: () => void): void {
    leg.timers.push(this.clock.setTimeout(() => !leg.ended && fn(), seconds * 1000));
  }

  /** The outcome mix now: `customer`, with the answer share of the last step of `answerSteps` reached. */
  private customerMix(): SimulatorOptions['customer'] {
    const steps = this.options.answerSteps;
    if (!steps?.length) return this.options.customer;
    const now = this.clock.now().getTime();
    let answer = this.options.customer.answer;
    for (const st of steps) if (st.at <= now) answer = st.answer;
    return { ...this.options.customer, answer };
  }

  private answer(leg: SimLeg): void {
    leg.answered = true;
    this.emit(leg, 'ANSWERED');
  }

  private end(leg: SimLeg, type: LegEventType, cause?: string, by?: 'remote' | 'local'): void {
    if (leg.ended) return;
    leg.ended = true;
    this.legs.delete(leg.sid);
    for (const t of leg.timers) this.clock.clearTimeout(t);
    const recordingUrl = type === 'HUNGUP' ? `sim://recordings/${leg.sid}.wav` : undefined;
    this.emit(leg, type, cause, by, recordingUrl);
  }

  private emit(leg: SimLeg, type: LegEventType, cause?: string, by?: 'remote' | 'local', recordingUrl?: string): void {
    this.handler({ sid: leg.sid, legId: leg.req.legId, type, at: this.clock.now(), cause, by, recordingUrl });
  }
}
