/**
 * Edit impact: which top-level statements an edit can change the findings of. The others keep
 * the findings they had (see `SourceFile`), which is what makes re-analysis after a keystroke
 * cost the edit, not the file.
 */

import { DEFINITION_HEAD, bracketed, statementAt, type Statement } from './statements';
import { isWordChar, readsParameter } from '../ir/syntax';

/** The end of `def` or `class` (as a word), just before a name being defined. */
const DEFINED_HERE = /(?:^|[^\w])(?:def|class)$/;

/**
 * The statements an edit can change the findings of: those it touches, and — forwards — every
 * statement that uses a name one of those defines (before or after the edit). Users are found by
 * searching the text for the name as a word, neither after a dot nor defined there
 * (`model.train()` and `def train(` do not use a name `train`), which may also find it in a
 * string or comment: one statement more checked again, never one less.
 */
export function affectedStatements(text: string, all: readonly Statement[], touched: readonly number[], alsoDefined: readonly string[]): Set<number> {
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
      const index = statementAt(all, at);
      if (index < 0 || affected.has(index)) continue;
      affected.add(index);
      names.push(...all[index]!.defines);
    }
  }
  return affected;
}

/**
 * The name of the function a top-level statement defines when it calls one of its parameters:
 * `criterion(out, y)`, `model.forward(x)`. Only those parameters are bound from the function's
 * calls (see `Interpreter.passed`); read from the text, every word between the parentheses of
 * the `def` counts as a parameter (and a parameter list too long to read counts as calling one),
 * so this says yes whenever the interpreter could.
 */
export function readsItsCalls(statement: Statement): string | undefined {
  return statement.memo('readsItsCalls', readsCallsIn);
}

/** `readsItsCalls` for a statement's text alone (so that it is read once per statement). */
function readsCallsIn(source: string): string | undefined {
  const head = DEFINITION_HEAD.exec(source.slice(0, 400));
  if (!head) return undefined;
  const name = head[1]!;
  const inside = bracketed(source, head[0].length);
  if (inside === undefined) return name;
  const words = [...new Set(inside.match(/[A-Za-z_]\w*/g) ?? [])].filter((word) => word !== 'self');
  return words.length > 0 && readsParameter(source.slice(head[0].length + inside.length), words.join('|'), source) ? name : undefined;
}

/**
 * The top-level functions the given statements call (`train(model, criterion)`), as indices of
 * the statements that define them: what a call passes is what their parameters hold, so an edit
 * to a call can change their findings. Classes too, whose methods the statements call
 * (`trainer.use_loss(nn.NLLLoss())`) or whose attributes they store on an instance
 * (`trainer.net = ...`): a superset, found in the text.
 */
export function calledDefinitions(text: string, all: readonly Statement[], callers: readonly string[]): number[] {
  const called = new Set<string>();
  const members = new Set<string>();
  for (const caller of callers) {
    for (const match of caller.matchAll(/(?<![\w.])([A-Za-z_]\w*)[ \t]*\(/g)) called.add(match[1]!);
    // On an object from outside (not `self.head(x)` inside the class itself, nor `super().__init__()`).
    for (const match of caller.matchAll(/(?<!\bself|\bthis)\.[ \t]*([A-Za-z_]\w*)[ \t]*(?:\(|=(?!=))/g))
      if (!match[1]!.startsWith('__')) members.add(match[1]!);
  }
  const found: number[] = [];
  all.forEach((statement, index) => {
    if (called.has(statement.defines[0] ?? '') && readsItsCalls(statement)) found.push(index);
    else if (members.size > 0 && text.startsWith('class', statement.start)) {
      const own = statement.memo('classMembers', classMembers);
      for (const member of members) {
        if (own.has(member)) {
          found.push(index);
          break;
        }
      }
    }
  });
  return found;
}

/** The methods a class's text defines and the attributes it stores or reads on its instances (`def name`, `self.name`). */
function classMembers(source: string): ReadonlySet<string> {
  return new Set(Array.from(source.matchAll(/(?:def[ \t]+|(?:self|this)\.)([A-Za-z_]\w*)/g), (match) => match[1]!));
}
