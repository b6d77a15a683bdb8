import * as l10n from '@vscode/l10n';
import { gaussianShapes } from './shapes';
import { CPP_NAME, castInto, dtypeContract, floating, sub } from './promotion';
import { broadcastShapes, expandTo } from '../tensor/broadcast';
import { Tensor, sameShape } from '../tensor/tensor';
import { broadcastOrThrow } from './checks';
import { LossError } from './errors';
import { Accumulator, REDUCTIONS, type Reduction } from './reduce';
import { TERMS_BLOCK } from './elementwise';
import { log } from './fastmath';
import type { LossDefinition } from './types';

const NAME = 'gaussian_nll_loss';

/**
 * The terms 0.5 · (log max(v, ε) + (x − y)² / max(v, ε)) + constant of a block, written into
 * `kept` and added to `total` two at a time: the compensated sum `reduce` gave them. Not four at
 * a time (`elementwise.ts`): the table-driven log (`fastmath.ts`, half Math.log's cost) inlined
 * four times over is more than V8 inlines into one function.
 */
function gaussianTerms(
  x: Float64Array,
  y: Float64Array,
  v: Float64Array,
  eps: number,
  constant: number,
  kept: Float64Array,
  total: Accumulator,
  count: number,
): void {
  for (let i = 0; i < count; i += 2) {
    if (i + 2 > count) {
      const value = gaussianTerm(x[i]!, y[i]!, v[i]!, eps, constant);
      kept[i] = value;
      total.add(value);
      break;
    }
    const value0 = gaussianTerm(x[i]!, y[i]!, v[i]!, eps, constant);
    const value1 = gaussianTerm(x[i + 1]!, y[i + 1]!, v[i + 1]!, eps, constant);
    kept[i] = value0;
    kept[i + 1] = value1;
    total.add(value0 + value1);
  }
}

function gaussianTerm(x: number, y: number, variance: number, eps: number, constant: number): number {
  // Variances below ε are clamped to ε: a zero variance would make the loss infinite.
  const clamped = Math.max(variance, eps);
  const d = x - y;
  return 0.5 * (log(clamped) + (d * d) / clamped) + constant;
}

/**
 * The sum of the same terms when they are not kept, four at a time, and their four logs as one:
 * log v₀ + log v₁ + log v₂ + log v₃ = log(v₀v₁v₂v₃), where the product's three roundings move the
 * log by at most 3·2⁻⁵³ (about what each log's own rounding moves a log of order 1), at a quarter
 * of the cost, the logs being most of it. A product outside the normal range, [2^−1022, ∞) (or a
 * 0, ∞ or nan among the variances), takes the four logs.
 */
function gaussianSum(x: Float64Array, y: Float64Array, v: Float64Array, eps: number, constant: number, total: Accumulator, count: number): void {
  for (let i = 0; i < count; i += 4) {
    if (i + 4 > count) {
      for (; i < count; i++) total.add(gaussianTerm(x[i]!, y[i]!, v[i]!, eps, constant));
      break;
    }
    const clamped0 = Math.max(v[i]!, eps);
    const clamped1 = Math.max(v[i + 1]!, eps);
    const clamped2 = Math.max(v[i + 2]!, eps);
    const clamped3 = Math.max(v[i + 3]!, eps);
    const d0 = x[i]! - y[i]!;
    const d1 = x[i + 1]! - y[i + 1]!;
    const d2 = x[i + 2]! - y[i + 2]!;
    const d3 = x[i + 3]! - y[i + 3]!;
    const product = clamped0 * clamped1 * (clamped2 * clamped3);
    const logs = product >= 2.2250738585072014e-308 && product < Infinity ? log(product) : log(clamped0) + log(clamped1) + (log(clamped2) + log(clamped3));
    const quotients = (d0 * d0) / clamped0 + (d1 * d1) / clamped1 + ((d2 * d2) / clamped2 + (d3 * d3) / clamped3);
    total.add(0.5 * (logs + quotients) + 4 * constant);
  }
}

/** Whether any value is below 0 (a nan is not). */
function hasNegative(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i]! < 0) return true;
  return false;
}

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
    if (hasNegative(v)) throw new LossError('out-of-range', l10n.t('var has negative entry/entries'));
    ctx.checkDtypes();
    const eps = options.eps as number;
    const pairShape = broadcastOrThrow(input!.shape, target!.shape);
    const shape = broadcastOrThrow(pairShape, varShape);
    const xs = expandTo(x, input!.shape, shape);
    const ys = expandTo(y, target!.shape, shape);
    if ('mismatch' in broadcastShapes(varShape, shape)) throw new LossError('shape-mismatch', l10n.t('var is of incorrect size'));
    const vs = expandTo(v, varShape, shape);
    const constant = options.full ? 0.5 * Math.log(2 * Math.PI) : 0;
    const reduction = options.reduction as Reduction;
    const keep = reduction === 'none' || ctx.recordSteps;
    const losses = keep ? new Float64Array(xs.length) : undefined;
    const total = new Accumulator();
    for (let start = 0; start < xs.length; start += TERMS_BLOCK) {
      ctx.checkpoint(start, xs.length);
      const end = Math.min(start + TERMS_BLOCK, xs.length);
      const xBlock = xs.subarray(start, end);
      const yBlock = ys.subarray(start, end);
      const vBlock = vs.subarray(start, end);
      if (losses) gaussianTerms(xBlock, yBlock, vBlock, eps, constant, losses.subarray(start, end), total, end - start);
      else gaussianSum(xBlock, yBlock, vBlock, eps, constant, total, end - start);
    }
    if (losses) ctx.step('elementwise', l10n.t('0.5 · (log var + (x − y)² / var) for each element'), () => new Tensor(losses.slice(), shape));
    switch (reduction) {
      case 'none':
        return new Tensor(losses!, shape);
      case 'sum':
        return Tensor.scalar(total.value);
      case 'mean':
        return Tensor.scalar(total.value / xs.length);
    }
  },
};
