import { categoricalLossOnLogits } from '../../../src/analysis/rules/categorical-loss-on-logits';
import { py, ruleTester } from './tester';

const head = ['from tensorflow import keras', 'from tensorflow.keras import layers', ''];
const linear = 'model = keras.Sequential([layers.Dense(64, activation="relu"), layers.Dense(10)])';

ruleTester(categoricalLossOnLogits, {
  valid: [
    py(...head, 'model = keras.Sequential([layers.Dense(10, activation="softmax")])', 'model.compile(optimizer="adam", loss="categorical_crossentropy")'),
    py(...head, linear, 'model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=True))'),
    // from_logits computed at run time: unknown, silent.
    py(...head, linear, 'model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=flag))'),
    // A list or dict of losses (multi-output models) is not read yet: silent.
    py(...head, linear, 'model.compile(optimizer="adam", loss=["categorical_crossentropy"])'),
    // Not a Keras model: `compile` of anything else is no loss.
    py('import re', 'pattern = re.compile("categorical_crossentropy")'),
    // A PyTorch loss never gets this Keras rule.
    py('import torch.nn as nn', 'head = nn.Linear(4, 3)', 'loss = nn.CrossEntropyLoss()(head(x), y)'),
  ],
  invalid: [
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
