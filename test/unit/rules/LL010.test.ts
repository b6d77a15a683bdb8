import { targetShapeMismatch } from '../../../src/analysis/rules/target-shape-mismatch';
import { py, ruleTester } from './tester';

const head = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '', 'head = nn.Linear(16, 1)', 'x = torch.randn(8, 16)'];

ruleTester(targetShapeMismatch, {
  valid: [
    py(...head, 'y = torch.randn(8)', 'loss = nn.MSELoss()(head(x).squeeze(1), y)'),
    py(...head, 'y = torch.randn(8, 1)', 'loss = F.l1_loss(head(x), y)'),
    py(...head, 'y = torch.randn(8)', 'loss = nn.MSELoss()(head(x), y.unsqueeze(1))'),
    // Shapes unknown: silent.
    py('import torch.nn as nn', 'def step(out, y):', '    return nn.MSELoss()(out, y)'),
    py(
      'import torch',
      'import torch.nn.functional as F',
      'logits = torch.randn(8, 5)',
      'labels = torch.randint(0, 5, (8,))',
      'loss = F.cross_entropy(logits, labels)',
    ),
  ],
  invalid: [
    {
      // optax: integer labels to the one-hot cross entropy; the fix calls the integer-label one.
      code: py('import jax.numpy as jnp', 'import optax', 'labels = jnp.array([0, 2, 1])', 'loss = optax.softmax_cross_entropy(jnp.zeros((3, 4)), labels)'),
      errors: [
        { line: 4, column: 55, messageId: 'integerLabelsToOneHot', data: { target: 'labels', sparse: '`optax.softmax_cross_entropy_with_integer_labels`' } },
      ],
      output: py(
        'import jax.numpy as jnp',
        'import optax',
        'labels = jnp.array([0, 2, 1])',
        'loss = optax.softmax_cross_entropy_with_integer_labels(jnp.zeros((3, 4)), labels)',
      ),
      safety: 'safe',
    },
    {
      // TensorFlow: one-hot labels to the sparse cross entropy.
      code: py(
        'import tensorflow as tf',
        'y = tf.one_hot([0, 2], 3)',
        'loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=tf.zeros((2, 3)))',
      ),
      errors: [{ line: 3, column: 62, messageId: 'oneHotToSparse', data: { dense: '`tf.nn.softmax_cross_entropy_with_logits`' } }],
      output: py('import tensorflow as tf', 'y = tf.one_hot([0, 2], 3)', 'loss = tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=tf.zeros((2, 3)))'),
    },
    {
      // Keras: one-hot labels given to a model compiled with a sparse cross entropy; the fix compiles with the categorical one.
      code: py(
        'import tensorflow as tf',
        'from tensorflow import keras',
        'model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])',
        "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')",
        'y = tf.one_hot([0, 1, 2], 3)',
        'model.fit(x, y)',
      ),
      errors: [{ line: 6, column: 14, messageId: 'kerasOneHot', data: { loss: "`'sparse_categorical_crossentropy'`", target: 'y' } }],
      output: py(
        'import tensorflow as tf',
        'from tensorflow import keras',
        'model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])',
        "model.compile(optimizer='adam', loss='categorical_crossentropy')",
        'y = tf.one_hot([0, 1, 2], 3)',
        'model.fit(x, y)',
      ),
      safety: 'safe',
    },
    {
      // Keras: integer labels given to a categorical cross entropy.
      code: py(
        'import numpy as np',
        'import keras',
        'model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])',
        'model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy())',
        'model.fit(x, np.random.randint(0, 3, size=(8,)))',
      ),
      errors: [{ line: 5, column: 14, messageId: 'kerasIntegers' }],
      output: py(
        'import numpy as np',
        'import keras',
        'model = keras.Sequential([keras.layers.Dense(3, activation="softmax")])',
        'model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy())',
        'model.fit(x, np.random.randint(0, 3, size=(8,)))',
      ),
    },
    {
      code: py(...head, 'y = torch.randn(8)', 'loss = nn.MSELoss()(head(x), y)'),
      errors: [
        {
          line: 8,
          messageId: 'broadcast',
          data: { loss: '`nn.MSELoss`', input: 'head(x)', inputShape: '(8, 1)', target: 'y', targetShape: '(8,)', broadcastShape: '(8, 8)' },
        },
      ],
      output: py(...head, 'y = torch.randn(8)', 'loss = nn.MSELoss()(head(x).squeeze(-1), y)'),
      safety: 'unsafe',
    },
    {
      code: py(...head, 'y = torch.rand(8)', 'loss = F.binary_cross_entropy_with_logits(head(x), y)'),
      errors: [
        {
          line: 8,
          messageId: 'sizeMismatch',
          data: { loss: '`F.binary_cross_entropy_with_logits`', input: 'head(x)', inputShape: '(8, 1)', target: 'y', targetShape: '(8,)' },
        },
      ],
    },
    {
      code: py(
        'import torch',
        'import torch.nn.functional as F',
        'logits = torch.randn(8, 5)',
        'labels = torch.randint(0, 5, (8, 1))',
        'loss = F.cross_entropy(logits, labels)',
      ),
      errors: [{ line: 5, messageId: 'classDim', data: { loss: '`F.cross_entropy`', target: 'labels', targetShape: '(8, 1)' } }],
      output: py(
        'import torch',
        'import torch.nn.functional as F',
        'logits = torch.randn(8, 5)',
        'labels = torch.randint(0, 5, (8, 1))',
        'loss = F.cross_entropy(logits, labels.squeeze(1))',
      ),
    },
    {
      code: py(
        'import torch',
        'import torch.nn.functional as F',
        'logits = torch.randn(8, 5)',
        'labels = torch.randint(0, 5, (8,))',
        'loss = F.cross_entropy(logits, F.one_hot(labels, 5))',
      ),
      errors: [{ line: 5, messageId: 'oneHot', data: { loss: '`F.cross_entropy`', target: 'F.one_hot(labels, 5)' } }],
    },
  ],
});
