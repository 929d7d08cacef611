import { NumberState, REQUIRED_COLUMNS, type NumberColumns } from './columns.js';
import { badOrderInput } from './errors.js';
import { DEFAULT_WINDOW, zonesOpen, type CallingWindow } from './timezone.js';

/** Input of {@link orderNumbers}. Plain data plus typed arrays: safe to pass to the worker. */
export interface OrderInput {
  /** The campaign's numbers (see {@link allocateColumns}). */
  columns: NumberColumns;
  /** Time-zone table; `columns.zone[i]` indexes it. IANA names, e.g. `"Asia/Kolkata"`. */
  zones: readonly string[];
  /** The current instant, epoch ms. */
  now: number;
  /** How many numbers to return. @default all eligible numbers */
  k?: number;
  /** Agent asking (agent-first modes). Records owned by other agents are excluded; when omitted, every owned record is excluded. */
  forAgent?: number;
  /** Calling window in each contact's own zone. @default 09:00-21:00 */
  window?: CallingWindow;
  /** Campaign attempt cap used when a row has no cap of its own (`maxAttempts[i] === 0`). 0 = no cap. @default 0 */
  maxAttempts?: number;
  /** Number of distinct contacts (all `contact[i] < contactCount`). @default computed */
  contactCount?: number;
  /** Optional output buffer (e.g. on a SharedArrayBuffer) receiving the rows; needs length >= k. */
  out?: Int32Array;
}

/** How many rows each filter removed. Each row is counted once, under the first rule it fails, in this order. */
export interface RemovedCounts {
  /** Final state (completed, failed, cancelled...). */
  final: number;
  /** A call to this very number is in progress. */
  inProgress: number;
  /** Suppressed / DND / no balance. */
  suppressed: number;
  /** Attempts used reached the cap. */
  attemptCap: number;
  /** Not due yet (`nextAttemptAt > now`). */
  notDue: number;
  /** Owned by another agent (or owned at all, when ordering for the campaign pool). */
  ownedByOther: number;
  /** Outside the calling window in the contact's zone. */
  outsideWindow: number;
  /** Another number of the same contact is in progress. */
  contactBusy: number;
  /** Another number of the same contact ranks higher (one number per contact at a time). */
  otherNumberOfContact: number;
}

/** Output of {@link orderNumbers}. */
export interface OrderResult {
  /** Row indexes of the top-K numbers, in dial order. */
  rows: Int32Array;
  /** Dialable numbers before truncation to K (the hopper depth). */
  eligible: number;
  /** Of those, due callbacks/reschedules. */
  eligibleDue: number;
  /** What each filter removed. */
  removed: RemovedCounts;
}

// Scratch buffers, grown on demand and reused across calls (per thread).
let sKeys = new Uint32Array(0);
let sVals = new Int32Array(0);
let sTmpKeys = new Uint32Array(0);
let sTmpVals = new Int32Array(0);
let sBusy = new Int32Array(0);
let sBest = new Int32Array(0);
let sBestGen = new Int32Array(0);
let sDirty = new Int32Array(0);
// Packed sort elements: each Float64 is 2^52 + j * 2^32 + key, so its low 32 bits are the key and bits 32-51 the
// candidate index j; one 8-byte move per element per radix pass instead of two 4-byte streams. The Uint32 views
// alias the same memory (little-endian: word 2j is the key).
let sPackA = new Float64Array(0);
let sPackAU = new Uint32Array(0);
let sPackB = new Float64Array(0);
let sPackBU = new Uint32Array(0);
/** Exact primary time (nextAttemptAt or createdAt) of candidate j, for the tie fix-up without touching the columns. */
let sPrim = new Float64Array(0);
let gen = 0;
const hist = new Uint32Array(2048);
/** Histograms of the three key digits (bits 0-10, 11-21, 22-31), counted while the keys are built. */
const hist3 = new Uint32Array(3 * 2048);
const TWO52 = 2 ** 52, TWO32 = 2 ** 32;
/**
 * Candidate indexes must fit the 20 payload bits of a packed element; above that (or on a big-endian platform,
 * where word 2j would not be the key) the two-array sort is used.
 */
const PACK_LIMIT = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 2 ** 20 : 0;

function ensure(n: number, contacts: number): void {
  if (sKeys.length < n) {
    const cap = Math.max(n, sKeys.length * 2);
    sKeys = new Uint32Array(cap);
    sVals = new Int32Array(cap);
    sTmpKeys = new Uint32Array(cap);
    sTmpVals = new Int32Array(cap);
    const pc = Math.min(cap, PACK_LIMIT);
    const a = new ArrayBuffer(8 * pc), b = new ArrayBuffer(8 * pc);
    sPackA = new Float64Array(a);
    sPackAU = new Uint32Array(a);
    sPackB = new Float64Array(b);
    sPackBU = new Uint32Array(b);
    sPrim = new Float64Array(pc);
  }
  if (sDirty.length < n) sDirty = new Int32Array(Math.max(n, sDirty.length * 2)).fill(0);
  if (sBusy.length < contacts + 1) {
    const cap = Math.max(contacts + 1, sBusy.length * 2);
    sBusy = new Int32Array(cap);
    sBest = new Int32Array(cap);
    sBestGen = new Int32Array(cap);
    sDirty.fill(0);
    gen = 0;
  }
  gen++;
  if (gen > 0x7ffffff0) {
    sBusy.fill(0);
    sBestGen.fill(0);
    sDirty.fill(0);
    gen = 1;
  }
}

