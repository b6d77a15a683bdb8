import { formatExponential, formatFixed } from './decimal';
import type { Tensor } from './tensor';

/** PyTorch's default print options (`torch.set_printoptions`). */
export interface PrintOptions {
  readonly precision: number;
  readonly threshold: number;
  readonly edgeitems: number;
  readonly linewidth: number;
}

const TORCH_PRINT_OPTIONS: PrintOptions = { precision: 4, threshold: 1000, edgeitems: 3, linewidth: 80 };

/**
 * Formats elements the way `torch._tensor_str._Formatter` does: integers as they are; floats in
 * "int mode" (`1.`, `-6.`) when every finite non-zero value is whole, in scientific notation when
 * the finite non-zero magnitudes span more than 1000x, exceed 1e8 or go below 1e-4, else fixed
 * with `precision` decimals; every element padded to the widest.
 */
class ElementFormatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(
    values: Iterable<number>,
    private readonly dtype: Tensor['dtype'],
    private readonly precision: number,
  ) {
    if (dtype !== 'float') {
      for (const value of values) this.maxWidth = Math.max(this.maxWidth, this.plain(value).length);
      return;
    }
    const finite: number[] = [];
    for (const value of values) if (Number.isFinite(value) && value !== 0) finite.push(value);
    if (finite.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const value of finite) {
      const magnitude = Math.abs(value);
      if (magnitude < min) min = magnitude;
      if (magnitude > max) max = magnitude;
      if (value !== Math.ceil(value)) this.intMode = false;
    }
    if (this.intMode) {
      this.sciMode = max / min > 1000 || max > 1e8;
      for (const value of finite) {
        const width = this.sciMode ? formatExponential(value, precision).length : formatFixed(value, 0).length + 1;
        this.maxWidth = Math.max(this.maxWidth, width);
      }
    } else {
      this.sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
      for (const value of finite) {
        const text = this.sciMode ? formatExponential(value, precision) : formatFixed(value, precision);
        this.maxWidth = Math.max(this.maxWidth, text.length);
      }
    }
  }

  get width(): number {
    return this.maxWidth;
  }

  format(value: number): string {
    let text: string;
    if (this.dtype !== 'float') text = this.plain(value);
    else if (this.sciMode) text = formatExponential(value, this.precision);
    else if (this.intMode) text = Number.isFinite(value) ? `${formatFixed(value, 0)}.` : formatFixed(value, 0);
    else text = formatFixed(value, this.precision);
    return text.padStart(this.maxWidth, ' ');
  }

  private plain(value: number): string {
    if (this.dtype === 'bool') return value ? 'True' : 'False';
    return Object.is(value, -0) ? '0' : String(value);
  }
}

/** Flat indices along the first dimension kept when summarising (`edgeitems` at each end). */
function keptRows(size: number, summarize: boolean, edgeitems: number): number[] | undefined {
  if (!summarize || size <= 2 * edgeitems) return undefined;
  const rows: number[] = [];
  for (let i = 0; i < edgeitems; i++) rows.push(i);
  for (let i = size - edgeitems; i < size; i++) rows.push(i);
  return rows;
}

/** The values the formatter sees: with summarisation, only the edge items of every dimension. */
function summarizedValues(tensor: Tensor, summarize: boolean, edgeitems: number): number[] {
  const values: number[] = [];
  const visit = (depth: number, offset: number, stride: number): void => {
    if (depth === tensor.shape.length) {
      values.push(tensor.data[offset]!);
      return;
    }
    const size = tensor.shape[depth]!;
    const inner = stride / size;
    const rows = keptRows(size, summarize, edgeitems) ?? Array.from({ length: size }, (_, i) => i);
    for (const row of rows) visit(depth + 1, offset + row * inner, inner);
  };
  if (tensor.numel > 0) visit(0, 0, tensor.numel);
  return values;
}

/**
 * The tensor as `print(t)` shows it in PyTorch, e.g. `tensor(1.5081)` or
 * `tensor([[0.6000, 0.1000],\n        [0.3000, 0.8000]])`. Values print as PyTorch prints a tensor
 * of its default dtype (float32 / int64 / bool), so no `dtype=` suffix is added.
 */
export function formatTensor(tensor: Tensor, options: PrintOptions = TORCH_PRINT_OPTIONS): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  if (tensor.numel === 0) {
    // PyTorch names the shape of an empty tensor unless it is (0,).
    const size = tensor.shape.length === 1 ? '' : `, size=(${tensor.shape.join(', ')})`;
    return `${prefix}[]${size})`;
  }
  const summarize = tensor.numel > options.threshold;
  const formatter = new ElementFormatter(summarizedValues(tensor, summarize, options.edgeitems), tensor.dtype, options.precision);

  const vector = (offset: number, size: number, depthIndent: number): string => {
    const elementLength = formatter.width + 2;
    const perLine = Math.max(1, Math.floor((options.linewidth - depthIndent) / elementLength));
    const rows = keptRows(size, summarize, options.edgeitems);
    const items: string[] = [];
    if (rows) {
      for (let i = 0; i < options.edgeitems; i++) items.push(formatter.format(tensor.data[offset + rows[i]!]!));
      items.push(' ...');
      for (let i = options.edgeitems; i < rows.length; i++) items.push(formatter.format(tensor.data[offset + rows[i]!]!));
    } else {
      for (let i = 0; i < size; i++) items.push(formatter.format(tensor.data[offset + i]!));
    }
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(depthIndent + 1)}`)}]`;
  };

  const block = (depth: number, offset: number, stride: number, depthIndent: number): string => {
    const dims = tensor.shape.length - depth;
    const size = tensor.shape[depth]!;
    if (dims === 1) return vector(offset, size, depthIndent);
    const inner = stride / size;
    const rows = keptRows(size, summarize, options.edgeitems);
    const slices: string[] = [];
    if (rows) {
      for (let i = 0; i < options.edgeitems; i++) slices.push(block(depth + 1, offset + rows[i]! * inner, inner, depthIndent + 1));
      slices.push('...');
      for (let i = options.edgeitems; i < rows.length; i++) slices.push(block(depth + 1, offset + rows[i]! * inner, inner, depthIndent + 1));
    } else {
      for (let i = 0; i < size; i++) slices.push(block(depth + 1, offset + i * inner, inner, depthIndent + 1));
    }
    return `[${slices.join(`,${'\n'.repeat(dims - 1)}${' '.repeat(depthIndent + 1)}`)}]`;
  };

  const body = tensor.shape.length === 0 ? formatter.format(tensor.data[0]!) : block(0, 0, tensor.numel, indent);
  return `${prefix}${body})`;
}

/**
 * The first `count` elements (row-major), each as PyTorch prints it within the tensor they come
 * from (the same fixed, integer or scientific mode for all), without the padding: table cells.
 */
export function formatElements(tensor: Tensor, count = tensor.numel): string[] {
  const shown = Array.from(tensor.data.subarray(0, Math.min(count, tensor.numel)));
  const formatter = new ElementFormatter(shown, tensor.dtype, TORCH_PRINT_OPTIONS.precision);
  return shown.map((value) => formatter.format(value).trim());
}
