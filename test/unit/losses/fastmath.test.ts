import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exp, log, log1pExpNeg } from '../../../src/losses/fastmath';

const ULP = 2 ** -52;

describe('exp (table-driven, for the hot loops)', () => {
  it('stays within 2 ulp of Math.exp over the whole normal range', () => {
    fc.assert(
      fc.property(fc.double({ min: -745, max: 709, noNaN: true }), (x) => {
        const expected = Math.exp(x);
        const actual = exp(x);
        if (expected === 0 || !Number.isFinite(expected)) expect(actual).toBe(expected);
        else expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(2 * ULP);
      }),
      { numRuns: 200_000 },
    );
  });

  it('is exact where it must be and passes the special values through', () => {
    expect(exp(0)).toBe(1);
    expect(exp(-0)).toBe(1);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(NaN)).toBeNaN();
    expect(exp(-800)).toBe(0);
    expect(exp(710)).toBe(Infinity);
  });
});

describe('log (table-driven, for the hot loops)', () => {
  const withinTwoUlp = (x: number) => {
    const expected = Math.log(x);
    const actual = log(x);
    if (expected === 0) expect(actual).toBe(0);
    else expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(2 * ULP);
  };

  it('stays within 2 ulp of Math.log over the positive normal range', () => {
    fc.assert(fc.property(fc.double({ min: 2 ** -1022, max: Number.MAX_VALUE, noNaN: true }), withinTwoUlp), { numRuns: 200_000 });
  });

  it('stays within 2 ulp of Math.log near 1, where the result is small and k·ln2 cancels log g', () => {
    fc.assert(fc.property(fc.double({ min: 0.75, max: 1.5, noNaN: true }), withinTwoUlp), { numRuns: 200_000 });
    for (const x of [1 - 2 ** -53, 1 + 2 ** -52, 1 - 2 ** -30, 1 + 2 ** -30, 0.5, 2]) withinTwoUlp(x);
  });

  it('passes zero, subnormals, negatives, infinities and nan to Math.log', () => {
    for (const x of [0, -0, 5e-324, 2 ** -1030, -1, -Infinity, Infinity, NaN]) expect(Object.is(log(x), Math.log(x))).toBe(true);
  });
});

describe('log1pExpNeg (the log term of the with-logits losses)', () => {
  it("stays within 2 ulp of log1p(exp(-a)) below 12, and is PyTorch's own formula from 12 on", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 800, noNaN: true }), (a) => {
        const actual = log1pExpNeg(a);
        if (a >= 12) expect(actual).toBe(Math.log(1 + Math.exp(-a)));
        else {
          const expected = Math.log1p(Math.exp(-a));
          expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(2 * ULP);
        }
      }),
      { numRuns: 200_000 },
    );
  });

  it('is log 2 at 0 and passes inf through', () => {
    expect(log1pExpNeg(0)).toBe(Math.LN2);
    expect(log1pExpNeg(Infinity)).toBe(0);
  });
});
