import { targetShapeMismatch } from '../../../src/analysis/rules/target-shape-mismatch';
import { py, ruleTester, ts } from './tester';

/** The TensorFlow.js cases' common start. */
const tfjs = [
  "import * as tf from '@tensorflow/tfjs';",
  '',
  "const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' })] });",
  'declare const xs: tf.Tensor, ys: tf.Tensor;',
  "const indices = tf.tensor1d([0, 2, 1, 0], 'int32');",
  'const oneHot = tf.oneHot(indices, 3);',
];

const head = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '', 'head = nn.Linear(16, 1)', 'x = torch.randn(8, 16)'];

ruleTester(targetShapeMismatch, {
  valid: [
    // TensorFlow.js, through the same engine.
    ts(...tfjs, "model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });", 'model.fit(xs, indices);'),
    ts(...tfjs, "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });", 'model.fit(xs, oneHot);'),

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
    // What the shape contracts accept: (N, H, W) masks, probabilities of the input's shape, (N, 1) against (N, 1).
    py('import torch', 'import torch.nn.functional as F', 'logits = torch.randn(4, 3, 8, 8)', 'loss = F.cross_entropy(logits, torch.randint(0, 3, (4, 8, 8)))'),
    py(
      'import torch',
      'import torch.nn.functional as F',
      'mask = torch.randint(0, 3, (4, 1, 8, 8))',
      'loss = F.cross_entropy(torch.randn(4, 3, 8, 8), mask.squeeze(1))',
    ),
    py('import torch', 'import torch.nn.functional as F', 'out = torch.randn(4, 5)', 'loss = F.cross_entropy(out, torch.softmax(torch.randn(4, 5), dim=1))'),
    py(...head, 'y = torch.randn(8, 1)', 'loss = F.mse_loss(head(x), y)'),
    // KL-div broadcasts an (N, 1) target without a word from PyTorch: not a shape fault.
    py(
      'import torch',
      'import torch.nn.functional as F',
      'p = F.log_softmax(torch.randn(4, 5), dim=1)',
      'loss = F.kl_div(p, torch.rand(4, 1), reduction="batchmean")',
    ),
    py('import torch', 'import torch.nn as nn', 'a = torch.randn(4, 8)', 'loss = nn.TripletMarginLoss()(a, torch.randn(4, 8), torch.randn(4, 8))'),
    py('import torch', 'import torch.nn.functional as F', 'u = torch.randn(4, 8)', 'loss = F.cosine_embedding_loss(u, u, torch.ones(4))'),
    // Swapped arguments are LL007's finding, not a shape fault besides.
    py(
      'import torch',
      'import torch.nn as nn',
      'head = nn.Linear(16, 5)',
      'labels = torch.randint(0, 5, (8,))',
      'loss = nn.CrossEntropyLoss()(labels, head(torch.randn(8, 16)))',
    ),
    py(
      'import torch',
      'import torch.nn.functional as F',
      'log_probs = torch.randn(50, 16, 20).log_softmax(2)',
      'loss = F.ctc_loss(log_probs, torch.randint(1, 20, (16, 30)), torch.full((16,), 50, dtype=torch.long), torch.full((16,), 30, dtype=torch.long))',
    ),
    // Sizes that are not known (a parameter, a dataset) are silent.
    py(
      'import torch',
      'import torch.nn.functional as F',
      'def step(batch, n):',
      '    logits = torch.randn(n, 3, 8, 8)',
      '    return F.cross_entropy(logits, batch["mask"])',
    ),
    py('import torch', 'import torch.nn.functional as F', 'def step(n, c):', '    return F.cross_entropy(torch.randn(n, 5), torch.rand(n, c))'),
  ],
  invalid: [
    {
      // TensorFlow.js: labels first, its own losses and fixes.

      ...ts(...tfjs, "model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });", 'model.fit(xs, oneHot);'),
      errors: [{ line: 8, column: 15, messageId: 'oneHotToSparse', data: { dense: "`'categoricalCrossentropy'`" } }],
      output: ts(...tfjs, "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });", 'model.fit(xs, oneHot);').code,
      safety: 'safe',
    },
    {
      ...ts(...tfjs, "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });", 'model.fit(xs, indices);'),
      errors: [{ line: 8, column: 15, messageId: 'integerLabelsToOneHot', data: { sparse: "`'sparseCategoricalCrossentropy'`" } }],
      output: ts(...tfjs, "model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });", 'model.fit(xs, indices);').code,
      safety: 'safe',
    },

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
      // The shape contracts (src/losses/shapes.ts), in PyTorch's words, at the tensor at fault.
      code: py(...head, 'y = torch.rand(8)', 'loss = F.binary_cross_entropy_with_logits(head(x), y)'),
      errors: [
        {
          line: 8,
          column: 52,
          messageId: 'contract',
          data: {
            loss: '`F.binary_cross_entropy_with_logits`',
            shapes: '`y` (8,), `head(x)` (8, 1)',
            pytorch: 'Target size (torch.Size([8])) must be the same as input size (torch.Size([8, 1]))',
            hint: "Squeeze the input's last dim (`.squeeze(-1)`), or give the target one: (N, 1).",
          },
        },
      ],
    },
    {
      // A segmentation mask with its channel dim kept: (N, 1, H, W) against (N, C, H, W) logits.
      code: py(
        'import torch',
        'import torch.nn as nn',
        'seg_head = nn.Conv2d(16, 3, kernel_size=1)',
        'features = torch.randn(4, 16, 8, 8)',
        'mask = torch.randint(0, 3, (4, 1, 8, 8))',
        'loss = nn.CrossEntropyLoss()(seg_head(features), mask)',
      ),
      errors: [
        {
          line: 6,
          column: 50,
          messageId: 'contract',
          data: {
            shapes: '`mask` (4, 1, 8, 8), `seg_head(features)` (4, 3, 8, 8)',
            pytorch: 'cross_entropy: only batches of spatial targets supported (3D tensors) but got targets of dimension: 4',
            hint: 'The target keeps a class dim of size 1: squeeze it (`.squeeze(1)`) to get class indices of shape (4, 8, 8).',
          },
        },
      ],
    },
    {
      // An elementwise function (F.relu) keeps the shape it is given.
      code: py(
        'import torch',
        'import torch.nn as nn',
        'import torch.nn.functional as F',
        'body = nn.Conv2d(3, 8, kernel_size=3, padding=1)',
        'head = nn.Conv2d(8, 4, kernel_size=1)',
        'out = head(F.relu(body(torch.randn(2, 3, 16, 16))))',
        'loss = F.cross_entropy(out, torch.randint(0, 4, (2, 1, 16, 16)))',
      ),
      errors: [{ line: 7, messageId: 'contract', data: { shapes: '`torch.randint(0, 4, (2, 1, 16, 16))` (2, 1, 16, 16), `out` (2, 4, 16, 16)' } }],
    },
    {
      // CTC: one input length per sequence of the batch.
      code: py(
        'import torch',
        'import torch.nn.functional as F',
        'log_probs = torch.randn(50, 16, 20).log_softmax(2)',
        'input_lengths = torch.full((8,), 50, dtype=torch.long)',
        'loss = F.ctc_loss(log_probs, torch.randint(1, 20, (16, 30)), input_lengths, torch.full((16,), 30, dtype=torch.long))',
      ),
      errors: [
        {
          line: 5,
          messageId: 'contract',
          data: { pytorch: 'input_lengths must be of size batch_size', hint: 'The batch has 16 sequences; `input_lengths` has 8 entries.' },
        },
      ],
    },
    {
      // (N, d, 1) class indices to NLLLoss over (N, C, d).
      code: py(
        'import torch',
        'import torch.nn as nn',
        'import torch.nn.functional as F',
        'scores = torch.randn(4, 3, 5)',
        'labels = torch.randint(0, 3, (4, 5, 1))',
        'loss = nn.NLLLoss()(F.log_softmax(scores, dim=1), labels)',
      ),
      errors: [
        {
          line: 6,
          messageId: 'contract',
          data: {
            pytorch: 'nll_loss: Expected target size [4, 5], got [4, 5, 1].',
            hint: 'The target has a trailing dim of size 1: squeeze it (`.squeeze(-1)`) to get class indices of shape (4, 5).',
          },
        },
      ],
    },
    {
      // Class probabilities for 10 classes against 5 logits.
      code: py(
        'import torch',
        'import torch.nn.functional as F',
        'out = torch.randn(4, 5)',
        'soft = torch.softmax(torch.randn(4, 10), dim=1)',
        'loss = F.cross_entropy(out, soft)',
      ),
      errors: [
        {
          line: 5,
          messageId: 'contract',
          data: {
            pytorch: 'cross_entropy: 0D or 1D target tensor expected, multi-target not supported (target shape [4, 10]).',
            hint: 'A target of the input’s rank is read as class probabilities, which need the input’s shape: it has 10 classes where the input has 5.',
          },
        },
      ],
    },
    {
      code: py(
        'import torch',
        'import torch.nn.functional as F',
        'p = F.log_softmax(torch.randn(4, 5), dim=1)',
        'q = torch.rand(4, 6)',
        'loss = F.kl_div(p, q, reduction="batchmean")',
      ),
      errors: [
        {
          line: 5,
          column: 20,
          messageId: 'contract',
          data: { pytorch: 'The size of tensor a (6) must match the size of tensor b (5) at non-singleton dimension 1' },
        },
      ],
    },
    {
      code: py('import torch', 'import torch.nn as nn', 'a = torch.randn(4, 8)', 'n = torch.randn(4, 9)', 'loss = nn.TripletMarginLoss(margin=1.0)(a, a, n)'),
      errors: [
        {
          line: 5,
          messageId: 'contract',
          data: { shapes: '`a` (4, 8), `n` (4, 9)', pytorch: 'The size of tensor a (8) must match the size of tensor b (9) at non-singleton dimension 1' },
        },
      ],
    },
    {
      code: py('import torch', 'import torch.nn.functional as F', 'u = torch.randn(4, 8)', 'y = torch.ones(4, 1)', 'loss = F.cosine_embedding_loss(u, u, y)'),
      errors: [
        { line: 5, column: 38, messageId: 'contract', data: { shapes: '`y` (4, 1)', pytorch: '0D or 1D target tensor expected, multi-target not supported' } },
      ],
    },
    {
      code: py(
        'import torch',
        'import torch.nn.functional as F',
        'r1 = torch.randn(4)',
        'r2 = torch.randn(4, 1)',
        'loss = F.margin_ranking_loss(r1, r2, torch.ones(4))',
      ),
      errors: [{ line: 5, column: 34, messageId: 'contract', data: { shapes: '`r2` (4, 1), `r1` (4,)' } }],
    },
    {
      // One label per example against a score per class.
      code: py(
        'import torch',
        'import torch.nn as nn',
        'tagger = nn.Linear(16, 5)',
        'feats = torch.randn(4, 16)',
        'tags = torch.randint(0, 2, (4,)).float()',
        'loss = nn.MultiLabelSoftMarginLoss()(tagger(feats), tags)',
      ),
      errors: [
        {
          line: 6,
          messageId: 'contract',
          data: {
            pytorch: 'The size of tensor a (4) must match the size of tensor b (5) at non-singleton dimension 1',
            hint: 'The input has a score for each of 5 classes, so the target needs a 0/1 label for each class, shape (N, 5); or give the input one column.',
          },
        },
      ],
    },
    {
      code: py('import torch', 'import torch.nn.functional as F', 'pred = torch.randn(4, 5)', 'loss = F.mse_loss(pred, torch.rand(4))'),
      errors: [
        { line: 4, messageId: 'contract', data: { pytorch: 'The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 1' } },
      ],
    },
    {
      // An (N,) prediction against an (N, 1) target: broadcast to (N, N) with only a warning.
      code: py('import torch', 'import torch.nn as nn', 'pred = torch.randn(8)', 'y = torch.randn(8, 1)', 'loss = nn.L1Loss()(pred, y)'),
      errors: [
        {
          line: 5,
          messageId: 'contractWarning',
          data: {
            shapes: '`pred` (8,), `y` (8, 1)',
            pytorch:
              'Using a target size (torch.Size([8, 1])) that is different to the input size (torch.Size([8])). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
            broadcastShape: '(8, 8)',
          },
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
