import * as l10n from '@vscode/l10n';
import { briefJson } from '../common/brief';
import { tensorFromJson } from '../tensor/parse';
import { Tensor, type DType } from '../tensor/tensor';
import { LossError } from './errors';
import { invalidReduction } from './reduce';
import { closestLossName, findLoss } from './registry';
import type { LossContext, LossDefinition, OptionSpec, OptionValue, Step } from './types';

export const DEFAULT_MAX_ELEMENTS = 50_000_000;

/**
 * The largest element limit anyone may set: 10⁹ float64 values are 8 GB for one tensor, beyond
 * what LossLens can hold on the machines it runs on (a larger limit would be a promise it breaks
 * by running out of memory).
 */
export const MAX_ELEMENTS_CAP = 1_000_000_000;

export interface EvaluateRequest {
  readonly loss: string;
  /** Tensor arguments by their torch names (or an alias such as `input` for Keras' `y_pred`). */
  readonly args: Readonly<Record<string, Tensor>>;
  /** Options by their torch keyword names; tensor options may be given as nested arrays. */
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

export interface EvaluateOptions {
  /** Record the intermediate tensors (softmax, picked log-probabilities ...) for explanations. */
  readonly recordSteps?: boolean;
  /** Refuse inputs with more elements than this, in all tensors together. */
  readonly maxElements?: number;
  /** Called with the fraction done, roughly every 64K elements. */
  readonly onProgress?: (fraction: number) => void;
  /** Polled as the loss runs; returning true stops it with a `cancelled` LossError. */
  readonly isCancelled?: () => boolean;
}

export interface Evaluation {
  readonly loss: LossDefinition;
  readonly value: Tensor;
  /** What PyTorch would warn about (broadcasting, deprecated reductions). */
  readonly warnings: readonly string[];
  readonly steps: readonly Step[];
}

/** Computes a loss with PyTorch's (or Keras') semantics; every failure is a `LossError`. */
export function evaluate(request: EvaluateRequest, options: EvaluateOptions = {}): Evaluation {
  const loss = findLoss(request.loss);
  if (!loss) {
    const hint = closestLossName(request.loss);
    // The name as it was sent, cut to what a message line can hold.
    const name = request.loss.length > 100 ? `${request.loss.slice(0, 100)}…` : request.loss;
    throw new LossError(
      'unknown-loss',
      hint
        ? l10n.t('Unknown loss "{0}". Did you mean "{1}"?', name, hint)
        : l10n.t('Unknown loss "{0}". Run "losslens eval --list" for the losses LossLens knows.', name),
    );
  }
  const tensors = resolveTensors(loss, request.args);
  const values = resolveOptions(loss, request.kwargs ?? {});
  checkSize(loss, tensors, values, options.maxElements ?? DEFAULT_MAX_ELEMENTS);

  // The dtype contract, on the tensors and the tensor options given: PyTorch's error, or the
  // dtype of the value. A literal typed without decimals (weak) may be either.
  const typed = { ...tensors, ...Object.fromEntries(Object.entries(values).filter((entry): entry is [string, Tensor] => entry[1] instanceof Tensor)) };
  const dtypes = Object.fromEntries(Object.entries(typed).map(([name, tensor]) => [name, tensor.weak ? undefined : tensor.dtype]));
  const allShapes = Object.fromEntries(Object.entries(typed).map(([name, tensor]) => [name, tensor.shape]));
  // The whole contract's outcome, once it has run: its dtype is the value's (no second run for it).
  let contract: { readonly dtype?: DType } | undefined;
  const checkDtypes = (beforeShapes = false) => {
    if (beforeShapes) {
      const refused = loss.dtypes?.beforeShapes(dtypes, allShapes, values)[0];
      if (refused) throw new LossError('dtype-mismatch', `${loss.name}: ${refused.message}`);
      return;
    }
    const outcome = loss.dtypes?.outcome(dtypes, allShapes, values);
    if (outcome?.fault) throw new LossError('dtype-mismatch', `${loss.name}: ${outcome.fault.message}`);
    contract = outcome;
  };
  const warnings: string[] = [];
  const steps: Step[] = [];
  const ctx: LossContext = {
    recordSteps: options.recordSteps ?? false,
    step(id, title, produce) {
      if (options.recordSteps) steps.push({ id, title, tensor: produce() });
    },
    warn(message) {
      if (!warnings.includes(message)) warnings.push(message);
    },
    checkpoint(done, total) {
      if (options.isCancelled?.()) throw new LossError('cancelled', l10n.t('The computation was cancelled.'));
      options.onProgress?.(total > 0 ? done / total : 1);
    },
    checkDtypes() {
      if (loss.dtypes?.checked === 'in-compute') checkDtypes();
    },
  };
  if (loss.dtypes?.checked === 'before-shapes') checkDtypes(true);
  // The shape contract first: PyTorch's shape errors and warnings, the same the analyzer reports.
  const shapes = Object.fromEntries(Object.entries(tensors).map(([name, tensor]) => [name, tensor.shape]));
  for (const fault of loss.shapes?.(shapes, values) ?? []) {
    if (fault.severity === 'error') throw new LossError('shape-mismatch', fault.message);
    ctx.warn(fault.message);
  }
  // Then the dtype contract (for most losses; some meet their dtypes earlier or later).
  if (loss.dtypes?.checked === 'after-shapes' || loss.dtypes?.checked === 'before-shapes') checkDtypes();
  const computed = loss.compute(tensors, values, ctx);
  // An integer result (`l1_loss` of two integer tensors summed) prints as PyTorch prints it.
  const dtype = (contract ? contract.dtype : loss.dtypes?.result(dtypes, allShapes, values)) ?? 'float';
  const value = dtype === computed.dtype ? computed : new Tensor(computed.data, computed.shape, dtype);
  options.onProgress?.(1);
  return { loss, value, warnings, steps };
}

function resolveTensors(loss: LossDefinition, args: Readonly<Record<string, Tensor>>): Record<string, Tensor> {
  const resolved: Record<string, Tensor> = {};
  const used = new Set<string>();
  for (const parameter of loss.tensors) {
    const key = [parameter.name, ...(parameter.aliases ?? [])].find((name) => args[name] !== undefined);
    if (key === undefined) {
      throw new LossError('missing-argument', l10n.t("{0}() missing required argument: '{1}'", loss.name, parameter.name));
    }
    resolved[parameter.name] = args[key]!;
    used.add(key);
  }
  for (const name of Object.keys(args)) {
    if (!used.has(name)) {
      const expected = loss.tensors.map((parameter) => parameter.name).join(', ');
      throw new LossError('invalid-argument', l10n.t("{0}() got an unexpected argument '{1}' (it takes {2}).", loss.name, name, expected), true);
    }
  }
  return resolved;
}

function resolveOptions(loss: LossDefinition, kwargs: Readonly<Record<string, unknown>>): Record<string, OptionValue> {
  const values: Record<string, OptionValue> = {};
  for (const [name, spec] of Object.entries(loss.options)) values[name] = spec.default;
  for (const [name, raw] of Object.entries(kwargs)) {
    // Keywords come from the caller: only the loss's own options count (`toString` is none).
    const spec = Object.hasOwn(loss.options, name) ? loss.options[name] : undefined;
    if (!spec) {
      const known = Object.keys(loss.options).join(', ');
      throw new LossError('invalid-argument', l10n.t("{0}() got an unexpected keyword argument '{1}' (options: {2}).", loss.name, name, known), true);
    }
    values[name] = optionValue(loss.name, name, spec, raw);
  }
  return values;
}

function optionValue(lossName: string, name: string, spec: OptionSpec, raw: unknown): OptionValue {
  const invalid = (expected: string) =>
    new LossError('invalid-argument', l10n.t('{0}(): {1} must be {2}, got {3}.', lossName, name, expected, briefJson(raw, 80)));
  switch (spec.kind) {
    case 'enum':
      if (typeof raw === 'string' && spec.values.includes(raw)) return raw;
      if (name === 'reduction') throw invalidReduction(typeof raw === 'string' ? raw : briefJson(raw, 80));
      throw invalid(spec.values.map((value) => `'${value}'`).join(l10n.t(' or ')));
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      throw invalid('True or False');
    case 'number': {
      const number = numberValue(raw);
      if (number === undefined) throw invalid(l10n.t('a number'));
      if (spec.integer && !Number.isInteger(number)) throw invalid(l10n.t('an integer'));
      // Integers are int64 in PyTorch. Beyond 2^53 a float64 holds them only nearly, which is
      // enough: such an index is never a class, a blank or a norm, exactly or not.
      if (spec.integer && (number < -(2 ** 63) || number >= 2 ** 63)) throw new LossError('invalid-argument', l10n.t('Overflow when unpacking long'));
      return number;
    }
    case 'tensor':
      if (raw === null || raw === undefined) return null;
      if (raw instanceof Tensor) return raw;
      if (Array.isArray(raw) || typeof raw === 'number') return tensorFromJson(raw);
      throw invalid(l10n.t('a tensor'));
  }
}

/** Numbers, and the JSONL spellings of non-finite numbers ("inf", "-inf", "nan"). */
function numberValue(raw: unknown): number | undefined {
  if (typeof raw === 'number') return raw;
  if (raw === 'inf' || raw === 'Infinity') return Infinity;
  if (raw === '-inf' || raw === '-Infinity') return -Infinity;
  if (raw === 'nan' || raw === 'NaN') return NaN;
  return undefined;
}

function checkSize(loss: LossDefinition, tensors: Record<string, Tensor>, values: Record<string, OptionValue>, limit: number): void {
  let total = 0;
  for (const tensor of Object.values(tensors)) total += tensor.numel;
  for (const value of Object.values(values)) if (value instanceof Tensor) total += value.numel;
  if (total > limit) {
    throw new LossError(
      'too-large',
      l10n.t(
        '{0}: the tensors hold {1} elements together, more than the limit of {2}. Evaluate a slice, or raise the limit (setting losslens.evaluator.maxElements, or --max-elements).',
        loss.name,
        total.toLocaleString('en-US'),
        limit.toLocaleString('en-US'),
      ),
    );
  }
}
