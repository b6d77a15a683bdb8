import * as l10n from '@vscode/l10n';
import { readPlainList, type PlainList } from './plain-list';
import { numel, Tensor, type DType } from './tensor';
import { ARENA_MIN_ELEMENTS, TENSOR_MEMORY } from './storage';

/**
 * Reads tensors the way people paste them: Python / JSON nested lists, `torch.tensor(...)`,
 * `torch.Tensor(...)`, `np.array(..., dtype=...)`, `tf.constant(...)`, `tf.tensor(values, shape)`,
 * PyTorch and NumPy printed output (`tensor([[0.6000, 0.1000], ...])`, `array([...], dtype=float32)`,
 * `[[0.6 0.1]\n [0.3 0.8]]`), scalars, `nan` / `inf`, with comments, line breaks and trailing commas.
 * Anything else is a `ParseError` naming the line and column.
 */

export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    /** The message without the position. */
    readonly reason: string,
    readonly offset: number,
    readonly line: number,
    readonly column: number,
  ) {
    super(l10n.t('{0} (line {1}, column {2})', reason, line, column));
  }
}

export interface ParseOptions {
  /** Refuse literals with more elements than this (default: no limit). */
  readonly maxElements?: number;
}

const MAX_DEPTH = 32;

/** Wrapper calls by their last name segment, with the dtype they imply. */
const CONSTRUCTORS: Record<string, DType | null> = {
  tensor: null,
  as_tensor: null,
  array: null,
  asarray: null,
  constant: null,
  convert_to_tensor: null,
  scalar: null,
  tensor1d: null,
  tensor2d: null,
  tensor3d: null,
  tensor4d: null,
  tensor5d: null,
  tensor6d: null,
  Tensor: 'float',
  FloatTensor: 'float',
  DoubleTensor: 'float',
  HalfTensor: 'float',
  LongTensor: 'int',
  IntTensor: 'int',
  ShortTensor: 'int',
  ByteTensor: 'int',
  CharTensor: 'int',
  BoolTensor: 'bool',
};

const DTYPE_NAMES: Record<string, DType> = {
  float: 'float',
  float16: 'float',
  float32: 'float',
  float64: 'float',
  double: 'float',
  half: 'float',
  bfloat16: 'float',
  float_: 'float',
  single: 'float',
  longdouble: 'float',
  int: 'int',
  int8: 'int',
  int16: 'int',
  int32: 'int',
  int64: 'int',
  long: 'int',
  short: 'int',
  uint8: 'int',
  uint16: 'int',
  uint32: 'int',
  uint64: 'int',
  int_: 'int',
  intc: 'int',
  intp: 'int',
  bool: 'bool',
  bool_: 'bool',
  bool8: 'bool',
};

const CONSTANTS: Record<string, number> = {
  nan: NaN,
  NaN: NaN,
  NAN: NaN,
  inf: Infinity,
  Inf: Infinity,
  INF: Infinity,
  Infinity: Infinity,
  infinity: Infinity,
  pi: Math.PI,
  e: Math.E,
};

/**
 * Integer dtypes by their range `[low, low + span)`. A number stored into one is truncated; one
 * outside the range is refused as PyTorch refuses it ("value cannot be converted to type uint8
 * without overflow"; a negative integer into an unsigned type wraps, as PyTorch's check allows),
 * and wrapped as NumPy's cast does for `np.array(..., dtype=...)`.
 */
