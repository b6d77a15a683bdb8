import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/losses/evaluate';
import { Tensor } from '../../../src/tensor/tensor';

/**
 * TensorFlow.js's own losses against tfjs-core itself (its CPU backend, float32): the same
 * tensors, weights, label smoothing, epsilon and every reduction; equal to float32's precision.
 */

const REDUCTIONS = {
  none: tf.Reduction.NONE,
  sum: tf.Reduction.SUM,
  mean: tf.Reduction.MEAN,
  sum_by_nonzero_weights: tf.Reduction.SUM_BY_NONZERO_WEIGHTS,
} as const;
type ReductionName = keyof typeof REDUCTIONS;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cases = fc.record({
  rows: fc.integer({ min: 1, max: 4 }),
  columns: fc.integer({ min: 2, max: 5 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  reduction: fc.constantFrom<ReductionName>('none', 'sum', 'mean', 'sum_by_nonzero_weights'),
  weights: fc.constantFrom('none', 'scalar', 'each'),
  smoothing: fc.constantFrom(0, 0.1, 0.5),
});

/** Reproducible numbers for a case. */
function numbers(seed: number, count: number, low: number, high: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return low + ((high - low) * state) / 2_147_483_648;
  });
}

function expectClose(ours: Tensor, theirs: tf.Tensor): void {
  const expected = Array.from(theirs.dataSync());
  expect(ours.shape).toEqual(theirs.shape);
  // 0 / 0 (every weight 0) is NaN in both.
  Array.from(ours.data).forEach((value, index) => (Number.isNaN(expected[index]) ? expect(value).toBeNaN() : expect(value).toBeCloseTo(expected[index]!, 4)));
}

