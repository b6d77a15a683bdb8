import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { dtypeContract, kernel, promote } from './promotion';
import { TERMS_BLOCK, Terms } from './elementwise';
import { LossError } from './errors';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';
import { simdFor } from './simd';

const NAME = 'smooth_l1_loss';

/**
 * The terms z < β ? 0.5·z² / β : z − 0.5·β of a block, z = |x − y|, kept when asked, and their sum
 * (`elementwise.ts`): the loop writes both sides into the first eight lanes of `pick` (β and 0.5·β
 * follow them) and reads back the one z < β chooses. With β = 0 it is the L1 loss (z < 0 never
 * holds; 0.5·z² / 0 is never read).
 */
function smoothL1Block(x: Float64Array, y: Float64Array, pick: Float64Array, kept: Float64Array | undefined, count: number): number {
  let block = 0;
  for (let i = 0; i < count; i += 4) {
    // β and β/2 read back from a Float64Array are unboxed doubles, used without a type check a term.
    const beta = pick[8]!;
    const halfBeta = pick[9]!;
    if (i + 4 > count) {
      for (; i < count; i++) {
        const z = Math.abs(x[i]! - y[i]!);
        pick[0] = z - halfBeta;
        pick[1] = (0.5 * z * z) / beta;
        const value = pick[+(z < beta)]!;
        if (kept !== undefined) kept[i] = value;
        block += value;
      }
      break;
    }
    const z0 = Math.abs(x[i]! - y[i]!);
    const z1 = Math.abs(x[i + 1]! - y[i + 1]!);
    const z2 = Math.abs(x[i + 2]! - y[i + 2]!);
    const z3 = Math.abs(x[i + 3]! - y[i + 3]!);
    pick[0] = z0 - halfBeta;
    pick[1] = (0.5 * z0 * z0) / beta;
    pick[2] = z1 - halfBeta;
    pick[3] = (0.5 * z1 * z1) / beta;
    pick[4] = z2 - halfBeta;
    pick[5] = (0.5 * z2 * z2) / beta;
    pick[6] = z3 - halfBeta;
    pick[7] = (0.5 * z3 * z3) / beta;
    const value0 = pick[+(z0 < beta)]!;
    const value1 = pick[2 + +(z1 < beta)]!;
    const value2 = pick[4 + +(z2 < beta)]!;
    const value3 = pick[6 + +(z3 < beta)]!;
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

export const smoothL1Loss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Smooth L1',
  tensors: [
    { name: 'input', contract: { space: 'values', shapes: ['(*)'], dtype: 'float', description: 'Predictions.' } },
    { name: 'target', contract: { space: 'values', shapes: ['(*), same as input'], dtype: 'float', description: 'Targets, same shape as the input.' } },
  ],
  options: { reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' }, beta: { kind: 'number', default: 1 } },
  shapes: regressionShapes,
  // A float kernel over both, promoted (β = 0 included).
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target } }) => kernel('smooth_l1_cpu', promote(input!, target!))),
  formula: 'ℓₙ = 0.5 (xₙ − yₙ)² / β  if |xₙ − yₙ| < β,  else |xₙ − yₙ| − 0.5 β',
  aliases: { torch: ['torch.nn.SmoothL1Loss', 'torch.nn.functional.smooth_l1_loss'] },
  compute({ input, target }, options, ctx) {
    const beta = options.beta as number;
    if (beta < 0) throw new LossError('invalid-argument', l10n.t('smooth_l1_loss does not support negative values for beta.'));
    const pair = broadcastPair(input!, target!);
    const x = pair.input;
    const y = pair.target;
    const reduction = options.reduction as Reduction;
    const terms = Terms.for(pair.shape, reduction, ctx);
    const kept = terms.kept;
    const pick = Float64Array.of(0, 0, 0, 0, 0, 0, 0, 0, beta, 0.5 * beta);
    const simd = simdFor([x, y], [kept]);
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      if (simd) {
        const [xAt, yAt, keptAt] = simd.at as [number, number, number];
        terms.addBlock(simd.kernels.smoothL1(xAt + 8 * start, yAt + 8 * start, kept ? keptAt + 8 * start : 0, end - start, beta));
      } else {
        terms.addBlock(smoothL1Block(x.subarray(start, end), y.subarray(start, end), pick, kept?.subarray(start, end), end - start));
      }
    }
    simd?.done();
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('quadratic below β, linear above, for each element') });
  },
};
