import * as l10n from '@vscode/l10n';
import { broadcasting } from './shapes';
import { dtypeContract, floating, promote, sub } from './promotion';
import { broadcastFloats } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
import { exp, log } from './fastmath';
import { REDUCTIONS, type Reduction } from './reduce';
import { simdFor } from './simd';
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
    const simd = logInput && !full && !terms.kept ? simdFor([x, y]) : undefined;
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      if (simd) terms.addBlock(simd.kernels.poisson(simd.at[0]! + 8 * start, simd.at[1]! + 8 * start, end - start));
      else terms.addBlock(logInput && !full && !terms.kept ? logRateSum(x, y, start, end) : anyBlock(x, y, start, end, terms.kept, logInput, full, eps));
    }
    return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('the negative log likelihood of each count') });
  },
};

/**
 * The plain sum of the terms e^x − y·x of [start, end) (log_input, not full, none kept), in two
 * running sums of alternate elements, so that their additions overlap.
 */
function logRateSum(x: Float64Array, y: Float64Array, start: number, end: number): number {
  let even = 0;
  let odd = 0;
  let i = start;
  for (; i + 1 < end; i += 2) {
    even += logRateTerm(x[i]!, y[i]!);
    odd += logRateTerm(x[i + 1]!, y[i + 1]!);
  }
  if (i < end) even += logRateTerm(x[i]!, y[i]!);
  return even + odd;
}

function logRateTerm(x: number, y: number): number {
  return exp(x) - y * x;
}

/** The terms of [start, end) for any log_input and full, written to `kept` when there is one; their plain sum. */
function anyBlock(
  x: Float64Array,
  y: Float64Array,
  start: number,
  end: number,
  kept: Float64Array | undefined,
  logInput: boolean,
  full: boolean,
  eps: number,
): number {
  let block = 0;
  for (let i = start; i < end; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    const term = logInput ? logRateTerm(xi, yi) : xi - yi * log(xi + eps);
    // Stirling's approximation of log(y!), added only where y > 1 (log(0!) = log(1!) = 0).
    const value = full && yi > 1 ? term + (yi * log(yi) - yi + 0.5 * log(2 * Math.PI * yi)) : term;
    if (kept) kept[i] = value;
    block += value;
  }
  return block;
}
