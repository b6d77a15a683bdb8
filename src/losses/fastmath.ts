/**
 * Elementary functions for the evaluator's hot loops: e^x (cross entropy, poisson_nll_loss, the
 * focal loss), log x (binary_cross_entropy, kl_div) and log(1 + e^(−|x|)) (the with-logits and
 * soft margin losses). All are table-driven (after Tang, ACM TOMS 15(2), 1989, and 16(4), 1990)
 * and branch-free in their main range: V8's Math.exp / Math.log (fdlibm) branch on the argument's
 * range, which random-signed logits turn into mispredictions, and cost twice as much. Each stays
 * within 2 ulp of Math's value (tested), the accuracy PyTorch's own vectorised functions promise.
 *
 * Every table index is masked to the table's power-of-two size: a no-op for the arguments that reach
 * it, which lets V8 drop the bounds check of each load.
 */

const functions = elementaryFunctions();
export const exp = functions.exp;
export const log = functions.log;
export const log1pExpNeg = functions.log1pExpNeg;
/** The tables and constants of `exp` and `log`, which the SIMD kernels read (`simd.ts`). */
export const fastmathTables = functions.tables;

/**
 * The functions and their tables, made inside a function rather than at module level: in a bundle
 * that also holds code calling eval (tree-sitter's WebAssembly glue), V8 must treat every top-level
 * binding of the bundle as reassignable, and optimized code then reloads and rechecks each constant
 * on every call (twice as slow, measured); a function's own constants stay constants.
 */
