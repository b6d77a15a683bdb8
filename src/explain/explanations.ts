/**
 * The explanation views' contents: per rule, what goes wrong, a numeric demonstration computed by
 * the evaluator (the buggy call beside the right one, on small tensors), a chart where a picture
 * says it better, and the fix; per loss, the formula, the shapes and dtypes of its arguments, its
 * options and a worked example. Every number shown is computed here, by the evaluator, when the
 * view opens — none is written down.
 */

import * as l10n from '@vscode/l10n';
import { ruleByCode } from '../analysis/rules';
import type { ChartSpec, DemoRowData, Explanation, ExplanationSection } from '../common/protocol/calculator';
import type { RulePageTexts } from '../analysis/rules/docs';
import { evaluate } from '../losses/evaluate';
import { LossError } from '../losses/errors';
import { findLoss } from '../losses/registry';
import { lossTitle, shapeText, tensorDescription, type LossTextTable } from '../losses/texts';
import { formatTensor } from '../tensor/format';
import { tensorFromJson } from '../tensor/parse';
import { Tensor, type DType } from '../tensor/tensor';
import { lossCatalog } from './calculate';

/** A tensor from nested lists: floats unless `dtype` says otherwise. */
function t(value: unknown, dtype: DType = 'float'): Tensor {
  return tensorFromJson(value, dtype);
}

function map(tensor: Tensor, f: (value: number) => number): Tensor {
  return new Tensor(tensor.data.map(f), tensor.shape, 'float');
}

/** Softmax (or log-softmax) over the last dimension, as torch computes it. */
function softmax(tensor: Tensor, log = false): Tensor {
  const classes = tensor.shape[tensor.shape.length - 1]!;
  const out = new Float64Array(tensor.numel);
  for (let base = 0; base < tensor.numel; base += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, tensor.data[base + c]!);
    let total = 0;
    for (let c = 0; c < classes; c++) total += Math.exp(tensor.data[base + c]! - max);
    for (let c = 0; c < classes; c++) {
      const shifted = tensor.data[base + c]! - max;
      out[base + c] = log ? shifted - Math.log(total) : Math.exp(shifted) / total;
    }
  }
  return new Tensor(out, tensor.shape, 'float');
}

const sigmoid = (tensor: Tensor) => map(tensor, (x) => 1 / (1 + Math.exp(-x)));

interface Call {
  readonly loss: string;
  readonly args: Readonly<Record<string, Tensor>>;
  readonly kwargs?: Readonly<Record<string, unknown>>;
}

/** One evaluator run, as a demo row: the call's code, and the value or PyTorch's error. */
function row(label: string, code: string, call: Call): DemoRowData {
  try {
    const result = evaluate({ loss: call.loss, args: call.args, kwargs: call.kwargs ?? {} });
    const warning = result.warnings.length ? `\n${l10n.t('warning: {0}', result.warnings.join(' '))}` : '';
    return { label, code, printed: `${formatTensor(result.value)}${warning}` };
  } catch (error) {
    if (error instanceof LossError) return { label, code, error: error.message };
    throw error;
  }
}

function value(call: Call): number {
  const result = evaluate({ loss: call.loss, args: call.args, kwargs: call.kwargs ?? {} }).value;
  return result.numel === 1 ? result.data[0]! : NaN;
}

/** Points of a function of one variable, for a line chart. */
function curve(xs: readonly number[], f: (x: number) => number): Array<[number, number] | null> {
  return xs.map((x) => {
    const y = f(x);
    return Number.isFinite(y) ? ([x, y] as [number, number]) : null;
  });
}

function range(from: number, to: number, count: number): number[] {
  return Array.from({ length: count }, (_unused, i) => from + ((to - from) * i) / (count - 1));
}

/** Central differences of a loss with respect to each element of `x`: the gradient the optimiser sees. */
function gradient(x: Tensor, loss: (x: Tensor) => number): number[] {
  const h = 1e-6;
  return Array.from(x.data, (_value, i) => {
    const plus = new Float64Array(x.data);
    const minus = new Float64Array(x.data);
    plus[i]! += h;
    minus[i]! -= h;
    return (loss(new Tensor(plus, x.shape)) - loss(new Tensor(minus, x.shape))) / (2 * h);
  });
}

const round = (value: number) => Number(value.toPrecision(4));

function demo(heading: string, intro: string, rows: DemoRowData[]): ExplanationSection {
  return { kind: 'demo', heading, intro, rows };
}

