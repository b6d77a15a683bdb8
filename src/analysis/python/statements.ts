/**
 * Top-level statements: the unit the analyzer selects, parses, binds and re-checks. A module is
 * split into them by a scan of its text that tracks strings, comments, brackets and line
 * continuations (no parse needed), and after an edit only the text around the change is scanned
 * again.
 */

import type { TextChange } from './parser';

/** Escapes, and what ends each kind of string literal (a newline ends an unterminated short one). */
function stringEnd(delimiter: string): RegExp {
  switch (delimiter) {
    case '"""':
      return /\\[\s\S]|"""/g;
    case "'''":
      return /\\[\s\S]|'''/g;
    case '"':
      return /\\[\s\S]|["\n]/g;
    default:
      return /\\[\s\S]|['\n]/g;
  }
}

function skipString(text: string, i: number, end: number): number {
  const quote = text[i]!;
  const delimiter = text.startsWith(quote.repeat(3), i) ? quote.repeat(3) : quote;
  const pattern = stringEnd(delimiter);
  pattern.lastIndex = i + delimiter.length;
  for (let match = pattern.exec(text); match && match.index < end; match = pattern.exec(text)) {
    if (match[0].charCodeAt(0) === 92) continue; // an escape
    return Math.min(end, match[0] === '\n' ? match.index : match.index + match[0].length);
  }
  return end;
}

/** Clauses that continue the compound statement above them. */
const CLAUSE = /^(?:else|elif|except|finally)\b/;
const COMPOUND = /^(?:if|elif|else|for|while|with|try|except|finally|match|async)\b/;
const AUGMENTED = /^([A-Za-z_]\w*)\s*(?:[-+*/%@&|^]|\/\/|\*\*|<<|>>)=/;
const MUTATION = /^([A-Za-z_]\w*)\s*[.[]/;
/** `setattr(model, "fc", ...)` changes `model`. */
const SETATTR = /^setattr\s*\(\s*([A-Za-z_]\w*)/;
/** Inside a compound statement: assignment targets, `as` and `for` targets, definitions, mutated names. */
function nestedDefinitions(): RegExp {
  return /(?:^|[\n;])[ \t]*([A-Za-z_][\w \t,()[\]*]*?)[ \t]*(?::[^=\n]*)?(?:[-+*/%@&|^]|\/\/|\*\*|<<|>>)?=(?!=)|\bas[ \t]+([A-Za-z_]\w*)|\bfor[ \t]+([\w \t,()*]+?)[ \t]+in\b|\b(?:def|class)[ \t]+([A-Za-z_]\w*)|(?:^|\n)[ \t]*([A-Za-z_]\w*)[ \t]*[.[]|(?:^|\n)[ \t]*setattr[ \t]*\([ \t]*([A-Za-z_]\w*)/g;
}

/** The most memos a statement keeps (`Statement.memo`). */
const MAX_MEMOS = 16;

/** A top-level statement (decorators joined to their definition), with its names. */
export class Statement {
  /** Memo of `uses`: a function of the statement's text alone, so it moves with the statement. */
  private usesCache: ReadonlySet<string> | undefined;
  /** Memos of other functions of its text alone (`memo`), by key, shared with its moved copies. */
  private memos = new Map<string, unknown>();

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
    /**
     * Runs of comment-only lines inside it (at least `COMMENT_RUN` comment lines, blank lines
     * between them included), as offsets relative to its start: never handed to the parser.
     */
    readonly commentRuns: ReadonlyArray<readonly [start: number, end: number]> = [],
  ) {}

  /** The same statement in a new version of the text, `delta` characters further on. */
  movedTo(text: string, delta: number): Statement {
    const moved = new Statement(text, this.start + delta, this.end + delta, this.defines, this.isImport, this.commentRuns);
    moved.usesCache = this.usesCache;
    moved.memos = this.memos;
    return moved;
  }

  /**
   * What `read` gives for the statement's text, computed once for it and every moved copy:
   * `read` must depend on nothing but that text and what `key` names.
   */
  memo<T>(key: string, read: (source: string) => T): T {
    if (this.memos.has(key)) return this.memos.get(key) as T;
    // Keys naming sets of names change as the file does: the oldest are let go.
    if (this.memos.size >= MAX_MEMOS) this.memos.delete(this.memos.keys().next().value!);
    const value = read(this.text.slice(this.start, this.end));
    this.memos.set(key, value);
    return value;
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

/** What the lines of a block (or a statement's indented lines) may bind: targets, definitions, imports. */
function nestedNames(body: string): string[] {
  const names: string[] = [];
  for (const match of body.matchAll(nestedDefinitions())) {
    const targets = match[1] ?? match[3];
    if (targets) for (const name of targets.match(/[A-Za-z_]\w*/g) ?? []) names.push(name);
    const single = match[2] ?? match[4] ?? match[5] ?? match[6];
    if (single) names.push(single);
  }
  return names;
}

/** Whether a line of `body` after the first starts indented where no bracket is open (strings not told apart: a guess that errs towards yes). */
function indentedOutsideBrackets(body: string): boolean {
  let depth = 0;
  for (let at = 0; at < body.length; at++) {
    const char = body[at]!;
    if (char === '(' || char === '[' || char === '{') depth++;
    else if (char === ')' || char === ']' || char === '}') depth = Math.max(0, depth - 1);
    else if (char === '\n' && depth === 0 && (body[at + 1] === ' ' || body[at + 1] === '\t') && body[at - 1] !== '\\') return true;
  }
  return false;
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
    defines.push(...nestedNames(body));
    // Imports inside (`try: import apex ...`) keep it: names must resolve.
    return { defines, isImport: /^\s*(?:from|import)\s/m.test(body) };
  }
  // Every target of a chain: `a = b = value` binds b too (and so does `a = b, c = 1`, as the
  // parser reads a half-typed line).
  let rest = head;
  for (
    let target = /^\s*([A-Za-z_([][\w\s,()[\]*.]*?)\s*(?::[^=\n]*)?=(?![=])/.exec(rest);
    target;
    target = /^\s*([A-Za-z_([][\w\s,()[\]*.]*?)\s*=(?![=])/.exec(rest)
  ) {
    // A call is a value, not a target: `x = f(a=1)` binds x alone.
    if (/[\w\])]\s*\(/.test(target[1]!)) break;
    for (const name of target[1]!.match(/[A-Za-z_]\w*/g) ?? []) defines.push(name);
    rest = rest.slice(target[0].length);
  }
  const changed = AUGMENTED.exec(head) ?? MUTATION.exec(head) ?? SETATTR.exec(head);
  if (changed) defines.push(changed[1]!);
  // An indented line outside brackets (a line above lost its colon while being typed): what the
  // lines may bind counts too, as in a block.
  const body = text.slice(start, end);
  if (/\n[ \t]+\S/.test(body) && indentedOutsideBrackets(body)) defines.push(...nestedNames(body));
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
export function topLevelStatements(text: string, previous?: { readonly statements: readonly Statement[]; readonly change: TextChange }): Statement[] {
  const old = previous?.statements ?? [];
  if (!previous || old.length === 0) return scanStatements(text, 0).statements;
  const { change } = previous;
  const delta = change.newEnd - change.oldEnd;
  let first = old.findIndex((statement) => statement.end > change.start);
  if (first < 0) first = old.length;
  // The statement before the change too: an edit at the start of a line can join the two.
  const from = Math.max(0, first - 1);
  const kept = old.slice(0, from).map((statement) => statement.movedTo(text, 0));
  const starts = old.map((statement) => statement.start);
  let resume = -1;
  const { statements } = scanStatements(text, from > 0 || change.start >= old[0]!.start ? old[from]!.start : 0, (start) => {
    if (start < change.newEnd) return false;
    resume = binarySearch(starts, start - delta);
    return resume >= 0;
  });
  const moved = resume >= 0 ? old.slice(resume).map((statement) => statement.movedTo(text, delta)) : [];
  return [...kept, ...statements, ...moved];
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
function scanStatements(text: string, from: number, stop?: (start: number) => boolean): { statements: Statement[] } {
  const result: Statement[] = [];
  let start = -1;
  let depth = 0;
  let i = from;
  const n = text.length;
  let lineStart = true;
  let decorator = false;
  // Only newlines, comments, strings, brackets and backslashes matter: the scan jumps between them.
  const special = /[\n#'"\\()[\]{}]/g;
  // The comment-only lines of the statement being read, in runs.
  let runs: Array<readonly [number, number]> = [];
  let run = { start: -1, end: -1, lines: 0 };

  const endRun = () => {
    if (start >= 0 && run.lines >= COMMENT_RUN) runs.push([run.start - start, run.end - start]);
    run = { start: -1, end: -1, lines: 0 };
  };

  const close = (end: number) => {
    endRun();
    if (start >= 0) {
      const { defines, isImport } = definedNames(text, start, end);
      result.push(new Statement(text, start, end, defines, isImport, runs));
    }
    start = -1;
    runs = [];
  };

  while (i < n) {
    let c = text.charCodeAt(i);
    if (lineStart) {
      lineStart = false;
      let first = i;
      while (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9 || text.charCodeAt(first) === 12) first++;
      const kind = text.charCodeAt(first);
      if (kind === 35) {
        // A comment-only line: it joins the run (blank lines in between do not end one).
        const newline = text.indexOf('\n', first);
        if (run.start < 0) run.start = i;
        run.end = newline < 0 ? n : newline + 1;
        run.lines++;
      } else if (kind !== 10 && kind !== 13 && first < n) {
        endRun();
      }
      // A statement at column 0 (not blank, not a comment, not inside brackets) starts a new
      // statement, unless the previous statement is a decorator, which belongs to the definition
      // below it, or the line continues a compound statement (`else:`, `elif`, `except`,
      // `finally`). A line inside brackets never does, even after they close on it (`    ):`).
      if (depth === 0 && c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 35 && c !== 12) {
        const continues = (c === 101 || c === 102) && CLAUSE.test(text.slice(i, i + 8)); // e, f
        if (!decorator && !continues) {
          close(i);
          if (stop?.(i)) return { statements: result };
        }
        if (start < 0) start = i;
        decorator = c === 64; // '@'
      }
    }
    special.lastIndex = i;
    if (!special.test(text)) break;
    i = special.lastIndex - 1;
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
  return { statements: result };
}

/**
 * How many comment lines in a row are left out of the parse. tree-sitter's Python scanner looks
 * past every following comment line at each newline, to find the next line's indentation: a run
 * of k comment lines costs k², and 5,000 of them took 12 s. Shorter runs cost nothing that
 * matters, and keeping them in leaves fewer ranges.
 */
const COMMENT_RUN = 4;

/** The index of the statement holding `offset`, or -1 (between statements). */
export function statementAt(all: readonly Statement[], offset: number): number {
  let low = 0;
  let high = all.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const statement = all[middle]!;
    if (offset < statement.start) high = middle - 1;
    else if (offset >= statement.end) low = middle + 1;
    else return middle;
  }
  return -1;
}

/**
 * For each statement of the new version, the index of the same statement in the previous one,
 * or -1 when it is new or changed: the same when a statement with its text started at the same
 * place before the edit (moved by the edit's length when after it). What is known of a statement
 * carries over along this correspondence.
 */
export function correspondence(
  before: { readonly text: string; readonly statements: readonly Statement[] },
  text: string,
  statements: readonly Statement[],
  change: TextChange,
): Int32Array {
  const delta = change.newEnd - change.oldEnd;
  const byStart = new Map<number, number>();
  before.statements.forEach((statement, index) => byStart.set(statement.start, index));
  const result = new Int32Array(statements.length).fill(-1);
  statements.forEach((statement, index) => {
    const oldStart = statement.start >= change.newEnd ? statement.start - delta : statement.start;
    const old = byStart.get(oldStart);
    if (old === undefined) return;
    const candidate = before.statements[old]!;
    if (candidate.end - candidate.start !== statement.end - statement.start) return;
    if (before.text.slice(candidate.start, candidate.end) === text.slice(statement.start, statement.end)) result[index] = old;
  });
  return result;
}

/** A function definition's start (decorators included), up to its parameters' parenthesis; the name is group 1. */
export const DEFINITION_HEAD = /^(?:@[^\n]*\n\s*)*(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/;

/** The text from `from` (just after an opening bracket) to its closing one; undefined when it does not close within 4,000 characters. */
export function bracketed(text: string, from: number): string | undefined {
  let depth = 1;
  const end = Math.min(text.length, from + 4000);
  for (let at = from; at < end; at++) {
    const code = text.charCodeAt(at);
    if (code === 40 || code === 91 || code === 123) depth++;
    else if (code === 41 || code === 93 || code === 125) {
      depth--;
      if (depth === 0) return text.slice(from, at);
    }
  }
  return undefined;
}

/** Splits at the commas outside brackets. */
export function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let at = 0; at < list.length; at++) {
    const code = list.charCodeAt(at);
    if (code === 40 || code === 91 || code === 123) depth++;
    else if (code === 41 || code === 93 || code === 125) depth--;
    else if (code === 44 && depth === 0) {
      parts.push(list.slice(start, at));
      start = at + 1;
    }
  }
  if (list.slice(start).trim()) parts.push(list.slice(start));
  return parts;
}
