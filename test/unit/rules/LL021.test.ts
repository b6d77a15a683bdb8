import { softmaxImplicitDim } from '../../../src/analysis/rules/softmax-implicit-dim';
import { py, ruleTester } from './tester';

ruleTester(softmaxImplicitDim, {
  valid: [
    py('import torch', 'import torch.nn.functional as F', 'p = F.softmax(torch.randn(4, 3), dim=1)'),
    py('import torch', 'import torch.nn.functional as F', 'p = F.log_softmax(torch.randn(4, 3), -1)'),
    py('import torch.nn as nn', 'layer = nn.Softmax(dim=-1)'),
    // TensorFlow's and JAX's softmax work over the last axis by default: no guess there.
    py('import tensorflow as tf', 'p = tf.nn.softmax(tf.random.normal((4, 3)))'),
    py('import jax', 'import jax.numpy as jnp', 'p = jax.nn.log_softmax(jnp.zeros((4, 3)))'),
    py('import torch.nn.functional as F', 'def f(x, **kwargs):', '    return F.softmax(x, **kwargs)'),
  ],
  invalid: [
    {
      code: py('import torch', 'import torch.nn.functional as F', 'p = F.softmax(torch.randn(4, 3))'),
      errors: [{ line: 3, column: 5, messageId: 'implicitDim', data: { function: 'F.softmax', dim: 1 } }],
      output: py('import torch', 'import torch.nn.functional as F', 'p = F.softmax(torch.randn(4, 3), dim=1)'),
      safety: 'safe',
    },
    {
      code: py('import torch', 'import torch.nn.functional as F', 'p = F.log_softmax(torch.randn(5))'),
      errors: [{ line: 3, messageId: 'implicitDim' }],
      output: py('import torch', 'import torch.nn.functional as F', 'p = F.log_softmax(torch.randn(5), dim=-1)'),
      safety: 'safe',
    },
    {
      code: py('import torch', 'import torch.nn.functional as F', 'p = F.softmax(torch.randn(2, 7, 5))'),
      errors: [{ line: 3, messageId: 'implicitDim', data: { function: 'F.softmax', dim: -1 } }],
      output: py('import torch', 'import torch.nn.functional as F', 'p = F.softmax(torch.randn(2, 7, 5), dim=-1)'),
      safety: 'unsafe',
    },
    {
      code: py('import torch.nn as nn', 'head = nn.Sequential(nn.Linear(8, 3), nn.LogSoftmax())'),
      errors: [{ line: 2, column: 39, messageId: 'implicitDim' }],
      output: py('import torch.nn as nn', 'head = nn.Sequential(nn.Linear(8, 3), nn.LogSoftmax(dim=1))'),
      safety: 'unsafe',
    },
  ],
});
