import * as l10n from '@vscode/l10n';
import { classTargetShapes } from './shapes';
import { dtypeContract, floating, kernel, knownEmpty, nllSteps, refuseWith, sameShapes } from './promotion';
import { Tensor, sameShape } from '../tensor/tensor';
import { classLayout, classWeight, elementwiseExp, indexTarget, logSoftmax, logSoftmaxSlice, type ClassLayout } from './classes';
import { LossError } from './errors';
import { exp } from './fastmath';
import { Accumulator, REDUCTIONS, reduce, type Reduction } from './reduce';
import { simdFor } from './simd';
import type { LossContext, LossDefinition } from './types';

const NAME = 'cross_entropy';

export const crossEntropy: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Cross entropy',
  tensors: [
    {
      name: 'input',
      contract: {
        space: 'logits',
        shapes: ['(C)', '(N, C)', '(N, C, d1, ..., dk)'],
        dtype: 'float',
        description: 'Unnormalised scores (logits), one per class; no softmax.',
      },
    },
    {
      name: 'target',
      contract: {
        space: 'class-indices',
        shapes: ['()', '(N)', '(N, d1, ..., dk)', 'same as input (class probabilities)'],
        dtype: 'int',
        description: 'Class indices in [0, C), or class probabilities with the shape of the input.',
      },
    },
  ],
  options: {
    weight: {
      kind: 'tensor',
      default: null,
      contract: { space: 'values', shapes: ['(C)'], dtype: 'float', description: 'A rescaling weight for each class.' },
    },
    ignore_index: { kind: 'number', default: -100, integer: true },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
    label_smoothing: { kind: 'number', default: 0 },
  },
  shapes: classTargetShapes(NAME, true),
  // A target of the input's shape holds probabilities (floats); any other, class indices, read by
  // `nll_loss` after the log softmax (over the last dim, or dim 1 of a K-dim input).
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target, weight }, shapes, options }) => {
    const rank = shapes.input?.length;
    const softmax = () => {
      if (!knownEmpty(shapes.input)) kernel(rank !== undefined && rank >= 3 ? 'softmax_kernel_impl' : 'log_softmax_lastdim_kernel_impl', input!);
    };
    const same = rank === 0 ? false : sameShapes(shapes.input, shapes.target);
    if (same === true) {
      if (target!.dtype === 'int' || target!.dtype === 'bool') {
        refuseWith(l10n.t('Expected floating point type for target with class probabilities, got {0}', target!.dtype === 'int' ? 'Long' : 'Bool'), target!);
      }
      // PyTorch has no class to ignore in a distribution over classes (checked before the softmax).
      if (typeof options.ignore_index === 'number' && options.ignore_index >= 0)
        refuseWith(l10n.t('ignore_index is not supported for floating point target'), target!);
      softmax();
      return floating(input!);
    }
    softmax();
    // An unknown shape may be either: only the checks both paths make.
    return same === false ? nllSteps(input!, target!, weight, shapes.input, options.reduction) : input!;
  }),
  formula: 'ℓₙ = −w_{yₙ} · log( exp(x_{n,yₙ}) / Σ_c exp(x_{n,c}) )',
  aliases: {
    torch: ['torch.nn.CrossEntropyLoss', 'torch.nn.functional.cross_entropy'],
    keras: ['keras.losses.CategoricalCrossentropy(from_logits=True)', 'keras.losses.SparseCategoricalCrossentropy(from_logits=True)'],
    tfjs: ['tf.losses.softmaxCrossEntropy'],
    optax: ['optax.softmax_cross_entropy', 'optax.softmax_cross_entropy_with_integer_labels'],
  },
  compute({ input, target }, options, ctx) {
    const x = input!.data;
    const layout = classLayout(input!);
    const weight = classWeight(options.weight as Tensor | null, layout.classes, NAME);
    // PyTorch 1.13 checks only the upper bound, and smooths only above 0: a negative value is no
    // smoothing (2.0 and later refuse it; the evaluator follows 1.13, as its golden values do).
    if (!((options.label_smoothing as number) <= 1)) {
      throw new LossError('invalid-argument', l10n.t('label_smoothing must be between 0.0 and 1.0. Got: {0}', options.label_smoothing as number));
    }
    const smoothing = Math.max(0, options.label_smoothing as number);
    const reduction = options.reduction as Reduction;
    ctx.step('log_softmax', l10n.t('log softmax over the classes'), () => logSoftmax(input!, layout));
    ctx.step('softmax', l10n.t('softmax: the probabilities the model assigns'), () => elementwiseExp(logSoftmax(input!, layout)));
    const ignoreIndex = options.ignore_index as number;
    if (sameShape(input!.shape, target!.shape) && input!.shape.length > 0) {
      return probabilityTarget(x, target!, layout, weight, smoothing, reduction, ctx);
    }
    const indices = indexTarget(target!, layout, NAME, ignoreIndex);
    return indexTargetLoss(x, indices, layout, weight, ignoreIndex, smoothing, reduction, ctx);
  },
};

