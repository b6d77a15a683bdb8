import * as l10n from '@vscode/l10n';
import type { Evaluator } from '../../python/evaluator';
import type { SyntaxNode } from '../../python/parser';
import type { PythonLossSite } from '../../python/sites';
import { lineOf } from '../../python/syntax';
import type { Evidence, Fact } from '../../types';

/** `nn.BCELoss` as the code writes it (the construction's callee), for messages. */
export function lossAsWritten(site: PythonLossSite): string {
  const call = site.construction ?? site.call;
  return call.childForFieldName('function')?.text ?? site.qualified;
}

/** "`criterion` (`nn.BCELoss`, line 12)" or "`F.cross_entropy`". */
export function lossReference(site: PythonLossSite, text: string): string {
  if (site.kind === 'application' && site.construction) {
    const callee = site.call.childForFieldName('function')?.text ?? '';
    return l10n.t('`{0}` (`{1}`, line {2})', callee, lossAsWritten(site), lineOf(text, site.construction.startIndex));
  }
  return `\`${lossAsWritten(site)}\``;
}

/** The root of a fact's evidence chain, as "`self.head = nn.Linear(64, 1)` (line 9)". */
export function rootCause(fact: Fact, text: string): string {
  const root = fact.evidence[0];
  if (!root) return '';
  return l10n.t('`{0}` (line {1})', root.text.replace(/^`[^`]+`: /, ''), lineOf(text, root.span.start));
}

/** How an argument gets its value: "`out` comes from `...` (line 9)" or just the root cause. */
export function comesFrom(argument: SyntaxNode, fact: Fact, text: string): string {
  const root = rootCause(fact, text);
  if (argument.type === 'identifier' || argument.type === 'attribute') return l10n.t('`{0}` comes from {1}', argument.text, root);
  return l10n.t('`{0}` is {1}', short(argument.text), root);
}

export function short(code: string, limit = 40): string {
  const line = code.replace(/\s+/g, ' ');
  return line.length > limit ? `${line.slice(0, limit - 3)}...` : line;
}

/** The evidence chain without repeats of the same statement. */
export function chain(fact: Fact): Evidence[] {
  const seen = new Set<number>();
  return fact.evidence.filter((entry) => {
    if (seen.has(entry.span.start)) return false;
    seen.add(entry.span.start);
    return true;
  });
}

/** Facts of a site's input and target arguments. */
export function siteFacts(evaluator: Evaluator, site: PythonLossSite, input = 'input', target = 'target') {
  const inputNode = site.args.get(input);
  const targetNode = site.args.get(target);
  return {
    inputNode,
    targetNode,
    input: inputNode ? evaluator.factOf(inputNode) : undefined,
    target: targetNode ? evaluator.factOf(targetNode) : undefined,
  };
}
