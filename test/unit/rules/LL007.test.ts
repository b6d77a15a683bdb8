import { swappedLossArguments } from '../../../src/analysis/rules/swapped-loss-arguments';
import { py, ruleTester, ts } from './tester';

/** The TensorFlow.js cases' common start. */
const tfjs = [
  "import * as tf from '@tensorflow/tfjs';",
  '',
  'const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });',
  'declare const xs: tf.Tensor, ys: tf.Tensor;',
  "const labels = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);",
  'const logits = model.predict(xs) as tf.Tensor;',
];

const model = ['import torch', 'import torch.nn as nn', '', 'model = nn.Linear(16, 10)'];

ruleTester(swappedLossArguments, {
  valid: [
    // TensorFlow.js, through the same engine.
    ts(...tfjs, 'export const l = tf.losses.softmaxCrossEntropy(labels, logits);'),

    py(
      ...model,
      'criterion = nn.CrossEntropyLoss()',
      'def train(loader):',
      '    for inputs, labels in loader:',
      '        loss = criterion(model(inputs), labels)',
    ),
    py(...model, 'def train(loader):', '    for i, (inputs, labels) in enumerate(loader):', '        loss = nn.MSELoss()(model(inputs), labels)'),
    // Two model outputs (distillation): no label evidence.
    py(...model, 'teacher = nn.Linear(16, 10)', 'def step(x):', '    return nn.MSELoss()(model(x), teacher(x))'),
    // The loop does not iterate a data loader (range): no label evidence.
    py(...model, 'def step(xs, ys):', '    for i in range(3):', '        loss = nn.MSELoss()(ys, model(xs))'),
  ],
  invalid: [
    {
      // TensorFlow.js: labels first, its own losses and fixes.
      ...ts(...tfjs, 'export const l = tf.losses.softmaxCrossEntropy(logits, labels);'),
      errors: [{ line: 7, column: 48, messageId: 'swappedLabelsFirst', data: { label: 'labels', output: 'logits' } }],
      output: ts(...tfjs, 'export const l = tf.losses.softmaxCrossEntropy(labels, logits);').code,
      safety: 'unsafe',
    },

    {
      // Keras loss objects take (y_true, y_pred).
      code: py(
        'import keras',
        'model = keras.Sequential([keras.layers.Dense(10)])',
        'loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)',
        'for x, y in dataset:',
        '    loss = loss_fn(model(x), y)',
      ),
      errors: [{ line: 5, column: 20, messageId: 'swappedLabelsFirst', data: { label: 'y', output: 'model(x)' } }],
      output: py(
        'import keras',
        'model = keras.Sequential([keras.layers.Dense(10)])',
        'loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True)',
        'for x, y in dataset:',
        '    loss = loss_fn(y, model(x))',
      ),
    },
    {
      // optax takes the logits first.
      code: py(
        'import optax',
        'import flax.linen as nn',
        'model = nn.Dense(10)',
        'for x, y in dataset:',
        '    loss = optax.softmax_cross_entropy(y, model(x))',
      ),
      errors: [{ line: 5, column: 40, messageId: 'swapped', data: { label: 'y', output: 'model(x)' } }],
      output: py(
        'import optax',
        'import flax.linen as nn',
        'model = nn.Dense(10)',
        'for x, y in dataset:',
        '    loss = optax.softmax_cross_entropy(model(x), y)',
      ),
    },
    {
      // TensorFlow takes the labels first: here the logits come first.
      code: py(
        'import tensorflow as tf',
        'import keras',
        'model = keras.Sequential([keras.layers.Dense(10)])',
        'for x, y in dataset:',
        '    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(model(x), y)',
      ),
      errors: [
        {
          line: 5,
          column: 59,
          messageId: 'swappedLabelsFirst',
          data: { loss: '`tf.nn.sparse_softmax_cross_entropy_with_logits`', label: 'y', output: 'model(x)' },
        },
      ],
      output: py(
        'import tensorflow as tf',
        'import keras',
        'model = keras.Sequential([keras.layers.Dense(10)])',
        'for x, y in dataset:',
        '    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(y, model(x))',
      ),
    },
    {
      code: py(
        ...model,
        'criterion = nn.MSELoss()',
        'def train(loader):',
        '    for inputs, labels in loader:',
        '        outputs = model(inputs)',
        '        loss = criterion(labels, outputs)',
      ),
      errors: [
        {
          line: 9,
          column: 26,
          messageId: 'swapped',
          data: {
            loss: { phrase: 'lossModule', data: { name: 'criterion', loss: 'nn.MSELoss', place: { line: 5, column: 13 } } },
            label: 'labels',
            labelSource: { phrase: 'rootWithNote', data: { code: 'loader', place: { line: 7, column: 27 }, note: '`labels` is the target of each batch' } },
            output: 'outputs',
            outputSource: {
              phrase: 'rootWithNote',
              data: { code: 'model = nn.Linear(16, 10)', place: { line: 4, column: 1 }, note: 'nn.Linear with 10 outputs, no activation after it' },
            },
          },
        },
      ],
      output: py(
        ...model,
        'criterion = nn.MSELoss()',
        'def train(loader):',
        '    for inputs, labels in loader:',
        '        outputs = model(inputs)',
        '        loss = criterion(outputs, labels)',
      ),
      safety: 'unsafe',
    },
    {
      code: py(...model, 'def train(loader):', '    for step, (x, y) in enumerate(loader):', '        loss = nn.CrossEntropyLoss()(y, model(x))'),
      errors: [{ line: 7, messageId: 'swapped' }],
    },
    {
      code: py(...model, 'labels = torch.randint(0, 10, (8,))', 'loss = nn.CrossEntropyLoss()(labels, model(torch.randn(8, 16)))'),
      errors: [
        {
          line: 6,
          messageId: 'swapped',
          data: {
            loss: '`nn.CrossEntropyLoss`',
            label: 'labels',
            labelSource: { phrase: 'root', data: { code: 'labels = torch.randint(0, 10, (8,))', place: { line: 5, column: 1 } } },
            output: 'model(torch.randn(8, 16))',
            outputSource: {
              phrase: 'rootWithNote',
              data: { code: 'model = nn.Linear(16, 10)', place: { line: 4, column: 1 }, note: 'nn.Linear with 10 outputs, no activation after it' },
            },
          },
        },
      ],
    },
  ],
});
