import * as l10n from '@vscode/l10n';
import { sameSizeAsInput } from './shapes';
import { dtypeContract, floating, kernel, sameDtype } from './promotion';
import { Tensor } from '../tensor/tensor';
import { expandOrThrow } from './checks';
import { LossError } from './errors';
import { log } from './fastmath';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import { simdFor, type SimdCall } from './simd';
import type { LossContext, LossDefinition } from './types';

const NAME = 'binary_cross_entropy';

export const binaryCrossEntropy: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Binary cross entropy',
  tensors: [
    {
      name: 'input',
      contract: { space: 'probabilities', shapes: ['(*)'], dtype: 'float', description: 'Probabilities in [0, 1], as sigmoid produces them.' },
    },
    {
      name: 'target',
      contract: {
        space: 'probabilities',
        shapes: ['(*), same as input'],
        dtype: 'float',
        description: 'Targets in [0, 1] (usually 0 or 1), same shape as the input.',
      },
    },
  ],
  options: {
    weight: {
      kind: 'tensor',
      default: null,
      contract: { space: 'values', shapes: ['broadcastable to input'], dtype: 'float', description: 'A rescaling weight for each element.' },
    },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: sameSizeAsInput,
  // A TensorIterator without promotion (the target in the input's dtype), a float kernel; the weight multiplies.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target } }) => {
    sameDtype(target!, input!.dtype);
    kernel('binary_cross_entropy', input!);
    return floating(input!);
  }),
  formula: 'ℓₙ = −wₙ · ( yₙ · log xₙ + (1 − yₙ) · log(1 − xₙ) ),  each log clamped at −100',
  aliases: {
    torch: ['torch.nn.BCELoss', 'torch.nn.functional.binary_cross_entropy'],
    keras: ['keras.losses.BinaryCrossentropy(from_logits=False)'],
    tfjs: ['tf.losses.logLoss', "'binaryCrossentropy'"],
  },
  compute({ input, target }, options, ctx) {
    const x = input!.data;
    const y = target!.data;
    const weightTensor = options.weight as Tensor | null;
    const weight = weightTensor ? expandOrThrow(weightTensor, input!.shape, 'weight', NAME) : undefined;
    const reduction = options.reduction as Reduction;
    if (!weight && reduction !== 'none' && !ctx.recordSteps) {
      const total = unweightedSum(x, y, ctx);
      return Tensor.scalar(reduction === 'sum' ? total : total / x.length);
    }
    const losses = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      if ((i & 0xffff) === 0) ctx.checkpoint(i, x.length);
      const p = x[i]!;
      const t = y[i]!;
      if (!(p >= 0 && p <= 1)) throw outOfRange(p);
      // log(0) is −inf, and 0·(−inf) would be nan: PyTorch clamps both logs at −100 so a confident
      // wrong prediction costs 100, not infinity.
      const loss = (t - 1) * Math.max(Math.log1p(-p), -100) - t * Math.max(Math.log(p), -100);
      losses[i] = weight ? loss * weight[i]! : loss;
    }
    ctx.step('elementwise', l10n.t('−w · (y · log x + (1 − y) · log(1 − x)) for each element'), () => new Tensor(losses.slice(), input!.shape));
    return reduce(losses, input!.shape, reduction);
  },
};

function outOfRange(p: number): LossError {
  return new LossError(
    'out-of-range',
    l10n.t(
      'binary_cross_entropy: all elements of input should be between 0 and 1 (found {0}). Apply a sigmoid first, or use binary_cross_entropy_with_logits on the raw scores.',
      p,
    ),
  );
}

/** Elements between two checkpoints of the summing loop. */
const BLOCK = 1 << 16;
/**
 * Elements a call of `addTerms` takes: called often, it is optimized as a whole function early on,
 * rather than only as its loop entered midway (whose running sums V8 keeps boxed).
 */
const CHUNK = 1 << 11;

/**
 * The sum of the unweighted losses in one pass, none kept, with the exact rounding error of each
 * addition carried (Knuth's TwoSum: `reduce`'s Neumaier compensation without its branch).
 */
function unweightedSum(x: Float64Array, y: Float64Array, ctx: LossContext): number {
  const simd = simdFor([x, y]);
  if (simd) return simdSum(simd, x, ctx);
  // The running sum and its compensation, carried from chunk to chunk.
  const sum = new Float64Array(2);
  for (let start = 0; start < x.length; start += CHUNK) {
    if (start % BLOCK === 0) ctx.checkpoint(start, x.length);
    addTerms(x, y, start, Math.min(start + CHUNK, x.length), sum);
  }
  const total = sum[0]!;
  // Once the sum is infinite or nan the compensation is meaningless (inf − inf is nan).
  return Number.isFinite(total) ? total + sum[1]! : total;
}

/**
 * The same sum by the SIMD kernel: two running sums (alternate elements) with their TwoSum errors,
 * carried in the kernel's state from block to block, joined at the end.
 */
function simdSum(simd: SimdCall, x: Float64Array, ctx: LossContext): number {
  const [xAt, yAt] = simd.at as [number, number];
  const state = simd.freshState();
  for (let start = 0; start < x.length; start += BLOCK) {
    ctx.checkpoint(start, x.length);
    const end = Math.min(start + BLOCK, x.length);
    const bad = simd.kernels.bce(xAt + 8 * start, yAt + 8 * start, end - start, state.address);
    if (bad >= 0) throw outOfRange(x[start + bad]!);
  }
  const [even, odd, evenError, oddError] = state.view as unknown as [number, number, number, number];
  const total = even + odd;
  if (!Number.isFinite(total)) return total;
  const back = total - even;
  return total + (evenError + oddError + (even - (total - back) + (odd - back)));
}

function addTerms(x: Float64Array, y: Float64Array, start: number, end: number, sum: Float64Array): void {
  let total = sum[0]!;
  let compensation = sum[1]!;
  for (let i = start; i < end; i++) {
    const loss = unweightedLoss(x[i]!, y[i]!);
    const next = total + loss;
    const back = next - total;
    compensation += total - (next - back) + (loss - back);
    total = next;
  }
  sum[0] = total;
  sum[1] = compensation;
}

function unweightedLoss(p: number, t: number): number {
  if (!(p >= 0 && p <= 1)) throw outOfRange(p);
  // log1p(−p) without log1p: 1 − p = q + e exactly (q = 1 − p rounded, e = (1 − q) − p, both
  // differences exact by Sterbenz), and log(q + e) = log q + e/q to within (e/q)²/2 < 2^-106.
  // Adding the least subnormal leaves every q > 0 as it is and makes 0/0 (at p = 1) a 0.
  const q = 1 - p;
  const e = 1 - q - p;
  const eOverQ = e / (q + Number.MIN_VALUE);
  // Each log clamped at −100, as in the general loop. A target of 0 or 1 weighs one of them by 0:
  // only the other is computed (the selections t·p + (1 − t)·q and (1 − t)·e/q are exact).
  if (t * (t - 1) === 0) return -Math.max(log(t * p + (1 - t) * q) + (1 - t) * eOverQ, -100);
  return (t - 1) * Math.max(log(q) + eOverQ, -100) - t * Math.max(log(p), -100);
}