const COLUMN_TYPES: Record<string, Function> = {
  state: Uint8Array,
  nextAttemptAt: Float64Array,
  createdAt: Float64Array,
  priority: Int16Array,
  dialCount: Uint16Array,
  attempts: Uint16Array,
  maxAttempts: Uint16Array,
  ownerAgent: Int32Array,
  contact: Int32Array,
  zone: Uint16Array,
  suppressed: Uint8Array,
};

function validate(input: OrderInput): void {
  if (input === null || typeof input !== 'object') throw badOrderInput('input must be an object');
  const c = input.columns;
  if (c === null || typeof c !== 'object') throw badOrderInput('columns must be an object of typed arrays');
  const n = c.state?.length;
  for (const name of [...REQUIRED_COLUMNS, 'attempts', 'maxAttempts'] as const) {
    const col = c[name];
    if (col === undefined && (name === 'attempts' || name === 'maxAttempts')) continue;
    const T = COLUMN_TYPES[name];
    if (!(col instanceof T)) throw badOrderInput(`columns.${name} must be a ${T.name}`);
    if (col.length !== n) throw badOrderInput(`columns.${name} has length ${col.length}, expected ${n} (length of columns.state)`);
  }
  if (typeof input.now !== 'number' || !Number.isFinite(input.now)) throw badOrderInput('now must be a finite epoch-ms number');
  if (input.k !== undefined && (!Number.isInteger(input.k) || input.k < 0)) throw badOrderInput(`k must be a non-negative integer, got ${input.k}`);
  if (!Array.isArray(input.zones) || input.zones.length === 0) throw badOrderInput('zones must be a non-empty array of IANA zone names');
  if (input.zones.length > 65536) throw badOrderInput('zones may hold at most 65536 names');
  const w = input.window;
  if (w !== undefined) {
    for (const f of ['startMinute', 'endMinute'] as const) {
      const v = w[f];
      if (!Number.isInteger(v) || v < 0 || v > 1440) throw badOrderInput(`window.${f} must be an integer minute in [0, 1440], got ${v}`);
    }
  }
  if (input.maxAttempts !== undefined && (!Number.isInteger(input.maxAttempts) || input.maxAttempts < 0)) {
    throw badOrderInput(`maxAttempts must be a non-negative integer (0 = no cap), got ${input.maxAttempts}`);
  }
  if (input.forAgent !== undefined && !Number.isInteger(input.forAgent)) throw badOrderInput(`forAgent must be an integer agent index, got ${input.forAgent}`);
  if (input.contactCount !== undefined && (!Number.isInteger(input.contactCount) || input.contactCount < 0)) {
    throw badOrderInput(`contactCount must be a non-negative integer, got ${input.contactCount}`);
  }
  if (input.out !== undefined) {
    if (!(input.out instanceof Int32Array)) throw badOrderInput('out must be an Int32Array');
    const need = Math.min(input.k ?? n, n);
    if (input.out.length < need) throw badOrderInput(`out has length ${input.out.length}, needs at least ${need}`);
  }
}

/**
 * Exact dial order of two eligible rows: due callbacks (oldest scheduled first, then higher priority) before new
 * numbers (oldest created first, then fewest dials), then row index. Returns <0 when `a` dials first.
 */
function compareRows(c: NumberColumns, a: number, b: number): number {
  const ga = c.state[a] === NumberState.RETRY ? 0 : 1;
  const gb = c.state[b] === NumberState.RETRY ? 0 : 1;
  if (ga !== gb) return ga - gb;
  if (ga === 0) {
    const d = c.nextAttemptAt[a] - c.nextAttemptAt[b];
    if (d !== 0) return d;
    const p = c.priority[b] - c.priority[a];
    if (p !== 0) return p;
  } else {
    const d = c.createdAt[a] - c.createdAt[b];
    if (d !== 0) return d;
    const p = c.dialCount[a] - c.dialCount[b];
    if (p !== 0) return p;
  }
  return a - b;
}

function bitsFor(range: number): number {
  let b = 0;
  while (range > 0) {
    b++;
    range = Math.floor(range / 2);
  }
  return b;
}

/**
 * Stable LSD radix sort of `keys`/`vals[0..m)` on 11-bit digits (3 passes; measured faster than 8- or 16-bit digits
 * from 40k to 400k elements); skips digits that are constant.
 */
function radixSort(m: number): void {
  let k = sKeys, v = sVals, tk = sTmpKeys, tv = sTmpVals;
  for (let shift = 0; shift < 32; shift += 11) {
    hist.fill(0);
    for (let i = 0; i < m; i++) hist[(k[i] >>> shift) & 2047]++;
    if (hist[(k[0] >>> shift) & 2047] === m) continue;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = hist[d];
      hist[d] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const key = k[i];
      const pos = hist[(key >>> shift) & 2047]++;
      tk[pos] = key;
      tv[pos] = v[i];
    }
    const t1 = k; k = tk; tk = t1;
    const t2 = v; v = tv; tv = t2;
  }
  if (k !== sKeys) {
    sKeys.set(k.subarray(0, m));
    sVals.set(v.subarray(0, m));
  }
}

/**
 * Keep only the candidates that can be in the top `k`: whole buckets of the top key digit (and, when still large,
 * of the next digit) at or below the cut-off. A cut at bit `shift` never splits a run of equal scaled primary keys
 * because it is only made when the secondary field fits below `shift`.
 */
