import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LossError } from '../../../src/losses/errors';
import { evaluate } from '../../../src/losses/evaluate';
import { Tensor, type DType } from '../../../src/tensor/tensor';

interface JsonTensor {
  data: unknown;
  dtype: 'float64' | 'int64' | 'bool';
  shape: number[];
}

interface GoldenCase {
  name: string;
  loss: string;
  source: string;
  args: Record<string, JsonTensor>;
  kwargs: Record<string, unknown>;
  expected: { value: unknown; shape: number[]; warnings?: string[] } | { error: { type: string; message: string } };
}

const golden = JSON.parse(readFileSync(join(__dirname, '..', '..', 'golden', 'losses.json'), 'utf8')) as {
  meta: Record<string, string>;
  cases: GoldenCase[];
};

const DTYPES: Record<JsonTensor['dtype'], DType> = { float64: 'float', int64: 'int', bool: 'bool' };

function decode(value: unknown): number {
  if (value === 'nan') return NaN;
  if (value === 'inf') return Infinity;
  if (value === '-inf') return -Infinity;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value as number;
}

function flatten(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [decode(value)];
}

/** The dtypes are explicit, as PyTorch had them: no weak typing in golden cases. */
function toTensor(json: JsonTensor): Tensor {
  return new Tensor(Float64Array.from(flatten(json.data)), json.shape, DTYPES[json.dtype]);
}

function isJsonTensor(value: unknown): value is JsonTensor {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'data' in value;
}

const RELATIVE_TOLERANCE = 1e-9;
const worst: Record<string, { error: number; name: string }> = {};

function relativeError(actual: number, expected: number): number {
  if (Number.isNaN(expected)) return Number.isNaN(actual) ? 0 : Infinity;
  if (!Number.isFinite(expected)) return actual === expected ? 0 : Infinity;
  const scale = Math.max(Math.abs(expected), Math.abs(actual));
  // Values that are zero up to rounding (e.g. x − x) compare absolutely.
  return scale < 1e-15 ? Math.abs(actual - expected) : Math.abs(actual - expected) / scale;
}

describe(`loss values against PyTorch ${golden.meta.torch} (test/golden/losses.json)`, () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, golden) => {
    const args = Object.fromEntries(Object.entries(golden.args).map(([key, value]) => [key, toTensor(value)]));
    const kwargs = Object.fromEntries(Object.entries(golden.kwargs).map(([key, value]) => [key, isJsonTensor(value) ? toTensor(value) : decodeOption(value)]));
    const run = () => evaluate({ loss: golden.loss, args, kwargs });
    if ('error' in golden.expected) {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(caught, `PyTorch raised ${golden.expected.error.type}: ${golden.expected.error.message}`).toBeInstanceOf(LossError);
      const torchWords = golden.expected.error.message.replace(/Double/g, 'Float').replace(/[.\s]+$/, '');
      expect((caught as Error).message.toLowerCase()).toContain(torchWords.toLowerCase());
      return;
    }
    const result = run();
    expect(result.value.shape).toEqual(golden.expected.shape);
    const expected = flatten(golden.expected.value);
    expect(result.value.numel).toBe(expected.length);
    let caseWorst = 0;
    for (let i = 0; i < expected.length; i++) {
      const error = relativeError(result.value.data[i]!, expected[i]!);
      caseWorst = Math.max(caseWorst, error);
      expect(error, `element ${i}: ${result.value.data[i]} vs PyTorch ${expected[i]}`).toBeLessThanOrEqual(RELATIVE_TOLERANCE);
    }
    if (!worst[golden.loss] || caseWorst > worst[golden.loss]!.error) worst[golden.loss] = { error: caseWorst, name: golden.name };
    expect(result.warnings).toEqual(golden.expected.warnings ?? []);
  });

  afterAll(() => {
    const counts = new Map<string, number>();
    for (const c of golden.cases) counts.set(c.loss, (counts.get(c.loss) ?? 0) + 1);
    const lines = [...counts].map(
      ([loss, count]) => `${loss.padEnd(34)} ${String(count).padStart(4)} cases, largest relative error ${(worst[loss]?.error ?? 0).toExponential(2)}`,
    );
    console.log(`Golden cases per loss (PyTorch ${golden.meta.torch}):\n${lines.join('\n')}`);
  });
});

function decodeOption(value: unknown): unknown {
  return value === 'inf' || value === '-inf' || value === 'nan' ? decode(value) : value;
}
