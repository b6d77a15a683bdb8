import * as l10n from '@vscode/l10n';
import { broadcasting } from './shapes';
import { broadcastFloats } from './checks';
import { elementwiseLoss } from './elementwise';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'hinge_embedding_loss';

export const hingeEmbeddingLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Hinge embedding',
  tensors: [
    { name: 'input', contract: { space: 'distances', shapes: ['(*)'], dtype: 'float', description: 'Distances (for example L1 distances between pairs).' } },
    {
      name: 'target',
      contract: { space: 'signs', shapes: ['(*), same as input'], dtype: 'float', description: '1 for similar pairs, −1 for dissimilar ones.' },
    },
  ],
  options: { margin: { kind: 'number', default: 1 }, reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' } },
  shapes: broadcasting('target', 'input'),
  formula: 'ℓₙ = xₙ  if yₙ = 1;   max(0, margin − xₙ)  if yₙ = −1',
  aliases: { torch: ['torch.nn.HingeEmbeddingLoss', 'torch.nn.functional.hinge_embedding_loss'] },
  compute({ input, target }, options, ctx) {
    const pair = broadcastFloats(input!, target!, ['input', 'target'], NAME);
    const margin = options.margin as number;
    // PyTorch adds both branches: a target that is neither 1 nor −1 gets x + max(0, margin − x).
    const formula = (x: number, y: number) => (y !== 1 ? Math.max(margin - x, 0) : 0) + (y !== -1 ? x : 0);
    return elementwiseLoss(pair.shape, pair.a, pair.b, formula, options.reduction as Reduction, ctx, {
      id: 'elementwise',
      title: l10n.t('x for similar pairs, max(0, margin − x) for dissimilar ones'),
    });
  },
};
