import { sigmoidBeforeLogitsLoss } from '../../../src/analysis/rules/sigmoid-before-logits-loss';
import { py, ruleTester, ts } from './tester';

const head = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  '',
  'head = nn.Linear(16, 1)',
  'x = torch.randn(8, 16)',
  'y = torch.rand(8, 1)',
];

ruleTester(sigmoidBeforeLogitsLoss, {
  valid: [
    // TensorFlow.js, through the same engine.
    ts(
      "import * as tf from '@tensorflow/tfjs';",
      '',
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });',
      "model.compile({ optimizer: 'adam', loss: tf.losses.sigmoidCrossEntropy });",
    ),

    py(...head, 'loss = nn.BCEWithLogitsLoss()(head(x), y)'),
    py(...head, 'loss = F.binary_cross_entropy_with_logits(head(x) / 2.0, y)'),
    // A sigmoid used only for metrics next to a logits loss.
    py(...head, 'logits = head(x)', 'loss = F.binary_cross_entropy_with_logits(logits, y)', 'accuracy = ((torch.sigmoid(logits) > 0.5) == y).float().mean()'),
    py(...head, 'loss = nn.BCELoss()(torch.sigmoid(head(x)), y)'),
  ],
  invalid: [
    {
      // TensorFlow.js: labels first, its own losses and fixes.

      ...ts(
        "import * as tf from '@tensorflow/tfjs';",
        '',
        "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4], activation: 'sigmoid' })] });",
        "model.compile({ optimizer: 'adam', loss: tf.losses.sigmoidCrossEntropy });",
      ),
      errors: [{ line: 4, column: 42, messageId: 'sigmoidOutput' }],
      output: null,
    },
    {
      ...ts(
        "import * as tf from '@tensorflow/tfjs';",
        '',
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });',
        'declare const xs: tf.Tensor, ys: tf.Tensor;',
        'export const l = tf.losses.sigmoidCrossEntropy(ys, tf.sigmoid(model.predict(xs) as tf.Tensor));',
      ),
      errors: [{ line: 5, column: 52, messageId: 'sigmoidOutput' }],
      output: ts(
        "import * as tf from '@tensorflow/tfjs';",
        '',
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });',
        'declare const xs: tf.Tensor, ys: tf.Tensor;',
        'export const l = tf.losses.sigmoidCrossEntropy(ys, model.predict(xs) as tf.Tensor);',
      ).code,
      safety: 'safe',
    },

    {
      // Keras: from_logits=True on a model that ends in a sigmoid.
      code: py(
        'from tensorflow import keras',
        'from tensorflow.keras import layers',
        'model = keras.Sequential([layers.Dense(1, activation="sigmoid")])',
        'model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))',
      ),
      errors: [{ line: 4, column: 38, messageId: 'sigmoidOutput' }],
      output: py(
        'from tensorflow import keras',
        'from tensorflow.keras import layers',
        'model = keras.Sequential([layers.Dense(1, activation="sigmoid")])',
        'model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=False))',
      ),
      safety: 'safe',
    },
    {
      code: py(...head, 'loss = nn.BCEWithLogitsLoss()(torch.sigmoid(head(x)), y)'),
      errors: [
        {
          line: 8,
          column: 31,
          messageId: 'sigmoidOutput',
          data: { loss: '`nn.BCEWithLogitsLoss`', source: { phrase: 'alreadyActivated', data: { argument: 'torch.sigmoid(head(x))', activation: 'sigmoid' } } },
        },
      ],
      output: py(...head, 'loss = nn.BCEWithLogitsLoss()(head(x), y)'),
      safety: 'safe',
    },
    {
      code: py(...head, 'loss = F.binary_cross_entropy_with_logits(head(x).sigmoid(), y)'),
      errors: [{ line: 8, messageId: 'sigmoidOutput' }],
      output: py(...head, 'loss = F.binary_cross_entropy_with_logits(head(x), y)'),
      safety: 'safe',
    },
    {
      code: py(...head, 'logits = head(x)', 'probs = torch.sigmoid(logits)', 'criterion = nn.BCEWithLogitsLoss()', 'loss = criterion(probs, y)'),
      errors: [
        {
          line: 11,
          messageId: 'sigmoidOutput',
          data: {
            loss: { phrase: 'lossModule', data: { name: 'criterion', loss: 'nn.BCEWithLogitsLoss', place: { line: 10, column: 13 } } },
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'probs',
                root: { phrase: 'rootWithNote', data: { code: 'probs = torch.sigmoid(logits)', place: { line: 9, column: 1 }, note: 'sigmoid applied' } },
              },
            },
          },
        },
      ],
      output: py(...head, 'logits = head(x)', 'probs = torch.sigmoid(logits)', 'criterion = nn.BCEWithLogitsLoss()', 'loss = criterion(logits, y)'),
      safety: 'unsafe',
    },
    {
      // The sigmoid is the model's last layer: no automatic fix.
      code: py(
        'import torch.nn as nn',
        'model = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())',
        'def step(x, y):',
        '    return nn.BCEWithLogitsLoss()(model(x), y)',
      ),
      errors: [
        {
          line: 4,
          messageId: 'sigmoidOutput',
          data: {
            loss: '`nn.BCEWithLogitsLoss`',
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'model(x)',
                root: {
                  phrase: 'rootWithNote',
                  data: { code: 'model = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())', place: { line: 2, column: 1 }, note: 'sigmoid applied' },
                },
              },
            },
          },
        },
      ],
      output: null,
    },
    {
      code: py(
        'import torch',
        'from torchvision.ops import sigmoid_focal_loss',
        'def step(scores, y):',
        '    return sigmoid_focal_loss(torch.sigmoid(scores), y)',
      ),
      errors: [{ line: 4, messageId: 'sigmoidOutput' }],
      output: py('import torch', 'from torchvision.ops import sigmoid_focal_loss', 'def step(scores, y):', '    return sigmoid_focal_loss(scores, y)'),
    },
  ],
});
