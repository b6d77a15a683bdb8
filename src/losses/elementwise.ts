import { Tensor, type Shape } from '../tensor/tensor';
import { reduce, type Reduction } from './reduce';
import type { LossContext } from './types';

/**
 * Applies a per-element loss over same-shaped inputs and reduces it, checking in for progress and
 * cancellation every 64K elements. Used by the regression and margin losses, whose only difference
 * is the formula.
 */
export function elementwiseLoss(
  shape: Shape,
  a: Float64Array,
  b: Float64Array,
  formula: (a: number, b: number, index: number) => number,
  reduction: Reduction,
  ctx: LossContext,
  step?: { id: string; title: string },
): Tensor {
  const losses = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    if ((i & 0xffff) === 0) ctx.checkpoint(i, a.length);
    losses[i] = formula(a[i]!, b[i]!, i);
  }
  if (step) ctx.step(step.id, step.title, () => new Tensor(losses.slice(), shape));
  return reduce(losses, shape, reduction);
}
