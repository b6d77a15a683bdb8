import { TENSOR_MEMORY } from '../tensor/storage';
import { Tensor, type Shape } from '../tensor/tensor';
import type { Reduction } from './reduce';
import type { LossContext } from './types';

/** Terms summed plainly before joining the compensated total. */
export const TERMS_BLOCK = 1 << 16;

/**
 * The terms of an elementwise loss as its loop produces them: kept (reduction `none`, or steps to
 * record) or only summed — plainly within blocks of 64K terms, and the blocks' sums with
 * Neumaier's compensation, so the total agrees with PyTorch's cascade summation to ~1e-12 at
 * the cost of one addition a term. Each loss writes its own loop over blocks (`begin`), summing a
 * block in a local and handing it to `addBlock`: one loop shared by every loss, calling each formula
 * through the same call site, ran 5–20 times slower (V8 does not inline a call site that has seen
 * many functions); a shared driver handing each loss's block loop a closure measured 1.5–2x slower
 * (the arrays it captures are not kept in registers); and keeping terms only to sum them doubled
 * the memory traffic. So the few lines of each loop stand in each loss, on purpose.
 *
 * The shape of that loop (`mseBlock` is the plainest): a function of the loss's own file, called
 * once a block with views of it (`subarray`) and its length, that adds the terms four at a time,
 * (v₀ + v₁) + (v₂ + v₃), to the block's sum, the last odd ones inside the same loop. One running
 * sum makes every addition wait for the one before (four cycles each); four terms a step let them
 * overlap: 1.6x faster. Nothing but the loop and the return: V8 optimises the function while its
 * first, long call runs, before any code outside the loop has run with type feedback (a first
 * call runs without it), and code there then deoptimised later calls, at random (compilation is
 * concurrent): half the runs were twice as slow.
 *
 * Where a term is one of two values chosen by a comparison of the data (min(z, δ), max(t, 0)),
 * random data make any branch a coin toss for the branch predictor (15–20 cycles lost every
 * other term), and V8 compiles `?:`, Math.min and Math.max to branches. Those loops write the
 * candidates into a few lanes of a small Float64Array (`pick`, one pair a term of the four) and
 * read back the one at index 2k + (comparison): the same values, chosen without a branch.
 */
export class Terms {
  readonly count: number;
  /** Every term, when they are kept: the loop writes them. */
  readonly kept: Float64Array | undefined;
  private total = 0;
  private compensation = 0;

  constructor(
    private readonly shape: Shape,
    keep: boolean,
  ) {
    this.count = shape.reduce((n, size) => n * size, 1);
    this.kept = keep ? TENSOR_MEMORY.float64(this.count) : undefined;
  }

  /** Terms kept when the reduction is `none` or the steps are recorded. */
  static for(shape: Shape, reduction: string, ctx: LossContext): Terms {
    return new Terms(shape, reduction === 'none' || ctx.recordSteps);
  }

  /**
   * Starts the block of terms from `start` (a multiple of `TERMS_BLOCK`): checks in with the
   * caller (progress, cancellation) and returns where the block ends.
   */
  begin(ctx: LossContext, start: number): number {
    ctx.checkpoint(start, this.count);
    return Math.min(start + TERMS_BLOCK, this.count);
  }

  /** A block's terms, summed plainly by the loop, join the compensated total. */
  addBlock(value: number): void {
    const next = this.total + value;
    // Once the sum is infinite or nan the compensation is meaningless (inf − inf is nan).
    if (Number.isFinite(next)) this.compensation += Math.abs(this.total) >= Math.abs(value) ? this.total - next + value : value - next + this.total;
    this.total = next;
  }

  get sum(): number {
    return Number.isFinite(this.total) ? this.total + this.compensation : this.total;
  }

  /** Records the terms as a step (when steps are recorded), then reduces them. */
  finish(reduction: Reduction, ctx: LossContext, step: { readonly id: string; readonly title: string }): Tensor {
    const kept = this.kept;
    if (kept) ctx.step(step.id, step.title, () => new Tensor(kept.slice(), this.shape));
    switch (reduction) {
      case 'none':
        return new Tensor(kept!, this.shape);
      case 'sum':
        return Tensor.scalar(this.sum);
      case 'mean':
        return Tensor.scalar(this.sum / this.count);
    }
  }
}

/**
 * The Huber loss of an absolute error as TensorFlow (1, and TensorFlow.js) and optax write it:
 * ½·min(e, δ)² + δ·(e − min(e, δ)). PyTorch's `huber_loss` rounds its own way (`huber_loss.ts`).
 */
export function huber(error: number, delta: number): number {
  const quadratic = Math.min(error, delta);
  return 0.5 * quadratic * quadratic + delta * (error - quadratic);
}
