import { categoricalLossOnLogits } from '../../../src/analysis/rules/categorical-loss-on-logits';
import { py, ruleTester, ts } from './tester';

const head = ['from tensorflow import keras', 'from tensorflow.keras import layers', ''];
const linear = 'model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10)])';
const tfjs = ["import * as tf from '@tensorflow/tfjs';", ''];
const tfjsLinear =
  "const model = tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 3 })] });";

ruleTester(categoricalLossOnLogits, {
  valid: [
    ts(
      ...tfjs,
      "const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });",
      "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });",
    ),
    ts(...tfjs, tfjsLinear, "model.compile({ optimizer: 'adam', loss: tf.losses.softmaxCrossEntropy });"),
    // The configuration comes from elsewhere: the activation may be in it, so it is unknown.
    ts(
      ...tfjs,
      'declare const cfg: object;',
      'const model = tf.sequential({ layers: [tf.layers.dense({ ...cfg, inputShape: [4] })] });',
      "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });",
    ),
    // Keras as well: **kwargs may set the activation.
    py(...head, 'model = keras.Sequential([layers.Dense(10, **cfg)])', 'model.compile(optimizer="adam", loss="categorical_crossentropy")'),
    py(...head, 'model = keras.Sequential([layers.Dense(10, activation="softmax")])', 'model.compile(optimizer="adam", loss="categorical_crossentropy")'),
    py(...head, linear, 'model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))'),
    // from_logits computed at run time: unknown, silent.
    py(...head, linear, 'model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=flag))'),
    // A list or dict of losses (multi-output models) is not read yet: silent.
    py(...head, linear, 'model.compile(optimizer="adam", loss=["categorical_crossentropy"])'),
    // TimeDistributed passes its layer's softmax through.
    py(
      ...head,
      'model = keras.Sequential([layers.LSTM(8, return_sequences=True), layers.TimeDistributed(layers.Dense(12, activation="softmax"))])',
      'model.compile(optimizer="adam", loss="categorical_crossentropy")',
    ),
    // Lists of layers joined with `+`: the last one decides; a list changed after it is made is not read.
    py(
      ...head,
      'features = [layers.Flatten()]',
      'classifier = [layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")]',
      'model = keras.Sequential(features + classifier)',
      'model.compile(optimizer="adam", loss="categorical_crossentropy")',
    ),
    py(
      ...head,
      'features = [layers.Flatten()]',
      'classifier = [layers.Dense(128, activation="relu"), layers.Dense(10)]',
      'classifier.append(layers.Activation("softmax"))',
      'model = keras.Sequential(features + classifier)',
      'model.compile(optimizer="adam", loss="categorical_crossentropy")',
    ),
    // A list handed to a helper, or to another name, may be changed there: not read.
    py(
      ...head,
      'def add_softmax(ls):',
      '    ls.append(layers.Softmax())',
      'classifier = [layers.Dense(10)]',
      'add_softmax(classifier)',
      'model = keras.Sequential([layers.Dense(32)] + classifier)',
      'model.compile(optimizer="adam", loss="categorical_crossentropy")',
    ),
    py(
      ...head,
      'classifier = [layers.Dense(10)]',
      'alias = classifier',
      'alias.append(layers.Softmax())',
      'model = keras.Sequential([layers.Dense(32)] + classifier)',
      'model.compile(optimizer="adam", loss="categorical_crossentropy")',
    ),
    // A layer it cannot read leaves the output unknown: silent.
    py(
      ...head,
      'model = keras.Sequential([layers.LSTM(8, return_sequences=True), layers.TimeDistributed(make_head())])',
      'model.compile(optimizer="adam", loss="categorical_crossentropy")',
    ),
    // Not a Keras model: `compile` of anything else is no loss.
    py('import re', 'pattern = re.compile("categorical_crossentropy")'),
    // A PyTorch loss never gets this Keras rule.
    py('import torch.nn as nn', 'head = nn.Linear(4, 3)', 'loss = nn.CrossEntropyLoss()(head(x), y)'),
  ],
  invalid: [
    {
      // Keras's transfer-learning example: the layers in two lists, joined.
      code: py(
        ...head,
        'features = [layers.Flatten()]',
        'classifier = [layers.Dense(128, activation="relu"), layers.Dense(10)]',
        'model = keras.Sequential(features + classifier)',
        'model.compile(optimizer="adam", loss="categorical_crossentropy")',
      ),
      errors: [{ line: 7, column: 38, messageId: 'logits' }],
    },
    {
      // The sequence-to-sequence head: TimeDistributed applies its Dense (no activation) at every step.
      code: py(
        ...head,
        'model = keras.Sequential([layers.LSTM(8, return_sequences=True), layers.TimeDistributed(layers.Dense(12))])',
        'model.compile(optimizer="adam", loss="categorical_crossentropy")',
      ),
      errors: [{ line: 5, column: 38, messageId: 'logits' }],
    },
    {
      // TensorFlow.js's `timeDistributed({layer})` as well.
      ...ts(
        ...tfjs,
        'const model = tf.sequential();',
        'model.add(tf.layers.lstm({ units: 8, inputShape: [7, 12], returnSequences: true }));',
        'model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 12 }) }));',
        "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });",
      ),
      errors: [{ line: 6, column: 42, messageId: 'tfjsLogits' }],
      output: ts(
        ...tfjs,
        'const model = tf.sequential();',
        'model.add(tf.layers.lstm({ units: 8, inputShape: [7, 12], returnSequences: true }));',
        'model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 12 }) }));',
        "model.compile({ optimizer: 'adam', loss: tf.losses.softmaxCrossEntropy });",
      ).code,
      safety: 'safe',
    },
    {
      // TensorFlow.js: no from_logits; the fix is its loss on raw scores.
      ...ts(...tfjs, tfjsLinear, "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });"),
      errors: [{ line: 4, column: 42, messageId: 'tfjsLogits', data: { loss: "`'categoricalCrossentropy'`", replacement: '`tf.losses.softmaxCrossEntropy`' } }],
      output: ts(...tfjs, tfjsLinear, "model.compile({ optimizer: 'adam', loss: tf.losses.softmaxCrossEntropy });").code,
      safety: 'safe',
    },
    {
      ...ts(...tfjs, tfjsLinear, "model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });"),
      errors: [{ line: 4, column: 42, messageId: 'tfjsSparseLogits' }],
      output: null,
    },
    {
      code: py(...head, linear, 'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")'),
      errors: [
        {
          line: 5,
          column: 38,
          messageId: 'logits',
          data: {
            loss: '`"sparse_categorical_crossentropy"`',
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'model',
                root: {
                  phrase: 'rootWithNote',
                  data: { code: 'layers.Dense(10)', place: { line: 4, column: 64 }, note: 'Dense with no activation: raw scores (logits)' },
                },
              },
            },
          },
        },
      ],
    },
    {
      // A loss class in the compile: the fix sets from_logits=True there (safe).
      code: py(...head, linear, 'model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())'),
      errors: [{ line: 5, column: 38, messageId: 'logits' }],
      output: py(...head, linear, 'model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))'),
      safety: 'safe',
    },
    {
      // A loss object built elsewhere: the fix changes it there (unsafe: it may have other uses).
      code: py(...head, linear, 'loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=False)', 'model.compile("adam", loss_fn)'),
      errors: [{ line: 6, column: 23, messageId: 'logits' }],
      output: py(...head, linear, 'loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)', 'model.compile("adam", loss_fn)'),
      safety: 'unsafe',
    },
    {
      // Layers added one by one; `import keras` (Keras 3) as well as tf.keras.
      code: py(
        'import keras',
        'model = keras.Sequential()',
        'model.add(keras.layers.Dense(5))',
        'model.compile(optimizer="sgd", loss=keras.losses.categorical_crossentropy)',
      ),
      errors: [{ line: 4, column: 37, messageId: 'logits' }],
    },
  ],
});
