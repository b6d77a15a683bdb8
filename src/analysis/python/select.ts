/**
 * Phase 1, select: what of a file can matter to a loss, found by scanning its text (no parse).
 * Mentions are the places where a loss or an activation is named (or a local name an import
 * gives one); receivers are calls of names a loss module is assigned to (`criterion(`). Together
 * they are the seeds: every place a loss site can be. The statements holding a seed, the imports,
 * and — backwards — every statement that binds or changes a name those use are what gets parsed
 * (tree-sitter's included ranges); the rest of the file is never parsed. Sites are found only at
 * seeds and facts flow only from definitions to uses, so nothing else can change a finding.
 */

import type { CallKind } from '../frameworks/apis';
import { CALLED_NAMES, LOSS_CLASS_NAMES } from '../frameworks/apis';
import { readsItsCalls } from './impact';
import { calledIn } from '../ir/syntax';
import { DEFINITION_HEAD, bracketed, splitTopLevel, statementAt, type Statement } from './statements';
import { isWordChar } from '../ir/syntax';

/** Where the text names a loss or an activation: sorted offsets and lengths of whole words. */
export interface Mentions {
  readonly words: ReadonlyArray<readonly [offset: number, length: number]>;
  /** Local names imports give losses and activations: `ce` in `from ... import cross_entropy as ce`. */
  readonly aliases: readonly string[];
}

/** What an enabled rule reads besides loss sites: activation calls, and what must be near them. */
export interface ActivationReader {
  readonly kinds: readonly CallKind[];
  /** Text the statement around the activation must contain (`log(` around a sigmoid). */
  readonly near?: RegExp;
}

export interface Selection {
  readonly mentions: Mentions;
  /** Calls of names a loss module may be assigned to: offsets and lengths of the called name. */
  readonly receivers: ReadonlyArray<readonly [offset: number, length: number]>;
  /** Sorted offsets where a site can be: every place rules will look. */
  readonly seeds: readonly number[];
  /** The spans of the text to parse, sorted and disjoint; undefined for all of it. */
  readonly spans: ReadonlyArray<{ readonly start: number; readonly end: number }> | undefined;
}

/** Runs the selection over a text already scanned for mentions and split into statements. */
export function select(
  text: string,
  mentions: Mentions,
  statements: readonly Statement[],
  readers: readonly ActivationReader[],
  parseEverything = false,
  /** Files that import this one call its functions: what those pass may be a loss. */
  callersElsewhere = false,
): Selection {
  const receivers = receiverCalls(text, mentions, statements, callersElsewhere);
  const seeds = [...siteSeeds(text, mentions, statements, readers), ...receivers.map(([offset]) => offset)].sort((a, b) => a - b);
  const spans = parseEverything || seeds.length === 0 ? undefined : parseSpans(seeds, statements, text);
  return { mentions, receivers, seeds, spans };
}

/**
 * Substrings that every called name contains, for a fast first scan: the `Loss` / `_loss` most
 * losses end with, else a name's last five characters, unless the name already contains an
 * anchor chosen for a shorter one (`Softmax2d` contains `softmax`'s `ftmax`). Each hit is widened
 * to its word and looked up in `CALLED_NAMES`. (Whole names in one alternation scan 1.5x slower.)
 */
function anchorPattern(): RegExp {
  const anchors: string[] = [];
  for (const name of [...CALLED_NAMES.keys()].sort((a, b) => a.length - b.length)) {
    if (anchors.some((anchor) => name.includes(anchor))) continue;
    anchors.push(name.endsWith('Loss') ? 'Loss' : name.endsWith('_loss') ? '_loss' : name.slice(-5));
  }
  return new RegExp(anchors.join('|'), 'g');
}

const ANCHOR_SOURCE = anchorPattern().source;

