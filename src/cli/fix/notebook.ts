import { cellAt, notebookProgram, type NotebookProgram } from '../../analysis/notebook';
import { normalizeNewlines } from '../../analysis/source-text';
import { applyEdits, type TextEdit } from './edits';

/**
 * A notebook's JSON, to fix: findings' edits are offsets into its program text (the code cells
 * joined); they are applied to the cells' own text and written back into the JSON as it is
 * written, changing only those cells' `source` values, in the same form (one string, or a list
 * of lines), and every other byte left as it was.
 */
export class NotebookText {
  readonly program: NotebookProgram;
  /** The `source` of every code cell, by the cell's index among all cells. */
  private readonly sources: ReadonlyMap<number, CellSource>;

  constructor(readonly json: string) {
    this.program = notebookProgram(json);
    this.sources = codeCellSources(json);
  }

  /**
   * Whether an edit of the program text may be applied: it lies within one cell's own text, on
   * lines the program shows as they are (a magic is blanked there: it is never edited).
   */
  fits(edit: TextEdit): boolean {
    const at = this.place(edit);
    if (!at) return false;
    const { cell, start, end } = at;
    const shown = this.program.text.slice(cell.start, cell.start + cell.source.length);
    const lineStart = cell.source.lastIndexOf('\n', start - 1) + 1;
    const lineBreak = cell.source.indexOf('\n', end);
    const lineEnd = lineBreak === -1 ? cell.source.length : lineBreak;
    return shown.slice(lineStart, lineEnd) === cell.source.slice(lineStart, lineEnd);
  }

  /** The cells the edits (all fitting, none clashing) change: their text before and after. */
  editCells(edits: readonly TextEdit[]): Array<{ index: number; before: string; after: string }> {
    const byCell = new Map<number, TextEdit[]>();
    for (const edit of edits) {
      const { cell, start, end } = this.place(edit)!;
      byCell.set(cell.index, [...(byCell.get(cell.index) ?? []), { start, end, newText: edit.newText }]);
    }
    return [...byCell].map(([index, cellEdits]) => {
      const before = this.sources.get(index)!.text;
      return { index, before, after: applyEdits(before, cellEdits) };
    });
  }

  /** The JSON with these cells' sources replaced, and nothing else changed. */
  withCells(cells: ReadonlyArray<{ index: number; after: string }>): string {
    const splices = cells
      .map(({ index, after }) => sourceSplice(this.json, this.sources.get(index)!, after))
      .filter((splice) => splice !== undefined)
      .sort((a, b) => a.start - b.start);
    let result = '';
    let at = 0;
    for (const splice of splices) {
      result += this.json.slice(at, splice.start) + splice.text;
      at = splice.end;
    }
    return result + this.json.slice(at);
  }

  /** The cell an edit lies in, and its offsets there; `undefined` when it is not within one cell. */
  private place(edit: TextEdit): { cell: NotebookProgram['cells'][number]; start: number; end: number } | undefined {
    if (edit.start < 0 || edit.end < edit.start) return undefined;
    const at = cellAt(this.program, edit.start);
    const source = at && this.sources.get(at.cell.index);
    if (!at || !source || normalizeNewlines(source.text) !== at.cell.source) return undefined;
    const end = edit.end - at.cell.start;
    return end <= at.cell.source.length ? { cell: at.cell, start: at.offset, end } : undefined;
  }
}

/** A JSON value's place in the text, `[start, end)`, with what the fixes need of it. */
type JsonNode =
  | { readonly kind: 'object'; readonly start: number; readonly end: number; readonly members: ReadonlyArray<{ key: string; value: JsonNode }> }
  | { readonly kind: 'array'; readonly start: number; readonly end: number; readonly items: readonly JsonNode[] }
  | { readonly kind: 'string' | 'scalar'; readonly start: number; readonly end: number };

/** A code cell's `source` as written: the node, its strings when it is a list, and its text. */
interface CellSource {
  readonly node: JsonNode;
  readonly parts?: readonly JsonNode[];
  readonly text: string;
}

/**
 * Where each value of a JSON text is (the text parses: `notebookProgram` read it first). A
 * scanner rather than `JSON.parse`, which keeps no offsets.
 */
