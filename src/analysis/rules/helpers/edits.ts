import * as l10n from '@vscode/l10n';
import type { IrNode } from '../../ir/node';
import type { PythonLossSite } from '../../engine/sites';
import { spanOf, stringLiteral } from '../../ir/syntax';
import type { BoundModule } from '../../engine/binder';
import { tfjsNamespace } from '../../frameworks/tfjs';
import type { Fix, TextEdit } from '../../types';

/**
 * Renames what a call calls when it is written as an attribute (`nn.BCELoss`, `F.softmax`,
 * `torch.sigmoid`): only the last name changes, the prefix and everything else stay as written.
 * Bare names (`BCELoss` imported from torch.nn) get no edit: the new name would need an import.
 */
export function renameCallee(call: IrNode, newName: string): TextEdit | undefined {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'attribute') return undefined;
  const attribute = callee.childForFieldName('attribute');
  return attribute ? { span: spanOf(attribute), newText: newName } : undefined;
}

/** Appends text right after a node: `.long()` after a target. */
export function appendAfter(node: IrNode, text: string, parenthesize: boolean): TextEdit[] {
  if (!parenthesize) return [{ span: { start: node.endIndex, end: node.endIndex }, newText: text }];
  return [
    { span: { start: node.startIndex, end: node.startIndex }, newText: '(' },
    { span: { start: node.endIndex, end: node.endIndex }, newText: `)${text}` },
  ];
}

/** Whether `node` can take a method call without parentheses (`x`, `self.y`, `f(x)`, `a[0]`). */
export function isPrimary(node: IrNode): boolean {
  return /^(identifier|attribute|call|subscript|parenthesized_expression)$/.test(node.type);
}

/** Adds a keyword argument at the end of a call's argument list, keeping its formatting. */
export function addKeyword(call: IrNode, keyword: string): TextEdit | undefined {
  const list = call.childForFieldName('arguments');
  if (list?.type !== 'argument_list') return undefined;
  const close = list.endIndex - 1;
  const hasArguments = list.namedChildren.some((child) => child && child.type !== 'comment');
  const text = list.text;
  const beforeClose = text[text.length - 2] ?? '';
  if (!hasArguments) return { span: { start: close, end: close }, newText: keyword };
  if (/,\s*\)$/.test(text)) return { span: { start: close, end: close }, newText: /\s/.test(beforeClose) ? keyword : ` ${keyword}` };
  return { span: { start: close, end: close }, newText: `, ${keyword}` };
}

/**
 * Sets `from_logits=` of a Keras loss: the value where it is written, else a keyword added to the
 * loss's construction. Safe when the loss is written inside the `compile` (or call) it is used
 * in; a loss object built elsewhere may have other uses, so changing it there is unsafe.
 */
export function fromLogitsFix(site: PythonLossSite, value: boolean): Fix | undefined {
  // A loss made in another file is not edited from this one.
  if (site.constructionFile && !site.compiled) return undefined;
  const written = site.compiled?.fromLogits ?? site.options.get('from_logits');
  const construction = site.compiled?.lossCall ?? site.construction;
  const edit: TextEdit | undefined = written
    ? { span: spanOf(written), newText: value ? 'True' : 'False' }
    : construction && value
      ? addKeyword(construction, 'from_logits=True')
      : undefined;
  if (!edit) return undefined;
  const scope = site.compiled?.loss ?? site.call;
  const inline = !!construction && construction.startIndex >= scope.startIndex && construction.endIndex <= scope.endIndex;
  return { title: l10n.t('Set from_logits={0}', value ? 'True' : 'False'), safety: inline ? 'safe' : 'unsafe', edits: [edit] };
}

/**
 * TensorFlow.js has no `fromLogits`: a loss on probabilities given to `compile` as a string is
 * replaced by the loss on logits (`'binaryCrossentropy'` → `tf.losses.sigmoidCrossEntropy`), under
 * the name the file gives TensorFlow.js. Safe: the string is written in the compile it is used in.
 */
export function tfjsLogitsFix(site: PythonLossSite, module: BoundModule): Fix | undefined {
  const onLogits = site.api.onLogits;
  const loss = site.compiled?.loss;
  if (site.api.framework !== 'tfjs' || !onLogits || !loss || stringLiteral(loss) === undefined) return undefined;
  const namespace = tfjsNamespace(module);
  if (!namespace) return undefined;
  const replacement = `${namespace}.${onLogits}`;
  return { title: l10n.t('Use {0}', replacement), safety: 'safe', edits: [{ span: spanOf(loss), newText: replacement }] };
}
