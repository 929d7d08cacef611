import { badPacingInput } from './errors.js';
import { ERL_STEP, PHI_LO, PHI_STEP, erlangCdf as erlangExact, erlangTableFor, lnFast, phiTableFor } from './stats.js';

/** How a campaign dials. */
export type DialMode = 'PROGRESSIVE' | 'AGENT_FIRST_FLOW' | 'PREDICTIVE' | 'PREVIEW';
const MODES: readonly DialMode[] = ['PROGRESSIVE', 'AGENT_FIRST_FLOW', 'PREDICTIVE', 'PREVIEW'];

/** Which rule bound a pacing decision. */
export type BoundBy =
  | 'preview'
  | 'noAgents'
  | 'readyAgents'
  | 'agentForecast'
  | 'maxDialRatio'
  | 'trunkCps'
  | 'abandonCap';
/** Codes of {@link BoundBy}, as stored in {@link PacingBatchOutput.boundBy}. */
export const BOUND_BY: readonly BoundBy[] = ['preview', 'noAgents', 'readyAgents', 'agentForecast', 'maxDialRatio', 'trunkCps', 'abandonCap'];

/** Tunables of the pacing controller. All optional. */
export interface PacingConfig {
  /** Abandon-rate cap (abandons / live answers) in every rolling 24 h and 30-day window. @default 0.03 */
  abandonCap?: number;
  /** Abandon rate the controller steers to, below the cap. @default 0.75 * abandonCap */
  abandonTarget?: number;
  /** Calls in flight per forecast-available agent, never exceeded. @default 8 */
  maxDialRatio?: number;
  /** Trunk calls-per-second cap for this campaign. @default Infinity */
  maxCallsPerSecond?: number;
  /** Seconds between decisions (converts the CPS cap into calls per decision). @default 1 */
  intervalSec?: number;
  /** A live answer waits this long for an agent before it counts as abandoned. @default 2 */
  abandonGraceSec?: number;
  /** Unanswered calls are dropped after this many seconds of ringing. @default 20 */
  ringTimeoutSec?: number;
  /** Shape of the (Gamma) time-to-answer distribution of live answers. @default 4 */
  answerShape?: number;
  /** Prior live-answer rate per dial until data arrives. @default 0.2 */
  initialAnswerRate?: number;
  /** Prior mean time to a live answer, seconds. @default 9 */
  initialAnswerSec?: number;
  /** Starting safety margin (in standard deviations of the expected answers). @default 1 */
  initialMargin?: number;
  /** Controller gain: margin change per abandon (and `-gain * target` per live answer). @default 0.04 */
  gain?: number;
  /** Hold time after an answer-rate shift is detected, seconds. @default 600 */
  shiftHoldSec?: number;
}

/** Outcomes observed since the previous decision of this campaign. */
export interface PacingObservations {
  /** Customer calls that finished ringing (any outcome). */
  resolved: number;
  /** Of those, live (human) answers. */
  live: number;
  /** Sum over those live answers of dial-to-answer seconds. */
  liveAnswerSecSum: number;
  /** Live answers abandoned (no agent within the grace time). */
  abandons: number;
}

/** Live answers and abandons of a rolling window, counted by the server. */
export interface AbandonWindow {
  live: number;
  abandons: number;
}

/** Input of {@link decidePacing}. Elapsed times are seconds. */
export interface PacingInput {
  mode: DialMode;
  /** Current instant, epoch ms (or simulation ms). */
  now: number;
  /** Agents ready and not reserved by a call. */
  readyAgents: number;
  /** Elapsed talk seconds of each agent on a customer call. @default [] */
  talkingElapsedSec?: ArrayLike<number>;
  /** Elapsed wrap-up seconds of each agent in wrap-up. @default [] */
  wrapElapsedSec?: ArrayLike<number>;
  /** Elapsed seconds of each customer call still ringing. @default [] */
  ringingElapsedSec?: ArrayLike<number>;
  /**
   * Handle-time statistics of the campaign (talk is modelled lognormal); see `observeTalk` to learn them from calls.
   * @default DEFAULT_HANDLE_TIME
   */
  handleTime?: HandleTime;
  /** What happened since the last decision (feeds the answer-rate, ring-time and abandon estimators). */
  observed?: PacingObservations;
  /** Rolling 24 h window. @default { live: 0, abandons: 0 } */
  window24h?: AbandonWindow;
  /** Rolling 30-day window. @default { live: 0, abandons: 0 } */
  window30d?: AbandonWindow;
  /** Calls the trunk still allows in this decision (shared CPS budget). @default Infinity */
  trunkBudget?: number;
  config?: PacingConfig;
}

