import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { elementwiseLoss } from './elementwise';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'mse_loss';

export const mseLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Mean squared error',
  tensors: [
    { name: 'input', contract: { space: 'values', shapes: ['(*)'], dtype: 'float', description: 'Predictions.' } },
    { name: 'target', contract: { space: 'values', shapes: ['(*), same as input'], dtype: 'float', description: 'Targets, same shape as the input.' } },
  ],
  options: { reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' } },
  shapes: regressionShapes,
  formula: 'ℓₙ = (xₙ − yₙ)²',
  aliases: {
    torch: ['torch.nn.MSELoss', 'torch.nn.functional.mse_loss'],
    keras: ['keras.losses.MeanSquaredError', "'mse'"],
    tfjs: ['tf.losses.meanSquaredError', "'meanSquaredError'"],
    optax: ['optax.squared_error (× 1, then mean)'],
  },
  compute({ input, target }, options, ctx) {
    const pair = broadcastPair(input!, target!, NAME);
    return elementwiseLoss(pair.shape, pair.input, pair.target, (x, y) => (x - y) * (x - y), options.reduction as Reduction, ctx, {
      id: 'elementwise',
      title: l10n.t('(x − y)² for each element'),
    });
  },
};
