import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
import { LossError } from './errors';
import { REDUCTIONS, type Reduction } from './reduce';
import { castInto, dtypeContract, kernel, promote } from './promotion';
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
  // Written into a tensor of the input's dtype, then a float kernel.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target } }) => {
    const common = promote(input!, target!);
    castInto(common, input!);
    return kernel('huber_cpu', common);
  }),
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
    const pair = broadcastPair(input!, target!);
    const x = pair.input;
    const y = pair.target;
    const reduction = options.reduction as Reduction;
    const terms = Terms.for(pair.shape, reduction, ctx);
    const kept = terms.kept;
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      let block = 0;
      for (let i = start; i < end; i++) {
        const z = Math.abs(x[i]! - y[i]!);
        // z < δ ? 0.5·z² : δ·(z − 0.5·δ), without a branch that random residuals would mispredict
        // (z − 0.5·q is 0.5·q exactly when q = z, so the quadratic side rounds as PyTorch's does).
        const q = Math.min(z, delta);
        const value = q * (z - 0.5 * q);
        if (kept) kept[i] = value;
        block += value;
      }
      terms.addBlock(block);
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('quadratic below δ, linear above, for each element') });
  },
};