const INTEGER_RANGES: Readonly<Record<string, readonly [string, number, number]>> = {
  int8: ['int8', -128, 256],
  uint8: ['uint8', 0, 256],
  int16: ['int16', -32768, 65536],
  short: ['int16', -32768, 65536],
  uint16: ['uint16', 0, 65536],
  int32: ['int32', -2147483648, 4294967296],
  int: ['int32', -2147483648, 4294967296],
  intc: ['int32', -2147483648, 4294967296],
  uint32: ['uint32', 0, 4294967296],
  int64: ['int64', -(2 ** 63), 2 ** 64],
  long: ['int64', -(2 ** 63), 2 ** 64],
  int_: ['int64', -(2 ** 63), 2 ** 64],
  intp: ['int64', -(2 ** 63), 2 ** 64],
  uint64: ['uint64', 0, 2 ** 64],
  ByteTensor: ['uint8', 0, 256],
  CharTensor: ['int8', -128, 256],
  ShortTensor: ['int16', -32768, 65536],
  IntTensor: ['int32', -2147483648, 4294967296],
  LongTensor: ['int64', -(2 ** 63), 2 ** 64],
};

/** `value` wrapped into `[low, low + span)`, as an integer cast does. */
function wrap(value: number, low: number, span: number): number {
  return ((((value - low) % span) + span) % span) + low;
}

interface Options {
  explicit?: DType;
  /** The integer dtype written out (`dtype=torch.uint8`), by its range. */
  range?: readonly [string, number, number];
  /** Whether the constructor is NumPy's (or jax's), which wraps what does not fit where PyTorch refuses it. */
  numpy?: boolean;
  shape?: number[];
  size?: number[];
}

class Parser {
  private pos = 0;
  private data: Float64Array = new Float64Array(64);
  private count = 0;
  private sawFloat = false;
  private sawInt = false;
  private sawBool = false;
  /** Length of every list seen at each depth, and whether its items are lists. */
  private readonly lengths: number[] = [];
  private leafDepth = -1;

  constructor(
    private readonly text: string,
    private readonly maxElements: number,
  ) {}

  parse(): Tensor {
    this.skip();
    if (this.pos >= this.text.length) this.fail(l10n.t('Nothing to read: expected a number or a list'), this.pos);
    const options: Options = {};
    this.value(options);
    this.skip();
    if (this.pos < this.text.length) this.fail(l10n.t('Unexpected {0} after the tensor', this.describe(this.pos)), this.pos);
    return this.build(options);
  }

  private build(options: Options): Tensor {
    // A large tensor's values go to the tensor memory, where the evaluator's SIMD kernels read them.
    const data =
      this.count >= ARENA_MIN_ELEMENTS
        ? TENSOR_MEMORY.copyOf(this.data, this.count)
        : this.data.length === this.count
          ? this.data
          : this.data.slice(0, this.count);
    let shape = this.leafDepth < 0 ? this.lengths.slice() : this.lengths.slice(0, this.leafDepth);
    const inferred: DType = this.sawFloat ? 'float' : this.sawInt ? 'int' : this.sawBool ? 'bool' : 'float';
    const dtype = options.explicit ?? inferred;
    // Only a dtype nobody wrote down is weak: integers without a decimal point, or bools.
    const weak = options.explicit === undefined && !this.sawFloat;
    // Integers written as integers (no decimal point, no nan or inf) are stored as they are.
    const storedAsRead = dtype === 'int' && !this.sawFloat && !options.range;
    if (dtype !== 'float' && !storedAsRead) {
      for (let i = 0; i < data.length; i++) {
        const value = data[i]!;
        if (dtype === 'bool') data[i] = value !== 0 ? 1 : 0;
        else if (!Number.isFinite(value)) this.fail(l10n.t('Cannot store {0} in an integer tensor', value), 0);
        else data[i] = options.range ? this.fitted(value, options) : Math.trunc(value);
      }
    }
    const target = options.shape ?? options.size;
    if (target) {
      const wanted = numel(target);
      // A declared shape is checked before anything of its size is allocated.
      if (wanted > this.maxElements) {
        this.fail(
          `The shape (${target.join(', ')}) holds ${wanted.toLocaleString('en-US')} values: the limit is ${this.maxElements.toLocaleString('en-US')}`,
          0,
        );
      }
      if (data.length === 1 && wanted !== 1) return new Tensor(TENSOR_MEMORY.float64(wanted).fill(data[0]!), target, dtype, weak);
      if (wanted !== data.length) {
        this.fail(l10n.t('The shape ({0}) needs {1} values, the literal has {2}', target.join(', '), wanted, data.length), 0);
      }
      shape = target;
    }
    return new Tensor(data, shape, dtype, weak);
  }

