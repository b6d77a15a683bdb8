/**
 * The literal people paste most, read fast: nested `[...]` lists of plain decimal numbers
 * (`[[0.6, -1.5e-3], [2, 3.]]`, JSON, PyTorch's and NumPy's printed lists), separated by commas or
 * whitespace, trailing commas allowed. Anything else, or anything wrong, is not read here: the
 * general parser (`parse.ts`) reads it from the start, with its errors and their positions. What
 * these readers accept, they read exactly as the general parser does (tested property).
 *
 * Two readers: JSON text goes through `JSON.parse`, native code that is as fast on the first
 * call of a process as on the thousandth (a CLI call is often the first); the rest is scanned
 * character by character, which is as fast once V8 has compiled the scanner.
 */

export interface PlainList {
  readonly data: Float64Array;
  /** Elements read; `data` may be longer. */
  readonly count: number;
  readonly shape: number[];
  /** Whether a number was written with a decimal point or an exponent (a float literal). */
  readonly sawFloat: boolean;
  /** The offset just after the closing `]`. */
  readonly end: number;
}

/** Longer JSON texts are scanned: `JSON.parse` would hold every number twice. */
const JSON_LIMIT = 1 << 20;

/** The general parser's nesting limit. */
const MAX_DEPTH = 32;

/** The general parser reads a number from a window of this many characters. */
const NUMBER_WINDOW = 64;

/**
 * 10^0 … 10^22, every one exact in a double: a mantissa below 2^53 times or divided by one of them
 * is the correctly rounded value of the decimal, as `Number(text)` gives it (Clinger's fast path).
 */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, exponent) => Number(`1e${exponent}`));

/** Digits of a mantissa that surely stay below 2^53. */
const EXACT_DIGITS = 15;

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const RETURN = 13;
const COMMA = 44;
const OPEN = 91;
const CLOSE = 93;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;

function isSpace(code: number): boolean {
  return code === SPACE || code === NEWLINE || code === TAB || code === RETURN;
}

class PlainListReader {
  private pos: number;
  private data: Float64Array;
  private count = 0;
  private sawFloat = false;
  /** The length of the first list at each depth; every other list there must match it. */
  private readonly lengths: number[] = [];
  /** The depth of the lists that hold numbers, once one is seen. */
  private leafDepth = -1;

  constructor(
    private readonly text: string,
    from: number,
    private readonly maxElements: number,
  ) {
    this.pos = from;
    // A number and its separator take two characters at least.
    this.data = new Float64Array(Math.min(((text.length - from) >> 1) + 1, 1 << 16));
  }

  read(): PlainList | undefined {
    if (!this.list(0)) return undefined;
    return { data: this.data, count: this.count, shape: this.lengths, sawFloat: this.sawFloat, end: this.pos };
  }

  /** The list opening at `pos`, at `depth`; false where the general parser must read it. */
  private list(depth: number): boolean {
    if (depth >= MAX_DEPTH) return false;
    const text = this.text;
    let pos = this.pos + 1;
    let items = 0;
    let itemsAreLists = false;
    for (;;) {
      while (isSpace(text.charCodeAt(pos))) pos++;
      let code = text.charCodeAt(pos);
      if (code === CLOSE) {
        pos++;
        break;
      }
      // Every item of a list a list, or every one a number.
      const isList = code === OPEN;
      if (items === 0) itemsAreLists = isList;
      else if (isList !== itemsAreLists) return false;
      if (isList) {
        this.pos = pos;
        if (!this.list(depth + 1)) return false;
        pos = this.pos;
      } else {
        pos = this.number(pos);
        if (pos < 0) return false;
      }
      items++;
      // After an item: a comma, whitespace or both, or the end of the list; anything else right
      // after it (`1x`, `1.2.3`, `[1][2]`, a second comma at the next item) is not plain.
      const end = pos;
      while (isSpace(text.charCodeAt(pos))) pos++;
      code = text.charCodeAt(pos);
      if (code === COMMA) pos++;
      else if (pos === end && code !== CLOSE) return false;
    }
    this.pos = pos;
    // Empty lists and ragged lists are the general parser's to read (or to refuse).
    if (items === 0) return false;
    const known = this.lengths[depth];
    if (known === undefined) this.lengths[depth] = items;
    else if (known !== items) return false;
    if (!itemsAreLists) {
      if (this.leafDepth >= 0 && this.leafDepth !== depth + 1) return false;
      this.leafDepth = depth + 1;
    }
    return true;
  }

