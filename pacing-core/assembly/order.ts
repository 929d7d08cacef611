// The ordering kernel of orderNumbers, compiled to WebAssembly by AssemblyScript (`npm run build:wasm`).
// It is the same algorithm as the TypeScript path in src/order.ts (which stays the reference and handles invalid
// input): filter masks, one number per contact, packed 64-bit keys, LSD radix sort, exact tie fix-up.
// The caller (src/order-wasm.ts) copies the columns into this module's memory and passes the layout once.
// Packed element: (key << 24) | row, a 40-bit key above a 24-bit row: comparing elements compares keys, then rows.

// Column and scratch addresses (set by layout()).
let aState: usize = 0, aNext: usize = 0, aCreated: usize = 0, aPrio: usize = 0, aDial: usize = 0, aAtt: usize = 0;
let aCap: usize = 0, aOwn: usize = 0, aContact: usize = 0, aZone: usize = 0, aSupp: usize = 0;
let aBusy: usize = 0, aSlot: usize = 0, aSlotGen: usize = 0, aValsR: usize = 0, aValsN: usize = 0;
let aPackA: usize = 0, aPackB: usize = 0, aPrimA: usize = 0, aPrimB: usize = 0, aOut: usize = 0;
let aHist: usize = 0, aHist3: usize = 0, aStateBits: usize = 0, aZoneBits: usize = 0, aRes: usize = 0;

/** Set every address (bytes) of the layout chosen by the caller. */
export function layout(
  state: usize, next: usize, created: usize, prio: usize, dial: usize, att: usize, cap: usize, own: usize,
  contact: usize, zone: usize, supp: usize, busy: usize, slot: usize, slotGen: usize, valsR: usize, valsN: usize,
  packA: usize, packB: usize, primA: usize, primB: usize, out: usize, hist: usize, hist3: usize, stateBits: usize,
  zoneBits: usize, res: usize,
): void {
  aState = state; aNext = next; aCreated = created; aPrio = prio; aDial = dial; aAtt = att; aCap = cap; aOwn = own;
  aContact = contact; aZone = zone; aSupp = supp; aBusy = busy; aSlot = slot; aSlotGen = slotGen; aValsR = valsR;
  aValsN = valsN; aPackA = packA; aPackB = packB; aPrimA = primA; aPrimB = primB; aOut = out; aHist = hist;
  aHist3 = hist3; aStateBits = stateBits; aZoneBits = zoneBits; aRes = res;
}

// Result slots (f64) at aRes.
const R_MR = 0, R_MN = 1, R_DUE = 2, R_DMIN = 3, R_DMAX = 4, R_NMIN = 5, R_NMAX = 6, R_PMIN = 7, R_PMAX = 8,
  R_CMIN = 9, R_CMAX = 10, R_SIB = 11, R_BUSY = 12;

@inline function res(i: i32, v: f64): void {
  store<f64>(aRes + (<usize>i << 3), v);
}

/** Mark contacts with a number in progress (state 2); returns the first row whose contact is >= contacts, or -1. */
export function markBusy(n: i32, contacts: i32, g: i32): i32 {
  const two8 = i8x16.splat(2);
  const end = n & ~15;
  for (let b = 0; b < end; b += 16) {
    let r = i8x16.bitmask(i8x16.eq(v128.load(aState + <usize>b), two8));
    while (r != 0) {
      const i = b + ctz(r);
      r &= r - 1;
      const ct = load<i32>(aContact + (<usize>i << 2));
      if (ct >= contacts) return i;
      if (ct >= 0) store<i32>(aBusy + (<usize>(ct + 1) << 2), g);
    }
  }
  for (let i = end; i < n; i++) {
    if (load<u8>(aState + <usize>i) == 2) {
      const ct = load<i32>(aContact + (<usize>i << 2));
      if (ct >= contacts) return i;
      if (ct >= 0) store<i32>(aBusy + (<usize>(ct + 1) << 2), g);
    }
  }
  return -1;
}

@inline function count(bit: i32, rows: i32): void {
  const hp = aHist + (<usize>(1 << bit) << 2);
  store<u32>(hp, load<u32>(hp) + <u32>popcnt(rows));
}

