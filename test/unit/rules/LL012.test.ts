import { classCountMismatch } from '../../../src/analysis/rules/class-count-mismatch';
import { py, ruleTester, ts } from './tester';

const head = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '', 'x = torch.randn(8, 16)', 'labels = torch.randint(0, 3, (8,))'];

ruleTester(classCountMismatch, {
  valid: [
    py(
      'from tensorflow import keras',
      'model = keras.Sequential([keras.layers.Dense(2, activation="softmax")])',
      'model.compile(optimizer="adam", loss="categorical_crossentropy")',
    ),
    py(...head, 'loss = F.cross_entropy(nn.Linear(16, 3)(x), labels)'),
    py(...head, 'loss = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 4.0]))(nn.Linear(16, 3)(x), labels)'),
    py(...head, 'loss = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0]))(nn.Linear(16, 4)(x), torch.rand(8, 4))'),
    py(...head, 'probs = torch.sigmoid(nn.Linear(16, 1)(x))'),
    // Class indices drawn within the classes; drawn from a range this code does not write down.
    py(...head, 'loss = F.cross_entropy(nn.Linear(16, 3)(x), torch.randint(3, (8,)))'),
    py(...head, 'loss = F.cross_entropy(nn.Linear(16, 5)(x), torch.randint(0, 5, size=(8,)))'),
    py(...head, 'n = 10', 'loss = F.cross_entropy(nn.Linear(16, 5)(x), torch.randint(0, n, (8,)))'),
    py(...head, 'y = torch.randint(0, 10, (8,))', 'y = y % 5', 'loss = F.cross_entropy(nn.Linear(16, 5)(x), y)'),
    // Indices written out or counted within the classes; the ignored ones are not indices.
    py(...head, 'loss = F.cross_entropy(nn.Linear(16, 5)(x[:4]), torch.tensor([0, 3, 4, 1]))'),
    py(...head, 'loss = F.cross_entropy(nn.Linear(16, 5)(x[:4]), torch.tensor([0, 3, -100, 1]))'),
    py(...head, 'loss = F.cross_entropy(nn.Linear(16, 5)(x[:4]), torch.tensor([0, 3, 9, 1]), ignore_index=9)'),
    py(...head, 'loss = F.cross_entropy(nn.Linear(16, 8)(x), torch.arange(8))'),
    py(...head, 'loss = F.cross_entropy(nn.Linear(16, 5)(x[:5]), torch.arange(0, 10, 2))'),
    // Attention: one score per time step, `(batch, time, 1)`, normalised over time (a false alarm once).
    py(...head, 'v = nn.Linear(16, 1)', 'score = v(torch.tanh(torch.randn(8, 20, 16)))', 'weights = F.softmax(score, dim=1)'),
    // The rank is not known: dim 1 may be time as well as the unit.
    py(...head, 'v = nn.Linear(16, 1)', 'def attend(h):', '    return F.softmax(v(h), dim=1)'),
    py(...head, 'v = nn.Linear(16, 1)', 'def attend(h):', '    return F.softmax(v(h))'),
  ],
  invalid: [
    {
      // Keras: a model ending in a softmax over one unit always outputs 1.
      code: py(
        'from tensorflow import keras',
        'model = keras.Sequential([keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1, activation="softmax")])',
        'model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy())',
      ),
      errors: [{ line: 3, column: 38, messageId: 'softmaxOfOne', data: { activation: 'softmax', value: '1' } }],
      output: null,
    },
    {
      ...ts(
        "import * as tf from '@tensorflow/tfjs';",
        "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4], activation: 'softmax' })] });",
        "model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });",
      ),
      errors: [{ line: 3, column: 42, messageId: 'softmaxOfOne' }],
      output: null,
    },
    {
      code: py(...head, 'y = torch.randint(0, 10, (8,))', 'loss = nn.CrossEntropyLoss()(nn.Linear(16, 5)(x), y)'),
      errors: [{ line: 8, messageId: 'indexRange', data: { high: 9, classes: 5 } }],
    },
    {
      code: py(...head, 'loss = F.nll_loss(F.log_softmax(nn.Linear(16, 4)(x), dim=1), torch.randint(high=6, size=(8,)))'),
      errors: [{ line: 7, messageId: 'indexRange', data: { high: 5, classes: 4 } }],
    },
    {
      code: py(...head, 'loss = F.cross_entropy(nn.Linear(16, 5)(x), torch.arange(8))'),
      errors: [{ line: 7, column: 45, messageId: 'indexValues', data: { target: 'torch.arange(8)', high: 7, classes: 5 } }],
    },
    {
      code: py(...head, 'targets = torch.tensor([0, 3, 7, 1])', 'loss = nn.CrossEntropyLoss()(nn.Linear(16, 5)(x[:4]), targets)'),
      errors: [{ line: 8, messageId: 'indexValues', data: { target: 'targets', high: 7, classes: 5 } }],
    },
    {
      code: py(...head, 'loss = F.cross_entropy(nn.Linear(16, 1)(x), labels)'),
      errors: [
        {
          line: 7,
          messageId: 'singleUnit',
          data: {
            loss: '`F.cross_entropy`',
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'nn.Linear(16, 1)(x)',
                root: {
                  phrase: 'rootWithNote',
                  data: {
                    code: 'loss = F.cross_entropy(nn.Linear(16, 1)(x), labels)',
                    place: { line: 7, column: 1 },
                    note: 'nn.Linear with 1 output, no activation after it',
                  },
                },
              },
            },
          },
        },
      ],
      output: null,
    },
    {
      code: py(...head, 'criterion = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 9.0]))', 'loss = criterion(nn.Linear(16, 3)(x), labels)'),
      errors: [
        {
          line: 7,
          messageId: 'weightLength',
          data: {
            loss: { phrase: 'lossModule', data: { name: 'criterion', loss: 'nn.CrossEntropyLoss', place: { line: 7, column: 13 } } },
            weight: 'weight',
            length: 2,
            classes: 3,
            source: {
              phrase: 'rootWithNote',
              data: {
                code: 'loss = criterion(nn.Linear(16, 3)(x), labels)',
                place: { line: 8, column: 1 },
                note: 'nn.Linear with 3 outputs, no activation after it',
              },
            },
          },
        },
      ],
    },
    {
      code: py(...head, 'loss = F.binary_cross_entropy_with_logits(nn.Linear(16, 4)(x), torch.rand(8, 4), pos_weight=torch.ones(3))'),
      errors: [
        {
          line: 7,
          messageId: 'weightLength',
          data: {
            loss: '`F.binary_cross_entropy_with_logits`',
            weight: 'pos_weight',
            length: 3,
            classes: 4,
            source: {
              phrase: 'rootWithNote',
              data: {
                code: 'loss = F.binary_cross_entropy_with_logits(nn.Linear(16, 4)(x), torch.rand(8, ...',
                place: { line: 7, column: 1 },
                note: 'nn.Linear with 4 outputs, no activation after it',
              },
            },
          },
        },
      ],
    },
    {
      code: py(...head, 'v = nn.Linear(16, 1)', 'def attend(h):', '    return F.softmax(v(h), dim=-1)'),
      errors: [{ line: 9, messageId: 'softmaxOfOne' }],
    },
    {
      code: py(...head, 'v = nn.Linear(16, 1)', 'score = v(torch.randn(8, 20, 16))', 'weights = F.softmax(score, dim=2)'),
      errors: [{ line: 9, messageId: 'softmaxOfOne' }],
    },
    {
      code: py(...head, 'probs = F.softmax(nn.Linear(16, 1)(x), dim=1)'),
      errors: [
        {
          line: 7,
          messageId: 'softmaxOfOne',
          data: {
            activation: 'softmax',
            value: '1',
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'nn.Linear(16, 1)(x)',
                root: {
                  phrase: 'rootWithNote',
                  data: {
                    code: 'probs = F.softmax(nn.Linear(16, 1)(x), dim=1)',
                    place: { line: 7, column: 1 },
                    note: 'nn.Linear with 1 output, no activation after it',
                  },
                },
              },
            },
          },
        },
      ],
    },
  ],
});