  /** A number stored into the integer dtype of `options.range`: truncated, then wrapped or refused. */
  private fitted(value: number, options: Options): number {
    const [name, low, span] = options.range!;
    const whole = Math.trunc(value);
    if (!options.numpy) {
      // PyTorch: a float outside the type's range overflows; an integer may be negative for an unsigned type.
      const lowest = low === 0 && !this.sawFloat ? -span / 2 : low;
      if (value < lowest || value >= low + span || (this.sawFloat && value > low + span - 1)) {
        this.fail(l10n.t('value cannot be converted to type {0} without overflow', name), 0);
      }
    }
    if (whole >= low && whole < low + span) return whole;
    return wrap(whole, low, span);
  }

  /** A tensor value: a wrapper call (`torch.tensor(...)`), a list, or a scalar. */
  private value(options: Options): void {
    this.skip();
    const c = this.text[this.pos];
    if (c === '[') return this.list(0, ']');
    if (c === '(') return this.list(0, ')');
    if (c === '{') this.fail(l10n.t('Unexpected "{": a tensor is a number or a list of numbers'), this.pos);
    const name = this.peekName();
    if (name !== undefined) {
      const after = this.skipFrom(this.pos + name.length);
      if (this.text[after] === '(' && this.isConstructor(name)) {
        this.pos = after + 1;
        return this.constructorCall(name, options);
      }
    }
    this.element(0);
  }

  private isConstructor(name: string): boolean {
    const last = name.slice(name.lastIndexOf('.') + 1);
    return Object.prototype.hasOwnProperty.call(CONSTRUCTORS, last);
  }

  private constructorCall(name: string, options: Options): void {
    const last = name.slice(name.lastIndexOf('.') + 1);
    const implied = CONSTRUCTORS[last];
    if (implied) options.explicit = implied;
    if (Object.hasOwn(INTEGER_RANGES, last)) options.range = INTEGER_RANGES[last];
    options.numpy = /^(np|numpy|jnp|jax\.numpy)\./.test(name);
    this.skip();
    if (this.text[this.pos] === ')') this.fail(l10n.t('{0}() needs the values of the tensor', name), this.pos);
    // `torch.Tensor(2)` is an uninitialised tensor of shape (2,), not the number 2.
    if (implied && /^\d/.test(this.text[this.pos] ?? '')) {
      this.fail(
        l10n.t(
          '{0}(n, ...) makes an uninitialised tensor of that shape, not a tensor of those numbers: write {0}([...]) or torch.tensor(...) with the values',
          name,
        ),
        this.pos,
      );
    }
    if (this.text[this.pos] === '[' || this.text[this.pos] === '(') this.list(0, this.text[this.pos] === '[' ? ']' : ')');
    else this.element(0);
    let positional = 1;
    for (;;) {
      this.skip();
      const c = this.text[this.pos];
      if (c === ')') {
        this.pos++;
        return;
      }
      if (c !== ',') this.fail(l10n.t('Expected "," or ")" in {0}(...), found {1}', name, this.describe(this.pos)), this.pos);
      this.pos++;
      this.skip();
      if (this.text[this.pos] === ')') {
        this.pos++;
        return;
      }
      const keyword = this.peekName();
      const afterName = keyword === undefined ? -1 : this.skipFrom(this.pos + keyword.length);
      if (keyword !== undefined && this.text[afterName] === '=' && this.text[afterName + 1] !== '=') {
        this.pos = afterName + 1;
        this.keyword(keyword, options);
      } else {
        this.positional(last, positional++, options);
      }
    }
  }

