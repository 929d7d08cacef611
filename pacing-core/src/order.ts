import { NumberState, REQUIRED_COLUMNS, type NumberColumns } from './columns.js';
import { badOrderInput } from './errors.js';
import { K_BUSY, K_CMAX, K_CMIN, K_DMAX, K_DMIN, K_DUE, K_MN, K_MR, K_NMAX, K_NMIN, K_PMAX, K_PMIN, K_SIB, OrderKernel } from './order-wasm.js';
import { DEFAULT_WINDOW, zonesOpenDetail, type CallingWindow, type ZoneEntry } from './timezone.js';

/** Input of {@link orderNumbers}. Plain data plus typed arrays: safe to pass to the worker. */
export interface OrderInput {
  /** The campaign's numbers (see {@link allocateColumns}). */
  columns: NumberColumns;
  /**
   * Time-zone table; `columns.zone[i]` indexes it. IANA names, e.g. `"Asia/Kolkata"`, or candidate sets for numbers
   * whose zone is uncertain, e.g. `["America/Boise", "America/Los_Angeles"]`: such a row is inside the calling window
   * only while the window holds in every zone of its set (see {@link ZoneEntry}).
   */
  zones: readonly ZoneEntry[];
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
  /**
   * Implementation: the WebAssembly kernel, or the TypeScript one (the reference; also used for invalid input and
   * for more than 2^24 rows).
   * Both return identical results. `auto` uses WebAssembly from {@link WASM_MIN_ROWS} rows when it is available.
   * @default 'auto'
   */
  engine?: OrderEngine;
}

/** See {@link OrderInput.engine}. */
export type OrderEngine = 'auto' | 'js' | 'wasm';

