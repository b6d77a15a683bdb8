import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { dtypeContract, kernel, promote } from './promotion';
import { TERMS_BLOCK, Terms } from './elementwise';
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
  // One TensorIterator over both, promoted: a float kernel.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target } }) => kernel('mse_cpu', promote(input!, target!))),
  formula: 'ℓₙ = (xₙ − yₙ)²',
  aliases: {
    torch: ['torch.nn.MSELoss', 'torch.nn.functional.mse_loss'],
    keras: ['keras.losses.MeanSquaredError', "'mse'"],
    tfjs: ['tf.losses.meanSquaredError', "'meanSquaredError'"],
    optax: ['optax.squared_error (× 1, then mean)'],
  },
  compute({ input, target }, options, ctx) {
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
        const difference = x[i]! - y[i]!;
        const value = difference * difference;
        if (kept) kept[i] = value;
        block += value;
      }
      terms.addBlock(block);
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('(x − y)² for each element') });
  },
};
