import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CalculatorForm } from '../../../src/common/protocol/calculator';
import { calculate } from '../../../src/explain/calculate';

/** Whether this machine has PyTorch (Debian's python3-torch): CI does not install it, a developer's machine may. */
const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch, torchvision'], { encoding: 'utf8' }).status === 0;

const forms: CalculatorForm[] = [
  { loss: 'binary_cross_entropy', tensors: { input: '[[0.6, 0.1], [0.3, 0.8]]', target: '[[0., 1.], [1., 0.]]' }, options: {} },
  {
    loss: 'binary_cross_entropy_with_logits',
    tensors: { input: '[[0.6, 0.1], [0.3, 0.8]]', target: '[[0., 1.], [1., 0.]]' },
    options: { pos_weight: '[2., 0.5]' },
  },
  {
    loss: 'cross_entropy',
    tensors: { input: '[[[1., 2.], [3., 5.]], [[4., 7.], [4., 6.]]]', target: '[[0, 0], [1, 1]]' },
    options: { weight: '[1.0, 9.0]', label_smoothing: '0.1' },
  },
  { loss: 'nll_loss', tensors: { input: '[[2., 3., 1.], [3., 7., 9.]]', target: '[1, 2]' }, options: { reduction: 'sum' } },
  { loss: 'mse_loss', tensors: { input: '[2.5, 0.0, 2.0, 8.0]', target: '[3.0, -0.5, 2.0, 7.0]' }, options: { reduction: 'none' } },
  { loss: 'smooth_l1_loss', tensors: { input: '[2.5, 0.0, 2.0, 8.0]', target: '[3.0, -0.5, 2.0, 7.0]' }, options: { beta: '0.5' } },
  { loss: 'kl_div', tensors: { input: '[[-0.3567, -1.6094, -2.3026]]', target: '[[0.5, 0.3, 0.2]]' }, options: { reduction: 'batchmean' } },
  { loss: 'margin_ranking_loss', tensors: { input1: '[0.2, 0.9]', input2: '[0.5, 0.1]', target: '[1., -1.]' }, options: { margin: '0.3' } },
  { loss: 'sigmoid_focal_loss', tensors: { inputs: '[1.2, -0.4]', targets: '[1., 0.]' }, options: { reduction: 'mean' } },
];

describe('"Copy as PyTorch code" run in real PyTorch', () => {
  it.runIf(torch)('prints the value the calculator shows (this machine has PyTorch)', () => {
    const results = forms.map((form) => calculate(form, { maxElements: 1000 }));
    const script = results.map((result, index) => `print('--- ${index}')\n${result.code}`).join('\n');
    const output = execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' });
    const printed = output
      .split(/^--- \d+\n/m)
      .slice(1)
      .map((text) => text.trim());
    expect(printed).toEqual(results.map((result) => result.printed));
  });
});
