import type { Interpreter } from './interpreter';
import type { IrNode } from '../ir/node';
import { callArguments, dottedParts, type CallArguments } from '../ir/syntax';
import type { Layer } from './values';

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
  for (const call of scope.callsOn(receiver)) {
    if (call.startIndex < assignment!.startIndex || (next !== undefined && call.startIndex > next)) continue;
    const method = call.childForFieldName('function')?.childForFieldName('attribute')?.text;
    const added = method ? pick(method, callArguments(call)) : undefined;
    if (!added) continue;
    const value = interpreter.value(added, depth);
    if (value.kind !== 'layer') return undefined;
    layers.push(value.layer);
  }
  return layers;
}