/**
 * Filter masks (bits as in src/order.ts, except the contact-busy rule, which `dedup` applies to the candidates),
 * counted into the mask histogram; rows with an empty mask are appended to the RETRY list or the SCHEDULED list.
 * With at most 16 zones, blocks of 16 rows are filtered with SIMD: one bitmask per rule, removals counted by
 * popcount in rule order; other rows (the tail, or every row with more zones) take the scalar path.
 * `campaignCap` is the campaign's attempt cap (0 = none; 65536 or more is never reached).
 */
export function filter(n: i32, hasCap: i32, now: f64, campaignCap: i32, forAgent: i32, contacts: i32, zn: i32): void {
  memory.fill(aHist, 0, 2048 << 2);
  let mr = 0, mn = 0;
  // key ranges of the candidates of each group (RETRY: due time, priority; SCHEDULED: created, dial count)
  let dMin = Infinity, dMax = -Infinity, nMin = Infinity, nMax = -Infinity;
  let pMin: i32 = 32767, pMax: i32 = -32768, cMin: i32 = 65535, cMax: i32 = 0;
  let i = 0;
  if (zn <= 16) {
    // per zone below 16: 0 open, 1 closed, 2 outside the call's zone table (from the scalar path's zone bits)
    const t = aRes + 112;
    for (let z = 0; z < 16; z++) {
      const v = load<u16>(aZoneBits + (<usize>z << 1));
      store<u8>(t + <usize>z, v == 0 ? 0 : v == 256 ? 1 : 2);
    }
    const zoneTable = v128.load(t);
    const zero = i8x16.splat(0);
    const two8 = i8x16.splat(2), three8 = i8x16.splat(3), one8 = i8x16.splat(1);
    const cap16 = i16x8.splat(campaignCap >= 65536 ? 0 : <i16>campaignCap), max16 = i16x8.splat(15);
    const nowV = f64x2.splat(now), faV = i32x4.splat(forAgent), ctsV = i32x4.splat(contacts);
    const end = n & ~15;
    for (; i < end; i += 16) {
      const ui = <usize>i;
      const st = v128.load(aState + ui);
      const mFinal = i8x16.bitmask(i8x16.eq(st, three8));
      const mProg = i8x16.bitmask(i8x16.eq(st, two8));
      const mBadS = i8x16.bitmask(i8x16.gt_u(st, three8));
      const mRetry = i8x16.bitmask(i8x16.eq(st, one8));
      const mSupp = i8x16.bitmask(i8x16.ne(v128.load(aSupp + ui), zero));
      // attempt cap: the row's own cap, else the campaign's (0 = none)
      let mCap = 0;
      for (let h = 0; h < 2; h++) {
        const off = (ui << 1) + (<usize>h << 4);
        const rc = hasCap ? v128.load(aCap + off) : zero;
        const cap = v128.or(rc, v128.and(i16x8.eq(rc, zero), cap16));
        const fail = v128.andnot(i16x8.ge_u(v128.load(aAtt + off), cap), i16x8.eq(cap, zero));
        mCap |= i16x8.bitmask(fail) << (h << 3);
      }
      let mDue = 0;
      for (let q = 0; q < 8; q++) mDue |= i64x2.bitmask(f64x2.gt(v128.load(aNext + (ui << 3) + (<usize>q << 4)), nowV)) << (q << 1);
      let mOwn = 0, mBadC = 0;
      for (let q = 0; q < 4; q++) {
        const off = (ui << 2) + (<usize>q << 4);
        const own = v128.load(aOwn + off);
        mOwn |= i32x4.bitmask(v128.and(i32x4.ge_s(own, zero), i32x4.ne(own, faV))) << (q << 2);
        mBadC |= i32x4.bitmask(i32x4.ge_s(v128.load(aContact + off), ctsV)) << (q << 2);
      }
      const z0 = v128.load(aZone + (ui << 1)), z1 = v128.load(aZone + (ui << 1) + 16);
      const zb = i8x16.swizzle(zoneTable, i8x16.narrow_i16x8_u(z0, z1));
      const mBigZ = i16x8.bitmask(i16x8.gt_u(z0, max16)) | (i16x8.bitmask(i16x8.gt_u(z1, max16)) << 8);
      const mBadZ = mBigZ | i8x16.bitmask(i8x16.eq(zb, two8));
      const mWin = i8x16.bitmask(i8x16.eq(zb, one8));
      // first failing rule, in order
      let rem = 0xffff;
      count(0, mFinal & rem); rem &= ~mFinal;
      count(1, mProg & rem); rem &= ~mProg;
      count(2, mBadS & rem); rem &= ~mBadS;
      count(3, mSupp & rem); rem &= ~mSupp;
      count(4, mCap & rem); rem &= ~mCap;
      count(5, mDue & rem); rem &= ~mDue;
      count(6, mOwn & rem); rem &= ~mOwn;
      count(7, mBadZ & rem); rem &= ~mBadZ;
      count(8, mWin & rem); rem &= ~mWin;
      count(9, mBadC & rem); rem &= ~mBadC;
      let r = rem & mRetry;
      while (r != 0) {
        const row = i + ctz(r);
        store<i32>(aValsR + (<usize>mr << 2), row);
        mr++;
        r &= r - 1;
        const t = load<f64>(aNext + (<usize>row << 3)), p = <i32>load<i16>(aPrio + (<usize>row << 1));
        dMin = min(dMin, t); dMax = max(dMax, t); pMin = min(pMin, p); pMax = max(pMax, p);
      }
      r = rem & ~mRetry;
      while (r != 0) {
        const row = i + ctz(r);
        store<i32>(aValsN + (<usize>mn << 2), row);
        mn++;
        r &= r - 1;
        const t = load<f64>(aCreated + (<usize>row << 3)), c = <i32>load<u16>(aDial + (<usize>row << 1));
        nMin = min(nMin, t); nMax = max(nMax, t); cMin = min(cMin, c); cMax = max(cMax, c);
      }
    }
  }
  const capEff = campaignCap == 0 ? 65536 : campaignCap;
  // scalar path: the same rules as one mask per row
  for (; i < n; i++) {
    const ui = <usize>i;
    const s = <i32>load<u8>(aState + ui);
    const ct = load<i32>(aContact + (ui << 2));
    const rc = hasCap ? <i32>load<u16>(aCap + (ui << 1)) : 0;
    const cap = rc | (capEff & ((rc - 1) >> 31));
    const own = load<i32>(aOwn + (ui << 2));
    const next = load<f64>(aNext + (ui << 3));
    const mask = <i32>load<u16>(aStateBits + (<usize>s << 1))
      | (<i32>(load<u8>(aSupp + ui) != 0) << 3)
      | (<i32>(<i32>load<u16>(aAtt + (ui << 1)) >= cap) << 4)
      | (<i32>(next > now) << 5)
      | ((<i32>(own >= 0) & <i32>(own != forAgent)) << 6)
      | <i32>load<u16>(aZoneBits + (<usize>load<u16>(aZone + (ui << 1)) << 1))
      | (<i32>(ct >= contacts) << 9);
    const hp = aHist + (<usize>mask << 2);
    store<u32>(hp, load<u32>(hp) + 1);
    const ok = <i32>(mask == 0);
    const r = s & 1;
    store<i32>(aValsR + (<usize>mr << 2), i);
    store<i32>(aValsN + (<usize>mn << 2), i);
    mr += ok & r;
    mn += ok & (r ^ 1);
    const okR = (ok & r) != 0, okN = (ok & (r ^ 1)) != 0;
    const p = <i32>load<i16>(aPrio + (ui << 1)), t = load<f64>(aCreated + (ui << 3)), c = <i32>load<u16>(aDial + (ui << 1));
    dMin = select(min(dMin, next), dMin, okR); dMax = select(max(dMax, next), dMax, okR);
    pMin = select(min(pMin, p), pMin, okR); pMax = select(max(pMax, p), pMax, okR);
    nMin = select(min(nMin, t), nMin, okN); nMax = select(max(nMax, t), nMax, okN);
    cMin = select(min(cMin, c), cMin, okN); cMax = select(max(cMax, c), cMax, okN);
  }
  res(R_MR, <f64>mr);
  res(R_MN, <f64>mn);
  res(R_DMIN, dMin); res(R_DMAX, dMax); res(R_NMIN, nMin); res(R_NMAX, nMax);
  res(R_PMIN, <f64>pMin); res(R_PMAX, <f64>pMax); res(R_CMIN, <f64>cMin); res(R_CMAX, <f64>cMax);
}

