import { activationRangeMismatch } from './activation-range-mismatch';
import { categoricalLossOnLogits } from './categorical-loss-on-logits';
import { classCountMismatch } from './class-count-mismatch';
import { deprecatedReductionArguments } from './deprecated-reduction-arguments';
import { klDivInputNotLogProbabilities } from './kl-div-input-not-log-probabilities';
import { klDivMeanReduction } from './kl-div-mean-reduction';
import { logOfSoftmax } from './log-of-softmax';
import { nllLossWithoutLogSoftmax } from './nll-loss-without-log-softmax';
import { probabilitiesLossOnLogits } from './probabilities-loss-on-logits';
import type { Rule } from './rule';
import { sigmoidBeforeLogitsLoss } from './sigmoid-before-logits-loss';
import { softmaxBeforeCrossEntropy } from './softmax-before-cross-entropy';
import { softmaxImplicitDim } from './softmax-implicit-dim';
import { swappedLossArguments } from './swapped-loss-arguments';
import { targetDtypeMismatch } from './target-dtype-mismatch';
import { targetShapeMismatch } from './target-shape-mismatch';

/** Every rule, in code order. Codes are stable: never reuse one. */
export const RULES: readonly Rule[] = [
  probabilitiesLossOnLogits,
  sigmoidBeforeLogitsLoss,
  softmaxBeforeCrossEntropy,
  nllLossWithoutLogSoftmax,
  categoricalLossOnLogits,
  klDivInputNotLogProbabilities,
  swappedLossArguments,
  logOfSoftmax,
  activationRangeMismatch,
  targetShapeMismatch,
  targetDtypeMismatch,
  classCountMismatch,
  deprecatedReductionArguments,
  softmaxImplicitDim,
  klDivMeanReduction,
];

/** A rule by its code (`LL001`). */
export function ruleByCode(code: string): Rule | undefined {
  return RULES.find((rule) => rule.meta.code === code);
}

export type { Rule } from './rule';
