import { targetDtypeMismatch } from '../../../src/analysis/rules/target-dtype-mismatch';
import { py, ruleTester } from './tester';

const head = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '', 'x = torch.randn(8, 16)'];

ruleTester(targetDtypeMismatch, {
  valid: [
    py(...head, 'labels = torch.randint(0, 10, (8,))', 'loss = F.cross_entropy(nn.Linear(16, 10)(x), labels)'),
    // Soft targets: a float target of the input's shape is class probabilities.
    py(...head, 'soft = torch.rand(8, 10)', 'loss = F.cross_entropy(nn.Linear(16, 10)(x), soft)'),
    py(...head, 'y = torch.randint(0, 2, (8, 1)).float()', 'loss = F.binary_cross_entropy_with_logits(nn.Linear(16, 1)(x), y)'),
    py('import torch.nn.functional as F', 'def step(out, y):', '    return F.cross_entropy(out, y.float())'),
    // The dtype contracts: regression and most margin losses promote integer targets (no fault).
    py(...head, 'loss = F.mse_loss(nn.Linear(16, 1)(x), torch.randint(0, 5, (8, 1)))'),
    py(...head, 'loss = nn.MarginRankingLoss()(x[:, 0], x[:, 1], torch.randint(0, 2, (8,)))'),
    py(...head, 'loss = nn.MultiMarginLoss()(nn.Linear(16, 5)(x), torch.randint(0, 5, (8,)))'),
    py(...head, 'loss = F.kl_div(F.log_softmax(nn.Linear(16, 5)(x), dim=1), torch.rand(8, 5), reduction="batchmean")'),
  ],
  invalid: [
    {
      code: py(...head, 'loss = F.kl_div(F.log_softmax(nn.Linear(16, 5)(x), dim=1), torch.randint(0, 2, (8, 5)), reduction="batchmean")'),
      errors: [
        {
          line: 6,
          column: 60,
          messageId: 'contract',
          data: { target: 'torch.randint(0, 2, (8, 5))', pytorch: 'kl_div: Integral inputs not supported', convert: 'float' },
        },
      ],
      output: py(...head, 'loss = F.kl_div(F.log_softmax(nn.Linear(16, 5)(x), dim=1), torch.randint(0, 2, (8, 5)).float(), reduction="batchmean")'),
      safety: 'safe',
    },
    {
      code: py(...head, 'y = torch.randint(0, 5, (8,)).float()', 'loss = nn.MultiMarginLoss()(nn.Linear(16, 5)(x), y)'),
      errors: [{ line: 7, messageId: 'contract', data: { target: 'y', pytorch: 'expected scalar type Long but found Float', convert: 'long' } }],
      output: py(...head, 'y = torch.randint(0, 5, (8,)).float()', 'loss = nn.MultiMarginLoss()(nn.Linear(16, 5)(x), y.long())'),
    },
    {
      code: py(...head, 'from torchvision.ops import sigmoid_focal_loss', 'loss = sigmoid_focal_loss(nn.Linear(16, 3)(x), torch.randint(0, 2, (8, 3)))'),
      errors: [{ line: 7, messageId: 'contract', data: { pytorch: "result type Float can't be cast to the desired output type Long", convert: 'float' } }],
    },
    {
      code: py(
        'import jax.numpy as jnp',
        'import optax',
        'labels = jnp.array([0., 2., 1.])',
        'loss = optax.softmax_cross_entropy_with_integer_labels(jnp.zeros((3, 4)), labels)',
      ),
      errors: [{ line: 4, column: 75, messageId: 'jaxFloatIndices', data: { target: 'labels' } }],
    },
    {
      code: py(
        'import tensorflow as tf',
        'y = tf.random.uniform((8,), maxval=3, dtype=tf.float32)',
        'loss = tf.nn.sparse_softmax_cross_entropy_with_logits(y, tf.zeros((8, 3)))',
      ),
      errors: [{ line: 3, column: 55, messageId: 'tfFloatIndices', data: { target: 'y' } }],
    },
    {
      code: py('import tensorflow as tf', 'y = tf.constant([[1], [0]])', 'loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=tf.zeros((2, 1)))'),
      errors: [{ line: 3, column: 55, messageId: 'tfIntegerTargets', data: { target: 'y' } }],
    },
    {
      code: py(...head, 'labels = torch.randint(0, 10, (8,))', 'loss = F.cross_entropy(nn.Linear(16, 10)(x), labels.float())'),
      errors: [
        {
          line: 7,
          messageId: 'floatIndices',
          data: {
            loss: '`F.cross_entropy`',
            target: 'labels.float()',
            source: { phrase: 'root', data: { code: 'loss = F.cross_entropy(nn.Linear(16, 10)(x), labels.float())', place: { line: 7, column: 1 } } },
          },
        },
      ],
      output: py(...head, 'labels = torch.randint(0, 10, (8,))', 'loss = F.cross_entropy(nn.Linear(16, 10)(x), labels.long())'),
      safety: 'safe',
    },
    {
      code: py(...head, 'y = torch.randint(0, 2, (8, 1))', 'loss = nn.BCEWithLogitsLoss()(nn.Linear(16, 1)(x), y)'),
      errors: [
        {
          line: 7,
          messageId: 'integerTargets',
          data: {
            loss: '`nn.BCEWithLogitsLoss`',
            target: 'y',
            source: { phrase: 'root', data: { code: 'y = torch.randint(0, 2, (8, 1))', place: { line: 6, column: 1 } } },
          },
        },
      ],
      output: py(...head, 'y = torch.randint(0, 2, (8, 1))', 'loss = nn.BCEWithLogitsLoss()(nn.Linear(16, 1)(x), y.float())'),
    },
    {
      code: py(...head, 'y = torch.tensor([[1], [0]], dtype=torch.long)', 'loss = F.binary_cross_entropy(torch.rand(2, 1), y)'),
      errors: [{ line: 7, messageId: 'integerTargets' }],
    },
    {
      code: py(...head, 'targets = torch.zeros(8)', 'loss = nn.NLLLoss()(F.log_softmax(nn.Linear(16, 3)(x), dim=1), targets)'),
      errors: [{ line: 7, messageId: 'floatIndices' }],
      output: py(...head, 'targets = torch.zeros(8)', 'loss = nn.NLLLoss()(F.log_softmax(nn.Linear(16, 3)(x), dim=1), targets.long())'),
    },
  ],
});