  /** Extra positional arguments: a shape (`tf.tensor(values, shape)`) or a dtype (`np.array(x, 'f4')`). */
  private positional(constructor: string, index: number, options: Options): void {
    this.skip();
    const c = this.text[this.pos];
    if (c === '[' || (c === '(' && constructor === 'tensor')) {
      options.shape = this.intList();
      return;
    }
    if (c === 'n' && this.text.startsWith('null', this.pos)) {
      this.pos += 4;
      return;
    }
    if (c === 'N' && this.text.startsWith('None', this.pos)) {
      this.pos += 4;
      return;
    }
    const at = this.pos;
    const dtype = this.dtypeValue(options);
    if (dtype === undefined) this.fail(l10n.t('Unexpected argument {0} of {1}(...): expected a shape or a dtype', index + 1, constructor), at);
    options.explicit = dtype;
  }

  private keyword(key: string, options: Options): void {
    this.skip();
    const at = this.pos;
    switch (key) {
      case 'dtype': {
        const dtype = this.dtypeValue(options);
        if (dtype === undefined) this.fail(l10n.t('Unknown dtype; use a float, integer or bool type such as torch.float32 or "int64"'), at);
        options.explicit = dtype;
        return;
      }
      case 'shape':
        options.shape = this.intList();
        return;
      case 'size':
        options.size = this.intList();
        return;
      default:
        this.skipArgument();
    }
  }

