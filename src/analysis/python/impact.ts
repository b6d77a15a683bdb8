/**
 * Edit impact: which top-level statements an edit can change the findings of. The others keep
 * the findings they had (see `SourceFile`), which is what makes re-analysis after a keystroke
 * cost the edit, not the file.
 */

import { statementAt, type Statement } from './statements';
import { isWordChar } from './syntax';

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
