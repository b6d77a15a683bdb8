import * as l10n from '@vscode/l10n';
import { passPreActivation } from './helpers/activation';
import { chain, comesFrom, inputSpan, lossReference, siteFacts } from './helpers/describe';
import { createRule } from './rule';
import type { Fix, ValueRange } from '../types';

/** Losses that read their input as probabilities, and the activation that gives them (binary: a sigmoid; over classes: a softmax). */
const ON_PROBABILITIES: Readonly<Record<string, 'sigmoid' | 'softmax'>> = {
  binary_cross_entropy: 'sigmoid',
  binary_crossentropy: 'sigmoid',
  categorical_crossentropy: 'softmax',
  sparse_categorical_crossentropy: 'softmax',
};

export const activationRangeMismatch = createRule({
  meta: {
    code: 'LL009',
    name: 'activation-range-mismatch',
    severity: 'error',
    summary: 'What reaches a loss comes from an activation whose range is not the one the loss expects.',
    fixable: true,
    docs: {
      whatItDoes:
        "Checks that what reaches a loss lies where the loss expects it. A loss on probabilities (`nn.BCELoss`, `F.binary_cross_entropy`; Keras' binary and categorical cross entropies with `from_logits=False`; TensorFlow.js's `'binaryCrossentropy'` and `'categoricalCrossentropy'`) fed the output of `relu`, `relu6`, `softplus`, `elu`, `selu`, `gelu`, `silu`, `tanh`, `softsign` or `exp` (a function, a module such as `nn.ReLU()`, or a layer's `activation='relu'`), whose values are not in [0, 1]; and a softmax cross entropy on raw scores (`nn.CrossEntropyLoss`, `F.cross_entropy`, Keras' with `from_logits=True`, `tf.nn.softmax_cross_entropy_with_logits`, `optax.softmax_cross_entropy`, `tf.losses.softmaxCrossEntropy`) fed a sigmoid's output. Arithmetic that moves the values into [0, 1] (`(tanh(x) + 1) / 2`, `torch.clamp(x, 0, 1)`) is followed and not reported. Raw scores with no activation at all are LL001 and LL005.",
      whyIsThisBad:
        '`BCELoss` computes `-(y·log x + (1-y)·log(1-x))` for `x` in [0, 1]: a ReLU output above 1 makes PyTorch raise "all elements of input should be between 0 and 1", a `tanh` output below 0 takes the log of a negative number, and Keras clips such values to [1e-7, 1 − 1e-7] without a word, so the loss stops measuring anything. A sigmoid before a softmax cross entropy squeezes every score into (0, 1): the softmax over them is nearly uniform, the loss cannot fall far, and training stalls.',
      example: [
        'import torch',
        'import torch.nn as nn',
        '',
        'model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 1), nn.ReLU())',
        'x = torch.randn(8, 16)',
        'y = torch.randint(0, 2, (8, 1)).float()',
        'criterion = nn.BCELoss()',
        'loss = criterion(model(x), y)',
      ].join('\n'),
      useInstead: [
        'import torch',
        'import torch.nn as nn',
        '',
        'model = nn.Sequential(nn.Linear(16, 32), nn.ReLU(), nn.Linear(32, 1), nn.Sigmoid())',
        'x = torch.randn(8, 16)',
        'y = torch.randint(0, 2, (8, 1)).float()',
        'criterion = nn.BCELoss()',
        'loss = criterion(model(x), y)',
      ].join('\n'),
      fixSafety:
        "For a Keras or TensorFlow.js layer whose `activation` string is written in the file, the fix changes it to `'sigmoid'` (or `'softmax'` for a categorical loss): unsafe, since it changes the model. A sigmoid written inside the call of a softmax cross entropy is removed safely; a variable holding the sigmoid's output is replaced by the value before it, unsafely. An activation inside a PyTorch model has no automatic fix.",
      references: [
        'https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html',
        'https://keras.io/api/losses/probabilistic_losses/',
        'https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html',
      ],
    },
    messages: {
      notProbabilities: (d: { readonly loss: string; readonly source: string; readonly interval: string; readonly activation: string }) =>
        l10n.t(
          '{0} expects probabilities in [0, 1], but {1}: values in {2}, not probabilities. End with a {3} instead, or use a loss that takes raw scores.',
          d.loss,
          d.source,
          d.interval,
          d.activation,
        ),
      sigmoidBeforeSoftmax: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t(
          '{0} applies a softmax itself, but {1}: a sigmoid squeezes the scores into (0, 1), so the softmax over them is nearly flat and training stalls. Pass the raw scores.',
          d.loss,
          d.source,
        ),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind !== 'application') continue;
      const expected = ON_PROBABILITIES[site.api.loss];
      if (expected) {
        const { inputNode, input } = siteFacts(context.interpreter, site);
        const range = input?.range;
        if (!inputNode || !input || !range || (range.low !== undefined && range.low >= 0 && range.high !== undefined && range.high <= 1)) continue;
        const fix = activationFix(range, expected, context.text);
        context.report({
          span: inputSpan(site, inputNode),
          messageId: 'notProbabilities',
          data: { loss: lossReference(site), source: comesFrom(inputNode, input), interval: intervalText(range), activation: expected },
          evidence: chain(input),
          ...(fix ? { fix } : {}),
        });
      } else if (site.api.loss === 'cross_entropy') {
        const { inputNode, input } = siteFacts(context.interpreter, site);
        if (!inputNode || input?.space !== 'probabilities' || input.activation?.fn !== 'sigmoid') continue;
        const fix = passPreActivation(inputNode, input, context.text);
        context.report({
          span: inputSpan(site, inputNode),
          messageId: 'sigmoidBeforeSoftmax',
          data: { loss: lossReference(site), source: comesFrom(inputNode, input) },
          evidence: chain(input),
          ...(fix ? { fix } : {}),
        });
      }
    }
  },
});

/** `[0, ∞)`: the activation's own interval, or the bounds arithmetic moved it to. */
function intervalText(range: ValueRange): string {
  if (range.interval) return range.interval;
  const number = (value: number) => String(Number(value.toPrecision(3)));
  const low = range.low === undefined ? '(-∞' : `[${number(range.low)}`;
  const high = range.high === undefined ? '∞)' : `${number(range.high)}]`;
  return `${low}, ${high}`;
}

/** A layer's `activation: 'relu'` string, written in this file, changed to the activation the loss expects. */
function activationFix(range: ValueRange, expected: string, text: string): Fix | undefined {
  if (!range.written) return undefined;
  const quote = text[range.written.start];
  if (quote !== '"' && quote !== "'") return undefined;
  return {
    title: l10n.t('End the model with {0}', expected),
    safety: 'unsafe',
    edits: [{ span: range.written, newText: `${quote}${expected}${quote}` }],
  };
}