describe("TensorFlow.js's losses, against tfjs-core", () => {
  it.each([
    ['softmaxCrossEntropy', 'onehotLabels', 'logits', 'labelSmoothing'],
    ['sigmoidCrossEntropy', 'multiClassLabels', 'logits', 'labelSmoothing'],
    ['logLoss', 'labels', 'predictions', 'epsilon'],
  ] as const)('%s', (loss, labelsName, predictionsName, third) => {
    fc.assert(
      fc.property(cases, ({ rows, columns, seed, reduction, weights, smoothing }) => {
        const shape = [rows, columns];
        const count = rows * columns;
        const labelValues =
          loss === 'softmaxCrossEntropy'
            ? Array.from({ length: count }, (_, i) => (i % columns === seed % columns ? 1 : 0))
            : numbers(seed + 1, count, 0, 1).map((value) => (value > 0.5 ? 1 : 0));
        const predictionValues = loss === 'logLoss' ? numbers(seed, count, 0.01, 0.99) : numbers(seed, count, -4, 4);
        const lossShape = loss === 'softmaxCrossEntropy' ? [rows] : shape;
        const weightValues =
          weights === 'scalar'
            ? [0.5]
            : weights === 'each'
              ? numbers(
                  seed + 2,
                  lossShape.reduce((a, b) => a * b, 1),
                  0,
                  2,
                ).map((w, i) => (i === 0 ? 0 : w))
              : undefined;
        const weightShape = weights === 'scalar' ? [] : lossShape;
        const thirdValue = third === 'epsilon' ? 1e-7 : smoothing;

        const labels = tf.tensor(labelValues, shape);
        const predictions = tf.tensor(predictionValues, shape);
        const tfWeights = weightValues ? tf.tensor(weightValues, weightShape) : undefined;
        const theirs = tf.losses[loss](labels, predictions, tfWeights, thirdValue, REDUCTIONS[reduction]);

        const ours = evaluate({
          loss,
          args: { [labelsName]: new Tensor(Float64Array.from(labelValues), shape), [predictionsName]: new Tensor(Float64Array.from(predictionValues), shape) },
          kwargs: {
            reduction,
            [third]: thirdValue,
            ...(weightValues ? { weights: new Tensor(Float64Array.from(weightValues), weightShape) } : {}),
          },
        }).value;
        expectClose(ours, theirs);
        tf.dispose([labels, predictions, theirs, ...(tfWeights ? [tfWeights] : [])]);
      }),
      { numRuns: 60 },
    );
  });

  it.each(['meanSquaredError', 'absoluteDifference', 'huberLoss', 'hingeLoss'] as const)('%s', (loss) => {
    fc.assert(
      fc.property(cases, ({ rows, columns, seed, reduction, weights }) => {
        const shape = [rows, columns];
        const count = rows * columns;
        const labelValues = loss === 'hingeLoss' ? numbers(seed + 1, count, 0, 1).map((value) => (value > 0.5 ? 1 : 0)) : numbers(seed + 1, count, -3, 3);
        const predictionValues = numbers(seed, count, -3, 3);
        const weightValues = weights === 'scalar' ? [0.5] : weights === 'each' ? numbers(seed + 2, count, 0, 2).map((w, i) => (i === 0 ? 0 : w)) : undefined;
        const weightShape = weights === 'scalar' ? [] : shape;
        const labels = tf.tensor(labelValues, shape);
        const predictions = tf.tensor(predictionValues, shape);
        const tfWeights = weightValues ? tf.tensor(weightValues, weightShape) : undefined;
        const theirs =
          loss === 'huberLoss'
            ? tf.losses.huberLoss(labels, predictions, tfWeights, 0.7, REDUCTIONS[reduction])
            : tf.losses[loss](labels, predictions, tfWeights, REDUCTIONS[reduction]);
        const ours = evaluate({
          loss,
          args: { labels: new Tensor(Float64Array.from(labelValues), shape), predictions: new Tensor(Float64Array.from(predictionValues), shape) },
          kwargs: {
            reduction,
            ...(loss === 'huberLoss' ? { delta: 0.7 } : {}),
            ...(weightValues ? { weights: new Tensor(Float64Array.from(weightValues), weightShape) } : {}),
          },
        }).value;
        expectClose(ours, theirs);
        tf.dispose([labels, predictions, theirs, ...(tfWeights ? [tfWeights] : [])]);
      }),
      { numRuns: 40 },
    );
  });

  it('cosineDistance', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: -2, max: 1 }), ({ rows, columns, seed, reduction, weights }, axis) => {
        const shape = [rows, columns];
        const count = rows * columns;
        const labelValues = numbers(seed + 1, count, -1, 1);
        const predictionValues = numbers(seed, count, -1, 1);
        const lossShape = shape.map((size, index) => (index === (axis + 2) % 2 ? 1 : size));
        const lossCount = lossShape[0]! * lossShape[1]!;
        const weightValues =
          weights === 'scalar' ? [0.5] : weights === 'each' ? numbers(seed + 2, lossCount, 0, 2).map((w, i) => (i === 0 ? 0 : w)) : undefined;
        const weightShape = weights === 'scalar' ? [] : lossShape;
        const labels = tf.tensor(labelValues, shape);
        const predictions = tf.tensor(predictionValues, shape);
        const tfWeights = weightValues ? tf.tensor(weightValues, weightShape) : undefined;
        const theirs = tf.losses.cosineDistance(labels, predictions, axis, tfWeights, REDUCTIONS[reduction]);
        const ours = evaluate({
          loss: 'cosineDistance',
          args: { labels: new Tensor(Float64Array.from(labelValues), shape), predictions: new Tensor(Float64Array.from(predictionValues), shape) },
          kwargs: { reduction, axis, ...(weightValues ? { weights: new Tensor(Float64Array.from(weightValues), weightShape) } : {}) },
        }).value;
        expectClose(ours, theirs);
        tf.dispose([labels, predictions, theirs, ...(tfWeights ? [tfWeights] : [])]);
      }),
      { numRuns: 40 },
    );
  });

  it('says what tfjs-core says of labels and predictions of different shapes', () => {
    const labels = new Tensor(Float64Array.from([1, 0]), [2]);
    const predictions = new Tensor(Float64Array.from([0.2, 0.3, 0.5]), [3]);
    expect(() => tf.losses.logLoss(tf.tensor([1, 0]), tf.tensor([0.2, 0.3, 0.5]))).toThrow('Error in logLoss:  Shapes 2 and 3 must match');
    expect(() => evaluate({ loss: 'logLoss', args: { labels, predictions } })).toThrow('Error in logLoss:  Shapes 2 and 3 must match');
  });
});
