import * as l10n from '@vscode/l10n';
import type { IrNode } from '../../ir/node';
import type { Fact, Fix } from '../../types';

/**
 * A fix that feeds the loss the value before an activation. Safe when the activation is written
 * inline in the argument (`loss(torch.sigmoid(x), y)` → `loss(x, y)`); unsafe when the argument
 * is a variable holding the activation's output, since the pre-activation name must still mean
 * the same thing where the loss is computed. None when the activation is inside the model.
 */
export function passPreActivation(argument: IrNode, fact: Fact, text: string): Fix | undefined {
  const activation = fact.activation;
  if (!activation?.call || !activation.input || activation.inModel) return undefined;
  const before = text.slice(activation.input.start, activation.input.end);
  if (argument.startIndex === activation.call.start && argument.endIndex === activation.call.end) {
    return {
      title: l10n.t('Remove the {0}: pass `{1}`', activation.fn, before),
      safety: 'safe',
      edits: [{ span: { start: argument.startIndex, end: argument.endIndex }, newText: before }],
    };
  }
  // A name from another function (a model's `forward` or `__call__`) means nothing where the loss is.
  if (argument.type === 'identifier' && /^[A-Za-z_][\w.]*$/.test(before) && sameFunction(argument, activation.call.start)) {
    return {
      title: l10n.t('Pass the value before the {0}: `{1}`', activation.fn, before),
      safety: 'unsafe',
      edits: [{ span: { start: argument.startIndex, end: argument.endIndex }, newText: before }],
    };
  }
  return undefined;
}

/** Whether `offset` lies in the same function (or both at module level) as `node`. */
function sameFunction(node: IrNode, offset: number): boolean {
  const enclosing = (start: IrNode | null): number | undefined => {
    for (let current = start; current; current = current.parent) if (current.type === 'function_definition') return current.id;
    return undefined;
  };
  let root: IrNode = node;
  while (root.parent) root = root.parent;
  return enclosing(node) === enclosing(root.descendantForIndex(offset));
}
