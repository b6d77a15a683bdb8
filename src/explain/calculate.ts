/**
 * The loss calculator's computation, without VS Code: a form as the user typed it (tensor texts,
 * option values) in, the value PyTorch would print, the loss of each element, the steps, charts
 * and the equivalent code out. Runs on the calculator worker (`worker.ts`), so a tensor of
 * millions of elements never blocks the extension host.
 */

import * as l10n from '@vscode/l10n';
import type { CalculatorForm, CalculatorResult, FormError, LossInfo, Num, TensorView } from '../common/protocol/calculator';
import { evaluate, type EvaluateOptions, type EvaluateRequest, type Evaluation } from '../losses/evaluate';
import { LossError } from '../losses/errors';
import { findLoss, LOSSES } from '../losses/registry';
import { lossTitle, shapeText, tensorDescription, type LossTextTable } from '../losses/texts';
import type { LossDefinition } from '../losses/types';
import { formatElements, formatTensor } from '../tensor/format';
import { ParseError, parseTensor } from '../tensor/parse';
import { Tensor } from '../tensor/tensor';
import { lossCharts } from './charts';
import { pythonCode } from './code';

/** How many elements a table shows of one tensor; the rest is counted, not shown. */
const TABLE_LIMIT = 400;
/** Tensors with more elements than this together are not written out as code (megabytes of digits). */
const MAX_CODE_ELEMENTS = 100_000;
/** How many of the largest per-element losses are highlighted. */
const LARGEST = 3;

const GROUPS: Readonly<Record<LossDefinition['framework'], string>> = {
  torch: 'PyTorch',
  torchvision: 'torchvision',
  keras: 'Keras',
  tfjs: 'TensorFlow.js',
  optax: 'optax',
};

/** The losses that compute the same on raw scores as their twin does on probabilities. */
const LOGITS_TWINS: Readonly<Record<string, { loss: string; inputIsLogits: boolean }>> = {
  binary_cross_entropy: { loss: 'binary_cross_entropy_with_logits', inputIsLogits: false },
  binary_cross_entropy_with_logits: { loss: 'binary_cross_entropy', inputIsLogits: true },
};

/** Worked examples (the reference article's numbers) a user can load into the calculator. */
const EXAMPLES: Readonly<Record<string, CalculatorForm>> = {
  binary_cross_entropy: { loss: 'binary_cross_entropy', tensors: { input: '[[0.6, 0.1], [0.3, 0.8]]', target: '[[0., 1.], [1., 0.]]' }, options: {} },
  binary_cross_entropy_with_logits: {
    loss: 'binary_cross_entropy_with_logits',
    tensors: { input: '[[0.6, 0.1], [0.3, 0.8]]', target: '[[0., 1.], [1., 0.]]' },
    options: {},
  },
  nll_loss: { loss: 'nll_loss', tensors: { input: '[[2., 3., 1.], [3., 7., 9.]]', target: '[1, 2]' }, options: {} },
  cross_entropy: {
    loss: 'cross_entropy',
    tensors: { input: '[[[1., 2.], [3., 5.]], [[4., 7.], [4., 6.]]]', target: '[[0, 0], [1, 1]]' },
    options: { weight: '[1.0, 9.0]' },
  },
  mse_loss: { loss: 'mse_loss', tensors: { input: '[2.5, 0.0, 2.0, 8.0]', target: '[3.0, -0.5, 2.0, 7.0]' }, options: {} },
};

/** Every loss the calculator offers, as the webview shows it: grouped, with contracts and options. */
export function lossCatalog(texts?: LossTextTable | null): LossInfo[] {
  return LOSSES.map((loss) => ({
    name: loss.name,
    framework: loss.framework,
    group: GROUPS[loss.framework],
    title: lossTitle(loss, texts),
    // TensorFlow.js's and optax's own losses are called by their own names; the others by PyTorch's and Keras's.
    apis: (loss.framework === 'tfjs' || loss.framework === 'optax'
      ? (loss.aliases[loss.framework] ?? [])
      : [...(loss.aliases.torch ?? []), ...(loss.aliases.keras ?? [])]
    ).map(shortName),
    formula: loss.formula,
    tensors: loss.tensors.map((parameter) => ({
      name: parameter.name,
      space: parameter.contract.space,
      shapes: parameter.contract.shapes.map(shapeText),
      dtype: parameter.contract.dtype,
      description: tensorDescription(loss, parameter.name, texts),
    })),
    options: Object.entries(loss.options).map(([name, spec]) => ({
      name,
      kind: spec.kind,
      ...(spec.kind === 'enum' ? { values: [...spec.values] } : {}),
      default: spec.default,
      ...(spec.kind === 'number' && spec.integer ? { integer: true } : {}),
    })),
    ...(LOGITS_TWINS[loss.name] ? { logitsTwin: LOGITS_TWINS[loss.name] } : {}),
    ...(EXAMPLES[loss.name] ? { example: EXAMPLES[loss.name] } : {}),
  }));
}

