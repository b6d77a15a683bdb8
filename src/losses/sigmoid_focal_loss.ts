import * as l10n from '@vscode/l10n';
import { sameSize } from './shapes';
import { dtypeContract, logitsSteps } from './promotion';
import { Tensor } from '../tensor/tensor';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'sigmoid_focal_loss';

export const sigmoidFocalLoss: LossDefinition = {
  name: NAME,
  framework: 'torchvision',
  title: 'Sigmoid focal loss',
  tensors: [
    {
      name: 'inputs',
      aliases: ['input'],
      contract: { space: 'logits', shapes: ['(*)'], dtype: 'float', description: 'Raw scores (logits) for each element.' },
    },
    {
      name: 'targets',
      aliases: ['target'],
      contract: { space: 'probabilities', shapes: ['(*), same as inputs'], dtype: 'float', description: '1 for the positive class, 0 for the negative.' },
    },
  ],
  options: {
    alpha: { kind: 'number', default: 0.25 },
    gamma: { kind: 'number', default: 2 },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'none' },
  },
  shapes: sameSize('inputs', 'targets'),
  // sigmoid(inputs), then binary_cross_entropy_with_logits(inputs, targets).
  dtypes: dtypeContract(['inputs', 'targets'], ({ args: { inputs, targets } }) => logitsSteps(inputs!, targets!, undefined)),
  formula: 'ℓₙ = α_t · (1 − p_t)^γ · BCE(xₙ, yₙ),  p_t = σ(xₙ)·yₙ + (1 − σ(xₙ))·(1 − yₙ)',
  aliases: {
    torch: ['torchvision.ops.sigmoid_focal_loss'],
    keras: ['keras.losses.BinaryFocalCrossentropy(from_logits=True)'],
    optax: ['optax.sigmoid_focal_loss'],
  },
  compute({ inputs, targets }, options, ctx) {
    const x = inputs!.data;
    const y = targets!.data;
    const alpha = options.alpha as number;
    const gamma = options.gamma as number;
    const losses = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      if ((i & 0xffff) === 0) ctx.checkpoint(i, x.length);
      const xi = x[i]!;
      const yi = y[i]!;
      const p = 1 / (1 + Math.exp(-xi));
      const m = xi < 0 ? -xi : 0;
      const ce = (1 - yi) * xi + m + Math.log(Math.exp(-m) + Math.exp(-xi - m));
      const pt = p * yi + (1 - p) * (1 - yi);
      // (1 − p_t)^γ down-weights the examples the model already gets right.
      let loss = ce * (1 - pt) ** gamma;
      if (alpha >= 0) loss *= alpha * yi + (1 - alpha) * (1 - yi);
      losses[i] = loss;
    }
    ctx.step('elementwise', l10n.t('α_t · (1 − p_t)^γ · BCE for each element'), () => new Tensor(losses.slice(), inputs!.shape));
    return reduce(losses, inputs!.shape, options.reduction as Reduction);
  },
};