function selectTop(m: number, k: number, secBits: number): number {
  let keep = m;
  let below = 0; // kept elements strictly below the current bucket prefix
  let prefix = 0; // value of the key bits above `shift` shared by the bucket being refined
  for (const shift of [21, 10]) {
    if (keep <= 4 * k + 256 || secBits > shift) break;
    const span = 2 ** (shift + 11); // the bucket being refined covers [prefix, prefix + span)
    const unit = 2 ** shift;
    const keys = sKeys;
    hist.fill(0);
    for (let i = 0; i < keep; i++) {
      const d = keys[i] - prefix;
      if (d >= 0 && d < span) hist[Math.floor(d / unit)]++;
    }
    let cum = below;
    let cut = 2047;
    for (let d = 0; d < 2048; d++) {
      if (cum + hist[d] >= k) {
        cut = d;
        break;
      }
      cum += hist[d];
    }
    const limit = prefix + (cut + 1) * unit;
    let w = 0;
    for (let i = 0; i < keep; i++) {
      const key = sKeys[i];
      if (key < limit) {
        sKeys[w] = key;
        sVals[w] = sVals[i];
        w++;
      }
    }
    keep = w;
    below = cum;
    prefix = prefix + cut * unit;
  }
  return keep;
}

/**
 * Order a campaign's numbers and return the next `k` to dial.
 *
 * Order (seed 003): (1) due callbacks/reschedules (`RETRY` with `nextAttemptAt <= now`), oldest scheduled time
 * first, then higher priority; (2) new numbers, oldest created first, then fewest dials first; ties by row.
 * Filtered out, and counted in `removed`: final and in-progress numbers, suppressed numbers, numbers at their
 * attempt cap, numbers not due yet, records owned by another agent, numbers outside the calling window in their own
 * zone, numbers whose contact has a call in progress, and all but the best-ranked number of each contact.
 *
 * Runs in O(n) plus a radix sort of the eligible rows (or of the top-K candidates only when `k` is small).
 * @throws PacingCoreError `BAD_ORDER_INPUT` when an option is invalid
 */
export function orderNumbers(input: OrderInput): OrderResult {
  validate(input);
  const c = input.columns;
  const n = c.state.length;
  const now = input.now;
  const k = Math.min(input.k ?? n, n);
  const open = zonesOpen(input.zones, now, input.window ?? DEFAULT_WINDOW);
  let contacts = input.contactCount ?? -1;
  if (contacts < 0) contacts = maxOf(c.contact, n) + 1;
  ensure(n, contacts);
  // Each pass is its own small function so that V8 optimises it once and keeps it optimised.
  const bad = markBusy(c.state, c.contact, n, contacts, gen);
  if (bad >= 0) throw badOrderInput(`columns.contact[${bad}] = ${c.contact[bad]} is not below contactCount ${contacts}`);
  const m = filterPass(c, c.attempts ?? c.dialCount, c.maxAttempts ?? EMPTY_U16, c.maxAttempts !== undefined, n, now,
    input.maxAttempts ?? 0, input.forAgent ?? -1, open, contacts, gen);
  if (cnt[C_BAD_STATE] >= 0) throw badOrderInput(`columns.state[${cnt[C_BAD_STATE]}] = ${c.state[cnt[C_BAD_STATE]]} is not a NumberState code (0-3)`);
  if (cnt[C_BAD_ZONE] >= 0) throw badOrderInput(`columns.zone[${cnt[C_BAD_ZONE]}] = ${c.zone[cnt[C_BAD_ZONE]]} is outside the zones table (length ${input.zones.length})`);
  if (cnt[C_BAD_CONTACT] >= 0) throw badOrderInput(`columns.contact[${cnt[C_BAD_CONTACT]}] = ${c.contact[cnt[C_BAD_CONTACT]]} is not below contactCount ${contacts}`);
  const removed: RemovedCounts = {
    final: cnt[0], inProgress: cnt[1], suppressed: cnt[2], attemptCap: cnt[3], notDue: cnt[4],
    ownedByOther: cnt[5], outsideWindow: cnt[6], contactBusy: cnt[7], otherNumberOfContact: cnt[8],
  };
  const due = rng[R_DUE];
  const count = Math.min(k, m);
  const rows = input.out !== undefined ? input.out.subarray(0, count) : new Int32Array(count);
  sortCandidates(c, m, due, k, rows);
  return { rows, eligible: m, eligibleDue: due, removed };
}

const EMPTY_U16 = new Uint16Array(0);
/** Filter counters (RemovedCounts order), then the first bad row per check (-1 = none). */
const cnt = new Int32Array(12);
const C_BAD_STATE = 9, C_BAD_ZONE = 10, C_BAD_CONTACT = 11;
/** Group ranges: due count, due/new primary min/max, priority min/max, dial min/max, secondary bits. */
const rng = new Float64Array(12);
const R_DUE = 0, R_DMIN = 1, R_DMAX = 2, R_NMIN = 3, R_NMAX = 4, R_PMIN = 5, R_PMAX = 6, R_CMIN = 7, R_CMAX = 8, R_DSEC = 9, R_NSEC = 10;

function maxOf(a: Int32Array, n: number): number {
  let mx = -1;
  for (let i = 0; i < n; i++) if (a[i] > mx) mx = a[i];
  return mx;
}

