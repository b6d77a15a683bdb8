import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LossError } from '../../../src/losses/errors';
import { evaluate } from '../../../src/losses/evaluate';
import { LOSSES } from '../../../src/losses/registry';
import { parseTensor } from '../../../src/tensor/parse';
import { Tensor } from '../../../src/tensor/tensor';

const t = (text: string) => parseTensor(text);

function lossError(run: () => unknown): LossError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LossError);
    return error as LossError;
  }
  throw new Error('expected a LossError');
}

describe('evaluate: requests', () => {
  it('suggests the closest name for an unknown loss', () => {
    const error = lossError(() => evaluate({ loss: 'cross_entropyy', args: {} }));
    expect(error.code).toBe('unknown-loss');
    expect(error.message).toBe('Unknown loss "cross_entropyy". Did you mean "cross_entropy"?');
  });

  it('names a missing tensor argument the way Python does', () => {
    const error = lossError(() => evaluate({ loss: 'mse_loss', args: { input: t('[1.]') } }));
    expect(error.code).toBe('missing-argument');
    expect(error.message).toBe("mse_loss() missing required argument: 'target'");
  });

  it('refuses unknown arguments and options, listing the known ones', () => {
    expect(lossError(() => evaluate({ loss: 'mse_loss', args: { input: t('[1.]'), target: t('[1.]'), labels: t('[1.]') } })).message).toContain(
      "mse_loss() got an unexpected argument 'labels' (it takes input, target).",
    );
    expect(lossError(() => evaluate({ loss: 'mse_loss', args: { input: t('[1.]'), target: t('[1.]') }, kwargs: { beta: 1 } })).message).toBe(
      "mse_loss() got an unexpected keyword argument 'beta' (options: reduction).",
    );
  });

  it('checks option types', () => {
    const args = { input: t('[[1., 2.]]'), target: t('[1]') };
    expect(lossError(() => evaluate({ loss: 'cross_entropy', args, kwargs: { ignore_index: 1.5 } })).message).toBe(
      'cross_entropy(): ignore_index must be an integer, got 1.5.',
    );
    expect(lossError(() => evaluate({ loss: 'cross_entropy', args, kwargs: { label_smoothing: 'a lot' } })).message).toBe(
      'cross_entropy(): label_smoothing must be a number, got "a lot".',
    );
    expect(lossError(() => evaluate({ loss: 'kl_div', args: { input: t('[1.]'), target: t('[1.]') }, kwargs: { log_target: 1 } })).message).toBe(
      'kl_div(): log_target must be True or False, got 1.',
    );
  });

  it('accepts Keras argument names and the input/target aliases', () => {
    const byKerasNames = evaluate({ loss: 'binary_crossentropy', args: { y_true: t('[[0, 1]]'), y_pred: t('[[0.4, 0.6]]') } });
    const byAliases = evaluate({ loss: 'binary_crossentropy', args: { target: t('[[0, 1]]'), input: t('[[0.4, 0.6]]') } });
    expect(byAliases.value.item()).toBe(byKerasNames.value.item());
  });
});

describe('evaluate: weak and written-out dtypes', () => {
  it('reads integer literals as class indices or as float targets, whichever the loss needs', () => {
    expect(evaluate({ loss: 'cross_entropy', args: { input: t('[[1., 2., 3.]]'), target: t('[2]') } }).value.item()).toBeCloseTo(0.4076, 4);
    expect(evaluate({ loss: 'binary_cross_entropy', args: { input: t('[0.5]'), target: t('[1]') } }).value.item()).toBeCloseTo(Math.LN2, 12);
  });

  it('refuses float class indices that were written as floats, as PyTorch does', () => {
    const error = lossError(() => evaluate({ loss: 'cross_entropy', args: { input: t('[[1., 2., 3.]]'), target: t('[2.]') } }));
    expect(error.code).toBe('dtype-mismatch');
    expect(error.message).toContain('expected scalar type Long but found Float');
  });

  it('refuses a weak target with a fractional class index', () => {
    const target = new Tensor(Float64Array.of(1.5), [1], 'float', true);
    expect(lossError(() => evaluate({ loss: 'nll_loss', args: { input: t('[[1., 2.]]'), target } })).message).toContain('its values must be integers; got 1.5');
  });
});