/** Key bits above the row in a packed element. */
const ROW_BITS: u64 = 24;
const ROW_MASK: u64 = 0xffffff;

@inline function keyOf(el: u64): u64 {
  return el >>> ROW_BITS;
}

@inline function rowOf(el: u64): i32 {
  return <i32>(el & ROW_MASK);
}

/** First digit histogram that {@link dedupPack} keeps: 0 (all four), or 3 (the top one, when selectTop follows). */
let histFrom: u64 = 0;

/** Add `d` (1, or 0xffffffff to subtract one) to the 10-bit digit histograms of `key` from digit `from`. */
@inline function histAdd(key: u64, d: u32, from: u64 = 0): void {
  for (let q: u64 = from; q < 4; q++) {
    const h = aHist3 + (<usize>((q << 10) + ((key >>> (q * 10)) & 1023)) << 2);
    store<u32>(h, load<u32>(h) + d);
  }
}

/** Write packed element `x` and count its key digits. */
@inline function put(x: i32, key: u64, row: i32): void {
  store<u64>(aPackA + (<usize>x << 3), (key << ROW_BITS) | <u64><u32>row);
  histAdd(key, 1, histFrom);
}

/** Exact primary of a packed element: due time (RETRY group) or creation time, read from the columns. */
@inline function primOf(el: u64): f64 {
  const row = <usize>rowOf(el);
  return (el >>> 63) != 0 ? load<f64>(aCreated + (row << 3)) : load<f64>(aNext + (row << 3));
}

