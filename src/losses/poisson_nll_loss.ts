import * as l10n from '@vscode/l10n';
import { broadcasting } from './shapes';
import { broadcastFloats } from './checks';
import { elementwiseLoss } from './elementwise';
import { REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'poisson_nll_loss';

export const poissonNllLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Poisson negative log likelihood',
  tensors: [
    {
      name: 'input',
      contract: { space: 'log-rates', shapes: ['(*)'], dtype: 'float', description: 'Log of the expected count (or the count itself with log_input=False).' },
    },
    { name: 'target', contract: { space: 'counts', shapes: ['(*), same as input'], dtype: 'float', description: 'Observed counts.' } },
  ],
  options: {
    log_input: { kind: 'boolean', default: true },
    full: { kind: 'boolean', default: false },
    eps: { kind: 'number', default: 1e-8 },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: broadcasting('target', 'input'),
  formula: 'ℓₙ = exp(xₙ) − yₙ · xₙ   (log_input=True);   xₙ − yₙ · log(xₙ + ε)   (log_input=False)',
  aliases: { torch: ['torch.nn.PoissonNLLLoss', 'torch.nn.functional.poisson_nll_loss'], keras: ['keras.losses.Poisson'], tfjs: ["'poisson'"] },
  compute({ input, target }, options, ctx) {
    const pair = broadcastFloats(input!, target!, ['input', 'target'], NAME);
    const eps = options.eps as number;
    const base = options.log_input ? (x: number, y: number) => Math.exp(x) - y * x : (x: number, y: number) => x - y * Math.log(x + eps);
    // Stirling's approximation of log(y!), added only where y > 1 (log(0!) = log(1!) = 0).
    const formula = options.full ? (x: number, y: number) => base(x, y) + (y <= 1 ? 0 : y * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI * y)) : base;
    return elementwiseLoss(pair.shape, pair.a, pair.b, formula, options.reduction as Reduction, ctx, {
      id: 'elementwise',
      title: l10n.t('the negative log likelihood of each count'),
    });
  },
};