/** Below this many rows, `engine: 'auto'` uses the TypeScript path (copying into the kernel would not pay). */
export const WASM_MIN_ROWS = 2048;
/** The kernel packs a 40-bit key above a 24-bit row: it serves up to 2^24 rows (larger inputs take the TypeScript path). */
const KERNEL_MAX_ROWS = 2 ** 24;
/** Value bits of the kernel's keys below the group bit. */
const KERNEL_VALUE_BITS = 39;

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
  /** Outside the calling window in the contact's zone (in at least one zone of its candidate set). */
  outsideWindow: number;
  /**
   * Of `outsideWindow`: rows whose candidate set is open in some of its zones but not all, held back by the most
   * restrictive rule only (not a separate rule: already counted in `outsideWindow`).
   */
  outsideWindowUncertainZone: number;
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
// Packed sort elements: each Float64 is 2^52 + row * 2^32 + key, so its low 32 bits are the key and bits 32-51 the
// row; one 8-byte move per element per radix pass instead of two 4-byte streams. The Uint32 views alias the same
// memory (little-endian: word 2x is the key of element x).
let sPackA = new Float64Array(0);
let sPackAU = new Uint32Array(0);
let sPackB = new Float64Array(0);
let sPackBU = new Uint32Array(0);
/** Exact primary time (nextAttemptAt or createdAt) of each packed element, moved with it by the radix passes. */
let sPrim = new Float64Array(0);
let sPrimB = new Float64Array(0);
let gen = 0;
const hist = new Uint32Array(2048);
/** Histograms of the three key digits (bits 0-10, 11-21, 22-31), counted while the keys are built. */
const hist3 = new Uint32Array(3 * 2048);
const TWO52 = 2 ** 52, TWO32 = 2 ** 32;
/**
 * Rows must fit the 20 payload bits of a packed element; for more rows (or on a big-endian platform, where word 2x
 * would not be the key) the two-array sort is used.
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
    sPrimB = new Float64Array(pc);
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
  if (!Array.isArray(input.zones) || input.zones.length === 0) throw badOrderInput('zones must be a non-empty array of IANA zone names (or candidate sets)');
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
  if (input.engine !== undefined && input.engine !== 'auto' && input.engine !== 'js' && input.engine !== 'wasm') {
    throw badOrderInput(`engine must be 'auto', 'js' or 'wasm', got ${String(input.engine)}`);
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
  const { open, partlyOpen } = zonesOpenDetail(input.zones, now, input.window ?? DEFAULT_WINDOW);
  let contacts = input.contactCount ?? -1;
  if (contacts < 0) contacts = maxOf(c.contact, n) + 1;
  const engine = input.engine ?? 'auto';
  if (n < KERNEL_MAX_ROWS && (engine === 'wasm' || (engine === 'auto' && n >= WASM_MIN_ROWS))) {
    const kernel = orderKernel();
    if (kernel === null && engine === 'wasm') throw badOrderInput("engine 'wasm' needs WebAssembly, which this runtime lacks");
    // null: invalid input, which the TypeScript path below reports precisely
    const res = kernel === null ? null : orderWithKernel(kernel, input, open, contacts, k);
    if (res !== null) return withUncertainZones(res, input, partlyOpen);
  }
  ensure(n, contacts);
  // Each pass is its own small function so that V8 optimises it once and keeps it optimised.
  const bad = markBusy(c.state, c.contact, n, contacts, gen);
  if (bad >= 0) throw badOrderInput(`columns.contact[${bad}] = ${c.contact[bad]} is not below contactCount ${contacts}`);
  const campaignCap = input.maxAttempts ?? 0;
  const f: FilterArgs = {
    attempts: c.attempts ?? c.dialCount, rowCap: c.maxAttempts ?? EMPTY_U16, hasRowCap: c.maxAttempts !== undefined,
    now, capEff: campaignCap === 0 ? 65536 : Math.min(campaignCap, 65536), forAgent: input.forAgent ?? -1, contacts, gen,
  };
  for (let z = 0; z < open.length; z++) ZONE_BITS[z] = open[z] === 1 ? 0 : B_WIN;
  try {
    filterMasks(c, f, n);
    countMasks();
    if (cnt[C_BAD_STATE] === -2 || cnt[C_BAD_ZONE] === -2 || cnt[C_BAD_CONTACT] === -2) throw badRowError(c, f, input.zones.length);
  } finally {
    ZONE_BITS.fill(B_ZONE, 0, open.length);
  }
  const m = onePerContact(c, rng[R_MR], rng[R_MN], gen);
  const removed: RemovedCounts = {
    final: cnt[0], inProgress: cnt[1], suppressed: cnt[2], attemptCap: cnt[3], notDue: cnt[4],
    ownedByOther: cnt[5], outsideWindow: cnt[6], outsideWindowUncertainZone: 0, contactBusy: cnt[7], otherNumberOfContact: cnt[8],
  };
  const due = rng[R_DUE];
  const count = Math.min(k, m);
  const rows = input.out !== undefined ? input.out.subarray(0, count) : new Int32Array(count);
  sortCandidates(c, m, due, k, rows);
  return withUncertainZones({ rows, eligible: m, eligibleDue: due, removed }, input, partlyOpen);
}

let kernelInstance: OrderKernel | null | undefined;
/** This thread's WebAssembly kernel (created once), or null without WebAssembly. */
function orderKernel(): OrderKernel | null {
  if (kernelInstance === undefined) kernelInstance = OrderKernel.create(STATE_BITS, B_ZONE);
  return kernelInstance;
}

/**
 * {@link orderNumbers} through the WebAssembly kernel: the same passes as the TypeScript path, with the counting and
 * the key layout shared. Returns null when a row is invalid (the caller then reports it).
 */
