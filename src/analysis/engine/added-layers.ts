import type { Interpreter } from './interpreter';
import type { IrNode } from '../ir/node';
import { callArguments, dottedParts, type CallArguments } from '../ir/syntax';
import type { Layer } from './values';

/**
 * What is done to a model after it is built, while a name holds it: layers appended, parts
 * replaced.
 */

/**
 * The layers appended, later in the same scope, to the model a call builds and a name holds:
 * `seq.add_module("head", nn.Linear(...))` in PyTorch, `model.add(layers.Dense(10))` in Keras.
 * `pick` says which argument of which method adds one. Undefined when an added value is not a
 * layer LossLens knows (the model's output is then unknown).
 */
export function addedLayers(
  interpreter: Interpreter,
  construction: IrNode,
  pick: (method: string, args: CallArguments) => IrNode | undefined,
  depth: number,
): Layer[] | undefined {
  const assignment = construction.parent?.type === 'assignment' ? construction.parent : undefined;
  const target = assignment?.childForFieldName('left');
  if (!target) return [];
  const layers: Layer[] = [];
  const scope = interpreter.module.scopeOf(construction);
  const receiver = dottedParts(target)?.join('.');
  if (!receiver) return [];
  // The calls made while the name holds this model: after its assignment, before the next one
  // (a notebook that builds `model` twice adds to each in turn).
  const next = target.type === 'identifier' ? scope.bindings(target.text).find((binding) => binding.at > assignment!.endIndex)?.at : undefined;
  let lastConditional = false;
  for (const call of scope.callsOn(receiver)) {
    if (call.startIndex < assignment!.startIndex || (next !== undefined && call.startIndex > next)) continue;
    const method = call.childForFieldName('function')?.childForFieldName('attribute')?.text;
    const added = method ? pick(method, callArguments(call)) : undefined;
    if (!added) continue;
    const value = interpreter.value(added, depth);
    if (value.kind !== 'layer') return undefined;
    layers.push(value.layer);
    lastConditional = inBranch(call, assignment!);
  }
  // A last layer added in a branch or a loop (`if logits: model.add(Dense(10)) else: ...`) may
  // not be the last one: the output is unknown.
  return lastConditional ? undefined : layers;
}

/**
 * The values stored into attributes or items of the model a call builds, while a name holds it
 * (`model.fc = nn.Linear(2048, 2)` after `model = resnet50()`; also after `model = model.to(device)`,
 * which keeps the same model): in order, each with the path stored into (`fc`, `classifier[6]`)
 * and whether it is in a branch or loop the construction is not in. Empty when the call is not
 * assigned to a name.
 */
export function storesIntoModel(
  interpreter: Interpreter,
  construction: IrNode,
): Array<{ readonly path: string; readonly value: IrNode; readonly node: IrNode; readonly conditional: boolean }> {
  const assignment = construction.parent?.type === 'assignment' ? construction.parent : undefined;
  const target = assignment?.childForFieldName('left');
  const receiver = target ? dottedParts(target)?.join('.') : undefined;
  if (!assignment || !target || !receiver) return [];
  const scope = interpreter.module.scopeOf(construction);
  // Until the name is bound to something else: `model = model.cuda()` keeps the model.
  let until: number | undefined;
  if (target.type === 'identifier') {
    for (const binding of scope.bindings(target.text)) {
      if (binding.at <= assignment.endIndex) continue;
      if (binding.kind === 'assign' && keepsModel(interpreter, binding.value, target.text)) continue;
      until = binding.at;
      break;
    }
  }
  return scope
    .storesInto(receiver)
    .filter((store) => store.at > assignment.endIndex && (until === undefined || store.at < until))
    .map((store) => ({ path: store.path, value: store.value, node: store.node, conditional: inBranch(store.node, assignment) }));
}

/** `model.to(device)`, `model.cuda()` on the name itself: the same model. */
function keepsModel(interpreter: Interpreter, value: IrNode, name: string): boolean {
  if (value.type !== 'call') return false;
  const callee = value.childForFieldName('function');
  const method = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
  return !!method && callee!.childForFieldName('object')?.text === name && interpreter.library.returnsSelf(method);
}

/** Statements whose blocks may run or not, or more than once. */
const BRANCHING = /^(?:if_statement|elif_clause|else_clause|for_statement|while_statement|try_statement|except_clause|match_statement|case_clause)$/;

/** Whether `node` is in a branch or loop that does not also hold `construction` (`model = ...`). */
function inBranch(node: IrNode, construction: IrNode): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'function_definition' || current.type === 'class_definition' || current.type === 'module') return false;
    if (BRANCHING.test(current.type) && !(current.startIndex <= construction.startIndex && construction.endIndex <= current.endIndex)) return true;
  }
  return false;
}
