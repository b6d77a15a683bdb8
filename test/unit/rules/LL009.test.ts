import { activationRangeMismatch } from '../../../src/analysis/rules/activation-range-mismatch';
import { py, ruleTester, ts } from './tester';

const head = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  '',
  'head = nn.Linear(16, 1)',
  'scores = nn.Linear(16, 5)',
  'x = torch.randn(8, 16)',
  'y = torch.rand(8, 1)',
  'labels = torch.randint(0, 5, (8,))',
];

const keras = ['from tensorflow import keras', 'from tensorflow.keras import layers', ''];

ruleTester(activationRangeMismatch, {
  valid: [
    py(...head, 'loss = nn.BCELoss()(torch.sigmoid(head(x)), y)'),
    // Arithmetic that brings the values into [0, 1].
    py(...head, 'loss = nn.BCELoss()((torch.tanh(head(x)) + 1) / 2, y)'),
    py(...head, 'loss = nn.BCELoss()(1 - torch.sigmoid(head(x)), y)'),
    py(...head, 'loss = nn.BCELoss()(torch.clamp(F.relu(head(x)), 0, 1), y)'),
    py(...head, 'loss = nn.BCELoss()(F.relu(head(x)).clamp(0.0, 1.0), y)'),
    // Bounds an activation is given, and what its input already is, narrow its interval.
    py(...head, 'loss = nn.BCELoss()(F.hardtanh(head(x), 0.0, 1.0), y)'),
    py('import torch.nn as nn', 'model = nn.Sequential(nn.Linear(16, 1), nn.Hardtanh(0, 1))', 'def step(x, y):', '    return nn.BCELoss()(model(x), y)'),
    py(...head, 'loss = nn.BCELoss()(torch.tanh(F.relu(head(x))), y)'),
    py(...head, 'loss = nn.BCELoss()(torch.exp(-F.relu(head(x))), y)'),
    py(...keras, 'model = keras.Sequential([layers.Dense(1), layers.ReLU(max_value=1.0)])', 'model.compile(loss="binary_crossentropy")'),
    // exp of what nothing bounds (a distance, a log-probability) is not known to leave [0, 1].
    py(...head, 'def step(distance, same):', '    return F.binary_cross_entropy(torch.exp(-distance), same)'),
    // A clamp of what is not known says nothing of it.
    py(...head, 'def step(p, y):', '    return nn.BCELoss()(torch.clamp(p, min=1e-7), y)'),
    // A ReLU inside the model, followed by the classifier: raw scores (LL001's, not this rule's).
    py(
      'import torch.nn as nn',
      'model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 1))',
      'def step(x, y):',
      '    return nn.BCELoss()(model(x), y)',
    ),
    // A loss on raw scores after a ReLU is unusual but not out of its range.
    py(...head, 'loss = nn.BCEWithLogitsLoss()(torch.relu(head(x)), y)'),
    py(...head, 'loss = F.cross_entropy(scores(x), labels)'),
    py(...head, 'loss = F.cross_entropy(torch.relu(scores(x)), labels)'),
    py(
      ...keras,
      'model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")])',
      'model.compile(loss="binary_crossentropy")',
    ),
    py(...keras, 'model = keras.Sequential([layers.Dense(5, activation="sigmoid")])', 'model.compile(loss="binary_crossentropy")'),
    ts(
      "import * as tf from '@tensorflow/tfjs';",
      "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4], activation: 'sigmoid' })] });",
      "model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });",
    ),
  ],
  invalid: [
    {
      code: py(...head, 'loss = nn.BCELoss()(torch.relu(head(x)), y)'),
      errors: [{ line: 10, column: 21, messageId: 'notProbabilities', data: { interval: '[0, ∞)', activation: 'sigmoid' } }],
      output: null,
    },
    {
      code: py(...head, 'loss = F.binary_cross_entropy(torch.tanh(head(x)), y)'),
      errors: [{ line: 10, messageId: 'notProbabilities', data: { interval: '(-1, 1)' } }],
      output: null,
    },
    {
      // Moved, but not into [0, 1].
      code: py(...head, 'loss = nn.BCELoss()(torch.sigmoid(head(x)) * 2, y)'),
      errors: [{ line: 10, messageId: 'notProbabilities', data: { interval: '[0, 2]' } }],
      output: null,
    },
    {
      code: py(...head, 'loss = nn.BCELoss()(F.softplus(head(x)) + 0.5, y)'),
      errors: [{ line: 10, messageId: 'notProbabilities', data: { interval: '[0.5, ∞)' } }],
      output: null,
    },
    {
      code: py(
        'import torch.nn as nn',
        'model = nn.Sequential(nn.Linear(16, 1), nn.Tanh())',
        'criterion = nn.BCELoss()',
        'def step(x, y):',
        '    return criterion(model(x), y)',
      ),
      errors: [{ line: 5, column: 22, messageId: 'notProbabilities', data: { interval: '(-1, 1)' } }],
      output: null,
    },
    {
      code: py(
        ...keras,
        'model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1, activation="relu")])',
        'model.compile(optimizer="adam", loss="binary_crossentropy")',
      ),
      errors: [{ line: 5, messageId: 'notProbabilities', data: { interval: '[0, ∞)', activation: 'sigmoid' } }],
      output: py(
        ...keras,
        'model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")])',
        'model.compile(optimizer="adam", loss="binary_crossentropy")',
      ),
      safety: 'unsafe',
    },
    {
      code: py(
        ...keras,
        'model = keras.Sequential([layers.Dense(10, activation="tanh")])',
        'model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())',
      ),
      errors: [{ line: 5, messageId: 'notProbabilities', data: { interval: '(-1, 1)', activation: 'softmax' } }],
      output: py(
        ...keras,
        'model = keras.Sequential([layers.Dense(10, activation="softmax")])',
        'model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())',
      ),
      safety: 'unsafe',
    },
    {
      ...ts(
        "import * as tf from '@tensorflow/tfjs';",
        "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4], activation: 'relu' })] });",
        "model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });",
      ),
      errors: [{ line: 3, messageId: 'notProbabilities', data: { interval: '[0, ∞)' } }],
      output: ts(
        "import * as tf from '@tensorflow/tfjs';",
        "const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4], activation: 'sigmoid' })] });",
        "model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });",
      ).code,
      safety: 'unsafe',
    },
    {
      ...{ code: py(...head, 'loss = nn.BCELoss()(torch.exp(F.relu(head(x))), y)') },
      errors: [{ line: 10, messageId: 'notProbabilities', data: { interval: '[1, ∞)' } }],
      output: null,
    },
    {
      // A sigmoid before a softmax cross entropy.
      code: py(...head, 'loss = F.cross_entropy(torch.sigmoid(scores(x)), labels)'),
      errors: [{ line: 10, column: 24, messageId: 'sigmoidBeforeSoftmax' }],
      output: py(...head, 'loss = F.cross_entropy(scores(x), labels)'),
      safety: 'safe',
    },
    {
      code: py(
        ...keras,
        'model = keras.Sequential([layers.Dense(10, activation="sigmoid")])',
        'model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))',
      ),
      errors: [{ line: 5, messageId: 'sigmoidBeforeSoftmax' }],
      output: null,
    },
  ],
});
