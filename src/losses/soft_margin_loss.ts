import * as l10n from '@vscode/l10n';
import { softMarginShapes } from './shapes';
import { castInto, dtypeContract, floating, neg, promote } from './promotion';
import { expandOrThrow } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
import { log1pExpNeg } from './fastmath';

/** The largest x whose e^x is finite. */
const EXP_OVERFLOW = 709.782712893384;
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'soft_margin_loss';

export const softMarginLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Soft margin',
  tensors: [
    { name: 'input', contract: { space: 'logits', shapes: ['(*)'], dtype: 'float', description: 'Raw scores.' } },
    { name: 'target', contract: { space: 'signs', shapes: ['(*), same as input'], dtype: 'float', description: '1 or −1.' } },
  ],
  options: { reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' } },
  shapes: softMarginShapes,
  // `neg_out(output, input).mul_(target).exp_().log1p_()`, the output of the input's dtype: the
  // negation before the shapes are checked (by `mul_`, which then casts).
  dtypes: dtypeContract(
    ['input', 'target'],
    ({ args: { input, target }, shapesChecked }) => {
      const output = neg(input!);
      shapesChecked();
      castInto(promote(output, target!), output);
      castInto(floating(output), output);
      return output;
    },
    'before-shapes',
  ),
  formula: 'ℓₙ = log(1 + exp(−yₙ · xₙ))',
  aliases: { torch: ['torch.nn.SoftMarginLoss', 'torch.nn.functional.soft_margin_loss'] },
  compute({ input, target }, options, ctx) {
    const x = input!.data;
    const y = expandOrThrow(target!, input!.shape, 'target', NAME);
    const reduction = options.reduction as Reduction;
    const terms = Terms.for(input!.shape, reduction, ctx);
    const kept = terms.kept;
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      let block = 0;
      for (let i = start; i < end; i++) {
        // log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)) with the table-driven log term; past
        // the largest double's log, e^z is infinite for PyTorch too.
        const z = -x[i]! * y[i]!;
        const value = z > EXP_OVERFLOW ? Infinity : Math.max(z, 0) + log1pExpNeg(Math.abs(z));
        if (kept) kept[i] = value;
        block += value;
      }
      terms.addBlock(block);
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('log(1 + exp(−y · x)) for each element') });
  },
};
