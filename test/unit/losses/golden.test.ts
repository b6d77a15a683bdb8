import { afterAll, describe, expect, it } from 'vitest';
import { LossError } from '../../../src/losses/errors';
import { evaluate } from '../../../src/losses/evaluate';
import { RELATIVE_TOLERANCE, RESULT_DTYPES, flatten, readGolden, relativeError, request, torchWords } from './golden-json';

const golden = readGolden('losses.json');
const worst: Record<string, { error: number; name: string }> = {};

describe(`loss values against PyTorch ${golden.meta.torch} (test/golden/losses.json)`, () => {
  it.each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, golden) => {
    const run = () => evaluate(request(golden));
    if ('error' in golden.expected) {
      let caught: unknown;
      try {
        run();
      } catch (error) {
        caught = error;
      }
      expect(caught, `PyTorch raised ${golden.expected.error.type}: ${golden.expected.error.message}`).toBeInstanceOf(LossError);
      expect((caught as Error).message.toLowerCase()).toContain(torchWords(golden.expected.error.message).toLowerCase());
      return;
    }
    const result = run();
    expect(result.value.shape).toEqual(golden.expected.shape);
    if (golden.expected.dtype) expect(result.value.dtype).toBe(RESULT_DTYPES[golden.expected.dtype]);
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
