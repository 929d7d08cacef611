/** Small numeric helpers shared by pacing and the simulator. Pure. */

/** Error function (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7). */
export function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

/** Lognormal parameters (mu, sigma) for a given mean and coefficient of variation. */
export function lognormalParams(mean: number, cv: number): { mu: number; sigma: number } {
  const s2 = Math.log(1 + cv * cv);
  return { mu: Math.log(mean) - s2 / 2, sigma: Math.sqrt(s2) };
}

/** CDF of a lognormal(mu, sigma) at x. */
export function lognormalCdf(x: number, mu: number, sigma: number): number {
  if (x <= 0) return 0;
  if (sigma <= 0) return x >= Math.exp(mu) ? 1 : 0;
  return 0.5 * (1 + erf((Math.log(x) - mu) / (sigma * Math.SQRT2)));
}

/** CDF of a Gamma with integer shape `k` and the given mean (Erlang), at x. */
export function erlangCdf(x: number, k: number, mean: number): number {
  if (x <= 0) return 0;
  const z = (x * k) / mean;
  let term = 1;
  let sum = 1;
  for (let i = 1; i < k; i++) {
    term *= z / i;
    sum += term;
  }
  return 1 - Math.exp(-z) * sum;
}

// Lookup tables with linear interpolation for the hot paths of pacing (memoised, pure).

const lnF64 = new Float64Array(1), lnI32 = new Int32Array(lnF64.buffer);
/** Word 1 of a Float64 holds its sign, exponent and top 20 mantissa bits on little-endian platforms. */
const LN_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** ln(1 + i / 2048), i in [0, 2048]. */
const LN_TABLE = Float64Array.from({ length: 2049 }, (_, i) => Math.log(1 + i / 2048));

/**
 * Natural logarithm from the exponent bits and a table of the mantissa (|error| < 1e-6; about 3x faster than
 * `Math.log` in the pacing loops). Falls back to `Math.log` outside the normal positive range.
 */
export function lnFast(x: number): number {
  if (!(x >= 1e-300 && x < 1e300) || !LN_LITTLE) return Math.log(x);
  lnF64[0] = x;
  const hi = lnI32[1];
  const m = hi & 0xfffff;
  const i = m >>> 9;
  return ((hi >>> 20) - 1023) * Math.LN2 + LN_TABLE[i] + (m & 511) * (1 / 512) * (LN_TABLE[i + 1] - LN_TABLE[i]);
}

const PHI_LO = -8, PHI_STEP = 0.002, PHI_N = 8001;
let phiTable: Float64Array | undefined;

/** The standard normal CDF table: `PHI_LO + i * PHI_STEP` for i in [0, PHI_N]. */
export function phiTableFor(): Float64Array {
  if (phiTable === undefined) {
    phiTable = new Float64Array(PHI_N + 1);
    for (let i = 0; i <= PHI_N; i++) phiTable[i] = 0.5 * (1 + erf((PHI_LO + i * PHI_STEP) / Math.SQRT2));
  }
  return phiTable;
}
export { PHI_LO, PHI_STEP, ERL_STEP };

/** Standard normal CDF by table lookup (|error| < 1e-6). */
export function normCdfFast(z: number): number {
  if (z <= PHI_LO) return 0;
  if (z >= -PHI_LO) return 1;
  phiTable = phiTableFor();
  const f = (z - PHI_LO) / PHI_STEP;
  const i = f | 0;
  const w = f - i;
  return phiTable[i] + w * (phiTable[i + 1] - phiTable[i]);
}

/** Lognormal CDF using {@link normCdfFast}. */
export function lognormalCdfFast(x: number, mu: number, sigma: number): number {
  if (x <= 0) return 0;
  return normCdfFast((Math.log(x) - mu) / sigma);
}

const ERL_STEP = 0.01;
const erlTables: Float64Array[] = [];

/** Table of the Erlang(k) CDF over z = x * k / mean, step `ERL_STEP`. */
export function erlangTableFor(k: number): Float64Array {
  let t = erlTables[k];
  if (t === undefined) {
    const n = Math.ceil((6 * k + 40) / ERL_STEP);
    t = new Float64Array(n + 1);
    for (let i = 0; i <= n; i++) t[i] = erlangCdf(i * ERL_STEP, k, k);
    erlTables[k] = t;
  }
  return t;
}

/** Erlang (integer-shape Gamma) CDF by table lookup over z = x * k / mean; exact beyond the table. */
export function erlangCdfFast(x: number, k: number, mean: number): number {
  if (x <= 0) return 0;
  const z = (x * k) / mean;
  const t = erlangTableFor(k);
  const f = z / ERL_STEP;
  if (f >= t.length - 1) return erlangCdf(x, k, mean);
  const i = f | 0;
  const w = f - i;
  return t[i] + w * (t[i + 1] - t[i]);
}