  /** Skips an argument LossLens does not need (`requires_grad=True`, `device='cuda:0'`, `grad_fn=<...>`). */
  private skipArgument(): void {
    let depth = 0;
    const start = this.pos;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos]!;
      if (c === '"' || c === "'") {
        this.string();
        continue;
      }
      if (c === '(' || c === '[' || c === '<' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '>' || c === '}') {
        if (depth === 0) return;
        depth--;
      } else if (c === ',' && depth === 0) return;
      this.pos++;
    }
    this.fail(l10n.t('Unterminated argument'), start);
  }

  private dtypeValue(options: Options): DType | undefined {
    const c = this.text[this.pos];
    let raw: string | undefined;
    if (c === '"' || c === "'") raw = this.string();
    else {
      raw = this.peekName();
      if (raw !== undefined) this.pos += raw.length;
    }
    if (raw === undefined) return undefined;
    const last = raw.slice(raw.lastIndexOf('.') + 1);
    const bits = /^[<>=|]?([iu])(\d)$/.exec(last);
    const width = bits ? `${bits[1] === 'u' ? 'uint' : 'int'}${Number(bits[2]) * 8}` : last;
    // Python's own `int` is int64 to PyTorch and NumPy; `torch.int` is int32.
    const range = raw === 'int' ? INTEGER_RANGES.int64 : Object.hasOwn(INTEGER_RANGES, width) ? INTEGER_RANGES[width] : undefined;
    if (range) options.range = range;
    else delete options.range;
    if (DTYPE_NAMES[last]) return DTYPE_NAMES[last];
    if (/^[<>=|]?f\d$/.test(last)) return 'float';
    if (/^[<>=|]?[iu]\d$/.test(last)) return 'int';
    if (last === '?') return 'bool';
    return undefined;
  }

  private string(): string {
    const quote = this.text[this.pos]!;
    const start = this.pos;
    const end = this.text.indexOf(quote, this.pos + 1);
    if (end < 0) this.fail(l10n.t('Unterminated string'), start);
    this.pos = end + 1;
    return this.text.slice(start + 1, end);
  }

  private intList(): number[] {
    this.skip();
    const open = this.text[this.pos];
    const close = open === '[' ? ']' : open === '(' ? ')' : undefined;
    if (!close) this.fail(l10n.t('Expected a shape such as [2, 3], found {0}', this.describe(this.pos)), this.pos);
    this.pos++;
    const sizes: number[] = [];
    for (;;) {
      this.skip();
      if (this.text[this.pos] === close) {
        this.pos++;
        return sizes;
      }
      const at = this.pos;
      const match = /^\d+/.exec(this.text.slice(this.pos, this.pos + 20));
      if (!match) this.fail(l10n.t('Expected a dimension size, found {0}', this.describe(at)), at);
      sizes.push(Number(match[0]));
      this.pos += match[0].length;
      this.skip();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== close) this.fail(l10n.t('Expected "," or "{0}" in the shape', close), this.pos);
    }
  }

  /** A list or tuple at `depth`, of numbers or of lists, separated by commas or (NumPy's printout) whitespace. */
  private list(depth: number, close: ']' | ')'): void {
    // The whole tensor, when it is a plain list of numbers (the common paste), read in one pass.
    if (depth === 0 && close === ']') {
      const plain = readPlainList(this.text, this.pos, this.maxElements);
      if (plain) return this.adopt(plain);
    }
    const open = this.pos;
    if (depth >= MAX_DEPTH) this.fail(l10n.t('Too deeply nested: more than {0} levels of brackets', MAX_DEPTH), open);
    this.pos++;
    let items = 0;
    let itemsAreLists: boolean | undefined;
    let sawComma = false;
    let separated = true;
    for (;;) {
      this.skip();
      const c = this.text[this.pos];
      if (c === undefined) this.fail(l10n.t('Unclosed "{0}": expected "{1}"', this.text[open], close), open);
      if (c === close) {
        this.pos++;
        break;
      }
      if (c === ']' || c === ')')
        this.fail(l10n.t('Mismatched "{0}": the "{1}" at column {2} needs "{3}"', c, this.text[open], this.columnOf(open), close), this.pos);
      if (items > 0 && !sawComma && c === ',') {
        this.pos++;
        sawComma = true;
        continue;
      }
      if (c === ',') this.fail(l10n.t('Unexpected ","'), this.pos);
      if (c === '.' && this.text.startsWith('...', this.pos)) {
        this.fail(
          'This is summarised output ("..."): print the full tensor (torch.set_printoptions(profile="full") or np.set_printoptions(threshold=sys.maxsize)) and paste that',
          this.pos,
        );
      }
      const isList = c === '[' || c === '(';
      if (itemsAreLists === undefined) itemsAreLists = isList;
      else if (itemsAreLists !== isList) {
        this.fail(isList ? 'Ragged list: a list where a number was expected' : 'Ragged list: a number where a list was expected', this.pos);
      }
      if (items > 0 && !sawComma && !separated) {
        // `[1-2]` is arithmetic in Python (-1), `[1+2]` too: not read as two numbers.
        this.fail(l10n.t('Expected "," between the values, found {0}: LossLens reads numbers, not expressions', this.describe(this.pos)), this.pos);
      }
      if (isList) this.list(depth + 1, c === '[' ? ']' : ')');
      else this.element(depth + 1);
      items++;
      sawComma = false;
      const end = this.pos;
      this.skip();
      // NumPy's printout separates values by whitespace: a separator only where there is some.
      separated = this.pos > end;
      if (this.text[this.pos] === ',') {
        this.pos++;
        sawComma = true;
      }
    }
    this.recordLength(depth, items, itemsAreLists ?? false, open);
  }

  /** Takes the values and shape of a plain list read at depth 0, before anything else was read. */
  private adopt(plain: PlainList): void {
    this.data = plain.data;
    this.count = plain.count;
    this.lengths.push(...plain.shape);
    this.leafDepth = plain.shape.length;
    this.sawFloat = plain.sawFloat;
    this.sawInt = !plain.sawFloat;
    this.pos = plain.end;
  }

  private recordLength(depth: number, items: number, itemsAreLists: boolean, at: number): void {
    const known = this.lengths[depth];
    if (known === undefined) {
      this.lengths[depth] = items;
    } else if (known !== items) {
      this.fail(
        items === 1
          ? l10n.t('Ragged list: this list has 1 element, the first one at the same depth has {0}', known)
          : l10n.t('Ragged list: this list has {0} elements, the first one at the same depth has {1}', items, known),
        at,
      );
    }
    if (items > 0 && !itemsAreLists) {
      if (this.leafDepth >= 0 && this.leafDepth !== depth + 1) this.fail(l10n.t('Ragged list: numbers at different depths'), at);
      this.leafDepth = depth + 1;
    }
  }

  /** A number (or bool / nan / inf / float('nan')) that is an element at list depth `depth` (0: a scalar tensor). */
  private element(depth: number): void {
    const value = this.scalar();
    if (depth === 0) this.leafDepth = 0;
    if (this.count >= this.maxElements) this.fail(l10n.t('Too many values: the limit is {0}', this.maxElements.toLocaleString('en-US')), this.pos);
    if (this.count === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.count++] = value;
  }

  private scalar(): number {
    this.skip();
    const start = this.pos;
    let sign = 1;
    while (this.text[this.pos] === '-' || this.text[this.pos] === '+') {
      if (this.text[this.pos] === '-') sign = -sign;
      this.pos++;
      this.skip();
    }
    const c = this.text[this.pos];
    if (c === undefined) this.fail(l10n.t('Expected a number, found the end of the input'), this.pos);
    if ((c >= '0' && c <= '9') || c === '.') return sign * this.number();
    const name = this.peekName();
    if (name === undefined) this.fail(l10n.t('Expected a number, found {0}', this.describe(this.pos)), this.pos);
    this.pos += name.length;
    const last = name.slice(name.lastIndexOf('.') + 1);
    if (last === 'True' || last === 'true') {
      this.sawBool = true;
      return sign * 1;
    }
    if (last === 'False' || last === 'false') {
      this.sawBool = true;
      return 0;
    }
    if (last === 'float' && this.text[this.skipFrom(this.pos)] === '(') {
      this.pos = this.skipFrom(this.pos) + 1;
      this.skip();
      const q = this.text[this.pos];
      let inner: string;
      if (q === '"' || q === "'") inner = this.string().trim();
      else {
        const number = this.scalar();
        inner = String(number);
      }
      this.skip();
      if (this.text[this.pos] !== ')') this.fail(l10n.t('Expected ")" after float(...)'), this.pos);
      this.pos++;
      const value = floatFromPython(inner);
      if (value === undefined) this.fail(l10n.t('float({0}) is not a number', JSON.stringify(inner)), start);
      this.sawFloat = true;
      return sign * value;
    }
    if (Object.prototype.hasOwnProperty.call(CONSTANTS, last) && (name === last || /^(math|np|numpy|torch|jnp|tf|Number|Math)\./.test(name))) {
      this.sawFloat = true;
      return sign * CONSTANTS[last]!;
    }
    if (name === 'None' || name === 'null') this.fail(l10n.t('{0} is not a number', name), start);
    this.fail(l10n.t('Unknown name "{0}": expected a number, a list, nan or inf', name), start);
  }

  private number(): number {
    const start = this.pos;
    const match = /^(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 64));
    const raw = match?.[0] ?? '';
    if (raw === '' || raw === '.' || !/\d/.test(raw)) this.fail(l10n.t('Expected a number, found {0}', this.describe(start)), start);
    this.pos += raw.length;
    const next = this.text[this.pos];
    if (next !== undefined && /[A-Za-z_.]/.test(next)) {
      if (next === 'j' || next === 'J') this.fail(l10n.t('Complex numbers are not supported'), start);
      // `1.2.3`, `1..2`, `1e5.5`: one malformed number, never two numbers.
      this.fail(l10n.t('Malformed number "{0}{1}"', raw, next), start);
    }
    if (/[.eE]/.test(raw)) this.sawFloat = true;
    else this.sawInt = true;
    return Number(raw.replace(/_/g, ''));
  }

  private peekName(): string | undefined {
    const match = /^[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*/.exec(this.text.slice(this.pos, this.pos + 128));
    return match ? match[0] : undefined;
  }

  private skip(): void {
    this.pos = this.skipFrom(this.pos);
  }

  /** Skips whitespace and comments (`#`, `//`, `/* *\/`) from `pos`. */
  private skipFrom(pos: number): number {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0xfeff) pos++;
      else if (c === 35 /* # */ || (c === 47 /* / */ && text.charCodeAt(pos + 1) === 47)) {
        const end = text.indexOf('\n', pos);
        pos = end < 0 ? text.length : end + 1;
      } else if (c === 47 && text.charCodeAt(pos + 1) === 42) {
        const end = text.indexOf('*/', pos + 2);
        pos = end < 0 ? text.length : end + 2;
      } else return pos;
    }
  }

  private describe(pos: number): string {
    if (pos >= this.text.length) return l10n.t('the end of the input');
    const char = this.text[pos]!;
    const name = /^[A-Za-z_$][\w$.]*/.exec(this.text.slice(pos, pos + 40))?.[0];
    return name ? `"${name}"` : `"${char}"`;
  }

  private columnOf(offset: number): number {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    return offset - lineStart + 1;
  }

  private fail(message: string, offset: number): never {
    const before = this.text.slice(0, offset);
    const line = (before.match(/\n/g)?.length ?? 0) + 1;
    throw new ParseError(message, offset, line, this.columnOf(offset));
  }
}

