import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { dtypeContract, reduction, sub } from './promotion';
import { TERMS_BLOCK, Terms } from './elementwise';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';
import { simdFor } from './simd';

const NAME = 'l1_loss';

/** The terms |x − y| of a block, kept when asked, and their sum (`elementwise.ts`). */
function l1Block(x: Float64Array, y: Float64Array, kept: Float64Array | undefined, count: number): number {
  let block = 0;
  for (let i = 0; i < count; i += 4) {
    if (i + 4 > count) {
      for (; i < count; i++) {
        const value = Math.abs(x[i]! - y[i]!);
        if (kept !== undefined) kept[i] = value;
        block += value;
      }
      break;
    }
    const value0 = Math.abs(x[i]! - y[i]!);
    const value1 = Math.abs(x[i + 1]! - y[i + 1]!);
    const value2 = Math.abs(x[i + 2]! - y[i + 2]!);
    const value3 = Math.abs(x[i + 3]! - y[i + 3]!);
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
  // `(input - target).abs()`, reduced: two integer tensors give an integer sum (and no mean).
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target }, options }) => reduction(sub(input!, target!), options.reduction)),
  formula: 'ℓₙ = |xₙ − yₙ|',
  aliases: {
    torch: ['torch.nn.L1Loss', 'torch.nn.functional.l1_loss'],
    keras: ['keras.losses.MeanAbsoluteError', "'mae'"],
    tfjs: ['tf.losses.absoluteDifference', "'meanAbsoluteError'"],
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
        terms.addBlock(simd.kernels.l1(xAt + 8 * start, yAt + 8 * start, kept ? keptAt + 8 * start : 0, end - start));
      } else {
        terms.addBlock(l1Block(x.subarray(start, end), y.subarray(start, end), kept?.subarray(start, end), end - start));
      }
    }
    simd?.done();
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('|x − y| for each element') });
  },
};
