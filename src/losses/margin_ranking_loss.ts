import * as l10n from '@vscode/l10n';
import { marginRankingShapes } from './shapes';
import { expandTo } from '../tensor/broadcast';
import { broadcastOrThrow, floats } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'margin_ranking_loss';

export const marginRankingLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Margin ranking',
  tensors: [
    { name: 'input1', contract: { space: 'scores', shapes: ['(N)', '()'], dtype: 'float', description: 'Scores of the first items.' } },
    { name: 'input2', contract: { space: 'scores', shapes: ['(N)', '()'], dtype: 'float', description: 'Scores of the second items.' } },
    {
      name: 'target',
      contract: { space: 'signs', shapes: ['(N)', '()'], dtype: 'float', description: '1 if the first should rank higher, −1 if the second.' },
    },
  ],
  options: { margin: { kind: 'number', default: 0 }, reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' } },
  shapes: marginRankingShapes,
  formula: 'ℓₙ = max(0, −yₙ · (x1ₙ − x2ₙ) + margin)',
  aliases: { torch: ['torch.nn.MarginRankingLoss', 'torch.nn.functional.margin_ranking_loss'] },
  compute({ input1, input2, target }, options, ctx) {
    const shape = broadcastOrThrow(broadcastOrThrow(input1!.shape, input2!.shape), target!.shape);
    const a = expandTo(floats(input1!, 'input1', NAME), input1!.shape, shape);
    const b = expandTo(floats(input2!, 'input2', NAME), input2!.shape, shape);
    const y = expandTo(floats(target!, 'target', NAME), target!.shape, shape);
    const margin = options.margin as number;
    const reduction = options.reduction as Reduction;
    const terms = Terms.for(shape, reduction, ctx);
    const kept = terms.kept;
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      let block = 0;
      for (let i = start; i < end; i++) {
        const value = Math.max(-y[i]! * (a[i]! - b[i]!) + margin, 0);
        if (kept) kept[i] = value;
        block += value;
      }
      terms.addBlock(block);
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('max(0, −y · (x1 − x2) + margin) for each pair') });
  },
};
