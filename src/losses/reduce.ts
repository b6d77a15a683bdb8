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
  let total = 0;
  let compensation = 0;
  for (let i = start; i < end; i++) {
    const value = values[i]!;
    const next = total + value;
    // Once the sum is infinite or nan the compensation is meaningless (inf − inf is nan).
    if (Number.isFinite(next)) compensation += Math.abs(total) >= Math.abs(value) ? total - next + value : value - next + total;
    total = next;
  }
  return Number.isFinite(total) ? total + compensation : total;
}

/** A running compensated sum for loops that produce terms one at a time. */
export class Accumulator {
  private total = 0;
  private compensation = 0;

  add(value: number): void {
    const next = this.total + value;
    if (Number.isFinite(next)) {
      this.compensation += Math.abs(this.total) >= Math.abs(value) ? this.total - next + value : value - next + this.total;
    }
    this.total = next;
  }

  get value(): number {
    return Number.isFinite(this.total) ? this.total + this.compensation : this.total;
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
