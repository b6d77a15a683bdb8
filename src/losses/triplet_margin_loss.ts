import * as l10n from '@vscode/l10n';
import { tripletShapes } from './shapes';
import { dtypeContract, floating, sub } from './promotion';
import { expandTo } from '../tensor/broadcast';
import { Tensor, type Shape } from '../tensor/tensor';
import { broadcastOrThrow } from './checks';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'triplet_margin_loss';

/** `torch.pairwise_distance`: the p-norm of `a − b + eps` over the last dim. */
function pairwiseDistance(a: Float64Array, b: Float64Array, shape: Shape, p: number, eps: number): Float64Array {
  const dim = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  // One distance per row, counted from the shape: an empty vector (shape (0,)) is one row at distance 0.
  const rows = shape.slice(0, -1).reduce((n, size) => n * size, 1);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = p === 2 ? Math.sqrt(squaredDistance(a, b, r * dim, dim, eps)) : pNorm(a, b, r * dim, dim, p, eps);
  return out;
}

/**
 * Σ (a − b + eps)² over the row at `base`, in two lanes so that the additions overlap rather than
 * wait on each other (`elementwise.ts`): the Euclidean distance, the default and the common case.
 */
function squaredDistance(a: Float64Array, b: Float64Array, base: number, dim: number, eps: number): number {
  let lane0 = 0;
  let lane1 = 0;
  let d = 0;
  if (dim & 1) {
    const v = a[base]! - b[base]! + eps;
    lane0 = v * v;
    d = 1;
  }
  for (; d < dim; d += 2) {
    const v0 = a[base + d]! - b[base + d]! + eps;
    const v1 = a[base + d + 1]! - b[base + d + 1]! + eps;
    lane0 += v0 * v0;
    lane1 += v1 * v1;
  }
  return lane0 + lane1;
}

/** ‖a − b + eps‖_p over the row at `base` for any other p (1, 0, ∞ and the rest). */
function pNorm(a: Float64Array, b: Float64Array, base: number, dim: number, p: number, eps: number): number {
  let acc = 0;
  for (let d = 0; d < dim; d++) {
    const v = Math.abs(a[base + d]! - b[base + d]! + eps);
    if (p === 1) acc += v;
    else if (p === Infinity) acc = Math.max(acc, v);
    else if (p === 0) acc += v !== 0 ? 1 : 0;
    else acc += v ** p;
  }
  return p === 1 || p === 0 || p === Infinity ? acc : acc ** (1 / p);
}

export const tripletMarginLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Triplet margin',
  tensors: [
    { name: 'anchor', contract: { space: 'embeddings', shapes: ['(N, D)', '(D)'], dtype: 'float', description: 'Anchor embeddings.' } },
    {
      name: 'positive',
      contract: { space: 'embeddings', shapes: ['(N, D)', '(D)'], dtype: 'float', description: 'Embeddings of the same class as the anchor.' },
    },
    { name: 'negative', contract: { space: 'embeddings', shapes: ['(N, D)', '(D)'], dtype: 'float', description: 'Embeddings of another class.' } },
  ],
  options: {
    margin: { kind: 'number', default: 1 },
    p: { kind: 'number', default: 2 },
    eps: { kind: 'number', default: 1e-6 },
    swap: { kind: 'boolean', default: false },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: tripletShapes,
  // pairwise_distance: ‖x1 − x2 + eps‖ for (anchor, positive), (anchor, negative), and with swap (positive, negative).
  dtypes: dtypeContract(['anchor', 'positive', 'negative'], ({ args: { anchor, positive, negative }, options }) => {
    sub(anchor!, positive!);
    sub(anchor!, negative!);
    if (options.swap === true) sub(positive!, negative!);
    return floating(anchor!);
  }),
  formula: 'ℓₙ = max(0, d(aₙ, pₙ) − d(aₙ, nₙ) + margin),  d(x, y) = ‖x − y + ε‖_p',
  aliases: { torch: ['torch.nn.TripletMarginLoss', 'torch.nn.functional.triplet_margin_loss'] },
  compute({ anchor, positive, negative }, options, ctx) {
    const p = options.p as number;
    const eps = options.eps as number;
    const margin = options.margin as number;
    const a = anchor!.data;
    const pos = positive!.data;
    const neg = negative!.data;
    const apShape = broadcastOrThrow(anchor!.shape, positive!.shape);
    const anShape = broadcastOrThrow(anchor!.shape, negative!.shape);
    ctx.checkpoint(0, 1);
    const dPos = pairwiseDistance(expandTo(a, anchor!.shape, apShape), expandTo(pos, positive!.shape, apShape), apShape, p, eps);
    let dNeg = pairwiseDistance(expandTo(a, anchor!.shape, anShape), expandTo(neg, negative!.shape, anShape), anShape, p, eps);
    if (options.swap) {
      // The "distance swap": use the positive–negative distance when it is the harder one.
      const pnShape = broadcastOrThrow(positive!.shape, negative!.shape);
      const dSwap = pairwiseDistance(expandTo(pos, positive!.shape, pnShape), expandTo(neg, negative!.shape, pnShape), pnShape, p, eps);
      dNeg = dNeg.map((d, i) => Math.min(d, dSwap[i] ?? d));
    }
    const outShape = broadcastOrThrow(apShape.slice(0, -1), anShape.slice(0, -1));
    const count = outShape.reduce((n, s) => n * s, 1);
    const dp = expandTo(dPos, apShape.slice(0, -1), outShape);
    const dn = expandTo(dNeg, anShape.slice(0, -1), outShape);
    const losses = new Float64Array(count);
    for (let i = 0; i < count; i++) losses[i] = Math.max(margin + dp[i]! - dn[i]!, 0);
    ctx.step('positive_distance', l10n.t('distance anchor → positive'), () => new Tensor(dp.slice(), outShape));
    ctx.step('negative_distance', l10n.t('distance anchor → negative'), () => new Tensor(dn.slice(), outShape));
    return reduce(losses, outShape, options.reduction as Reduction);
  },
};
