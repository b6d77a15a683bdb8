import type { Interpreter } from './interpreter';
import type { IrNode } from '../ir/node';
import { callArguments, type CallArguments } from '../ir/syntax';
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
  for (const call of interpreter.module.scopeOf(construction).callsOn(target.text)) {
    const method = call.childForFieldName('function')?.childForFieldName('attribute')?.text;
    const added = method ? pick(method, callArguments(call)) : undefined;
    if (!added) continue;
    const value = interpreter.value(added, depth);
    if (value.kind !== 'layer') return undefined;
    layers.push(value.layer);
  }
  return layers;
}
