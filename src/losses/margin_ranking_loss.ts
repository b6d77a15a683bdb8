import * as l10n from '@vscode/l10n';
import { marginRankingShapes } from './shapes';
import { dtypeContract, floating, neg, sub } from './promotion';
import { expandTo } from '../tensor/broadcast';
import { broadcastOrThrow } from './checks';
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
  // (−target · (input1 − input2) + margin): the difference first; adding the float margin makes it float.
  dtypes: dtypeContract(['input1', 'input2', 'target'], ({ args: { input1, input2, target } }) => {
    sub(input1!, input2!);
    neg(target!);
    return floating(input1!);
  }),
  formula: 'ℓₙ = max(0, −yₙ · (x1ₙ − x2ₙ) + margin)',
  aliases: { torch: ['torch.nn.MarginRankingLoss', 'torch.nn.functional.margin_ranking_loss'] },
  compute({ input1, input2, target }, options, ctx) {
    const shape = broadcastOrThrow(broadcastOrThrow(input1!.shape, input2!.shape), target!.shape);
    const a = expandTo(input1!.data, input1!.shape, shape);
    const b = expandTo(input2!.data, input2!.shape, shape);
    const y = expandTo(target!.data, target!.shape, shape);
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