describe('evaluate: steps, warnings, progress, cancellation, limits', () => {
  it('returns the steps only when asked', () => {
    const request = { loss: 'cross_entropy', args: { input: t('[[1., 2.]]'), target: t('[0]') } };
    expect(evaluate(request).steps).toEqual([]);
    expect(evaluate(request, { recordSteps: true }).steps.map((step) => step.id)).toEqual(['log_softmax', 'softmax', 'picked']);
  });

  it('returns the broadcasting warning with the broadcast value, as PyTorch does for (N,1) vs (N,)', () => {
    const result = evaluate({ loss: 'mse_loss', args: { input: t('[[1.], [2.]]'), target: t('[1., 2.]') }, kwargs: { reduction: 'none' } });
    expect(result.value.shape).toEqual([2, 2]);
    expect(Array.from(result.value.data)).toEqual([0, 1, 1, 0]);
    expect(result.warnings).toEqual([
      'Using a target size (torch.Size([2])) that is different to the input size (torch.Size([2, 1])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
    ]);
  });

  it('reports progress up to 1 on a large input', () => {
    const fractions: number[] = [];
    const input = new Tensor(new Float64Array(300_000), [300_000]);
    evaluate({ loss: 'binary_cross_entropy_with_logits', args: { input, target: input } }, { onProgress: (fraction) => fractions.push(fraction) });
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.at(-1)).toBe(1);
    expect([...fractions].sort((a, b) => a - b)).toEqual(fractions);
  });

  it('stops with a cancelled error when the caller cancels', () => {
    const input = new Tensor(new Float64Array(300_000), [300_000]);
    let polls = 0;
    const error = lossError(() => evaluate({ loss: 'mse_loss', args: { input, target: input } }, { isCancelled: () => ++polls > 2 }));
    expect(error.code).toBe('cancelled');
  });

  it('refuses inputs above the element limit before allocating anything', () => {
    const input = new Tensor(new Float64Array(10), [10]);
    const error = lossError(() => evaluate({ loss: 'mse_loss', args: { input, target: input } }, { maxElements: 15 }));
    expect(error.code).toBe('too-large');
    expect(error.message).toContain('the tensors hold 20 elements together, more than the limit of 15');
  });
});

describe('the registry', () => {
  it('holds the 20 losses of torch.nn.functional, torchvision focal loss and Keras cross entropies, each documented', () => {
    expect(LOSSES.filter((loss) => loss.framework === 'torch')).toHaveLength(20);
    expect(new Set(LOSSES.map((loss) => loss.name)).size).toBe(LOSSES.length);
    for (const loss of LOSSES) {
      expect(loss.formula.length, loss.name).toBeGreaterThan(5);
      expect(loss.tensors.length, loss.name).toBeGreaterThan(0);
      expect(Object.keys(loss.aliases).length, loss.name).toBeGreaterThan(0);
      for (const parameter of loss.tensors) expect(parameter.contract.description, `${loss.name}.${parameter.name}`).not.toBe('');
    }
  });
});

const matrix = (rows: number, cols: number, min: number, max: number) =>
  fc
    .array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: rows * cols, maxLength: rows * cols })
    .map((data) => new Tensor(Float64Array.from(data), [rows, cols]));

describe('loss properties (fast-check)', () => {
  const plainMean = [
    'mse_loss',
    'l1_loss',
    'smooth_l1_loss',
    'huber_loss',
    'binary_cross_entropy_with_logits',
    'soft_margin_loss',
    'hinge_embedding_loss',
    'poisson_nll_loss',
  ];

  it.each(plainMean)('%s: sum = mean · count and the unreduced losses sum to sum', (loss) => {
    fc.assert(
      fc.property(matrix(3, 4, -20, 20), matrix(3, 4, -1, 1), (input, target) => {
        const args = { input, target };
        const none = evaluate({ loss, args, kwargs: { reduction: 'none' } }).value;
        const total = evaluate({ loss, args, kwargs: { reduction: 'sum' } }).value.item();
        const mean = evaluate({ loss, args, kwargs: { reduction: 'mean' } }).value.item();
        const summed = Array.from(none.data).reduce((a, b) => a + b, 0);
        expect(Math.abs(total - mean * none.numel)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(total)));
        expect(Math.abs(total - summed)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(total)));
      }),
      { numRuns: 50 },
    );
  });

  it('cross_entropy and binary_cross_entropy_with_logits stay finite and non-negative for any finite logits', () => {
    fc.assert(
      fc.property(matrix(2, 3, -1e6, 1e6), fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 2 }), (logits, labels) => {
        const ce = evaluate({ loss: 'cross_entropy', args: { input: logits, target: new Tensor(Float64Array.from(labels), [2], 'int') } }).value.item();
        expect(Number.isFinite(ce)).toBe(true);
        expect(ce).toBeGreaterThanOrEqual(0);
        const targets = new Tensor(
          Float64Array.from(logits.data, (x) => (x > 0 ? 1 : 0)),
          logits.shape,
        );
        const bce = evaluate({ loss: 'binary_cross_entropy_with_logits', args: { input: logits, target: targets } }).value.item();
        expect(Number.isFinite(bce)).toBe(true);
        expect(bce).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });

  it('cross_entropy with weights: mean = Σ losses / Σ w[y]', () => {
    fc.assert(
      fc.property(
        matrix(4, 3, -5, 5),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.double({ min: 0.1, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (input, labels, weights) => {
          const target = new Tensor(Float64Array.from(labels), [4], 'int');
          const weight = new Tensor(Float64Array.from(weights), [3]);
          const none = evaluate({ loss: 'cross_entropy', args: { input, target }, kwargs: { weight, reduction: 'none' } }).value;
          const mean = evaluate({ loss: 'cross_entropy', args: { input, target }, kwargs: { weight } }).value.item();
          const expected = Array.from(none.data).reduce((a, b) => a + b, 0) / labels.reduce((a, label) => a + weights[label]!, 0);
          expect(Math.abs(mean - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(mean)));
        },
      ),
      { numRuns: 100 },
    );
  });
});
