/**
 * Demand-driven parsing: tree-sitter parses only the top-level statements that can matter to a
 * loss (its `includedRanges`), so the rest costs nothing while every offset stays that of the
 * file. What matters: imports, statements where a site can be (a loss or activation mentioned, a
 * loss module called), and — backwards — the top-level statements that bind or change the names
 * those use. Parsing is most of the analyzer's cost, and in a model-zoo file most code is
 * unrelated to any loss.
 */

import type { StatementNames } from './binder';
import type { TextChange } from './parser';
import { isWordChar } from './syntax';

/** Escapes, and what ends each kind of string literal (a newline ends an unterminated short one). */
const STRING_ENDS: Record<string, RegExp> = {
  '"""': /\\[\s\S]|"""/g,
  "'''": /\\[\s\S]|'''/g,
  '"': /\\[\s\S]|["\n]/g,
  "'": /\\[\s\S]|['\n]/g,
};

function skipString(text: string, i: number, end: number): number {
  const quote = text[i]!;
  const delimiter = text.startsWith(quote.repeat(3), i) ? quote.repeat(3) : quote;
  const pattern = STRING_ENDS[delimiter]!;
  pattern.lastIndex = i + delimiter.length;
  for (let match = pattern.exec(text); match && match.index < end; match = pattern.exec(text)) {
    if (match[0].charCodeAt(0) === 92) continue; // an escape
    return Math.min(end, match[0] === '\n' ? match.index : match.index + match[0].length);
  }
  return end;
}

const SPECIAL = /[\n#'"\\()[\]{}]/g;

/** Clauses that continue the compound statement above them. */
const CLAUSE = /^(?:else|elif|except|finally)\b/;
const COMPOUND = /^(?:if|elif|else|for|while|with|try|except|finally|match|async)\b/;
const AUGMENTED = /^([A-Za-z_]\w*)\s*(?:[-+*/%@&|^]|\/\/|\*\*|<<|>>)=/;
const MUTATION = /^([A-Za-z_]\w*)\s*[.[]/;
/** Inside a compound statement: assignment targets, `as` and `for` targets, definitions, mutated names. */
const NESTED_DEFINITIONS =
  /(?:^|[\n;])[ \t]*([A-Za-z_][\w \t,()[\]*]*?)[ \t]*(?::[^=\n]*)?(?:[-+*/%@&|^]|\/\/|\*\*|<<|>>)?=(?!=)|\bas[ \t]+([A-Za-z_]\w*)|\bfor[ \t]+([\w \t,()*]+?)[ \t]+in\b|\b(?:def|class)[ \t]+([A-Za-z_]\w*)|(?:^|\n)[ \t]*([A-Za-z_]\w*)[ \t]*[.[]/g;

/** A top-level statement (decorators joined to their definition), with its names. */
export class Chunk implements StatementNames {
  private usesCache: ReadonlySet<string> | undefined;
  /** The names the binder found it binds, once it has visited it (see `Scope`). */
  bound: readonly string[] | undefined;

  constructor(
    private readonly text: string,
    readonly start: number,
    readonly end: number,
    /**
     * Names this statement binds or changes at top level: `def f`, `class C`, `x = ...`,
     * `x += ...`, `model.fc = ...`, `model.add_module(...)`, and anything assigned inside an
     * `if`, `for`, `with` or `try` at top level.
     */
    readonly defines: readonly string[],
    readonly isImport: boolean,
  ) {}

  /** The same statement in a new version of the text, `delta` characters further on. */
  movedTo(text: string, delta: number): Chunk {
    const moved = new Chunk(text, this.start + delta, this.end + delta, this.defines, this.isImport);
    moved.usesCache = this.usesCache;
    moved.bound = this.bound;
    return moved;
  }

  /** Identifiers it uses, outside strings and comments (read the first time they are asked for). */
  get uses(): ReadonlySet<string> {
    if (this.usesCache) return this.usesCache;
    const uses = new Set<string>();
    const text = this.text;
    // Words (a number with its suffixes, `1e5`, `2j`, is one word too), comments and strings.
    const token = /[A-Za-z_]\w*|\d\w*|[#'"]/g;
    token.lastIndex = this.start;
    for (let match = token.exec(text); match && match.index < this.end; match = token.exec(text)) {
      const c = match[0].charCodeAt(0);
      if (c === 35) {
        const newline = text.indexOf('\n', match.index);
        token.lastIndex = newline < 0 ? text.length : newline;
      } else if (c === 34 || c === 39) {
        token.lastIndex = skipString(text, match.index, this.end);
      } else if (c > 57) {
        uses.add(match[0]);
      }
    }
    this.usesCache = uses;
    return uses;
  }
}

function definedNames(text: string, start: number, end: number): { defines: string[]; isImport: boolean } {
  const head = text.slice(start, Math.min(end, start + 400));
  const defines: string[] = [];
  const definition = /^(?:@[^\n]*\n\s*)*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(head);
  if (definition) return { defines: [definition[1]!], isImport: false };
  if (/^(?:from|import)\s/.test(head)) {
    // `import a.b as c` binds c, `import a.b` binds a, `from m import x as y, z` binds y and z.
    const names = text
      .slice(start, end)
      .replace(/^from\s+\S+\s+import\s+/, '')
      .replace(/^import\s+/, '')
      .replace(/[()\\]/g, ' ');
    for (const part of names.split(',')) {
      const words = part.trim().split(/\s+/);
      const bound = words[1] === 'as' ? words[2] : words[0]?.split('.')[0];
      if (bound && /^[A-Za-z_]\w*$/.test(bound)) defines.push(bound);
    }
    return { defines, isImport: true };
  }
  if (COMPOUND.test(head)) {
    const body = text.slice(start, end);
    for (const match of body.matchAll(NESTED_DEFINITIONS)) {
      const targets = match[1] ?? match[3];
      if (targets) for (const name of targets.match(/[A-Za-z_]\w*/g) ?? []) defines.push(name);
      const single = match[2] ?? match[4] ?? match[5];
      if (single) defines.push(single);
    }
    // Imports inside (`try: import apex ...`) keep it: names must resolve.
    return { defines, isImport: /^\s*(?:from|import)\s/m.test(body) };
  }
  const assignment = /^([A-Za-z_][\w\s,()[\]*]*?)\s*(?::[^=\n]*)?=(?!=)/.exec(head);
  if (assignment) for (const name of assignment[1]!.match(/[A-Za-z_]\w*/g) ?? []) defines.push(name);
  const changed = AUGMENTED.exec(head) ?? MUTATION.exec(head);
  if (changed) defines.push(changed[1]!);
  return { defines, isImport: false };
}

/**
 * Splits a module into top-level statements (with decorators joined to what they decorate),
 * tracking strings, comments, brackets and line continuations so that a column-0 line inside a
 * triple-quoted string or a bracket is never taken for a new statement. Given the statements of
 * the previous version and the change between the two, only the text around the change is read
 * again: the statements before it are kept, and once a statement starts where one started before
 * (after the change), the rest are the old ones, moved.
 */
export function topLevelStatements(text: string, previous?: { readonly statements: readonly Chunk[]; readonly change: TextChange }): Chunk[] {
  const old = previous?.statements ?? [];
  if (!previous || old.length === 0) return scanStatements(text, 0).chunks;
  const { change } = previous;
  const delta = change.newEnd - change.oldEnd;
  let first = old.findIndex((chunk) => chunk.end > change.start);
  if (first < 0) first = old.length;
  // The statement before the change too: an edit at the start of a line can join the two.
  const from = Math.max(0, first - 1);
  const kept = old.slice(0, from).map((chunk) => chunk.movedTo(text, 0));
  const starts = old.map((chunk) => chunk.start);
  let resume = -1;
  const { chunks } = scanStatements(text, from > 0 || change.start >= old[0]!.start ? old[from]!.start : 0, (start) => {
    if (start < change.newEnd) return false;
    resume = binarySearch(starts, start - delta);
    return resume >= 0;
  });
  const moved = resume >= 0 ? old.slice(resume).map((chunk) => chunk.movedTo(text, delta)) : [];
  return [...kept, ...chunks, ...moved];
}

function binarySearch(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else if (sorted[middle]! > value) high = middle - 1;
    else return middle;
  }
  return -1;
}

/** Scans statements from `from` (a line start outside any statement) until `stop` says a statement starting there need not be read. */
function scanStatements(text: string, from: number, stop?: (start: number) => boolean): { chunks: Chunk[] } {
  const result: Chunk[] = [];
  let start = -1;
  let depth = 0;
  let i = from;
  const n = text.length;
  let lineStart = true;
  let decorator = false;

  const close = (end: number) => {
    if (start < 0) return;
    const { defines, isImport } = definedNames(text, start, end);
    result.push(new Chunk(text, start, end, defines, isImport));
    start = -1;
  };

  while (i < n) {
    let c = text.charCodeAt(i);
    if (lineStart && depth === 0) {
      lineStart = false;
      // A statement at column 0 (not blank, not a comment) starts a new chunk, unless the previous
      // chunk is a decorator, which belongs to the definition below it, or the line continues a
      // compound statement (`else:`, `elif`, `except`, `finally`).
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 35 && c !== 12) {
        const continues = (c === 101 || c === 102) && CLAUSE.test(text.slice(i, i + 8)); // e, f
        if (!decorator && !continues) {
          close(i);
          if (stop?.(i)) return { chunks: result };
        }
        if (start < 0) start = i;
        decorator = c === 64; // '@'
      }
    }
    // Only newlines, comments, strings, brackets and backslashes matter: jump to the next one.
    SPECIAL.lastIndex = i;
    if (!SPECIAL.test(text)) break;
    i = SPECIAL.lastIndex - 1;
    c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      i++;
    } else if (c === 35) {
      // Comment: to the end of the line.
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === 92 && text.charCodeAt(i + 1) === 10) {
      // Backslash continuation: the next line is not a new statement.
      i += 2;
    } else if (c === 34 || c === 39) {
      i = skipString(text, i, n);
    } else if (c === 40 || c === 91 || c === 123) {
      depth++;
      i++;
    } else if (c === 41 || c === 93 || c === 125) {
      depth = Math.max(0, depth - 1);
      i++;
    } else {
      i++;
    }
  }
  close(n);
  return { chunks: result };
}

/**
 * The spans of `text` worth parsing (sorted, disjoint), or undefined when that is all of it.
 * `seeds` are the sorted offsets where a site can be: mentions of a loss or activation, and calls
 * of names a loss module is assigned to. Kept: imports, the statements holding a seed, and —
 * backwards — every statement that binds or changes a name a kept statement uses, so the
 * evaluator sees every definition it can follow. Sites are found only at seeds, and facts flow
 * only from definitions to uses, so nothing else can change a finding.
 */
export function relevantSpans(
  text: string,
  seeds: readonly number[],
  all: readonly Chunk[] = topLevelStatements(text),
): Array<{ start: number; end: number }> | undefined {
  if (all.length === 0) return undefined;
  const byName = new Map<string, number[]>();
  all.forEach((chunk, index) => {
    for (const name of chunk.defines) {
      const list = byName.get(name);
      if (list) list.push(index);
      else byName.set(name, [index]);
    }
  });
  const keep = new Uint8Array(all.length);
  const queue: number[] = [];
  let next = 0;
  all.forEach((chunk, index) => {
    while (next < seeds.length && seeds[next]! < chunk.start) next++;
    if (chunk.isImport || (next < seeds.length && seeds[next]! < chunk.end)) {
      keep[index] = 1;
      queue.push(index);
    }
  });
  while (queue.length > 0) {
    const chunk = all[queue.pop()!]!;
    for (const name of chunk.uses) {
      for (const index of byName.get(name) ?? []) {
        if (!keep[index]) {
          keep[index] = 1;
          queue.push(index);
        }
      }
    }
  }
  if (keep.every((flag) => flag === 1)) return undefined;
  const spans: Array<{ start: number; end: number }> = [];
  all.forEach((chunk, index) => {
    if (!keep[index]) return;
    const last = spans[spans.length - 1];
    if (last && last.end === chunk.start) last.end = chunk.end;
    else spans.push({ start: chunk.start, end: chunk.end });
  });
  return spans;
}

/** `text` with everything outside `spans` turned into spaces (newlines kept): what the parser sees. */
export function blankOutside(text: string, spans: ReadonlyArray<{ start: number; end: number }>): string {
  const parts: string[] = [];
  let cursor = 0;
  const blank = (from: number, to: number) => parts.push(text.slice(from, to).replace(/[^\n\r]/g, ' '));
  for (const span of spans) {
    blank(cursor, span.start);
    parts.push(text.slice(span.start, span.end));
    cursor = span.end;
  }
  blank(cursor, text.length);
  return parts.join('');
}

/** The end of `def` or `class` (as a word), just before a name being defined. */
const DEFINED_HERE = /(?:^|[^\w])(?:def|class)$/;

/**
 * The statements an edit can change the findings of: those it touches, and — forwards — every
 * statement that uses a name one of those defines (before or after the edit). Users are found by
 * searching the text for the name as a word, neither after a dot nor defined there
 * (`model.train()` and `def train(` do not use a name `train`), which may also find it in a
 * string or comment: one statement more checked again, never one less.
 */
export function affectedStatements(text: string, all: readonly Chunk[], touched: readonly number[], alsoDefined: readonly string[]): Set<number> {
  const affected = new Set<number>(touched);
  const names = [...alsoDefined, ...touched.flatMap((index) => all[index]!.defines)];
  const seen = new Set<string>();
  while (names.length > 0) {
    const name = names.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + name.length)) {
      if (isWordChar(text.charCodeAt(at - 1)) || isWordChar(text.charCodeAt(at + name.length))) continue;
      // `model.train()` is an attribute, and `def train(` another definition, not uses of `train`.
      let before = at - 1;
      while (text.charCodeAt(before) === 32 || text.charCodeAt(before) === 9) before--;
      if (text.charCodeAt(before) === 46 || DEFINED_HERE.test(text.slice(Math.max(0, before - 5), before + 1))) continue;
      const index = chunkAt(all, at);
      if (index < 0 || affected.has(index)) continue;
      affected.add(index);
      names.push(...all[index]!.defines);
    }
  }
  return affected;
}

/** The index of the statement holding `offset`, or -1 (between statements). */
export function chunkAt(all: readonly Chunk[], offset: number): number {
  let low = 0;
  let high = all.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const chunk = all[middle]!;
    if (offset < chunk.start) high = middle - 1;
    else if (offset >= chunk.end) low = middle + 1;
    else return middle;
  }
  return -1;
}