function orderWithKernel(kernel: OrderKernel, input: OrderInput, open: Uint8Array, contacts: number, k: number): OrderResult | null {
  const c = input.columns;
  const n = c.state.length;
  const g = kernel.load(c, contacts);
  const fn = kernel.fn;
  if (fn.markBusy(n, contacts, g) >= 0) return null;
  const campaignCap = input.maxAttempts ?? 0;
  const zb = kernel.zoneBits;
  for (let z = 0; z < open.length; z++) zb[z] = open[z] === 1 ? 0 : B_WIN;
  try {
    fn.filter(n, c.maxAttempts !== undefined ? 1 : 0, input.now, Math.min(campaignCap, 65536), input.forAgent ?? -1, contacts,
      open.length);
  } finally {
    zb.fill(B_ZONE, 0, open.length);
  }
  maskHist.set(kernel.hist);
  countMasks();
  if (cnt[C_BAD_STATE] === -2 || cnt[C_BAD_ZONE] === -2 || cnt[C_BAD_CONTACT] === -2) return null;
  const kr = kernel.res;
  const mr = kr[K_MR], mn = kr[K_MN];
  rng[R_DMIN] = kr[K_DMIN]; rng[R_DMAX] = kr[K_DMAX]; rng[R_NMIN] = kr[K_NMIN]; rng[R_NMAX] = kr[K_NMAX];
  rng[R_PMIN] = kr[K_PMIN]; rng[R_PMAX] = kr[K_PMAX]; rng[R_CMIN] = kr[K_CMIN]; rng[R_CMAX] = kr[K_CMAX];
  // key layout from the filter's candidate ranges, then busy contacts, one number per contact and the keys in one pass
  const secBits = keyLayout(mr + mn, mr, KERNEL_VALUE_BITS);
  // a top-k call counts only the top key digit while packing; selectTop then recounts over what it keeps
  const topOnly = 4 * k + 256 < mr + mn;
  const m = fn.dedupPack(mr, mn, g, rng[R_DMIN], kp[0], kp[1], kp[2], rng[R_PMAX], rng[R_NMIN], kp[3], kp[4], kp[5], rng[R_CMIN],
    topOnly ? 1 : 0);
  const due = kr[K_DUE];
  rng[R_DUE] = due;
  const removed: RemovedCounts = {
    final: cnt[0], inProgress: cnt[1], suppressed: cnt[2], attemptCap: cnt[3], notDue: cnt[4],
    ownedByOther: cnt[5], outsideWindow: cnt[6], outsideWindowUncertainZone: 0, contactBusy: kr[K_BUSY], otherNumberOfContact: kr[K_SIB],
  };
  const cand = k < m || topOnly ? fn.selectTop(m, k, secBits) : m;
  const inB = fn.radix(cand);
  const count = Math.min(k, cand);
  fn.fixUp(inB, cand, rng[R_DSEC], rng[R_NSEC], count);
  const rows = input.out !== undefined ? input.out.subarray(0, count) : new Int32Array(count);
  rows.set(kernel.out.subarray(0, count));
  return { rows, eligible: m, eligibleDue: due, removed };
}

/**
 * Fills `removed.outsideWindowUncertainZone`: rows that reached the window rule (no earlier rule removed them) and
 * whose candidate set is open in some zones only. One pass over the rows, and only when such a set exists now.
 */
function withUncertainZones(res: OrderResult, input: OrderInput, partlyOpen: Uint8Array | null): OrderResult {
  if (partlyOpen === null) return res;
  const c = input.columns;
  const n = c.state.length;
  const { state, zone, suppressed, nextAttemptAt, ownerAgent } = c;
  const attempts = c.attempts ?? c.dialCount;
  const rowCap = c.maxAttempts;
  const campaignCap = input.maxAttempts ?? 0;
  const forAgent = input.forAgent ?? -1;
  const now = input.now;
  let held = 0;
  for (let i = 0; i < n; i++) {
    if (partlyOpen[zone[i]] !== 1) continue;
    // the rules before the window rule, in order (see maskOf)
    const s = state[i];
    if (s !== SCHEDULED && s !== RETRY) continue;
    if (suppressed[i] !== 0) continue;
    const rc = rowCap !== undefined ? rowCap[i] : 0;
    const cap = rc !== 0 ? rc : campaignCap;
    if (cap !== 0 && attempts[i] >= cap) continue;
    if (nextAttemptAt[i] > now) continue;
    const own = ownerAgent[i];
    if (own >= 0 && own !== forAgent) continue;
    held++;
  }
  res.removed.outsideWindowUncertainZone = held;
  return res;
}

const EMPTY_U16 = new Uint16Array(0);
/** Filter counters (RemovedCounts order), then the first bad row per check (-1 = none). */
const cnt = new Int32Array(12);
const C_BAD_STATE = 9, C_BAD_ZONE = 10, C_BAD_CONTACT = 11;
/** Group ranges: due count, due/new primary min/max, priority min/max, dial min/max, secondary bits. */
const rng = new Float64Array(13);
const R_DUE = 0, R_DMIN = 1, R_DMAX = 2, R_NMIN = 3, R_NMAX = 4, R_PMIN = 5, R_PMAX = 6, R_CMIN = 7, R_CMAX = 8, R_DSEC = 9, R_NSEC = 10,
  R_MR = 11, R_MN = 12;

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
 * Filter bits, in rule order: a row is counted under its lowest set bit (the first rule it fails). The three "bad"
 * bits mark invalid input, reported only when no earlier rule removed the row (as the rules are checked in order).
 */
