import * as l10n from '@vscode/l10n';
import { multiLabelSoftMarginShapes } from './shapes';
import { INT_SCALAR, dtypeContract, floating, kernel, sub } from './promotion';
import { Tensor } from '../tensor/tensor';
import { broadcastFloats, expandOrThrow } from './checks';
import { LossError } from './errors';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import { log1pExpNeg } from './fastmath';
import type { LossContext, LossDefinition } from './types';

const NAME = 'multilabel_soft_margin_loss';

/**
 * −(y · log σ(x) + (1 − y) · log σ(−x)), with log σ(±x) = min(±x, 0) − log1p(e^(−|x|)) exact for
 * large |x| of either sign; both share the log term. Below |x| = 12 the log term is the table-driven
 * one, and min(x, 0) = (x − |x|)/2, min(−x, 0) = −(x + |x|)/2 exactly, without the branches
 * Math.min takes on random signs. Past 12 it is log1p itself, as PyTorch's logsigmoid keeps e^(−|x|)
 * where 1 + e^(−|x|) would round it away.
 */
function labelLoss(x: number, y: number): number {
  // Where `log1pExpNeg` stops using its table and rounds 1 + e^(−a) as the with-logits losses do
  // (a local: see `elementaryFunctions` in fastmath.ts on bundles).
  const tableLimit = 12;
  const a = Math.abs(x);
  if (a < tableLimit) {
    const logTerm = log1pExpNeg(a);
    return -(y * (0.5 * (x - a) - logTerm) + (1 - y) * (-0.5 * (x + a) - logTerm));
  }
  const logTerm = Math.log1p(Math.exp(-a));
  return -(y * (Math.min(x, 0) - logTerm) + (1 - y) * (Math.min(-x, 0) - logTerm));
}

export const multilabelSoftMarginLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Multi-label soft margin',
  tensors: [
    { name: 'input', contract: { space: 'logits', shapes: ['(C)', '(N, C)'], dtype: 'float', description: 'Raw scores, one per label.' } },
    { name: 'target', contract: { space: 'probabilities', shapes: ['same as input'], dtype: 'float', description: '1 where a label applies, 0 where not.' } },
  ],
  options: {
    weight: { kind: 'tensor', default: null, contract: { space: 'values', shapes: ['(C)'], dtype: 'float', description: 'A weight for each label.' } },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: multiLabelSoftMarginShapes,
  // −(target · logsigmoid(input) + (1 − target) · logsigmoid(−input)); any weight multiplies.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target } }) => {
    kernel('log_sigmoid_cpu', input!);
    sub(INT_SCALAR, target!);
    return floating(input!);
  }),
  formula: 'ℓₙ = −(1/C) Σ_c w_c · ( y_{n,c} · log σ(x_{n,c}) + (1 − y_{n,c}) · log σ(−x_{n,c}) )',
  aliases: { torch: ['torch.nn.MultiLabelSoftMarginLoss', 'torch.nn.functional.multilabel_soft_margin_loss'] },
  compute({ input, target }, options, ctx) {
    // As PyTorch 1.13 writes it: the elementwise loss over the broadcast shape, summed over
    // dim `input.dim() − 1` of that shape and divided by the input's size there — so a target
    // with an extra leading dim moves the sum to another axis, as in PyTorch.
    if (input!.shape.length === 0) throw new LossError('shape-mismatch', l10n.t('Dimension specified as -1 but tensor has no dimensions'));
    const pair = broadcastFloats(input!, target!);
    const weightTensor = options.weight as Tensor | null;
    const weight = weightTensor ? expandOrThrow(weightTensor, pair.shape, 'weight', NAME) : undefined;
    const classDim = input!.shape.length - 1;
    const classes = input!.shape[classDim]!;
    const size = pair.shape[classDim]!;
    const inner = pair.shape.slice(classDim + 1).reduce((n, d) => n * d, 1);
    const outer = pair.shape.slice(0, classDim).reduce((n, d) => n * d, 1);
    const outShape = pair.shape.filter((_, axis) => axis !== classDim);
    const reduction = options.reduction as Reduction;
    if (!weight && inner === 1 && reduction !== 'none' && !ctx.recordSteps) {
      const total = rowMeansSum(pair.a, pair.b, outer, size, classes, ctx);
      return Tensor.scalar(reduction === 'sum' ? total : total / outer);
    }
    const losses = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      ctx.checkpoint(o * size * inner, pair.a.length);
      for (let k = 0; k < inner; k++) {
        let total = 0;
        for (let c = 0; c < size; c++) {
          const i = (o * size + c) * inner + k;
          const loss = labelLoss(pair.a[i]!, pair.b[i]!);
          total += weight ? loss * weight[i]! : loss;
        }
        losses[o * inner + k] = total / classes;
      }
    }
    ctx.step('per_sample', l10n.t('the mean over labels of each sample'), () => new Tensor(losses.slice(), outShape));
    return reduce(losses, outShape, reduction);
  },
};

/** Labels between two checkpoints of the summing loop. */
const BLOCK = 1 << 16;

/**
 * The unweighted rows' means summed, none kept, when the labels are contiguous (the last dim):
 * each row summed plainly (as the general loop does), the rows with the exact rounding error of each
 * addition carried (Knuth's TwoSum: `reduce`'s Neumaier compensation without its branch).
 */
function rowMeansSum(x: Float64Array, y: Float64Array, rows: number, size: number, classes: number, ctx: LossContext): number {
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK / size));
  let total = 0;
  let compensation = 0;
  for (let first = 0; first < rows; first += rowsPerBlock) {
    ctx.checkpoint(first * size, rows * size);
    const last = Math.min(first + rowsPerBlock, rows);
    for (let row = first; row < last; row++) {
      const mean = rowSum(x, y, row * size, (row + 1) * size) / classes;
      const next = total + mean;
      const back = next - total;
      compensation += total - (next - back) + (mean - back);
      total = next;
    }
  }
  // Once the sum is infinite or nan the compensation is meaningless (inf − inf is nan).
  return Number.isFinite(total) ? total + compensation : total;
}

/** The labels' losses of one row, [start, end), in two running sums of alternate labels, so that their additions overlap. */
function rowSum(x: Float64Array, y: Float64Array, start: number, end: number): number {
  let even = 0;
  let odd = 0;
  let i = start;
  for (; i + 1 < end; i += 2) {
    even += labelLoss(x[i]!, y[i]!);
    odd += labelLoss(x[i + 1]!, y[i + 1]!);
  }
  if (i < end) even += labelLoss(x[i]!, y[i]!);
  return even + odd;
}
