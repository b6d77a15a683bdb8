import { Tensor, type Shape } from '../tensor/tensor';
import { sum } from './reduce';
import type { LossContext, OptionSpec } from './types';

/**
 * What Keras 3 adds to the textbook formulas, shared by its three cross entropies: probabilities
 * are clipped to [ε, 1 − ε] with ε = 1e-7 (so log never sees 0), categorical predictions are
 * renormalised to sum to 1, and the per-sample losses are reduced with `sum_over_batch_size`.
 */
const KERAS_EPSILON = 1e-7;

const KERAS_REDUCTIONS = ['sum_over_batch_size', 'sum', 'none'] as const;

export const kerasReductionOption: OptionSpec = { kind: 'enum', values: KERAS_REDUCTIONS, default: 'sum_over_batch_size' };

export function clip(value: number): number {
  return Math.min(Math.max(value, KERAS_EPSILON), 1 - KERAS_EPSILON);
}

/** Keras' loss reduction of per-sample losses. */
export function kerasReduce(losses: Float64Array, shape: Shape, reduction: string): Tensor {
  if (reduction === 'none') return new Tensor(losses, shape);
  const total = sum(losses);
  return Tensor.scalar(reduction === 'sum' ? total : total / Math.max(losses.length, 1));
}

/** Rows along the last axis: `count` rows of `width` values. */
export function lastAxis(shape: Shape): { rows: number; width: number; outShape: number[] } {
  const width = shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const rows = shape.reduce((n, size) => n * size, 1) / Math.max(width, 1);
  return { rows, width, outShape: shape.slice(0, -1) };
}

export function checkpointRows(ctx: LossContext, row: number, rows: number): void {
  if ((row & 0x3ff) === 0) ctx.checkpoint(row, rows);
}
