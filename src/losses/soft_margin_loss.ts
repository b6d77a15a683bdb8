import * as l10n from '@vscode/l10n';
import { softMarginShapes } from './shapes';
import { castInto, dtypeContract, floating, neg, promote } from './promotion';
import { expandOrThrow } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
import { softplus } from './fastmath';
import { REDUCTIONS, type Reduction } from './reduce';
import { simdFor } from './simd';
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
    const simd = terms.kept ? undefined : simdFor([x, y]);
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      if (simd) terms.addBlock(simd.kernels.softMargin(simd.at[0]! + 8 * start, simd.at[1]! + 8 * start, end - start));
      else terms.addBlock(terms.kept ? termsBlock(x, y, start, end, terms.kept) : termsSum(x, y, start, end));
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('log(1 + exp(−y · x)) for each element') });
  },
};

/**
 * The plain sum of the terms of [start, end) (none kept), in two running sums of alternate
 * elements, so that their additions overlap.
 */
function termsSum(x: Float64Array, y: Float64Array, start: number, end: number): number {
  let even = 0;
  let odd = 0;
  let i = start;
  for (; i + 1 < end; i += 2) {
    even += softplus(-x[i]! * y[i]!);
    odd += softplus(-x[i + 1]! * y[i + 1]!);
  }
  if (i < end) even += softplus(-x[i]! * y[i]!);
  return even + odd;
}

/** The terms of [start, end), written to `kept`; their plain sum. */
function termsBlock(x: Float64Array, y: Float64Array, start: number, end: number, kept: Float64Array): number {
  let total = 0;
  for (let i = start; i < end; i++) {
    const value = softplus(-x[i]! * y[i]!);
    kept[i] = value;
    total += value;
  }
  return total;
}
