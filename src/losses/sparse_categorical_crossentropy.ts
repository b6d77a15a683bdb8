import * as l10n from '@vscode/l10n';
import { kerasSparseShapes } from './shapes';
import { Tensor } from '../tensor/tensor';
import { classIndices, floats } from './checks';
import { LossError } from './errors';
import { checkpointRows, clip, kerasReduce, kerasReductionOption, lastAxis } from './keras';
import type { LossDefinition } from './types';

const NAME = 'sparse_categorical_crossentropy';

export const kerasSparseCategoricalCrossentropy: LossDefinition = {
  name: NAME,
  framework: 'keras',
  title: 'Sparse categorical cross entropy (Keras)',
  tensors: [
    {
      name: 'y_pred',
      aliases: ['input'],
      contract: {
        space: 'probabilities',
        shapes: ['(N, ..., C)'],
        dtype: 'float',
        description: 'Class probabilities (softmax output), or logits with from_logits=True.',
      },
    },
    {
      name: 'y_true',
      aliases: ['target'],
      contract: { space: 'class-indices', shapes: ['(N, ...)', '(N, ..., 1)'], dtype: 'int', description: 'Integer class labels.' },
    },
  ],
  options: { from_logits: { kind: 'boolean', default: false }, reduction: kerasReductionOption },
  shapes: kerasSparseShapes,
  formula: 'ℓₙ = −log( clip(p_{yₙ}) / Σ_c clip(p_c) )',
  aliases: {
    keras: ['keras.losses.SparseCategoricalCrossentropy', 'keras.losses.sparse_categorical_crossentropy', "'sparse_categorical_crossentropy'"],
    tfjs: ["'sparseCategoricalCrossentropy'"],
  },
  compute({ y_pred: yPred, y_true: yTrue }, options, ctx) {
    const p = floats(yPred!, 'y_pred', NAME);
    const { rows, width, outShape } = lastAxis(yPred!.shape);
    const labels = classIndices(yTrue!, 'y_true', NAME);
    const fromLogits = options.from_logits as boolean;
    const losses = new Float64Array(rows);
    const logits = new Float64Array(width);
    for (let r = 0; r < rows; r++) {
      checkpointRows(ctx, r, rows);
      const label = labels[r]!;
      if (label < 0 || label >= width) {
        throw new LossError('out-of-range', l10n.t('Received a label value of {0} which is outside the valid range of [0, {1}).', label, width));
      }
      // Probabilities become logits as log(clip(p)); softmax then renormalises them.
      for (let c = 0; c < width; c++) logits[c] = fromLogits ? p[r * width + c]! : Math.log(clip(p[r * width + c]!));
      let max = -Infinity;
      for (let c = 0; c < width; c++) max = Math.max(max, logits[c]!);
      let sumExp = 0;
      for (let c = 0; c < width; c++) sumExp += Math.exp(logits[c]! - max);
      losses[r] = -(logits[label]! - max - Math.log(sumExp));
    }
    ctx.step('per_sample', l10n.t('−log p[label] of each sample'), () => new Tensor(losses.slice(), outShape));
    return kerasReduce(losses, outShape, options.reduction as string);
  },
};