function indexTargetLoss(
  x: Float64Array,
  indices: Float64Array,
  layout: ClassLayout,
  weight: Float64Array | undefined,
  ignoreIndex: number,
  smoothing: number,
  reduction: Reduction,
  ctx: LossContext,
): Tensor {
  const { batch, classes, spatial } = layout;
  const count = batch * spatial;
  const keepElements = reduction === 'none' || ctx.recordSteps;
  const nll = keepElements ? new Float64Array(count) : undefined;
  const smooth = keepElements && smoothing > 0 ? new Float64Array(count) : undefined;
  const nllSum = new Accumulator();
  const smoothSum = new Accumulator();
  const weightSum = new Accumulator();
  if (!weight && smoothing === 0 && spatial === 1 && reduction !== 'none' && !ctx.recordSteps) {
    return plainMean(x, indices, classes, batch, ignoreIndex, reduction, ctx);
  }
  const row = new Float64Array(classes);
  for (let n = 0; n < batch; n++) {
    ctx.checkpoint(n * spatial * classes, count * classes);
    for (let s = 0; s < spatial; s++) {
      const i = n * spatial + s;
      const label = indices[i]!;
      if (label === ignoreIndex) continue;
      logSoftmaxSlice(x, n * classes * spatial + s, classes, spatial, row);
      const w = weight ? weight[label]! : 1;
      const loss = -w * row[label]!;
      weightSum.add(w);
      nllSum.add(loss);
      if (nll) nll[i] = loss;
      if (smoothing > 0) {
        // The smoothing term is the (weighted) cross entropy against the uniform distribution.
        let total = 0;
        for (let c = 0; c < classes; c++) total += weight ? weight[c]! * row[c]! : row[c]!;
        smoothSum.add(-total);
        if (smooth) smooth[i] = -total;
      }
    }
  }
  ctx.step('picked', l10n.t('−w[y] · log p[y]: the loss of each element (ignored targets are 0)'), () => new Tensor(nll!.slice(), layout.outShape));
  const share = smoothing / classes;
  switch (reduction) {
    case 'none': {
      const out = nll!;
      if (smooth) for (let i = 0; i < count; i++) out[i] = (1 - smoothing) * out[i]! + share * smooth[i]!;
      return new Tensor(out, layout.outShape);
    }
    case 'sum':
      return Tensor.scalar(smoothing > 0 ? (1 - smoothing) * nllSum.value + share * smoothSum.value : nllSum.value);
    case 'mean': {
      const nllMean = nllSum.value / weightSum.value;
      if (smoothing === 0) return Tensor.scalar(nllMean);
      // PyTorch divides the smoothing term by the summed weights when there is a weight, and by the
      // number of elements not ignored when there is none (which is what the summed weights of 1 are).
      const smoothMean = smoothSum.value / weightSum.value;
      return Tensor.scalar((1 - smoothing) * nllMean + share * smoothMean);
    }
  }
}

/**
 * The common case, (N, C) logits with class indices and no weights, in one pass per row: only the
 * picked log-probability is needed, −log softmax(x)_y = log Σ exp(x_c − m) − (x_y − m). The rows'
 * losses are summed with the exact rounding error of each addition carried (Knuth's TwoSum: the
 * general path's Neumaier compensation without its branch).
 */
