import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { elementwiseLoss } from './elementwise';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'l1_loss';

export const l1Loss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Mean absolute error (L1)',
  tensors: [
    { name: 'input', contract: { space: 'values', shapes: ['(*)'], dtype: 'float', description: 'Predictions.' } },
    { name: 'target', contract: { space: 'values', shapes: ['(*), same as input'], dtype: 'float', description: 'Targets, same shape as the input.' } },
  ],
  options: { reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' } },
  shapes: regressionShapes,
  formula: 'ℓₙ = |xₙ − yₙ|',
  aliases: {
    torch: ['torch.nn.L1Loss', 'torch.nn.functional.l1_loss'],
    keras: ['keras.losses.MeanAbsoluteError', "'mae'"],
    tfjs: ['tf.losses.absoluteDifference', "'meanAbsoluteError'"],
  },
  compute({ input, target }, options, ctx) {
    const pair = broadcastPair(input!, target!, NAME);
    return elementwiseLoss(pair.shape, pair.input, pair.target, (x, y) => Math.abs(x - y), options.reduction as Reduction, ctx, {
      id: 'elementwise',
      title: l10n.t('|x − y| for each element'),
    });
  },
};
