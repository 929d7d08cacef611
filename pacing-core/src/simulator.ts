import { badScenario } from './errors.js';
import {
  BOUND_BY, MODES, STATE_FIELDS, decideCore, initialControllerState, newCoreOutput, resolveConfig, writeState,
  type BoundBy, type CoreInput, type DialMode, type PacingConfig,
} from './pacing.js';
import { Rng } from './rng.js';

/** A group of identical agents with one shift. */
export interface AgentShift {
  /** Number of agents in the group. */
  count: number;
  /** Login time, seconds from the start. @default 0 */
  loginSec?: number;
  /** Logout time, seconds from the start (an agent on a call logs out after its wrap-up). @default durationSec */
  logoutSec?: number;
}

/** Live-answer rate from `atSec` on (a step function). */
export interface RateStep {
  atSec: number;
  rate: number;
}

/** Pacing policy played by the simulator. `FIXED_RATIO` is a baseline: `floor(ratio * ready) - ringing` calls. */
export interface SimPolicy {
  mode: DialMode | 'FIXED_RATIO';
  /** Lines per ready agent, for `FIXED_RATIO`. */
  ratio?: number;
  /** Predictive controller configuration. */
  config?: PacingConfig;
}

/** A call centre and a policy to play, usually read from JSON (see README "Scenario file"). */
export interface Scenario {
  name?: string;
  /** RNG seed. @default 1 */
  seed?: number;
  /** Simulated time, seconds. */
  durationSec: number;
  /** Seconds between pacing decisions. @default 1 */
  decisionIntervalSec?: number;
  /** Agent groups and their shifts. */
  agents: AgentShift[];
  outcomes?: {
    /** Share of dials that are busy or failed. @default 0.15 */
    busyFailed?: number;
    /** Busy/failed resolve uniformly in [min, max] seconds. @default [1, 5] */
    busyFailedSec?: [number, number];
    /** Share of dials answered by a person: a number, or steps over time. @default 0.2 */
    live?: number | RateStep[];
    /** Time to answer (live and machine), Gamma. @default { shape: 4, meanSec: 9 } */
    answer?: { shape: number; meanSec: number };
    /** Share of dials answered by a machine. @default 0.15 */
    machine?: number;
    /** Machine detected this long after answer. @default 3 */
    machineDetectSec?: number;
    /** The rest ring out after this many seconds. @default 20 */
    ringTimeoutSec?: number;
  };
  /** Talk time, lognormal. @default { meanSec: 120, cv: 1 } */
  talk?: { meanSec: number; cv: number };
  /** Wrap-up time, lognormal (cv 0 = fixed). @default { meanSec: 15, cv: 0 } */
  wrap?: { meanSec: number; cv: number };
  /** A live answer waits this long for an agent before it is abandoned. @default 2 */
  abandonGraceSec?: number;
  policy: SimPolicy;
  /** Live answers and abandons of the 30 days before the simulation (for the 30-day window). */
  history?: { live30d: number; abandons30d: number };
}

/** Figures of one hour of simulation. */
export interface HourFigures {
  hour: number;
  dials: number;
  live: number;
  abandons: number;
  abandonRate: number;
  occupancy: number;
}

/** Result of {@link simulate}. */
export interface SimResult {
  name: string;
  seed: number;
  policy: string;
  dials: number;
  liveAnswers: number;
  connects: number;
  abandons: number;
  /** Abandons / live answers over the whole run. */
  abandonRate: number;
  /** Worst hour's abandon rate (hours with at least 20 live answers). */
  worstHourAbandonRate: number;
  /** Worst rolling 24 h abandon rate (the whole run when shorter than a day). */
  worst24hAbandonRate: number;
  /** (talk + wrap) / logged-in time. */
  occupancy: number;
  loggedInSec: number;
  busySec: number;
  hours: HourFigures[];
  /** How many decisions each rule bound. */
  boundBy: Partial<Record<BoundBy, number>>;
  /** Decisions taken while holding after an answer-rate shift. */
  holdingDecisions: number;
}

