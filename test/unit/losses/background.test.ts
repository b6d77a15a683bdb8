import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateInBackground } from '../../../src/losses/background';
import { LossError } from '../../../src/losses/errors';
import { evaluate } from '../../../src/losses/evaluate';
import { Tensor } from '../../../src/tensor/tensor';
import { bundleWorker } from '../helpers/worker';

let workerPath: string;

beforeAll(async () => {
  workerPath = await bundleWorker('src/losses/worker.ts', 'evaluator-worker.js');
});

function logits(count: number): { input: Tensor; target: Tensor } {
  const input = new Float64Array(count);
  const target = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    input[i] = Math.sin(i) * 4;
    target[i] = i % 3 === 0 ? 1 : 0;
  }
  return { input: new Tensor(input, [count]), target: new Tensor(target, [count]) };
}

describe('evaluateInBackground (worker thread)', () => {
  it('gives the same value as evaluating in place, with progress, and keeps the caller responsive', async () => {
    const args = logits(10_000_000);
    const fractions: number[] = [];
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const result = await evaluateInBackground({ loss: 'binary_cross_entropy_with_logits', args }, { workerPath, onProgress: (f) => fractions.push(f) });
    clearInterval(ticker);
    expect(result.value.item()).toBe(evaluate({ loss: 'binary_cross_entropy_with_logits', args }).value.item());
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.length).toBeGreaterThan(1);
    // The event loop kept running while 10 million elements were evaluated.
    expect(ticks).toBeGreaterThan(2);
  });

  it('returns warnings, steps and errors across the thread', async () => {
    const warned = await evaluateInBackground(
      { loss: 'mse_loss', args: { input: new Tensor(Float64Array.of(1, 2), [2, 1]), target: new Tensor(Float64Array.of(1, 2), [2]) } },
      { workerPath, recordSteps: true },
    );
    expect(warned.warnings[0]).toContain('Using a target size');
    expect(warned.steps.map((step) => step.id)).toEqual(['elementwise']);
    await expect(
      evaluateInBackground(
        { loss: 'cross_entropy', args: { input: new Tensor(Float64Array.of(1, 2), [1, 2]), target: new Tensor(Float64Array.of(4), [1], 'int') } },
        { workerPath },
      ),
    ).rejects.toMatchObject({ code: 'out-of-range' });
  });

  it("speaks the caller's language: the worker reads the l10n bundle it is handed", async () => {
    const chinese = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    const args = { input: new Tensor(Float64Array.of(1, 2), [2, 1]), target: new Tensor(Float64Array.of(1, 2), [2]) };
    const warned = await evaluateInBackground({ loss: 'mse_loss', args }, { workerPath, l10nBundle: chinese });
    expect(warned.warnings[0]).toContain('目标大小 (torch.Size([2])) 与输入大小 (torch.Size([2, 1])) 不同');
    const english = await evaluateInBackground({ loss: 'mse_loss', args }, { workerPath });
    expect(english.warnings[0]).toContain('Using a target size');
  });

  it('cancels when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = evaluateInBackground(
      { loss: 'binary_cross_entropy_with_logits', args: logits(4_000_000) },
      { workerPath, signal: controller.signal, onProgress: () => controller.abort() },
    );
    await expect(pending).rejects.toBeInstanceOf(LossError);
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('refuses more elements than the limit with a clear error, not an out-of-memory crash', async () => {
    await expect(evaluateInBackground({ loss: 'mse_loss', args: logits(1000) }, { workerPath, maxElements: 1500 })).rejects.toMatchObject({
      code: 'too-large',
      message: expect.stringContaining('more than the limit of 1,500'),
    });
  });
});