/** Where the text mentions a loss or an activation, and the local names imports give them. */
export function scanMentions(text: string): Mentions {
  const words: Array<[number, number]> = [];
  const aliases: string[] = [];
  const anchors = new RegExp(ANCHOR_SOURCE, 'g');
  let lastWord = -1;
  for (let match = anchors.exec(text); match; match = anchors.exec(text)) {
    let start = match.index;
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
    let end = match.index + match[0].length;
    while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
    anchors.lastIndex = end;
    if (start === lastWord) continue;
    lastWord = start;
    if (!CALLED_NAMES.has(text.slice(start, end))) continue;
    words.push([start, end - start]);
    const alias = importAlias(text, start, end);
    if (alias) aliases.push(alias);
  }
  // Calls of `log` (`torch.log(probs)`): a log of a softmax or sigmoid output, where the file has one.
  if (/softmax|sigmoid/i.test(text)) {
    const logs = /\blog\s*\(/g;
    for (let match = logs.exec(text); match; match = logs.exec(text)) words.push([match.index, 3]);
    if (aliases.length === 0) {
      words.sort((a, b) => a[0] - b[0]);
      return { words, aliases };
    }
  }
  if (aliases.length === 0) return { words, aliases };
  const pattern = new RegExp(`\\b(?:${aliases.join('|')})\\b`, 'g');
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) words.push([match.index, match[0].length]);
  words.sort((a, b) => a[0] - b[0]);
  return { words: words.filter((entry, index) => index === 0 || entry[0] !== words[index - 1]![0]), aliases };
}

/** The activation a mentioned word names (`Softmax2d` a softmax), `log`, or undefined for losses and aliases. */
function activationNamed(word: string): CallKind | undefined {
  return word === 'log' ? 'log' : CALLED_NAMES.get(word);
}

/**
 * The local name an import gives the loss or activation named at [start, end): `ce` in
 * `from torch.nn.functional import cross_entropy as ce`, also inside a parenthesised list.
 * Aliases of anything else (`import numpy as np`, `import torch.nn as nn`) are not mentions:
 * what they lead to is named in full after the dot (`nn.BCELoss`).
 */
function importAlias(text: string, start: number, end: number): string | undefined {
  const alias = /\s+as\s+([A-Za-z_]\w*)/y;
  alias.lastIndex = end;
  const found = alias.exec(text);
  if (!found) return undefined;
  const keyword = text.lastIndexOf('import', start);
  if (keyword < 0 || !/^import\s[\w\s.,()\\]*$/.test(text.slice(keyword, start))) return undefined;
  const lineStart = text.lastIndexOf('\n', keyword) + 1;
  return /^[ \t]*(?:from\s+\S+\s+)?$/.test(text.slice(lineStart, keyword)) ? found[1] : undefined;
}

