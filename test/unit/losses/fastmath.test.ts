import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exp, log1pExpNeg } from '../../../src/losses/fastmath';

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