function floatFromPython(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === 'nan' || lower === '+nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (!/^[+-]?(\d[\d_]*\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text.replace(/_/g, ''));
}

/** Parses a tensor literal; throws `ParseError` for anything it cannot read. */
export function parseTensor(text: string, options: ParseOptions = {}): Tensor {
  return new Parser(text, options.maxElements ?? Number.MAX_SAFE_INTEGER).parse();
}

/**
 * A tensor from JSON data: nested arrays of numbers, booleans, and the strings `"nan"`, `"inf"`,
 * `"-inf"` (how the JSONL protocol writes non-finite numbers). JSON cannot tell `1` from `1.0`, so
 * without an explicit `dtype` the tensor is a weak float.
 */
/** A string as an error message quotes it: 40 characters at most. */
function shortText(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export function tensorFromJson(value: unknown, dtype?: DType, maxElements = Number.MAX_SAFE_INTEGER): Tensor {
  const fail = (message: string): never => {
    throw new ParseError(message, 0, 1, 1);
  };
  const shape: number[] = [];
  for (let level = value; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (shape.length > MAX_DEPTH) fail(l10n.t('Too deeply nested: more than {0} levels of brackets', MAX_DEPTH));
    if (level.length === 0) break;
  }
  // The first element's nesting gives the shape; a ragged list fails below, element by element.
  if (numel(shape) > maxElements) fail(l10n.t('Too many values: the limit is {0}', maxElements.toLocaleString('en-US')));
  const data = TENSOR_MEMORY.float64(numel(shape));
  let offset = 0;
  const visit = (item: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof item === 'number') data[offset++] = item;
      else if (typeof item === 'boolean') data[offset++] = item ? 1 : 0;
      else if (typeof item === 'string') data[offset++] = floatFromPython(item) ?? fail(l10n.t('"{0}" is not a number', shortText(item)));
      else if (Array.isArray(item)) fail(l10n.t('Ragged list: a list where a number was expected'));
      // An object (of any depth or size) is named, not written out: the message stays one short line.
      else fail(item === null ? l10n.t('null is not a number') : l10n.t('an object is not a number'));
      return;
    }
    if (!Array.isArray(item)) return void fail(l10n.t('Ragged list: a number where a list was expected'));
    if (item.length !== shape[depth]) fail(l10n.t('Ragged list: a list of {0} elements where {1} were expected', item.length, shape[depth]));
    for (const inner of item) visit(inner, depth + 1);
  };
  visit(value, 0);
  if (dtype === 'int') {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isInteger(data[i])) fail(l10n.t('{0} is not an integer, but the dtype is int64', data[i]));
    }
  }
  return new Tensor(data, shape, dtype ?? 'float', dtype === undefined);
}
