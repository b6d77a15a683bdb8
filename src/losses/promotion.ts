import * as l10n from '@vscode/l10n';
import type { DType } from '../tensor/tensor';

/**
 * Dtype contracts: which dtypes of its tensors a PyTorch loss promotes and which it refuses, and
 * the dtype of its value. Each loss declares them next to its shape contract (`dtypes:`) as the
 * dtype-relevant steps of its PyTorch 1.13 implementation, in order — a subtraction, a negation, a
 * kernel dispatched on floating types only, an in-place op into a tensor of another dtype, the
 * mean — written with the steps below, each of which raises PyTorch's own error when the dtypes
 * meet it. Running those steps on the dtypes alone tells what PyTorch does: the first error it
 * raises, or the dtype it computes in (`test/golden/losses.json` holds the whole matrix).
 *
 * Read two ways, as the shape contracts are: the evaluator runs it on concrete tensors before
 * `compute` (a literal typed without a dtype, `weak`, is unknown: it may be read as whatever the
 * loss needs); the analyzer runs it on the dtypes it inferred, where most are unknown. An unknown
 * dtype refuses nothing: a contract reports a fault only when the dtypes known prove it.
 */

/** The dtypes of a call's tensors (and tensor options) by name; absent or undefined: unknown. */
type SymDtypes = Readonly<Record<string, DType | undefined>>;
type SymShapes = Readonly<Record<string, readonly (number | string | undefined)[] | undefined>>;
type Options = Readonly<Record<string, unknown>>;

interface DtypeFault {
  /** PyTorch's words (a float tensor called Float, as for the default dtype). */
  readonly message: string;
  /** The tensor to convert, by parameter name. */
  readonly tensor: string;
  readonly convert: 'float' | 'long';
}

export interface DtypeContract {
  /** The error PyTorch raises for these dtypes (at most one), or none. */
  (dtypes: SymDtypes, shapes: SymShapes, options?: Options): readonly DtypeFault[];
  /** The dtype of the loss's value, when these dtypes are accepted and it is known. */
  readonly result: (dtypes: SymDtypes, shapes: SymShapes, options?: Options) => DType | undefined;
  /** Both at once: the fault, or the value's dtype (one run of the program instead of two). */
  readonly outcome: (dtypes: SymDtypes, shapes: SymShapes, options?: Options) => { readonly fault?: DtypeFault; readonly dtype?: DType };
  /**
   * When PyTorch meets the dtypes: before the shapes (`kl_div` checks them first; a program may
   * call `shapesChecked()` where the shape contract comes in between), after them (most losses),
   * or partway through `compute`, which then calls `ctx.checkDtypes()` where PyTorch does
   * (`gaussian_nll_loss` checks its variances' values first).
   */
  readonly checked: DtypesChecked;
  /** The faults of the steps before the program's `shapesChecked()`. */
  readonly beforeShapes: (dtypes: SymDtypes, shapes: SymShapes, options?: Options) => readonly DtypeFault[];
}

type DtypesChecked = 'before-shapes' | 'after-shapes' | 'in-compute';

/** A value of the computation as far as its dtype goes, and the argument it comes from. */
interface Typed {
  readonly dtype: DType | undefined;
  /** The tensor argument it derives from (to convert when it is refused); none for a Python number. */
  readonly tensor?: string;
}

/** What a program sees: the call's tensors by name (tensor options only when given), its options and shapes. */
interface ProgramInput {
  readonly args: Readonly<Record<string, Typed | undefined>>;
  readonly options: Options;
  readonly shapes: SymShapes;
  /** Where PyTorch checks the shapes (the shape contract), between two steps. */
  readonly shapesChecked: () => void;
}

class Refusal {
  constructor(readonly fault: DtypeFault) {}
}

/** Thrown by `shapesChecked()` when only the steps before the shapes run. */
class ShapesReached {}

const TORCH_NAME = { float: 'Float', int: 'Long', bool: 'Bool' } as const;
const RANK = { bool: 0, int: 1, float: 2 } as const;

function refuse(message: string, at: Typed | undefined, convert: 'float' | 'long' = 'float'): never {
  throw new Refusal({ message, tensor: at?.tensor ?? '', convert });
}

/**
 * A loss's dtype contract from its program: `tensors` are its tensor parameters (unknown when a
 * caller has no dtype for one); the program returns the value the loss computes.
 */
