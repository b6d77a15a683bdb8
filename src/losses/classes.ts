import * as l10n from '@vscode/l10n';
import { Tensor, type Shape } from '../tensor/tensor';
import { classIndices } from './checks';
import { LossError } from './errors';
import { exp } from './fastmath';

/**
 * How a classification input is laid out: `(C)` unbatched, `(N, C)`, or `(N, C, d1, ..., dk)`.
 * Element (n, c, s) sits at `n·C·S + c·S + s`, where S is the product of the extra dims.
 */
export interface ClassLayout {
  readonly batch: number;
  readonly classes: number;
  readonly spatial: number;
  /** The input's shape without the class dim: the shape of per-element losses. */
  readonly outShape: number[];
}

export function classLayout(input: Tensor): ClassLayout {
  const shape = input.shape;
  if (shape.length === 1) return { batch: 1, classes: shape[0]!, spatial: 1, outShape: [] };
  const spatialDims = shape.slice(2);
  return {
    batch: shape[0]!,
    classes: shape[1]!,
    spatial: spatialDims.reduce((n, size) => n * size, 1),
    outShape: [shape[0]!, ...spatialDims],
  };
}

const fmt = (shape: Shape) => `[${shape.join(', ')}]`;

/**
 * A class-index target's values, checked against the classes (its shape against the input's is
 * the loss's shape contract, checked before: `classTargetShapes`).
 */
export function indexTarget(target: Tensor, layout: ClassLayout, loss: string, ignoreIndex: number): Float64Array {
  // An empty target has no index to read: PyTorch leaves its dtype unchecked (the dtype contract).
  const values = target.numel === 0 ? target.data : classIndices(target, 'target', loss);
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value !== ignoreIndex && (value < 0 || value >= layout.classes)) {
      throw new LossError(
        'out-of-range',
        l10n.t('{0}: Target {1} is out of bounds (the input has {2} classes, 0 to {3}).', loss, value, layout.classes, layout.classes - 1),
      );
    }
  }
  return values;
}

/** A per-class weight: one value for each of the C classes. */
export function classWeight(weight: Tensor | null, classes: number, loss: string): Float64Array | undefined {
  if (weight === null) return undefined;
  if (weight.shape.length !== 1 || weight.shape[0] !== classes) {
    throw new LossError(
      'shape-mismatch',
      l10n.t(
        '{0}: weight tensor should be defined either for all {1} classes or no classes but got weight tensor of shape: {2}',
        loss,
        classes,
        fmt(weight.shape),
      ),
    );
  }
  // Its dtype is the loss's dtype contract's business (PyTorch wants the input's).
  return weight.data;
}

/** `log_softmax` over the class dim of one (n, s) slice, written into `out` (length C). */
export function logSoftmaxSlice(x: Float64Array, base: number, classes: number, stride: number, out: Float64Array): void {
  // log softmax(x)_c = (x_c - m) - log Σ exp(x_j - m) with m = max x: exp never overflows, and the
  // order of operations is PyTorch's, so results agree to the last bits.
  let max = -Infinity;
  for (let c = 0; c < classes; c++) {
    const value = x[base + c * stride]!;
    if (value > max || Number.isNaN(value)) max = value;
  }
  let total = 0;
  for (let c = 0; c < classes; c++) total += exp(x[base + c * stride]! - max);
  const logTotal = Math.log(total);
  for (let c = 0; c < classes; c++) out[c] = x[base + c * stride]! - max - logTotal;
}

/** `log_softmax` of a whole `(N, C, ...)` tensor over its class dim, for explanation steps. */
export function logSoftmax(input: Tensor, layout: ClassLayout): Tensor {
  const out = new Float64Array(input.numel);
  const row = new Float64Array(layout.classes);
  const stride = layout.spatial;
  for (let n = 0; n < layout.batch; n++) {
    for (let s = 0; s < stride; s++) {
      const base = n * layout.classes * stride + s;
      logSoftmaxSlice(input.data, base, layout.classes, stride, row);
      for (let c = 0; c < layout.classes; c++) out[base + c * stride] = row[c]!;
    }
  }
  return new Tensor(out, input.shape);
}

export function elementwiseExp(tensor: Tensor): Tensor {
  return new Tensor(tensor.data.map(exp), tensor.shape);
}
