import * as l10n from '@vscode/l10n';
import { regressionShapes } from './shapes';
import { broadcastPair } from './checks';
import { dtypeContract, kernel, promote } from './promotion';
import { TERMS_BLOCK, Terms } from './elementwise';
import { LossError } from './errors';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'smooth_l1_loss';

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
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      let block = 0;
      for (let i = start; i < end; i++) {
        const z = Math.abs(x[i]! - y[i]!);
        // With β = 0 it is the L1 loss (z < 0 never holds).
        const value = z < beta ? (0.5 * z * z) / beta : z - 0.5 * beta;
        if (kept) kept[i] = value;
        block += value;
      }
      terms.addBlock(block);
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('quadratic below β, linear above, for each element') });
  },
};
