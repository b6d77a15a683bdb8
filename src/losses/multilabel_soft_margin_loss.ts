import * as l10n from '@vscode/l10n';
import { multiLabelSoftMarginShapes } from './shapes';
import { Tensor } from '../tensor/tensor';
import { broadcastFloats, expandOrThrow } from './checks';
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
  formula: 'ℓₙ = −(1/C) Σ_c w_c · ( y_{n,c} · log σ(x_{n,c}) + (1 − y_{n,c}) · log σ(−x_{n,c}) )',
  aliases: { torch: ['torch.nn.MultiLabelSoftMarginLoss', 'torch.nn.functional.multilabel_soft_margin_loss'] },
  compute({ input, target }, options, ctx) {
    const pair = broadcastFloats(input!, target!, ['input', 'target'], NAME);
    const weightTensor = options.weight as Tensor | null;
    const weight = weightTensor ? expandOrThrow(weightTensor, pair.shape, 'weight', NAME) : undefined;
    const classes = pair.shape[pair.shape.length - 1] ?? 1;
    const outShape = pair.shape.slice(0, -1);
    const rows = pair.a.length / Math.max(classes, 1);
    const losses = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      ctx.checkpoint(r * classes, pair.a.length);
      let total = 0;
      for (let c = 0; c < classes; c++) {
        const i = r * classes + c;
        const x = pair.a[i]!;
        const y = pair.b[i]!;
        const loss = -(y * logSigmoid(x) + (1 - y) * logSigmoid(-x));
        total += weight ? loss * weight[i]! : loss;
      }
      losses[r] = total / classes;
    }
    ctx.step('per_sample', l10n.t('the mean over labels of each sample'), () => new Tensor(losses.slice(), outShape));
    return reduce(losses, outShape, options.reduction as Reduction);
  },
};
