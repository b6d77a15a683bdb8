import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import { place, type MessageArg, type MessageTemplate, type Phrase } from '../../messages';
import type { Interpreter } from '../../engine/interpreter';
import type { IrNode } from '../../ir/node';
import type { PythonLossSite } from '../../engine/sites';
import { spanOf } from '../../ir/syntax';
import type { Evidence, Fact, Span } from '../../types';

/**
 * Phrases that rule messages share: where a loss was made, where a value comes from. Each is a
 * message of its own (an id and its values), rendered inside the rule's message when published.
 */
const PHRASES: Readonly<Record<string, MessageTemplate>> = {
  lossModule: (d) => l10n.t('`{0}` (`{1}`, {2})', d.name, d.loss, d.place),
  fileLine: (d) => l10n.t('{0}, line {1}', d.file, d.line),
  rootWithNote: (d) => l10n.t('`{0}` ({1}: {2})', d.code, d.place, d.note),
  root: (d) => l10n.t('`{0}` ({1})', d.code, d.place),
  alreadyActivated: (d) => l10n.t('`{0}` is already a {1} output', d.argument, d.activation),
  comesFrom: (d) => l10n.t('`{0}` comes from {1}', d.argument, d.root),
};

export function phraseTemplate(id: string): MessageTemplate {
  const template = PHRASES[id];
  if (!template) throw new Error(`no phrase ${id}`);
  return template;
}

function phrase(id: keyof typeof PHRASES, data: Phrase['data']): Phrase {
  return { phrase: id, data };
}

/** `nn.BCELoss` as the code writes it (the construction's callee), for messages. */
function lossAsWritten(site: PythonLossSite): string {
  const call = site.construction ?? site.call;
  return call.childForFieldName('function')?.text ?? site.qualified;
}

/** "`criterion` (`nn.BCELoss`, line 12)" or "`F.cross_entropy`". */
export function lossReference(site: PythonLossSite): MessageArg {
  if (site.compiled) return `\`${short(site.compiled.loss.text)}\``;
  const callee = site.call.childForFieldName('function');
  const inline = site.construction && callee && callee.startIndex === site.construction.startIndex;
  if (site.kind === 'application' && site.construction && !inline) {
    // A construction in another file is named by that file and line.
    const where = site.constructionFile
      ? phrase('fileLine', { file: basename(site.constructionFile.path), line: site.constructionFile.line })
      : place(site.construction.startIndex);
    return phrase('lossModule', { name: callee?.text ?? '', loss: lossAsWritten(site), place: where });
  }
  return `\`${lossAsWritten(site)}\``;
}

/** The root of a fact's evidence chain: "`self.head = nn.Linear(64, 1)` (line 9: nn.Linear with 1 output...)". */
export function rootCause(fact: Fact): MessageArg {
  const root = fact.evidence[0];
  if (!root) return '';
  // Evidence in an imported module names its file.
  const where = root.file ? phrase('fileLine', { file: basename(root.file.path), line: root.file.line }) : place(root.span.start);
  return root.note ? phrase('rootWithNote', { code: root.text, place: where, note: root.note }) : phrase('root', { code: root.text, place: where });
}

/** How an argument gets its meaning: written inline ("`torch.sigmoid(x)` is a sigmoid output") or from elsewhere. */
export function comesFrom(argument: IrNode, fact: Fact): MessageArg {
  const activation = fact.activation;
  if (activation?.call && !activation.inModel && activation.call.start >= argument.startIndex && activation.call.end <= argument.endIndex) {
    return phrase('alreadyActivated', { argument: short(argument.text), activation: activation.fn });
  }
  return phrase('comesFrom', { argument: short(argument.text), root: rootCause(fact) });
}

function short(code: string, limit = 40): string {
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

/**
 * Whether a loss gets a label where its prediction goes and the model's output where its target
 * goes: a batch's target, one-hot labels, or integer class indices (never predictions), against the model (LL007).
 */
export function looksSwapped(input: Fact, target: Fact): boolean {
  return (
    target.origin === 'model' &&
    (input.origin === 'label' || input.oneHot === true || (input.dtype === 'int' && input.space === 'unknown' && target.space !== 'unknown'))
  );
}

/** Facts of a site's input and target arguments. */
export function siteFacts(interpreter: Interpreter, site: PythonLossSite, input = 'input', target = 'target') {
  const inputNode = site.args.get(input);
  const targetNode = site.args.get(target);
  return {
    inputNode,
    targetNode,
    // A compiled Keras model: the loss's input is the model's output.
    input: site.compiled && input === 'input' ? site.compiled.output : inputNode ? interpreter.factOf(inputNode) : undefined,
    target: targetNode ? interpreter.factOf(targetNode) : undefined,
  };
}

/** Where a finding about a site's input is reported: the argument, or the loss of a `compile`. */
export function inputSpan(site: PythonLossSite, inputNode: IrNode): Span {
  return spanOf(site.compiled?.loss ?? inputNode);
}
