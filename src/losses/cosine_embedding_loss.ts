import * as l10n from '@vscode/l10n';
import { cosineEmbeddingShapes } from './shapes';
import { dtypeContract, floating } from './promotion';
import { Tensor } from '../tensor/tensor';
import { broadcastFloats } from './checks';
import { LossError } from './errors';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'cosine_embedding_loss';
/** Added to both squared norms, so two zero vectors have cosine 0 instead of 0/0. */
const EPSILON = 1e-12;

/**
 * The cosine of the rows of `a` and `b` at `base`, `dim` long: their dot product over the root of
 * both squared norms (each + EPSILON, as PyTorch adds it). Each sum runs in two lanes, so its
 * additions overlap rather than wait on each other (`elementwise.ts`).
 */
function cosine(a: Float64Array, b: Float64Array, base: number, dim: number): number {
  let product0 = 0;
  let product1 = 0;
  let norm10 = 0;
  let norm11 = 0;
  let norm20 = 0;
  let norm21 = 0;
  let d = 0;
  if (dim & 1) {
    const x = a[base]!;
    const y = b[base]!;
    product0 = x * y;
    norm10 = x * x;
    norm20 = y * y;
    d = 1;
  }
  for (; d < dim; d += 2) {
    const x0 = a[base + d]!;
    const y0 = b[base + d]!;
    const x1 = a[base + d + 1]!;
    const y1 = b[base + d + 1]!;
    product0 += x0 * y0;
    product1 += x1 * y1;
    norm10 += x0 * x0;
    norm11 += x1 * x1;
    norm20 += y0 * y0;
    norm21 += y1 * y1;
  }
  return (product0 + product1) / Math.sqrt((norm10 + norm11 + EPSILON) * (norm20 + norm21 + EPSILON));
}

export const cosineEmbeddingLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Cosine embedding',
  tensors: [
    { name: 'input1', contract: { space: 'embeddings', shapes: ['(N, D)', '(D)'], dtype: 'float', description: 'First embeddings.' } },
    { name: 'input2', contract: { space: 'embeddings', shapes: ['(N, D)', '(D)'], dtype: 'float', description: 'Second embeddings.' } },
    {
      name: 'target',
      contract: { space: 'signs', shapes: ['(N)', '()'], dtype: 'float', description: '1 for pairs that should be similar, −1 for dissimilar ones.' },
    },
  ],
  options: { margin: { kind: 'number', default: 0 }, reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' } },
  shapes: cosineEmbeddingShapes,
  // Products, sums and comparisons only: every dtype is promoted (to float by the + EPSILON).
  dtypes: dtypeContract(['input1', 'input2', 'target'], ({ args: { input1 } }) => floating(input1!)),
  formula: 'ℓₙ = 1 − cos(x1ₙ, x2ₙ)  if yₙ = 1;   max(0, cos(x1ₙ, x2ₙ) − margin)  if yₙ = −1',
  aliases: { torch: ['torch.nn.CosineEmbeddingLoss', 'torch.nn.functional.cosine_embedding_loss'], keras: ['keras.losses.CosineSimilarity (related)'] },
  compute({ input1, input2, target }, options, ctx) {
    const targetDim = target!.ndim;
    const pair = broadcastFloats(input1!, input2!);
    const y = target!.data;
    const dim = pair.shape[pair.shape.length - 1]!;
    const rows = targetDim === 1 ? pair.shape[0]! : 1;
    // The cosines and the labels broadcast against each other: one label for every pair, or a pair for every label.
    const count = y.length === rows || y.length === 1 ? rows : rows === 1 ? y.length : -1;
    if (count < 0) {
      throw new LossError(
        'shape-mismatch',
        l10n.t('The size of tensor a ({0}) must match the size of tensor b ({1}) at non-singleton dimension 0', rows, y.length),
      );
    }
    const margin = options.margin as number;
    const cosines = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      ctx.checkpoint(r * dim, rows * dim);
      cosines[r] = cosine(pair.a, pair.b, r * dim, dim);
    }
    const losses = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const cos = cosines[rows === 1 ? 0 : i]!;
      const label = y[y.length === 1 ? 0 : i]!;
      losses[i] = (label === 1 ? 1 - cos : 0) + (label === -1 ? Math.max(cos - margin, 0) : 0);
    }
    const outShape = targetDim === 1 ? [count] : [];
    ctx.step('cosine', l10n.t('cosine similarity of each pair'), () => new Tensor(cosines, targetDim === 1 ? [rows] : []));
    return reduce(losses, outShape, options.reduction as Reduction);
  },
};
