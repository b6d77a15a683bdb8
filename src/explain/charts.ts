/**
 * The calculator's charts, as data for the webview to draw: the loss of each sample, each
 * sample's probabilities with its target marked, and the loss as a function of the probability
 * given to the right answer (or of the error, for regression) with each sample placed on it.
 * Every curve is computed by the evaluator itself on a grid, so it has the loss's exact shape
 * (PyTorch's clamp at 100, Keras' clipping at 1e-7, Huber's bend at delta).
 */

import * as l10n from '@vscode/l10n';
import type { ChartSpec } from '../common/protocol/calculator';
import { evaluate, type EvaluateRequest, type Evaluation } from '../losses/evaluate';
import type { LossDefinition } from '../losses/types';
import { Tensor } from '../tensor/tensor';

/** Samples and classes a chart shows at most; the note says when there are more. */
const MAX_SAMPLES = 48;
const MAX_CLASSES = 12;
const GRID = 99;

type Family = 'multiclass' | 'binary' | 'regression' | 'other';

function family(loss: LossDefinition): Family {
  switch (loss.name) {
    case 'cross_entropy':
    case 'nll_loss':
    case 'categorical_crossentropy':
    case 'sparse_categorical_crossentropy':
      return 'multiclass';
    case 'binary_cross_entropy':
    case 'binary_cross_entropy_with_logits':
    case 'binary_crossentropy':
    case 'sigmoid_focal_loss':
      return 'binary';
    case 'mse_loss':
    case 'l1_loss':
    case 'smooth_l1_loss':
    case 'huber_loss':
      return 'regression';
    default:
      return 'other';
  }
}

export function lossCharts(loss: LossDefinition, request: EvaluateRequest, evaluation: Evaluation, elementwise: Tensor | undefined): ChartSpec[] {
  const charts: ChartSpec[] = [];
  if (elementwise && elementwise.numel > 0) charts.push(perSample(elementwise));
  const kind = family(loss);
  const input = request.args[loss.tensors[0]!.name]!;
  const target = request.args[loss.tensors[1]?.name ?? '']!;
  const option = (name: string): unknown => request.kwargs?.[name] ?? loss.options[name]?.default;
  if (kind === 'multiclass') {
    const probabilities = classProbabilities(loss, input, evaluation, option('from_logits') === true);
    if (probabilities) {
      const targets = classTargets(loss, target, probabilities.rows.length, probabilities.classes);
      charts.push(probabilityBars(probabilities, targets));
      charts.push(multiclassCurve(loss, probabilities, targets, elementwise, modified(request)));
    }
  } else if (kind === 'binary') {
    const fromLogits = loss.name === 'binary_cross_entropy_with_logits' || loss.name === 'sigmoid_focal_loss' || option('from_logits') === true;
    if (input.numel > 0 && input.numel === target.numel) {
      const p = Array.from(input.data.subarray(0, MAX_SAMPLES), (x) => (fromLogits ? 1 / (1 + Math.exp(-x)) : x));
      const y = Array.from(target.data.subarray(0, MAX_SAMPLES));
      charts.push(binaryBars(p, y, input.numel));
      charts.push(binaryCurve(loss, p, y, elementwise, modified(request)));
    }
  } else if (kind === 'regression' && input.numel === target.numel && input.numel > 0) {
    charts.push(regressionCurve(loss, request, input, target, elementwise));
  }
  return charts;
}

/** Whether options move samples off the plain curve (weights, smoothing, focusing). */
function modified(request: EvaluateRequest): boolean {
  const kwargs = request.kwargs ?? {};
  return ['weight', 'pos_weight', 'label_smoothing', 'alpha', 'gamma'].some((name) => kwargs[name] !== undefined && kwargs[name] !== null);
}