/** Mark contacts with a number in progress; returns a bad row or -1. */
function markBusy(state: Uint8Array, contact: Int32Array, n: number, contacts: number, g: number): number {
  const busy = sBusy;
  for (let i = 0; i < n; i++) {
    if (state[i] === IN_PROGRESS) {
      const ct = contact[i];
      if (ct >= contacts) return i;
      if (ct >= 0) busy[ct + 1] = g;
    }
  }
  return -1;
}

const SCHEDULED = NumberState.SCHEDULED, RETRY = NumberState.RETRY, IN_PROGRESS = NumberState.IN_PROGRESS, FINAL = NumberState.FINAL;

/**
 * Apply the filters in order, counting removals into `cnt`, and gather the candidates into `sVals` with the per-group
 * key ranges into `rng`. Rows without a contact are appended; a contact's first eligible number takes a slot that a
 * better-ranked sibling later overwrites. Returns the candidate count.
 */
function filterPass(
  c: NumberColumns, attempts: Uint16Array, rowCap: Uint16Array, hasRowCap: boolean, n: number, now: number,
  campaignCap: number, forAgent: number, open: Uint8Array, contacts: number, g: number,
): number {
  const { state, nextAttemptAt, createdAt, priority, dialCount, suppressed, ownerAgent, zone, contact } = c;
  const busy = sBusy, slot = sBest, slotGen = sBestGen, vals = sVals;
  const zn = open.length;
  let rFinal = 0, rProg = 0, rSupp = 0, rCap = 0, rDue = 0, rOwn = 0, rWin = 0, rBusy = 0, rSib = 0;
  let badState = -1, badZone = -1, badContact = -1;
  let m = 0, due = 0;
  // Ranges over every row that was ever a candidate: a superset of the final candidates, which is all scaling needs.
  let dMin = Infinity, dMax = -Infinity, nMin = Infinity, nMax = -Infinity;
  let pMin = 32767, pMax = -32768, cMin = 65535, cMax = 0;
  for (let i = 0; i < n; i++) {
    const s = state[i];
    if (s === FINAL) { rFinal++; continue; }
    if (s === IN_PROGRESS) { rProg++; continue; }
    if (s !== SCHEDULED && s !== RETRY) { if (badState < 0) badState = i; continue; }
    if (suppressed[i] !== 0) { rSupp++; continue; }
    const rc = hasRowCap ? rowCap[i] : 0;
    const cap = rc !== 0 ? rc : campaignCap;
    if (cap !== 0 && attempts[i] >= cap) { rCap++; continue; }
    const next = nextAttemptAt[i];
    if (next > now) { rDue++; continue; }
    const own = ownerAgent[i];
    if (own >= 0 && own !== forAgent) { rOwn++; continue; }
    const z = zone[i];
    if (z >= zn) { if (badZone < 0) badZone = i; continue; }
    if (open[z] === 0) { rWin++; continue; }
    const ct = contact[i];
    if (ct >= 0) {
      if (ct >= contacts) { if (badContact < 0) badContact = i; continue; }
      if (busy[ct + 1] === g) { rBusy++; continue; }
      if (slotGen[ct] === g) {
        // one number per contact: keep the better-ranked one in the contact's slot
        rSib++;
        const j = slot[ct];
        const prev = vals[j];
        // Rows are scanned in ascending order, so on a full tie the earlier row (prev) stays.
        const sp = state[prev];
        let better: boolean;
        if (s !== sp) better = s === RETRY;
        else if (s === RETRY) {
          const d = next - nextAttemptAt[prev];
          better = d < 0 || (d === 0 && priority[i] > priority[prev]);
        } else {
          const d = createdAt[i] - createdAt[prev];
          better = d < 0 || (d === 0 && dialCount[i] < dialCount[prev]);
        }
        if (!better) continue;
        vals[j] = i;
        due += (s === RETRY ? 1 : 0) - (state[prev] === RETRY ? 1 : 0);
      } else {
        slotGen[ct] = g;
        slot[ct] = m;
        vals[m++] = i;
        if (s === RETRY) due++;
      }
    } else {
      vals[m++] = i;
      if (s === RETRY) due++;
    }
    if (s === RETRY) {
      if (next < dMin) dMin = next;
      if (next > dMax) dMax = next;
      const p = priority[i];
      if (p < pMin) pMin = p;
      if (p > pMax) pMax = p;
    } else {
      const t = createdAt[i];
      if (t < nMin) nMin = t;
      if (t > nMax) nMax = t;
      const d = dialCount[i];
      if (d < cMin) cMin = d;
      if (d > cMax) cMax = d;
    }
  }
  cnt[0] = rFinal; cnt[1] = rProg; cnt[2] = rSupp; cnt[3] = rCap; cnt[4] = rDue; cnt[5] = rOwn; cnt[6] = rWin;
  cnt[7] = rBusy; cnt[8] = rSib; cnt[C_BAD_STATE] = badState; cnt[C_BAD_ZONE] = badZone; cnt[C_BAD_CONTACT] = badContact;
  rng[R_DUE] = due; rng[R_DMIN] = dMin; rng[R_DMAX] = dMax; rng[R_NMIN] = nMin; rng[R_NMAX] = nMax;
  rng[R_PMIN] = pMin; rng[R_PMAX] = pMax; rng[R_CMIN] = cMin; rng[R_CMAX] = cMax;
  return m;
}

/** Key layout shared by both builders: [dPMax, dScale, dSecMul, nPMax, nScale, nSecMul]. */
const kp = new Float64Array(6);