/** `name = ctor(` or `self.name: T = module.ctor(` from a line start (or `;`) to the call's parenthesis. */
const KEYWORD_CALL = /\b([A-Za-z_]\w*)[ \t]*(?::[^=,()\n]*)?=[ \t]*(?:[A-Za-z_][\w.]*\.)?([A-Za-z_]\w*)[ \t]*\($/;
const ASSIGNED_CALL = /^[ \t]*(?:self\.)?([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=[ \t]*(?:[A-Za-z_][\w.]*\.)?([A-Za-z_]\w*)[ \t]*\($/;

/**
 * Calls of the names a loss module may be assigned to (`criterion(`, `self.loss_fn (`), as sorted
 * offsets and lengths of the name: with the mentions, every place a loss site can be.
 */
function receiverCalls(text: string, mentions: Mentions, statements: readonly Statement[], callersElsewhere: boolean): Array<[offset: number, length: number]> {
  const receivers = receiverNames(text, mentions, statements, callersElsewhere);
  if (receivers.size === 0) return [];
  const calls: Array<[number, number]> = [];
  if (receivers.size > MAX_RECEIVER_PATTERN) {
    // Thousands of names (a file of as many loss lines): every call's callee, kept if it is one,
    // so the time stays linear in the file rather than in the file times the names.
    const read = (source: string) =>
      Array.from(source.matchAll(new RegExp(ANY_CALL, 'g')), (match): [number, number, string] => [match.index, match[0].length, match[1]!]);
    for (const statement of statements)
      for (const [at, length, name] of statement.memo('calls:*', read)) if (receivers.has(name)) calls.push([statement.start + at, length]);
    return calls;
  }
  const names = [...receivers].sort().join('|');
  // `criterion(` and `criterion.forward(`: the name (with `.forward`) is the callee.
  const pattern = new RegExp(`\\b(?:${names})(?:\\.forward)?(?=\\s*\\()`, 'g');
  const read = (source: string) => Array.from(source.matchAll(pattern), (match): [number, number] => [match.index, match[0].length]);
  const key = `calls:${names}`;
  for (const statement of statements) for (const [at, length] of statement.memo(key, read)) calls.push([statement.start + at, length]);
  return calls;
}

/** Above this many receiver names, one pattern of them all costs more than reading every call. */
const MAX_RECEIVER_PATTERN = 64;
/** Any call's callee name, with `.forward` (`criterion(`, `criterion.forward (`). */
const ANY_CALL = String.raw`\b([A-Za-z_]\w*)(?:\.forward)?(?=\s*\()`;

/**
 * Names a loss module may be assigned to (`criterion = nn.CrossEntropyLoss()`,
 * `self.loss_fn = Loss()`): a superset, read from the text; the interpreter decides. Only the
 * lines where a loss class (or an alias of one) is called are read.
 */
function receiverNames(text: string, mentions: Mentions, statements: readonly Statement[], callersElsewhere: boolean): Set<string> {
  const constructors = (name: string) => LOSS_CLASS_NAMES.has(name) || mentions.aliases.includes(name);
  const names = new Set<string>();
  // A loss constructed where it is not assigned: perhaps an argument, `train(model, nn.NLLLoss())`.
  let inline = false;
  for (const [offset, length] of mentions.words) {
    if (!constructors(text.slice(offset, offset + length))) continue;
    let paren = offset + length;
    while (text.charCodeAt(paren) === 32 || text.charCodeAt(paren) === 9) paren++;
    if (text.charCodeAt(paren) !== 40) continue;
    let start = offset;
    while (start > 0 && text.charCodeAt(start - 1) !== 10 && text.charCodeAt(start - 1) !== 59) start--;
    const line = text.slice(start, paren + 1);
    // `criterion = nn.BCELoss(`, and a parameter's default or a keyword argument: `loss_fn=nn.BCELoss(`.
    const match = ASSIGNED_CALL.exec(line) ?? KEYWORD_CALL.exec(line);
    if (match && constructors(match[2]!)) names.add(match[1]!);
    else inline = true;
  }
  // And the names those are handed on to: `loss_fn = criterion`, `self.criterion = criterion`,
  // and the parameters of the functions they are passed to: `train(model, criterion)`.
  let functions: Map<string, string[]> | undefined;
  let calls: Map<string, string[][]> | undefined;
  // Called from other files: every parameter a function calls may hold a loss they pass.
  if (callersElsewhere) {
    functions = functionParameters(statements);
    for (const parameters of functions.values()) for (const parameter of parameters) if (parameter && calledIn(text, parameter)) names.add(parameter);
    inline ||= names.size > 0;
  }
  for (let added = names.size > 0 || inline; added;) {
    added = false;
    functions ??= functionParameters(statements);
    calls ??= callArgumentTexts(statements, [...functions.keys()]);
    for (const [name, parameters] of functions) {
      for (const args of calls.get(name) ?? []) {
        args.forEach((argument, index) => {
          // `train(*args)`: what the splat holds is for the interpreter; the parameters it may fill are receivers.
          if (/^\*[^*]/.test(argument)) {
            for (const parameter of parameters.slice(index)) {
              if (parameter && !names.has(parameter) && calledIn(text, parameter)) {
                names.add(parameter);
                added = true;
              }
            }
            return;
          }
          const keyword = /^([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*)$/.exec(argument);
          const parameter = keyword ? keyword[1]! : /^[A-Za-z_]\w*$/.test(argument) ? parameters[index] : undefined;
          const passed = keyword ? keyword[2]! : argument;
          // A name holding a loss, or a loss constructed in the call: `train(model, nn.NLLLoss())`.
          const constructed = /^(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)\s*\(/.exec(passed);
          const inlineParameter = constructed && constructors(constructed[1]!) ? (/^([A-Za-z_]\w*)\s*=/.exec(argument)?.[1] ?? parameters[index]) : undefined;
          if (inlineParameter && !names.has(inlineParameter)) {
            names.add(inlineParameter);
            added = true;
          }
          if (parameter && names.has(passed) && !names.has(parameter)) {
            names.add(parameter);
            added = true;
          }
        });
      }
    }
    for (const statement of statements) {
      for (const [target, source] of statement.memo('copies', copiesIn)) {
        if (names.has(target) || !names.has(source)) continue;
        names.add(target);
        added = true;
      }
    }
  }
  return names;
}

/**
 * The mentions a finding can come from: every loss (and alias), and the activations some
 * enabled rule reads, where the statement around them has what that rule needs besides
 * (`log(` for a sigmoid: model zoos gate with sigmoids everywhere, and only a log of one is a
 * finding).
 */
function siteSeeds(text: string, mentions: Mentions, statements: readonly Statement[], readers: readonly ActivationReader[]): number[] {
  const seeds: number[] = [];
  // Tested without the global flag: `test` on a global pattern would carry `lastIndex` over.
  const nearby = readers.map(({ kinds, near }) => ({ kinds, near: near && new RegExp(near.source, near.flags.replace(/[gy]/g, '')) }));
  // Whether each reader's text is near, per statement: asked once per statement, not once per
  // activation in it (a statement of thousands of nested softmaxes would read itself as often).
  const nearIn = new Map<number, boolean[]>();
  for (const [offset, length] of mentions.words) {
    const kind = activationNamed(text.slice(offset, offset + length));
    if (kind === undefined) {
      seeds.push(offset);
      continue;
    }
    const index = statementAt(statements, offset);
    const statement = index >= 0 ? statements[index]! : undefined;
    let near = nearIn.get(index);
    if (!near) {
      near = nearby.map((reader) => !reader.near || !statement || reader.near.test(text.slice(statement.start, statement.end)));
      nearIn.set(index, near);
    }
    if (nearby.some(({ kinds }, at) => kinds.includes(kind) && near[at])) seeds.push(offset);
  }
  return seeds;
}

/**
 * The spans worth parsing (sorted, disjoint), or undefined when that is all of the text: imports,
 * the statements holding a seed, and — backwards — every statement that binds or changes a name a
 * kept statement uses, so the interpreter sees every definition it can follow.
 */
export function parseSpans(seeds: readonly number[], all: readonly Statement[], text?: string): Array<{ start: number; end: number }> | undefined {
  if (all.length === 0) return undefined;
  const byName = new Map<string, number[]>();
  all.forEach((statement, index) => {
    for (const name of statement.defines) {
      const list = byName.get(name);
      if (list) list.push(index);
      else byName.set(name, [index]);
    }
  });
  const keep = new Uint8Array(all.length);
  const queue: number[] = [];
  let next = 0;
  all.forEach((statement, index) => {
    while (next < seeds.length && seeds[next]! < statement.start) next++;
    if (statement.isImport || (next < seeds.length && seeds[next]! < statement.end)) {
      keep[index] = 1;
      queue.push(index);
    }
  });
  const follow = () => {
    while (queue.length > 0) {
      const statement = all[queue.pop()!]!;
      for (const name of statement.uses) {
        for (const index of byName.get(name) ?? []) {
          if (!keep[index]) {
            keep[index] = 1;
            queue.push(index);
          }
        }
      }
    }
  };
  follow();
  // The functions kept: the statements that call them too, whose arguments become their
  // parameters (one search of the text for all of them, a few rounds at most).
  const searched = new Set<string>();
  for (let round = 0; round < 3 && text !== undefined; round++) {
    const functions = new Set<string>();
    all.forEach((statement, index) => {
      const name = keep[index] ? readsItsCalls(statement) : undefined;
      if (name && !searched.has(name)) functions.add(name);
    });
    if (functions.size === 0) break;
    for (const name of functions) searched.add(name);
    for (const match of text.matchAll(new RegExp(`(?<![\\w.])(?:${[...functions].join('|')})[ \\t]*\\(`, 'g'))) {
      const index = statementAt(all, match.index);
      if (index >= 0 && !keep[index]) {
        keep[index] = 1;
        queue.push(index);
      }
    }
    follow();
  }
  if (keep.every((flag) => flag === 1) && all.every((statement) => statement.commentRuns.length === 0)) return undefined;
  const spans: Array<{ start: number; end: number }> = [];
  const add = (start: number, end: number) => {
    const last = spans[spans.length - 1];
    if (last && last.end === start) last.end = end;
    else if (end > start) spans.push({ start, end });
  };
  all.forEach((statement, index) => {
    if (!keep[index]) return;
    // Long runs of comment lines are left out: tree-sitter's time grows with their square.
    let cursor = statement.start;
    for (const [from, to] of statement.commentRuns) {
      add(cursor, statement.start + from);
      cursor = statement.start + to;
    }
    add(cursor, statement.end);
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

/** Top-level functions' parameter names, by function name: `def train(model, criterion, *, epochs=3)`. */
function functionParameters(statements: readonly Statement[]): Map<string, string[]> {
  const functions = new Map<string, string[]>();
  for (const statement of statements) for (const [name, parameters] of statement.memo('parameters', parametersIn)) functions.set(name, parameters);
  return functions;
}

/** The parameter names of the function a statement's text defines, or of a class's methods (theirs pass on what they are given too). */
function parametersIn(source: string): Array<[name: string, parameters: string[]]> {
  const found: Array<[string, string[]]> = [];
  const parametersAt = (name: string, open: number) => {
    const inside = bracketed(source, open);
    if (inside === undefined) return;
    const parameters = splitTopLevel(inside)
      .map((parameter) => /^\s*\**\s*([A-Za-z_]\w*)/.exec(parameter)?.[1] ?? '')
      .filter((parameter) => parameter !== 'self' && parameter !== 'cls');
    found.push([name, parameters]);
  };
  const fn = DEFINITION_HEAD.exec(source.slice(0, 400));
  if (fn) parametersAt(fn[1]!, fn[0].length);
  else if (/^class\b/.test(source))
    for (const method of source.matchAll(/^[ \t]+(?:async[ \t]+)?def[ \t]+([A-Za-z_]\w*)[ \t]*\(/gm)) parametersAt(method[1]!, method.index + method[0].length);
  return found;
}

/** Lines of a statement's text that copy one name into another: `loss_fn = criterion`, `self.criterion = criterion`. */
function copiesIn(source: string): Array<[target: string, source: string]> {
  const copies: Array<[string, string]> = [];
  for (const match of source.matchAll(/^[ \t]*(?:self\.)?([A-Za-z_]\w*)[ \t]*(?::[^=\n]*)?=[ \t]*(?:self\.)?([A-Za-z_]\w*)[ \t]*(?:#.*)?$/gm))
    copies.push([match[1]!, match[2]!]);
  return copies;
}

/**
 * The argument texts of the calls of each of `names` (`train(model, criterion)`), read statement
 * by statement (and kept for the next version's): not definitions, at most 16 per name; method
 * calls too (`trainer.use_loss(`), a superset the interpreter decides on.
 */
function callArgumentTexts(statements: readonly Statement[], names: readonly string[]): Map<string, string[][]> {
  const calls = new Map<string, string[][]>();
  if (names.length === 0) return calls;
  const key = `arguments:${names.join('|')}`;
  const pattern = new RegExp(`(?<![\\w])(${names.join('|')})[ \\t]*\\(`, 'g');
  const read = (source: string) => {
    const found: Array<[string, string[]]> = [];
    for (const match of source.matchAll(pattern)) {
      if (/def[ \t]+$/.test(source.slice(Math.max(0, match.index - 8), match.index))) continue;
      const inside = bracketed(source, match.index + match[0].length);
      if (inside !== undefined) found.push([match[1]!, splitTopLevel(inside).map((argument) => argument.trim())]);
    }
    return found;
  };
  const wanted = new Set(names);
  for (const statement of statements) {
    // Only statements that use one of the names, besides defining it, are read (a file of
    // thousands of functions asks about every one).
    if (!callsOneOf(statement, wanted)) continue;
    for (const [name, args] of statement.memo(key, read)) {
      const list = calls.get(name) ?? [];
      if (list.length < 16) list.push(args);
      calls.set(name, list);
    }
  }
  return calls;
}

/** Whether a statement uses one of `names` besides defining it. */
function callsOneOf(statement: Statement, names: ReadonlySet<string>): boolean {
  const defined = statement.defines[0];
  for (const used of statement.uses) if (names.has(used) && used !== defined) return true;
  return false;
}

/** Whether a text names a loss (not only an activation): a file that does not cannot pass one on. */
export function mentionsLoss(text: string): boolean {
  const mentions = scanMentions(text);
  return (
    mentions.aliases.length > 0 ||
    mentions.words.some(
      ([offset, length]) => LOSS_CLASS_NAMES.has(text.slice(offset, offset + length)) || /(?:_loss|Loss|entropy)$/.test(text.slice(offset, offset + length)),
    )
  );
}
