import { badPacingInput } from './errors.js';
import {
  BOUND_BY, DEFAULT_HANDLE_TIME, MODES, STATE_FIELDS, decideCore, formatReason, initialControllerState, newCoreOutput, resolveConfig,
  writeState, type BoundBy, type CoreInput, type DialMode, type PacingConfig, type PacingInput,
} from './pacing.js';

/** Float64 fields per campaign in {@link PacingBatch.campaigns}. */
export const CAMPAIGN_FIELDS = 21;
const F_MODE = 0, F_READY = 1, F_TALK_OFF = 2, F_TALK_LEN = 3, F_WRAP_OFF = 4, F_WRAP_LEN = 5, F_RING_OFF = 6,
  F_RING_LEN = 7, F_TALK_MEAN = 8, F_TALK_CV = 9, F_WRAP_MEAN = 10, F_RESOLVED = 11, F_LIVE = 12, F_LIVE_SEC = 13,
  F_ABANDONS = 14, F_LIVE24 = 15, F_AB24 = 16, F_LIVE30 = 17, F_AB30 = 18, F_TRUNK = 19, F_CONFIG = 20;

/** Per-campaign outputs of {@link paceMany}, written in place (views onto shared memory). */
export interface PacingBatchOutput {
  launch: Int32Array;
  ratio: Float32Array;
  /** Index into {@link BOUND_BY}. */
  boundBy: Uint8Array;
  answerRate: Float32Array;
  agentsForecast: Float32Array;
  expectedAnswers: Float32Array;
  margin: Float32Array;
  holding: Uint8Array;
}

/**
 * Many campaigns packed for one {@link paceMany} call. Everything numeric lives in typed arrays (on a
 * SharedArrayBuffer when created with `shared`), so handing a batch to the worker copies only a few small objects.
 * Fill it with {@link resetBatch} and {@link addCampaign}.
 */
export interface PacingBatch {
  /** Campaigns filled so far. */
  count: number;
  /** Elapsed-seconds slots used so far. */
  elapsedUsed: number;
  /** Current instant, epoch ms. */
  now: number;
  /** `CAMPAIGN_FIELDS` Float64 per campaign. */
  campaigns: Float64Array;
  /** Elapsed seconds (talking, wrap-up, ringing) referenced by offset from `campaigns`. */
  elapsed: Float64Array;
  /** Controller state, `STATE_FIELDS` per campaign; read and updated in place by {@link paceMany}. */
  state: Float64Array;
  /** Distinct pacing configurations referenced by index. */
  configs: PacingConfig[];
  /** Remaining calls per trunk for this tick (trunk CPS caps shared by campaigns); decremented in campaign order. */
  trunkBudget: Float64Array;
  out: PacingBatchOutput;
}