function shortName(api: string): string {
  return api.replace(/^torch\.nn\.functional\./, 'F.').replace(/^torch\.nn\./, 'nn.');
}

/** A form that cannot be computed, with the field (and for a tensor, the place) that is wrong. */
export class FormProblem extends Error {
  constructor(readonly error: FormError) {
    super(error.message);
  }
}

/** The evaluator's request for a form: every tensor parsed, every option converted. */
export function readForm(form: CalculatorForm, maxElements: number): EvaluateRequest {
  const loss = findLoss(form.loss);
  if (!loss) throw new FormProblem({ message: l10n.t('Unknown loss "{0}".', form.loss), field: 'loss' });
  const args: Record<string, Tensor> = {};
  for (const parameter of loss.tensors) {
    const text = form.tensors[parameter.name] ?? '';
    if (!text.trim()) throw new FormProblem({ message: l10n.t('Enter the {0} tensor.', parameter.name), field: `tensor:${parameter.name}` });
    args[parameter.name] = parseField(text, `tensor:${parameter.name}`, maxElements);
  }
  const kwargs: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(loss.options)) {
    const raw = form.options[name];
    if (raw === undefined) continue;
    const field = `option:${name}`;
    switch (spec.kind) {
      case 'boolean':
        if (typeof raw !== 'boolean') throw new FormProblem({ message: l10n.t('{0} must be true or false.', name), field });
        if (raw !== spec.default) kwargs[name] = raw;
        break;
      case 'enum':
        if (raw !== spec.default) kwargs[name] = raw;
        break;
      case 'number': {
        const text = String(raw).trim();
        if (!text) break;
        const number = Number(text);
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !Number.isFinite(number)) {
          throw new FormProblem({ message: l10n.t('{0} must be a number, not "{1}".', name, text), field });
        }
        if (spec.integer && !Number.isSafeInteger(number)) throw new FormProblem({ message: l10n.t('{0} must be an integer.', name), field });
        if (number !== spec.default) kwargs[name] = number;
        break;
      }
      case 'tensor': {
        const text = String(raw);
        if (text.trim()) kwargs[name] = parseField(text, field, maxElements);
        break;
      }
    }
  }
  return { loss: loss.name, args, kwargs };
}

function parseField(text: string, field: string, maxElements: number): Tensor {
  try {
    return parseTensor(text, { maxElements });
  } catch (error) {
    if (error instanceof ParseError) {
      throw new FormProblem({
        message: l10n.t('{0} (line {1}, column {2})', error.reason, error.line, error.column),
        field,
        line: error.line,
        column: error.column,
        offset: error.offset,
        code: 'parse-error',
      });
    }
    throw error;
  }
}

export interface CalculateOptions {
  readonly maxElements: number;
  readonly onProgress?: (fraction: number) => void;
  readonly isCancelled?: () => boolean;
}

/**
 * Computes a form: the value with the form's reduction, and — for losses that reduce — the loss
 * of each element with `reduction='none'`, whose largest elements are highlighted. Throws
 * `FormProblem` for a form that cannot be computed (the evaluator's errors carry PyTorch's words).
 */
export function calculate(form: CalculatorForm, options: CalculateOptions): CalculatorResult {
  const request = readForm(form, options.maxElements);
  const loss = findLoss(request.loss)!;
  const reduces = 'reduction' in loss.options;
  const reduction = (request.kwargs?.['reduction'] ?? loss.options['reduction']?.default) as string | undefined;
  // Two passes when the loss reduces: progress is the first half, then the second.
  const half = (start: number): EvaluateOptions => ({
    recordSteps: true,
    maxElements: options.maxElements,
    ...(options.isCancelled ? { isCancelled: options.isCancelled } : {}),
    ...(options.onProgress ? { onProgress: (fraction: number) => options.onProgress!(start + fraction / (reduces ? 2 : 1)) } : {}),
  });
  const evaluation = run(request, half(0));
  const elementwise =
    reduces && reduction !== 'none'
      ? run({ ...request, kwargs: { ...request.kwargs, reduction: 'none' } }, half(0.5)).value
      : reduces
        ? evaluation.value
        : undefined;
  return {
    loss: loss.name,
    printed: formatTensor(evaluation.value),
    warnings: [...evaluation.warnings],
    ...(elementwise ? { elements: tensorView(elementwise) } : {}),
    // The largest few, and never more than half: with 2 elements, 1 stands out, not both.
    largest: elementwise ? largest(elementwise, Math.min(LARGEST, Math.floor(elementwise.numel / 2))) : [],
    steps: evaluation.steps.map((step) => ({ id: step.id, title: step.title, tensor: tensorView(step.tensor) })),
    ...reductionStep(loss, request, reduction, elementwise, evaluation.value),
    charts: lossCharts(loss, request, evaluation, elementwise),
    ...(elementCount(request) <= MAX_CODE_ELEMENTS ? { code: pythonCode(loss, request, formatTensor(evaluation.value)) } : {}),
  };
}