/**
 * Key layout of the current candidates: bit 31 = group (0 due, 1 new); below it the primary time scaled into the
 * bits the secondary field leaves free, then the secondary (inverted priority, or dial count). Sets `kp` and
 * `rng[R_DSEC]`/`rng[R_NSEC]`; returns the secondary width.
 */
function keyLayout(m: number, due: number): number {
  const dMin = rng[R_DMIN], dMax = rng[R_DMAX], nMin = rng[R_NMIN], nMax = rng[R_NMAX];
  const dSec = due > 0 ? bitsFor(rng[R_PMAX] - rng[R_PMIN]) : 0;
  const nSec = m - due > 0 ? bitsFor(rng[R_CMAX] - rng[R_CMIN]) : 0;
  const dP = 31 - dSec, nP = 31 - nSec;
  kp[0] = 2 ** dP - 1;
  kp[1] = dMax > dMin ? (2 ** dP - 1) / (dMax - dMin) : 0;
  kp[2] = 2 ** dSec;
  kp[3] = 2 ** nP - 1;
  kp[4] = nMax > nMin ? (2 ** nP - 1) / (nMax - nMin) : 0;
  kp[5] = 2 ** nSec;
  rng[R_DSEC] = dSec;
  rng[R_NSEC] = nSec;
  return Math.max(dSec, nSec);
}

/** 32-bit sort key per candidate into `sKeys` (two-array path, see {@link keyLayout}). Returns the secondary width. */
function buildKeys(
  state: Uint8Array, nextAttemptAt: Float64Array, createdAt: Float64Array, priority: Int16Array, dialCount: Uint16Array,
  m: number, due: number,
): number {
  const sec = keyLayout(m, due);
  const dMin = rng[R_DMIN], nMin = rng[R_NMIN], pMax = rng[R_PMAX], cMin = rng[R_CMIN];
  const dPMax = kp[0], dScale = kp[1], dSecMul = kp[2], nPMax = kp[3], nScale = kp[4], nSecMul = kp[5];
  const keys = sKeys, vals = sVals;
  for (let j = 0; j < m; j++) {
    const i = vals[j];
    if (state[i] === RETRY) {
      const q = Math.min(dPMax, Math.floor((nextAttemptAt[i] - dMin) * dScale));
      keys[j] = q * dSecMul + (pMax - priority[i]);
    } else {
      const q = Math.min(nPMax, Math.floor((createdAt[i] - nMin) * nScale));
      keys[j] = 0x80000000 + q * nSecMul + (dialCount[i] - cMin);
    }
  }
  return sec;
}

/**
 * Packed path: the same keys as {@link buildKeys}, written into `sPackA` with the candidate index as payload, the
 * exact primary into `sPrim`, and the three digit histograms into `hist3` in the same pass.
 */
function buildPacked(
  state: Uint8Array, nextAttemptAt: Float64Array, createdAt: Float64Array, priority: Int16Array, dialCount: Uint16Array,
  m: number, due: number,
): number {
  const sec = keyLayout(m, due);
  const dMin = rng[R_DMIN], nMin = rng[R_NMIN], pMax = rng[R_PMAX], cMin = rng[R_CMIN];
  const dPMax = kp[0], dScale = kp[1], dSecMul = kp[2], nPMax = kp[3], nScale = kp[4], nSecMul = kp[5];
  const vals = sVals, pack = sPackA, prim = sPrim, h = hist3;
  h.fill(0);
  for (let j = 0; j < m; j++) {
    const i = vals[j];
    let key: number;
    if (state[i] === RETRY) {
      const t = nextAttemptAt[i];
      prim[j] = t;
      key = Math.min(dPMax, Math.floor((t - dMin) * dScale)) * dSecMul + (pMax - priority[i]);
    } else {
      const t = createdAt[i];
      prim[j] = t;
      key = 0x80000000 + Math.min(nPMax, Math.floor((t - nMin) * nScale)) * nSecMul + (dialCount[i] - cMin);
    }
    pack[j] = TWO52 + j * TWO32 + key;
    h[key & 2047]++;
    h[2048 + ((key >>> 11) & 2047)]++;
    h[4096 + (key >>> 22)]++;
  }
  return sec;
}

/**
 * Packed path of {@link selectTop}: keep only the elements whose top key digits put them at or before the bucket
 * holding the `k`-th smallest key, compacting `sPackA` in place; recounts `hist3` over the kept elements.
 */
function selectTopPacked(m: number, k: number, secBits: number): number {
  let keep = m;
  const p = sPackA, u = sPackAU, h = hist3;
  // Digit 2 (bits 22-31) is already counted; a cut at bit `shift` never splits a run of equal scaled primary
  // because it is only made when the secondary field fits below `shift`.
  let limit = TWO32, base = 0, below = 0;
  for (const shift of [22, 11]) {
    if (keep <= 4 * k + 256 || secBits > shift) break;
    const hOff = shift === 22 ? 4096 : 2048;
    if (shift === 11) {
      // count digit 1 of the elements inside the current bucket only
      h.fill(0, 2048, 4096);
      for (let x = 0; x < keep; x++) {
        const key = u[2 * x];
        if (key >= base) h[2048 + ((key >>> 11) & 2047)]++;
      }
    }
    let cum = below, cut = 2047;
    for (let d = 0; d < 2048; d++) {
      if (cum + h[hOff + d] >= k) { cut = d; break; }
      cum += h[hOff + d];
    }
    const unit = 2 ** shift;
    limit = base + (cut + 1) * unit;
    let w = 0;
    for (let x = 0; x < keep; x++) {
      if (u[2 * x] < limit) p[w++] = p[x];
    }
    keep = w;
    below = cum;
    base = base + cut * unit;
  }
  if (keep < m) {
    h.fill(0);
    for (let x = 0; x < keep; x++) {
      const key = u[2 * x];
      h[key & 2047]++;
      h[2048 + ((key >>> 11) & 2047)]++;
      h[4096 + (key >>> 22)]++;
    }
  }
  return keep;
}

