import type { DType, Tensor } from '../tensor/tensor';
import type { DtypeContract } from './promotion';
import type { ShapeContract } from './shapes';

type Framework = 'torch' | 'torchvision' | 'keras' | 'tfjs' | 'optax';

/**
 * What the numbers of a tensor mean: `values` for regression, `signs` for ±1 labels, `log-rates`
 * for Poisson's log input ... A closed set, so every place that names one (the hovers) names all.
 */
export type ContractSpace =
  | 'logits'
  | 'probabilities'
  | 'log-probabilities'
  | 'class-indices'
  | 'values'
  | 'signs'
  | 'embeddings'
  | 'scores'
  | 'lengths'
  | 'counts'
  | 'distances'
  | 'log-rates'
  | 'variances';

/** What a loss expects of one tensor argument: read by the analyzer, the calculator and the docs. */
export interface TensorContract {
  readonly space: ContractSpace;
  /** Accepted shapes in PyTorch's notation, e.g. `(N, C)` or `(N, C, d1, ..., dk)`. */
  readonly shapes: readonly string[];
  readonly dtype: DType;
  readonly description: string;
}

interface TensorParameter {
  /** The torch parameter name (`input`, `target`, `input1`, `log_probs` ...). */
  readonly name: string;
  readonly contract: TensorContract;
  /** Other names accepted for it: `input` for Keras' `y_pred`, so one calculator form fits every loss. */
  readonly aliases?: readonly string[];
}

export type OptionSpec =
  | { readonly kind: 'enum'; readonly values: readonly string[]; readonly default: string }
  | { readonly kind: 'number'; readonly default: number; readonly integer?: boolean }
  | { readonly kind: 'boolean'; readonly default: boolean }
  | { readonly kind: 'tensor'; readonly default: null; readonly contract: TensorContract };

export type OptionValue = string | number | boolean | Tensor | null;

/** Where a loss name comes from in each framework: shown in docs and used to map API calls. */
interface Aliases {
  readonly torch?: readonly string[];
  readonly keras?: readonly string[];
  readonly tfjs?: readonly string[];
  readonly optax?: readonly string[];
}

/** An intermediate tensor of the computation, for the explanation views. */
export interface Step {
  readonly id: string;
  readonly title: string;
  readonly tensor: Tensor;
}

export interface LossContext {
  /** Whether to record steps; when false, `step` never calls its producer. */
  readonly recordSteps: boolean;
  step(id: string, title: string, produce: () => Tensor): void;
  /** A warning PyTorch would print, returned with the value. */
  warn(message: string): void;
  /** Reports progress and throws a cancelled LossError when the caller cancelled. */
  checkpoint(done: number, total: number): void;
  /** Raises PyTorch's dtype error here, for a loss whose dtype contract is checked `in-compute`. */
  checkDtypes(): void;
}

export interface LossDefinition {
  /** The functional name: `cross_entropy` for torch, `binary_crossentropy` for Keras. */
  readonly name: string;
  readonly framework: Framework;
  readonly title: string;
  readonly tensors: readonly TensorParameter[];
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** The per-element formula in Unicode math. */
  readonly formula: string;
  readonly aliases: Aliases;
  /**
   * What it demands of its tensors' shapes (`shapes.ts`): checked by the evaluator before
   * `compute`, which may then take them as given, and by the analyzer on inferred shapes.
   */
  readonly shapes?: ShapeContract;
  /**
   * Which dtypes of its tensors it promotes and which it refuses, and its value's dtype
   * (`promotion.ts`), read the same two ways.
   */
  readonly dtypes?: DtypeContract;
  compute(tensors: Readonly<Record<string, Tensor>>, options: Readonly<Record<string, OptionValue>>, ctx: LossContext): Tensor;
}
