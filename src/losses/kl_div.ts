import * as l10n from '@vscode/l10n';
import { broadcasting } from './shapes';
import { dtypeContract, floating, refuseWith } from './promotion';
import { Tensor } from '../tensor/tensor';
import { broadcastFloats } from './checks';
import { TERMS_BLOCK, Terms } from './elementwise';
import { log } from './fastmath';
import type { LossDefinition } from './types';
import { simdFor } from './simd';

const NAME = 'kl_div';

export const klDiv: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Kullback–Leibler divergence',
  tensors: [
    {
      name: 'input',
      contract: { space: 'log-probabilities', shapes: ['(*)'], dtype: 'float', description: 'Log-probabilities of the model (log_softmax output).' },
    },
    {
      name: 'target',
      contract: {
        space: 'probabilities',
        shapes: ['(*), same as input'],
        dtype: 'float',
        description: 'Target probabilities (log-probabilities with log_target=True).',
      },
    },
  ],
  options: {
    reduction: { kind: 'enum', values: ['mean', 'batchmean', 'sum', 'none'], default: 'mean' },
    log_target: { kind: 'boolean', default: false },
  },
  shapes: broadcasting('target', 'input'),
  // Checked before anything is computed: neither may be an integer (or bool) tensor.
  dtypes: dtypeContract(
    ['input', 'target'],
    ({ args: { input, target } }) => {
      for (const value of [input!, target!]) {
        if (value.dtype === 'int' || value.dtype === 'bool') refuseWith(l10n.t('kl_div: Integral inputs not supported.'), value);
      }
      return floating(input!);
    },
    'before-shapes',
  ),
  formula: 'ℓₙ = yₙ · (log yₙ − xₙ)',
  aliases: {
    torch: ['torch.nn.KLDivLoss', 'torch.nn.functional.kl_div'],
    keras: ['keras.losses.KLDivergence'],
    optax: ['optax.kl_divergence'],
  },
  compute({ input, target }, options, ctx) {
    const pair = broadcastFloats(input!, target!);
    const reduction = options.reduction as string;
    if (reduction === 'mean') {
      ctx.warn(
        l10n.t(
          "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
        ),
      );
    }
    const x = pair.a;
    const y = pair.b;
    const logTarget = options.log_target as boolean;
    const terms = Terms.for(pair.shape, reduction, ctx);
    const simd = !logTarget && !terms.kept ? simdFor([x, y]) : undefined;
    for (let start = 0; start < terms.count; start += TERMS_BLOCK) {
      const end = terms.begin(ctx, start);
      if (simd) terms.addBlock(simd.kernels.kl(simd.at[0]! + 8 * start, simd.at[1]! + 8 * start, end - start));
      else terms.addBlock(!logTarget && !terms.kept ? probabilitySum(x, y, start, end) : termsBlock(x, y, start, end, terms.kept, logTarget));
    }
    if (reduction === 'none' || reduction === 'sum' || reduction === 'mean') {
      return terms.finish(reduction, ctx, { id: 'elementwise', title: l10n.t('y · (log y − x) for each element') });
    }
    terms.finish('sum', ctx, { id: 'elementwise', title: l10n.t('y · (log y − x) for each element') });
    return Tensor.scalar(input!.shape.length === 0 ? terms.sum : terms.sum / input!.shape[0]!);
  },
};

/**
 * The plain sum of the terms y · (log y − x) of [start, end) (none kept), in two running sums of
 * alternate elements, so that their additions overlap.
 */
function probabilitySum(x: Float64Array, y: Float64Array, start: number, end: number): number {
  let even = 0;
  let odd = 0;
  let i = start;
  for (; i + 1 < end; i += 2) {
    even += probabilityTerm(x[i]!, y[i]!);
    odd += probabilityTerm(x[i + 1]!, y[i + 1]!);
  }
  if (i < end) even += probabilityTerm(x[i]!, y[i]!);
  return even + odd;
}

/** The terms of [start, end), written to `kept` when there is one; their plain sum. */
function termsBlock(x: Float64Array, y: Float64Array, start: number, end: number, kept: Float64Array | undefined, logTarget: boolean): number {
  let block = 0;
  for (let i = start; i < end; i++) {
    // With log_target the target holds log-probabilities: e^y · (y − x).
    const value = logTarget ? Math.exp(y[i]!) * (y[i]! - x[i]!) : probabilityTerm(x[i]!, y[i]!);
    if (kept) kept[i] = value;
    block += value;
  }
  return block;
}

function probabilityTerm(x: number, y: number): number {
  // xlogy(y, y) is 0 where y is 0: a class the target gives no mass adds nothing.
  return (y === 0 ? 0 : y * log(y)) - y * x;
}
