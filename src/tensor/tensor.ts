/**
 * A dense tensor as LossLens computes with it: float64 data in row-major order, a shape, and the
 * kind of values it holds. Integers and booleans are stored as float64 too; `dtype` keeps what
 * PyTorch would call them (int64 / bool), which decides checks such as "class indices must be
 * integers" and how the tensor prints.
 *
 * `weak` marks a dtype nobody chose: `[1, 0]` typed without decimal points, or JSON numbers. A
 * loss may read a weak tensor as the dtype it needs (class indices or float targets), the way a
 * person means it; a dtype written out (`1.`, `dtype=torch.long`, `torch.LongTensor`) is kept,
 * and a loss that cannot take it reports the error PyTorch would. (JAX calls this a weak type.)
 */
export type DType = 'float' | 'int' | 'bool';

export type Shape = readonly number[];

export class Tensor {
  constructor(
    readonly data: Float64Array,
    readonly shape: Shape,
    readonly dtype: DType = 'float',
    readonly weak: boolean = false,
  ) {
    const expected = numel(shape);
    if (data.length !== expected) {
      throw new RangeError(`Tensor data has ${data.length} elements but shape (${shape.join(', ')}) needs ${expected}`);
    }
  }

  static scalar(value: number, dtype: DType = 'float'): Tensor {
    return new Tensor(Float64Array.of(value), [], dtype);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get numel(): number {
    return this.data.length;
  }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new RangeError(`item() needs one element, the tensor has ${this.data.length}`);
    return this.data[0]!;
  }

  /** Nested arrays, as JSON would hold them (a number for a 0-d tensor). */
  toNested(): unknown {
    if (this.shape.length === 0) return this.data[0];
    const build = (depth: number, offset: number, stride: number): unknown[] => {
      const size = this.shape[depth]!;
      const inner = stride / Math.max(size, 1);
      const out: unknown[] = new Array(size);
      for (let i = 0; i < size; i++) {
        out[i] = depth === this.shape.length - 1 ? this.data[offset + i] : build(depth + 1, offset + i * inner, inner);
      }
      return out;
    };
    return build(0, 0, this.data.length);
  }
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const size of shape) n *= size;
  return n;
}

/** Shapes as PyTorch prints them in messages: `torch.Size([2, 1])`. */
export function torchSize(shape: Shape): string {
  return `torch.Size([${shape.join(', ')}])`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
