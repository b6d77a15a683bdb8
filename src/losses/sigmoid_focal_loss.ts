import * as l10n from '@vscode/l10n';
import { sameSize } from './shapes';
import { dtypeContract, logitsSteps } from './promotion';
import { Tensor } from '../tensor/tensor';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import { exp, log1pExpNeg } from './fastmath';
import type { LossContext, LossDefinition } from './types';

const NAME = 'sigmoid_focal_loss';

export const sigmoidFocalLoss: LossDefinition = {
  name: NAME,
  framework: 'torchvision',
  title: 'Sigmoid focal loss',
  tensors: [
    {
      name: 'inputs',
      aliases: ['input'],
      contract: { space: 'logits', shapes: ['(*)'], dtype: 'float', description: 'Raw scores (logits) for each element.' },
    },
    {
      name: 'targets',
      aliases: ['target'],
      contract: { space: 'probabilities', shapes: ['(*), same as inputs'], dtype: 'float', description: '1 for the positive class, 0 for the negative.' },
    },
  ],
  options: {
    alpha: { kind: 'number', default: 0.25 },
    gamma: { kind: 'number', default: 2 },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'none' },
  },
  shapes: sameSize('inputs', 'targets'),
  // sigmoid(inputs), then binary_cross_entropy_with_logits(inputs, targets).
  dtypes: dtypeContract(['inputs', 'targets'], ({ args: { inputs, targets } }) => logitsSteps(inputs!, targets!, undefined)),
  formula: 'ℓₙ = α_t · (1 − p_t)^γ · BCE(xₙ, yₙ),  p_t = σ(xₙ)·yₙ + (1 − σ(xₙ))·(1 − yₙ)',
  aliases: {
    torch: ['torchvision.ops.sigmoid_focal_loss'],
    keras: ['keras.losses.BinaryFocalCrossentropy(from_logits=True)'],
    optax: ['optax.sigmoid_focal_loss'],
  },
  compute({ inputs, targets }, options, ctx) {
    const x = inputs!.data;
    const y = targets!.data;
    const alpha = options.alpha as number;
    const gamma = options.gamma as number;
    const reduction = options.reduction as Reduction;
    if (reduction !== 'none' && !ctx.recordSteps) {
      const total = focalSum(x, y, alpha, gamma, ctx);
      return Tensor.scalar(reduction === 'sum' ? total : total / x.length);
    }
    const losses = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      if ((i & 0xffff) === 0) ctx.checkpoint(i, x.length);
      losses[i] = focalTerm(x[i]!, y[i]!, alpha, gamma);
    }
    ctx.step('elementwise', l10n.t('α_t · (1 − p_t)^γ · BCE for each element'), () => new Tensor(losses.slice(), inputs!.shape));
    return reduce(losses, inputs!.shape, reduction);
  },
};

/** torchvision's terms: α_t · (1 − p_t)^γ · BCE(x, y) with p = σ(x). */
function focalTerm(x: number, y: number, alpha: number, gamma: number): number {
  const p = 1 / (1 + exp(-x));
  // BCE with logits as PyTorch writes it, m + log(e^(−m) + e^(−x−m)) with m = max(−x, 0): one of
  // the exponents is exactly 0, so the log is log(1 + e^(−|x|)), as binary_cross_entropy_with_logits
  // computes it. For finite x, m = (|x| − x)/2 exactly, without the branch Math.max takes on a random sign.
  const a = Math.abs(x);
  const ce = (1 - y) * x + (a <= Number.MAX_VALUE ? 0.5 * (a - x) : Math.max(-x, 0)) + log1pExpNeg(a);
  const pt = p * y + (1 - p) * (1 - y);
  // (1 − p_t)^γ down-weights the examples the model already gets right; PyTorch squares by multiplying.
  const q = 1 - pt;
  const loss = ce * (gamma === 2 ? q * q : q ** gamma);
  return alpha >= 0 ? loss * (alpha * y + (1 - alpha) * (1 - y)) : loss;
}

/** Elements between two checkpoints of the summing loop. */
const BLOCK = 1 << 16;
/**
 * Elements a call of `addTerms` takes: called often, it is optimized as a whole function early on,
 * rather than only as its loop entered midway (whose running sums V8 keeps boxed).
 */
const CHUNK = 1 << 11;

/**
 * The sum of the terms in one pass, none kept, with the exact rounding error of each addition
 * carried (Knuth's TwoSum: `reduce`'s Neumaier compensation without its branch).
 */
function focalSum(x: Float64Array, y: Float64Array, alpha: number, gamma: number, ctx: LossContext): number {
  // The running sum and its compensation, carried from chunk to chunk.
  const sum = new Float64Array(2);
  for (let start = 0; start < x.length; start += CHUNK) {
    if (start % BLOCK === 0) ctx.checkpoint(start, x.length);
    addTerms(x, y, start, Math.min(start + CHUNK, x.length), alpha, gamma, sum);
  }
  const total = sum[0]!;
  // Once the sum is infinite or nan the compensation is meaningless (inf − inf is nan).
  return Number.isFinite(total) ? total + sum[1]! : total;
}

function addTerms(x: Float64Array, y: Float64Array, start: number, end: number, alpha: number, gamma: number, sum: Float64Array): void {
  let total = sum[0]!;
  let compensation = sum[1]!;
  for (let i = start; i < end; i++) {
    const loss = focalTerm(x[i]!, y[i]!, alpha, gamma);
    const next = total + loss;
    const back = next - total;
    compensation += total - (next - back) + (loss - back);
    total = next;
  }
  sum[0] = total;
  sum[1] = compensation;
}
