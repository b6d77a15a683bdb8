import * as l10n from '@vscode/l10n';
import { Tensor } from '../tensor/tensor';
import { floats } from './checks';
import { LossError } from './errors';
import { huber } from './elementwise';
import { checkpointRows, lastAxis } from './keras';
import { tfjsSameShape } from './shapes';
import type { LossContext, LossDefinition, OptionSpec, OptionValue } from './types';

/**
 * TensorFlow.js's own losses (`tf.losses.*`), as tfjs-core 4 computes them: the labels first,
 * optional `weights`, and `computeWeightedLoss`'s reductions, `sum_by_nonzero_weights` by default.
 */

const REDUCTIONS = ['none', 'sum', 'mean', 'sum_by_nonzero_weights'] as const;

const reductionOption: OptionSpec = { kind: 'enum', values: REDUCTIONS, default: 'sum_by_nonzero_weights' };

const weightsOption: OptionSpec = {
  kind: 'tensor',
  default: null,
  contract: { space: 'values', shapes: ['()', 'same as the losses'], dtype: 'float', description: 'Weights of the losses: one number, or one per loss.' },
};

/**
 * tfjs-core's `computeWeightedLoss`: the losses times the weights, then `none` (each), `sum`,
 * `mean` (over the weights' sum, scaled when they broadcast) or `sum_by_nonzero_weights` (over
 * how many weights are not 0; without weights, over how many losses there are).
 */
function computeWeightedLoss(losses: Float64Array, shape: readonly number[], weightsValue: OptionValue, reduction: string, loss: string): Tensor {
  const weights = weightsValue instanceof Tensor ? weightsValue : undefined;
  if (weights && weights.numel !== 1 && weights.numel !== losses.length) {
    throw new LossError(
      'shape-mismatch',
      l10n.t('Error in {0}: weights of shape {1} do not broadcast to the losses of shape {2}', loss, weights.shape.join(','), shape.join(',')),
    );
  }
  const weight = (i: number) => (weights ? weights.data[weights.numel === 1 ? 0 : i]! : 1);
  const weighted = new Float64Array(losses.length);
  let total = 0;
  for (let i = 0; i < losses.length; i++) {
    weighted[i] = losses[i]! * weight(i);
    total += weighted[i]!;
  }
  switch (reduction) {
    case 'none':
      return new Tensor(weighted, shape);
    case 'sum':
      return Tensor.scalar(total);
    case 'mean': {
      if (!weights) return Tensor.scalar(total / losses.length);
      let weightSum = 0;
      for (const value of weights.data) weightSum += value;
      const broadcast = losses.length / weights.numel;
      return Tensor.scalar(broadcast > 1 ? total / weightSum / broadcast : total / weightSum);
    }
    default: {
      if (!weights) return Tensor.scalar(total / losses.length);
      let nonZero = 0;
      for (let i = 0; i < losses.length; i++) if (weight(i) !== 0) nonZero++;
      return Tensor.scalar(total / nonZero);
    }
  }
}

/** `labelSmoothing` must lie in [0, 1]. */
function smoothing(value: OptionValue, loss: string): number {
  const amount = value as number;
  if (!(amount >= 0 && amount <= 1)) throw new LossError('invalid-argument', l10n.t('{0}: labelSmoothing must be between 0 and 1, got {1}', loss, amount));
  return amount;
}

function steps(ctx: LossContext, losses: Float64Array, shape: readonly number[], title: string): void {
  ctx.step('per_sample', title, () => new Tensor(losses.slice(), shape));
}

