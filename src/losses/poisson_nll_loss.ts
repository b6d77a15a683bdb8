import * as l10n from '@vscode/l10n';
import { broadcasting } from './shapes';
import { dtypeContract, floating, promote, sub } from './promotion';
import { broadcastFloats } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
import { exp } from './fastmath';
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
  // exp(input) − target·input, or input − target·log(input + eps); with full, target·log(target) − target.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target }, options }) => {
    const loss = options.log_input === false ? sub(input!, promote(target!, floating(input!))) : sub(floating(input!), promote(target!, input!));
    if (options.full === true) sub(promote(target!, floating(target!)), target!);
    return floating(loss);
  }),
  formula: 'ℓₙ = exp(xₙ) − yₙ · xₙ   (log_input=True);   xₙ − yₙ · log(xₙ + ε)   (log_input=False)',
  aliases: { torch: ['torch.nn.PoissonNLLLoss', 'torch.nn.functional.poisson_nll_loss'], keras: ['keras.losses.Poisson'], tfjs: ["'poisson'"] },
  compute({ input, target }, options, ctx) {
    const pair = broadcastFloats(input!, target!);
    const eps = options.eps as number;
    const x = pair.a;
    const y = pair.b;
    const reduction = options.reduction as Reduction;
    const logInput = options.log_input as boolean;
    const full = options.full as boolean;
    const terms = Terms.for(pair.shape, reduction, ctx);
    const kept = terms.kept;
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      let block = 0;
      for (let i = start; i < end; i++) {
        const xi = x[i]!;
        const yi = y[i]!;
        const term = logInput ? exp(xi) - yi * xi : xi - yi * Math.log(xi + eps);
        // Stirling's approximation of log(y!), added only where y > 1 (log(0!) = log(1!) = 0).
        const value = full && yi > 1 ? term + (yi * Math.log(yi) - yi + 0.5 * Math.log(2 * Math.PI * yi)) : term;
        if (kept) kept[i] = value;
        block += value;
      }
      terms.addBlock(block);
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('the negative log likelihood of each count') });
  },
};
