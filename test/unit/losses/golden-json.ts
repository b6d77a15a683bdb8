import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, type DType } from '../../../src/tensor/tensor';

/** The cases `test/golden/generate.py` writes (losses.json, differential.json), and how to read them. */
interface JsonTensor {
  data: unknown;
  dtype: 'float64' | 'int64' | 'bool';
  shape: number[];
}

/** The dtype of a loss's value as LossLens keeps it: float32 and float64 alike are floats. */
export const RESULT_DTYPES = { float32: 'float', float64: 'float', int64: 'int', bool: 'bool' } as const;

export interface GoldenCase {
  name: string;
  loss: string;
  source: string;
  args: Record<string, JsonTensor>;
  kwargs: Record<string, unknown>;
  expected: { value: unknown; shape: number[]; dtype?: keyof typeof RESULT_DTYPES; warnings?: string[] } | { error: { type: string; message: string } };
}

export function readGolden(file: string): { meta: Record<string, string>; cases: GoldenCase[] } {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'golden', file), 'utf8')) as { meta: Record<string, string>; cases: GoldenCase[] };
}

const DTYPES: Record<JsonTensor['dtype'], DType> = { float64: 'float', int64: 'int', bool: 'bool' };

function decode(value: unknown): number {
  if (value === 'nan') return NaN;
  if (value === 'inf') return Infinity;
  if (value === '-inf') return -Infinity;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value as number;
}

export function flatten(value: unknown): number[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [decode(value)];
}

/** The dtypes are explicit, as PyTorch had them: no weak typing in golden cases. */
function toTensor(json: JsonTensor): Tensor {
  return new Tensor(Float64Array.from(flatten(json.data)), json.shape, DTYPES[json.dtype]);
}

function isJsonTensor(value: unknown): value is JsonTensor {
  return typeof value === 'object' && value !== null && 'dtype' in value && 'data' in value;
}

function decodeOption(value: unknown): unknown {
  return value === 'inf' || value === '-inf' || value === 'nan' ? decode(value) : value;
}

/** A case's tensors and options as the evaluator takes them. */
export function request(golden: GoldenCase): { loss: string; args: Record<string, Tensor>; kwargs: Record<string, unknown> } {
  const args = Object.fromEntries(Object.entries(golden.args).map(([key, value]) => [key, toTensor(value)]));
  const kwargs = Object.fromEntries(Object.entries(golden.kwargs).map(([key, value]) => [key, isJsonTensor(value) ? toTensor(value) : decodeOption(value)]));
  return { loss: golden.loss, args, kwargs };
}

export const RELATIVE_TOLERANCE = 1e-9;

export function relativeError(actual: number, expected: number): number {
  if (Number.isNaN(expected)) return Number.isNaN(actual) ? 0 : Infinity;
  if (!Number.isFinite(expected)) return actual === expected ? 0 : Infinity;
  const scale = Math.max(Math.abs(expected), Math.abs(actual));
  // Values that are zero up to rounding (e.g. x − x) compare absolutely.
  return scale < 1e-15 ? Math.abs(actual - expected) : Math.abs(actual - expected) / scale;
}

/** PyTorch's words as LossLens gives them: a float tensor is Float (LossLens has one float dtype). */
export const torchWords = (message: string): string => message.replace(/Double/g, 'Float').replace(/[.\s]+$/, '');