  /** Reads the number at `pos` into `data`; the offset after it, or -1 where it is not a plain number. */
  private number(pos: number): number {
    const text = this.text;
    let code = text.charCodeAt(pos);
    const negative = code === MINUS;
    if (negative || code === PLUS) code = text.charCodeAt(++pos);
    const start = pos;
    let mantissa = 0;
    let digits = 0;
    let decimals = 0;
    let float = false;
    while (code >= ZERO && code <= NINE) {
      mantissa = mantissa * 10 + (code - ZERO);
      digits++;
      code = text.charCodeAt(++pos);
    }
    if (code === DOT) {
      float = true;
      code = text.charCodeAt(++pos);
      while (code >= ZERO && code <= NINE) {
        mantissa = mantissa * 10 + (code - ZERO);
        digits++;
        decimals++;
        code = text.charCodeAt(++pos);
      }
    }
    if (digits === 0) return -1;
    let exponent = 0;
    if (code === LOWER_E || code === UPPER_E) {
      float = true;
      code = text.charCodeAt(++pos);
      const negativeExponent = code === MINUS;
      if (negativeExponent || code === PLUS) code = text.charCodeAt(++pos);
      if (!(code >= ZERO && code <= NINE)) return -1;
      while (code >= ZERO && code <= NINE) {
        exponent = exponent * 10 + (code - ZERO);
        code = text.charCodeAt(++pos);
      }
      if (negativeExponent) exponent = -exponent;
    }
    if (pos - start > NUMBER_WINDOW) return -1;
    if (this.count >= this.maxElements) return -1;
    const scale = exponent - decimals;
    let value: number;
    if (digits <= EXACT_DIGITS && scale >= -22 && scale <= 22) {
      value = scale >= 0 ? mantissa * POWERS_OF_TEN[scale]! : mantissa / POWERS_OF_TEN[-scale]!;
    } else value = Number(text.slice(start, pos));
    if (this.count === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.count++] = negative ? -value : value;
    if (float) this.sawFloat = true;
    return pos;
  }
}

/**
 * The plain list opening at `from` (a `[`), or undefined when the text there is anything else:
 * another spelling, a comment, an error, more than `maxElements` numbers.
 */
export function readPlainList(text: string, from: number, maxElements: number): PlainList | undefined {
  return (text.length - from <= JSON_LIMIT ? readJsonList(text, from, maxElements) : undefined) ?? scanPlainList(text, from, maxElements);
}

/** `readPlainList` by scanning the text. */
export function scanPlainList(text: string, from: number, maxElements: number): PlainList | undefined {
  return new PlainListReader(text, from, maxElements).read();
}

/** How every JSON value but a number or an array starts (a string, true, false, null, an object). */
const OTHER_JSON_VALUES = ['"', 't', 'f', 'n', '{'];
/** What only a float literal holds: a decimal point or an exponent. */
const FLOAT_MARKS = ['.', 'e', 'E'];

/**
 * `readPlainList` for JSON text: the list up to the last `]` of the text, when that is JSON of
 * non-empty, regular nested arrays of numbers none longer than the general parser's window.
 */
export function readJsonList(text: string, from: number, maxElements: number): PlainList | undefined {
  const end = text.lastIndexOf(']') + 1;
  if (end <= from) return undefined;
  const source = from === 0 && end === text.length ? text : text.slice(from, end);
  if (OTHER_JSON_VALUES.some((start) => source.includes(start)) || hasLongToken(source)) return undefined;
  // A trailing comma (`[\n    [1, 2],\n]`, as black writes a long list) is not JSON, seen without parsing it all.
  let beforeClose = source.length - 2;
  while (isSpace(source.charCodeAt(beforeClose))) beforeClose--;
  if (source.charCodeAt(beforeClose) === COMMA) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch {
    return undefined;
  }
  const shape: number[] = [];
  for (let level = value; Array.isArray(level); level = level[0]) {
    if (level.length === 0 || shape.length === MAX_DEPTH) return undefined;
    shape.push(level.length);
  }
  let count = 1;
  for (const size of shape) count *= size;
  if (count > maxElements) return undefined;
  const data = new Float64Array(count);
  let offset = 0;
  let arrays = 0;
  // Every array of the right length at its depth; the innermost ones copied whole.
  const fill = (list: unknown[], depth: number): boolean => {
    arrays++;
    if (depth === shape.length - 1) {
      data.set(list as number[], offset);
      offset += list.length;
      return true;
    }
    for (const item of list) if (!Array.isArray(item) || item.length !== shape[depth + 1] || !fill(item, depth + 1)) return false;
    return true;
  };
  if (!fill(value as unknown[], 0)) return undefined;
  // The text holds only numbers and arrays: with no more `[` than the arrays filled, every
  // innermost item is a number.
  if (countOf(source, '[') !== arrays) return undefined;
  return { data, count, shape, sawFloat: FLOAT_MARKS.some((mark) => source.includes(mark)), end };
}

/** Whether a number of `source` may be longer than the window the general parser reads one from. */
function hasLongToken(source: string): boolean {
  // Numbers lie between the commas and the brackets at both ends: a gap of more than the window
  // between two of these is a long number (or much whitespace, which the scanner reads as well).
  // Each step goes to the last comma within a window's reach, so a short gap costs nothing.
  const last = source.length - 1;
  for (let at = 0; last - at > NUMBER_WINDOW + 1;) {
    const comma = source.lastIndexOf(',', at + NUMBER_WINDOW + 1);
    if (comma <= at) return true;
    at = comma;
  }
  return false;
}

function countOf(source: string, char: string): number {
  let count = 0;
  for (let at = source.indexOf(char); at >= 0; at = source.indexOf(char, at + 1)) count++;
  return count;
}
