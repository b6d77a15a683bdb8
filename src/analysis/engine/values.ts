import type { Dim, Evidence, Fact, FactDType, Origin, Space } from '../types';
import type { ClassInfo, FunctionInfo } from './binder';
import type { Interpreter } from './interpreter';
import type { IrNode } from '../ir/node';

/**
 * Abstract values of the Python evaluator: what an expression evaluates to, as far as losses care.
 * Shapes are suffixes when the leading dims are unknown: `['...', 1]` is "anything by 1".
 */
export type Value =
  | { readonly kind: 'tensor'; readonly fact: Fact }
  | { readonly kind: 'tuple'; readonly items: readonly Value[]; readonly evidence: readonly Evidence[] }
  | { readonly kind: 'layer'; readonly layer: Layer }
  | {
      readonly kind: 'instance';
      readonly cls: ClassInfo;
      readonly evidence: readonly Evidence[];
      /** The calls that passed it to the parameter it is read from (`train(model, ...)`). */
      readonly passed?: readonly Evidence[];
    }
  | { readonly kind: 'class'; readonly cls: ClassInfo }
  /** `nn.ModuleList` / `nn.ModuleDict` whose members are all alike: indexing or iterating gives `member`. */
  | { readonly kind: 'modules'; readonly member: Value }
  | { readonly kind: 'function'; readonly fn: FunctionInfo }
  | {
      readonly kind: 'loss';
      readonly qualified: string;
      readonly construction: IrNode;
      /** Where the construction is when it is in another file (a module imported, or one importing this one). */
      readonly file?: { readonly path: string; readonly line: number };
    }
  | { readonly kind: 'qualified'; readonly name: string }
  /** A state object built from named parts (Flax's `TrainState.create(apply_fn=model.apply, ...)`): each part's expression, read by `owner`. */
  | { readonly kind: 'record'; readonly fields: ReadonlyMap<string, IrNode>; readonly owner: Interpreter }
  /** A method of a model taken as a value (`model.apply` of a Flax module): calling it runs the model. */
  | { readonly kind: 'bound'; readonly object: Value; readonly method: string }
  | { readonly kind: 'dtype'; readonly dtype: 'float' | 'int' | 'bool' }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'unknown' };

/** A callable module (layer, Sequential, model) as a map from its input's fact to its output's. */
export interface Layer {
  readonly describe: string;
  readonly evidence: readonly Evidence[];
  /** A Keras layer or model: `model.compile(loss=...)` meets its loss. */
  readonly keras?: boolean;
  /** A Keras model with several outputs: each one's fact, and the `name=` of the layer that makes it. */
  readonly outputs?: ReadonlyArray<{ readonly name?: string; readonly fact: Fact }>;
  apply(input: Fact): Fact;
}

export const UNKNOWN: Value = { kind: 'unknown' };

export const UNKNOWN_FACT: Fact = { space: 'unknown', dtype: 'unknown', origin: 'unknown', evidence: [] };

export function tensor(fact: Fact): Value {
  return { kind: 'tensor', fact };
}

export function fact(
  space: Space,
  options: {
    dtype?: FactDType;
    origin?: Origin;
    shape?: readonly Dim[];
    evidence?: readonly Evidence[];
    activation?: Fact['activation'];
    classes?: number;
  } = {},
): Fact {
  return {
    space,
    dtype: options.dtype ?? 'unknown',
    origin: options.origin ?? 'unknown',
    evidence: options.evidence ?? [],
    ...(options.shape ? { shape: options.shape } : {}),
    ...(options.activation ? { activation: options.activation } : {}),
    ...(options.classes !== undefined ? { classes: options.classes } : {}),
  };
}

/** The same fact with more evidence appended (further from the site). */
export function withEvidence(value: Fact, evidence: readonly Evidence[]): Fact {
  return { ...value, evidence: [...value.evidence, ...evidence] };
}

