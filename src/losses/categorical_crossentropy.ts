import * as l10n from '@vscode/l10n';
import { kerasSameShape } from './shapes';
import { Tensor } from '../tensor/tensor';
import { floats } from './checks';
import { LossError } from './errors';
import { checkpointRows, clip, kerasReduce, kerasReductionOption, lastAxis } from './keras';
import type { LossDefinition } from './types';

const NAME = 'categorical_crossentropy';

export const kerasCategoricalCrossentropy: LossDefinition = {
  name: NAME,
  framework: 'keras',
  title: 'Categorical cross entropy (Keras)',
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
      contract: { space: 'probabilities', shapes: ['same as y_pred'], dtype: 'float', description: 'One-hot labels or class probabilities.' },
    },
  ],
  options: {
    from_logits: { kind: 'boolean', default: false },
    label_smoothing: { kind: 'number', default: 0 },
    reduction: kerasReductionOption,
  },
  shapes: kerasSameShape(NAME, true),
  formula: 'ℓₙ = −Σ_c y_c · log clip(p_c / Σ_j p_j)',
  aliases: {
    keras: ['keras.losses.CategoricalCrossentropy', 'keras.losses.categorical_crossentropy', "'categorical_crossentropy'"],
    tfjs: ["'categoricalCrossentropy'", 'tf.metrics.categoricalCrossentropy'],
  },
  compute({ y_pred: yPred, y_true: yTrue }, options, ctx) {
    const p = floats(yPred!, 'y_pred', NAME);
    const y = floats(yTrue!, 'y_true', NAME);
    const smoothing = options.label_smoothing as number;
    if (!(smoothing >= 0 && smoothing <= 1)) throw new LossError('invalid-argument', l10n.t('label_smoothing must be between 0 and 1, got {0}', smoothing));
    const fromLogits = options.from_logits as boolean;
    const { rows, width, outShape } = lastAxis(yPred!.shape);
    const losses = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      checkpointRows(ctx, r, rows);
      const base = r * width;
      const target = (c: number) => (smoothing > 0 ? y[base + c]! * (1 - smoothing) + smoothing / width : y[base + c]!);
      let total = 0;
      if (fromLogits) {
        let max = -Infinity;
        for (let c = 0; c < width; c++) max = Math.max(max, p[base + c]!);
        let sumExp = 0;
        for (let c = 0; c < width; c++) sumExp += Math.exp(p[base + c]! - max);
        const logSum = Math.log(sumExp);
        for (let c = 0; c < width; c++) total -= target(c) * (p[base + c]! - max - logSum);
      } else {
        // Keras rescales the predictions to sum to 1 before clipping and taking logs.
        let norm = 0;
        for (let c = 0; c < width; c++) norm += p[base + c]!;
        for (let c = 0; c < width; c++) total -= target(c) * Math.log(clip(p[base + c]! / norm));
      }
      losses[r] = total;
    }
    ctx.step('per_sample', l10n.t('categorical cross entropy of each sample'), () => new Tensor(losses.slice(), outShape));
    return kerasReduce(losses, outShape, options.reduction as string);
  },
};
