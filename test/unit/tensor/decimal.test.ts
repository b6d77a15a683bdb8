import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed } from '../../../src/tensor/decimal';

/** Python's `'{:.{places}f}'.format(value)` for a finite double, from its exact value m·2^e with rationals. */
function pythonFixed(value: number, places: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(value));
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = biased === 0 ? -1074 : biased - 1075;
  let scaled: bigint;
  if (exponent >= 0) scaled = (mantissa << BigInt(exponent)) * 10n ** BigInt(places);
  else {
    const numerator = mantissa * 10n ** BigInt(places);
    const denominator = 1n << BigInt(-exponent);
    scaled = numerator / denominator;
    const twice = (numerator % denominator) * 2n;
    if (twice > denominator || (twice === denominator && scaled % 2n === 1n)) scaled += 1n;
  }
  const digits = scaled.toString().padStart(places + 1, '0');
  const body = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return value < 0 || Object.is(value, -0) ? `-${body}` : body;
}

describe('formatFixed is Python’s fixed-point format', () => {
  it.each([
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [-0.5, 0, '-0'],
    [-0, 4, '-0.0000'],
    [0.00005, 4, '0.0001'],
    [1.00005, 4, '1.0001'],
    [2.675, 2, '2.67'],
    [1e22, 4, '10000000000000000000000.0000'],
    [5e-324, 4, '0.0000'],
    [NaN, 4, 'nan'],
    [-Infinity, 4, '-inf'],
  ])('%s to %s places is %s', (value, places, expected) => {
    expect(formatFixed(value, places)).toBe(expected);
  });

  it('agrees with the exact rounding on any double, and on every tie', () => {
    const tie = fc
      .tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 8 }))
      .map(([k, places]) => [(2 * k + 1) / 2 ** (places + 1), places] as const);
    const any = fc.tuple(
      fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ min: -1e4, max: 1e4, noNaN: true })),
      fc.integer({ min: 0, max: 8 }),
    );
    fc.assert(
      fc.property(fc.oneof(tie, any), ([value, places]) => {
        expect(formatFixed(value, places)).toBe(pythonFixed(value, places));
      }),
      { numRuns: 5000 },
    );
  });
});