/** Controller memory carried from one decision to the next (JSON-safe; persist it per campaign). */
export interface ControllerState {
  /** Decayed dial and live-answer counts, fast (5 min) and slow (1 h) time constants. */
  fastDials: number;
  fastLive: number;
  slowDials: number;
  slowLive: number;
  /** Decayed sum and count of dial-to-live-answer seconds. */
  answerSecSum: number;
  answerN: number;
  /** Safety margin, in standard deviations of expected answers; raised by abandons, lowered by clean answers. */
  margin: number;
  /** Until when (same clock as `now`) the controller holds after an answer-rate shift; 0 = not holding. */
  holdUntil: number;
  /** `now` of the previous decision, or -1. */
  lastNow: number;
}

/** A pacing decision. */
export interface PacingDecision {
  /** Customer calls to launch now. */
  launch: number;
  /** Calls in flight after the launch per forecast-available agent. */
  ratio: number;
  /** Rule that bound the decision. */
  boundBy: BoundBy;
  /** Short human reason for the wallboard. */
  reason: string;
  /** Live-answer rate the decision used. */
  answerRate: number;
  /** Agents expected to be available within the horizon (ready included). */
  agentsForecast: number;
  /** True while holding after an answer-rate shift. */
  holding: boolean;
  nextState: ControllerState;
}

const DEF = {
  abandonCap: 0.03,
  maxDialRatio: 8,
  maxCallsPerSecond: Infinity,
  intervalSec: 1,
  abandonGraceSec: 2,
  ringTimeoutSec: 20,
  answerShape: 4,
  initialAnswerRate: 0.2,
  initialAnswerSec: 9,
  initialMargin: 2,
  gain: 0.04,
  shiftHoldSec: 600,
};
const FAST_TAU = 300;
const SLOW_TAU = 3600;
const PRIOR_DIALS = 30;
const MARGIN_MIN = -1.5;
const MARGIN_MAX = 4;
const GRID = 5;
const gridA = new Float64Array(GRID);
const gridD = new Float64Array(GRID);
const gridF = new Float64Array(GRID);
/**
 * The real-valued arguments of the two forecast loops. Optimised code boxes each double it passes to a call it does
 * not inline into a new heap number; passed as arguments, they made the worker run a young-generation GC every ~37
 * ticks of the 1,000-campaign bench (59 in 2,200 ticks), and through this array every ~67 (33).
 */
const fargs = new Float64Array(9);
const FA_MU = 0, FA_SIGMA = 1, FA_C1 = 2, FA_STEP = 3, FA_T = 4, FA_P = 5, FA_ZS = 6, FA_MEAN = 7, FA_FT = 8;

/** Standard normal CDF at table position `fz` (`(z - PHI_LO) / PHI_STEP`), linear between entries. */
function phiAt(phi: Float64Array, top: number, fz: number): number {
  const i0 = fz | 0;
  return fz <= 0 ? 0 : fz >= top ? 1 : phi[i0] + (fz - i0) * (phi[i0 + 1] - phi[i0]);
}

/** Erlang CDF at `x` from its table (`zs` converts seconds to table steps); exact beyond the table. */
function erlangAt(erl: Float64Array, top: number, zs: number, x: number, k: number, mean: number): number {
  const fz = x * zs;
  if (fz <= 0) return 0;
  if (fz >= top) return erlangExact(x, k, mean);
  return erlLerp(erl, fz);
}

