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
    // A softmax held by a name, with an epsilon or a clamp first: the log cannot reach -inf.
    py(...head, 'probs = torch.softmax(logits, dim=1)', 'y = torch.log(probs + 1e-8)', 'z = torch.log(probs.clamp(min=1e-8))'),
    // The log of raw scores or of a constant is no log of probabilities.
    py(...head, 'y = torch.log(logits.exp())', 'c = torch.log(torch.tensor(2.0))'),
    // Changed in place before the log (a clamp, a floor stored into it, the model's last layer replaced): not followed, so silent.
    py(...head, 'probs = F.softmax(logits, 1)', 'probs.clamp_(min=1e-8)', 'lp = torch.log(probs)'),
    py(...head, 'probs = F.softmax(logits, 1)', 'probs[probs < 1e-8] = 1e-8', 'lp = torch.log(probs)'),
    py(
      'import torch',
      'import torch.nn as nn',
      'D = nn.Sequential(nn.Linear(10, 1), nn.Sigmoid())',
      'D[-1] = nn.Identity()',
      'r = torch.log(D(torch.randn(4, 10)))',
    ),
    // A model with no softmax or sigmoid at its end.
    py('import torch', 'import torch.nn as nn', 'D = nn.Sequential(nn.Linear(15, 1), nn.Softplus())', 'r = torch.log(D(torch.randn(4, 15)))'),
  ],
  invalid: [
    {
      // A softmax held by a name: no fix (the log and the softmax are apart), the softmax as evidence.
      code: py(...head, 'probs = torch.softmax(logits, dim=1)', 'log_probs = torch.log(probs)'),
      errors: [{ line: 6, column: 13, messageId: 'logOfSoftmax', data: { stable: '`log_softmax`' } }],
      output: null,
    },
    {
      // A hand-written GAN loss: the discriminator ends in a sigmoid (the log of `1 - p` is not read).
      code: py(
        'import torch',
        'import torch.nn as nn',
        'D = nn.Sequential(nn.Linear(15, 128), nn.ReLU(), nn.Linear(128, 1), nn.Sigmoid())',
        'prob_real, prob_fake = D(torch.randn(64, 15)), D(torch.randn(64, 15))',
        'D_loss = -torch.mean(torch.log(prob_real) + torch.log(1. - prob_fake))',
      ),
      errors: [{ line: 5, column: 22, messageId: 'logOfSigmoid', data: { stable: '`F.logsigmoid`' } }],
      output: null,
    },
    {
      // A policy gradient: the action's probability picked out with `gather` is still a softmax output.
      code: py(...head, 'pi = F.softmax(logits, dim=1)', 'a = torch.randint(0, 10, (8, 1))', 'loss = -torch.log(pi.gather(1, a)).mean()'),
      errors: [{ line: 7, column: 9, messageId: 'logOfSoftmax' }],
      output: null,
    },
    {
      // The method form, on a sigmoid held by a name.
      code: py(...head, 'p = torch.sigmoid(logits)', 'lp = p.log()'),
      errors: [{ line: 6, column: 6, messageId: 'logOfSigmoid' }],
      output: null,
    },
    {
      // TensorFlow's hand-written cross entropy, as tutorials write it.
      code: py('import tensorflow as tf', 'prediction = tf.nn.softmax(logits)', 'loss = -tf.reduce_sum(labels * tf.math.log(prediction), axis=1)'),
      errors: [{ line: 3, column: 32, messageId: 'logOfSoftmax', data: { stable: '`tf.nn.log_softmax`' } }],
      output: null,
    },
    {
      // TensorFlow.js as well.
      ...ts(
        "import * as tf from '@tensorflow/tfjs';",
        'declare const logits: tf.Tensor;',
        'const probs = tf.softmax(logits);',
        'export const lp = tf.log(probs);',
      ),
      errors: [{ line: 4, column: 19, messageId: 'logOfSoftmax', data: { stable: '`tf.logSoftmax`' } }],
      output: null,
    },
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