/**
 * Contact busy (a number of the contact is in progress: removed and counted), then one number per contact, and the
 * packed sort elements with their digit histograms (40-bit key layout of src/order.ts keyLayout, from the ranges the
 * filter found): RETRY candidates first, then SCHEDULED ones. A contact's slot keeps its best-ranked number (a RETRY
 * beats a SCHEDULED one; on a full tie the earlier row stays). Returns the element count; the RETRY count and the
 * sibling and busy counts go to the result slots. With `topOnly`, only the top digit is counted (a top-k call:
 * {@link selectTop} must follow, and recounts the rest over the elements it keeps).
 */
export function dedupPack(
  mr: i32, mn: i32, g: i32, dMin: f64, dPMax: f64, dScale: f64, dSecMul: f64, pMax: f64,
  nMin: f64, nPMax: f64, nScale: f64, nSecMul: f64, cMin: f64, topOnly: i32,
): i32 {
  memory.fill(aHist3, 0, 4 * 1024 << 2);
  histFrom = topOnly ? 3 : 0;
  packSib = 0;
  packBusy = 0;
  // due callbacks: key secondary pMax - priority; new numbers: dial count - cMin, above the group bit
  const due = packGroup(aValsR, mr, 0, g, aNext, aPrio, true, 0, dMin, dPMax, dScale, dSecMul, pMax, -1, 0);
  const w = packGroup(aValsN, mn, due, g, aCreated, aDial, false, 549755813888.0, nMin, nPMax, nScale, nSecMul, -cMin, 1, due);
  res(R_DUE, <f64>due); res(R_SIB, <f64>packSib); res(R_BUSY, <f64>packBusy);
  return w;
}

let packSib = 0, packBusy = 0;

/**
 * One group of {@link dedupPack}: candidates `vals[0..count)` packed from element `w` on, returning the next free
 * element. Key: `base + min(qMax, floor((t - tMin) * scale)) * secMul + secBase + secSign * secondary`, so the key's
 * low bits order the secondary exactly and decide ties between a contact's numbers. Slots below `keepBelow` belong to
 * the due group, which a new number never replaces.
 */
@inline function packGroup(
  vals: usize, count: i32, w: i32, g: i32, primCol: usize, secCol: usize, secSigned: bool, base: f64, tMin: f64,
  qMax: f64, scale: f64, secMul: f64, secBase: f64, secSign: f64, keepBelow: i32,
): i32 {
  const secMask = <u64>secMul - 1;
  for (let j = 0; j < count; j++) {
    const i = load<i32>(vals + (<usize>j << 2));
    const ct = load<i32>(aContact + (<usize>i << 2));
    if (ct >= 0 && load<i32>(aBusy + (<usize>(ct + 1) << 2)) == g) { packBusy++; continue; }
    const t = load<f64>(primCol + (<usize>i << 3));
    const sec = secSigned ? <f64>load<i16>(secCol + (<usize>i << 1)) : <f64>load<u16>(secCol + (<usize>i << 1));
    const key = <u64>(base + min(qMax, Math.floor((t - tMin) * scale)) * secMul + (secBase + secSign * sec));
    if (ct >= 0) {
      const sg = aSlotGen + (<usize>ct << 2), sl = aSlot + (<usize>ct << 2);
      if (load<i32>(sg) == g) {
        packSib++;
        const x = load<i32>(sl);
        if (x < keepBelow) continue;
        const prevEl = load<u64>(aPackA + (<usize>x << 3));
        const d = t - load<f64>(primCol + (<usize>rowOf(prevEl) << 3));
        if (d < 0 || (d == 0 && (key & secMask) < (keyOf(prevEl) & secMask))) {
          histAdd(keyOf(prevEl), 0xffffffff, histFrom);
          put(x, key, i);
        }
        continue;
      }
      store<i32>(sg, g);
      store<i32>(sl, w);
    }
    put(w, key, i);
    w++;
  }
  return w;
}

