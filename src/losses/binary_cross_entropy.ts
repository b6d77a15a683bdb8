import * as l10n from '@vscode/l10n';
import { sameSizeAsInput } from './shapes';
import { dtypeContract, floating, kernel, sameDtype } from './promotion';
import { Tensor } from '../tensor/tensor';
import { expandOrThrow } from './checks';
import { LossError } from './errors';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'binary_cross_entropy';

export const binaryCrossEntropy: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Binary cross entropy',
  tensors: [
    {
      name: 'input',
      contract: { space: 'probabilities', shapes: ['(*)'], dtype: 'float', description: 'Probabilities in [0, 1], as sigmoid produces them.' },
    },
    {
      name: 'target',
      contract: {
        space: 'probabilities',
        shapes: ['(*), same as input'],
        dtype: 'float',
        description: 'Targets in [0, 1] (usually 0 or 1), same shape as the input.',
      },
    },
  ],
  options: {
    weight: {
      kind: 'tensor',
      default: null,
      contract: { space: 'values', shapes: ['broadcastable to input'], dtype: 'float', description: 'A rescaling weight for each element.' },
    },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: sameSizeAsInput,
  // A TensorIterator without promotion (the target in the input's dtype), a float kernel; the weight multiplies.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target } }) => {
    sameDtype(target!, input!.dtype);
    kernel('binary_cross_entropy', input!);
    return floating(input!);
  }),
  formula: 'ℓₙ = −wₙ · ( yₙ · log xₙ + (1 − yₙ) · log(1 − xₙ) ),  each log clamped at −100',
  aliases: {
    torch: ['torch.nn.BCELoss', 'torch.nn.functional.binary_cross_entropy'],
    keras: ['keras.losses.BinaryCrossentropy(from_logits=False)'],
    tfjs: ['tf.losses.logLoss', "'binaryCrossentropy'"],
  },
  compute({ input, target }, options, ctx) {
    const x = input!.data;
    const y = target!.data;
    const weightTensor = options.weight as Tensor | null;
    const weight = weightTensor ? expandOrThrow(weightTensor, input!.shape, 'weight', NAME) : undefined;
    const losses = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      if ((i & 0xffff) === 0) ctx.checkpoint(i, x.length);
      const p = x[i]!;
      const t = y[i]!;
      if (!(p >= 0 && p <= 1)) {
        throw new LossError(
          'out-of-range',
          l10n.t(
            'binary_cross_entropy: all elements of input should be between 0 and 1 (found {0}). Apply a sigmoid first, or use binary_cross_entropy_with_logits on the raw scores.',
            p,
          ),
        );
      }
      // log(0) is −inf, and 0·(−inf) would be nan: PyTorch clamps both logs at −100 so a confident
      // wrong prediction costs 100, not infinity.
      const loss = (t - 1) * Math.max(Math.log1p(-p), -100) - t * Math.max(Math.log(p), -100);
      losses[i] = weight ? loss * weight[i]! : loss;
    }
    ctx.step('elementwise', l10n.t('−w · (y · log x + (1 − y) · log(1 − x)) for each element'), () => new Tensor(losses.slice(), input!.shape));
    return reduce(losses, input!.shape, options.reduction as Reduction);
  },
};
