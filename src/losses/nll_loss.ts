import * as l10n from '@vscode/l10n';
import { classTargetShapes } from './shapes';
import { dtypeContract, nllSteps } from './promotion';
import { Tensor } from '../tensor/tensor';
import { classLayout, classWeight, indexTarget } from './classes';
import { Accumulator, REDUCTIONS, type Reduction } from './reduce';
import { simdFor } from './simd';
import { TENSOR_MEMORY } from '../tensor/storage';
import type { LossContext, LossDefinition } from './types';

const NAME = 'nll_loss';

export const nllLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Negative log likelihood',
  tensors: [
    {
      name: 'input',
      contract: {
        space: 'log-probabilities',
        shapes: ['(C)', '(N, C)', '(N, C, d1, ..., dk)'],
        dtype: 'float',
        description: 'Log-probabilities per class, as log_softmax produces them.',
      },
    },
    {
      name: 'target',
      contract: { space: 'class-indices', shapes: ['()', '(N)', '(N, d1, ..., dk)'], dtype: 'int', description: 'Class indices in [0, C).' },
    },
  ],
  options: {
    weight: {
      kind: 'tensor',
      default: null,
      contract: { space: 'values', shapes: ['(C)'], dtype: 'float', description: 'A rescaling weight for each class.' },
    },
    ignore_index: { kind: 'number', default: -100, integer: true },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: classTargetShapes(NAME, false),
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target, weight }, shapes, options }) =>
    nllSteps(input!, target!, weight, shapes.input, options.reduction),
  ),
  formula: 'ℓₙ = −w_{yₙ} · x_{n,yₙ}',
  aliases: { torch: ['torch.nn.NLLLoss', 'torch.nn.functional.nll_loss'] },
  compute({ input, target }, options, ctx) {
    const x = input!.data;
    const layout = classLayout(input!);
    const weight = classWeight(options.weight as Tensor | null, layout.classes, NAME);
    const ignoreIndex = options.ignore_index as number;
    const { batch, classes, spatial } = layout;
    const reduction = options.reduction as Reduction;
    // Integer class indices are read as they are, their range checked as they are gathered rather
    // than all first by `indexTarget`.
    if (!weight && spatial === 1 && reduction !== 'none' && !ctx.recordSteps && target!.dtype === 'int') {
      const picked = pickedSum(x, target!.data, classes, ignoreIndex, ctx);
      if (picked) return Tensor.scalar(reduction === 'sum' ? picked.sum : picked.sum / picked.counted);
      // A class index out of range: `indexTarget` below reports it.
    }
    const indices = indexTarget(target!, layout, NAME, ignoreIndex);
    const count = batch * spatial;
    const losses = new Float64Array(count);
    const total = new Accumulator();
    const weights = new Accumulator();
    for (let n = 0; n < batch; n++) {
      ctx.checkpoint(n * spatial, count);
      for (let s = 0; s < spatial; s++) {
        const i = n * spatial + s;
        const label = indices[i]!;
        if (label === ignoreIndex) continue;
        const w = weight ? weight[label]! : 1;
        losses[i] = -w * x[n * classes * spatial + label * spatial + s]!;
        total.add(losses[i]!);
        weights.add(w);
      }
    }
    ctx.step('picked', l10n.t('−w[y] · input[y]: the loss of each element (ignored targets are 0)'), () => new Tensor(losses.slice(), layout.outShape));
    switch (reduction) {
      case 'none':
        return new Tensor(losses, layout.outShape);
      case 'sum':
        return Tensor.scalar(total.value);
      case 'mean':
        // Divided by the summed weights of the elements that count, not by their number.
        return Tensor.scalar(total.value / weights.value);
    }
  },
};

/** Rows between two checkpoints of the gather. */
const ROWS_BLOCK = 1 << 16;
/**
 * Rows a call of `gatherRows` takes: the first call runs through before V8 optimizes the loop, so
 * its optimized code already knows what follows the loop (and is not thrown away on reaching it).
 */
const ROWS_CHUNK = 2048;

/**
 * The common case, `(N, C)` or `(C)` reduced without weights: one element read per row (a gather),
 * the other N·(C − 1) never touched. Undefined when a class index is out of range.
 */
function pickedSum(
  x: Float64Array,
  labels: Float64Array,
  classes: number,
  ignoreIndex: number,
  ctx: LossContext,
): { sum: number; counted: number } | undefined {
  const rows = labels.length;
  // The running total, its compensation and the rows counted, carried from chunk to chunk.
  const state = new Float64Array(3);
  // Only an input already in the tensor memory: copying it in to read one value a row would cost more than the gather.
  const simd = TENSOR_MEMORY.address(x) >= 0 ? simdFor([x, labels]) : undefined;
  if (simd) {
    // The gather in WebAssembly (no warm-up: JavaScript's loop ran its first calls unoptimized),
    // summed plainly a block at a time and the blocks' sums joined with Neumaier's compensation.
    const [xAt, labelsAt] = simd.at as [number, number];
    const block = simd.freshState();
    let counted = 0;
    const total = new Accumulator();
    for (let start = 0; start < rows; start += ROWS_BLOCK) {
      ctx.checkpoint(start, rows);
      const end = Math.min(start + ROWS_BLOCK, rows);
      if (simd.kernels.gather(xAt + 8 * start * classes, labelsAt + 8 * start, end - start, classes, ignoreIndex, block.address) >= 0) return undefined;
      total.add(block.view[0]!);
      counted += block.view[1]!;
    }
    return { sum: total.value, counted };
  }
  for (let start = 0; start < rows; start += ROWS_CHUNK) {
    if (start % ROWS_BLOCK === 0) ctx.checkpoint(start, rows);
    if (!gatherRows(x, labels, classes, ignoreIndex, start, Math.min(start + ROWS_CHUNK, rows), state)) return undefined;
  }
  const total = state[0]!;
  // Once the sum is infinite or nan the compensation is meaningless (inf − inf is nan).
  return { sum: Number.isFinite(total) ? total + state[1]! : total, counted: state[2]! };
}

/**
 * −x[n, label] for the rows [start, end), added to `state` with the exact rounding error of each
 * addition carried (Knuth's TwoSum: the general path's Neumaier compensation without its branch).
 * False when a label is neither the ignored index nor a class.
 */
function gatherRows(x: Float64Array, labels: Float64Array, classes: number, ignoreIndex: number, start: number, end: number, state: Float64Array): boolean {
  let total = state[0]!;
  let compensation = state[1]!;
  let counted = state[2]!;
  for (let n = start; n < end; n++) {
    const label = labels[n]!;
    if (label === ignoreIndex) continue;
    if (!(label >= 0 && label < classes)) return false;
    const loss = -x[n * classes + label]!;
    const next = total + loss;
    const back = next - total;
    compensation += total - (next - back) + (loss - back);
    total = next;
    counted++;
  }
  state[0] = total;
  state[1] = compensation;
  state[2] = counted;
  return true;
}
