import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exp, logOneToTwo } from '../../../src/losses/fastmath';

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

describe('logOneToTwo (table-driven log on [1, 2])', () => {
  it('stays within 2 ulp of Math.log, near 1 as well as across [1, 2]', () => {
    const near1 = fc.double({ min: 0, max: 40, noNaN: true }).map((a) => 1 + Math.exp(-a));
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 1, max: 2, noNaN: true }), near1), (g) => {
        const expected = Math.log(g);
        const actual = logOneToTwo(g);
        if (expected === 0) expect(actual).toBe(0);
        else expect(Math.abs(actual - expected) / expected).toBeLessThanOrEqual(2 * ULP);
      }),
      { numRuns: 200_000 },
    );
  });

  it('is exact at the ends', () => {
    expect(logOneToTwo(1)).toBe(0);
    expect(logOneToTwo(2)).toBe(Math.LN2);
  });
});
