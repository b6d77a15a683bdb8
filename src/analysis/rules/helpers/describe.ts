import { basename } from 'node:path';
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

/** Where an offset is, in words: "line 12", or "cell 3, line 2" in a notebook. */
export type Locate = (offset: number) => string;

export function lineLocator(text: string): Locate {
  return (offset) => l10n.t('line {0}', lineOf(text, offset));
}

/** "`criterion` (`nn.BCELoss`, line 12)" or "`F.cross_entropy`". */
export function lossReference(site: PythonLossSite, locate: Locate): string {
  const callee = site.call.childForFieldName('function');
  const inline = site.construction && callee && callee.startIndex === site.construction.startIndex;
  if (site.kind === 'application' && site.construction && !inline) {
    return l10n.t('`{0}` (`{1}`, {2})', callee?.text ?? '', lossAsWritten(site), locate(site.construction.startIndex));
  }
  return `\`${lossAsWritten(site)}\``;
}

/** The root of a fact's evidence chain: "`self.head = nn.Linear(64, 1)` (line 9: nn.Linear with 1 output...)". */
export function rootCause(fact: Fact, locate: Locate): string {
  const root = fact.evidence[0];
  if (!root) return '';
  // Evidence in an imported module names its file.
  const where = root.file ? l10n.t('{0}, line {1}', basename(root.file.path), root.file.line) : locate(root.span.start);
  return root.note ? l10n.t('`{0}` ({1}: {2})', root.text, where, root.note) : l10n.t('`{0}` ({1})', root.text, where);
}

/** How an argument gets its meaning: written inline ("`torch.sigmoid(x)` is a sigmoid output") or from elsewhere. */
export function comesFrom(argument: SyntaxNode, fact: Fact, locate: Locate): string {
  const activation = fact.activation;
  if (activation?.call && !activation.inModel && activation.call.start >= argument.startIndex && activation.call.end <= argument.endIndex) {
    return l10n.t('`{0}` is already a {1} output', short(argument.text), activation.fn);
  }
  return l10n.t('`{0}` comes from {1}', short(argument.text), rootCause(fact, locate));
}

export function short(code: string, limit = 40): string {
  const line = code.replace(/\s+/g, ' ');
  return line.length > limit ? `${line.slice(0, limit - 3)}...` : line;
}

/** The evidence chain without repeats of the same statement. */
export function chain(fact: Fact): Evidence[] {
  const seen = new Set<string>();
  return fact.evidence.filter((entry) => {
    const key = `${entry.file?.path ?? ''}:${entry.span.start}`;
    if (seen.has(key)) return false;
    seen.add(key);
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

/**
 * Whether every application of the same loss (every call of the module a site constructs, or the
 * site itself for a function) gets an input in `space`: the condition for a rename to be safe.
 */
export function everyApplicationGets(losses: readonly PythonLossSite[], evaluator: Evaluator, site: PythonLossSite, space: Fact['space']): boolean {
  const applications = site.construction
    ? losses.filter((other) => other.kind === 'application' && other.construction?.startIndex === site.construction!.startIndex)
    : [site];
  return applications.every((other) => {
    const node = other.args.get(other.api.parameters[0]!);
    return node ? evaluator.factOf(node).space === space : false;
  });
}