/**
 * Stable LSD radix sort of the packed elements `sPackA[0..m)` on their 32-bit keys: 11-bit digits, histograms from
 * `hist3`, constant digits skipped. Returns the array holding the result (`sPackA` or `sPackB`).
 */
function radixPacked(m: number): Float64Array {
  let src = sPackA, srcU = sPackAU, dst = sPackB, dstU = sPackBU;
  const h = hist3;
  if (m === 0) return src;
  for (let d = 0; d < 3; d++) {
    const shift = 11 * d, off = 2048 * d;
    if (h[off + ((srcU[0] >>> shift) & 2047)] === m) continue;
    let sum = 0;
    for (let x = off; x < off + 2048; x++) {
      const c = h[x];
      h[x] = sum;
      sum += c;
    }
    for (let x = 0; x < m; x++) dst[h[off + ((srcU[2 * x] >>> shift) & 2047)]++] = src[x];
    const t = src; src = dst; dst = t;
    const tu = srcU; srcU = dstU; dstU = tu;
  }
  return src;
}

/**
 * Packed path of {@link fixUp}: runs with the same scaled primary whose exact primaries differ, or whose equal keys
 * are out of row order (a contact's slot may hold a later row), are re-sorted by (exact primary, key, row) read from
 * the compact `sPrim`/`sVals` (the key's low bits order the secondary field exactly).
 */
function fixUpPacked(p: Float64Array, m: number, dSec: number, nSec: number): void {
  const u = p === sPackA ? sPackAU : sPackBU;
  const prim = sPrim, vals = sVals;
  let j = 0;
  while (j < m) {
    const key = u[2 * j];
    const sh = key >>> 31 === 0 ? dSec : nSec;
    const qm = key >>> sh;
    let e = j + 1;
    while (e < m && u[2 * e] >>> sh === qm) e++;
    if (e - j > 1) {
      let mixed = false;
      let prevC = u[2 * j + 1] & 0xfffff;
      const t0 = prim[prevC];
      for (let x = j + 1; x < e; x++) {
        const c = u[2 * x + 1] & 0xfffff;
        if (prim[c] !== t0 || (u[2 * x] === u[2 * x - 2] && vals[c] < vals[prevC])) { mixed = true; break; }
        prevC = c;
      }
      if (mixed && e - j <= 32) {
        for (let x = j + 1; x < e; x++) {
          const v = p[x];
          const c = u[2 * x + 1] & 0xfffff, kv = u[2 * x], tv = prim[c], rv = vals[c];
          let y = x - 1;
          while (y >= j) {
            const cy = u[2 * y + 1] & 0xfffff, ty = prim[cy];
            if (ty < tv || (ty === tv && (u[2 * y] < kv || (u[2 * y] === kv && vals[cy] < rv)))) break;
            p[y + 1] = p[y];
            y--;
          }
          p[y + 1] = v;
        }
      } else if (mixed) {
        const run = Array.from(p.subarray(j, e));
        run.sort((a, b) => {
          const ka = a % TWO32, kb = b % TWO32;
          const ca = Math.floor((a - TWO52) / TWO32), cb = Math.floor((b - TWO52) / TWO32);
          return prim[ca] - prim[cb] || ka - kb || vals[ca] - vals[cb];
        });
        for (let x = 0; x < run.length; x++) p[j + x] = run[x];
      }
    }
    j = e;
  }
}

/** Rows of the sorted packed elements `p[0..count)` into `out`. */
function extractRows(p: Float64Array, count: number, out: Int32Array): void {
  const u = p === sPackA ? sPackAU : sPackBU;
  const vals = sVals;
  for (let x = 0; x < count; x++) out[x] = vals[u[2 * x + 1] & 0xfffff];
}

/**
 * Sort the candidates `sVals[0..m)` into dial order and write the first `count` rows (count = min(k, m)) into `out`.
 * Uses the packed radix path when the candidate indexes fit its payload, else the two-array path.
 */
function sortCandidates(c: NumberColumns, m: number, due: number, k: number, out: Int32Array): void {
  const { state, nextAttemptAt, createdAt, priority, dialCount } = c;
  if (m < PACK_LIMIT) {
    const secBits = buildPacked(state, nextAttemptAt, createdAt, priority, dialCount, m, due);
    const cand = k < m ? selectTopPacked(m, k, secBits) : m;
    const p = radixPacked(cand);
    fixUpPacked(p, cand, rng[R_DSEC], rng[R_NSEC]);
    extractRows(p, Math.min(k, cand), out);
    return;
  }
  const secBits = buildKeys(state, nextAttemptAt, createdAt, priority, dialCount, m, due);
  const cand = k < m ? selectTop(m, k, secBits) : m;
  radixSort(cand);
  fixUp(c, cand, rng[R_DSEC], rng[R_NSEC]);
  out.set(sVals.subarray(0, Math.min(k, cand)));
}

