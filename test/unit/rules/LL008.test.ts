import { logOfSoftmax } from '../../../src/analysis/rules/log-of-softmax';
import { py, ruleTester, ts } from './tester';

const head = ['import torch', 'import torch.nn.functional as F', '', 'logits = torch.randn(8, 10)'];

ruleTester(logOfSoftmax, {
  valid: [
    py('import tensorflow as tf', 'log_probs = tf.nn.log_softmax(logits)'),
    py('import jax.numpy as jnp', 'import jax', 'log_p = jax.nn.log_sigmoid(logits)'),
    ts("import * as tf from '@tensorflow/tfjs';", 'declare const logits: tf.Tensor;', 'export const l = tf.logSoftmax(logits);'),
    py(...head, 'log_probs = torch.log_softmax(logits, dim=1)'),
    py(...head, 'probs = torch.softmax(logits, dim=1)', 'entropy = -(probs * torch.log_softmax(logits, dim=1)).sum(1)'),
    py(...head, 'x = torch.log(logits.abs() + 1)'),
    py(...head, 'y = torch.log(F.softmax(logits, dim=1) + 1e-8)'),
  ],
  invalid: [
    {
      // TensorFlow: its own names, in the message and the fix.
      code: py('import tensorflow as tf', 'log_probs = tf.math.log(tf.nn.softmax(logits))'),
      errors: [{ line: 2, column: 13, messageId: 'logOfSoftmax', data: { stable: '`tf.nn.log_softmax`' } }],
      output: py('import tensorflow as tf', 'log_probs = tf.nn.log_softmax(logits)'),
      safety: 'safe',
    },
    {
      code: py('import jax', 'import jax.numpy as jnp', 'log_p = jnp.log(jax.nn.sigmoid(logits))'),
      errors: [{ line: 3, column: 9, messageId: 'logOfSigmoid', data: { stable: '`jax.nn.log_sigmoid`' } }],
      output: null,
    },
    {
      ...ts("import * as tf from '@tensorflow/tfjs';", 'declare const logits: tf.Tensor;', 'export const l = tf.log(tf.softmax(logits));'),
      errors: [{ line: 3, column: 18, messageId: 'logOfSoftmax', data: { stable: '`tf.logSoftmax`' } }],
      output: ts("import * as tf from '@tensorflow/tfjs';", 'declare const logits: tf.Tensor;', 'export const l = tf.logSoftmax(logits);').code,
    },
    {
      // An alias PyTorch keeps (torch.special.expit is torch.sigmoid) is read like the name itself.
      code: py(...head, 'log_probs = torch.log(torch.special.expit(logits))'),
      errors: [{ line: 5, column: 13, messageId: 'logOfSigmoid' }],
      output: py(...head, 'log_probs = F.logsigmoid(logits)'),
    },
    {
      code: py(...head, 'log_probs = torch.log(torch.softmax(logits, dim=1))'),
      errors: [{ line: 5, column: 13, messageId: 'logOfSoftmax', data: { stable: '`log_softmax`' } }],
      output: py(...head, 'log_probs = torch.log_softmax(logits, dim=1)'),
      safety: 'safe',
    },
    {
      code: py(...head, 'log_probs = F.softmax(logits, dim=-1).log()'),
      errors: [{ line: 5, messageId: 'logOfSoftmax' }],
      output: py(...head, 'log_probs = F.log_softmax(logits, dim=-1)'),
    },
    {
      code: py(...head, 'log_probs = logits.softmax(dim=1).log()'),
      errors: [{ line: 5, messageId: 'logOfSoftmax' }],
      output: py(...head, 'log_probs = logits.log_softmax(dim=1)'),
    },
    {
      code: py(...head, 'log_p = torch.log(torch.sigmoid(logits))'),
      errors: [{ line: 5, messageId: 'logOfSigmoid', data: { stable: '`F.logsigmoid`' } }],
      output: py(...head, 'log_p = F.logsigmoid(logits)'),
    },
    {
      // Storing into an attribute or an item of `torch` in a tuple target does not rebind `torch`.
      code: py(...head, 'torch.cached, other = logits, 1', 'log_probs = torch.log(torch.softmax(logits, dim=1))'),
      errors: [{ line: 6, column: 13, messageId: 'logOfSoftmax' }],
      output: py(...head, 'torch.cached, other = logits, 1', 'log_probs = torch.log_softmax(logits, dim=1)'),
    },
    {
      code: py('import torch', 'log_p = torch.log(torch.randn(3).sigmoid())'),
      errors: [{ line: 2, messageId: 'logOfSigmoid' }],
      output: py('import torch', 'log_p = torch.nn.functional.logsigmoid(torch.randn(3))'),
    },
  ],
});