export const tfjsSoftmaxCrossEntropy: LossDefinition = {
  name: 'softmaxCrossEntropy',
  framework: 'tfjs',
  title: 'Softmax cross entropy (TensorFlow.js)',
  tensors: [
    {
      name: 'onehotLabels',
      aliases: ['target'],
      contract: { space: 'probabilities', shapes: ['(N, C)'], dtype: 'float', description: 'One-hot labels (or class probabilities), one row per example.' },
    },
    {
      name: 'logits',
      aliases: ['input'],
      contract: { space: 'logits', shapes: ['(N, C), same as onehotLabels'], dtype: 'float', description: 'Raw scores (no softmax), one row per example.' },
    },
  ],
  options: { weights: weightsOption, labelSmoothing: { kind: 'number', default: 0 }, reduction: reductionOption },
  shapes: tfjsSameShape('softmaxCrossEntropy', 'onehotLabels', 'logits'),
  formula: 'ℓₙ = −Σ_c yₙ,c · log softmax(xₙ)_c,  y smoothed to y·(1 − s) + s / C',
  aliases: { tfjs: ['tf.losses.softmaxCrossEntropy'] },
  compute({ onehotLabels, logits }, options, ctx) {
    const name = 'softmaxCrossEntropy';
    const y = floats(onehotLabels!, 'onehotLabels', name);
    const x = floats(logits!, 'logits', name);
    const amount = smoothing(options.labelSmoothing!, name);
    const { rows, width, outShape } = lastAxis(logits!.shape);
    const losses = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      checkpointRows(ctx, r, rows);
      let max = -Infinity;
      for (let c = 0; c < width; c++) max = Math.max(max, x[r * width + c]!);
      let sumExp = 0;
      for (let c = 0; c < width; c++) sumExp += Math.exp(x[r * width + c]! - max);
      const logSum = max + Math.log(sumExp);
      let total = 0;
      for (let c = 0; c < width; c++) {
        const label = amount > 0 ? y[r * width + c]! * (1 - amount) + amount / width : y[r * width + c]!;
        total -= label * (x[r * width + c]! - logSum);
      }
      losses[r] = total;
    }
    steps(ctx, losses, outShape, l10n.t('−Σ y · log softmax(x) of each example'));
    return computeWeightedLoss(losses, outShape, options.weights!, options.reduction as string, name);
  },
};

export const tfjsSigmoidCrossEntropy: LossDefinition = {
  name: 'sigmoidCrossEntropy',
  framework: 'tfjs',
  title: 'Sigmoid cross entropy (TensorFlow.js)',
  tensors: [
    {
      name: 'multiClassLabels',
      aliases: ['target'],
      contract: { space: 'probabilities', shapes: ['(*)'], dtype: 'float', description: 'Labels in [0, 1], one per score.' },
    },
    {
      name: 'logits',
      aliases: ['input'],
      contract: { space: 'logits', shapes: ['(*), same as multiClassLabels'], dtype: 'float', description: 'Raw scores (no sigmoid).' },
    },
  ],
  options: { weights: weightsOption, labelSmoothing: { kind: 'number', default: 0 }, reduction: reductionOption },
  shapes: tfjsSameShape('sigmoidCrossEntropy', 'multiClassLabels', 'logits'),
  formula: 'ℓₙ = max(xₙ, 0) − xₙ·yₙ + log(1 + e^(−|xₙ|)),  y smoothed to y·(1 − s) + s / 2',
  aliases: { tfjs: ['tf.losses.sigmoidCrossEntropy'] },
  compute({ multiClassLabels, logits }, options, ctx) {
    const name = 'sigmoidCrossEntropy';
    const y = floats(multiClassLabels!, 'multiClassLabels', name);
    const x = floats(logits!, 'logits', name);
    const amount = smoothing(options.labelSmoothing!, name);
    const losses = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      checkpointRows(ctx, i, x.length);
      const label = amount > 0 ? y[i]! * (1 - amount) + 0.5 * amount : y[i]!;
      losses[i] = Math.max(x[i]!, 0) - x[i]! * label + Math.log1p(Math.exp(-Math.abs(x[i]!)));
    }
    steps(ctx, losses, logits!.shape, l10n.t('the loss of each score'));
    return computeWeightedLoss(losses, logits!.shape, options.weights!, options.reduction as string, name);
  },
};

