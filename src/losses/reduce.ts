import * as l10n from '@vscode/l10n';
import { Tensor, type Shape } from '../tensor/tensor';
import { LossError } from './errors';

export type Reduction = 'none' | 'mean' | 'sum';

export const REDUCTIONS = ['mean', 'sum', 'none'] as const;

/**
 * Sum with Neumaier's compensation: the error stays near one rounding however many terms there
 * are, so sums of millions of elements agree with PyTorch's cascade summation to ~1e-15.
 */
export function sum(values: Float64Array, start = 0, end = values.length): number {
  const total = new Accumulator();
  for (let i = start; i < end; i++) total.add(values[i]!);
  return total.value;
}

/** A running compensated sum for loops that produce terms one at a time. */
export class Accumulator {
  private total = 0;
  private compensation = 0;

  add(value: number): void {
    // Knuth's two-sum: the exact rounding error of total + value, the same Neumaier's compare
    // and branch give, in six operations without a branch (which terms of random size mispredict).
    const next = this.total + value;
    const part = next - this.total;
    this.compensation += this.total - (next - part) + (value - part);
    this.total = next;
  }

  /**
   * Once the total is infinite or nan it stays so, and the compensation is meaningless (inf − inf
   * is nan). Two-sum can also overflow spuriously (next − total, both next to the largest double):
   * then a nan compensation stands beside a finite total, which is the sum to within an ulp.
   */
  get value(): number {
    const corrected = this.total + this.compensation;
    return Number.isFinite(this.total) && !Number.isNaN(corrected) ? corrected : this.total;
  }
}

/** `apply_loss_reduction`: the elementwise losses as they are, their mean, or their sum. */
export function reduce(losses: Float64Array, shape: Shape, reduction: Reduction): Tensor {
  switch (reduction) {
    case 'none':
      return new Tensor(losses, shape);
    case 'sum':
      return Tensor.scalar(sum(losses));
    case 'mean':
      return Tensor.scalar(sum(losses) / losses.length);
  }
}

/** PyTorch's words for an unknown reduction. */
export function invalidReduction(value: string): LossError {
  return new LossError('invalid-argument', l10n.t('{0} is not a valid value for reduction', value));
}