/** Runs with the same scaled primary but different exact primaries are re-sorted with the exact comparator. */
function fixUp(c: NumberColumns, cand: number, dSec: number, nSec: number): void {
  const keys = sKeys, vals = sVals;
  let j = 0;
  while (j < cand) {
    const key = keys[j];
    const grp = key >>> 31;
    const sh = grp === 0 ? dSec : nSec;
    const qm = key >>> sh;
    let e = j + 1;
    while (e < cand && keys[e] >>> sh === qm) e++;
    if (e - j > 1) {
      const col = grp === 0 ? c.nextAttemptAt : c.createdAt;
      const t0 = col[vals[j]];
      // Needs the exact comparator when exact primaries differ, or when equal keys are not in row order (a
      // contact's slot may hold a later row).
      let mixed = false;
      for (let x = j + 1; x < e; x++) {
        if (col[vals[x]] !== t0 || (keys[x] === keys[x - 1] && vals[x] < vals[x - 1])) { mixed = true; break; }
      }
      if (mixed && e - j <= 24) {
        // short runs (the common case): insertion sort in place
        for (let x = j + 1; x < e; x++) {
          const v = vals[x], kv = keys[x];
          let y = x - 1;
          while (y >= j && compareRows(c, v, vals[y]) < 0) {
            vals[y + 1] = vals[y];
            keys[y + 1] = keys[y];
            y--;
          }
          vals[y + 1] = v;
          keys[y + 1] = kv;
        }
      } else if (mixed) {
        const run = Array.from(vals.subarray(j, e));
        run.sort((a, b) => compareRows(c, a, b));
        for (let x = 0; x < run.length; x++) vals[j + x] = run[x];
      }
    }
    j = e;
  }
}

/**
 * Rows in dial-order key order, built once by {@link buildOrderIndex} and reused by {@link orderFromIndex} for cheap
 * refills. Plain data: keep it on a SharedArrayBuffer next to the columns.
 */
export interface OrderIndex {
  /** RETRY rows by (nextAttemptAt, priority desc, row), then SCHEDULED rows by (createdAt, dialCount, row). */
  rows: Int32Array;
  /** `rows[0..retryCount)` are the RETRY rows. */
  retryCount: number;
  /** Row count of the columns it was built from. */
  size: number;
  /** Contact count of the columns it was built from. */
  contactCount: number;
}

/**
 * Sort every SCHEDULED and RETRY row of a campaign by its dial-order key (filters are not applied: they depend on
 * "now" and are evaluated at refill time).
 * @param shared put `rows` on a SharedArrayBuffer @default true
 * @throws PacingCoreError `BAD_ORDER_INPUT`
 */
export function buildOrderIndex(columns: NumberColumns, shared = true): OrderIndex {
  validate({ columns, zones: ['UTC'], now: 0 });
  const c = columns;
  const n = c.state.length;
  const contacts = maxOf(c.contact, n) + 1;
  ensure(n, contacts);
  const { state, nextAttemptAt, createdAt, priority, dialCount } = c;
  const vals = sVals;
  let m = 0, due = 0;
  let dMin = Infinity, dMax = -Infinity, nMin = Infinity, nMax = -Infinity;
  let pMin = 32767, pMax = -32768, cMin = 65535, cMax = 0;
  for (let i = 0; i < n; i++) {
    const s = state[i];
    if (s === RETRY) {
      vals[m++] = i;
      due++;
      const t = nextAttemptAt[i];
      if (t < dMin) dMin = t;
      if (t > dMax) dMax = t;
      if (priority[i] < pMin) pMin = priority[i];
      if (priority[i] > pMax) pMax = priority[i];
    } else if (s === SCHEDULED) {
      vals[m++] = i;
      const t = createdAt[i];
      if (t < nMin) nMin = t;
      if (t > nMax) nMax = t;
      if (dialCount[i] < cMin) cMin = dialCount[i];
      if (dialCount[i] > cMax) cMax = dialCount[i];
    }
  }
  rng[R_DUE] = due; rng[R_DMIN] = dMin; rng[R_DMAX] = dMax; rng[R_NMIN] = nMin; rng[R_NMAX] = nMax;
  rng[R_PMIN] = pMin; rng[R_PMAX] = pMax; rng[R_CMIN] = cMin; rng[R_CMAX] = cMax;
  const rows = new Int32Array(shared ? new SharedArrayBuffer(4 * m) : new ArrayBuffer(4 * m));
  sortCandidates(c, m, due, m, rows);
  return { rows, retryCount: due, size: n, contactCount: contacts };
}

/** Input of {@link orderFromIndex}: an {@link OrderInput} plus the index and the rows changed since it was built. */
export interface IndexedOrderInput extends OrderInput {
  index: OrderIndex;
  /**
   * Rows whose state, `nextAttemptAt`, `createdAt`, `priority` or `dialCount` changed since the index was built.
   * Filters always use the current column values, so an unlisted change can never let a filtered number through;
   * it can only leave that row out of, or out of place in, the order. @default none
   */
  dirty?: Int32Array | readonly number[];
}

/** Output of {@link orderFromIndex}. `removed` counts only the rows examined before `k` numbers were found. */
export interface IndexedOrderResult extends OrderResult {
  /** Rows examined (the walk stops once `k` numbers are found). */
  examined: number;
}

