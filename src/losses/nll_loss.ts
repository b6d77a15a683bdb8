import * as l10n from '@vscode/l10n';
import { classTargetShapes } from './shapes';
import { dtypeContract, nllSteps } from './promotion';
import { Tensor } from '../tensor/tensor';
import { classLayout, classWeight, indexTarget } from './classes';
import { Accumulator, REDUCTIONS, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'nll_loss';

export const nllLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Negative log likelihood',
  tensors: [
    {
      name: 'input',
      contract: {
        space: 'log-probabilities',
        shapes: ['(C)', '(N, C)', '(N, C, d1, ..., dk)'],
        dtype: 'float',
        description: 'Log-probabilities per class, as log_softmax produces them.',
      },
    },
    {
      name: 'target',
      contract: { space: 'class-indices', shapes: ['()', '(N)', '(N, d1, ..., dk)'], dtype: 'int', description: 'Class indices in [0, C).' },
    },
  ],
  options: {
    weight: {
      kind: 'tensor',
      default: null,
      contract: { space: 'values', shapes: ['(C)'], dtype: 'float', description: 'A rescaling weight for each class.' },
    },
    ignore_index: { kind: 'number', default: -100, integer: true },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: classTargetShapes(NAME, false),
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target, weight }, shapes, options }) =>
    nllSteps(input!, target!, weight, shapes.input, options.reduction),
  ),
  formula: 'ℓₙ = −w_{yₙ} · x_{n,yₙ}',
  aliases: { torch: ['torch.nn.NLLLoss', 'torch.nn.functional.nll_loss'] },
  compute({ input, target }, options, ctx) {
    const x = input!.data;
    const layout = classLayout(input!);
    const weight = classWeight(options.weight as Tensor | null, layout.classes, NAME);
    const ignoreIndex = options.ignore_index as number;
    const indices = indexTarget(target!, layout, NAME, ignoreIndex);
    const { batch, classes, spatial } = layout;
    const count = batch * spatial;
    const losses = new Float64Array(count);
    const total = new Accumulator();
    const weights = new Accumulator();
    for (let n = 0; n < batch; n++) {
      ctx.checkpoint(n * spatial, count);
      for (let s = 0; s < spatial; s++) {
        const i = n * spatial + s;
        const label = indices[i]!;
        if (label === ignoreIndex) continue;
        const w = weight ? weight[label]! : 1;
        losses[i] = -w * x[n * classes * spatial + label * spatial + s]!;
        total.add(losses[i]!);
        weights.add(w);
      }
    }
    ctx.step('picked', l10n.t('−w[y] · input[y]: the loss of each element (ignored targets are 0)'), () => new Tensor(losses.slice(), layout.outShape));
    switch (options.reduction as Reduction) {
      case 'none':
        return new Tensor(losses, layout.outShape);
      case 'sum':
        return Tensor.scalar(total.value);
      case 'mean':
        // Divided by the summed weights of the elements that count, not by their number.
        return Tensor.scalar(total.value / weights.value);
    }
  },
};
