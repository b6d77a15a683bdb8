import type { Shape } from './tensor';

export interface BroadcastMismatch {
  /** Dimension counted from the left of the broadcast shape, as PyTorch reports it. */
  readonly dim: number;
  readonly sizeA: number;
  readonly sizeB: number;
}

/** The broadcast shape of `a` and `b` (NumPy / PyTorch rules), or where they disagree. */
export function broadcastShapes(a: Shape, b: Shape): { shape: number[] } | { mismatch: BroadcastMismatch } {
  const ndim = Math.max(a.length, b.length);
  const shape = new Array<number>(ndim);
  for (let i = 0; i < ndim; i++) {
    const sizeA = a[a.length - ndim + i] ?? 1;
    const sizeB = b[b.length - ndim + i] ?? 1;
    if (sizeA !== sizeB && sizeA !== 1 && sizeB !== 1) return { mismatch: { dim: i, sizeA, sizeB } };
    shape[i] = sizeA === 1 ? sizeB : sizeA;
  }
  return { shape };
}

/** PyTorch's words for a broadcast failure. */
export function broadcastMessage(mismatch: BroadcastMismatch): string {
  return `The size of tensor a (${mismatch.sizeA}) must match the size of tensor b (${mismatch.sizeB}) at non-singleton dimension ${mismatch.dim}`;
}

/** Row-major strides of `shape` read as `target` (a broadcast of it): 0 where a dimension is repeated. */
function broadcastStrides(shape: Shape, target: Shape): number[] {
  const strides = new Array<number>(target.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const j = target.length - shape.length + i;
    strides[j] = shape[i] === 1 && target[j] !== 1 ? 0 : stride;
    stride *= shape[i]!;
  }
  return strides;
}

/**
 * Calls `visit(outIndex, indexA, indexB)` for every element of the broadcast shape `target`, with
 * the flat indices of the corresponding elements of `a` and `b` (shapes that broadcast to it).
 */
function forEachBroadcast(target: Shape, a: Shape, b: Shape, visit: (out: number, indexA: number, indexB: number) => void): void {
  const ndim = target.length;
  const total = target.reduce((n, size) => n * size, 1);
  if (total === 0) return;
  const stridesA = broadcastStrides(a, target);
  const stridesB = broadcastStrides(b, target);
  const counter = new Array<number>(ndim).fill(0);
  let indexA = 0;
  let indexB = 0;
  for (let out = 0; out < total; out++) {
    visit(out, indexA, indexB);
    for (let d = ndim - 1; d >= 0; d--) {
      counter[d]!++;
      indexA += stridesA[d]!;
      indexB += stridesB[d]!;
      if (counter[d]! < target[d]!) break;
      indexA -= stridesA[d]! * target[d]!;
      indexB -= stridesB[d]! * target[d]!;
      counter[d] = 0;
    }
  }
}

/** A copy of `data` (shaped `shape`) expanded to `target`. */
export function expandTo(data: Float64Array, shape: Shape, target: Shape): Float64Array {
  const total = target.reduce((n, size) => n * size, 1);
  if (shape.length === target.length && shape.every((size, i) => size === target[i])) return data;
  const out = new Float64Array(total);
  forEachBroadcast(target, shape, target, (index, source) => {
    out[index] = data[source]!;
  });
  return out;
}