function perSample(elementwise: Tensor): ChartSpec {
  const samples = elementwise.shape.length === 0 ? 1 : elementwise.shape[0]!;
  const per = samples === 0 ? 0 : elementwise.numel / samples;
  const shown = Math.min(samples, MAX_SAMPLES);
  const values: number[] = [];
  for (let i = 0; i < shown; i++) {
    let total = 0;
    for (let j = 0; j < per; j++) total += elementwise.data[i * per + j]!;
    values.push(per > 0 ? total / per : 0);
  }
  const order = values.map((value, index) => [value, index] as const).sort((a, b) => b[0] - a[0]);
  // The few largest, never more than half the bars: with 2 samples, 1 stands out.
  const top = new Set(order.slice(0, Math.min(3, Math.floor(values.length / 2))).map(([, index]) => index));
  const worst = order[0];
  return {
    id: 'per-sample',
    title: per > 1 ? l10n.t('Loss of each sample (mean over its {0} elements)', per) : l10n.t('Loss of each sample'),
    summary: worst ? l10n.t('{0} samples; the largest loss is sample {1} with {2}.', samples, worst[1], worst[0].toPrecision(4)) : l10n.t('No samples.'),
    kind: 'bar',
    xLabel: l10n.t('sample'),
    yLabel: l10n.t('loss'),
    labels: values.map((_value, index) => String(index)),
    series: [{ label: l10n.t('loss'), style: 'bar', data: values.map(finiteOrNull), marked: values.map((_value, index) => top.has(index)) }],
    ...(samples > shown ? { note: l10n.t('The first {0} of {1} samples.', shown, samples) } : {}),
  };
}

interface Probabilities {
  /** One row of class probabilities per sample. */
  readonly rows: number[][];
  readonly classes: number;
  readonly totalSamples: number;
}

/** Each sample's class probabilities, for 1-D (C) or 2-D (N, C) scores; undefined otherwise. */
function classProbabilities(loss: LossDefinition, input: Tensor, evaluation: Evaluation, fromLogits: boolean): Probabilities | undefined {
  if (input.shape.length < 1 || input.shape.length > 2 || input.numel === 0) return undefined;
  const classes = input.shape[input.shape.length - 1]!;
  const samples = input.shape.length === 2 ? input.shape[0]! : 1;
  let source: Float64Array;
  let transform: (row: number[]) => number[];
  if (loss.name === 'cross_entropy') {
    source = evaluation.steps.find((step) => step.id === 'softmax')?.tensor.data ?? softmaxRows(input.data, classes);
    transform = (row) => row;
  } else if (loss.name === 'nll_loss') {
    // The input should be log-probabilities: only when it is are there probabilities to show.
    if (input.data.some((value) => !(value <= 0))) return undefined;
    source = input.data;
    transform = (row) => row.map(Math.exp);
  } else {
    source = fromLogits ? softmaxRows(input.data, classes) : input.data;
    // Keras rescales probabilities that do not sum to 1.
    transform = (row) => {
      const total = row.reduce((sum, value) => sum + value, 0);
      return total > 0 ? row.map((value) => value / total) : row;
    };
  }
  const rows: number[][] = [];
  for (let i = 0; i < Math.min(samples, MAX_SAMPLES); i++) rows.push(transform(Array.from(source.subarray(i * classes, (i + 1) * classes))));
  return { rows, classes, totalSamples: samples };
}

function softmaxRows(data: Float64Array, classes: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let base = 0; base < data.length; base += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, data[base + c]!);
    let total = 0;
    for (let c = 0; c < classes; c++) total += out[base + c] = Math.exp(data[base + c]! - max);
    for (let c = 0; c < classes; c++) out[base + c]! /= total;
  }
  return out;
}

/** The class each sample's target names: an index, the argmax of a one-hot row, or none. */
function classTargets(loss: LossDefinition, target: Tensor, samples: number, classes: number): Array<number | undefined> {
  const result: Array<number | undefined> = [];
  const indices = target.numel === samples || (loss.name === 'sparse_categorical_crossentropy' && target.numel === samples);
  for (let i = 0; i < samples; i++) {
    if (indices && target.dtype !== 'float') {
      const value = target.data[i]!;
      result.push(Number.isInteger(value) && value >= 0 && value < classes ? value : undefined);
    } else if (target.numel >= (i + 1) * classes && target.dtype === 'float') {
      // Class probabilities: a target only when the row is one-hot.
      const row = Array.from(target.data.subarray(i * classes, (i + 1) * classes));
      const hot = row.findIndex((value) => value === 1);
      result.push(hot >= 0 && row.every((value, c) => c === hot || value === 0) ? hot : undefined);
    } else result.push(undefined);
  }
  return result;
}