export function dtypeContract(tensors: readonly string[], program: (input: ProgramInput) => Typed, checked: DtypesChecked = 'after-shapes'): DtypeContract {
  const run = (dtypes: SymDtypes, shapes: SymShapes, options: Options = {}, beforeShapes = false): Typed | Refusal | undefined => {
    const args: Record<string, Typed> = {};
    for (const name of tensors) args[name] = { dtype: undefined, tensor: name };
    for (const [name, dtype] of Object.entries(dtypes)) args[name] = { dtype, tensor: name };
    const shapesChecked = () => {
      if (beforeShapes) throw new ShapesReached();
    };
    try {
      return program({ args, options, shapes, shapesChecked });
    } catch (error) {
      if (error instanceof Refusal) return error;
      if (error instanceof ShapesReached) return undefined;
      throw error;
    }
  };
  const contract = (dtypes: SymDtypes, shapes: SymShapes, options?: Options): readonly DtypeFault[] => {
    const outcome = run(dtypes, shapes, options);
    return outcome instanceof Refusal ? [outcome.fault] : [];
  };
  return Object.assign(contract, {
    checked,
    beforeShapes: (dtypes: SymDtypes, shapes: SymShapes, options?: Options): readonly DtypeFault[] => {
      const outcome = run(dtypes, shapes, options, true);
      return outcome instanceof Refusal ? [outcome.fault] : [];
    },
    result: (dtypes: SymDtypes, shapes: SymShapes, options?: Options): DType | undefined => {
      const outcome = run(dtypes, shapes, options);
      return outcome instanceof Refusal ? undefined : outcome?.dtype;
    },
    outcome: (dtypes: SymDtypes, shapes: SymShapes, options?: Options): { fault?: DtypeFault; dtype?: DType } => {
      const outcome = run(dtypes, shapes, options);
      if (outcome instanceof Refusal) return { fault: outcome.fault };
      return outcome?.dtype === undefined ? {} : { dtype: outcome.dtype };
    },
  });
}

/** A Python int (`1 - target`): an integer scalar, which never makes a float tensor integral. */
export const INT_SCALAR: Typed = { dtype: 'int' };

/** A tensor of `value`'s dtype and origin, as C++'s `scalar - tensor` makes one (`empty_like(t).fill_(s)`). */
export const like = (value: Typed): Typed => ({ ...value });

/**
 * The result type of a binary op: float over int over bool. Unknown when an operand is unknown,
 * unless another is a float (a float makes the result float whatever the other is).
 */
export function promote(...values: readonly Typed[]): Typed {
  let best: Typed | undefined;
  let unknown = false;
  for (const value of values) {
    if (value.dtype === undefined) unknown = true;
    else if (!best || RANK[value.dtype] > RANK[best.dtype!]) best = value;
  }
  if (best?.dtype === 'float') return best;
  return unknown ? { dtype: undefined, tensor: best?.tensor ?? values.find((value) => value.tensor)?.tensor } : best!;
}

/** `a - b`: PyTorch refuses a bool on either side. */
export function sub(a: Typed, b: Typed): Typed {
  if (a.dtype === 'bool' && b.dtype === 'bool') {
    refuse(l10n.t('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or `logical_xor()` operator instead.'), b.tensor ? b : a);
  }
  // With a bool on one side and an unknown on the other, PyTorch raises one of the two errors.
  if ((a.dtype === 'bool' && b.dtype !== undefined) || (b.dtype === 'bool' && a.dtype !== undefined)) {
    refuse(
      l10n.t(
        'Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
      ),
      a.dtype === 'bool' ? a : b,
    );
  }
  return promote(a, b);
}

/** `-a`. */
export function neg(a: Typed): Typed {
  if (a.dtype === 'bool') {
    refuse(
      l10n.t(
        'Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.',
      ),
      a,
    );
  }
  return a;
}

/** A kernel dispatched on floating types only (`AT_DISPATCH_FLOATING_TYPES(..., "name", ...)`). */
export function kernel(name: string, value: Typed): Typed {
  if (value.dtype === 'int' || value.dtype === 'bool') refuse(l10n.t('"{0}" not implemented for \'{1}\'', name, TORCH_NAME[value.dtype]), value);
  return value;
}

/** `exp`, `log`, `sigmoid`, `x + 0.5`: an integer tensor becomes the default float dtype. */
export const floating = (value: Typed): Typed => ({ dtype: 'float', tensor: value.tensor });

/**
 * An in-place or `out=` op writing `value` into `out`: PyTorch refuses a result type that does
 * not fit (a float into an integer tensor, an integer into a bool one). `names` spells the dtypes.
 */
