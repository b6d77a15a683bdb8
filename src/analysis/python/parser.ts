import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Language, Parser, type Tree } from '@vscode/tree-sitter-wasm';

export type { Node as SyntaxNode, Tree } from '@vscode/tree-sitter-wasm';

/**
 * Where a WASM file is: beside the bundle (the build copies them into dist/), or in
 * node_modules when running from source (tests).
 */
function wasmPath(file: string): string {
  const bundled = join(__dirname, file);
  if (existsSync(bundled)) return bundled;
  return createRequire(__filename).resolve(`@vscode/tree-sitter-wasm/wasm/${file}`);
}

let loading: Promise<Parser> | undefined;

/** The Python parser, loaded the first time a Python file is analysed. */
export function pythonParser(): Promise<Parser> {
  loading ??= (async () => {
    await Parser.init({ locateFile: (file: string) => wasmPath(file) });
    const language = await Language.load(readFileSync(wasmPath('tree-sitter-python.wasm')));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return loading;
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
  let start = 0;
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < limit - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

function pointAt(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}

/**
 * Parses `text`, reusing `previous` (the tree of `previousText`) incrementally when given: the
 * edit is located by diffing the two texts, so callers need not track edits themselves.
 */
export function parsePython(parser: Parser, text: string, previous?: { text: string; tree: Tree }): Tree {
  if (previous) {
    const change = diffText(previous.text, text);
    const old = previous.tree.copy();
    old.edit({
      startIndex: change.start,
      oldEndIndex: change.oldEnd,
      newEndIndex: change.newEnd,
      startPosition: pointAt(previous.text, change.start),
      oldEndPosition: pointAt(previous.text, change.oldEnd),
      newEndPosition: pointAt(text, change.newEnd),
    });
    const tree = parser.parse(text, old);
    old.delete();
    if (tree) return tree;
  }
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