const B_FINAL = 1, B_PROG = 2, B_STATE = 4, B_SUPP = 8, B_CAP = 16, B_DUE = 32, B_OWN = 64, B_ZONE = 128, B_WIN = 256,
  B_CONTACT = 512, B_BUSY = 1024;
/** Removed-count slot of each rule bit (RemovedCounts order), or the C_BAD_* slot for the invalid-input bits. */
const BIT_SLOT = [0, 1, C_BAD_STATE, 2, 3, 4, 5, C_BAD_ZONE, 6, C_BAD_CONTACT, 7];
/** Filter bits of each state code. */
const STATE_BITS = new Uint16Array(256).fill(B_STATE);
STATE_BITS[SCHEDULED] = 0;
STATE_BITS[RETRY] = 0;
STATE_BITS[IN_PROGRESS] = B_PROG;
STATE_BITS[FINAL] = B_FINAL;
/** Filter bits per zone index: entries below the table length are set per call (0 open, B_WIN closed) and reset after. */
const ZONE_BITS = new Uint16Array(65536).fill(B_ZONE);
/** How many rows had each filter mask. */
const maskHist = new Uint32Array(2048);

/** Arguments of the filters that are fixed for one call (see {@link rowMask}). */
interface FilterArgs {
  attempts: Uint16Array;
  rowCap: Uint16Array;
  hasRowCap: boolean;
  now: number;
  /** The campaign cap, or 65536 for none (never reached by a Uint16 count). */
  capEff: number;
  forAgent: number;
  contacts: number;
  gen: number;
}

/**
 * Mask of the rules a row fails (B_* bits) from its values, computed without data-dependent branches (random data
 * would make branches mispredict on most rows). `ZONE_BITS` must be set for the call.
 */
function maskOf(
  s: number, ct: number, rc: number, own: number, supp: number, att: number, next: number, z: number,
  now: number, capEff: number, forAgent: number, contacts: number, g: number,
): number {
  // contact slot: 0 for "no contact" (negative), else ct + 1
  const ci = (ct + 1) & ~(ct >> 31);
  const badC = +(ci > contacts);
  // the row's own cap, else the campaign's
  const cap = rc | (capEff & ((rc - 1) >> 31));
  return STATE_BITS[s]
    | (+(supp !== 0) << 3)
    | (+(att >= cap) << 4)
    | (+(next > now) << 5)
    | ((+(own >= 0) & +(own !== forAgent)) << 6)
    | ZONE_BITS[z]
    | (badC << 9)
    | (+(sBusy[ci & (badC - 1)] === g) << 10);
}

let sZeros = new Uint16Array(0);
/** A zero-filled Uint16Array of at least `n` elements (shared scratch: never written). */
function zeros(n: number): Uint16Array {
  if (sZeros.length < n) sZeros = new Uint16Array(Math.max(n, 2 * sZeros.length));
  return sZeros;
}

/** {@link maskOf} of row `i`. */
function rowMask(c: NumberColumns, f: FilterArgs, i: number): number {
  return maskOf(c.state[i], c.contact[i], f.hasRowCap ? f.rowCap[i] : 0, c.ownerAgent[i], c.suppressed[i], f.attempts[i],
    c.nextAttemptAt[i], c.zone[i], f.now, f.capEff, f.forAgent, f.contacts, f.gen);
}

/**
 * Apply the filters: count each row's mask in `maskHist`, and append rows with an empty mask to the RETRY list
 * (`sVals`) or the SCHEDULED list (`sTmpVals`) in row order, without branching on the row; the list lengths go to
 * `rng[R_MR]` and `rng[R_MN]`.
 */
