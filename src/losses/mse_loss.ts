import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { dtypeContract, kernel, promote } from './promotion';
import { TERMS_BLOCK, Terms } from './elementwise';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';
import { simdFor } from './simd';

const NAME = 'mse_loss';

/** The terms (x − y)² of a block, kept when asked, and their sum (`elementwise.ts`). */
function mseBlock(x: Float64Array, y: Float64Array, kept: Float64Array | undefined, count: number): number {
  let block = 0;
  for (let i = 0; i < count; i += 4) {
    if (i + 4 > count) {
      for (; i < count; i++) {
        const difference = x[i]! - y[i]!;
        const value = difference * difference;
        if (kept !== undefined) kept[i] = value;
        block += value;
      }
      break;
    }
    const difference0 = x[i]! - y[i]!;
    const difference1 = x[i + 1]! - y[i + 1]!;
    const difference2 = x[i + 2]! - y[i + 2]!;
    const difference3 = x[i + 3]! - y[i + 3]!;
    const value0 = difference0 * difference0;
    const value1 = difference1 * difference1;
    const value2 = difference2 * difference2;
    const value3 = difference3 * difference3;
    if (kept !== undefined) {
      kept[i] = value0;
      kept[i + 1] = value1;
      kept[i + 2] = value2;
      kept[i + 3] = value3;
    }
    block += value0 + value1 + (value2 + value3);
  }
  return block;
}

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
    const simd = simdFor([x, y], [kept]);
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      if (simd) {
        const [xAt, yAt, keptAt] = simd.at as [number, number, number];
        terms.addBlock(simd.kernels.mse(xAt + 8 * start, yAt + 8 * start, kept ? keptAt + 8 * start : 0, end - start));
      } else {
        terms.addBlock(mseBlock(x.subarray(start, end), y.subarray(start, end), kept?.subarray(start, end), end - start));
      }
    }
    simd?.done();
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('(x − y)² for each element') });
  },
};