function plainMean(
  x: Float64Array,
  indices: Float64Array,
  classes: number,
  batch: number,
  ignoreIndex: number,
  reduction: Reduction,
  ctx: LossContext,
): Tensor {
  let total = 0;
  let compensation = 0;
  let counted = 0;
  const rowsAtOnce = 1024;
  const maxAndSum = new Float64Array(2 * Math.min(rowsAtOnce, batch));
  const simd = simdFor([x], [maxAndSum]);
  for (let first = 0; simd && first < batch; first += rowsAtOnce) {
    // Each row's max and Σ exp(x − max) from the SIMD kernel, then the picked term as pickedLoss ends.
    ctx.checkpoint(first * classes, batch * classes);
    const rows = Math.min(rowsAtOnce, batch - first);
    const [xAt, outAt] = simd.at as [number, number];
    simd.kernels.rowsLogSumExp(xAt + 8 * first * classes, rows, classes, outAt);
    simd.done();
    for (let r = 0; r < rows; r++) {
      const n = first + r;
      const label = indices[n]!;
      if (label === ignoreIndex) continue;
      const max = maxAndSum[2 * r]!;
      const loss = max === Infinity ? NaN : Math.log(maxAndSum[2 * r + 1]!) - (x[n * classes + label]! - max);
      const next = total + loss;
      const back = next - total;
      compensation += total - (next - back) + (loss - back);
      total = next;
      counted++;
    }
  }
  for (let n = 0; !simd && n < batch; n++) {
    if ((n & 0x3ff) === 0) ctx.checkpoint(n * classes, batch * classes);
    const label = indices[n]!;
    if (label === ignoreIndex) continue;
    const loss = pickedLoss(x, n * classes, classes, label);
    const next = total + loss;
    const back = next - total;
    compensation += total - (next - back) + (loss - back);
    total = next;
    counted++;
  }
  // Once the sum is infinite or nan the compensation is meaningless (inf − inf is nan).
  const sum = Number.isFinite(total) ? total + compensation : total;
  return Tensor.scalar(reduction === 'sum' ? sum : sum / counted);
}

/**
 * −log softmax(x)_label of the row at `base`, its max m found in the same pass as Σ exp(x_c − m):
 * the sums so far (two, of alternate columns, so that their additions overlap) are kept relative to
 * the max so far and rescaled by exp(m_old − m_new) ≤ 1 when a larger value comes (about ln C times
 * in a row of C in random order), so no exp can overflow.
 */
function pickedLoss(x: Float64Array, base: number, classes: number, label: number): number {
  let max = x[base]!;
  let even = 1;
  let odd = 0;
  const end = base + classes;
  let i = base + 1;
  for (; i + 1 < end; i += 2) {
    const a = x[i]!;
    const b = x[i + 1]!;
    if (a > max || b > max) {
      const top = a > b ? a : b;
      const scale = exp(max - top);
      even *= scale;
      odd *= scale;
      max = top;
    }
    even += exp(a - max);
    odd += exp(b - max);
  }
  if (i < end) {
    const value = x[i]!;
    if (value > max) {
      const scale = exp(max - value);
      even *= scale;
      odd *= scale;
      max = value;
    }
    even += exp(value - max);
  }
  // PyTorch subtracts the max from itself: an infinite one makes inf − inf, and the row nan.
  if (max === Infinity) return NaN;
  return Math.log(even + odd) - (x[base + label]! - max);
}

function probabilityTarget(
  x: Float64Array,
  target: Tensor,
  layout: ClassLayout,
  weight: Float64Array | undefined,
  smoothing: number,
  reduction: Reduction,
  ctx: LossContext,
): Tensor {
  const { batch, classes, spatial } = layout;
  const count = batch * spatial;
  const y = target.data;
  const losses = new Float64Array(count);
  const row = new Float64Array(classes);
  const share = smoothing / classes;
  for (let n = 0; n < batch; n++) {
    ctx.checkpoint(n * spatial * classes, count * classes);
    for (let s = 0; s < spatial; s++) {
      const base = n * classes * spatial + s;
      logSoftmaxSlice(x, base, classes, spatial, row);
      let total = 0;
      for (let c = 0; c < classes; c++) {
        const p = smoothing > 0 ? y[base + c * spatial]! * (1 - smoothing) + share : y[base + c * spatial]!;
        total += (weight ? weight[c]! : 1) * p * row[c]!;
      }
      losses[n * spatial + s] = -total;
    }
  }
  ctx.step('picked', l10n.t('−Σ w[c] · target[c] · log p[c]: the loss of each element'), () => new Tensor(losses.slice(), layout.outShape));
  return reduce(losses, layout.outShape, reduction);
}
