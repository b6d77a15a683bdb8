import * as l10n from '@vscode/l10n';
import { sameSize } from './shapes';
import { dtypeContract, logitsSteps } from './promotion';
import { Tensor } from '../tensor/tensor';
import { expandOrThrow } from './checks';
import { log1pExpNeg } from './fastmath';
import { REDUCTIONS, reduce, sum, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'binary_cross_entropy_with_logits';

export const binaryCrossEntropyWithLogits: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Binary cross entropy with logits',
  tensors: [
    { name: 'input', contract: { space: 'logits', shapes: ['(*)'], dtype: 'float', description: 'Raw scores (logits); no sigmoid.' } },
    {
      name: 'target',
      contract: { space: 'probabilities', shapes: ['(*), same as input'], dtype: 'float', description: 'Targets in [0, 1], same shape as the input.' },
    },
  ],
  options: {
    weight: {
      kind: 'tensor',
      default: null,
      contract: { space: 'values', shapes: ['broadcastable to input'], dtype: 'float', description: 'A rescaling weight for each element.' },
    },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
    pos_weight: {
      kind: 'tensor',
      default: null,
      contract: { space: 'values', shapes: ['(C), broadcastable to input'], dtype: 'float', description: 'A weight of positive examples for each class.' },
    },
  },
  shapes: sameSize('input', 'target'),
  // The weight multiplies the loss, of any dtype; pos_weight − 1 refuses a bool.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target, pos_weight: posWeight } }) => logitsSteps(input!, target!, posWeight)),
  formula: 'ℓₙ = −wₙ · ( p · yₙ · log σ(xₙ) + (1 − yₙ) · log(1 − σ(xₙ)) )',
  aliases: {
    torch: ['torch.nn.BCEWithLogitsLoss', 'torch.nn.functional.binary_cross_entropy_with_logits'],
    keras: ['keras.losses.BinaryCrossentropy(from_logits=True)'],
    tfjs: ['tf.losses.sigmoidCrossEntropy'],
    optax: ['optax.sigmoid_binary_cross_entropy'],
  },
  compute({ input, target }, options, ctx) {
    const x = input!.data;
    const y = target!.data;
    const weightTensor = options.weight as Tensor | null;
    const posWeightTensor = options.pos_weight as Tensor | null;
    const weight = weightTensor ? expandOrThrow(weightTensor, input!.shape, 'weight', NAME) : undefined;
    const posWeight = posWeightTensor ? expandOrThrow(posWeightTensor, input!.shape, 'pos_weight', NAME) : undefined;
    const reduction = options.reduction as Reduction;
    const keep = reduction === 'none' || ctx.recordSteps;
    const losses = keep ? new Float64Array(x.length) : undefined;
    // −[y·log σ(x) + (1−y)·log(1−σ(x))] = (1−y)·x + log(1 + e^(−x)). PyTorch computes the log as
    // m + log(e^(−m) + e^(−x−m)) with m = max(−x, 0); one of the exponents is exactly 0, so that is
    // m + log(1 + e^(−|x|)), with one exp fewer and the same rounding of 1 + e^(−|x|).
    const chunk = 1 << 16;
    const partial = new Float64Array(Math.ceil(x.length / chunk));
    for (let start = 0, block = 0; start < x.length; start += chunk, block++) {
      ctx.checkpoint(start, x.length);
      const end = Math.min(start + chunk, x.length);
      partial[block] = weight || posWeight || losses ? weightedBlock(x, y, start, end, weight, posWeight, losses) : plainBlock(x, y, start, end);
    }
    const total = sum(partial);
    if (losses) ctx.step('elementwise', l10n.t('(1 − y) · x + log(1 + e^(−x)) for each element'), () => new Tensor(losses.slice(), input!.shape));
    if (reduction === 'none') return new Tensor(losses!, input!.shape);
    if (losses) return reduce(losses, input!.shape, reduction);
    return Tensor.scalar(reduction === 'sum' ? total : total / x.length);
  },
};

/**
 * The sum of the losses of x[start, end), without weights: the hot loop of the mean, in two running
 * sums of alternate elements, so that their additions overlap.
 */
function plainBlock(x: Float64Array, y: Float64Array, start: number, end: number): number {
  let even = 0;
  let odd = 0;
  let i = start;
  for (; i + 1 < end; i += 2) {
    even += plainLoss(x[i]!, y[i]!);
    odd += plainLoss(x[i + 1]!, y[i + 1]!);
  }
  if (i < end) even += plainLoss(x[i]!, y[i]!);
  return even + odd;
}

function plainLoss(x: number, y: number): number {
  const a = Math.abs(x);
  return (1 - y) * x + negativePart(x, a) + log1pExpNeg(a);
}

function weightedBlock(
  x: Float64Array,
  y: Float64Array,
  start: number,
  end: number,
  weight: Float64Array | undefined,
  posWeight: Float64Array | undefined,
  losses: Float64Array | undefined,
): number {
  let total = 0;
  for (let i = start; i < end; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    const a = Math.abs(xi);
    const m = negativePart(xi, a);
    const logTerm = log1pExpNeg(a);
    let loss = posWeight ? (1 - yi) * xi + ((posWeight[i]! - 1) * yi + 1) * (logTerm + m) : (1 - yi) * xi + m + logTerm;
    if (weight) loss *= weight[i]!;
    if (losses) losses[i] = loss;
    total += loss;
  }
  return total;
}

/**
 * m = max(−x, 0), given a = |x|. For finite x it is (|x| − x)/2, exactly, without the branch
 * Math.max takes on the random signs of logits; not at x = ∞, where that is nan and PyTorch's
 * loss is (1 − y)·∞.
 */
function negativePart(x: number, a: number): number {
  return a <= Number.MAX_VALUE ? 0.5 * (a - x) : Math.max(-x, 0);
}
