import * as l10n from '@vscode/l10n';
import { broadcasting } from './shapes';
import { Tensor } from '../tensor/tensor';
import { broadcastFloats } from './checks';
import { elementwiseLoss } from './elementwise';
import { sum } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'kl_div';

export const klDiv: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Kullback–Leibler divergence',
  tensors: [
    {
      name: 'input',
      contract: { space: 'log-probabilities', shapes: ['(*)'], dtype: 'float', description: 'Log-probabilities of the model (log_softmax output).' },
    },
    {
      name: 'target',
      contract: {
        space: 'probabilities',
        shapes: ['(*), same as input'],
        dtype: 'float',
        description: 'Target probabilities (log-probabilities with log_target=True).',
      },
    },
  ],
  options: {
    reduction: { kind: 'enum', values: ['mean', 'batchmean', 'sum', 'none'], default: 'mean' },
    log_target: { kind: 'boolean', default: false },
  },
  shapes: broadcasting('target', 'input'),
  formula: 'ℓₙ = yₙ · (log yₙ − xₙ)',
  aliases: {
    torch: ['torch.nn.KLDivLoss', 'torch.nn.functional.kl_div'],
    keras: ['keras.losses.KLDivergence'],
    optax: ['optax.kl_divergence'],
  },
  compute({ input, target }, options, ctx) {
    const pair = broadcastFloats(input!, target!, ['input', 'target'], NAME);
    const reduction = options.reduction as string;
    if (reduction === 'mean') {
      ctx.warn(
        l10n.t(
          "reduction: 'mean' divides the total loss by both the batch size and the support size.'batchmean' divides only by the batch size, and aligns with the KL div math definition.'mean' will be changed to behave the same as 'batchmean' in the next major release.",
        ),
      );
    }
    // xlogy(y, y) is 0 where y is 0: a class the target gives no mass adds nothing.
    const formula = options.log_target ? (x: number, y: number) => Math.exp(y) * (y - x) : (x: number, y: number) => (y === 0 ? 0 : y * Math.log(y)) - y * x;
    const elementwise = elementwiseLoss(pair.shape, pair.a, pair.b, formula, 'none', ctx, {
      id: 'elementwise',
      title: l10n.t('y · (log y − x) for each element'),
    });
    switch (reduction) {
      case 'none':
        return elementwise;
      case 'sum':
        return Tensor.scalar(sum(elementwise.data));
      case 'batchmean':
        return Tensor.scalar(input!.shape.length === 0 ? sum(elementwise.data) : sum(elementwise.data) / input!.shape[0]!);
      default:
        return Tensor.scalar(sum(elementwise.data) / elementwise.numel);
    }
  },
};
