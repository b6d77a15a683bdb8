import { softmaxBeforeCrossEntropy } from '../../../src/analysis/rules/softmax-before-cross-entropy';
import { py, ruleTester, ts } from './tester';

const head = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  '',
  'head = nn.Linear(16, 10)',
  'x = torch.randn(8, 16)',
  'labels = torch.randint(0, 10, (8,))',
];

ruleTester(softmaxBeforeCrossEntropy, {
  valid: [
    // TensorFlow.js, through the same engine.
    ts(
      "import * as tf from '@tensorflow/tfjs';",
      '',
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });',
      "model.compile({ optimizer: 'adam', loss: tf.losses.softmaxCrossEntropy });",
    ),

    py(...head, 'loss = F.cross_entropy(head(x), labels)'),
    py(...head, 'logits = head(x)', 'loss = nn.CrossEntropyLoss()(logits, labels)', 'probs = F.softmax(logits, dim=1)'),
    py(...head, 'loss = F.nll_loss(F.log_softmax(head(x), dim=1), labels)'),
    // Soft targets from a softmax are fine: only the input matters.
    py(...head, 'teacher = F.softmax(torch.randn(8, 10), dim=1)', 'loss = F.cross_entropy(head(x), teacher)'),
    // TensorFlow takes the labels first: soft labels from a softmax are not the logits.
    py('import tensorflow as tf', 'z = tf.random.normal((8, 10))', 'loss = tf.nn.softmax_cross_entropy_with_logits(tf.nn.softmax(z), z)'),
    py('import tensorflow as tf', 'z = tf.random.normal((8, 10))', 'loss = tf.nn.softmax_cross_entropy_with_logits(logits=z, labels=tf.nn.softmax(z))'),
  ],
  invalid: [
    {
      // TensorFlow.js: labels first, its own losses and fixes.

      ...ts(
        "import * as tf from '@tensorflow/tfjs';",
        '',
        "const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });",
        "model.compile({ optimizer: 'adam', loss: tf.losses.softmaxCrossEntropy });",
      ),
      errors: [{ line: 4, column: 42, messageId: 'softmaxTwice' }],
      output: null,
    },
    {
      ...ts(
        "import * as tf from '@tensorflow/tfjs';",
        '',
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });',
        'declare const xs: tf.Tensor, ys: tf.Tensor;',
        'export const l = tf.losses.softmaxCrossEntropy(ys, tf.softmax(model.predict(xs) as tf.Tensor));',
      ),
      errors: [{ line: 5, column: 52, messageId: 'softmaxTwice' }],
      output: ts(
        "import * as tf from '@tensorflow/tfjs';",
        '',
        'const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });',
        'declare const xs: tf.Tensor, ys: tf.Tensor;',
        'export const l = tf.losses.softmaxCrossEntropy(ys, model.predict(xs) as tf.Tensor);',
      ).code,
      safety: 'safe',
    },

    {
      // The softmax is in the model's forward: `h` there is not `h` here, so no fix is offered.
      code: py(
        'import torch.nn as nn',
        'import torch.nn.functional as F',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.fc = nn.Linear(4, 3)',
        '    def forward(self, x):',
        '        h = self.fc(x)',
        '        return F.softmax(h, dim=1)',
        'model = Net()',
        'def step(x, y):',
        '    probs = model(x)',
        '    return F.cross_entropy(probs, y)',
      ),
      errors: [{ line: 13, messageId: 'softmaxTwice' }],
      output: null,
    },
    {
      // Flax: `model.apply(params, x)` runs `__call__`, which ends in a softmax.
      code: py(
        'import flax.linen as nn',
        'import optax',
        'class MLP(nn.Module):',
        '    @nn.compact',
        '    def __call__(self, x):',
        '        x = nn.Dense(10)(x)',
        '        return nn.softmax(x)',
        'model = MLP()',
        'def loss_fn(params, x, labels):',
        '    return optax.softmax_cross_entropy(model.apply(params, x), labels).mean()',
      ),
      errors: [{ line: 10, column: 40, messageId: 'softmaxTwice' }],
      output: null,
    },
    {
      // Keras: from_logits=True on a model that ends in a softmax; and a loss applied to y_pred directly.
      code: py(
        'import keras',
        'model = keras.Sequential([keras.layers.Dense(10, activation="softmax")])',
        'loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)',
        'model.compile(optimizer="adam", loss=loss_fn)',
        'loss = loss_fn(y, model(x))',
      ),
      errors: [
        { line: 4, column: 38, messageId: 'softmaxTwice' },
        { line: 5, column: 19, messageId: 'softmaxTwice' },
      ],
    },
    {
      // optax takes the logits first.
      code: py(
        'import jax',
        'import optax',
        'z = jax.numpy.zeros((8, 10))',
        'y = jax.nn.one_hot(jax.numpy.arange(8), 10)',
        'loss = optax.softmax_cross_entropy(jax.nn.softmax(z), y)',
      ),
      errors: [{ line: 5, column: 36, messageId: 'softmaxTwice' }],
      output: py(
        'import jax',
        'import optax',
        'z = jax.numpy.zeros((8, 10))',
        'y = jax.nn.one_hot(jax.numpy.arange(8), 10)',
        'loss = optax.softmax_cross_entropy(z, y)',
      ),
    },
    {
      code: py(
        'import tensorflow as tf',
        'z = tf.random.normal((8, 10))',
        'y = tf.one_hot([1, 2], 10)',
        'loss = tf.nn.softmax_cross_entropy_with_logits(y, tf.nn.softmax(z))',
      ),
      errors: [
        {
          line: 4,
          column: 51,
          messageId: 'softmaxTwice',
          data: {
            loss: '`tf.nn.softmax_cross_entropy_with_logits`',
            source: { phrase: 'alreadyActivated', data: { argument: 'tf.nn.softmax(z)', activation: 'softmax' } },
          },
        },
      ],
      output: py(
        'import tensorflow as tf',
        'z = tf.random.normal((8, 10))',
        'y = tf.one_hot([1, 2], 10)',
        'loss = tf.nn.softmax_cross_entropy_with_logits(y, z)',
      ),
    },
    {
      code: py(...head, 'loss = F.cross_entropy(F.softmax(head(x), dim=1), labels)'),
      errors: [
        {
          line: 8,
          column: 24,
          messageId: 'softmaxTwice',
          data: { loss: '`F.cross_entropy`', source: { phrase: 'alreadyActivated', data: { argument: 'F.softmax(head(x), dim=1)', activation: 'softmax' } } },
        },
      ],
      output: py(...head, 'loss = F.cross_entropy(head(x), labels)'),
      safety: 'safe',
    },
    {
      code: py(...head, 'criterion = nn.CrossEntropyLoss()', 'loss = criterion(head(x).softmax(dim=-1), labels)'),
      errors: [{ line: 9, messageId: 'softmaxTwice' }],
      output: py(...head, 'criterion = nn.CrossEntropyLoss()', 'loss = criterion(head(x), labels)'),
    },
    {
      code: py(
        'import torch.nn as nn',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.layers = nn.Sequential(nn.Linear(32, 10), nn.Softmax(dim=1))',
        '    def forward(self, x):',
        '        return self.layers(x)',
        'net = Net()',
        'criterion = nn.CrossEntropyLoss()',
        'def train(loader):',
        '    for images, targets in loader:',
        '        loss = criterion(net(images), targets)',
      ),
      errors: [
        {
          line: 12,
          messageId: 'softmaxTwice',
          data: {
            loss: { phrase: 'lossModule', data: { name: 'criterion', loss: 'nn.CrossEntropyLoss', place: { line: 9, column: 13 } } },
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'net(images)',
                root: {
                  phrase: 'rootWithNote',
                  data: { code: 'self.layers = nn.Sequential(nn.Linear(32, 10), nn.Softmax(dim=1))', place: { line: 5, column: 9 }, note: 'softmax applied' },
                },
              },
            },
          },
        },
      ],
      output: null,
    },
    {
      code: py(...head, 'loss = F.cross_entropy(F.log_softmax(head(x), dim=1), labels)'),
      errors: [
        {
          line: 8,
          messageId: 'redundantLogSoftmax',
          data: {
            loss: '`F.cross_entropy`',
            source: { phrase: 'alreadyActivated', data: { argument: 'F.log_softmax(head(x), dim=1)', activation: 'log_softmax' } },
          },
        },
      ],
      output: py(...head, 'loss = F.cross_entropy(head(x), labels)'),
    },
  ],
});