export const tfjsLogLoss: LossDefinition = {
  name: 'logLoss',
  framework: 'tfjs',
  title: 'Log loss (TensorFlow.js)',
  tensors: [
    {
      name: 'labels',
      aliases: ['target'],
      contract: { space: 'probabilities', shapes: ['(*)'], dtype: 'float', description: 'Labels in [0, 1].' },
    },
    {
      name: 'predictions',
      aliases: ['input'],
      contract: { space: 'probabilities', shapes: ['(*), same as labels'], dtype: 'float', description: 'Probabilities (sigmoid output).' },
    },
  ],
  options: { weights: weightsOption, epsilon: { kind: 'number', default: 1e-7 }, reduction: reductionOption },
  shapes: tfjsSameShape('logLoss', 'labels', 'predictions'),
  formula: 'ℓₙ = −yₙ · log(pₙ + ε) − (1 − yₙ) · log(1 − pₙ + ε),  ε = 1e-7',
  aliases: { tfjs: ['tf.losses.logLoss'] },
  compute({ labels, predictions }, options, ctx) {
    const name = 'logLoss';
    const y = floats(labels!, 'labels', name);
    const p = floats(predictions!, 'predictions', name);
    const epsilon = options.epsilon as number;
    const losses = new Float64Array(p.length);
    for (let i = 0; i < p.length; i++) {
      checkpointRows(ctx, i, p.length);
      losses[i] = -y[i]! * Math.log(p[i]! + epsilon) - (1 - y[i]!) * Math.log(1 - p[i]! + epsilon);
    }
    steps(ctx, losses, predictions!.shape, l10n.t('the loss of each prediction'));
    return computeWeightedLoss(losses, predictions!.shape, options.weights!, options.reduction as string, name);
  },
};

/** An elementwise TensorFlow.js loss of labels and predictions of one shape: its definition around `term`. */
function elementwise(spec: {
  readonly name: string;
  readonly title: string;
  readonly formula: string;
  readonly space: 'values' | 'signs';
  readonly labels: string;
  readonly extra?: Readonly<Record<string, OptionSpec>>;
  readonly term: (label: number, prediction: number, options: Readonly<Record<string, OptionValue>>) => number;
  readonly stepTitle: () => string;
}): LossDefinition {
  return {
    name: spec.name,
    framework: 'tfjs',
    title: spec.title,
    tensors: [
      { name: 'labels', aliases: ['target'], contract: { space: spec.space, shapes: ['(*)'], dtype: 'float', description: spec.labels } },
      { name: 'predictions', aliases: ['input'], contract: { space: 'values', shapes: ['(*), same as labels'], dtype: 'float', description: 'Predictions.' } },
    ],
    options: { weights: weightsOption, ...spec.extra, reduction: reductionOption },
    shapes: tfjsSameShape(spec.name, 'labels', 'predictions'),
    formula: spec.formula,
    aliases: { tfjs: [`tf.losses.${spec.name}`] },
    compute({ labels, predictions }, options, ctx) {
      const y = floats(labels!, 'labels', spec.name);
      const p = floats(predictions!, 'predictions', spec.name);
      const losses = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) {
        checkpointRows(ctx, i, p.length);
        losses[i] = spec.term(y[i]!, p[i]!, options);
      }
      steps(ctx, losses, predictions!.shape, spec.stepTitle());
      return computeWeightedLoss(losses, predictions!.shape, options.weights!, options.reduction as string, spec.name);
    },
  };
}

export const tfjsMeanSquaredError = elementwise({
  name: 'meanSquaredError',
  title: 'Mean squared error (TensorFlow.js)',
  formula: 'ℓₙ = (yₙ − pₙ)²',
  space: 'values',
  labels: 'Targets.',
  term: (y, p) => (y - p) * (y - p),
  stepTitle: () => l10n.t('(y − p)² for each element'),
});

