import * as l10n from '@vscode/l10n';
import { multiLabelSoftMarginShapes } from './shapes';
import { INT_SCALAR, dtypeContract, floating, kernel, sub } from './promotion';
import { Tensor } from '../tensor/tensor';
import { broadcastFloats, expandOrThrow } from './checks';
import { LossError } from './errors';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'multilabel_soft_margin_loss';

/** log σ(z) = min(z, 0) − log(1 + e^(−|z|)): exact for large |z| of either sign. */
function logSigmoid(z: number): number {
  return Math.min(z, 0) - Math.log1p(Math.exp(-Math.abs(z)));
}

export const multilabelSoftMarginLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Multi-label soft margin',
  tensors: [
    { name: 'input', contract: { space: 'logits', shapes: ['(C)', '(N, C)'], dtype: 'float', description: 'Raw scores, one per label.' } },
    { name: 'target', contract: { space: 'probabilities', shapes: ['same as input'], dtype: 'float', description: '1 where a label applies, 0 where not.' } },
  ],
  options: {
    weight: { kind: 'tensor', default: null, contract: { space: 'values', shapes: ['(C)'], dtype: 'float', description: 'A weight for each label.' } },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: multiLabelSoftMarginShapes,
  // −(target · logsigmoid(input) + (1 − target) · logsigmoid(−input)); any weight multiplies.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target } }) => {
    kernel('log_sigmoid_cpu', input!);
    sub(INT_SCALAR, target!);
    return floating(input!);
  }),
  formula: 'ℓₙ = −(1/C) Σ_c w_c · ( y_{n,c} · log σ(x_{n,c}) + (1 − y_{n,c}) · log σ(−x_{n,c}) )',
  aliases: { torch: ['torch.nn.MultiLabelSoftMarginLoss', 'torch.nn.functional.multilabel_soft_margin_loss'] },
  compute({ input, target }, options, ctx) {
    // As PyTorch 1.13 writes it: the elementwise loss over the broadcast shape, summed over
    // dim `input.dim() − 1` of that shape and divided by the input's size there — so a target
    // with an extra leading dim moves the sum to another axis, as in PyTorch.
    if (input!.shape.length === 0) throw new LossError('shape-mismatch', l10n.t('Dimension specified as -1 but tensor has no dimensions'));
    const pair = broadcastFloats(input!, target!);
    const weightTensor = options.weight as Tensor | null;
    const weight = weightTensor ? expandOrThrow(weightTensor, pair.shape, 'weight', NAME) : undefined;
    const classDim = input!.shape.length - 1;
    const classes = input!.shape[classDim]!;
    const size = pair.shape[classDim]!;
    const inner = pair.shape.slice(classDim + 1).reduce((n, d) => n * d, 1);
    const outer = pair.shape.slice(0, classDim).reduce((n, d) => n * d, 1);
    const outShape = pair.shape.filter((_, axis) => axis !== classDim);
    const losses = new Float64Array(outer * inner);
    for (let o = 0; o < outer; o++) {
      ctx.checkpoint(o * size * inner, pair.a.length);
      for (let k = 0; k < inner; k++) {
        let total = 0;
        for (let c = 0; c < size; c++) {
          const i = (o * size + c) * inner + k;
          const x = pair.a[i]!;
          const y = pair.b[i]!;
          const loss = -(y * logSigmoid(x) + (1 - y) * logSigmoid(-x));
          total += weight ? loss * weight[i]! : loss;
        }
        losses[o * inner + k] = total / classes;
      }
    }
    ctx.step('per_sample', l10n.t('the mean over labels of each sample'), () => new Tensor(losses.slice(), outShape));
    return reduce(losses, outShape, options.reduction as Reduction);
  },
};