const A_OFF = 0, A_READY = 1, A_DIALING = 2, A_TALK = 3, A_WRAP = 4;
const E_DECIDE = 0, E_RESOLVE = 1, E_TALK_END = 2, E_WRAP_END = 3, E_ABANDON = 4, E_LOGIN = 5, E_LOGOUT = 6;
const O_BUSY = 0, O_LIVE = 1, O_MACHINE = 2, O_NOANSWER = 3;

/** Binary min-heap of events ordered by (time, sequence), so runs are deterministic. */
class EventQueue {
  private t: number[] = [];
  private s: number[] = [];
  private k: number[] = [];
  private id: number[] = [];
  private seq = 0;
  get size(): number {
    return this.t.length;
  }
  push(time: number, kind: number, id: number): void {
    const t = this.t, s = this.s, k = this.k, ids = this.id;
    let i = t.length;
    t.push(time); s.push(this.seq++); k.push(kind); ids.push(id);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (t[p] < t[i] || (t[p] === t[i] && s[p] < s[i])) break;
      this.swap(i, p);
      i = p;
    }
  }
  private swap(a: number, b: number): void {
    const t = this.t, s = this.s, k = this.k, ids = this.id;
    [t[a], t[b]] = [t[b], t[a]]; [s[a], s[b]] = [s[b], s[a]]; [k[a], k[b]] = [k[b], k[a]]; [ids[a], ids[b]] = [ids[b], ids[a]];
  }
  /** Pops into `out` = [time, kind, id]. */
  pop(out: number[]): void {
    const t = this.t, s = this.s;
    out[0] = t[0]; out[1] = this.k[0]; out[2] = this.id[0];
    const last = t.length - 1;
    this.swap(0, last);
    t.pop(); s.pop(); this.k.pop(); this.id.pop();
    let i = 0;
    const n = t.length;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < n && (t[l] < t[m] || (t[l] === t[m] && s[l] < s[m]))) m = l;
      if (r < n && (t[r] < t[m] || (t[r] === t[m] && s[r] < s[m]))) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}

function check(cond: boolean, msg: string): void {
  if (!cond) throw badScenario(msg);
}

/** Validate a scenario (e.g. parsed from JSON). @throws PacingCoreError `BAD_SCENARIO` */
export function validateScenario(s: Scenario): void {
  check(s !== null && typeof s === 'object', 'scenario must be an object');
  check(typeof s.durationSec === 'number' && s.durationSec > 0 && s.durationSec <= 31 * 86400, 'durationSec must be a number in (0, 2678400]');
  check(Array.isArray(s.agents) && s.agents.length > 0, 'agents must be a non-empty array of { count, loginSec?, logoutSec? }');
  s.agents.forEach((a, i) => {
    check(Number.isInteger(a?.count) && a.count >= 0 && a.count <= 100000, `agents[${i}].count must be an integer in [0, 100000]`);
    const li = a.loginSec ?? 0, lo = a.logoutSec ?? s.durationSec;
    check(typeof li === 'number' && typeof lo === 'number' && li >= 0 && lo > li, `agents[${i}] needs 0 <= loginSec < logoutSec`);
  });
  const iv = s.decisionIntervalSec ?? 1;
  check(typeof iv === 'number' && iv >= 0.05 && iv <= 60, 'decisionIntervalSec must be in [0.05, 60]');
  const o = s.outcomes ?? {};
  const live = o.live ?? 0.2;
  const steps = typeof live === 'number' ? [{ atSec: 0, rate: live }] : live;
  check(Array.isArray(steps) && steps.length > 0, 'outcomes.live must be a number or a non-empty array of { atSec, rate }');
  const busy = o.busyFailed ?? 0.15, machine = o.machine ?? 0.15;
  for (const [i, st] of steps.entries()) {
    check(typeof st.atSec === 'number' && typeof st.rate === 'number' && st.rate >= 0, `outcomes.live[${i}] must be { atSec: number, rate: number >= 0 }`);
    check(busy + machine + st.rate <= 1 + 1e-9, `outcomes: busyFailed + machine + live (${busy} + ${machine} + ${st.rate}) exceeds 1`);
  }
  check(busy >= 0 && machine >= 0, 'outcomes.busyFailed and outcomes.machine must be >= 0');
  const bs = o.busyFailedSec ?? [1, 5];
  check(Array.isArray(bs) && bs.length === 2 && bs[0] >= 0 && bs[1] >= bs[0], 'outcomes.busyFailedSec must be [min, max] with 0 <= min <= max');
  const ans = o.answer ?? { shape: 4, meanSec: 9 };
  check(ans.shape > 0 && ans.meanSec > 0, 'outcomes.answer needs shape > 0 and meanSec > 0');
  check((o.ringTimeoutSec ?? 20) > 0, 'outcomes.ringTimeoutSec must be > 0');
  const talk = s.talk ?? { meanSec: 120, cv: 1 }, wrap = s.wrap ?? { meanSec: 15, cv: 0 };
  check(talk.meanSec > 0 && talk.cv >= 0, 'talk needs meanSec > 0 and cv >= 0');
  check(wrap.meanSec >= 0 && wrap.cv >= 0, 'wrap needs meanSec >= 0 and cv >= 0');
  check((s.abandonGraceSec ?? 2) >= 0, 'abandonGraceSec must be >= 0');
  check(s.policy !== null && typeof s.policy === 'object', 'policy must be an object { mode, ratio?, config? }');
  check([...MODES, 'FIXED_RATIO'].includes(s.policy.mode), `policy.mode must be one of ${[...MODES, 'FIXED_RATIO'].join(', ')}`);
  if (s.policy.mode === 'FIXED_RATIO') check(typeof s.policy.ratio === 'number' && s.policy.ratio >= 0, 'policy.ratio must be a number >= 0 for FIXED_RATIO');
  try {
    resolveConfig(s.policy.config);
  } catch (e) {
    throw badScenario(`policy.config: ${(e as Error).message}`);
  }
}

