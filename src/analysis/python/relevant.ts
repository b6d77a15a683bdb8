/**
 * Demand-driven parsing: tree-sitter parses only the top-level statements that can matter to a
 * loss (its `includedRanges`), so the rest costs nothing while every offset stays that of the
 * file. What matters: imports, statements that mention a loss or an activation, statements using
 * a name those define, and — backwards — the top-level definitions all of them use. Parsing is
 * most of the analyzer's cost, and in a model-zoo file most code is unrelated to any loss.
 */

/** A top-level statement (decorators joined to their definition), with its names. */
export interface Chunk {
  readonly start: number;
  readonly end: number;
  /** Names this statement defines at top level (`def f`, `class C`, `x = ...`). */
  readonly defines: readonly string[];
  /** Identifiers it uses, outside strings and comments. */
  readonly uses: ReadonlySet<string>;
  readonly isImport: boolean;
}

/**
 * Splits a module into top-level statements (with decorators joined to what they decorate),
 * tracking strings, comments, brackets and line continuations so that a column-0 line inside a
 * triple-quoted string or a bracket is never taken for a new statement.
 */
export function topLevelStatements(text: string): Chunk[] {
  const result: Chunk[] = [];
  let start = -1;
  let depth = 0;
  let uses = new Set<string>();
  let i = 0;
  const n = text.length;
  let lineStart = true;
  let decorator = false;

  const close = (end: number) => {
    if (start < 0) return;
    const head = text.slice(start, Math.min(end, start + 400));
    const defines: string[] = [];
    const definition = /^(?:@[^\n]*\n\s*)*(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)/.exec(head);
    if (definition) defines.push(definition[1]!);
    else if (/^(?:from|import)\s/.test(head)) {
      // `import a.b as c` binds c, `import a.b` binds a, `from m import x as y, z` binds y and z.
      const names = text.slice(start, end).replace(/^from\s+\S+\s+import\s+/, '').replace(/^import\s+/, '').replace(/[()\\]/g, ' ');
      for (const part of names.split(',')) {
        const words = part.trim().split(/\s+/);
        const bound = words[1] === 'as' ? words[2] : words[0]?.split('.')[0];
        if (bound && /^[A-Za-z_]\w*$/.test(bound)) defines.push(bound);
      }
    } else {
      const assignment = /^([A-Za-z_][\w\s,()[\]*]*?)\s*(?::[^=\n]*)?=(?!=)/.exec(head);
      if (assignment) for (const name of assignment[1]!.match(/[A-Za-z_]\w*/g) ?? []) defines.push(name);
    }
    // Imports anywhere in the statement (`try: import apex ...`) keep it: names must resolve.
    result.push({ start, end, defines, uses, isImport: /^\s*(?:from|import)\s/m.test(text.slice(start, end)) });
    uses = new Set();
    start = -1;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    if (lineStart && depth === 0) {
      lineStart = false;
      // A statement at column 0 (not blank, not a comment) starts a new chunk, unless the previous
      // chunk is a decorator, which belongs to the definition below it.
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 35 && c !== 12) {
        if (!decorator) close(i);
        if (start < 0) start = i;
        decorator = c === 64; // '@'
      }
    }
    if (c === 10) {
      lineStart = true;
      i++;
      continue;
    }
    if (c === 35) {
      // Comment: to the end of the line.
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === 92 && text.charCodeAt(i + 1) === 10) {
      // Backslash continuation: the next line is not a new statement.
      i += 2;
      continue;
    }
    if (c === 34 || c === 39) {
      const quote = text[i]!;
      const triple = text.startsWith(quote.repeat(3), i);
      const delimiter = triple ? quote.repeat(3) : quote;
      i += delimiter.length;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92) {
          i += 2;
          continue;
        }
        if (!triple && d === 10) break;
        if (text.startsWith(delimiter, i)) {
          i += delimiter.length;
          break;
        }
        i++;
      }
      continue;
    }
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
    else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) {
      let end = i + 1;
      for (;;) {
        const d = text.charCodeAt(end);
        if ((d >= 65 && d <= 90) || (d >= 97 && d <= 122) || d === 95 || (d >= 48 && d <= 57)) end++;
        else break;
      }
      if (start >= 0) uses.add(text.slice(i, end));
      i = end;
      continue;
    }
    i++;
  }
  close(n);
  return result;
}

/**
 * The spans of `text` worth parsing (sorted, disjoint), or undefined when that is all of it.
 * `mentions` are the sorted offsets where the text mentions something the rules look at.
 */
export function relevantSpans(text: string, mentions: readonly number[], all: readonly Chunk[] = topLevelStatements(text)): Array<{ start: number; end: number }> | undefined {
  let next = 0;
  const relevant = (start: number, end: number) => {
    while (next < mentions.length && mentions[next]! < start) next++;
    return next < mentions.length && mentions[next]! < end;
  };
  if (all.length === 0) return undefined;
  const byName = new Map<string, number[]>();
  all.forEach((chunk, index) => {
    for (const name of chunk.defines) {
      const list = byName.get(name);
      if (list) list.push(index);
      else byName.set(name, [index]);
    }
  });
  const usedBy = new Map<string, number[]>();
  all.forEach((chunk, index) => {
    for (const name of chunk.uses) {
      const list = usedBy.get(name);
      if (list) list.push(index);
      else usedBy.set(name, [index]);
    }
  });
  // Relevant: statements that mention a loss or activation, and — forwards — those that use a
  // name a relevant statement defines (`criterion = nn.BCELoss()` makes `criterion(out, y)` one).
  const relevantFlags = new Uint8Array(all.length);
  const forward: number[] = [];
  all.forEach((chunk, index) => {
    if (relevant(chunk.start, chunk.end)) {
      relevantFlags[index] = 1;
      forward.push(index);
    }
  });
  while (forward.length > 0) {
    for (const name of all[forward.pop()!]!.defines) {
      for (const index of usedBy.get(name) ?? []) {
        if (!relevantFlags[index]) {
          relevantFlags[index] = 1;
          forward.push(index);
        }
      }
    }
  }
  // Kept: imports, relevant statements, and — backwards — the definitions they use.
  const keep = new Uint8Array(all.length);
  const queue: number[] = [];
  all.forEach((chunk, index) => {
    if (chunk.isImport || relevantFlags[index]) {
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

/**
 * The statements an edit can change the findings of: those it touches, and — forwards — every
 * statement that uses a name one of those defines (before or after the edit).
 */
export function affectedStatements(all: readonly Chunk[], touched: readonly number[], alsoDefined: readonly string[]): Set<number> {
  const usedBy = new Map<string, number[]>();
  all.forEach((chunk, index) => {
    for (const name of chunk.uses) {
      const list = usedBy.get(name);
      if (list) list.push(index);
      else usedBy.set(name, [index]);
    }
  });
  const affected = new Set<number>(touched);
  const names = [...alsoDefined, ...touched.flatMap((index) => all[index]!.defines)];
  const seen = new Set<string>();
  while (names.length > 0) {
    const name = names.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const index of usedBy.get(name) ?? []) {
      if (affected.has(index)) continue;
      affected.add(index);
      names.push(...all[index]!.defines);
    }
  }
  return affected;
}
