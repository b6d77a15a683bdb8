import { describe, expect, it } from 'vitest';
import { siteRequest } from '../../src/analysis/site-request';
import { evaluate } from '../../src/losses/evaluate';
import { formatTensor } from '../../src/tensor/format';
import { analyzeFresh } from './helpers/analysis';

/** The value a hover or an inline value shows for the application on the last line, or why none. */
async function valueOf(...lines: string[]): Promise<string> {
  const result = await analyzeFresh(`${lines.join('\n')}\n`, { sites: true });
  const application = result.sites!.filter((site) => site.kind === 'application').at(-1)!;
  const built = siteRequest(application, 1_000_000);
  if ('reason' in built) return `none: ${built.reason}`;
  return formatTensor(evaluate(built.request).value);
}

describe('loss calls on tensors written in the code have a value', () => {
  it('the reference article: BCELoss on the probabilities is tensor(1.5081)', async () => {
    expect(
      await valueOf('import torch', 'import torch.nn as nn', 'loss = nn.BCELoss()(torch.tensor([[0.6, 0.1], [0.3, 0.8]]), torch.tensor([[0., 1.], [1., 0.]]))'),
    ).toBe('tensor(1.5081)');
  });

  it('through assignments above, with options written in the call, and NumPy arrays', async () => {
    expect(
      await valueOf(
        'import numpy as np',
        'import torch',
        'import torch.nn.functional as F',
        'scores = torch.tensor([[[1., 2.], [3., 5.]], [[4., 7.], [4., 6.]]])',
        'labels = np.array([[0, 0], [1, 1]])',
        'loss = F.cross_entropy(scores, torch.tensor([[0, 0], [1, 1]]), weight=torch.tensor([1.0, 9.0]))',
      ),
    ).toBe('tensor(1.1617)');
    expect(
      await valueOf(
        'import torch',
        'import torch.nn.functional as F',
        'x = torch.tensor([[2., 3., 1.], [3., 7., 9.]])',
        "F.nll_loss(x, torch.tensor([1, 2]), reduction='sum')",
      ),
    ).toBe('tensor(-12.)');
  });

  it('an integer target keeps its dtype: BCE refuses it, as PyTorch does', async () => {
    const result = await analyzeFresh('import torch\nimport torch.nn as nn\nnn.BCELoss()(torch.tensor([0.5]), torch.tensor([1]))\n', { sites: true });
    const built = siteRequest(
      result.sites!.find((site) => site.kind === 'application')!,
      1000,
    );
    expect(() => evaluate((built as { request: Parameters<typeof evaluate>[0] }).request)).toThrow(/Found dtype Long but expected Float/);
  });

  // TensorFlow's are PyTorch's formulas on logits, unreduced; optax's its own: the loss of each example, by the last axis.
  it.each([
    [
      [
        'import jax.numpy as jnp',
        'import optax',
        'optax.softmax_cross_entropy(jnp.array([[1., 2., 3.], [1., 1., 1.]]), jnp.array([[0., 0., 1.], [1., 0., 0.]]))',
      ],
      'tensor([0.4076, 1.0986])',
    ],
    [
      [
        'import jax.numpy as jnp',
        'import optax',
        'optax.softmax_cross_entropy_with_integer_labels(jnp.array([[1., 2., 3.], [1., 1., 1.]]), jnp.array([2, 0]))',
      ],
      'tensor([0.4076, 1.0986])',
    ],
    [['import jax.numpy as jnp', 'import optax', 'optax.sigmoid_binary_cross_entropy(jnp.array([0., 2.]), jnp.array([1., 0.]))'], 'tensor([0.6931, 2.1269])'],
    [
      ['import tensorflow as tf', 'tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant([[0., 0., 1.]]), logits=tf.constant([[1., 2., 3.]]))'],
      'tensor([0.4076])',
    ],
    [
      ['import tensorflow as tf', 'tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([2]), logits=tf.constant([[1., 2., 3.]]))'],
      'tensor([0.4076])',
    ],
  ])("TensorFlow's and optax's per-example losses: %j is %s", async (lines, value) => {
    expect(await valueOf(...lines)).toBe(value);
  });

  it("a TensorFlow per-example softmax cross entropy over logits of rank 3 has none (PyTorch's classes are on the second axis); optax's has one", async () => {
    expect(
      await valueOf(
        'import tensorflow as tf',
        'tf.nn.softmax_cross_entropy_with_logits(labels=tf.constant([[[0., 1.], [1., 0.]]]), logits=tf.constant([[[1., 2.], [3., 4.]]]))',
      ),
    ).toMatch(/^none: LossLens does not compute this/);
    expect(
      await valueOf(
        'import jax.numpy as jnp',
        'import optax',
        'optax.softmax_cross_entropy(jnp.array([[[1., 2.], [3., 4.]]]), jnp.array([[[0., 1.], [1., 0.]]]))',
      ),
    ).toBe('tensor([[0.3133, 1.3133]])');
  });

  it.each([
    ['optax.l2_loss(jnp.array([1., 2.]), jnp.array([0., 0.]))', 'tensor([0.5000, 2.0000])'],
    ['optax.losses.squared_error(predictions=jnp.array([1., 2.]), targets=jnp.array([0., 0.]))', 'tensor([1., 4.])'],
    ['optax.huber_loss(jnp.array([0.2, 3.]), jnp.array([0., 0.]), delta=0.5)', 'tensor([0.0200, 1.3750])'],
    ['optax.huber_loss(jnp.array([0.2, 3.]), jnp.array([0., 0.]), 0.5)', 'tensor([0.0200, 1.3750])'],
    ['optax.losses.cosine_distance(jnp.array([[1., 0.], [3., 4.]]), jnp.array([[0., 2.], [3., 4.]]))', 'tensor([1., 0.])'],
    ['optax.hinge_loss(jnp.array([0.5, -2.]), jnp.array([1., 1.]))', 'tensor([0.5000, 3.0000])'],
  ])("optax's own losses, each element or example: %s is %s", async (call, value) => {
    expect(await valueOf('import jax.numpy as jnp', 'import optax', call)).toBe(value);
  });

  it.each([
    ['tf.compat.v1.losses.mean_squared_error([1., 2.], [1.5, 0.])', 'tensor(2.1250)'],
    ['tf.losses.absolute_difference(tf.constant([1., 2.]), tf.constant([1.5, 0.]), reduction=tf.losses.Reduction.SUM)', 'tensor(2.5000)'],
    ['tf.compat.v1.losses.huber_loss([1., 2.], [1.5, 0.], delta=0.5)', 'tensor(0.5000)'],
    ['tf.losses.hinge_loss(labels=[1., 0.], logits=[0.5, 0.5])', 'tensor(1.)'],
    ['tf.losses.softmax_cross_entropy([[0., 1.]], [[1., 2.]], label_smoothing=0.2)', 'tensor(0.4133)'],
    ['tf.losses.sigmoid_cross_entropy([[1., 0.]], [[0., 2.]], weights=[[1., 0.]])', 'tensor(0.6931)'],
    ['tf.losses.log_loss([1., 0.], [0.8, 0.4], None, 1e-7, None, None, tf.losses.Reduction.NONE)', 'tensor([0.2231, 0.5108])'],
    ['tf.losses.cosine_distance([[0.6, 0.8]], [[0.8, 0.6]], axis=1)', 'tensor(0.0400)'],
  ])("TensorFlow 1's losses, reduced as TensorFlow 1 reduces them: %s is %s", async (call, value) => {
    expect(await valueOf('import tensorflow as tf', call)).toBe(value);
  });

  it.each(['tf.losses.absolute_difference([1.], [2.], reduction=tf.losses.Reduction.SUM_OVER_BATCH_SIZE)', 'tf.losses.huber_loss([1.], [2.], unknown=1)'])(
    'TensorFlow 1: %s has none',
    async (call) => {
      expect(await valueOf('import tensorflow as tf', call)).toMatch(/^none: LossLens does not compute this call/);
    },
  );

  it.each([
    ['import torch', 'import torch.nn.functional as F', 'args = (torch.tensor([1.]), torch.tensor([2.]))', 'F.mse_loss(*args)'],
    ['import torch', 'import torch.nn.functional as F', 'kw = {"reduction": "sum"}', 'F.mse_loss(torch.tensor([1.]), torch.tensor([2.]), **kw)'],
    ['import jax.numpy as jnp', 'import optax', 'def f(*args, **kw):', '    return optax.softmax_cross_entropy(*args, **kw)'],
  ])('a call spreading *args or **kwargs has none, not an error about a missing argument: %j', async (...lines) => {
    expect(await valueOf(...lines)).toMatch(/^none: LossLens does not compute this call: .*`\*args` or `\*\*kwargs`/);
  });

  it('an optax loss given an option LossLens does not compute (`axis=`) has none', async () => {
    expect(
      await valueOf('import jax.numpy as jnp', 'import optax', 'optax.softmax_cross_entropy(jnp.array([[1., 2.]]), jnp.array([[0., 1.]]), axis=0)'),
    ).toMatch(/^none: /);
  });

  it.each([
    [['import torch', 'import torch.nn as nn', 'def f(y):', '    return nn.MSELoss()(torch.tensor([1.]), y)'], '`y` is not a tensor written in the code'],
    [
      ['import torch', 'import torch.nn as nn', 'x = torch.tensor([1., 2.])', 'nn.MSELoss()(x.view(2, 1), torch.tensor([[1.], [2.]]))'],
      '`x.view(2, 1)` is not a tensor written in the code',
    ],
    [
      ['import torch', 'import torch.nn as nn', 'r = "sum"', 'nn.MSELoss(reduction=r)(torch.tensor([1.]), torch.tensor([2.]))'],
      '`reduction=r` is not a value written in the code',
    ],
  ])('%j has none: %s', async (lines, reason) => {
    expect(await valueOf(...lines)).toBe(`none: ${reason}`);
  });
});