/** Erlang table value at position `fz` (0 < fz < top), linear between entries. */
function erlLerp(erl: Float64Array, fz: number): number {
  const i0 = fz | 0;
  return erl[i0] + (fz - i0) * (erl[i0 + 1] - erl[i0]);
}

/**
 * Adds to `A[j]` the chance that each agent on a call (elapsed `talk[off..off+len)` seconds, lognormal(mu, sigma)
 * talk time) has finished by `c1 + j * step` seconds from now: (F(e + c) - F(e)) / (1 - F(e)).
 */
function talkForecast(talk: ArrayLike<number>, off: number, len: number, A: Float64Array): void {
  const mu = fargs[FA_MU], sigma = fargs[FA_SIGMA], c1 = fargs[FA_C1], step = fargs[FA_STEP];
  const phi = phiTableFor();
  const inv = 1 / (sigma * PHI_STEP), base = (mu / sigma + PHI_LO) / PHI_STEP;
  const top = phi.length - 1;
  // grid points with c <= 0 add nothing (the call cannot have ended before now)
  let j0 = 0;
  while (j0 < GRID && c1 + j0 * step <= 0) j0++;
  for (let i = 0; i < len; i++) {
    const e = talk[off + i];
    const f0 = e > 0 ? phiAt(phi, top, lnFast(e) * inv - base) : 0;
    const s0 = 1 - f0;
    if (s0 <= 1e-9) continue;
    const r = 1 / s0;
    for (let j = j0; j < GRID; j++) {
      A[j] += (phiAt(phi, top, lnFast(e + c1 + j * step) * inv - base) - f0) * r;
    }
  }
}

/**
 * Adds to `D[j]` the expected live answers by `t = (j + 1) * T / GRID` seconds from now from the calls ringing for
 * `ring[off..off+len)` seconds: P(live | unanswered at c) * (F(min(c + t, T)) - F(c)) / (1 - F(c)), F the Erlang
 * answer time. A call is dropped when it has rung `T` seconds, so it cannot be answered after `T - c` from now: the
 * grid points past that add the call's whole remaining chance, F(T) - F(c) (`fargs[FA_FT]`), with no lookup.
 */
function ringForecast(ring: ArrayLike<number>, off: number, len: number, erl: Float64Array, k: number, D: Float64Array): void {
  const T = fargs[FA_T], p = fargs[FA_P], zs = fargs[FA_ZS], answerMean = fargs[FA_MEAN], FT = fargs[FA_FT];
  const eTop = erl.length - 1;
  const step = T / GRID, stepZ = step * zs, invT = 1 / T, invStep = 1 / step;
  // every lookup below is for an instant before T: no range checks when T itself is inside the table
  const inTable = T * zs < eTop;
  for (let i = 0; i < len; i++) {
    const c = ring[off + i];
    if (c >= T) continue;
    const fc = erlangAt(erl, eTop, zs, c, k, answerMean);
    const sl = p * (1 - fc);
    if (sl <= 1e-12) continue;
    // P(live | still ringing at c) / P(not yet answered | live), one division per call instead of three
    const sn = (1 - p) * Math.max(0.02, 1 - c * invT);
    const w = sl / ((sl + sn) * (1 - fc));
    // grid points j < jT are before the call's timeout (c + (j + 1) * step < T)
    let jT = Math.ceil((T - c) * invStep) - 1;
    if (jT > GRID) jT = GRID;
    let j = 0;
    if (inTable) {
      const fz0 = c * zs;
      for (; j < jT; j++) D[j] += w * (erlLerp(erl, fz0 + (j + 1) * stepZ) - fc);
    } else {
      for (; j < jT; j++) D[j] += w * (erlangAt(erl, eTop, zs, c + (j + 1) * step, k, answerMean) - fc);
    }
    const rest = w * (FT - fc);
    for (; j < GRID; j++) D[j] += rest;
  }
}