export function castInto(value: Typed, out: Typed, names: Readonly<Record<DType, string>> = TORCH_NAME): void {
  if (value.dtype !== undefined && out.dtype !== undefined && RANK[value.dtype] > RANK[out.dtype]) {
    refuse(l10n.t("result type {0} can't be cast to the desired output type {1}", TORCH_NAME[value.dtype], names[out.dtype]), out);
  }
}

/** C++'s names of the dtypes, as `clamp_` reports a cast it refuses (gaussian_nll_loss's `var`). */
export const CPP_NAME = { float: 'float', int: 'long int', bool: 'bool' } as const;

/** `apply_loss_reduction`: the mean of an integer tensor has no dtype to be in. */
export function reduction(value: Typed, how: unknown): Typed {
  if (how === 'mean' && (value.dtype === 'int' || value.dtype === 'bool')) {
    refuse(
      l10n.t('mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: {0}', TORCH_NAME[value.dtype]),
      value,
    );
  }
  return value;
}

/** A kernel's `checkScalarType`: `value` must be of `expected` dtype (class indices are Long). */
export function scalarType(value: Typed | undefined, expected: DType | undefined): void {
  if (!value || value.dtype === undefined || expected === undefined || value.dtype === expected) return;
  refuse(l10n.t('expected scalar type {0} but found {1}', TORCH_NAME[expected], TORCH_NAME[value.dtype]), value, expected === 'int' ? 'long' : 'float');
}

/** A TensorIterator without type promotion: every operand of the output's dtype. */
export function sameDtype(value: Typed, expected: DType | undefined): void {
  if (value.dtype === undefined || expected === undefined || value.dtype === expected) return;
  refuse(l10n.t('Found dtype {0} but expected {1}', TORCH_NAME[value.dtype], TORCH_NAME[expected]), value, expected === 'int' ? 'long' : 'float');
}

/** `isIntegralType(t, includeBool=false)`, or `message`. */
export function integral(value: Typed, message: string): void {
  if (value.dtype === 'float' || value.dtype === 'bool') refuse(message, value, 'long');
}

/** A refusal of the loss's own, in its words. */
export function refuseWith(message: string, value: Typed, convert: 'float' | 'long' = 'float'): never {
  refuse(message, value, convert);
}

/** Whether a tensor of this (symbolic) shape is known to be empty. */
export const knownEmpty = (shape: readonly (number | string | undefined)[] | undefined): boolean => shape?.some((dim) => dim === 0) ?? false;

/** Whether two shapes are known to be the same (`true`), known to differ (`false`), or not known. */
export function sameShapes(
  a: readonly (number | string | undefined)[] | undefined,
  b: readonly (number | string | undefined)[] | undefined,
): boolean | undefined {
  if (!a || !b) return undefined;
  if (a.length !== b.length) return false;
  let known = true;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x === 'number' && typeof y === 'number') {
      if (x !== y) return false;
    } else if (x === undefined || y === undefined || x !== y) known = false;
  }
  return known ? true : undefined;
}

/**
 * `nll_loss` (and cross entropy's class-index path after its log softmax): a float kernel on the
 * input (the 2-d one for inputs of rank 3 and more), then the weight in the input's dtype, then
 * Long class indices.
 */
export function nllSteps(input: Typed, target: Typed, weight: Typed | undefined, inputShape: SymShapes[string], how: unknown): Typed {
  kernel(inputShape !== undefined && inputShape.length >= 3 ? 'nll_loss2d_forward_out_frame' : 'nll_loss_out_frame', input);
  scalarType(weight, input.dtype);
  // An empty batch reduced reads no index: its dtype goes unchecked.
  if (!knownEmpty(inputShape) || how === 'none') scalarType(target, 'int');
  return input;
}

/**
 * `binary_cross_entropy_with_logits` as PyTorch 1.13 writes it: `max_val = (-input).clamp_min_(0)`,
 * `(pos_weight - 1)`, `(1 - target).mul_(input)`, then `(-max_val).exp_()` in place.
 */
export function logitsSteps(input: Typed, target: Typed, posWeight: Typed | undefined): Typed {
  const maxVal = neg(input);
  if (posWeight) sub(posWeight, INT_SCALAR);
  const oneMinusTarget = sub(like(target), target);
  castInto(promote(oneMinusTarget, input), oneMinusTarget);
  castInto(floating(maxVal), maxVal);
  return floating(input);
}
