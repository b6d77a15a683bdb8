import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Language, Parser, type ParseOptions, type Tree } from '@vscode/tree-sitter-wasm';

export type { Node, Parser, Tree } from '@vscode/tree-sitter-wasm';

/**
 * Where a WASM file is: beside the bundle (the build copies them into dist/), or in
 * node_modules when running from source (tests).
 */
function wasmPath(file: string): string {
  const bundled = join(__dirname, file);
  if (existsSync(bundled)) return bundled;
  return createRequire(__filename).resolve(`@vscode/tree-sitter-wasm/wasm/${file}`);
}

/**
 * The Python grammar, loaded once per process: a `Language` is immutable and every parser shares
 * it. A host loading its own kept about half a megabyte of WebAssembly memory nothing freed (a
 * process making thousands of hosts, a language server whose folders change, ran out of table
 * entries).
 */
const pythonLanguage = once(async (): Promise<Language> => {
  await Parser.init({ locateFile: (file: string) => wasmPath(file) });
  return Language.load(readFileSync(wasmPath('tree-sitter-python.wasm')));
});

/** `make`'s result, made the first time it is asked for. */
function once<T>(make: () => T): () => T {
  let made: { readonly value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** A parser of Python (tree-sitter, WASM); `AnalysisHost` makes one when first needed, and deletes it. */
export async function loadPythonParser(): Promise<Parser> {
  const language = await pythonLanguage();
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

export interface TextChange {
  /** Offset where the old text differs first. */
  readonly start: number;
  readonly oldEnd: number;
  readonly newEnd: number;
}

/** The smallest change turning `before` into `after`: a common prefix and suffix trimmed off. */
export function diffText(before: string, after: string): TextChange {
  const limit = Math.min(before.length, after.length);
  // Whole blocks first: comparing slices is native, an order of magnitude faster than a loop.
  const block = 512;
  let start = 0;
  while (start + block <= limit && before.slice(start, start + block) === after.slice(start, start + block)) start += block;
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (
    tail + block <= limit - start &&
    before.slice(before.length - tail - block, before.length - tail) === after.slice(after.length - tail - block, after.length - tail)
  )
    tail += block;
  while (tail < limit - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

function pointAt(text: string, offset: number): { row: number; column: number } {
  return pointsAt(text, [offset])[0]!;
}

/** Rows and columns of ascending offsets, in one pass over the text. */
function pointsAt(text: string, offsets: readonly number[]): Array<{ row: number; column: number }> {
  const points: Array<{ row: number; column: number }> = [];
  let row = 0;
  let lineStart = 0;
  let newline = text.indexOf('\n');
  for (const offset of offsets) {
    while (newline >= 0 && newline < offset) {
      row++;
      lineStart = newline + 1;
      newline = text.indexOf('\n', newline + 1);
    }
    points.push({ row, column: offset - lineStart });
  }
  return points;
}

/**
 * The text as tree-sitter reads it, a slice at a time. Given the string itself, the binding
 * copies everything from the requested offset up to its 10 KB buffer at every request, and with
 * included ranges it requests once per range.
 */
function chunked(text: string): (index: number) => string {
  return (index) => text.slice(index, index + 64);
}

/** Sorted spans, with the ones only whitespace apart joined. */
function joinedSpans(text: string, spans: ReadonlyArray<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const joined: Array<{ start: number; end: number }> = [];
  for (const span of spans) {
    const last = joined[joined.length - 1];
    if (last && span.start >= last.end && /^\s*$/.test(text.slice(last.end, span.start))) last.end = Math.max(last.end, span.end);
    else joined.push({ start: span.start, end: span.end });
  }
  return joined;
}

/** Thrown when tree-sitter is stopped for taking longer than `parseBudgetMs` allows. */
export class ParseTimeout extends Error {
  constructor(readonly budgetMs: number) {
    super(`tree-sitter was stopped after ${budgetMs} ms`);
  }
}

/**
 * How long a parse may take: 2 s, and 20 ms more per 1,000 characters (a normal 2 MB file parses
 * in about 0.6 s, and gets 42 s).
 */
function parseBudgetMs(length: number): number {
  return 2000 + Math.ceil(length / 1000) * 20;
}

/**
 * Parses `text` — only the `spans` given, when given — reusing `previous` (the tree of
 * `previousText`) incrementally: the edit is located by diffing the two texts, so callers need
 * not track edits themselves.
 */
export function parsePython(
  parser: Parser,
  text: string,
  previous?: { text: string; tree: Tree },
  spans?: ReadonlyArray<{ start: number; end: number }>,
  knownChange?: TextChange,
): Tree {
  // A parse that takes far longer than its text should (error recovery gone quadratic on a
  // syntax error nested thousands deep) is given up: the caller says the file was skipped.
  const budget = parseBudgetMs(text.length);
  const deadline = performance.now() + budget;
  const options: ParseOptions = { progressCallback: () => performance.now() > deadline };
  if (spans) {
    // Spans only whitespace apart are one range: the parse is the same, and tree-sitter's cost
    // grows with the number of ranges (a file of 48,000 loss lines is one range, not 48,000).
    const ranges = joinedSpans(text, spans);
    const points = pointsAt(
      text,
      ranges.flatMap((span) => [span.start, span.end]),
    );
    options.includedRanges = ranges.map((span, i) => ({
      startIndex: span.start,
      endIndex: span.end,
      startPosition: points[2 * i]!,
      endPosition: points[2 * i + 1]!,
    }));
  }
  if (previous) {
    const change = knownChange ?? diffText(previous.text, text);
    const old = previous.tree.copy();
    old.edit({
      startIndex: change.start,
      oldEndIndex: change.oldEnd,
      newEndIndex: change.newEnd,
      startPosition: pointAt(previous.text, change.start),
      oldEndPosition: pointAt(previous.text, change.oldEnd),
      newEndPosition: pointAt(text, change.newEnd),
    });
    const tree = parser.parse(chunked(text), old, options);
    old.delete();
    if (tree) return readingWhole(tree, text);
  }
  const tree = parser.parse(chunked(text), null, options);
  if (!tree) {
    // A cancelled parse would be resumed by the next one: start that one afresh.
    parser.reset();
    throw new ParseTimeout(budget);
  }
  return readingWhole(tree, text);
}

/**
 * The tree, its nodes' `text` read as one slice of `text`. The binding reads a node's text through
 * the callback the tree was parsed with, one call per chunk it returns, concatenating them: with
 * `chunked`'s 64 characters a node's text costs its length, and the texts of the calls of an
 * expression nested 100,000 deep the square of that. A slice of the rest of the text takes
 * constant time in V8 (it points into the string), and so does the binding's cut of it to the
 * node's length. The callback is the binding's own field (not in its types): where it is not,
 * the tree is left as it was.
 */
function readingWhole(tree: Tree, text: string): Tree {
  const internal = tree as unknown as { textCallback?: unknown };
  if (typeof internal.textCallback === 'function') internal.textCallback = (index: number) => text.slice(index);
  return tree;
}
