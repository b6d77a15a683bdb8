import { probabilitiesLossOnLogits } from '../../../src/analysis/rules/probabilities-loss-on-logits';
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

/** DCGAN's discriminator, its last layers `last`, run through `data_parallel` on several GPUs and directly on one. */
const dcganDiscriminator = (last: string) => [
  'class D(nn.Module):',
  '    def __init__(self, ngpu):',
  '        super().__init__()',
  '        self.ngpu = ngpu',
  `        self.main = nn.Sequential(nn.Linear(16, 32), nn.LeakyReLU(0.2), ${last})`,
  '    def forward(self, x):',
  '        if x.is_cuda and self.ngpu > 1:',
  '            output = nn.parallel.data_parallel(self.main, x, range(self.ngpu))',
  '        else:',
  '            output = self.main(x)',
  '        return output.view(-1, 1).squeeze(1)',
  'loss = nn.BCELoss()(D(1)(x), y)',
];

ruleTester(probabilitiesLossOnLogits, {
  valid: [
    // TensorFlow.js, through the same engine.
    ts(
      "import * as tf from '@tensorflow/tfjs';",
      '',
      "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4], activation: 'sigmoid' })] });",
      "model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });",
    ),
    ts(
      "import * as tf from '@tensorflow/tfjs';",
      '',
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });',
      "model.compile({ optimizer: 'adam', loss: tf.losses.sigmoidCrossEntropy });",
    ),

    py(...head, 'loss = nn.BCELoss()(torch.sigmoid(head(x)), y)'),
    // DCGAN's idiom: `data_parallel(self.main, x, ...)` runs the module as `self.main(x)` does.
    py(...head, ...dcganDiscriminator('nn.Linear(32, 1), nn.Sigmoid()')),
    py(...head, 'loss = nn.BCELoss()(head(x).sigmoid(), y)'),
    py(...head, 'probs = torch.sigmoid(head(x))', 'criterion = nn.BCELoss()', 'loss = criterion(probs, y)'),
    py(...head, 'loss = nn.BCEWithLogitsLoss()(head(x), y)'),
    py('import torch.nn as nn', 'model = nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())', 'def step(x, y):', '    return nn.BCELoss()(model(x), y)'),
    // A model passed in is unknown: silent.
    py('import torch.nn as nn', 'criterion = nn.BCELoss()', 'def train(model, loader):', '    for x, y in loader:', '        loss = criterion(model(x), y)'),
    // A ReLU head is not logits evidence.
    py('import torch.nn as nn', 'model = nn.Sequential(nn.Linear(16, 1), nn.ReLU())', 'def step(x, y):', '    return nn.BCELoss()(model(x), y)'),
    // Mentioned in a string or a comment only.
    py('import torch.nn as nn', '# nn.BCELoss()(head(x), y) would be wrong', 'doc = "nn.BCELoss()(head(x), y)"'),
  ],
  invalid: [
    {
      // Both branches end in raw scores: `data_parallel(self.main, x, ...)` as well as `self.main(x)`.
      code: py(...head, ...dcganDiscriminator('nn.Linear(32, 1)')),
      errors: [{ line: 19, messageId: 'logits' }],
    },
    {
      // TensorFlow.js: labels first, its own losses and fixes.

      ...ts(
        "import * as tf from '@tensorflow/tfjs';",
        '',
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });',
        "model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });",
      ),
      errors: [{ line: 4, column: 42, messageId: 'logits', data: { replacement: '`tf.losses.sigmoidCrossEntropy`' } }],
      output: ts(
        "import * as tf from '@tensorflow/tfjs';",
        '',
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });',
        "model.compile({ optimizer: 'adam', loss: tf.losses.sigmoidCrossEntropy });",
      ).code,
      safety: 'safe',
    },
    {
      ...ts(
        "import * as tf from '@tensorflow/tfjs';",
        '',
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });',
        'declare const xs: tf.Tensor, ys: tf.Tensor;',
        'export const p = tf.losses.logLoss(ys, model.predict(xs) as tf.Tensor);',
      ),
      errors: [{ line: 5, column: 40, messageId: 'logits' }],
      output: null,
    },

    {
      // Keras: a model ending in Dense(1) with no activation, a binary cross entropy on probabilities.
      code: py(
        'from tensorflow import keras',
        'from tensorflow.keras import layers',
        'model = keras.Sequential([layers.Dense(1)])',
        'model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy())',
      ),
      errors: [{ line: 4, column: 38, messageId: 'logits', data: { loss: '`keras.losses.BinaryCrossentropy()`', replacement: '`from_logits=True`' } }],
      output: py(
        'from tensorflow import keras',
        'from tensorflow.keras import layers',
        'model = keras.Sequential([layers.Dense(1)])',
        'model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))',
      ),
      safety: 'safe',
    },
    {
      // A loss module handed on to another name is still that loss.
      code: py(...head, 'criterion = nn.BCELoss()', 'loss_fn = criterion', 'loss = loss_fn(head(x), y)'),
      errors: [
        {
          line: 10,
          column: 16,
          messageId: 'logits',
          data: { loss: { phrase: 'lossModule', data: { name: 'loss_fn', loss: 'nn.BCELoss', place: { line: 8 } } } },
        },
      ],
    },
    {
      code: py(...head, 'criterion = nn.BCELoss()', 'loss = criterion(head(x), y)'),
      errors: [
        {
          line: 9,
          column: 18,
          messageId: 'logits',
          data: {
            loss: { phrase: 'lossModule', data: { name: 'criterion', loss: 'nn.BCELoss', place: { line: 8, column: 13 } } },
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'head(x)',
                root: {
                  phrase: 'rootWithNote',
                  data: { code: 'head = nn.Linear(16, 1)', place: { line: 5, column: 1 }, note: 'nn.Linear with 1 output, no activation after it' },
                },
              },
            },
            replacement: '`BCEWithLogitsLoss`',
          },
        },
      ],
      output: py(...head, 'criterion = nn.BCEWithLogitsLoss()', 'loss = criterion(head(x), y)'),
      safety: 'safe',
    },
    {
      code: py(...head, 'loss = F.binary_cross_entropy(head(x), y)'),
      errors: [
        {
          line: 8,
          messageId: 'logits',
          data: {
            loss: '`F.binary_cross_entropy`',
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'head(x)',
                root: {
                  phrase: 'rootWithNote',
                  data: { code: 'head = nn.Linear(16, 1)', place: { line: 5, column: 1 }, note: 'nn.Linear with 1 output, no activation after it' },
                },
              },
            },
            replacement: '`binary_cross_entropy_with_logits`',
          },
        },
      ],
      output: py(...head, 'loss = F.binary_cross_entropy_with_logits(head(x), y)'),
    },
    {
      code: py(
        'import torch',
        'import torch.nn as nn',
        '',
        'class Classifier(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.head = nn.Linear(64, 1)',
        '',
        '    def forward(self, x):',
        '        return self.head(x)',
        '',
        'model = Classifier()',
        'criterion = nn.BCELoss()',
        '',
        'def train(loader):',
        '    for inputs, labels in loader:',
        '        out = model(inputs)',
        '        loss = criterion(out, labels)',
      ),
      errors: [
        {
          line: 18,
          messageId: 'logits',
          data: {
            loss: { phrase: 'lossModule', data: { name: 'criterion', loss: 'nn.BCELoss', place: { line: 13, column: 13 } } },
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'out',
                root: {
                  phrase: 'rootWithNote',
                  data: { code: 'self.head = nn.Linear(64, 1)', place: { line: 7, column: 9 }, note: 'nn.Linear with 1 output, no activation after it' },
                },
              },
            },
            replacement: '`BCEWithLogitsLoss`',
          },
        },
      ],
      output: undefined,
      safety: 'safe',
    },
    {
      // Aliased import of the loss class: no rename fix without an import.
      code: py(
        'import torch',
        'from torch.nn import BCELoss as Loss, Linear',
        'head = Linear(4, 1)',
        'loss = Loss()(head(torch.randn(2, 4)), torch.rand(2, 1))',
      ),
      errors: [
        {
          line: 4,
          messageId: 'logits',
          data: {
            loss: '`Loss`',
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'head(torch.randn(2, 4))',
                root: {
                  phrase: 'rootWithNote',
                  data: { code: 'head = Linear(4, 1)', place: { line: 3, column: 1 }, note: 'Linear with 1 output, no activation after it' },
                },
              },
            },
            replacement: '`BCEWithLogitsLoss`',
          },
        },
      ],
      output: null,
    },
    {
      // The same loss also gets probabilities elsewhere: switching it is unsafe.
      code: py(...head, 'criterion = nn.BCELoss()', 'a = criterion(head(x), y)', 'b = criterion(torch.sigmoid(head(x)), y)'),
      errors: [{ line: 9, messageId: 'logits' }],
      output: py(...head, 'criterion = nn.BCEWithLogitsLoss()', 'a = criterion(head(x), y)', 'b = criterion(torch.sigmoid(head(x)), y)'),
      safety: 'unsafe',
    },
    {
      code: py(
        'import torch',
        'import torch.nn as nn',
        'import torchvision',
        'net = torchvision.models.resnet18(num_classes=1)',
        'def step(x, y):',
        '    return nn.BCELoss()(net(x), y)',
      ),
      errors: [
        {
          line: 6,
          messageId: 'logits',
          data: {
            loss: '`nn.BCELoss`',
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'net(x)',
                root: {
                  phrase: 'rootWithNote',
                  data: {
                    code: 'net = torchvision.models.resnet18(num_classes=1)',
                    place: { line: 4, column: 1 },
                    note: '`torchvision.models.resnet18` ends in a linear classifier',
                  },
                },
              },
            },
            replacement: '`BCEWithLogitsLoss`',
          },
        },
      ],
    },
    {
      code: py('import torch.nn as nn', 'def step(model, batch, y):', '    outputs = model(**batch)', '    return nn.BCELoss()(outputs.logits, y)'),
      errors: [
        {
          line: 4,
          messageId: 'logits',
          data: {
            loss: '`nn.BCELoss`',
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'outputs.logits',
                root: {
                  phrase: 'rootWithNote',
                  data: { code: 'return nn.BCELoss()(outputs.logits, y)', place: { line: 4, column: 5 }, note: '`.logits` of a model output' },
                },
              },
            },
            replacement: '`BCEWithLogitsLoss`',
          },
        },
      ],
    },
  ],
});
