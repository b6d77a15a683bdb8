/**
 * exp and log for the evaluator's two hot loops: Σ exp(x − max) in cross entropy, and
 * log(1 + e^(−|x|)) in the with-logits losses. Both are table-driven (Tang, ACM TOMS 15(2), 1989
 * and 16(4), 1990) and branch-free: V8's Math.exp / Math.log (fdlibm) branch on the argument's
 * range, which random-signed logits turn into mispredictions, and log divides. Both stay within
 * 2 ulp of Math.exp / Math.log (tested), the accuracy PyTorch's own vectorised exp promises.
 *
 * e^x: with
 * x = (64k + j)·ln2/64 + r and |r| ≤ ln2/128, e^x = 2^k · 2^(j/64) · e^r, and e^r needs only a
 * degree-6 Taylor polynomial (error below 1e-17): 6.7 ns a call on normally distributed inputs
 * where Math.exp takes 10.7 ns.
 */
const TABLE_SIZE = 64;
const INV_LN2_N = TABLE_SIZE / Math.LN2;
// fdlibm's two-part ln2 over 64: n·LN2_N_HI is exact for |n| < 2^21, LN2_N_LO carries the rest.
const LN2_N_HI = 6.9314718036912381649e-1 / TABLE_SIZE;
const LN2_N_LO = 1.90821492927058770002e-10 / TABLE_SIZE;
const TWO_POW_J = Float64Array.from({ length: TABLE_SIZE }, (_, j) => 2 ** (j / TABLE_SIZE));
const POW2_OFFSET = 1074;
const POW2 = Float64Array.from({ length: POW2_OFFSET + 1024 }, (_, i) => 2 ** (i - POW2_OFFSET));
/** 1.5·2^52: adding and subtracting it rounds a double to the nearest integer without a branch. */
const ROUND = 6755399441055744;

export function exp(x: number): number {
  // Outside (−708, 708) the scale 2^k would leave the normal range; Math.exp also handles nan.
  if (!(x > -708 && x < 708)) return Math.exp(x);
  const n = x * INV_LN2_N + ROUND - ROUND;
  const r = x - n * LN2_N_HI - n * LN2_N_LO;
  const index = n | 0;
  const j = index & (TABLE_SIZE - 1);
  const k = (index - j) >> 6;
  const p = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720)))));
  const t = TWO_POW_J[j]!;
  return (t + t * p) * POW2[k + POW2_OFFSET]!;
}

// log g for g in [1, 2]: g = t_j · (1 + f) with t_j = 1 + j/64 the nearest table point, so
// |f| ≤ 1/128 and log(1 + f) is a degree-8 Taylor polynomial (next term below 2e-20);
// g − t_j is exact (Sterbenz), and multiplying by a tabled 1/t_j avoids the division.
const STEPS = 64;
const POINTS = Float64Array.from({ length: STEPS + 1 }, (_, j) => 1 + j / STEPS);
const INVERSES = Float64Array.from(POINTS, (t) => 1 / t);
const LOGS = Float64Array.from(POINTS, (t) => Math.log(t));

/** log(g) for 1 ≤ g ≤ 2, such as g = 1 + e^(−|x|). */
export function logOneToTwo(g: number): number {
  const j = ((g - 1) * STEPS + 0.5) | 0;
  const f = (g - POINTS[j]!) * INVERSES[j]!;
  const f2 = f * f;
  return LOGS[j]! + (f - f2 * (0.5 - f * (1 / 3 - f * (0.25 - f * (0.2 - f * (1 / 6 - f * (1 / 7 - f * 0.125)))))));
}
