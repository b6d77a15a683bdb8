import * as l10n from '@vscode/l10n';
import { chain, comesFrom, inputSpan, lossReference, siteFacts } from './helpers/describe';
import { fromLogitsFix, tfjsLogitsFix } from './helpers/edits';
import { createRule } from './rule';

/** Keras' cross entropies over classes, on probabilities (`from_logits=False`, the default). */
const CATEGORICAL: ReadonlySet<string> = new Set(['categorical_crossentropy', 'sparse_categorical_crossentropy']);

export const categoricalLossOnLogits = createRule({
  meta: {
    code: 'LL005',
    name: 'categorical-loss-on-logits',
    severity: 'error',
    summary: 'A Keras categorical cross entropy on probabilities (from_logits=False) receives a model output with no softmax.',
    fixable: true,
    docs: {
      whatItDoes:
        "Checks for Keras' `CategoricalCrossentropy` and `SparseCategoricalCrossentropy` (classes, functions and the strings `compile(loss=...)` takes) with `from_logits=False`, the default, on the output of a model whose last layer has no softmax, such as `layers.Dense(10)`. In TensorFlow.js, which has no `from_logits`: `'categoricalCrossentropy'`, `'sparseCategoricalCrossentropy'` and `tf.metrics.categoricalCrossentropy` on a model with no softmax; the fix there is `tf.losses.softmaxCrossEntropy`.",
      whyIsThisBad:
        'With `from_logits=False` Keras reads the model output as probabilities: it rescales each row to sum to 1 and clips it to [1e-7, 1 − 1e-7]. Raw scores are not probabilities: negative scores are clipped to 1e-7, and the loss no longer measures how wrong the model is, so training stalls or diverges without an error.',
      example: [
        'from tensorflow import keras',
        'from tensorflow.keras import layers',
        '',
        'model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10)])',
        'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")',
      ].join('\n'),
      useInstead: [
        'from tensorflow import keras',
        'from tensorflow.keras import layers',
        '',
        'model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10)])',
        'model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))',
      ].join('\n'),
      fixSafety:
        'Setting `from_logits=True` on a loss written inside the `compile` call is safe. On a loss object built elsewhere it is unsafe: that object may also be used on probabilities. A loss given as a string has no automatic fix (it would need the loss class and its import).',
      references: [
        'https://keras.io/api/losses/probabilistic_losses/#categoricalcrossentropy-class',
        'https://keras.io/api/losses/probabilistic_losses/#sparsecategoricalcrossentropy-class',
      ],
    },
    messages: {
      tfjsLogits: (d: { readonly loss: string; readonly source: string; readonly replacement: string }) =>
        l10n.t(
          '{0} expects probabilities, but {1}: raw scores with no softmax. Use {2} on the raw scores, or end the model with a softmax.',
          d.loss,
          d.source,
          d.replacement,
        ),
      tfjsSparseLogits: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t(
          '{0} expects probabilities, but {1}: raw scores with no softmax. End the model with a softmax (TensorFlow.js has no sparse cross entropy on raw scores).',
          d.loss,
          d.source,
        ),
      logits: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t(
          '{0} expects probabilities (from_logits=False), but {1}: raw scores with no softmax. Use from_logits=True, or end the model with a softmax.',
          d.loss,
          d.source,
        ),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind !== 'application' || (site.api.framework !== 'keras' && site.api.framework !== 'tfjs') || !CATEGORICAL.has(site.api.loss)) continue;
      const { inputNode, input } = siteFacts(context.interpreter, site);
      if (!inputNode || input?.space !== 'logits') continue;
      const fix = site.api.framework === 'tfjs' ? tfjsLogitsFix(site, context.module) : fromLogitsFix(site, true);
      const data = { loss: lossReference(site), source: comesFrom(inputNode, input) };
      // TensorFlow.js has no from_logits: the message names its loss on raw scores, where there is one.
      const tfjs = site.api.framework === 'tfjs';
      context.report({
        span: inputSpan(site, inputNode),
        ...(tfjs && site.api.withLogits
          ? { messageId: 'tfjsLogits' as const, data: { ...data, replacement: `\`${site.api.withLogits}\`` } }
          : tfjs
            ? { messageId: 'tfjsSparseLogits' as const, data }
            : { messageId: 'logits' as const, data }),
        evidence: chain(input),
        ...(fix ? { fix } : {}),
      });
    }
  },
});
