import { describe, expect, it } from 'vitest';
import { LossError } from '../../../src/losses/errors';
import { evaluate, type Evaluation } from '../../../src/losses/evaluate';
import { RELATIVE_TOLERANCE, RESULT_DTYPES, flatten, readGolden, relativeError, request, torchWords, type GoldenCase } from './golden-json';

/**
 * Generated edge cases (test/golden/differential.json, written by test/golden/generate.py with
 * fixed seeds): random dtypes, empty and 0-d tensors, broadcasting, infinities and nan, options at
 * their limits. The evaluator must agree with PyTorch on every one: the value (to the golden
 * tolerance), its shape and dtype, or a refusal in PyTorch's words where PyTorch raised.
 */
const differential = readGolden('differential.json');

/** What is wrong with the evaluator's answer to a case, or undefined when it agrees. */
function disagreement(golden: GoldenCase): string | undefined {
  let result: Evaluation;
  try {
    result = evaluate(request(golden));
  } catch (error) {
    if (!(error instanceof LossError)) throw error;
    if (!('error' in golden.expected)) return `refused (${error.message}) where PyTorch computed ${JSON.stringify(golden.expected.value)}`;
    const words = torchWords(golden.expected.error.message).toLowerCase();
    return error.message.toLowerCase().includes(words) ? undefined : `refused with "${error.message}" where PyTorch raised "${golden.expected.error.message}"`;
  }
  if ('error' in golden.expected) return `computed ${JSON.stringify(Array.from(result.value.data))} where PyTorch raised ${golden.expected.error.message}`;
  const { shape, dtype } = golden.expected;
  if (JSON.stringify(result.value.shape) !== JSON.stringify(shape))
    return `shape ${JSON.stringify(result.value.shape)} where PyTorch gives ${JSON.stringify(shape)}`;
  if (dtype && result.value.dtype !== RESULT_DTYPES[dtype]) return `dtype ${result.value.dtype} where PyTorch gives ${dtype}`;
  const expected = flatten(golden.expected.value);
  for (let i = 0; i < expected.length; i++) {
    if (!(relativeError(result.value.data[i]!, expected[i]!) <= RELATIVE_TOLERANCE))
      return `element ${i}: ${result.value.data[i]} where PyTorch gives ${expected[i]}`;
  }
  return undefined;
}

describe(`generated edge cases against PyTorch ${differential.meta.torch} (test/golden/differential.json)`, () => {
  it('holds a few hundred cases across the PyTorch losses', () => {
    expect(differential.cases.length).toBeGreaterThanOrEqual(250);
    expect(new Set(differential.cases.map((c) => c.loss)).size).toBeGreaterThanOrEqual(20);
  });

  it.each(differential.cases.map((c) => [c.name, c] as const))('%s', (_name, golden) => {
    expect(disagreement(golden)).toBeUndefined();
  });
});