/**
 * Play a scenario: a discrete-event simulation of a call centre dialling under a pacing policy.
 * Deterministic for a given `seed`. Pure (no I/O, no wall clock).
 * @throws PacingCoreError `BAD_SCENARIO`
 */
export function simulate(s: Scenario): SimResult {
  validateScenario(s);
  const seed = s.seed ?? 1;
  // Separate streams so policies compared on one seed see the same customers and talk times.
  const rngOutcome = new Rng(seed * 7919 + 1), rngTalk = new Rng(seed * 7919 + 2);
  const o = s.outcomes ?? {};
  const busyP = o.busyFailed ?? 0.15, machineP = o.machine ?? 0.15;
  const [busyLo, busyHi] = o.busyFailedSec ?? [1, 5];
  const liveSpec = o.live ?? 0.2;
  const steps = (typeof liveSpec === 'number' ? [{ atSec: 0, rate: liveSpec }] : [...liveSpec]).sort((a, b) => a.atSec - b.atSec);
  const ans = o.answer ?? { shape: 4, meanSec: 9 };
  const detect = o.machineDetectSec ?? 3, ringTimeout = o.ringTimeoutSec ?? 20;
  const talk = s.talk ?? { meanSec: 120, cv: 1 }, wrap = s.wrap ?? { meanSec: 15, cv: 0 };
  const grace = s.abandonGraceSec ?? 2;
  const interval = s.decisionIntervalSec ?? 1;
  const D = s.durationSec;
  const policy = s.policy;
  const predictive = policy.mode === 'PREDICTIVE';
  const reserving = policy.mode === 'PROGRESSIVE' || policy.mode === 'AGENT_FIRST_FLOW';
  const cfg = resolveConfig({ ringTimeoutSec: ringTimeout, abandonGraceSec: grace, intervalSec: interval, ...policy.config });
  const hours = Math.ceil(D / 3600);
  const hDials = new Float64Array(hours), hLive = new Float64Array(hours), hAb = new Float64Array(hours);
  const hLogged = new Float64Array(hours), hBusy = new Float64Array(hours);
  const addSpan = (arr: Float64Array, a: number, b: number): void => {
    b = Math.min(b, D);
    while (a < b) {
      const h = Math.floor(a / 3600);
      const e = Math.min(b, (h + 1) * 3600);
      arr[h] += e - a;
      a = e;
    }
  };

  // agents
  const nAgents = s.agents.reduce((x, g) => x + g.count, 0);
  const aState = new Uint8Array(nAgents), aSince = new Float64Array(nAgents), aLoginAt = new Float64Array(nAgents);
  const aLogoutPending = new Uint8Array(nAgents), aCall = new Int32Array(nAgents).fill(-1);
  const q = new EventQueue();
  {
    let id = 0;
    for (const g of s.agents) {
      for (let j = 0; j < g.count; j++, id++) {
        q.push(g.loginSec ?? 0, E_LOGIN, id);
        if ((g.logoutSec ?? D) < D) q.push(g.logoutSec!, E_LOGOUT, id);
      }
    }
  }
  const ready: number[] = []; // FIFO of ready agents (may hold stale entries; checked on use)
  // calls
  const cDial: number[] = [], cOutcome: number[] = [], cAgent: number[] = [], cAnswerAt: number[] = [];
  const ringing = new Set<number>();
  const waiting: number[] = []; // live answers waiting for an agent (FIFO)
  let waitHead = 0;
  const isWaiting = new Map<number, boolean>();

  let dials = 0, live = 0, connects = 0, abandons = 0, loggedIn = 0, busySec = 0;
  // observations since last decision
  let obsResolved = 0, obsLive = 0, obsLiveSec = 0, obsAb = 0;
  // rolling 24 h window by minute
  const minutes = Math.ceil(D / 60) + 1;
  const mLive = new Float64Array(minutes), mAb = new Float64Array(minutes);
  let live24 = 0, ab24 = 0, winStart = 0;
  // observed handle times (prior: 120 s talk, cv 1; 15 s wrap; weight 10)
  let tN = 10, tSum = 1200, tSq = 10 * (120 * 120 * 2), wN = 10, wSum = 150;
  const boundBy: Partial<Record<BoundBy, number>> = {};
  let holdingDecisions = 0;

  const st = new Float64Array(STATE_FIELDS);
  writeState(initialControllerState(policy.config), st, 0);
  const co = newCoreOutput();
  const talkArr: number[] = [], wrapArr: number[] = [], ringArr: number[] = [];
  const x: CoreInput = {
    mode: MODES.indexOf(policy.mode === 'FIXED_RATIO' ? 'PREDICTIVE' : policy.mode), now: 0, ready: 0,
    talk: talkArr, talkOff: 0, talkLen: 0, wrap: wrapArr, wrapOff: 0, wrapLen: 0, ring: ringArr, ringOff: 0, ringLen: 0,
    talkMean: 120, talkCv: 1, wrapMean: 15, resolved: 0, live: 0, liveSec: 0, abandons: 0,
    live24: 0, ab24: 0, live30: 0, ab30: 0, trunkBudget: Infinity,
  };

  const liveRateAt = (t: number): number => {
    let r = steps[0].rate;
    for (const stp of steps) if (stp.atSec <= t) r = stp.rate;
    return r;
  };

  const setState = (a: number, state: number, t: number): void => {
    const prev = aState[a];
    if (prev === A_TALK || prev === A_WRAP) {
      busySec += Math.min(t, D) - Math.min(aSince[a], D);
      addSpan(hBusy, aSince[a], t);
    }
    aState[a] = state;
    aSince[a] = t;
    if (state === A_READY) ready.push(a);
  };

  const startTalk = (a: number, call: number, t: number): void => {
    connects++;
    aCall[a] = call;
    setState(a, A_TALK, t);
    q.push(t + rngTalk.lognormal(talk.meanSec, talk.cv), E_TALK_END, a);
  };

  const popReady = (): number => {
    while (ready.length > 0) {
      const a = ready.shift()!;
      if (aState[a] === A_READY) return a;
    }
    return -1;
  };

  const dial = (t: number, agent: number): void => {
    const id = cDial.length;
    dials++;
    const h = Math.min(hours - 1, Math.floor(t / 3600));
    hDials[h]++;
    const u = rngOutcome.next();
    const lr = liveRateAt(t);
    let outcome: number, at: number;
    if (u < busyP) {
      outcome = O_BUSY;
      at = t + rngOutcome.uniform(busyLo, busyHi);
    } else if (u < busyP + lr || u < busyP + lr + machineP) {
      outcome = u < busyP + lr ? O_LIVE : O_MACHINE;
      const ta = rngOutcome.gamma(ans.shape, ans.meanSec);
      if (ta >= ringTimeout) {
        outcome = O_NOANSWER;
        at = t + ringTimeout;
      } else at = t + ta + (outcome === O_MACHINE ? detect : 0);
    } else {
      outcome = O_NOANSWER;
      at = t + ringTimeout;
    }
    cDial.push(t); cOutcome.push(outcome); cAgent.push(agent); cAnswerAt.push(at);
    ringing.add(id);
    if (agent >= 0) setState(agent, A_DIALING, t);
    q.push(at, E_RESOLVE, id);
  };

  const recordLive = (t: number): void => {
    const m = Math.floor(t / 60);
    mLive[m]++;
    live24++;
    const h = Math.min(hours - 1, Math.floor(t / 3600));
    hLive[h]++;
  };

  const agentFreed = (a: number, t: number): void => {
    if (aLogoutPending[a]) {
      aLogoutPending[a] = 0;
      setState(a, A_OFF, t);
      loggedIn += Math.min(t, D) - aLoginAt[a];
      addSpan(hLogged, aLoginAt[a], t);
      return;
    }
    // a waiting live answer takes the agent at once
    while (waitHead < waiting.length) {
      const c = waiting[waitHead++];
      if (isWaiting.get(c)) {
        isWaiting.delete(c);
        aState[a] = A_READY; // transient
        startTalk(a, c, t);
        return;
      }
    }
    setState(a, A_READY, t);
    if (reserving) dial(t, a);
  };

  const ev = [0, 0, 0];
  q.push(0, E_DECIDE, 0);
  while (q.size > 0) {
    q.pop(ev);
    const t = ev[0], kind = ev[1], id = ev[2];
    if (t > D) break;
    switch (kind) {
      case E_LOGIN: {
        if (aState[id] !== A_OFF) break;
        aLoginAt[id] = t;
        agentFreed(id, t);
        break;
      }
      case E_LOGOUT: {
        if (aState[id] === A_READY || aState[id] === A_OFF) {
          if (aState[id] === A_READY) {
            loggedIn += t - aLoginAt[id];
            addSpan(hLogged, aLoginAt[id], t);
          }
          setState(id, A_OFF, t);
        } else aLogoutPending[id] = 1;
        break;
      }
      case E_RESOLVE: {
        ringing.delete(id);
        obsResolved++;
        const agent = cAgent[id];
        if (cOutcome[id] === O_LIVE) {
          live++;
          obsLive++;
          obsLiveSec += t - cDial[id];
          recordLive(t);
          let a = agent;
          if (a < 0) a = popReady();
          if (a >= 0) startTalk(a, id, t);
          else {
            waiting.push(id);
            isWaiting.set(id, true);
            q.push(t + grace, E_ABANDON, id);
          }
        } else if (agent >= 0) agentFreed(agent, t);
        break;
      }
      case E_ABANDON: {
        if (isWaiting.get(id)) {
          isWaiting.delete(id);
          abandons++;
          obsAb++;
          const m = Math.floor(t / 60);
          mAb[Math.min(m, minutes - 1)]++;
          ab24++;
          // an abandon is charged to the hour of its answer
          hAb[Math.min(hours - 1, Math.floor((t - grace) / 3600))]++;
        }
        break;
      }
      case E_TALK_END: {
        const dur = t - aSince[id];
        tN++; tSum += dur; tSq += dur * dur;
        setState(id, A_WRAP, t);
        aCall[id] = -1;
        q.push(t + rngTalk.lognormal(wrap.meanSec, wrap.cv), E_WRAP_END, id);
        break;
      }
      case E_WRAP_END: {
        wN++; wSum += t - aSince[id];
        agentFreed(id, t);
        break;
      }
      case E_DECIDE: {
        // slide the 24 h window
        const curMin = Math.floor(t / 60);
        while (winStart <= curMin - 1440) {
          live24 -= mLive[winStart];
          ab24 -= mAb[winStart];
          winStart++;
        }
        let readyCount = 0;
        talkArr.length = 0; wrapArr.length = 0; ringArr.length = 0;
        for (let a = 0; a < nAgents; a++) {
          const sa = aState[a];
          if (sa === A_READY) readyCount++;
          else if (sa === A_TALK && !aLogoutPending[a]) talkArr.push(t - aSince[a]);
          else if (sa === A_WRAP && !aLogoutPending[a]) wrapArr.push(t - aSince[a]);
        }
        let launch = 0;
        if (policy.mode === 'FIXED_RATIO') {
          let r = 0;
          for (const c of ringing) if (cAgent[c] < 0) r++;
          launch = Math.max(0, Math.floor((policy.ratio ?? 1) * readyCount + 1e-9) - r);
        } else {
          for (const c of ringing) ringArr.push(t - cDial[c]);
          x.now = t * 1000;
          x.ready = readyCount;
          x.talkLen = talkArr.length; x.wrapLen = wrapArr.length; x.ringLen = ringArr.length;
          const tm = tSum / tN;
          x.talkMean = tm;
          x.talkCv = Math.sqrt(Math.max(0, tSq / tN - tm * tm)) / tm;
          x.wrapMean = wSum / wN;
          x.resolved = obsResolved; x.live = obsLive; x.liveSec = obsLiveSec; x.abandons = obsAb;
          x.live24 = live24; x.ab24 = ab24;
          x.live30 = live + (s.history?.live30d ?? 0); x.ab30 = abandons + (s.history?.abandons30d ?? 0);
          decideCore(x, cfg, st, 0, co);
          const b = BOUND_BY[co.bound];
          boundBy[b] = (boundBy[b] ?? 0) + 1;
          if (co.holding) holdingDecisions++;
          launch = co.launch;
        }
        obsResolved = 0; obsLive = 0; obsLiveSec = 0; obsAb = 0;
        if (reserving) {
          for (let j = 0; j < launch; j++) {
            const a = popReady();
            if (a < 0) break;
            dial(t, a);
          }
        } else for (let j = 0; j < launch; j++) dial(t, -1);
        q.push(t + interval, E_DECIDE, 0);
        break;
      }
    }
  }
  // close open spans
  for (let a = 0; a < nAgents; a++) {
    if (aState[a] !== A_OFF) {
      loggedIn += D - aLoginAt[a];
      addSpan(hLogged, aLoginAt[a], D);
      setState(a, A_OFF, D);
    }
  }
  const hoursOut: HourFigures[] = [];
  let worstHour = 0;
  for (let h = 0; h < hours; h++) {
    const rate = hLive[h] > 0 ? hAb[h] / hLive[h] : 0;
    if (hLive[h] >= 20 && rate > worstHour) worstHour = rate;
    hoursOut.push({ hour: h, dials: hDials[h], live: hLive[h], abandons: hAb[h], abandonRate: rate, occupancy: hLogged[h] > 0 ? hBusy[h] / hLogged[h] : 0 });
  }
  let worst24 = 0;
  for (let h = 0; h < hours; h++) {
    let l = 0, ab = 0;
    for (let j = h; j < Math.min(hours, h + 24); j++) { l += hLive[j]; ab += hAb[j]; }
    if (l > 0) worst24 = Math.max(worst24, ab / l);
    if (h + 24 >= hours) break;
  }
  return {
    name: s.name ?? 'scenario',
    seed,
    policy: policy.mode === 'FIXED_RATIO' ? `FIXED_RATIO ${policy.ratio}` : policy.mode,
    dials, liveAnswers: live, connects, abandons,
    abandonRate: live > 0 ? abandons / live : 0,
    worstHourAbandonRate: worstHour,
    worst24hAbandonRate: worst24,
    occupancy: loggedIn > 0 ? busySec / loggedIn : 0,
    loggedInSec: loggedIn, busySec, hours: hoursOut, boundBy, holdingDecisions,
  };
}
