import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { describe, expect, it } from 'vitest';
import { calculate, FormProblem, largest, lossCatalog, readForm } from '../../../src/explain/calculate';
import { pythonCode, pythonFloat } from '../../../src/explain/code';
import { evaluate } from '../../../src/losses/evaluate';
import { findLoss } from '../../../src/losses/registry';
import { Tensor } from '../../../src/tensor/tensor';

const article = { input: '[[0.6, 0.1], [0.3, 0.8]]', target: '[[0., 1.], [1., 0.]]' };
const limit = { maxElements: 1_000_000 };

function problem(run: () => unknown): FormProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof FormProblem) return error;
    throw error;
  }
  throw new Error('expected a FormProblem');
}

describe('the calculator', () => {
  it("computes the article's BCE example as PyTorch prints it, and its with-logits twin", () => {
    const bce = calculate({ loss: 'binary_cross_entropy', tensors: article, options: {} }, limit);
    expect(bce.printed).toBe('tensor(1.5081)');
    const withLogits = calculate({ loss: 'binary_cross_entropy_with_logits', tensors: article, options: {} }, limit);
    expect(withLogits.printed).toBe('tensor(0.8518)');
  });

  it('gives the loss of each element, with the largest highlighted (largest first, at most half of them)', () => {
    const result = calculate({ loss: 'binary_cross_entropy', tensors: article, options: {} }, limit);
    expect(result.elements?.shape).toEqual([2, 2]);
    expect(result.elements?.cells).toEqual(['0.9163', '2.3026', '1.2040', '1.6094']);
    expect(result.largest).toEqual([1, 3]);
  });

  it('reads options: a reduction, a weight tensor, a number; defaults are left out of the code', () => {
    const result = calculate(
      {
        loss: 'cross_entropy',
        tensors: { input: '[[[1., 2.], [3., 5.]], [[4., 7.], [4., 6.]]]', target: '[[0, 0], [1, 1]]' },
        options: { weight: '[1.0, 9.0]', reduction: 'mean', ignore_index: '-100', label_smoothing: '' },
      },
      limit,
    );
    expect(result.printed).toBe('tensor(1.1617)');
    expect(result.code).toContain('loss = F.cross_entropy(input, target, weight=torch.tensor([1., 9.]))');
    expect(result.code).toContain('print(loss)  # tensor(1.1617)');
  });

  it('says where a tensor does not parse, by field, line and column', () => {
    const error = problem(() =>
      readForm({ loss: 'binary_cross_entropy', tensors: { input: '[[0.6, 0.1],\n [0.3, 0.8x]]', target: '[1.]' }, options: {} }, 100),
    ).error;
    expect(error.field).toBe('tensor:input');
    expect(error.line).toBe(2);
    expect(error.column).toBeGreaterThan(1);
    expect(error.code).toBe('parse-error');
  });

  it("names a missing tensor and a bad number, and passes PyTorch's error on", () => {
    expect(problem(() => readForm({ loss: 'mse_loss', tensors: { input: '[1.]' }, options: {} }, 100)).error.field).toBe('tensor:target');
    expect(problem(() => readForm({ loss: 'cross_entropy', tensors: article, options: { label_smoothing: 'lots' } }, 100)).error.field).toBe(
      'option:label_smoothing',
    );
    const raised = problem(() => calculate({ loss: 'binary_cross_entropy', tensors: { input: '[2.0]', target: '[1.]' }, options: {} }, limit)).error;
    expect(raised.message).toMatch(/between 0 and 1/);
    expect(raised.field).toBeUndefined();
  });

  it('draws per-sample bars, probabilities with the target marked and the curve for cross entropy', () => {
    const result = calculate({ loss: 'cross_entropy', tensors: { input: '[[3., 1., -3.], [0., 2., 1.]]', target: '[0, 2]' }, options: {} }, limit);
    expect(result.charts.map((chart) => chart.id)).toEqual(['per-sample', 'probabilities', 'curve']);
    const probabilities = result.charts[1]!;
    expect(probabilities.series[0]!.marked).toEqual([true, false]);
    expect(probabilities.series[2]!.marked).toEqual([false, true]);
    const curve = result.charts[2]!;
    // Each sample sits on −log p: its loss is −log of the probability of its class.
    for (const point of curve.series[1]!.data as Array<[number, number]>) expect(point[1]).toBeCloseTo(-Math.log(point[0]), 12);
  });

  it('lists every loss of the registry once, grouped by framework, with the BCE twins linked', () => {
    const catalog = lossCatalog();
    expect(new Set(catalog.map((loss) => loss.name)).size).toBe(catalog.length);
    expect(catalog.find((loss) => loss.name === 'binary_cross_entropy')?.logitsTwin).toEqual({
      loss: 'binary_cross_entropy_with_logits',
      inputIsLogits: false,
    });
    expect(new Set(catalog.map((loss) => loss.group))).toEqual(new Set(['PyTorch', 'torchvision', 'Keras', 'TensorFlow.js', 'optax']));
    expect(catalog.find((loss) => loss.name === 'optax.huber_loss')?.apis).toEqual(['optax.huber_loss', 'optax.losses.huber_loss']);
    expect(catalog.find((loss) => loss.name === 'cosineDistance')?.apis).toEqual(['tf.losses.cosineDistance']);
  });

  it('finds the largest elements, ignoring nan, and none of a single element', () => {
    expect(largest(new Tensor(Float64Array.of(1, NaN, 3, 2), [4]), 2)).toEqual([2, 3]);
    expect(largest(new Tensor(Float64Array.of(5), [1]), 3)).toEqual([]);
  });
});

