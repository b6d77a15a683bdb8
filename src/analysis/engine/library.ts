import type { Fact } from '../types';
import type { Interpreter } from './interpreter';
import type { IrNode } from '../ir/node';
import type { CallArguments } from '../ir/syntax';
import type { Value } from './values';

/**
 * What the interpreter knows of a library (PyTorch today): the meaning of its functions, classes,
 * tensor methods and constants, as transfer functions on abstract values. The interpreter follows
 * the user's own code (names, functions, classes, attributes) and asks the library about every
 * call that leaves it.
 */
export interface Library {
  /** The one name the library's tables use for an API (`torch.nn.modules.loss.BCELoss` → `torch.nn.BCELoss`). */
  canonical(qualified: string): string;
  /** A library name used as a value (`torch.long`: a dtype), or undefined to keep it a name. */
  constant(qualified: string): Value | undefined;
  /** What calling a library API gives, or undefined when the library does not know it. */
  call(qualified: string, call: IrNode, args: CallArguments, interpreter: Interpreter, depth: number): Value | undefined;
  /** What a method called on a tensor gives (`x.sigmoid()`, `x.long()`, `x.view(-1)`). */
  tensorMethod(input: Fact, method: string, call: IrNode, args: CallArguments, interpreter: Interpreter, depth: number): Value;
  /** Whether a method of a model returns the model itself (`model.to(device)`, `model.eval()`). */
  returnsSelf(method: string): boolean;
  /** Whether a method of a Keras (or TensorFlow.js) model or layer runs it on its first argument (`model.predict(x)`). */
  runsModel(method: string): boolean;
  /** The output of calling an instance of a user class with no forward of its own, by its base. */
  inheritedOutput(base: string, call: IrNode, interpreter: Interpreter): Value | undefined;
  /** What `output.<field>` or `output["<field>"]` of an unknown model output is (`.logits`). */
  outputField(field: string, node: IrNode, interpreter: Interpreter): Value | undefined;
}
