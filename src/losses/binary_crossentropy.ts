import * as l10n from '@vscode/l10n';
import { kerasSameShape } from './shapes';
import { Tensor } from '../tensor/tensor';
import { floats } from './checks';
import { LossError } from './errors';
import { checkpointRows, clip, kerasReduce, kerasReductionOption, lastAxis } from './keras';
import type { LossDefinition } from './types';

const NAME = 'binary_crossentropy';

export const kerasBinaryCrossentropy: LossDefinition = {
  name: NAME,
  framework: 'keras',
  title: 'Binary cross entropy (Keras)',
  tensors: [
    {
      name: 'y_pred',
      aliases: ['input'],
      contract: { space: 'probabilities', shapes: ['(N, ..., C)'], dtype: 'float', description: 'Probabilities (or logits with from_logits=True).' },
    },
    {
      name: 'y_true',
      aliases: ['target'],
      contract: { space: 'probabilities', shapes: ['same as y_pred'], dtype: 'float', description: 'Targets in [0, 1].' },
    },
  ],
  options: {
    from_logits: { kind: 'boolean', default: false },
    label_smoothing: { kind: 'number', default: 0 },
    reduction: kerasReductionOption,
  },
  shapes: kerasSameShape(NAME, false),
  formula: 'ℓₙ = −mean_c ( y · log clip(p) + (1 − y) · log(1 − clip(p)) ),  clip to [1e-7, 1 − 1e-7]',
  aliases: {
    keras: ['keras.losses.BinaryCrossentropy', 'keras.losses.binary_crossentropy', "'binary_crossentropy'"],
    tfjs: ["'binaryCrossentropy'", 'tf.metrics.binaryCrossentropy'],
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
      let total = 0;
      for (let c = 0; c < width; c++) {
        const i = r * width + c;
        const t = smoothing > 0 ? y[i]! * (1 - smoothing) + 0.5 * smoothing : y[i]!;
        if (fromLogits) {
          // tf.nn.sigmoid_cross_entropy_with_logits: max(x, 0) − x·t + log(1 + e^(−|x|)).
          const x = p[i]!;
          total += Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
        } else {
          const q = clip(p[i]!);
          total += -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
        }
      }
      losses[r] = total / width;
    }
    ctx.step('per_sample', l10n.t('binary cross entropy of each sample, averaged over the last axis'), () => new Tensor(losses.slice(), outShape));
    return kerasReduce(losses, outShape, options.reduction as string);
  },
};