/** What two possible values have in common: anything they disagree on becomes unknown. */
export function merge(a: Fact, b: Fact): Fact {
  const sameShape = a.shape && b.shape && a.shape.length === b.shape.length && a.shape.every((dim, i) => dim === b.shape![i]);
  const activation = a.activation && b.activation && a.activation.fn === b.activation.fn && a.activation.dim === b.activation.dim ? a.activation : undefined;
  return {
    space: a.space === b.space ? a.space : 'unknown',
    dtype: a.dtype === b.dtype ? a.dtype : 'unknown',
    origin: a.origin === b.origin ? a.origin : 'unknown',
    evidence: a.space === b.space ? a.evidence : [],
    ...(sameShape ? { shape: a.shape } : {}),
    ...(activation ? { activation } : {}),
    ...(a.classes !== undefined && a.classes === b.classes ? { classes: a.classes } : {}),
  };
}

export function isKnownRank(shape: readonly Dim[] | undefined): shape is readonly Dim[] {
  return !!shape && shape[0] !== '...' && shape[0] !== 'param';
}

/** The interval a value is known to lie in, as [low, high] (undefined bounds are infinite): its range, or [0, 1] for probabilities. */
export function interval(value: Fact): [low: number | undefined, high: number | undefined] {
  if (value.range) return [value.range.low, value.range.high];
  return value.space === 'probabilities' ? [0, 1] : [undefined, undefined];
}

/**
 * A value after arithmetic with a number (`x op c`, or `c op x` when `constantFirst`): the
 * interval it lies in moves with it, and one inside [0, 1] is probabilities (`(tanh(x) + 1) / 2`,
 * `1 - sigmoid(x)`); raw scores shifted stay raw scores; the shape stays. Undefined when nothing
 * is known of the result (or raw scores are scaled, which the interpreter reads itself).
 */
export function arithmetic(value: Fact, operator: string, constant: number, constantFirst: boolean, evidence: Evidence): Fact | undefined {
  const { literal: _literal, range, activation: _activation, ...rest } = value;
  // Integers stay integers only through integer `+ - *`.
  const dtype: Fact['dtype'] =
    value.dtype === 'int' ? (Number.isInteger(constant) && operator !== '/' ? 'int' : 'float') : value.dtype === 'bool' ? 'unknown' : value.dtype;
  const base = { ...rest, dtype, space: 'unknown' as const, evidence: [...value.evidence, evidence] };
  // Raw scores shifted stay raw scores (scaled ones: see `Interpreter.binary`).
  if (value.space === 'logits' && !range) return (operator === '+' || operator === '-') && !constantFirst ? { ...base, space: 'logits' } : undefined;
  if (!range && value.space !== 'probabilities') return value.shape ? base : undefined;
  const [low, high] = interval(value);
  const map = (bound: number | undefined, infinite: number): number => {
    const x = bound ?? infinite;
    switch (operator) {
      case '+':
        return x + constant;
      case '-':
        return constantFirst ? constant - x : x - constant;
      case '*':
        return x * constant;
      default:
        return constantFirst ? constant / x : x / constant;
    }
  };
  if (!/^[-+*/]$/.test(operator) || (operator === '/' && (constantFirst || constant === 0))) return base;
  const ends = [map(low, -Infinity), map(high, Infinity)].filter((end) => !Number.isNaN(end)).sort((a, b) => a - b);
  if (ends.length < 2) return base;
  const [from, to] = ends as [number, number];
  if (from >= 0 && to <= 1) return { ...base, space: 'probabilities' };
  return {
    ...base,
    range: {
      fn: range?.fn ?? value.activation?.fn ?? 'sigmoid',
      ...(Number.isFinite(from) ? { low: from } : {}),
      ...(Number.isFinite(to) ? { high: to } : {}),
    },
  };
}

/**
 * A value after an activation that keeps it in [low, high]: probabilities when that is inside
 * [0, 1], else a range (named by `interval` when it is the activation's own).
 */
export function ranged(base: Fact, fn: string, [low, high]: readonly [number, number], interval?: string): Fact {
  const { range: _range, activation: _activation, literal: _literal, ...rest } = base;
  if (low >= 0 && high <= 1) return { ...rest, space: 'probabilities' };
  return {
    ...rest,
    space: 'unknown',
    range: { fn, ...(Number.isFinite(low) ? { low } : {}), ...(Number.isFinite(high) ? { high } : {}), ...(interval ? { interval } : {}) },
  };
}
