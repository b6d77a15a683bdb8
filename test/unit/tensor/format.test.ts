import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatExponential, formatFixed } from '../../../src/tensor/decimal';
import { formatTensor } from '../../../src/tensor/format';
import { Tensor, type DType } from '../../../src/tensor/tensor';

interface PrintCase {
  data: unknown;
  shape: number[];
  dtype: 'float32' | 'int64' | 'bool';
  printed: string;
}

const golden = JSON.parse(readFileSync(join(__dirname, '..', '..', 'golden', 'printing.json'), 'utf8')) as {
  meta: Record<string, string>;
  cases: PrintCase[];
};

const DTYPES: Record<PrintCase['dtype'], DType> = { float32: 'float', int64: 'int', bool: 'bool' };

function flatten(value: unknown): number[] {
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (value === 'nan') return [NaN];
  if (value === 'inf') return [Infinity];
  if (value === '-inf') return [-Infinity];
  if (typeof value === 'boolean') return [value ? 1 : 0];
  return [value as number];
}

describe(`formatTensor prints as PyTorch ${golden.meta.torch} does (test/golden/printing.json)`, () => {
  it.each(golden.cases.map((c) => [c.printed.slice(0, 60).replace(/\n/g, '⏎'), c] as const))('%s', (_label, c) => {
    const tensor = new Tensor(Float64Array.from(flatten(c.data)), c.shape, DTYPES[c.dtype]);
    expect(formatTensor(tensor)).toBe(c.printed);
  });
});

describe("Python's float formatting", () => {
  it.each([
    [0.125, 2, '0.12'],
    [0.375, 2, '0.38'],
    [2.5, 0, '2'],
    [3.5, 0, '4'],
    [-0.0625, 3, '-0.062'],
    [1.5081, 4, '1.5081'],
    [1e21, 1, '1000000000000000000000.0'],
    [-0, 4, '-0.0000'],
  ])('formatFixed(%d, %d) is %s', (value, places, expected) => {
    expect(formatFixed(value, places)).toBe(expected);
  });

  it.each([
    [1e-5, 4, '1.0000e-05'],
    [123456789, 4, '1.2346e+08'],
    [9.99995, 4, '1.0000e+01'],
    [0, 4, '0.0000e+00'],
    [5e-324, 2, '4.94e-324'],
    [1.25, 1, '1.2e+00'],
    [Infinity, 4, 'inf'],
  ])('formatExponential(%d, %d) is %s', (value, places, expected) => {
    expect(formatExponential(value, places)).toBe(expected);
  });
});