function chart(spec: ChartSpec): ExplanationSection {
  return { kind: 'chart', heading: spec.title, chart: spec };
}

/** The reference article's binary cross entropy example: two samples, two labels each. */
function articleBce(): { scores: Tensor; labels: Tensor } {
  return {
    scores: t([
      [0.6, 0.1],
      [0.3, 0.8],
    ]),
    labels: t([
      [0, 1],
      [1, 0],
    ]),
  };
}

/** The demonstration of each rule: sections between "what goes wrong" and "the fix". */
const DEMOS: Readonly<Record<string, () => ExplanationSection[]>> = {
  LL001: () => {
    const { scores: x, labels: y } = articleBce();
    const zs = range(-6, 6, 121);
    const one = (loss: string, z: number) => value({ loss, args: { input: t([z]), target: t([1]) } });
    return [
      demo(l10n.t('The same scores, read two ways'), l10n.t('x holds raw scores (logits) of a model without a final sigmoid; y the labels.'), [
        row(l10n.t('BCELoss reads the scores as probabilities (the bug)'), 'F.binary_cross_entropy(x, y)', {
          loss: 'binary_cross_entropy',
          args: { input: x, target: y },
        }),
        row(l10n.t('the loss the scores really have'), 'F.binary_cross_entropy_with_logits(x, y)', {
          loss: 'binary_cross_entropy_with_logits',
          args: { input: x, target: y },
        }),
        row(l10n.t('the same, with the sigmoid written out'), 'F.binary_cross_entropy(torch.sigmoid(x), y)', {
          loss: 'binary_cross_entropy',
          args: { input: sigmoid(x), target: y },
        }),
        row(l10n.t('a score outside [0, 1] stops training'), 'F.binary_cross_entropy(torch.tensor([2.0, -1.0]), torch.tensor([1., 0.]))', {
          loss: 'binary_cross_entropy',
          args: { input: t([2, -1]), target: t([1, 0]) },
        }),
      ]),
      chart({
        id: 'LL001',
        title: l10n.t('Loss for a positive label, against the raw score'),
        summary: l10n.t(
          'BCEWithLogitsLoss falls smoothly as the score grows; BCELoss is defined only for scores between 0 and 1 and gives {0} at 0.5.',
          round(one('binary_cross_entropy', 0.5)),
        ),
        kind: 'xy',
        xLabel: l10n.t('raw score (logit)'),
        yLabel: l10n.t('loss'),
        series: [
          { label: 'BCEWithLogitsLoss', style: 'line', data: curve(zs, (z) => one('binary_cross_entropy_with_logits', z)).filter(isPoint) },
          {
            label: l10n.t('BCELoss (only where 0 ≤ score ≤ 1)'),
            style: 'line',
            data: curve(range(0.005, 0.995, 100), (z) => one('binary_cross_entropy', z)).filter(isPoint),
          },
        ],
      }),
    ];
  },
  LL002: () => {
    const { scores: x, labels: y } = articleBce();
    const zs = range(-8, 8, 161);
    const withLogits = (z: Tensor) => value({ loss: 'binary_cross_entropy_with_logits', args: { input: z, target: t([1]) } });
    return [
      demo(l10n.t('A sigmoid too many'), l10n.t('BCEWithLogitsLoss applies a sigmoid itself; here it receives sigmoid output.'), [
        row(l10n.t('on the raw scores (right)'), 'F.binary_cross_entropy_with_logits(x, y)', {
          loss: 'binary_cross_entropy_with_logits',
          args: { input: x, target: y },
        }),
        row(l10n.t('on sigmoid(x) (the bug)'), 'F.binary_cross_entropy_with_logits(torch.sigmoid(x), y)', {
          loss: 'binary_cross_entropy_with_logits',
          args: { input: sigmoid(x), target: y },
        }),
        row(l10n.t('a confident right answer, scored right'), 'F.binary_cross_entropy_with_logits(torch.tensor([10.]), torch.tensor([1.]))', {
          loss: 'binary_cross_entropy_with_logits',
          args: { input: t([10]), target: t([1]) },
        }),
        row(
          l10n.t('the same answer through a second sigmoid: it can never go below 0.3133'),
          'F.binary_cross_entropy_with_logits(torch.sigmoid(torch.tensor([10.])), torch.tensor([1.]))',
          {
            loss: 'binary_cross_entropy_with_logits',
            args: { input: sigmoid(t([10])), target: t([1]) },
          },
        ),
      ]),
      chart({
        id: 'LL002',
        title: l10n.t('Loss for a positive label, against the raw score'),
        summary: l10n.t('With one sigmoid the loss goes to 0 as the score grows; with two it stops at {0}.', round(withLogits(sigmoid(t([50]))))),
        kind: 'xy',
        xLabel: l10n.t('raw score (logit)'),
        yLabel: l10n.t('loss'),
        series: [
          { label: l10n.t('on the raw score (right)'), style: 'line', data: curve(zs, (z) => withLogits(t([z]))).filter(isPoint) },
          { label: l10n.t('on sigmoid(score) (the bug)'), style: 'line', data: curve(zs, (z) => withLogits(sigmoid(t([z])))).filter(isPoint) },
        ],
      }),
    ];
  },
  LL003: () => {
    const x = t([[3.0, 1.0, -3.0]]);
    const y = t([0], 'int');
    const once = softmax(x);
    const twice = softmax(once);
    const right = (z: Tensor) => value({ loss: 'cross_entropy', args: { input: z, target: y } });
    const buggy = (z: Tensor) => right(softmax(z));
    const classes = ['0', '1', '2'];
    return [
      demo(l10n.t('Softmax applied twice'), l10n.t('CrossEntropyLoss applies log-softmax itself; here it receives softmax output.'), [
        row(l10n.t('on the logits (right)'), 'F.cross_entropy(x, y)', { loss: 'cross_entropy', args: { input: x, target: y } }),
        row(l10n.t('on softmax(x) (the bug)'), 'F.cross_entropy(F.softmax(x, dim=1), y)', { loss: 'cross_entropy', args: { input: once, target: y } }),
        row(l10n.t('the best the bug can ever reach: a perfect prediction'), 'F.cross_entropy(torch.tensor([[1., 0., 0.]]), y)', {
          loss: 'cross_entropy',
          args: { input: t([[1, 0, 0]]), target: y },
        }),
      ]),
      chart({
        id: 'LL003',
        title: l10n.t('The probabilities the loss sees, for x = [3, 1, −3] with target class 0'),
        summary: l10n.t('One softmax gives the target class {0}; a second softmax flattens that to {1}.', round(once.data[0]!), round(twice.data[0]!)),
        kind: 'bar',
        xLabel: l10n.t('class'),
        yLabel: l10n.t('probability'),
        labels: classes,
        series: [
          { label: l10n.t('softmax(x): what the model predicts'), style: 'bar', data: Array.from(once.data), marked: [true, false, false] },
          { label: l10n.t('softmax(softmax(x)): what the loss sees'), style: 'bar', data: Array.from(twice.data), marked: [true, false, false] },
        ],
        yRange: [0, 1],
      }),
      chart({
        id: 'LL003-gradient',
        title: l10n.t('The gradient reaching each logit'),
        summary: l10n.t(
          'The gradient on the target logit is {0} on the logits and {1} through the extra softmax: learning slows down.',
          round(gradient(x, right)[0]!),
          round(gradient(x, buggy)[0]!),
        ),
        kind: 'bar',
        xLabel: l10n.t('class'),
        yLabel: l10n.t('∂ loss / ∂ logit'),
        labels: classes,
        series: [
          { label: l10n.t('on the logits (right)'), style: 'bar', data: gradient(x, right).map(round) },
          { label: l10n.t('through softmax (the bug)'), style: 'bar', data: gradient(x, buggy).map(round) },
        ],
      }),
    ];
  },
  LL004: () => {
    const x = t([
      [2, 3, 1],
      [3, 7, 9],
    ]);
    const y = t([1, 2], 'int');
    const calls: Array<[string, Tensor]> = [
      [l10n.t('on raw scores (the bug)'), x],
      [l10n.t('on probabilities (the bug)'), softmax(x)],
      [l10n.t('on log_softmax (right)'), softmax(x, true)],
    ];
    const perSample = (input: Tensor) =>
      Array.from(evaluate({ loss: 'nll_loss', args: { input, target: y }, kwargs: { reduction: 'none' } }).value.data, round);
    return [
      demo(l10n.t('NLLLoss only picks and negates'), l10n.t('nll_loss takes −input[target]: it is a loss only when the input holds log-probabilities.'), [
        row(calls[0]![0], 'F.nll_loss(x, y)', { loss: 'nll_loss', args: { input: x, target: y } }),
        row(calls[1]![0], 'F.nll_loss(F.softmax(x, dim=1), y)', { loss: 'nll_loss', args: { input: calls[1]![1], target: y } }),
        row(calls[2]![0], 'F.nll_loss(F.log_softmax(x, dim=1), y)', { loss: 'nll_loss', args: { input: calls[2]![1], target: y } }),
        row(l10n.t('the same as cross_entropy on the scores'), 'F.cross_entropy(x, y)', { loss: 'cross_entropy', args: { input: x, target: y } }),
      ]),
      chart({
        id: 'LL004',
        title: l10n.t('Loss of each sample'),
        summary: l10n.t('On raw scores and on probabilities the losses are negative: training pushes them down without end.'),
        kind: 'bar',
        xLabel: l10n.t('sample'),
        yLabel: l10n.t('loss'),
        labels: ['0', '1'],
        series: calls.map(([label, input]) => ({ label, style: 'bar' as const, data: perSample(input) })),
      }),
    ];
  },
  LL005: () => {
    const z = t([
      [2.0, -1.0, 0.5],
      [0.3, 1.8, -0.7],
    ]);
    const y = t([
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const keras = (label: string, code: string, yPred: Tensor, fromLogits: boolean) =>
      row(label, code, {
        loss: 'categorical_crossentropy',
        args: { y_pred: yPred, y_true: y },
        kwargs: fromLogits ? { from_logits: true, reduction: 'none' } : { reduction: 'none' },
      });
    return [
      demo(
        l10n.t('Raw scores read as probabilities'),
        l10n.t('z holds the raw scores of a model whose last layer is Dense(3) with no activation; y the one-hot labels. Losses per sample.'),
        [
          keras(l10n.t('from_logits=False, the default (the bug)'), 'keras.losses.categorical_crossentropy(y, z)', z, false),
          keras(l10n.t('from_logits=True (right)'), 'keras.losses.categorical_crossentropy(y, z, from_logits=True)', z, true),
          keras(l10n.t('a softmax at the end of the model (also right)'), 'keras.losses.categorical_crossentropy(y, tf.nn.softmax(z))', softmax(z), false),
        ],
      ),
    ];
  },
  LL006: () => {
    const p = t([[0.7, 0.2, 0.1]]);
    const q = t([[0.5, 0.3, 0.2]]);
    return [
      demo(l10n.t('KL divergence wants log-probabilities as input'), l10n.t('p is the distribution of the model, q the target distribution.'), [
        row(l10n.t('input as probabilities (the bug)'), "F.kl_div(p, q, reduction='batchmean')", {
          loss: 'kl_div',
          args: { input: p, target: q },
          kwargs: { reduction: 'batchmean' },
        }),
        row(l10n.t('input as log-probabilities (right)'), "F.kl_div(p.log(), q, reduction='batchmean')", {
          loss: 'kl_div',
          args: { input: map(p, Math.log), target: q },
          kwargs: { reduction: 'batchmean' },
        }),
        row(l10n.t('the same with log_target=True and both as logs'), "F.kl_div(p.log(), q.log(), reduction='batchmean', log_target=True)", {
          loss: 'kl_div',
          args: { input: map(p, Math.log), target: map(q, Math.log) },
          kwargs: { reduction: 'batchmean', log_target: true },
        }),
      ]),
    ];
  },
  LL007: () => {
    const { scores: p, labels: y } = articleBce();
    return [
      demo(l10n.t('Arguments in the wrong order'), l10n.t('PyTorch losses take (input, target): the prediction first.'), [
        row(l10n.t('prediction, then labels (right)'), 'F.binary_cross_entropy(p, y)', { loss: 'binary_cross_entropy', args: { input: p, target: y } }),
        row(l10n.t('labels, then prediction (the bug)'), 'F.binary_cross_entropy(y, p)', { loss: 'binary_cross_entropy', args: { input: y, target: p } }),
      ]),
    ];
  },
  LL008: () => {
    const x = t([[0, 800]]);
    const y = t([0], 'int');
    const logOfSoftmax = map(softmax(x), Math.log);
    return [
      demo(
        l10n.t('log(softmax(x)) underflows'),
        l10n.t('With a logit gap of 800, softmax rounds the small probability to exactly 0 (in float32 already from a gap of about 104).'),
        [
          row(l10n.t('log of softmax (the bug)'), 'F.nll_loss(torch.log(F.softmax(x, dim=1)), y)', {
            loss: 'nll_loss',
            args: { input: logOfSoftmax, target: y },
          }),
          row(l10n.t('log_softmax (right)'), 'F.nll_loss(F.log_softmax(x, dim=1), y)', { loss: 'nll_loss', args: { input: softmax(x, true), target: y } }),
        ],
      ),
    ];
  },
  LL009: () => {
    const x = t([
      [1.6, -0.4],
      [0.3, 2.2],
    ]);
    const y = t([
      [1, 0],
      [0, 1],
    ]);
    const scores = t([[6, -2, -3]]);
    const label = t([0], 'int');
    return [
      demo(l10n.t('Values a probability loss cannot read'), l10n.t('x holds the scores before the last activation; y the labels.'), [
        row(l10n.t('after a ReLU: 1.6 and 2.2 are above 1 (the bug)'), 'F.binary_cross_entropy(torch.relu(x), y)', {
          loss: 'binary_cross_entropy',
          args: { input: map(x, (value) => Math.max(0, value)), target: y },
        }),
        row(l10n.t('after a tanh: -0.38 is below 0 (the bug)'), 'F.binary_cross_entropy(torch.tanh(x), y)', {
          loss: 'binary_cross_entropy',
          args: { input: map(x, Math.tanh), target: y },
        }),
        row(l10n.t('after a sigmoid (right)'), 'F.binary_cross_entropy(torch.sigmoid(x), y)', {
          loss: 'binary_cross_entropy',
          args: { input: sigmoid(x), target: y },
        }),
      ]),
      demo(l10n.t('A sigmoid before a softmax cross entropy'), l10n.t('A confident, right score for class 0 out of 3.'), [
        row(l10n.t('on the raw scores (right)'), 'F.cross_entropy(scores, y)', { loss: 'cross_entropy', args: { input: scores, target: label } }),
        row(l10n.t('on sigmoid(scores): it can never go below 0.55 (the bug)'), 'F.cross_entropy(torch.sigmoid(scores), y)', {
          loss: 'cross_entropy',
          args: { input: sigmoid(scores), target: label },
        }),
      ]),
    ];
  },
  LL010: () => {
    const input = t([[2.5], [0.0], [2.0], [8.0]]);
    const target = t([3.0, -0.5, 2.0, 7.0]);
    const squeezed = t([2.5, 0.0, 2.0, 8.0]);
    const matrix = evaluate({ loss: 'mse_loss', args: { input, target }, kwargs: { reduction: 'none' } }).value;
    const rows: string[][] = [];
    for (let i = 0; i < 4; i++) rows.push([String(i), ...Array.from(matrix.data.subarray(i * 4, i * 4 + 4), (value) => String(round(value)))]);
    return [
      demo(l10n.t('(N, 1) against (N,) broadcasts'), l10n.t('The input has shape (4, 1), the target (4,): every prediction is compared with every target.'), [
        row(l10n.t('shapes (4, 1) and (4,) (the bug)'), 'F.mse_loss(input, target)', { loss: 'mse_loss', args: { input, target } }),
        row(l10n.t('after input.squeeze(1) (right)'), 'F.mse_loss(input.squeeze(1), target)', { loss: 'mse_loss', args: { input: squeezed, target } }),
      ]),
      {
        kind: 'table',
        heading: l10n.t('The 4 × 4 matrix of squared errors the bug averages'),
        columns: [l10n.t('prediction'), ...['0', '1', '2', '3'].map((j) => l10n.t('target {0}', j))],
        rows,
      },
      chart({
        id: 'LL010',
        title: l10n.t('Squared errors averaged: 4 by the right loss, 16 by the bug'),
        summary: l10n.t('The right loss averages the 4 diagonal errors; the bug averages all 16 pairs.'),
        kind: 'bar',
        xLabel: l10n.t('pair (prediction, target)'),
        yLabel: l10n.t('squared error'),
        labels: Array.from({ length: 16 }, (_unused, k) => `${Math.floor(k / 4)},${k % 4}`),
        series: [
          { label: l10n.t('squared error'), style: 'bar', data: Array.from(matrix.data), marked: Array.from({ length: 16 }, (_unused, k) => k % 5 === 0) },
        ],
      }),
    ];
  },
  LL011: () => {
    const x = t([
      [1.5, -0.5],
      [0.2, 0.9],
    ]);
    return [
      demo(l10n.t('The dtype decides what a target means'), l10n.t('Class indices must be integers (int64); binary targets must be floats.'), [
        row(l10n.t('float class indices (the bug)'), 'F.cross_entropy(x, torch.tensor([1., 0.]))', {
          loss: 'cross_entropy',
          args: { input: x, target: t([1, 0]) },
        }),
        row(l10n.t('int64 class indices (right)'), 'F.cross_entropy(x, torch.tensor([1, 0]))', {
          loss: 'cross_entropy',
          args: { input: x, target: t([1, 0], 'int') },
        }),
        row(l10n.t('integer binary targets (the bug)'), 'F.binary_cross_entropy_with_logits(x, torch.tensor([[1, 0], [0, 1]]))', {
          loss: 'binary_cross_entropy_with_logits',
          args: {
            input: x,
            target: t(
              [
                [1, 0],
                [0, 1],
              ],
              'int',
            ),
          },
        }),
        row(l10n.t('float binary targets (right)'), 'F.binary_cross_entropy_with_logits(x, torch.tensor([[1., 0.], [0., 1.]]))', {
          loss: 'binary_cross_entropy_with_logits',
          args: {
            input: x,
            target: t([
              [1, 0],
              [0, 1],
            ]),
          },
        }),
      ]),
    ];
  },
  LL012: () => {
    const y = t([0, 0, 0], 'int');
    return [
      demo(
        l10n.t('Softmax over one unit is always 1'),
        l10n.t('With a single output unit every sample has probability 1 for class 0: the loss is 0 whatever the model says.'),
        [
          row(l10n.t('one output unit, some logits'), 'F.cross_entropy(torch.tensor([[2.], [-1.], [0.5]]), y)', {
            loss: 'cross_entropy',
            args: { input: t([[2], [-1], [0.5]]), target: y },
          }),
          row(l10n.t('one output unit, other logits'), 'F.cross_entropy(torch.tensor([[-9.], [4.], [0.]]), y)', {
            loss: 'cross_entropy',
            args: { input: t([[-9], [4], [0]]), target: y },
          }),
          row(l10n.t('class weights of the wrong length'), 'F.cross_entropy(torch.randn(3, 2), y, weight=torch.tensor([1., 2., 3.]))', {
            loss: 'cross_entropy',
            args: {
              input: t([
                [0.1, 0.2],
                [0.3, 0.4],
                [0.5, 0.6],
              ]),
              target: y,
            },
            kwargs: { weight: [1, 2, 3] },
          }),
        ],
      ),
    ];
  },
  LL020: () => {
    const input = t([2.5, 0.0, 2.0, 8.0]);
    const target = t([3.0, -0.5, 2.0, 7.0]);
    return [
      demo(l10n.t('What the old arguments mean'), l10n.t('size_average=False means a sum; reduce=False means no reduction at all.'), [
        row("reduction='mean'", 'F.mse_loss(input, target)', { loss: 'mse_loss', args: { input, target } }),
        row("size_average=False → reduction='sum'", "F.mse_loss(input, target, reduction='sum')", {
          loss: 'mse_loss',
          args: { input, target },
          kwargs: { reduction: 'sum' },
        }),
        row("reduce=False → reduction='none'", "F.mse_loss(input, target, reduction='none')", {
          loss: 'mse_loss',
          args: { input, target },
          kwargs: { reduction: 'none' },
        }),
      ]),
    ];
  },
  LL021: () => {
    // A batch of 1 sequence, 2 steps, 3 classes: softmax without dim picks dim 0 for 3-D input.
    const x = t([
      [
        [1, 2, 3],
        [1, 0, -1],
      ],
    ]);
    const y = t([[2, 0]], 'int');
    const overBatch = new Tensor(new Float64Array(x.numel).fill(0), x.shape);
    return [
      demo(
        l10n.t('The implicit dim is not the class dim'),
        l10n.t('For 3-D input softmax without dim normalises over dim 0 (the batch): with one sequence every probability is 1 and log-probabilities 0.'),
        [
          row(l10n.t('log_softmax over dim 0, as an implicit dim picks (the bug)'), 'F.nll_loss(F.log_softmax(x).transpose(1, 2), y)', {
            loss: 'nll_loss',
            args: { input: transposeLast(overBatch), target: y },
          }),
          row(l10n.t('log_softmax over the classes (right)'), 'F.nll_loss(F.log_softmax(x, dim=-1).transpose(1, 2), y)', {
            loss: 'nll_loss',
            args: { input: transposeLast(softmax(x, true)), target: y },
          }),
        ],
      ),
    ];
  },
  LL022: () => {
    const logP = map(
      t([
        [0.7, 0.2, 0.1],
        [0.1, 0.3, 0.6],
      ]),
      Math.log,
    );
    const q = t([
      [0.5, 0.3, 0.2],
      [0.2, 0.2, 0.6],
    ]);
    return [
      demo(
        l10n.t("'mean' divides by every element"),
        l10n.t("KL divergence is a sum over classes; 'mean' also divides by the number of classes, 'batchmean' only by the batch size."),
        [
          row("reduction='mean'", 'F.kl_div(log_p, q)', { loss: 'kl_div', args: { input: logP, target: q } }),
          row("reduction='batchmean'", "F.kl_div(log_p, q, reduction='batchmean')", {
            loss: 'kl_div',
            args: { input: logP, target: q },
            kwargs: { reduction: 'batchmean' },
          }),
        ],
      ),
    ];
  },
};

/** (N, T, C) to (N, C, T), as nll_loss wants the classes in dim 1. */
function transposeLast(tensor: Tensor): Tensor {
  const [n, steps, classes] = tensor.shape as [number, number, number];
  const out = new Float64Array(tensor.numel);
  for (let i = 0; i < n; i++)
    for (let s = 0; s < steps; s++) for (let c = 0; c < classes; c++) out[(i * classes + c) * steps + s] = tensor.data[(i * steps + s) * classes + c]!;
  return new Tensor(out, [n, classes, steps]);
}

function isPoint(point: [number, number] | null): point is [number, number] {
  return point !== null;
}

/** The rule codes with an explanation view. */
export const EXPLAINED_RULES: readonly string[] = Object.keys(DEMOS);

/** The explanation of rule `code`, with its texts in the display language when given. */
export function explainRule(code: string, texts?: RulePageTexts): Explanation | undefined {
  const rule = ruleByCode(code);
  const demos = DEMOS[code];
  if (!rule || !demos) return undefined;
  const words = texts ?? { summary: rule.meta.summary, ...rule.meta.docs };
  return {
    topic: code,
    title: `${code} ${rule.meta.name}`,
    subtitle: words.summary,
    rule: code,
    sections: [
      { kind: 'text', heading: l10n.t('What goes wrong'), paragraphs: [words.whyIsThisBad] },
      ...demos(),
      { kind: 'code', heading: l10n.t('The bug'), code: rule.meta.docs.example },
      { kind: 'code', heading: l10n.t('The fix'), code: rule.meta.docs.useInstead },
      { kind: 'text', heading: l10n.t('Fix safety'), paragraphs: [words.fixSafety] },
    ],
  };
}

/** Worked examples per loss: the reference article's numbers, computed live. */
const WORKED: Readonly<Record<string, () => DemoRowData[]>> = {
  binary_cross_entropy: () => {
    const { scores: x, labels: y } = articleBce();
    return [
      row(l10n.t('x as probabilities'), 'F.binary_cross_entropy(x, y)', { loss: 'binary_cross_entropy', args: { input: x, target: y } }),
      row(l10n.t('x as logits, through a sigmoid'), 'F.binary_cross_entropy(torch.sigmoid(x), y)', {
        loss: 'binary_cross_entropy',
        args: { input: sigmoid(x), target: y },
      }),
      row(l10n.t('x as logits, in one step'), 'F.binary_cross_entropy_with_logits(x, y)', {
        loss: 'binary_cross_entropy_with_logits',
        args: { input: x, target: y },
      }),
    ];
  },
  nll_loss: () => [
    row(l10n.t('(N, C) input'), 'F.nll_loss(x, y)', {
      loss: 'nll_loss',
      args: {
        input: t([
          [2, 3, 1],
          [3, 7, 9],
        ]),
        target: t([1, 2], 'int'),
      },
    }),
    row(l10n.t('(N, C, d) input'), 'F.nll_loss(x2, y2)', {
      loss: 'nll_loss',
      args: {
        input: t([
          [
            [2, 3],
            [1, 5],
          ],
          [
            [3, 7],
            [1, 9],
          ],
        ]),
        target: t(
          [
            [1, 1],
            [0, 0],
          ],
          'int',
        ),
      },
    }),
  ],
  cross_entropy: () => {
    const x = t([
      [
        [1, 2],
        [3, 5],
      ],
      [
        [4, 7],
        [4, 6],
      ],
    ]);
    const y = t(
      [
        [0, 0],
        [1, 1],
      ],
      'int',
    );
    const z = t([[-1.2], [0.4], [2.0]]);
    const binary = t([0, 1, 1], 'int');
    const twoClass = new Tensor(Float64Array.from(Array.from(z.data).flatMap((value) => [0, value])), [3, 2]);
    return [
      row(l10n.t('(N, C, d) input'), 'F.cross_entropy(x, y)', { loss: 'cross_entropy', args: { input: x, target: y } }),
      row(l10n.t('with class weights'), 'F.cross_entropy(x, y, weight=torch.tensor([1.0, 9.0]))', {
        loss: 'cross_entropy',
        args: { input: x, target: y },
        kwargs: { weight: [1, 9] },
      }),
      row(l10n.t('two-class softmax on [0, z]'), 'F.cross_entropy(torch.cat([torch.zeros_like(z), z], 1), y01)', {
        loss: 'cross_entropy',
        args: { input: twoClass, target: binary },
      }),
      row(l10n.t('the same as a sigmoid on z'), 'F.binary_cross_entropy_with_logits(z.squeeze(1), y01.float())', {
        loss: 'binary_cross_entropy_with_logits',
        args: { input: t([-1.2, 0.4, 2.0]), target: t([0, 1, 1]) },
      }),
    ];
  },
  binary_cross_entropy_with_logits: () => {
    const p = t([0.95, 0.73, 0.05]);
    const q = t([0.3, 0.5, 0.7]);
    const y = t([1, 1, 0]);
    return [
      row(l10n.t('multi-label, summed over labels: good predictions'), "F.binary_cross_entropy(p, y, reduction='sum')", {
        loss: 'binary_cross_entropy',
        args: { input: p, target: y },
        kwargs: { reduction: 'sum' },
      }),
      row(l10n.t('multi-label, summed over labels: poor predictions'), "F.binary_cross_entropy(q, y, reduction='sum')", {
        loss: 'binary_cross_entropy',
        args: { input: q, target: y },
        kwargs: { reduction: 'sum' },
      }),
    ];
  },
};

/** The explanation of a loss: formula, shapes and dtypes, options, a worked example. */
export function explainLoss(name: string, texts?: LossTextTable | null): Explanation | undefined {
  const loss = findLoss(name);
  const info = lossCatalog(texts).find((entry) => entry.name === name);
  if (!loss || !info) return undefined;
  const sections: ExplanationSection[] = [
    { kind: 'code', heading: l10n.t('Formula'), code: loss.formula },
    {
      kind: 'table',
      heading: l10n.t('Shapes and dtypes'),
      columns: [l10n.t('argument'), l10n.t('holds'), l10n.t('shapes'), l10n.t('dtype'), l10n.t('meaning')],
      rows: loss.tensors.map((parameter) => [
        parameter.name,
        parameter.contract.space,
        parameter.contract.shapes.map(shapeText).join(' · '),
        parameter.contract.dtype === 'int' ? 'int64' : parameter.contract.dtype === 'bool' ? 'bool' : 'float',
        tensorDescription(loss, parameter.name, texts),
      ]),
    },
  ];
  const options = Object.entries(loss.options);
  if (options.length) {
    sections.push({
      kind: 'table',
      heading: l10n.t('Options'),
      columns: [l10n.t('option'), l10n.t('default'), l10n.t('values')],
      rows: options.map(([option, spec]) => [
        option,
        spec.default === null ? 'None' : String(spec.default),
        spec.kind === 'enum'
          ? spec.values.join(', ')
          : spec.kind === 'tensor'
            ? l10n.t('a tensor')
            : spec.kind === 'boolean'
              ? 'True, False'
              : l10n.t('a number'),
      ]),
    });
  }
  const worked = WORKED[name];
  if (worked) sections.push(demo(l10n.t('Worked example'), l10n.t('Computed now by the LossLens evaluator, with the semantics of PyTorch.'), worked()));
  return {
    topic: name,
    title: lossTitle(loss, texts),
    subtitle: info.apis.join(' · '),
    sections,
    ...(info.example ? { calculator: info.example } : {}),
  };
}