export const tfjsAbsoluteDifference = elementwise({
  name: 'absoluteDifference',
  title: 'Absolute difference (TensorFlow.js)',
  formula: 'ℓₙ = |yₙ − pₙ|',
  space: 'values',
  labels: 'Targets.',
  term: (y, p) => Math.abs(y - p),
  stepTitle: () => l10n.t('|y − p| for each element'),
});

export const tfjsHuberLoss = elementwise({
  name: 'huberLoss',
  title: 'Huber loss (TensorFlow.js)',
  formula: 'ℓₙ = ½·min(|pₙ − yₙ|, δ)² + δ·(|pₙ − yₙ| − min(|pₙ − yₙ|, δ)),  δ = 1',
  space: 'values',
  labels: 'Targets.',
  extra: { delta: { kind: 'number', default: 1 } },
  term: (y, p, options) => huber(Math.abs(p - y), options.delta as number),
  stepTitle: () => l10n.t('the Huber loss of each element'),
});

export const tfjsHingeLoss = elementwise({
  name: 'hingeLoss',
  title: 'Hinge loss (TensorFlow.js)',
  formula: 'ℓₙ = max(0, 1 − (2yₙ − 1)·pₙ)',
  space: 'signs',
  labels: 'Labels 0 or 1 (read as −1 and 1).',
  term: (y, p) => Math.max(0, 1 - (2 * y - 1) * p),
  stepTitle: () => l10n.t('max(0, 1 − (2y − 1)·p) for each element'),
});

/**
 * `tf.losses.cosineDistance(labels, predictions, axis)`: one minus the sum of the products along
 * `axis` (kept as a dimension of 1), on vectors the caller has already normalised.
 */
export const tfjsCosineDistance: LossDefinition = {
  name: 'cosineDistance',
  framework: 'tfjs',
  title: 'Cosine distance (TensorFlow.js)',
  tensors: [
    { name: 'labels', aliases: ['target'], contract: { space: 'embeddings', shapes: ['(*)'], dtype: 'float', description: 'Unit vectors along `axis`.' } },
    {
      name: 'predictions',
      aliases: ['input'],
      contract: { space: 'embeddings', shapes: ['(*), same as labels'], dtype: 'float', description: 'Unit vectors along `axis`.' },
    },
  ],
  options: { axis: { kind: 'number', default: -1, integer: true }, weights: weightsOption, reduction: reductionOption },
  shapes: tfjsSameShape('cosineDistance', 'labels', 'predictions'),
  formula: 'ℓ = 1 − Σ_axis yᵢ · pᵢ  (y and p normalised beforehand)',
  aliases: { tfjs: ['tf.losses.cosineDistance'] },
  compute({ labels, predictions }, options, ctx) {
    const name = 'cosineDistance';
    const y = floats(labels!, 'labels', name);
    const p = floats(predictions!, 'predictions', name);
    const shape = predictions!.shape;
    const rank = Math.max(shape.length, 1);
    const asked = options.axis as number;
    if (!Number.isInteger(asked) || asked < -rank || asked >= rank)
      throw new LossError('invalid-argument', l10n.t('{0}: axis {1} is out of range for a tensor of rank {2}', name, asked, shape.length));
    const axis = asked < 0 ? asked + rank : asked;
    const size = shape.length === 0 ? 1 : shape[axis]!;
    const inner = shape.slice(axis + 1).reduce((n, d) => n * d, 1);
    const outer = p.length / Math.max(size * inner, 1);
    const outShape = shape.length === 0 ? [] : shape.map((d, i) => (i === axis ? 1 : d));
    const losses = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      checkpointRows(ctx, o, outer);
      for (let i = 0; i < inner; i++) {
        let dot = 0;
        for (let k = 0; k < size; k++) {
          const at = (o * size + k) * inner + i;
          dot += y[at]! * p[at]!;
        }
        losses[o * inner + i] = 1 - dot;
      }
    }
    steps(ctx, losses, outShape, l10n.t('1 − Σ y · p along the axis'));
    return computeWeightedLoss(losses, outShape, options.weights!, options.reduction as string, name);
  },
};