function filterMasks(c: NumberColumns, f: FilterArgs, n: number): void {
  const { state, contact, ownerAgent, suppressed, nextAttemptAt, zone } = c;
  const { attempts, now, capEff, forAgent, contacts, gen: g } = f;
  // rows without a cap column read zeros (no per-row branch)
  const rowCap = f.hasRowCap ? f.rowCap : zeros(n);
  const valsR = sVals, valsN = sTmpVals, h = maskHist;
  h.fill(0);
  let mr = 0, mn = 0;
  for (let i = 0; i < n; i++) {
    const s = state[i];
    const mask = maskOf(s, contact[i], rowCap[i], ownerAgent[i], suppressed[i], attempts[i], nextAttemptAt[i],
      zone[i], now, capEff, forAgent, contacts, g);
    h[mask]++;
    const ok = +(mask === 0);
    const r = s & 1;
    valsR[mr] = i;
    valsN[mn] = i;
    mr += ok & r;
    mn += ok & (r ^ 1);
  }
  rng[R_MR] = mr;
  rng[R_MN] = mn;
}

/** Turn `maskHist` into the removed counts and first-bad-row slots of `cnt` (bad rows: -2 = some, found later). */
function countMasks(): void {
  cnt.fill(0, 0, 9);
  cnt[C_BAD_STATE] = -1; cnt[C_BAD_ZONE] = -1; cnt[C_BAD_CONTACT] = -1;
  const h = maskHist;
  for (let mask = 1; mask < 2048; mask++) {
    const count = h[mask];
    if (count === 0) continue;
    const slot = BIT_SLOT[31 - Math.clz32(mask & -mask)];
    if (slot >= C_BAD_STATE) cnt[slot] = -2;
    else cnt[slot] += count;
  }
}

/**
 * The error for the first invalid row (bad state, then bad zone, then bad contact), found by recomputing the masks;
 * only called when {@link countMasks} saw one. A row is invalid only when no earlier rule removed it.
 */
function badRowError(c: NumberColumns, f: FilterArgs, zoneCount: number): Error {
  for (const [bit, slot] of [[B_STATE, C_BAD_STATE], [B_ZONE, C_BAD_ZONE], [B_CONTACT, C_BAD_CONTACT]]) {
    if (cnt[slot] !== -2) continue;
    let i = 0;
    while ((rowMask(c, f, i) & -rowMask(c, f, i)) !== bit) i++;
    if (bit === B_STATE) return badOrderInput(`columns.state[${i}] = ${c.state[i]} is not a NumberState code (0-3)`);
    if (bit === B_ZONE) return badOrderInput(`columns.zone[${i}] = ${c.zone[i]} is outside the zones table (length ${zoneCount})`);
    return badOrderInput(`columns.contact[${i}] = ${c.contact[i]} is not below contactCount ${f.contacts}`);
  }
  return badOrderInput('invalid row');
}

/**
 * One number per contact, over the two candidate lists: RETRY candidates (`sVals[0..mr)`) are compacted in place,
 * then SCHEDULED ones (`sTmpVals[0..mn)`) appended, so `sVals` holds the due group first; a contact's slot keeps its
 * best-ranked number (a RETRY beats a SCHEDULED one; on a full tie the earlier row stays). Also computes the per-group
 * key ranges into `rng`. Returns the candidate count; `rng[R_DUE]` is the RETRY count.
 */
function onePerContact(c: NumberColumns, mr: number, mn: number, g: number): number {
  cnt[8] = 0;
  // due callbacks rank by (nextAttemptAt, higher priority), new numbers by (createdAt, fewer dials)
  const due = contactGroup(c, sVals, mr, 0, g, c.nextAttemptAt, c.priority, -1, 0, R_DMIN, R_PMIN);
  rng[R_DUE] = due;
  return contactGroup(c, sTmpVals, mn, due, g, c.createdAt, c.dialCount, 1, due, R_NMIN, R_CMIN);
}

/**
 * One group of {@link onePerContact}: candidates `from[0..count)` appended to `sVals` from `w` on; returns the next
 * free position. `secSign` -1 ranks a higher secondary first, +1 a lower one. Slots below `keepBelow` belong to the
 * due group, which a new number never replaces. Min and max of the primary go to `rng[tSlot]`, `rng[tSlot + 1]`,
 * of the secondary to `rng[sSlot]`, `rng[sSlot + 1]`.
 */
