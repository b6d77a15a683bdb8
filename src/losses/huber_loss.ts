import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
import { LossError } from './errors';
import { REDUCTIONS, type Reduction } from './reduce';
import { castInto, dtypeContract, kernel, promote } from './promotion';
import { simdFor } from './simd';
import type { LossDefinition } from './types';

const NAME = 'huber_loss';

/**
 * The terms z < δ ? 0.5·z² : δ·(z − 0.5·δ) of a block, z = |x − y|, kept when asked, and their sum
 * (`elementwise.ts`). Both sides are q·(z − 0.5·q) with q = min(z, δ) (z − 0.5·q is 0.5·q exactly
 * when q = z), so the quadratic side rounds as PyTorch's does; q is picked without a branch:
 * `pick` holds δ in its even lanes, the loop writes z beside it.
 */
function huberBlock(x: Float64Array, y: Float64Array, pick: Float64Array, kept: Float64Array | undefined, count: number): number {
  let block = 0;
  for (let i = 0; i < count; i += 4) {
    // δ read back from a Float64Array is an unboxed double, compared without a type check a term.
    const delta = pick[0]!;
    if (i + 4 > count) {
      for (; i < count; i++) {
        const z = Math.abs(x[i]! - y[i]!);
        pick[1] = z;
        const q = pick[+(z < delta)]!;
        const value = q * (z - 0.5 * q);
        if (kept !== undefined) kept[i] = value;
        block += value;
      }
      break;
    }
    const z0 = Math.abs(x[i]! - y[i]!);
    const z1 = Math.abs(x[i + 1]! - y[i + 1]!);
    const z2 = Math.abs(x[i + 2]! - y[i + 2]!);
    const z3 = Math.abs(x[i + 3]! - y[i + 3]!);
    pick[1] = z0;
    pick[3] = z1;
    pick[5] = z2;
    pick[7] = z3;
    const q0 = pick[+(z0 < delta)]!;
    const q1 = pick[2 + +(z1 < delta)]!;
    const q2 = pick[4 + +(z2 < delta)]!;
    const q3 = pick[6 + +(z3 < delta)]!;
    const value0 = q0 * (z0 - 0.5 * q0);
    const value1 = q1 * (z1 - 0.5 * q1);
    const value2 = q2 * (z2 - 0.5 * q2);
    const value3 = q3 * (z3 - 0.5 * q3);
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
    const pick = Float64Array.of(delta, 0, delta, 0, delta, 0, delta, 0);
    const simd = simdFor([x, y], [kept]);
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      if (simd) {
        const [xAt, yAt, keptAt] = simd.at as [number, number, number];
        terms.addBlock(simd.kernels.huber(xAt + 8 * start, yAt + 8 * start, kept ? keptAt + 8 * start : 0, end - start, delta));
      } else {
        terms.addBlock(huberBlock(x.subarray(start, end), y.subarray(start, end), pick, kept?.subarray(start, end), end - start));
      }
    }
    simd?.done();
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('quadratic below δ, linear above, for each element') });
  },
};