/** Fresh controller state for a campaign. */
export function initialControllerState(config: PacingConfig = {}): ControllerState {
  return {
    fastDials: 0, fastLive: 0, slowDials: 0, slowLive: 0, answerSecSum: 0, answerN: 0,
    margin: config.initialMargin ?? DEF.initialMargin, holdUntil: 0, lastNow: -1,
  };
}

/** Resolved configuration (numbers only) used by the core. */
interface Cfg {
  cap: number; target: number; maxRatio: number; cps: number; interval: number; grace: number;
  ringTimeout: number; shape: number; p0: number; a0: number; gain: number; hold: number;
}

function num(v: unknown, name: string, min: number, max: number, integer = false): void {
  if (typeof v !== 'number' || Number.isNaN(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw badPacingInput(`${name} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${String(v)}`);
  }
}

/** Validate and fill a {@link PacingConfig}. @throws PacingCoreError `BAD_PACING_INPUT` */
export function resolveConfig(c: PacingConfig = {}): Cfg {
  const cap = c.abandonCap ?? DEF.abandonCap;
  num(cap, 'config.abandonCap', 0, 1);
  const target = c.abandonTarget ?? 0.75 * cap;
  num(target, 'config.abandonTarget', 0, cap);
  const cfg: Cfg = {
    cap, target,
    maxRatio: c.maxDialRatio ?? DEF.maxDialRatio,
    cps: c.maxCallsPerSecond ?? DEF.maxCallsPerSecond,
    interval: c.intervalSec ?? DEF.intervalSec,
    grace: c.abandonGraceSec ?? DEF.abandonGraceSec,
    ringTimeout: c.ringTimeoutSec ?? DEF.ringTimeoutSec,
    shape: c.answerShape ?? DEF.answerShape,
    p0: c.initialAnswerRate ?? DEF.initialAnswerRate,
    a0: c.initialAnswerSec ?? DEF.initialAnswerSec,
    gain: c.gain ?? DEF.gain,
    hold: c.shiftHoldSec ?? DEF.shiftHoldSec,
  };
  num(cfg.maxRatio, 'config.maxDialRatio', 1, 100);
  num(cfg.cps, 'config.maxCallsPerSecond', 0, Infinity);
  num(cfg.interval, 'config.intervalSec', 0.01, 3600);
  num(cfg.grace, 'config.abandonGraceSec', 0, 60);
  num(cfg.ringTimeout, 'config.ringTimeoutSec', 1, 600);
  num(cfg.shape, 'config.answerShape', 1, 20, true);
  num(cfg.p0, 'config.initialAnswerRate', 0.001, 1);
  num(cfg.a0, 'config.initialAnswerSec', 0.1, 600);
  num(cfg.gain, 'config.gain', 0, 10);
  num(cfg.hold, 'config.shiftHoldSec', 0, 86400);
  if (c.initialMargin !== undefined) num(c.initialMargin, 'config.initialMargin', MARGIN_MIN, MARGIN_MAX);
  return cfg;
}

/** Numeric core input; arrays are read from `off` for `len` items so batches need no sub-array allocation. */
export interface CoreInput {
  mode: number; // index into MODES
  now: number;
  ready: number;
  talk: ArrayLike<number>; talkOff: number; talkLen: number;
  wrap: ArrayLike<number>; wrapOff: number; wrapLen: number;
  ring: ArrayLike<number>; ringOff: number; ringLen: number;
  talkMean: number; talkCv: number; wrapMean: number;
  resolved: number; live: number; liveSec: number; abandons: number;
  live24: number; ab24: number; live30: number; ab30: number;
  trunkBudget: number;
}

/** Numeric core output (reason formatting is separate and lazy). */
export interface CoreOutput {
  launch: number; ratio: number; bound: number; p: number; agents: number; holding: boolean;
  ringing: number; expectedAnswers: number; margin: number;
}

export const STATE_FIELDS = 9;

/** Pack a {@link ControllerState} into `arr[off..off+STATE_FIELDS)`. */
export function writeState(s: ControllerState, arr: Float64Array, off: number): void {
  arr[off] = s.fastDials; arr[off + 1] = s.fastLive; arr[off + 2] = s.slowDials; arr[off + 3] = s.slowLive;
  arr[off + 4] = s.answerSecSum; arr[off + 5] = s.answerN; arr[off + 6] = s.margin; arr[off + 7] = s.holdUntil;
  arr[off + 8] = s.lastNow;
}

/** Unpack a {@link ControllerState} from `arr[off..off+STATE_FIELDS)`. */
export function readState(arr: Float64Array, off: number): ControllerState {
  return {
    fastDials: arr[off], fastLive: arr[off + 1], slowDials: arr[off + 2], slowLive: arr[off + 3],
    answerSecSum: arr[off + 4], answerN: arr[off + 5], margin: arr[off + 6], holdUntil: arr[off + 7], lastNow: arr[off + 8],
  };
}

const B_PREVIEW = 0, B_NOAGENTS = 1, B_READY = 2, B_FORECAST = 3, B_RATIO = 4, B_CPS = 5, B_CAP = 6;

/** Decay factors of the last dt seen by {@link decideCore} (memo of two Math.exp calls). */
let decayDt = Number.NaN, decayFast = 1, decaySlow = 1;

/**
 * The decision core over packed state `st[so..so+STATE_FIELDS)`, updated in place. Allocation-free.
 * @internal exported for {@link paceMany}
 */
export function decideCore(x: CoreInput, cfg: Cfg, st: Float64Array, so: number, out: CoreOutput): void {
  // --- estimators (run in every mode so that switching to PREDICTIVE starts warm) ---
  const last = st[so + 8];
  const dt = last < 0 ? 0 : Math.max(0, (x.now - last) / 1000);
  // every campaign of a tick has the same dt: compute the two decay factors once per distinct dt
  if (dt !== decayDt) {
    decayDt = dt;
    decayFast = Math.exp(-dt / FAST_TAU);
    decaySlow = Math.exp(-dt / SLOW_TAU);
  }
  const df = decayFast, ds = decaySlow;
  st[so] = st[so] * df + x.resolved;
  st[so + 1] = st[so + 1] * df + x.live;
  st[so + 2] = st[so + 2] * ds + x.resolved;
  st[so + 3] = st[so + 3] * ds + x.live;
  st[so + 4] = st[so + 4] * ds + x.liveSec;
  st[so + 5] = st[so + 5] * ds + x.live;
  st[so + 8] = x.now;
  const pFast = (st[so + 1] + cfg.p0 * PRIOR_DIALS) / (st[so] + PRIOR_DIALS);
  const pSlow = (st[so + 3] + cfg.p0 * PRIOR_DIALS) / (st[so + 2] + PRIOR_DIALS);
  const answerMean = (st[so + 4] + cfg.a0 * 5) / (st[so + 5] + 5);

  // Answer-rate shift: the fast estimate left the slow one by more than 3 standard errors.
  let holding = x.now < st[so + 7];
  const se = Math.sqrt((pSlow * (1 - pSlow)) / (st[so] + PRIOR_DIALS));
  if (!holding && st[so] > 60 && Math.abs(pFast - pSlow) > 3 * se + 0.01) {
    holding = true;
    st[so + 7] = x.now + cfg.hold * 1000;
  } else if (!holding && st[so + 7] > 0) {
    // hold over: re-anchor the slow estimator on the new regime
    st[so + 2] = st[so];
    st[so + 3] = st[so + 1];
    st[so + 7] = 0;
  }
  const p = holding ? Math.max(pFast, pSlow) : pSlow;

  // Abandon controller: integral action on (abandons - target * live), target lowered as a window nears its cap.
  const r24 = x.ab24 / Math.max(x.live24, 100);
  const r30 = x.ab30 / Math.max(x.live30, 100);
  const worst = Math.max(r24, r30);
  const overCap = (x.live24 > 0 && x.ab24 >= cfg.cap * Math.max(x.live24, 100)) || (x.live30 > 0 && x.ab30 >= cfg.cap * Math.max(x.live30, 100));
  let target = cfg.target;
  if (worst > cfg.target) target = cfg.target * Math.max(0, (cfg.cap - worst) / Math.max(1e-9, cfg.cap - cfg.target));
  let margin = st[so + 6] + cfg.gain * (x.abandons - target * x.live);
  if (holding) margin = Math.max(margin, st[so + 6]);
  margin = Math.min(MARGIN_MAX, Math.max(MARGIN_MIN, margin));
  st[so + 6] = margin;

  out.p = p;
  out.holding = holding;
  out.margin = margin;
  out.ringing = x.ringLen;
  out.expectedAnswers = 0;
  const cpsBudget = Math.min(x.trunkBudget, Math.floor(cfg.cps * cfg.interval + 1e-9));
  const mode = MODES[x.mode];

  if (mode === 'PREVIEW') {
    out.launch = 0; out.ratio = 0; out.bound = B_PREVIEW; out.agents = x.ready;
    return;
  }
  if (mode !== 'PREDICTIVE') {
    // One customer call per ready agent (the agent is reserved while its call rings).
    let launch = x.ready;
    let bound = x.ready > 0 ? B_READY : B_NOAGENTS;
    if (launch > cpsBudget) { launch = Math.max(0, cpsBudget); bound = B_CPS; }
    out.launch = launch; out.agents = x.ready; out.bound = bound;
    out.ratio = x.ready > 0 ? 1 : 0;
    return;
  }

  // --- predictive ---
  // Expected agents available by t + grace, and expected live answers by t from calls ringing now, on a grid
  // t = T/GRID .. T (T = ring timeout: a call launched now is resolved by then).
  const T = cfg.ringTimeout, g = cfg.grace, k = cfg.shape;
  const W = x.wrapMean;
  const A = gridA, Dd = gridD;
  for (let j = 0; j < GRID; j++) { A[j] = x.ready; Dd[j] = 0; }
  for (let i = 0; i < x.wrapLen; i++) {
    const rem = W - x.wrap[x.wrapOff + i] - g;
    for (let j = 0; j < GRID; j++) if (rem <= (T * (j + 1)) / GRID) A[j]++;
  }
  // These two loops run for every agent on a call and every ringing call of every campaign each tick.
  if (T + g > W && x.talkLen > 0) {
    // lognormal parameters of the talk time (inline: no object per campaign per tick)
    const cv = Math.max(0.05, x.talkCv), s2 = Math.log(1 + cv * cv);
    fargs[FA_MU] = Math.log(Math.max(1, x.talkMean)) - s2 / 2;
    fargs[FA_SIGMA] = Math.sqrt(s2);
    fargs[FA_C1] = T / GRID + g - W;
    fargs[FA_STEP] = T / GRID;
    talkForecast(x.talk, x.talkOff, x.talkLen, A);
  }
  const erl = erlangTableFor(k);
  const zs = k / answerMean / ERL_STEP;
  const eTop = erl.length - 1;
  for (let j = 0; j < GRID; j++) gridF[j] = erlangAt(erl, eTop, zs, (T * (j + 1)) / GRID, k, answerMean);
  fargs[FA_T] = T; fargs[FA_P] = p; fargs[FA_ZS] = zs; fargs[FA_MEAN] = answerMean; fargs[FA_FT] = gridF[GRID - 1];
  ringForecast(x.ring, x.ringOff, x.ringLen, erl, k, Dd);
  let n = Infinity;
  for (let j = 0; j < GRID; j++) {
    const f = p * gridF[j];
    // largest expected answers x with x + margin * sqrt(x) <= agents
    const r = (-margin + Math.sqrt(margin * margin + 4 * Math.max(0, A[j]))) / 2;
    const cap = r > 0 ? r * r : 0;
    if (f > 1e-6) {
      const nj = (cap - Dd[j]) / f;
      if (nj < n) n = nj;
    }
  }
  const aT = A[GRID - 1], expT = Dd[GRID - 1];
  out.agents = aT;
  out.expectedAnswers = expT;
  let launch = Math.max(0, Math.floor(n));
  let bound = aT < 0.5 ? B_NOAGENTS : B_FORECAST;
  if (overCap) {
    // A rolling window is at its cap: only dial for agents already ready, at the expected answer rate.
    const safe = Math.max(0, Math.floor((x.ready - expT) / Math.max(p, 0.01)) - 0);
    if (safe < launch) { launch = Math.min(launch, safe); bound = B_CAP; }
  }
  // The progressive floor: a call for each ready agent beyond the calls already ringing cannot be abandoned (every
  // answer has its own free agent), so the forecast's safety margin never leaves a ready agent with nothing to
  // talk to (a one- or two-agent team would otherwise wait forever at a high margin).
  const floor = Math.max(0, x.ready - x.ringLen);
  if (launch < floor) { launch = floor; bound = B_READY; }
  const ratioCap = Math.floor(cfg.maxRatio * aT + 1e-9) - x.ringLen;
  if (launch > ratioCap) { launch = Math.max(0, ratioCap); bound = B_RATIO; }
  if (launch > cpsBudget) { launch = Math.max(0, cpsBudget); bound = B_CPS; }
  out.launch = launch;
  out.bound = bound;
  out.ratio = aT > 0 ? (x.ringLen + launch) / aT : 0;
}

function validateInput(i: PacingInput): void {
  if (i === null || typeof i !== 'object') throw badPacingInput('input must be an object');
  if (!MODES.includes(i.mode)) throw badPacingInput(`mode must be one of ${MODES.join(', ')}, got ${String(i.mode)}`);
  num(i.now, 'now', -Infinity, Infinity);
  if (!Number.isFinite(i.now)) throw badPacingInput('now must be finite');
  num(i.readyAgents, 'readyAgents', 0, 1e6, true);
  for (const f of ['talkingElapsedSec', 'wrapElapsedSec', 'ringingElapsedSec'] as const) {
    const a = i[f];
    if (a === undefined) continue;
    if (typeof a !== 'object' || typeof a.length !== 'number') throw badPacingInput(`${f} must be an array of seconds`);
    for (let j = 0; j < a.length; j++) {
      if (!(a[j] >= 0) || !Number.isFinite(a[j])) throw badPacingInput(`${f}[${j}] must be a finite number >= 0, got ${a[j]}`);
    }
  }
  const h = i.handleTime;
  if (h !== undefined) {
    num(h.talkMeanSec, 'handleTime.talkMeanSec', 0.1, 86400);
    num(h.talkCv, 'handleTime.talkCv', 0, 10);
    num(h.wrapMeanSec, 'handleTime.wrapMeanSec', 0, 86400);
  }
  const o = i.observed;
  if (o !== undefined) {
    num(o.resolved, 'observed.resolved', 0, 1e9, true);
    num(o.live, 'observed.live', 0, o.resolved, true);
    num(o.abandons, 'observed.abandons', 0, 1e9, true);
    num(o.liveAnswerSecSum, 'observed.liveAnswerSecSum', 0, Infinity);
  }
  for (const w of ['window24h', 'window30d'] as const) {
    const v = i[w];
    if (v === undefined) continue;
    num(v.live, `${w}.live`, 0, 1e12, true);
    num(v.abandons, `${w}.abandons`, 0, v.live, true);
  }
  if (i.trunkBudget !== undefined) num(i.trunkBudget, 'trunkBudget', 0, Infinity);
}

const EMPTY: number[] = [];

/** Talk (lognormal mean and CV) and wrap-up of a campaign, in seconds. */
export interface HandleTime {
  talkMeanSec: number;
  talkCv: number;
  wrapMeanSec: number;
}

/** Handle time assumed when none is given, and the prior of a new campaign's talk-time estimate. */
export const DEFAULT_HANDLE_TIME: Readonly<HandleTime> = Object.freeze({ talkMeanSec: 120, talkCv: 1, wrapMeanSec: 15 });

function toCore(i: PacingInput): CoreInput {
  const talk = i.talkingElapsedSec ?? EMPTY, wrap = i.wrapElapsedSec ?? EMPTY, ring = i.ringingElapsedSec ?? EMPTY;
  const h = i.handleTime ?? DEFAULT_HANDLE_TIME;
  const o = i.observed;
  return {
    mode: MODES.indexOf(i.mode), now: i.now, ready: i.readyAgents,
    talk, talkOff: 0, talkLen: talk.length, wrap, wrapOff: 0, wrapLen: wrap.length, ring, ringOff: 0, ringLen: ring.length,
    talkMean: h.talkMeanSec, talkCv: h.talkCv, wrapMean: h.wrapMeanSec,
    resolved: o?.resolved ?? 0, live: o?.live ?? 0, liveSec: o?.liveAnswerSecSum ?? 0, abandons: o?.abandons ?? 0,
    live24: i.window24h?.live ?? 0, ab24: i.window24h?.abandons ?? 0,
    live30: i.window30d?.live ?? 0, ab30: i.window30d?.abandons ?? 0,
    trunkBudget: i.trunkBudget ?? Infinity,
  };
}

/** A blank {@link CoreOutput}. */
export function newCoreOutput(): CoreOutput {
  return { launch: 0, ratio: 0, bound: 0, p: 0, agents: 0, holding: false, ringing: 0, expectedAnswers: 0, margin: 0 };
}

/** Format the wallboard reason of a decision. */
export function formatReason(mode: DialMode, ready: number, o: CoreOutput): string {
  const b = BOUND_BY[o.bound];
  if (mode === 'PREVIEW') return 'PREVIEW: agents launch calls themselves';
  if (mode !== 'PREDICTIVE') {
    return `${mode}: ${ready} ready agent(s) -> launch ${o.launch}` + (b === 'trunkCps' ? ' (limited by trunk CPS)' : '');
  }
  const rule: Record<BoundBy, string> = {
    preview: '', noAgents: 'no agent expected free', readyAgents: 'ready agents',
    agentForecast: 'agent forecast vs expected answers', maxDialRatio: 'max dial ratio', trunkCps: 'trunk CPS cap',
    abandonCap: 'abandon cap reached in a rolling window',
  };
  return (
    `PREDICTIVE: ${ready} ready, ${o.agents.toFixed(1)} agents by horizon, ${o.ringing} ringing ` +
    `(${o.expectedAnswers.toFixed(1)} answers exp.), answer rate ${(o.p * 100).toFixed(1)}%, margin ${o.margin.toFixed(2)}` +
    `${o.holding ? ', holding (answer-rate shift)' : ''} -> launch ${o.launch}, ratio ${o.ratio.toFixed(2)}; bound by ${rule[b]}`
  );
}

/**
 * Decide how many customer calls a campaign launches now.
 *
 * - PROGRESSIVE / AGENT_FIRST_FLOW: one customer call per ready agent.
 * - PREDICTIVE: the largest launch for which expected live answers stay under expected available agents (ready,
 *   in wrap-up, and talking agents whose elapsed time makes them likely to free up) at every point of the next
 *   ring-timeout horizon, with a safety margin steered by an abandon-rate controller; never above `maxDialRatio`
 *   calls in flight per forecast agent nor the trunk CPS budget; held conservative after an answer-rate shift.
 * - PREVIEW: 0.
 * @throws PacingCoreError `BAD_PACING_INPUT`
 */
export function decidePacing(input: PacingInput, state: ControllerState = initialControllerState(input?.config)): PacingDecision {
  validateInput(input);
  const cfg = resolveConfig(input.config);
  const st = new Float64Array(STATE_FIELDS);
  writeState(state, st, 0);
  const out = newCoreOutput();
  decideCore(toCore(input), cfg, st, 0, out);
  return {
    launch: out.launch,
    ratio: out.ratio,
    boundBy: BOUND_BY[out.bound],
    reason: formatReason(input.mode, input.readyAgents, out),
    answerRate: out.p,
    agentsForecast: out.agents,
    holding: out.holding,
    nextState: readState(st, 0),
  };
}

export { MODES };