function probabilityBars(probabilities: Probabilities, targets: Array<number | undefined>): ChartSpec {
  const classes = Math.min(probabilities.classes, MAX_CLASSES);
  const series: ChartSpec['series'] = [];
  for (let c = 0; c < classes; c++) {
    series.push({
      label: l10n.t('class {0}', c),
      style: 'bar',
      data: probabilities.rows.map((row) => finiteOrNull(row[c]!)),
      marked: targets.map((target) => target === c),
    });
  }
  const right = probabilities.rows.filter((row, i) => targets[i] !== undefined && row.indexOf(Math.max(...row)) === targets[i]).length;
  const notes: string[] = [];
  if (probabilities.totalSamples > probabilities.rows.length)
    notes.push(l10n.t('The first {0} of {1} samples.', probabilities.rows.length, probabilities.totalSamples));
  if (probabilities.classes > classes) notes.push(l10n.t('The first {0} of {1} classes.', classes, probabilities.classes));
  return {
    id: 'probabilities',
    title: l10n.t('Probabilities of each sample, the target class outlined'),
    summary: l10n.t('{0} of {1} samples give their target class the highest probability.', right, probabilities.rows.length),
    kind: 'bar',
    xLabel: l10n.t('sample'),
    yLabel: l10n.t('probability'),
    labels: probabilities.rows.map((_row, index) => String(index)),
    series,
    yRange: [0, 1],
    ...(notes.length ? { note: notes.join(' ') } : {}),
  };
}

/** Probabilities from 0.01 to 0.99. */
function grid(): number[] {
  return Array.from({ length: GRID }, (_unused, i) => (i + 1) / (GRID + 1));
}

/** The loss of one sample whose target class gets probability p, computed by the loss itself. */
function multiclassCurve(
  loss: LossDefinition,
  probabilities: Probabilities,
  targets: Array<number | undefined>,
  elementwise: Tensor | undefined,
  offCurve: boolean,
): ChartSpec {
  const ps = grid();
  const twoClass = (p: number) => [p, 1 - p];
  let curve: Float64Array;
  if (loss.framework === 'keras') {
    const yPred = new Tensor(Float64Array.from(ps.flatMap(twoClass)), [GRID, 2]);
    const yTrue =
      loss.name === 'sparse_categorical_crossentropy'
        ? new Tensor(new Float64Array(GRID), [GRID], 'int')
        : new Tensor(Float64Array.from(ps.flatMap(() => [1, 0])), [GRID, 2]);
    curve = evaluate({ loss: loss.name, args: { y_pred: yPred, y_true: yTrue }, kwargs: { reduction: 'none' } }).value.data;
  } else {
    const logProbabilities = new Tensor(Float64Array.from(ps.flatMap((p) => twoClass(p).map(Math.log))), [GRID, 2]);
    curve = evaluate({
      loss: 'nll_loss',
      args: { input: logProbabilities, target: new Tensor(new Float64Array(GRID), [GRID], 'int') },
      kwargs: { reduction: 'none' },
    }).value.data;
  }
  const samples: Array<[number, number]> = [];
  probabilities.rows.forEach((row, i) => {
    const target = targets[i];
    const value = elementwise && elementwise.numel === probabilities.totalSamples ? elementwise.data[i] : undefined;
    if (target !== undefined && value !== undefined && Number.isFinite(value)) samples.push([row[target]!, value]);
  });
  return curve_(ps, curve, samples, l10n.t('probability given to the target class'), offCurve);
}

function binaryBars(p: number[], y: number[], total: number): ChartSpec {
  const confident = p.filter((value, i) => (y[i] === 1 ? value >= 0.5 : y[i] === 0 ? value < 0.5 : false)).length;
  return {
    id: 'probabilities',
    title: l10n.t('Predicted probability of each element, the target as a dot'),
    summary: l10n.t('{0} of {1} elements are on the right side of 0.5.', confident, p.length),
    kind: 'bar',
    xLabel: l10n.t('element'),
    yLabel: l10n.t('probability'),
    labels: p.map((_value, index) => String(index)),
    series: [
      { label: l10n.t('predicted probability'), style: 'bar', data: p.map(finiteOrNull) },
      { label: l10n.t('target'), style: 'points', data: y.map(finiteOrNull) },
    ],
    yRange: [0, 1],
    ...(total > p.length ? { note: l10n.t('The first {0} of {1} elements.', p.length, total) } : {}),
  };
}