function scanJson(json: string): JsonNode {
  let at = 0;
  const space = () => {
    while (at < json.length && ' \t\n\r'.includes(json[at]!)) at++;
  };
  const expect = (chars: string) => {
    space();
    if (!chars.includes(json[at] ?? '')) throw new Error(`unexpected JSON at ${at}`);
    return json[at++]!;
  };
  const value = (): JsonNode => {
    space();
    const start = at;
    const opener = json[at];
    if (opener === '{') {
      at++;
      const members: Array<{ key: string; value: JsonNode }> = [];
      space();
      if (json[at] === '}') return { kind: 'object', start, end: ++at, members };
      do {
        const key = value();
        if (key.kind !== 'string') throw new Error(`unexpected JSON at ${key.start}`);
        expect(':');
        members.push({ key: stringValue(json, key), value: value() });
      } while (expect(',}') === ',');
      return { kind: 'object', start, end: at, members };
    }
    if (opener === '[') {
      at++;
      const items: JsonNode[] = [];
      space();
      if (json[at] === ']') return { kind: 'array', start, end: ++at, items };
      do items.push(value());
      while (expect(',]') === ',');
      return { kind: 'array', start, end: at, items };
    }
    if (opener === '"') {
      for (at++; at < json.length && json[at] !== '"'; at++) if (json[at] === '\\') at++;
      return { kind: 'string', start, end: ++at };
    }
    while (at < json.length && !',:]} \t\n\r'.includes(json[at]!)) at++;
    if (at === start) throw new Error(`unexpected JSON at ${at}`);
    return { kind: 'scalar', start, end: at };
  };
  return value();
}

function stringValue(json: string, node: JsonNode): string {
  return JSON.parse(json.slice(node.start, node.end)) as string;
}

/** A member of an object as `JSON.parse` reads it: the last of that name. */
function member(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node?.kind !== 'object') return undefined;
  let found: JsonNode | undefined;
  for (const entry of node.members) if (entry.key === key) found = entry.value;
  return found;
}

/** The `source` of each code cell whose source is a string or a list of strings (as `notebookProgram` reads them). */
function codeCellSources(json: string): ReadonlyMap<number, CellSource> {
  const sources = new Map<number, CellSource>();
  const cells = member(scanJson(json), 'cells');
  if (cells?.kind !== 'array') return sources;
  cells.items.forEach((cell, index) => {
    const type = member(cell, 'cell_type');
    if (type?.kind !== 'string' || stringValue(json, type) !== 'code') return;
    const node = member(cell, 'source');
    if (node?.kind === 'string') sources.set(index, { node, text: stringValue(json, node) });
    else if (node?.kind === 'array' && node.items.every((item) => item.kind === 'string'))
      sources.set(index, { node, parts: node.items, text: node.items.map((item) => stringValue(json, item)).join('') });
  });
  return sources;
}

/**
 * The change that makes a cell's `source` read `after`: a string is written anew; in a list of
 * lines, the strings before and after the change keep their bytes and the changed lines are
 * written between them, separated as the list separates its strings.
 */
function sourceSplice(json: string, source: CellSource, after: string): { start: number; end: number; text: string } | undefined {
  if (after === source.text) return undefined;
  const { node, parts } = source;
  if (!parts) return { start: node.start, end: node.end, text: JSON.stringify(after) };
  if (parts.length === 0) return { start: node.start, end: node.end, text: JSON.stringify(lines(after)) };
  const values = parts.map((part) => stringValue(json, part));
  const lineStart = (offset: number) => offset === 0 || offset === after.length || /[\r\n]/.test(after[offset - 1]!);
  // Strings kept at the start and at the end: whole, and ending (or starting) at a line break of `after`.
  let kept = 0;
  let head = 0;
  while (kept < values.length && after.startsWith(values[kept]!, head) && lineStart(head + values[kept]!.length)) head += values[kept++]!.length;
  let keptAtEnd = 0;
  let tail = after.length;
  for (let index = values.length - 1; index >= kept; index--) {
    const value = values[index]!;
    if (tail - value.length < head || !after.endsWith(value, tail) || !lineStart(tail - value.length)) break;
    tail -= value.length;
    keptAtEnd++;
  }
  const changed = lines(after.slice(head, tail)).map((line) => JSON.stringify(line));
  const separator = parts.length > 1 ? json.slice(parts[0]!.end, parts[1]!.start) : `,${json.slice(node.start + 1, parts[0]!.start)}`;
  const first = kept;
  const last = parts.length - keptAtEnd - 1;
  if (first <= last) {
    if (changed.length > 0) return { start: parts[first]!.start, end: parts[last]!.end, text: changed.join(separator) };
    if (first > 0) return { start: parts[first - 1]!.end, end: parts[last]!.end, text: '' };
    if (last + 1 < parts.length) return { start: parts[first]!.start, end: parts[last + 1]!.start, text: '' };
    return { start: node.start + 1, end: node.end - 1, text: '' };
  }
  if (first > 0) return { start: parts[first - 1]!.end, end: parts[first - 1]!.end, text: separator + changed.join(separator) };
  return { start: parts[0]!.start, end: parts[0]!.start, text: changed.join(separator) + separator };
}

/** A text as a notebook's list of lines: each with its line break. */
function lines(text: string): string[] {
  return text.split(/(?<=\r\n|\n|\r(?!\n))/).filter((line) => line.length > 0);
}