function contactGroup(
  c: NumberColumns, from: Int32Array, count: number, w: number, g: number, primCol: Float64Array,
  secCol: Int16Array | Uint16Array, secSign: number, keepBelow: number, tSlot: number, sSlot: number,
): number {
  const contact = c.contact, slot = sBest, slotGen = sBestGen, vals = sVals;
  let tMin = Infinity, tMax = -Infinity, sMin = Infinity, sMax = -Infinity, sib = 0;
  for (let j = 0; j < count; j++) {
    const i = from[j];
    const t = primCol[i], sec = secCol[i];
    if (t < tMin) tMin = t;
    if (t > tMax) tMax = t;
    if (sec < sMin) sMin = sec;
    if (sec > sMax) sMax = sec;
    const ct = contact[i];
    if (ct >= 0) {
      if (slotGen[ct] === g) {
        sib++;
        const x = slot[ct];
        if (x < keepBelow) continue;
        const prev = vals[x];
        const d = t - primCol[prev];
        if (d < 0 || (d === 0 && secSign * (sec - secCol[prev]) < 0)) vals[x] = i;
        continue;
      }
      slotGen[ct] = g;
      slot[ct] = w;
    }
    vals[w++] = i;
  }
  cnt[8] += sib;
  rng[tSlot] = tMin; rng[tSlot + 1] = tMax; rng[sSlot] = sMin; rng[sSlot + 1] = sMax;
  return w;
}

/** Key layout shared by both builders: [dPMax, dScale, dSecMul, nPMax, nScale, nSecMul]. */
const kp = new Float64Array(6);

/**
 * Key layout of the current candidates: bit `valueBits` = group (0 due, 1 new); below it the primary time scaled
 * into the bits the secondary field leaves free, then the secondary (inverted priority, or dial count). Sets `kp`
 * and `rng[R_DSEC]`/`rng[R_NSEC]`; returns the secondary width. The TypeScript path uses 32-bit keys, the
 * WebAssembly kernel 40-bit ones ({@link KERNEL_VALUE_BITS}).
 */