function elementaryFunctions() {
  /** 1.5·2^52: adding and subtracting it rounds a double to the nearest integer without a branch. */
  const ROUND = 6755399441055744;

  // e^x for −16 < x < 16: with n = round(128x) and u = 128x − n (exact, |u| ≤ 1/2),
  // e^x = e^(n/128) · e^(u/128), the first tabled, the second a degree-5 Taylor polynomial (error below 5e-18).
  const EXP_STEPS = 128;
  const EXP_TABLE_SIZE = 4096;
  const EXP_OFFSET = EXP_TABLE_SIZE / 2;
  const EXP_TABLE = Float64Array.from({ length: EXP_TABLE_SIZE }, (_, i) => Math.exp((i - EXP_OFFSET) / EXP_STEPS));
  const EXP_MIN = -EXP_OFFSET / EXP_STEPS;
  /** The largest x whose round(128x) still has a table entry. */
  const EXP_MAX = (EXP_OFFSET - 0.5) / EXP_STEPS;
  const [E1, E2, E3, E4, E5] = [1, 2, 3, 4, 5].map((k) => 1 / (factorial(k) * EXP_STEPS ** k)) as [number, number, number, number, number];

  function exp(x: number): number {
    if (!(x > EXP_MIN && x < EXP_MAX)) return expWide(x);
    const scaled = x * EXP_STEPS;
    const n = scaled + ROUND - ROUND;
    const u = scaled - n;
    const t = EXP_TABLE[(n + EXP_OFFSET) & (EXP_TABLE_SIZE - 1)]!;
    return t + t * (u * (E1 + u * (E2 + u * (E3 + u * (E4 + u * E5)))));
  }

  // e^x beyond the table: x = (64k + j)·ln2/64 + r with |r| ≤ ln2/128, so e^x = 2^k · 2^(j/64) · e^r,
  // and e^r needs only a degree-6 Taylor polynomial (error below 1e-17).
  const WIDE_STEPS = 64;
  const INV_LN2_N = WIDE_STEPS / Math.LN2;
  // fdlibm's two-part ln2 over 64: n·LN2_N_HI is exact for |n| < 2^21, LN2_N_LO carries the rest.
  const LN2_HI = 6.9314718036912381649e-1;
  const LN2_LO = 1.90821492927058770002e-10;
  const LN2_N_HI = LN2_HI / WIDE_STEPS;
  const LN2_N_LO = LN2_LO / WIDE_STEPS;
  const TWO_POW_J = Float64Array.from({ length: WIDE_STEPS }, (_, j) => 2 ** (j / WIDE_STEPS));
  const POW2_OFFSET = 1074;
  const POW2 = Float64Array.from({ length: POW2_OFFSET + 1024 }, (_, i) => 2 ** (i - POW2_OFFSET));

  function expWide(x: number): number {
    // Outside (−708, 708) the scale 2^k would leave the normal range; Math.exp also handles nan.
    if (!(x > -708 && x < 708)) return Math.exp(x);
    const n = x * INV_LN2_N + ROUND - ROUND;
    const r = x - n * LN2_N_HI - n * LN2_N_LO;
    const index = n | 0;
    const j = index & (WIDE_STEPS - 1);
    const k = (index - j) >> 6;
    const p = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720)))));
    const t = TWO_POW_J[j]!;
    return (t + t * p) * POW2[k + POW2_OFFSET]!;
  }

  // log x for positive normal x: x = 2^k · m with m ∈ [1, 2), g = 1 + j/1024 the nearest step to m and
  // r = (m − g)·(1/g) (|r| ≤ 2^-11, within 1 ulp), log x = k·ln2 + log g + log1p(r), log1p(r) a degree-5
  // Taylor polynomial (error below 2^-58 relative). log g is tabled as a multiple of 2^-32 plus the rest,
  // so k·LN2_HI + its high part is exact: x just below 1 (k = −1, log g ≈ ln2) cancels without error.
  const LOG_STEPS = 1024;
  const LOG_ROWS = 2048;
  /** A row of the log table: g, 1/g, then log g's high and low parts. */
  const LOG_ROW = 4;
  /** 2^27 + 1: multiplying by it splits a double into two halves of 26 bits (Veltkamp). */
  const VELTKAMP = 134217729;
  const LOG_TABLE = logTable();
  /** 2^(i − 1023): scales x by 2^−k with i = 1023 − k. */
  const SCALE = Float64Array.from({ length: 2048 }, (_, i) => 2 ** (i - 1023));
  const [L2, L3, L4, L5] = [2, 3, 4, 5].map((k) => (k % 2 === 0 ? -1 : 1) / k) as [number, number, number, number];
  const BITS = new Float64Array(1);
  const WORDS = new Uint32Array(BITS.buffer);
  /** The index of the word holding a double's sign and exponent (1 on little-endian machines). */
  const HIGH = new Uint8Array(Float64Array.of(1).buffer)[7] === 0x3f ? 1 : 0;

  function logTable(): Float64Array {
    const table = new Float64Array(LOG_ROWS * LOG_ROW);
    // log g_j summed step by step in two doubles, high + low: log(g_j / g_(j−1)) = 2·atanh(1/q) =
    // 2/q + 2/(3q³) + 2/(5q⁵) + 2/(7q⁷) + … with q = 2·(1024 + j) − 1 (the next term is below 2^-100).
    // 2/q is carried with its exact remainder 2 − (2/q)·q, from 2/q split into halves of 26 bits whose
    // products with q < 2^12 are exact; the 1024 steps stay within 2^-74 of log g_j (results from
    // rows past 0 are at least 2^-12, so that is below 2^-10 ulp).
    let high = 0;
    let low = 0;
    for (let j = 0; j < LOG_STEPS; j++) {
      if (j > 0) {
        const q = 2 * (LOG_STEPS + j) - 1;
        const lead = 2 / q;
        const split = VELTKAMP * lead;
        const leadHigh = split - (split - lead);
        const remainder = 2 - leadHigh * q - (lead - leadHigh) * q;
        const next = high + lead;
        low += high - next + lead + remainder / q + (2 / 3 + (2 / 5 + 2 / (7 * q * q)) / (q * q)) / (q * q * q);
        high = next;
      }
      const g = 1 + j / LOG_STEPS;
      // A multiple of 2^-32 (so that k·LN2_HI + it is exact) and the rest.
      const head = Math.floor(high * 2 ** 32) / 2 ** 32;
      table[j * LOG_ROW] = g;
      table[j * LOG_ROW + 1] = 1 / g;
      table[j * LOG_ROW + 2] = head;
      table[j * LOG_ROW + 3] = high - head + low;
    }
    // log 2 in the same two parts as k·ln2, so that x just below 1 (k = −1) cancels to exactly 0 + r.
    table.set([2, 0.5, LN2_HI, LN2_LO], LOG_STEPS * LOG_ROW);
    return table;
  }

  function log(x: number): number {
    BITS[0] = x;
    const high = WORDS[HIGH]!;
    // Zero, subnormals, negatives, infinities and nan: the exponent field is 0 or 2047, or the sign is set.
    if ((high - 0x00100000) >>> 0 >= 0x7fe00000) return Math.log(x);
    const row = ((((high & 0xfffff) + 0x200) >>> 10) & (LOG_ROWS - 1)) * LOG_ROW;
    const k = (high >>> 20) - 1023;
    const m = x * SCALE[(1023 - k) & 2047]!;
    const t = LOG_TABLE;
    const r = (m - t[row]!) * t[row + 1]!;
    const p = r * r * (L2 + r * (L3 + r * (L4 + r * L5)));
    return k * LN2_HI + t[row + 2]! + (k * LN2_LO + t[row + 3]! + p + r);
  }

  // log(1 + e^(−a)) for 0 ≤ a < 12 from its Taylor polynomial of degree 5 around the nearest a_j = j/128
  // (|a − a_j| ≤ 1/256; the next term is below s·2^-57 while the value is above s/2, s = σ(−a_j)): the first
  // derivative is −s, and since ds/da = −s(1 − s) each next one is a polynomial in s; the coefficients
  // are tabled, a row of 6 per a_j.
  const SOFTPLUS_LIMIT = 12;
  const SOFTPLUS_STEPS = 128;
  const SOFTPLUS_ROW = 6;
  const SOFTPLUS_ROWS = 2048;
  const SOFTPLUS = softplusTaylorTable();

  function softplusTaylorTable(): Float64Array {
    const table = new Float64Array(SOFTPLUS_ROWS * SOFTPLUS_ROW);
    // The k-th coefficient is the k-th derivative over k!·128^k: the polynomial's variable is (a − a_j)·128.
    const scales = Array.from({ length: SOFTPLUS_ROW }, (_, k) => 1 / (factorial(k) * SOFTPLUS_STEPS ** k));
    for (let j = 0; j <= SOFTPLUS_LIMIT * SOFTPLUS_STEPS; j++) {
      const s = 1 / (1 + Math.exp(j / SOFTPLUS_STEPS));
      // With w = s(1 − s), the derivatives: −s, w, −w(1 − 2s), w(1 − 6w), −w(1 − 2s)(1 − 12w).
      const w = s * (1 - s);
      const v = 1 - 2 * s;
      const row = j * SOFTPLUS_ROW;
      table[row] = Math.log1p(Math.exp(-j / SOFTPLUS_STEPS));
      table[row + 1] = -s * scales[1]!;
      table[row + 2] = w * scales[2]!;
      table[row + 3] = -w * v * scales[3]!;
      table[row + 4] = w * (1 - 6 * w) * scales[4]!;
      table[row + 5] = -w * v * (1 - 12 * w) * scales[5]!;
    }
    return table;
  }

  /**
   * log(1 + e^(−a)) for a ≥ 0, the log term of the with-logits losses. Below a = 12 it is the
   * table-driven form above (within 2 ulp of the exact value); from 12 on it is computed as PyTorch
   * writes it, log(1 + exp(−a)), because there 1 + e^(−a) rounds, and matching PyTorch means
   * rounding the same way.
   */
  function log1pExpNeg(a: number): number {
    if (!(a < SOFTPLUS_LIMIT)) return Math.log(1 + Math.exp(-a));
    const scaled = a * SOFTPLUS_STEPS;
    const j = (scaled + 0.5) | 0;
    const d = scaled - j;
    const row = (j & (SOFTPLUS_ROWS - 1)) * SOFTPLUS_ROW;
    const c = SOFTPLUS;
    return c[row]! + d * (c[row + 1]! + d * (c[row + 2]! + d * (c[row + 3]! + d * (c[row + 4]! + d * c[row + 5]!))));
  }

  function factorial(k: number): number {
    return k <= 1 ? 1 : k * factorial(k - 1);
  }

  const tables = {
    exp: EXP_TABLE,
    log: LOG_TABLE,
    scale: SCALE,
    twoPowJ: TWO_POW_J,
    softplus: SOFTPLUS,
    /** In the order `kernels.wat` reads them. */
    constants: Float64Array.of(
      E1,
      E2,
      E3,
      E4,
      E5,
      ROUND,
      EXP_MIN,
      EXP_MAX,
      L2,
      L3,
      L4,
      L5,
      LN2_HI,
      LN2_LO,
      INV_LN2_N,
      LN2_N_HI,
      LN2_N_LO,
      1 / 6,
      1 / 24,
      1 / 120,
      1 / 720,
    ),
  };
  return { exp, log, log1pExpNeg, tables };
}

/**
 * log(1 + e^z), the soft margin loss's term: max(z, 0) + log(1 + e^(−|z|)) with the table-driven log term. For finite z,
 * max(z, 0) = (z + |z|)/2 exactly, without the branch Math.max takes on a random sign; past the
 * largest double's log, e^z is infinite for PyTorch too.
 */
export function softplus(z: number): number {
  // The largest x whose e^x is finite (a local: see `elementaryFunctions` on bundles).
  const expOverflow = 709.782712893384;
  const a = Math.abs(z);
  if (a <= expOverflow) return 0.5 * (z + a) + log1pExpNeg(a);
  return z > expOverflow ? Infinity : Math.max(z, 0) + log1pExpNeg(a);
}