@inline function elAt(a: usize, x: i32): u64 {
  return load<u64>(a + (<usize>x << 3));
}

/**
 * Keep only the elements that can be in the top `k` (whole buckets of the top key digits at or before the bucket
 * of the k-th smallest key), compacting pack A in place and recounting the histograms. Returns the count kept.
 */
export function selectTop(m: i32, k: i32, secBits: i32): i32 {
  let keep = m;
  let base: u64 = 0, below: u32 = 0;
  for (let pass = 0; pass < 2; pass++) {
    const shift: u64 = pass == 0 ? 30 : 20;
    // a cut at bit `shift` never splits a run of equal scaled primary when the secondary fits below it
    if (keep <= 4 * k + 256 || <u64>secBits > shift) break;
    const hOff: usize = pass == 0 ? 3072 : 2048;
    if (pass == 1) {
      memory.fill(aHist3 + (2048 << 2), 0, 1024 << 2);
      for (let x = 0; x < keep; x++) {
        const key = keyOf(elAt(aPackA, x));
        if (key >= base) {
          const hp = aHist3 + ((2048 + <usize>((key >>> 20) & 1023)) << 2);
          store<u32>(hp, load<u32>(hp) + 1);
        }
      }
    }
    let cum = below, cut: u64 = 1023;
    for (let d: u64 = 0; d < 1024; d++) {
      const c = load<u32>(aHist3 + ((hOff + <usize>d) << 2));
      if (cum + c >= <u32>k) { cut = d; break; }
      cum += c;
    }
    const unit: u64 = <u64>1 << shift;
    const limit = base + (cut + 1) * unit;
    let w = 0;
    for (let x = 0; x < keep; x++) {
      const el = elAt(aPackA, x);
      if (keyOf(el) < limit) {
        store<u64>(aPackA + (<usize>w << 3), el);
        w++;
      }
    }
    keep = w;
    below = cum;
    base = base + cut * unit;
  }
  if (keep < m || histFrom != 0) {
    memory.fill(aHist3, 0, 4 * 1024 << 2);
    for (let x = 0; x < keep; x++) histAdd(keyOf(elAt(aPackA, x)), 1);
  }
  return keep;
}

/** Stable LSD radix sort of pack A[0..m) on the 40-bit keys (10-bit digits); returns 1 when the result is in B. */
export function radix(m: i32): i32 {
  let src = aPackA, dst = aPackB;
  let inB = 0;
  if (m == 0) return 0;
  for (let d = 0; d < 4; d++) {
    const shift = <u64>(ROW_BITS + 10 * d);
    const off = aHist3 + (<usize>(1024 * d) << 2);
    const first = (elAt(src, 0) >>> shift) & 1023;
    if (load<u32>(off + (<usize>first << 2)) == <u32>m) continue;
    let sum: u32 = 0;
    for (let x = 0; x < 1024; x++) {
      const a = off + (<usize>x << 2);
      const c = load<u32>(a);
      store<u32>(a, sum);
      sum += c;
    }
    for (let x = 0; x < m; x++) {
      const el = elAt(src, x);
      const ha = off + (<usize>((el >>> shift) & 1023) << 2);
      const pos = load<u32>(ha);
      store<u32>(ha, pos + 1);
      store<u64>(dst + (<usize>pos << 3), el);
    }
    const t = src; src = dst; dst = t;
    inB ^= 1;
  }
  return inB;
}