/**
 * Refill: the next `k` numbers in exactly the order of {@link orderNumbers}, by walking a prebuilt
 * {@link OrderIndex} merged with the (re-sorted) dirty rows, and stopping at `k`. Cost: one byte scan for busy
 * contacts, plus O(examined + dirty log dirty). `eligible` is a lower bound here; `removed` is partial. Rebuild the
 * index when the dirty list grows large (e.g. beyond a few percent of the rows).
 * @throws PacingCoreError `BAD_ORDER_INPUT`
 */
export function orderFromIndex(input: IndexedOrderInput): IndexedOrderResult {
  validate(input);
  const c = input.columns;
  const n = c.state.length;
  const idx = input.index;
  if (idx === null || typeof idx !== 'object' || !(idx.rows instanceof Int32Array)) throw badOrderInput('index must be an OrderIndex from buildOrderIndex');
  if (idx.size !== n) throw badOrderInput(`index was built for ${idx.size} rows, columns have ${n}: rebuild it`);
  const now = input.now;
  const k = Math.min(input.k ?? n, n);
  const open = zonesOpen(input.zones, now, input.window ?? DEFAULT_WINDOW);
  const contacts = Math.max(idx.contactCount, input.contactCount ?? 0);
  ensure(n, contacts);
  const g = gen;
  const bad = markBusy(c.state, c.contact, n, contacts, g);
  if (bad >= 0) throw badOrderInput(`columns.contact[${bad}] = ${c.contact[bad]} is not below contactCount ${contacts}`);
  const { state, nextAttemptAt, suppressed, ownerAgent, zone, contact } = c;
  const attempts = c.attempts ?? c.dialCount;
  const rowCap = c.maxAttempts;
  const campaignCap = input.maxAttempts ?? 0;
  const forAgent = input.forAgent ?? -1;
  const dirtyStamp = sDirty, taken = sBestGen, busy = sBusy;
  const dirty: number[] = [];
  for (const r of input.dirty ?? []) {
    if (!Number.isInteger(r) || r < 0 || r >= n) throw badOrderInput(`dirty row ${r} is outside the columns (length ${n})`);
    if (dirtyStamp[r] === g) continue;
    dirtyStamp[r] = g;
    if (state[r] === SCHEDULED || state[r] === RETRY) dirty.push(r);
  }
  dirty.sort((a, b) => compareRows(c, a, b));
  const dirtyRetries = dirty.findIndex((r) => state[r] !== RETRY);
  const dEnd0 = dirtyRetries < 0 ? dirty.length : dirtyRetries;

  const removed: RemovedCounts = {
    final: 0, inProgress: 0, suppressed: 0, attemptCap: 0, notDue: 0,
    ownedByOther: 0, outsideWindow: 0, contactBusy: 0, otherNumberOfContact: 0,
  };
  const out = input.out !== undefined ? input.out : new Int32Array(k);
  let count = 0, examined = 0, eligibleDue = 0;
  const zn = open.length;

  /** Apply every filter to row i (current values); returns true when it was added. */
  const consider = (i: number): boolean => {
    examined++;
    const s = state[i];
    if (s === FINAL) { removed.final++; return false; }
    if (s === IN_PROGRESS) { removed.inProgress++; return false; }
    if (suppressed[i] !== 0) { removed.suppressed++; return false; }
    const rc = rowCap !== undefined ? rowCap[i] : 0;
    const cap = rc !== 0 ? rc : campaignCap;
    if (cap !== 0 && attempts[i] >= cap) { removed.attemptCap++; return false; }
    if (nextAttemptAt[i] > now) { removed.notDue++; return false; }
    const own = ownerAgent[i];
    if (own >= 0 && own !== forAgent) { removed.ownedByOther++; return false; }
    const z = zone[i];
    if (z >= zn) throw badOrderInput(`columns.zone[${i}] = ${z} is outside the zones table (length ${zn})`);
    if (open[z] === 0) { removed.outsideWindow++; return false; }
    const ct = contact[i];
    if (ct >= 0) {
      if (ct >= contacts) throw badOrderInput(`columns.contact[${i}] = ${ct} is not below contactCount ${contacts}`);
      if (busy[ct + 1] === g) { removed.contactBusy++; return false; }
      if (taken[ct] === g) { removed.otherNumberOfContact++; return false; }
      taken[ct] = g;
    }
    out[count++] = i;
    if (s === RETRY) eligibleDue++;
    return true;
  };

  // Merge the clean index rows of one group with that group's sorted dirty rows.
  const walk = (from: number, to: number, dFrom: number, dTo: number, group: number): void => {
    const rows = idx.rows;
    let a = from, d = dFrom;
    while (count < k) {
      while (a < to && (dirtyStamp[rows[a]] === g || state[rows[a]] !== group)) a++;
      const hasA = a < to, hasD = d < dTo;
      if (!hasA && !hasD) return;
      let r: number;
      if (hasA && (!hasD || compareRows(c, rows[a], dirty[d]) < 0)) r = rows[a++];
      else r = dirty[d++];
      // Both streams are in nextAttemptAt order, so once a callback is not due, no later one is.
      if (group === RETRY && nextAttemptAt[r] > now) {
        examined++;
        removed.notDue++;
        return;
      }
      consider(r);
    }
  };
  walk(0, idx.retryCount, 0, dEnd0, RETRY);
  walk(idx.retryCount, idx.rows.length, dEnd0, dirty.length, SCHEDULED);
  return { rows: out.subarray(0, count), eligible: count, eligibleDue, removed, examined };
}
