/**
 * Python's `'{:.Nf}'` and `'{:.Ne}'` for doubles: correctly rounded from the exact binary value,
 * ties to even. JavaScript's toFixed / toExponential break exact ties away from zero
 * (`(0.125).toFixed(2)` is "0.13", Python prints "0.12"), so where a tie is possible digits come
 * from the exact decimal expansion instead: a double is m·2^e, and for e < 0 that is m·5^(-e) / 10^(-e).
 */

const BUFFER = new DataView(new ArrayBuffer(8));

/** The exact value of a finite, non-negative double as decimal digits and a scale: value = digits / 10^scale. */
function exactDecimal(value: number): { digits: bigint; scale: number } {
  BUFFER.setFloat64(0, value);
  const hi = BUFFER.getUint32(0);
  const lo = BUFFER.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (exponent >= 0) return { digits: mantissa << BigInt(exponent), scale: 0 };
  return { digits: mantissa * 5n ** BigInt(-exponent), scale: -exponent };
}

/** Rounds digits/10^scale to `places` decimals, ties to even; returns the integer of value·10^places. */
function roundTo(digits: bigint, scale: number, places: number): bigint {
  if (scale <= places) return digits * 10n ** BigInt(places - scale);
  const divisor = 10n ** BigInt(scale - places);
  const quotient = digits / divisor;
  const twice = (digits % divisor) * 2n;
  if (twice > divisor || (twice === divisor && quotient % 2n === 1n)) return quotient + 1n;
  return quotient;
}

function nonFinite(value: number): string | undefined {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return undefined;
}

/** `'{:.{places}f}'.format(value)` */
export function formatFixed(value: number, places: number): string {
  const special = nonFinite(value);
  if (special) return special;
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  // toFixed rounds the exact value too and differs only at a tie, (k + ½)·10^-places: a double there
  // is a dyadic fraction equal to (2k + 1) / (2^(places+1)·5^places), so a multiple of 2^-(places+1).
  if (magnitude < 1e21 && places <= 100 && (Number.isInteger(magnitude) || !Number.isInteger(magnitude * 2 ** (places + 1)))) {
    const body = magnitude.toFixed(places);
    return negative ? `-${body}` : body;
  }
  const { digits, scale } = exactDecimal(magnitude);
  const text = roundTo(digits, scale, places)
    .toString()
    .padStart(places + 1, '0');
  const body = places === 0 ? text : `${text.slice(0, -places)}.${text.slice(-places)}`;
  return negative ? `-${body}` : body;
}

/** `'{:.{places}e}'.format(value)`: one digit, `places` decimals, a signed exponent of at least two digits. */
export function formatExponential(value: number, places: number): string {
  const special = nonFinite(value);
  if (special) return special;
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  let exponent = 0;
  let mantissa = '0'.repeat(places + 1);
  if (magnitude !== 0) {
    const { digits, scale } = exactDecimal(magnitude);
    const length = digits.toString().length;
    // value = digits·10^-scale, its leading digit at 10^(length - 1 - scale); the mantissa is
    // value·10^-exponent = digits·10^-(scale + exponent).
    exponent = length - 1 - scale;
    let rounded = roundTo(digits, scale + exponent, places);
    if (rounded.toString().length > places + 1) {
      exponent += 1;
      rounded = roundTo(digits, scale + exponent, places);
    }
    mantissa = rounded.toString();
  }
  const body = places === 0 ? mantissa : `${mantissa[0]}.${mantissa.slice(1)}`;
  const sign = exponent < 0 ? '-' : '+';
  return `${negative ? '-' : ''}${body}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}
