import { binaryCrossEntropy } from './binary_cross_entropy';
import { binaryCrossEntropyWithLogits } from './binary_cross_entropy_with_logits';
import { kerasBinaryCrossentropy } from './binary_crossentropy';
import { kerasCategoricalCrossentropy } from './categorical_crossentropy';
import { cosineEmbeddingLoss } from './cosine_embedding_loss';
import { crossEntropy } from './cross_entropy';
import { ctcLoss } from './ctc_loss';
import { gaussianNllLoss } from './gaussian_nll_loss';
import { hingeEmbeddingLoss } from './hinge_embedding_loss';
import { huberLoss } from './huber_loss';
import { klDiv } from './kl_div';
import { l1Loss } from './l1_loss';
import { marginRankingLoss } from './margin_ranking_loss';
import { mseLoss } from './mse_loss';
import { multiMarginLoss } from './multi_margin_loss';
import { multilabelMarginLoss } from './multilabel_margin_loss';
import { multilabelSoftMarginLoss } from './multilabel_soft_margin_loss';
import { nllLoss } from './nll_loss';
import {
  optaxCosineDistance,
  optaxHingeLoss,
  optaxHuberLoss,
  optaxKlDivergence,
  optaxL2Loss,
  optaxLogCosh,
  optaxSigmoidBinaryCrossEntropy,
  optaxSoftmaxCrossEntropy,
  optaxSoftmaxCrossEntropyWithIntegerLabels,
  optaxSquaredError,
} from './optax';
import { poissonNllLoss } from './poisson_nll_loss';
import { sigmoidFocalLoss } from './sigmoid_focal_loss';
import { smoothL1Loss } from './smooth_l1_loss';
import { softMarginLoss } from './soft_margin_loss';
import { kerasSparseCategoricalCrossentropy } from './sparse_categorical_crossentropy';
import {
  tfjsAbsoluteDifference,
  tfjsCosineDistance,
  tfjsHingeLoss,
  tfjsHuberLoss,
  tfjsLogLoss,
  tfjsMeanSquaredError,
  tfjsSigmoidCrossEntropy,
  tfjsSoftmaxCrossEntropy,
} from './tfjs';
import { tripletMarginLoss } from './triplet_margin_loss';
import type { LossDefinition } from './types';

/**
 * Every loss LossLens evaluates, by name: the 20 functional losses of `torch.nn.functional`,
 * torchvision's `sigmoid_focal_loss`, Keras' three cross entropies, TensorFlow.js's own eight and ten of optax's (each unreduced, as optax gives them). The analyzer, the
 * calculator, the hovers and the CLI all read this one table.
 */
export const LOSSES: readonly LossDefinition[] = [
  crossEntropy,
  nllLoss,
  binaryCrossEntropy,
  binaryCrossEntropyWithLogits,
  mseLoss,
  l1Loss,
  smoothL1Loss,
  huberLoss,
  klDiv,
  poissonNllLoss,
  gaussianNllLoss,
  hingeEmbeddingLoss,
  softMarginLoss,
  multilabelSoftMarginLoss,
  multiMarginLoss,
  multilabelMarginLoss,
  marginRankingLoss,
  cosineEmbeddingLoss,
  tripletMarginLoss,
  ctcLoss,
  sigmoidFocalLoss,
  kerasBinaryCrossentropy,
  kerasCategoricalCrossentropy,
  kerasSparseCategoricalCrossentropy,
  tfjsSoftmaxCrossEntropy,
  tfjsSigmoidCrossEntropy,
  tfjsLogLoss,
  tfjsMeanSquaredError,
  tfjsAbsoluteDifference,
  tfjsHuberLoss,
  tfjsHingeLoss,
  tfjsCosineDistance,
  optaxSoftmaxCrossEntropy,
  optaxSoftmaxCrossEntropyWithIntegerLabels,
  optaxSigmoidBinaryCrossEntropy,
  optaxL2Loss,
  optaxSquaredError,
  optaxHuberLoss,
  optaxLogCosh,
  optaxHingeLoss,
  optaxCosineDistance,
  optaxKlDivergence,
];

const BY_NAME: ReadonlyMap<string, (typeof LOSSES)[number]> = new Map(LOSSES.map((loss) => [loss.name, loss]));

export function findLoss(name: string): LossDefinition | undefined {
  return BY_NAME.get(name);
}

/** The known name closest to `name` (edit distance at most 3), for "did you mean" hints. */
export function closestLossName(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 4;
  const lower = name.toLowerCase();
  for (const candidate of BY_NAME.keys()) {
    // The distance is at least the difference in length: a name of 16 MB is compared with none
    // (the search was quadratic in it).
    if (Math.abs(lower.length - candidate.length) >= bestDistance) continue;
    const distance = editDistance(lower, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