describe('Copy as PyTorch code', () => {
  it('spells floats as Python reads them back', () => {
    expect(pythonFloat(1)).toBe('1.');
    expect(pythonFloat(0.1)).toBe('0.1');
    expect(pythonFloat(1e-7)).toBe('1e-07');
    expect(pythonFloat(NaN)).toBe("float('nan')");
    expect(pythonFloat(-Infinity)).toBe("-float('inf')");
  });

  it('writes Keras losses as the loss class called on (y_true, y_pred)', () => {
    const loss = findLoss('binary_crossentropy')!;
    const code = pythonCode(
      loss,
      { loss: loss.name, args: { y_pred: new Tensor(Float64Array.of(0.6), [1]), y_true: new Tensor(Float64Array.of(1), [1]) }, kwargs: { from_logits: true } },
      'tensor(0.4375)',
    );
    expect(code).toContain('loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)');
    expect(code).toContain('loss = loss_fn(y_true, y_pred)');
  });
});

describe('Copy as optax code', () => {
  it('calls optax.losses with the arrays in float64 and the options that differ', () => {
    const loss = findLoss('optax.huber_loss')!;
    const code = pythonCode(
      loss,
      { loss: loss.name, args: { predictions: new Tensor(Float64Array.of(0.5), [1]), targets: new Tensor(Float64Array.of(1), [1]) }, kwargs: { delta: 0.4 } },
      '[0.12]',
    );
    expect(code).toContain("jax.config.update('jax_enable_x64', True)");
    expect(code).toContain('predictions = jnp.array([0.5])');
    expect(code).toContain('loss = optax.losses.huber_loss(predictions, targets, delta=0.4)');
  });
});

/** Unit vectors in rows, for TensorFlow.js's cosineDistance. */
const UNIT_ROWS = {
  labels: [
    [0.6, 0.8],
    [1, 0],
  ],
  predictions: [
    [0.8, 0.6],
    [0, 1],
  ],
} as const;

