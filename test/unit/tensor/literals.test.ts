import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError, parseTensor } from '../../../src/tensor/parse';

/** Tensor literals as torch and NumPy read them (test/golden/literals.json, written by generate.py). */
interface LiteralCase {
  readonly source: string;
  readonly dtype?: 'float' | 'int' | 'bool';
  readonly shape?: number[];
  readonly data?: number[];
  readonly error?: string;
}

const golden = JSON.parse(readFileSync(join(__dirname, '..', '..', 'golden', 'literals.json'), 'utf8')) as { meta: { torch: string }; cases: LiteralCase[] };

describe(`tensor literals read as PyTorch ${golden.meta.torch} and NumPy read them`, () => {
  it.each(golden.cases.map((c) => [c.source, c] as const))('%s', (source, expected) => {
    if (expected.error === undefined) {
      const tensor = parseTensor(source);
      expect({ dtype: tensor.dtype, shape: tensor.shape, data: Array.from(tensor.data) }).toEqual({
        dtype: expected.dtype,
        shape: expected.shape,
        data: expected.data,
      });
      return;
    }
    const read = () => parseTensor(source);
    expect(read).toThrow(ParseError);
    if (expected.error === 'uninitialised') expect(read).toThrow(/uninitialised tensor of that shape/);
    else if (!expected.error.startsWith('not a literal')) expect(read).toThrow(expected.error);
  });
});
