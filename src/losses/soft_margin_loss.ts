import * as l10n from '@vscode/l10n';
import { broadcasting } from './shapes';
import { expandOrThrow, floats } from './checks';
import { elementwiseLoss } from './elementwise';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'soft_margin_loss';

export const softMarginLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Soft margin',
  tensors: [
    { name: 'input', contract: { space: 'logits', shapes: ['(*)'], dtype: 'float', description: 'Raw scores.' } },
    { name: 'target', contract: { space: 'signs', shapes: ['(*), same as input'], dtype: 'float', description: '1 or −1.' } },
  ],
  options: { reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' } },
  shapes: broadcasting('input', 'target'),
  formula: 'ℓₙ = log(1 + exp(−yₙ · xₙ))',
  aliases: { torch: ['torch.nn.SoftMarginLoss', 'torch.nn.functional.soft_margin_loss'] },
  compute({ input, target }, options, ctx) {
    const x = floats(input!, 'input', NAME);
    const y = expandOrThrow(target!, input!.shape, 'target', NAME);
    return elementwiseLoss(input!.shape, x, y, (xi, yi) => Math.log1p(Math.exp(-xi * yi)), options.reduction as Reduction, ctx, {
      id: 'elementwise',
      title: l10n.t('log(1 + exp(−y · x)) for each element'),
    });
  },
};