describe('Copy as TensorFlow.js code', () => {
  /** The script run by tfjs-core itself: its value must be the one LossLens computed. */
  function run(code: string): number[] {
    const body = code.replace(/^import .*$/m, '').replace(/loss\.print\(\);.*$/m, 'return Array.from(loss.dataSync());');
    return new Function('tf', body)(tf) as number[];
  }

  it.each([
    [
      'softmaxCrossEntropy',
      {
        onehotLabels: [
          [0, 1, 0],
          [1, 0, 0],
        ],
        logits: [
          [1, 2, 0.5],
          [0.3, -1, 2],
        ],
      },
      { labelSmoothing: 0.1, reduction: 'sum' },
    ],
    [
      'logLoss',
      {
        labels: [
          [0, 1],
          [1, 1],
        ],
        predictions: [
          [0.2, 0.7],
          [0.9, 0.4],
        ],
      },
      {
        weights: [
          [1, 0],
          [2, 1],
        ],
      },
    ],
    ['huberLoss', { labels: [1, 2, 3], predictions: [1.5, 0, 3.2] }, { delta: 0.5, reduction: 'mean' }],
    ['cosineDistance', UNIT_ROWS, {}],
    ['cosineDistance', UNIT_ROWS, { axis: 0, reduction: 'none' }],
  ] as const)('%s: the script prints what LossLens computed', (name, tensors, options) => {
    const loss = findLoss(name)!;
    const tensor = (value: unknown) => {
      const array = tf.tensor(value as number[]);
      const result = new Tensor(Float64Array.from(array.dataSync()), array.shape);
      array.dispose();
      return result;
    };
    const args = Object.fromEntries(Object.entries(tensors).map(([key, value]) => [key, tensor(value)]));
    const kwargs = Object.fromEntries(Object.entries(options).map(([key, value]) => [key, Array.isArray(value) ? tensor(value) : value]));
    const request = { loss: name, args, kwargs };
    const ours = Array.from(evaluate(request).value.data);
    const theirs = run(pythonCode(loss, request, String(ours)));
    expect(theirs).toHaveLength(ours.length);
    theirs.forEach((value, index) => expect(value).toBeCloseTo(ours[index]!, 5));
  });
});

describe('the reduction step', () => {
  it('shows the mean, the sum, the weighted mean of class weights and batchmean as equations that hold', () => {
    const bce = calculate({ loss: 'binary_cross_entropy', tensors: article, options: {} }, limit);
    expect(bce.reduction).toBe('mean of the 4 element losses: 6.03229 / 4 = tensor(1.5081)');
    const sum = calculate({ loss: 'binary_cross_entropy', tensors: article, options: { reduction: 'sum' } }, limit);
    expect(sum.reduction).toBe('sum of the 4 element losses: 6.03229 = tensor(6.0323)');
    const weighted = calculate(
      {
        loss: 'cross_entropy',
        tensors: { input: '[[[1., 2.], [3., 5.]], [[4., 7.], [4., 6.]]]', target: '[[0, 0], [1, 1]]' },
        options: { weight: '[1.0, 9.0]' },
      },
      limit,
    );
    expect(weighted.reduction).toMatch(/^weighted mean: Σ w\[y\] · ℓ divided by Σ w\[y\]: [\d.]+ \/ 20 = tensor\(1\.1617\)$/);
    const kl = calculate(
      { loss: 'kl_div', tensors: { input: '[[-0.5, -1.2], [-0.9, -0.6]]', target: '[[0.6, 0.4], [0.3, 0.7]]' }, options: { reduction: 'batchmean' } },
      limit,
    );
    expect(kl.reduction).toMatch(/^batchmean: the sum divided by the batch size: -?[\d.]+ \/ 2 = tensor\(/);
  });

  it('is left out where the value is not a plain reduction of the elements (CTC divides by target lengths)', () => {
    const ctc = calculate(
      {
        loss: 'ctc_loss',
        tensors: {
          log_probs: '[[[-1.2, -0.7, -1.5]], [[-0.9, -1.1, -1.3]], [[-1.4, -0.8, -1.2]]]',
          targets: '[[1, 2]]',
          input_lengths: '[3]',
          target_lengths: '[2]',
        },
        options: {},
      },
      limit,
    );
    expect(ctc.printed).toMatch(/^tensor\(/);
    expect(ctc.reduction).toBeUndefined();
  });
});

describe('large tensors', () => {
  it('are computed, shown cut to a table, and not written out as code', () => {
    const n = 200_000;
    const input = `[${Array.from({ length: n }, (_unused, i) => ((i % 7) + 1) / 10).join(', ')}]`;
    const target = `[${Array.from({ length: n }, (_unused, i) => i % 2).join('., ')}.]`;
    const result = calculate({ loss: 'binary_cross_entropy', tensors: { input, target }, options: {} }, limit);
    expect(result.printed).toMatch(/^tensor\(\d+\.\d{4}\)$/);
    expect(result.elements?.numel).toBe(n);
    expect(result.elements?.values.length).toBe(400);
    expect(result.code).toBeUndefined();
  });
});