function keyLayout(m: number, due: number, valueBits = 31): number {
  const dMin = rng[R_DMIN], dMax = rng[R_DMAX], nMin = rng[R_NMIN], nMax = rng[R_NMAX];
  const dSec = due > 0 ? bitsFor(rng[R_PMAX] - rng[R_PMIN]) : 0;
  const nSec = m - due > 0 ? bitsFor(rng[R_CMAX] - rng[R_CMIN]) : 0;
  const dP = valueBits - dSec, nP = valueBits - nSec;
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

/**
 * 32-bit sort key per candidate into `sKeys` (two-array path, see {@link keyLayout}); candidates `[0, due)` are the
 * RETRY group. Returns the secondary width.
 */
function buildKeys(nextAttemptAt: Float64Array, createdAt: Float64Array, priority: Int16Array, dialCount: Uint16Array, m: number, due: number): number {
  const sec = keyLayout(m, due);
  const dMin = rng[R_DMIN], nMin = rng[R_NMIN], pMax = rng[R_PMAX], cMin = rng[R_CMIN];
  const dPMax = kp[0], dScale = kp[1], dSecMul = kp[2], nPMax = kp[3], nScale = kp[4], nSecMul = kp[5];
  const keys = sKeys, vals = sVals;
  for (let j = 0; j < due; j++) {
    const i = vals[j];
    keys[j] = Math.min(dPMax, Math.floor((nextAttemptAt[i] - dMin) * dScale)) * dSecMul + (pMax - priority[i]);
  }
  for (let j = due; j < m; j++) {
    const i = vals[j];
    keys[j] = 0x80000000 + Math.min(nPMax, Math.floor((createdAt[i] - nMin) * nScale)) * nSecMul + (dialCount[i] - cMin);
  }
  return sec;
}

/**
 * Packed path: the same keys as {@link buildKeys}, written into `sPackA` with the candidate index as payload, the
 * exact primary into `sPrim`, and the three digit histograms into `hist3` in the same pass.
 */
function buildPacked(nextAttemptAt: Float64Array, createdAt: Float64Array, priority: Int16Array, dialCount: Uint16Array, m: number, due: number): number {
  const sec = keyLayout(m, due);
  hist3.fill(0);
  packGroup(nextAttemptAt, priority, 0, due, rng[R_DMIN], kp[0], kp[1], kp[2], rng[R_PMAX], -1, 0);
  packGroup(createdAt, dialCount, due, m, rng[R_NMIN], kp[3], kp[4], kp[5], -rng[R_CMIN], 1, 0x80000000);
  return sec;
}

/**
 * Packed keys of the candidates `[from, to)` of one group:
 * `base + min(pMax, floor((prim - pMin) * scale)) * secMul + secBase + secSign * sec`.
 */
function packGroup(
  primCol: Float64Array, secCol: Int16Array | Uint16Array, from: number, to: number, pMin: number, pMax: number,
  scale: number, secMul: number, secBase: number, secSign: number, base: number,
): void {
  const vals = sVals, pack = sPackA, prim = sPrim, h = hist3;
  for (let j = from; j < to; j++) {
    const i = vals[j];
    const t = primCol[i];
    prim[j] = t;
    const key = base + Math.min(pMax, Math.floor((t - pMin) * scale)) * secMul + secBase + secSign * secCol[i];
    pack[j] = TWO52 + i * TWO32 + key;
    h[key & 2047]++;
    h[2048 + ((key >>> 11) & 2047)]++;
    h[4096 + (key >>> 22)]++;
  }
}

/**
 * Packed path of {@link selectTop}: keep only the elements whose top key digits put them at or before the bucket
 * holding the `k`-th smallest key, compacting `sPackA` in place; recounts `hist3` over the kept elements.
 */
function selectTopPacked(m: number, k: number, secBits: number): number {
  let keep = m;
  const p = sPackA, u = sPackAU, prim = sPrim, h = hist3;
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
      if (u[2 * x] < limit) {
        prim[w] = prim[x];
        p[w++] = p[x];
      }
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
 * Stable LSD radix sort of the packed elements `sPackA[0..m)` (and their exact primaries `sPrim`) on their 32-bit
 * keys: 11-bit digits, histograms from `hist3`, constant digits skipped. Returns true when the result is in
 * `sPackB`/`sPrimB` rather than `sPackA`/`sPrim`.
 */
function radixPacked(m: number): boolean {
  let src = sPackA, srcU = sPackAU, dst = sPackB, dstU = sPackBU, sp = sPrim, dp = sPrimB;
  const h = hist3;
  let inB = false;
  if (m === 0) return inB;
  for (let d = 0; d < 3; d++) {
    const shift = 11 * d, off = 2048 * d;
    if (h[off + ((srcU[0] >>> shift) & 2047)] === m) continue;
    let sum = 0;
    for (let x = off; x < off + 2048; x++) {
      const c = h[x];
      h[x] = sum;
      sum += c;
    }
    for (let x = 0; x < m; x++) {
      const pos = h[off + ((srcU[2 * x] >>> shift) & 2047)]++;
      dst[pos] = src[x];
      dp[pos] = sp[x];
    }
    const t = src; src = dst; dst = t;
    const tu = srcU; srcU = dstU; dstU = tu;
    const tp = sp; sp = dp; dp = tp;
    inB = !inB;
  }
  return inB;
}

/**
 * Packed path of {@link fixUp}: runs with the same scaled primary whose exact primaries differ, or whose equal keys
 * are out of row order (a contact's slot may hold a later row), are re-sorted by (exact primary, key, row); the
 * exact primaries travel with the elements, so this reads memory in order.
 */
function fixUpPacked(inB: boolean, m: number, dSec: number, nSec: number): void {
  const p = inB ? sPackB : sPackA, u = inB ? sPackBU : sPackAU, prim = inB ? sPrimB : sPrim;
  let j = 0;
  while (j < m) {
    const key = u[2 * j];
    const sh = key >>> 31 === 0 ? dSec : nSec;
    const qm = key >>> sh;
    let e = j + 1;
    while (e < m && u[2 * e] >>> sh === qm) e++;
    if (e - j > 1) {
      let mixed = false;
      const t0 = prim[j];
      for (let x = j + 1; x < e; x++) {
        if (prim[x] !== t0 || (u[2 * x] === u[2 * x - 2] && u[2 * x + 1] < u[2 * x - 1])) { mixed = true; break; }
      }
      if (mixed && e - j <= 32) {
        for (let x = j + 1; x < e; x++) {
          const v = p[x], tv = prim[x];
          const kv = u[2 * x], rv = u[2 * x + 1];
          let y = x - 1;
          while (y >= j) {
            const ty = prim[y];
            if (ty < tv || (ty === tv && (u[2 * y] < kv || (u[2 * y] === kv && u[2 * y + 1] < rv)))) break;
            p[y + 1] = p[y];
            prim[y + 1] = ty;
            y--;
          }
          p[y + 1] = v;
          prim[y + 1] = tv;
        }
      } else if (mixed) {
        const order = Array.from({ length: e - j }, (_, x) => j + x);
        order.sort((a, b) => prim[a] - prim[b] || u[2 * a] - u[2 * b] || u[2 * a + 1] - u[2 * b + 1]);
        const vs = order.map((x) => p[x]), ts = order.map((x) => prim[x]);
        for (let x = 0; x < vs.length; x++) {
          p[j + x] = vs[x];
          prim[j + x] = ts[x];
        }
      }
    }
    j = e;
  }
}

/** Rows of the sorted packed elements `[0, count)` into `out`. */
function extractRows(inB: boolean, count: number, out: Int32Array): void {
  const u = inB ? sPackBU : sPackAU;
  for (let x = 0; x < count; x++) out[x] = u[2 * x + 1] & 0xfffff;
}

/**
 * Sort the candidates `sVals[0..m)` into dial order and write the first `count` rows (count = min(k, m)) into `out`.
 * Uses the packed radix path when the rows fit its payload, else the two-array path.
 */
function sortCandidates(c: NumberColumns, m: number, due: number, k: number, out: Int32Array): void {
  const { nextAttemptAt, createdAt, priority, dialCount } = c;
  if (c.state.length <= PACK_LIMIT) {
    const secBits = buildPacked(nextAttemptAt, createdAt, priority, dialCount, m, due);
    const cand = k < m ? selectTopPacked(m, k, secBits) : m;
    const inB = radixPacked(cand);
    fixUpPacked(inB, cand, rng[R_DSEC], rng[R_NSEC]);
    extractRows(inB, Math.min(k, cand), out);
    return;
  }
  const secBits = buildKeys(nextAttemptAt, createdAt, priority, dialCount, m, due);
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
  // RETRY rows then SCHEDULED rows, each in row order (the layout sortCandidates expects)
  const vals = sVals, valsN = sTmpVals;
  let due = 0, mn = 0;
  for (let i = 0; i < n; i++) {
    const s = state[i];
    vals[due] = i;
    valsN[mn] = i;
    due += +(s === RETRY);
    mn += +(s === SCHEDULED);
  }
  vals.set(valsN.subarray(0, mn), due);
  const m = due + mn;
  let dMin = Infinity, dMax = -Infinity, nMin = Infinity, nMax = -Infinity;
  let pMin = 32767, pMax = -32768, cMin = 65535, cMax = 0;
  for (let j = 0; j < due; j++) {
    const t = nextAttemptAt[vals[j]], p = priority[vals[j]];
    if (t < dMin) dMin = t;
    if (t > dMax) dMax = t;
    if (p < pMin) pMin = p;
    if (p > pMax) pMax = p;
  }
  for (let j = due; j < m; j++) {
    const t = createdAt[vals[j]], d = dialCount[vals[j]];
    if (t < nMin) nMin = t;
    if (t > nMax) nMax = t;
    if (d < cMin) cMin = d;
    if (d > cMax) cMax = d;
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
  const { open, partlyOpen } = zonesOpenDetail(input.zones, now, input.window ?? DEFAULT_WINDOW);
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
    ownedByOther: 0, outsideWindow: 0, outsideWindowUncertainZone: 0, contactBusy: 0, otherNumberOfContact: 0,
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
    if (open[z] === 0) {
      removed.outsideWindow++;
      if (partlyOpen !== null && partlyOpen[z] === 1) removed.outsideWindowUncertainZone++;
      return false;
    }
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
