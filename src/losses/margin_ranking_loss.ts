import * as l10n from '@vscode/l10n';
import { marginRankingShapes } from './shapes';
import { dtypeContract, floating, neg, sub } from './promotion';
import { expandTo } from '../tensor/broadcast';
import { broadcastOrThrow } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'margin_ranking_loss';

/**
 * The terms max(0, −y · (x1 − x2) + margin) of a block, kept when asked, and their sum
 * (`elementwise.ts`): the loop writes t = −y · (x1 − x2) + margin beside a 0 in `pick` and reads back
 * t unless t ≤ 0, so a nan stays nan, as `clamp_min` keeps it.
 */
function marginRankingBlock(
  a: Float64Array,
  b: Float64Array,
  y: Float64Array,
  margin: number,
  pick: Float64Array,
  kept: Float64Array | undefined,
  count: number,
): number {
  let block = 0;
  for (let i = 0; i < count; i += 4) {
    if (i + 4 > count) {
      for (; i < count; i++) {
        const t = -y[i]! * (a[i]! - b[i]!) + margin;
        pick[1] = t;
        const value = pick[+!(t <= 0)]!;
        if (kept !== undefined) kept[i] = value;
        block += value;
      }
      break;
    }
    const t0 = -y[i]! * (a[i]! - b[i]!) + margin;
    const t1 = -y[i + 1]! * (a[i + 1]! - b[i + 1]!) + margin;
    const t2 = -y[i + 2]! * (a[i + 2]! - b[i + 2]!) + margin;
    const t3 = -y[i + 3]! * (a[i + 3]! - b[i + 3]!) + margin;
    pick[1] = t0;
    pick[3] = t1;
    pick[5] = t2;
    pick[7] = t3;
    const value0 = pick[+!(t0 <= 0)]!;
    const value1 = pick[2 + +!(t1 <= 0)]!;
    const value2 = pick[4 + +!(t2 <= 0)]!;
    const value3 = pick[6 + +!(t3 <= 0)]!;
    if (kept !== undefined) {
      kept[i] = value0;
      kept[i + 1] = value1;
      kept[i + 2] = value2;
      kept[i + 3] = value3;
    }
    block += value0 + value1 + (value2 + value3);
  }
  return block;
}

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
    const pick = new Float64Array(8);
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      terms.addBlock(
        marginRankingBlock(a.subarray(start, end), b.subarray(start, end), y.subarray(start, end), margin, pick, kept?.subarray(start, end), end - start),
      );
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('max(0, −y · (x1 − x2) + margin) for each pair') });
  },
};
