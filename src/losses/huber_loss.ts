import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { elementwiseLoss } from './elementwise';
import { LossError } from './errors';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'huber_loss';

export const huberLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Huber',
  tensors: [
    { name: 'input', contract: { space: 'values', shapes: ['(*)'], dtype: 'float', description: 'Predictions.' } },
    { name: 'target', contract: { space: 'values', shapes: ['(*), same as input'], dtype: 'float', description: 'Targets, same shape as the input.' } },
  ],
  options: { reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' }, delta: { kind: 'number', default: 1 } },
  shapes: regressionShapes,
  formula: 'ℓₙ = 0.5 (xₙ − yₙ)²  if |xₙ − yₙ| < δ,  else δ (|xₙ − yₙ| − 0.5 δ)',
  aliases: {
    torch: ['torch.nn.HuberLoss', 'torch.nn.functional.huber_loss'],
    keras: ['keras.losses.Huber'],
    tfjs: ['tf.losses.huberLoss'],
    optax: ['optax.huber_loss'],
  },
  compute({ input, target }, options, ctx) {
    const delta = options.delta as number;
    if (!(delta > 0)) throw new LossError('invalid-argument', l10n.t('huber_loss does not support non-positive values for delta.'));
    const pair = broadcastPair(input!, target!, NAME);
    const formula = (x: number, y: number) => {
      const z = Math.abs(x - y);
      return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
    };
    return elementwiseLoss(pair.shape, pair.input, pair.target, formula, options.reduction as Reduction, ctx, {
      id: 'elementwise',
      title: l10n.t('quadratic below δ, linear above, for each element'),
    });
  },
};