function alloc(bytes: number, shared: boolean): ArrayBufferLike {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/**
 * Allocate a batch.
 * @param maxCampaigns capacity in campaigns
 * @param maxElapsed capacity in elapsed-time entries (agents on calls + agents in wrap + calls ringing, all campaigns)
 * @param trunks number of trunks @default 1
 * @param shared allocate on SharedArrayBuffer @default true
 */
export function createPacingBatch(maxCampaigns: number, maxElapsed: number, trunks = 1, shared = true): PacingBatch {
  const m = maxCampaigns;
  const batch: PacingBatch = {
    count: 0,
    elapsedUsed: 0,
    now: 0,
    campaigns: new Float64Array(alloc(8 * m * CAMPAIGN_FIELDS, shared)),
    elapsed: new Float64Array(alloc(8 * Math.max(1, maxElapsed), shared)),
    state: new Float64Array(alloc(8 * m * STATE_FIELDS, shared)),
    configs: [{}],
    trunkBudget: new Float64Array(alloc(8 * Math.max(1, trunks), shared)).fill(Infinity),
    out: {
      launch: new Int32Array(alloc(4 * m, shared)),
      ratio: new Float32Array(alloc(4 * m, shared)),
      boundBy: new Uint8Array(alloc(m, shared)),
      answerRate: new Float32Array(alloc(4 * m, shared)),
      agentsForecast: new Float32Array(alloc(4 * m, shared)),
      expectedAnswers: new Float32Array(alloc(4 * m, shared)),
      margin: new Float32Array(alloc(4 * m, shared)),
      holding: new Uint8Array(alloc(m, shared)),
    },
  };
  const init = initialControllerState();
  for (let i = 0; i < m; i++) writeState(init, batch.state, i * STATE_FIELDS);
  return batch;
}

/** Start refilling a batch for a new tick (controller state is kept). */
export function resetBatch(batch: PacingBatch, now: number): void {
  batch.count = 0;
  batch.elapsedUsed = 0;
  batch.now = now;
}

/** Per-campaign input of a batch: a {@link PacingInput} without `now`/`config`, plus indexes. */
export type BatchCampaignInput = Omit<PacingInput, 'now' | 'config' | 'trunkBudget'> & {
  /** Index into `batch.configs`. @default 0 */
  configIndex?: number;
  /** Index into `batch.trunkBudget`, or -1 for no trunk cap. @default -1 */
  trunk?: number;
};

/**
 * Append campaign `batch.count` to the batch (validating its numbers, so that {@link paceMany} need not). Its controller state slot is the same index, so always add a
 * campaign at the same position across ticks (or copy its state slot).
 */
export function addCampaign(batch: PacingBatch, c: BatchCampaignInput): number {
  const i = batch.count;
  if ((i + 1) * CAMPAIGN_FIELDS > batch.campaigns.length) throw badPacingInput(`batch is full (${i} campaigns)`);
  const mode = MODES.indexOf(c.mode);
  if (mode < 0) throw badPacingInput(`mode must be one of ${MODES.join(', ')}, got ${String(c.mode)}`);
  if (!Number.isInteger(c.readyAgents) || c.readyAgents < 0) throw badPacingInput(`campaign ${i}: readyAgents must be a non-negative integer, got ${c.readyAgents}`);
  const b = batch.campaigns, o = i * CAMPAIGN_FIELDS;
  // allocation-free: this runs for every campaign every tick
  b[o + F_TALK_OFF] = batch.elapsedUsed;
  b[o + F_TALK_LEN] = putElapsed(batch, i, c.talkingElapsedSec, 'talkingElapsedSec');
  b[o + F_WRAP_OFF] = batch.elapsedUsed;
  b[o + F_WRAP_LEN] = putElapsed(batch, i, c.wrapElapsedSec, 'wrapElapsedSec');
  b[o + F_RING_OFF] = batch.elapsedUsed;
  b[o + F_RING_LEN] = putElapsed(batch, i, c.ringingElapsedSec, 'ringingElapsedSec');
  const h = c.handleTime ?? DEFAULT_HANDLE_TIME;
  b[o + F_MODE] = mode; b[o + F_READY] = c.readyAgents;
  b[o + F_TALK_MEAN] = h.talkMeanSec; b[o + F_TALK_CV] = h.talkCv; b[o + F_WRAP_MEAN] = h.wrapMeanSec;
  b[o + F_RESOLVED] = c.observed?.resolved ?? 0; b[o + F_LIVE] = c.observed?.live ?? 0;
  b[o + F_LIVE_SEC] = c.observed?.liveAnswerSecSum ?? 0; b[o + F_ABANDONS] = c.observed?.abandons ?? 0;
  b[o + F_LIVE24] = c.window24h?.live ?? 0; b[o + F_AB24] = c.window24h?.abandons ?? 0;
  b[o + F_LIVE30] = c.window30d?.live ?? 0; b[o + F_AB30] = c.window30d?.abandons ?? 0;
  const trunk = c.trunk ?? -1, cfg = c.configIndex ?? 0;
  if (!Number.isInteger(trunk) || trunk < -1 || trunk >= batch.trunkBudget.length) throw badPacingInput(`campaign ${i}: trunk ${trunk} is not -1 or a trunk index below ${batch.trunkBudget.length}`);
  if (!Number.isInteger(cfg) || cfg < 0 || cfg >= batch.configs.length) throw badPacingInput(`campaign ${i}: configIndex ${cfg} is not below ${batch.configs.length}`);
  b[o + F_TRUNK] = trunk; b[o + F_CONFIG] = cfg;
  batch.count = i + 1;
  return i;
}

/** Append elapsed seconds of campaign `i` at `batch.elapsedUsed` (validated); returns how many were appended. */
function putElapsed(batch: PacingBatch, i: number, arr: ArrayLike<number> | undefined, name: string): number {
  const len = arr?.length ?? 0;
  const off = batch.elapsedUsed, el = batch.elapsed;
  if (off + len > el.length) throw badPacingInput(`batch elapsed capacity ${el.length} exceeded`);
  for (let j = 0; j < len; j++) {
    const v = arr![j];
    if (!(v >= 0) || v === Infinity) throw badPacingInput(`campaign ${i}: ${name}[${j}] must be a finite number >= 0, got ${v}`);
    el[off + j] = v;
  }
  batch.elapsedUsed = off + len;
  return len;
}

/** Summary returned by {@link paceMany}; the per-campaign results are in `batch.out` (shared memory). */
export interface PaceManyResult {
  count: number;
  /** Total calls launched across campaigns. */
  launched: number;
  out: PacingBatchOutput;
}

/**
 * Pace every campaign of a batch in one call (one worker hand-off per tick). Reads `batch.state` and writes the
 * next controller state back into it; writes decisions into `batch.out`; spends `batch.trunkBudget` in campaign
 * order. Allocation-free per campaign.
 * @throws PacingCoreError `BAD_PACING_INPUT`
 */
export function paceMany(batch: PacingBatch): PaceManyResult {
  if (!Number.isInteger(batch.count) || batch.count < 0 || batch.count * CAMPAIGN_FIELDS > batch.campaigns.length) {
    throw badPacingInput(`batch.count ${batch.count} is outside the batch capacity`);
  }
  if (!Number.isFinite(batch.now)) throw badPacingInput('batch.now must be a finite number');
  const cfgs = batch.configs.map((c) => resolveConfig(c));
  const b = batch.campaigns, el = batch.elapsed, out = batch.out, budget = batch.trunkBudget;
  const co = newCoreOutput();
  const x: CoreInput = {
    mode: 0, now: batch.now, ready: 0, talk: el, talkOff: 0, talkLen: 0, wrap: el, wrapOff: 0, wrapLen: 0,
    ring: el, ringOff: 0, ringLen: 0, talkMean: 0, talkCv: 0, wrapMean: 0, resolved: 0, live: 0, liveSec: 0,
    abandons: 0, live24: 0, ab24: 0, live30: 0, ab30: 0, trunkBudget: Infinity,
  };
  let launched = 0;
  for (let i = 0; i < batch.count; i++) {
    const o = i * CAMPAIGN_FIELDS;
    x.mode = b[o + F_MODE]; x.ready = b[o + F_READY];
    x.talkOff = b[o + F_TALK_OFF]; x.talkLen = b[o + F_TALK_LEN]; x.wrapOff = b[o + F_WRAP_OFF]; x.wrapLen = b[o + F_WRAP_LEN];
    x.ringOff = b[o + F_RING_OFF]; x.ringLen = b[o + F_RING_LEN];
    x.talkMean = b[o + F_TALK_MEAN]; x.talkCv = b[o + F_TALK_CV]; x.wrapMean = b[o + F_WRAP_MEAN];
    x.resolved = b[o + F_RESOLVED]; x.live = b[o + F_LIVE]; x.liveSec = b[o + F_LIVE_SEC]; x.abandons = b[o + F_ABANDONS];
    x.live24 = b[o + F_LIVE24]; x.ab24 = b[o + F_AB24]; x.live30 = b[o + F_LIVE30]; x.ab30 = b[o + F_AB30];
    const trunk = b[o + F_TRUNK];
    x.trunkBudget = trunk >= 0 ? budget[trunk] : Infinity;
    const cfg = cfgs[b[o + F_CONFIG]];
    if (cfg === undefined) throw badPacingInput(`campaign ${i} references config ${b[o + F_CONFIG]}, batch has ${cfgs.length}`);
    decideCore(x, cfg, batch.state, i * STATE_FIELDS, co);
    if (trunk >= 0) budget[trunk] -= co.launch;
    out.launch[i] = co.launch; out.ratio[i] = co.ratio; out.boundBy[i] = co.bound; out.answerRate[i] = co.p;
    out.agentsForecast[i] = co.agents; out.expectedAnswers[i] = co.expectedAnswers; out.margin[i] = co.margin;
    out.holding[i] = co.holding ? 1 : 0;
    launched += co.launch;
  }
  return { count: batch.count, launched, out };
}

/** Read campaign `i`'s decision from a paced batch, with its wallboard reason formatted on demand. */
export function batchDecision(batch: PacingBatch, i: number): { launch: number; ratio: number; boundBy: BoundBy; reason: string } {
  const o = i * CAMPAIGN_FIELDS;
  const mode = MODES[batch.campaigns[o + F_MODE]] as DialMode;
  const out = batch.out;
  const co = {
    launch: out.launch[i], ratio: out.ratio[i], bound: out.boundBy[i], p: out.answerRate[i], agents: out.agentsForecast[i],
    holding: out.holding[i] === 1, ringing: batch.campaigns[o + F_RING_LEN], expectedAnswers: out.expectedAnswers[i],
    margin: out.margin[i],
  };
  return { launch: co.launch, ratio: co.ratio, boundBy: BOUND_BY[co.bound], reason: formatReason(mode, batch.campaigns[o + F_READY], co) };
}
