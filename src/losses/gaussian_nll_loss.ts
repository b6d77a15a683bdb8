import * as l10n from '@vscode/l10n';
import { gaussianShapes } from './shapes';
import { CPP_NAME, castInto, dtypeContract, floating, sub } from './promotion';
import { broadcastShapes, expandTo } from '../tensor/broadcast';
import { Tensor, sameShape } from '../tensor/tensor';
import { broadcastOrThrow } from './checks';
import { LossError } from './errors';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'gaussian_nll_loss';

export const gaussianNllLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Gaussian negative log likelihood',
  tensors: [
    { name: 'input', contract: { space: 'values', shapes: ['(N, *)', '(*)'], dtype: 'float', description: 'Predicted means.' } },
    { name: 'target', contract: { space: 'values', shapes: ['(N, *), same as input'], dtype: 'float', description: 'Observed values.' } },
    {
      name: 'var',
      contract: {
        space: 'variances',
        shapes: ['same as input', 'input without its last dim', 'input with last dim 1'],
        dtype: 'float',
        description: 'Predicted variances, non-negative.',
      },
    },
  ],
  options: {
    full: { kind: 'boolean', default: false },
    eps: { kind: 'number', default: 1e-6 },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: gaussianShapes,
  // After the variances' sizes and signs: `var.clamp_(min=eps)` in place, then (input − target)² / var.
  dtypes: dtypeContract(
    ['input', 'target', 'var'],
    ({ args: { input, target, var: variance } }) => {
      castInto(floating(variance!), variance!, CPP_NAME);
      return floating(sub(input!, target!));
    },
    'in-compute',
  ),
  formula: 'ℓₙ = 0.5 · ( log max(varₙ, ε) + (xₙ − yₙ)² / max(varₙ, ε) )  (+ 0.5 log 2π with full=True)',
  aliases: { torch: ['torch.nn.GaussianNLLLoss', 'torch.nn.functional.gaussian_nll_loss'] },
  compute({ input, target, var: variance }, options, ctx) {
    const x = input!.data;
    const y = target!.data;
    let varShape = [...variance!.shape];
    if (!sameShape(varShape, input!.shape)) {
      const leading = input!.shape.slice(0, -1);
      if (sameShape(leading, varShape)) {
        // Homoscedastic: one variance per sample, broadcast over the last dim.
        varShape = [...varShape, 1];
      } else if (!(sameShape(leading, varShape.slice(0, -1)) && varShape[varShape.length - 1] === 1)) {
        throw new LossError('shape-mismatch', l10n.t('var is of incorrect size'));
      }
    }
    const v = variance!.data;
    for (const value of v) if (value < 0) throw new LossError('out-of-range', l10n.t('var has negative entry/entries'));
    ctx.checkDtypes();
    const eps = options.eps as number;
    const pairShape = broadcastOrThrow(input!.shape, target!.shape);
    const shape = broadcastOrThrow(pairShape, varShape);
    const xs = expandTo(x, input!.shape, shape);
    const ys = expandTo(y, target!.shape, shape);
    if ('mismatch' in broadcastShapes(varShape, shape)) throw new LossError('shape-mismatch', l10n.t('var is of incorrect size'));
    const vs = expandTo(v, varShape, shape);
    const constant = options.full ? 0.5 * Math.log(2 * Math.PI) : 0;
    const losses = new Float64Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      if ((i & 0xffff) === 0) ctx.checkpoint(i, xs.length);
      // Variances below ε are clamped to ε: a zero variance would make the loss infinite.
      const clamped = Math.max(vs[i]!, eps);
      const d = xs[i]! - ys[i]!;
      losses[i] = 0.5 * (Math.log(clamped) + (d * d) / clamped) + constant;
    }
    ctx.step('elementwise', l10n.t('0.5 · (log var + (x − y)² / var) for each element'), () => new Tensor(losses.slice(), shape));
    return reduce(losses, shape, options.reduction as Reduction);
  },
};