function binaryCurve(loss: LossDefinition, p: number[], y: number[], elementwise: Tensor | undefined, offCurve: boolean): ChartSpec {
  const ps = grid();
  const probabilities = new Tensor(Float64Array.from(ps), [GRID, 1]);
  const ones = new Tensor(new Float64Array(GRID).fill(1), [GRID, 1]);
  const curve =
    loss.framework === 'keras'
      ? evaluate({ loss: 'binary_crossentropy', args: { y_pred: probabilities, y_true: ones }, kwargs: { reduction: 'none' } }).value.data
      : evaluate({ loss: 'binary_cross_entropy', args: { input: probabilities, target: ones }, kwargs: { reduction: 'none' } }).value.data;
  const samples: Array<[number, number]> = [];
  const perElement = elementwise && elementwise.numel >= p.length && loss.framework !== 'keras';
  p.forEach((value, i) => {
    const right = y[i] === 1 ? value : y[i] === 0 ? 1 - value : undefined;
    const loss_ = perElement ? elementwise.data[i]! : undefined;
    if (right !== undefined && loss_ !== undefined && Number.isFinite(loss_)) samples.push([right, loss_]);
  });
  return curve_(ps, curve, samples, l10n.t('probability given to the right label'), offCurve);
}

function curve_(xs: number[], curve: Float64Array, samples: Array<[number, number]>, xLabel: string, offCurve: boolean): ChartSpec {
  const notes: string[] = [];
  if (offCurve) notes.push(l10n.t('Weights, smoothing and focusing move samples off the plain curve.'));
  return {
    id: 'curve',
    title: l10n.t('Loss against the probability of the right answer, each sample on it'),
    summary: l10n.t(
      'The loss falls from {0} at p = {1} to {2} at p = {3}; {4} samples are placed on the curve.',
      fmt(curve[0]!),
      fmt(xs[0]!),
      fmt(curve[curve.length - 1]!),
      fmt(xs[xs.length - 1]!),
      samples.length,
    ),
    kind: 'xy',
    xLabel,
    yLabel: l10n.t('loss'),
    series: [
      { label: l10n.t('loss of one sample'), style: 'line', data: xs.map((x, i) => [x, curve[i]!] as [number, number]) },
      { label: l10n.t('samples'), style: 'points', data: samples },
    ],
    ...(notes.length ? { note: notes.join(' ') } : {}),
  };
}

/** The loss of one element against its error x − y, computed by the loss with the form's options. */
function regressionCurve(loss: LossDefinition, request: EvaluateRequest, input: Tensor, target: Tensor, elementwise: Tensor | undefined): ChartSpec {
  const errors: number[] = [];
  for (let i = 0; i < Math.min(input.numel, MAX_SAMPLES); i++) errors.push(input.data[i]! - target.data[i]!);
  const finite = errors.filter(Number.isFinite);
  const reach = Math.max(1, ...finite.map(Math.abs)) * 1.25;
  const xs = Array.from({ length: GRID }, (_unused, i) => -reach + (2 * reach * i) / (GRID - 1));
  const kwargs = { ...request.kwargs, reduction: 'none' };
  delete (kwargs as Record<string, unknown>)['weight'];
  const curve = evaluate({
    loss: loss.name,
    args: { [loss.tensors[0]!.name]: new Tensor(Float64Array.from(xs), [GRID]), [loss.tensors[1]!.name]: new Tensor(new Float64Array(GRID), [GRID]) },
    kwargs,
  }).value.data;
  const samples: Array<[number, number]> = [];
  errors.forEach((error, i) => {
    const value = elementwise && elementwise.numel === input.numel ? elementwise.data[i] : undefined;
    if (Number.isFinite(error) && value !== undefined && Number.isFinite(value)) samples.push([error, value]);
  });
  return {
    id: 'curve',
    title: l10n.t('Loss of one element against its error, each element on it'),
    summary: l10n.t('{0} elements placed on the curve; the largest error is {1}.', samples.length, fmt(Math.max(0, ...finite.map(Math.abs)))),
    kind: 'xy',
    xLabel: l10n.t('error (input − target)'),
    yLabel: l10n.t('loss'),
    series: [
      { label: l10n.t('loss of one element'), style: 'line', data: xs.map((x, i) => [x, curve[i]!] as [number, number]) },
      { label: l10n.t('elements'), style: 'points', data: samples },
    ],
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function fmt(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