/**
 * How the per-element losses become the value, as an equation a person can check: `mean:
 * 6.0323 / 4 = 1.5081`, a weighted mean for class weights, `batchmean` by the batch size. Shown only
 * when the equation holds for the computed numbers (losses whose reduction is something else, such
 * as CTC's division by target lengths, get none).
 */
function reductionStep(
  loss: LossDefinition,
  request: EvaluateRequest,
  reduction: string | undefined,
  elementwise: Tensor | undefined,
  value: Tensor,
): { reduction?: string } {
  if (!elementwise || !reduction || reduction === 'none' || value.numel !== 1 || loss.name === 'ctc_loss') return {};
  let total = 0;
  for (const element of elementwise.data) total += element;
  const result = value.data[0]!;
  let divisor: number | undefined;
  let label: string;
  if (reduction === 'sum') {
    divisor = 1;
    label = l10n.t('sum of the {0} element losses', elementwise.numel);
  } else if (reduction === 'batchmean') {
    divisor = request.args['input']!.shape[0] ?? 1;
    label = l10n.t('batchmean: the sum divided by the batch size');
  } else if ((loss.name === 'cross_entropy' || loss.name === 'nll_loss') && request.kwargs?.['weight'] && request.args['target']!.dtype !== 'float') {
    const weight = request.kwargs['weight'] as Tensor;
    const ignore = (request.kwargs['ignore_index'] as number | undefined) ?? -100;
    divisor = 0;
    for (const target of request.args['target']!.data) if (target !== ignore) divisor += weight.data[target] ?? NaN;
    label = l10n.t('weighted mean: Σ w[y] · ℓ divided by Σ w[y]');
  } else {
    divisor = elementwise.numel;
    label = l10n.t('mean of the {0} element losses', elementwise.numel);
  }
  if (!Number.isFinite(total) || !(divisor > 0) || Math.abs(total / divisor - result) > 1e-9 * Math.max(1, Math.abs(result))) return {};
  const number = (x: number) => String(Number(x.toPrecision(6)));
  const equation = divisor === 1 ? `${number(total)}` : `${number(total)} / ${number(divisor)}`;
  return { reduction: `${label}: ${equation} = ${formatTensor(value)}` };
}

function elementCount(request: EvaluateRequest): number {
  let count = 0;
  for (const tensor of Object.values(request.args)) count += tensor.numel;
  for (const value of Object.values(request.kwargs ?? {})) if (value instanceof Tensor) count += value.numel;
  return count;
}

function run(request: EvaluateRequest, options: EvaluateOptions): Evaluation {
  try {
    return evaluate(request, options);
  } catch (error) {
    if (error instanceof LossError) throw new FormProblem({ message: error.message, code: error.code });
    throw error;
  }
}

/** A tensor cut to what a table shows, with each shown element as PyTorch prints it. */
function tensorView(tensor: Tensor, limit = TABLE_LIMIT): TensorView {
  const shown = Math.min(limit, tensor.numel);
  const values: Num[] = [];
  for (let i = 0; i < shown; i++) values.push(jsonNumber(tensor.data[i]!));
  return { shape: [...tensor.shape], values, cells: formatElements(tensor, shown), numel: tensor.numel, printed: formatTensor(tensor) };
}

function jsonNumber(value: number): Num {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return value;
}

/** Flat indices of the `count` largest finite elements, largest first (ties: the first one). */
export function largest(tensor: Tensor, count: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < tensor.numel; i++) {
    const value = tensor.data[i]!;
    if (Number.isNaN(value)) continue;
    let at = top.length;
    while (at > 0 && tensor.data[top[at - 1]!]! < value) at--;
    if (at < count) {
      top.splice(at, 0, i);
      if (top.length > count) top.pop();
    }
  }
  // One element is not "the largest of several": highlight only when there is a choice.
  return tensor.numel > 1 ? top : [];
}