/** True when element (t1, e1) dials before (t2, e2): exact primary, then key (secondary), then row. */
@inline function before(t1: f64, e1: u64, t2: f64, e2: u64): bool {
  return t1 < t2 || (t1 == t2 && e1 < e2);
}

/**
 * Runs with the same scaled primary whose exact primaries differ, or whose equal keys are out of row order, are
 * re-sorted by (exact primary, key, row): insertion sort for short runs, merge sort (through the other buffers)
 * for long ones; the exact primaries of a run are read from the columns into scratch. The rows of the first `count`
 * elements are written to the output area as their runs are done.
 */
export function fixUp(inB: i32, m: i32, dSec: i32, nSec: i32, count: i32): void {
  const p = inB ? aPackB : aPackA, q = inB ? aPackA : aPackB;
  const prim = aPrimA, qprim = aPrimB;
  let j = 0;
  while (j < count) {
    const key = keyOf(elAt(p, j));
    const sh = (key >>> 39) == 0 ? <u64>dSec : <u64>nSec;
    const qm = key >>> sh;
    let e = j + 1;
    while (e < m && (keyOf(elAt(p, e)) >>> sh) == qm) e++;
    const len = e - j;
    if (len > 1) {
      const pj = p + (<usize>j << 3);
      let mixed = false;
      for (let x = 0; x < len; x++) {
        const t = primOf(elAt(pj, x));
        store<f64>(prim + (<usize>x << 3), t);
        if (x > 0 && !before(load<f64>(prim + (<usize>(x - 1) << 3)), elAt(pj, x - 1), t, elAt(pj, x))) mixed = true;
      }
      if (mixed && len <= 32) {
        for (let x = 1; x < len; x++) {
          const v = elAt(pj, x), tv = load<f64>(prim + (<usize>x << 3));
          let y = x - 1;
          while (y >= 0) {
            const ty = load<f64>(prim + (<usize>y << 3)), vy = elAt(pj, y);
            if (before(ty, vy, tv, v)) break;
            store<u64>(pj + (<usize>(y + 1) << 3), vy);
            store<f64>(prim + (<usize>(y + 1) << 3), ty);
            y--;
          }
          store<u64>(pj + (<usize>(y + 1) << 3), v);
          store<f64>(prim + (<usize>(y + 1) << 3), tv);
        }
      } else if (mixed) {
        mergeSort(pj, prim, q + (<usize>j << 3), qprim, len);
      }
    }
    const stop = min(e, count);
    for (let x = j; x < stop; x++) store<i32>(aOut + (<usize>x << 2), rowOf(elAt(p, x)));
    j = e;
  }
}

/** Bottom-up merge sort of (p, prim)[0..len) by `before`, using (q, qprim) as scratch; the result ends in (p, prim). */
function mergeSort(p: usize, prim: usize, q: usize, qprim: usize, len: i32): void {
  let a = p, ap = prim, b = q, bp = qprim;
  for (let width = 1; width < len; width *= 2) {
    for (let lo = 0; lo < len; lo += 2 * width) {
      const mid = min(lo + width, len), hi = min(lo + 2 * width, len);
      let x = lo, y = mid, w = lo;
      while (x < mid && y < hi) {
        const tx = load<f64>(ap + (<usize>x << 3)), ex = elAt(a, x);
        const ty = load<f64>(ap + (<usize>y << 3)), ey = elAt(a, y);
        if (!before(ty, ey, tx, ex)) {
          store<u64>(b + (<usize>w << 3), ex); store<f64>(bp + (<usize>w << 3), tx); x++;
        } else {
          store<u64>(b + (<usize>w << 3), ey); store<f64>(bp + (<usize>w << 3), ty); y++;
        }
        w++;
      }
      while (x < mid) { store<u64>(b + (<usize>w << 3), elAt(a, x)); store<f64>(bp + (<usize>w << 3), load<f64>(ap + (<usize>x << 3))); x++; w++; }
      while (y < hi) { store<u64>(b + (<usize>w << 3), elAt(a, y)); store<f64>(bp + (<usize>w << 3), load<f64>(ap + (<usize>y << 3))); y++; w++; }
    }
    const t = a; a = b; b = t;
    const tp = ap; ap = bp; bp = tp;
  }
  if (a != p) {
    memory.copy(p, a, <usize>len << 3);
    memory.copy(prim, ap, <usize>len << 3);
  }
}
