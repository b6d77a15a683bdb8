import * as l10n from '@vscode/l10n';
import { broadcasting } from './shapes';
import { dtypeContract, like, reduction, sub } from './promotion';
import { broadcastFloats } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
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
  // `margin - input` in C++ (a tensor of the input's dtype filled with the margin, minus the
  // input), so the value keeps the input's dtype: an integer input sums to an integer, and has no mean.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input }, options }) => {
    sub(like(input!), input!);
    return reduction(input!, options.reduction);
  }),
  formula: 'ℓₙ = xₙ  if yₙ = 1;   max(0, margin − xₙ)  if yₙ = −1',
  aliases: { torch: ['torch.nn.HingeEmbeddingLoss', 'torch.nn.functional.hinge_embedding_loss'] },
  compute({ input, target }, options, ctx) {
    const pair = broadcastFloats(input!, target!);
    // `margin - input` fills a tensor of the input's dtype with the margin: an integer input
    // truncates it toward zero.
    const margin = input!.dtype === 'int' && !input!.weak ? Math.trunc(options.margin as number) : (options.margin as number);
    // PyTorch adds both branches: a target that is neither 1 nor −1 gets x + max(0, margin − x).
    const x = pair.a;
    const y = pair.b;
    const reduction = options.reduction as Reduction;
    const terms = Terms.for(pair.shape, reduction, ctx);
    const kept = terms.kept;
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      let block = 0;
      for (let i = start; i < end; i++) {
        const xi = x[i]!;
        const yi = y[i]!;
        const value = (yi !== 1 ? Math.max(margin - xi, 0) : 0) + (yi !== -1 ? xi : 0);
        if (kept) kept[i] = value;
        block += value;
      }
      terms.addBlock(block);
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('x for similar pairs, max(0, margin − x) for dissimilar ones') });
  },
};
