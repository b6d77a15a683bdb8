import * as l10n from '@vscode/l10n';
import { multiLabelMarginShapes } from './shapes';
import { dtypeContract, kernel, scalarType } from './promotion';
import { Tensor } from '../tensor/tensor';
import { classIndices } from './checks';
import { LossError } from './errors';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'multilabel_margin_loss';

export const multilabelMarginLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Multi-label margin (hinge)',
  tensors: [
    { name: 'input', contract: { space: 'logits', shapes: ['(C)', '(N, C)'], dtype: 'float', description: 'Scores, one per label.' } },
    {
      name: 'target',
      contract: {
        space: 'class-indices',
        shapes: ['same as input'],
        dtype: 'int',
        description: 'The indices of the labels that apply, padded with −1 after the last one.',
      },
    },
  ],
  options: { reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' } },
  shapes: multiLabelMarginShapes,
  // A float kernel reading Long indices.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target } }) => {
    kernel('multilabel_margin_loss_forward_out_frame', input!);
    scalarType(target, 'int');
    return input!;
  }),
  formula: 'ℓₙ = (1/C) Σ_{j ∈ yₙ} Σ_{c ∉ yₙ} max(0, 1 − (x_{n,j} − x_{n,c}))',
  aliases: { torch: ['torch.nn.MultiLabelMarginLoss', 'torch.nn.functional.multilabel_margin_loss'] },
  compute({ input, target }, options, ctx) {
    const x = input!.data;
    const shape = input!.shape;
    if (shape.length > 2 || (shape.length > 0 && shape[shape.length - 1] === 0)) {
      throw new LossError(
        'shape-mismatch',
        l10n.t('multilabel_margin_loss: Expected non-empty vector or matrix with optional 0-dim batch size, but got: [{0}]', shape.join(', ')),
      );
    }
    const labels = classIndices(target!, 'target', NAME);
    const classes = shape.length === 0 ? 1 : shape[shape.length - 1]!;
    const rows = shape.length === 2 ? shape[0]! : 1;
    const outShape = shape.length === 2 ? [rows] : [];
    const losses = new Float64Array(rows);
    const isTarget = new Uint8Array(classes);
    // PyTorch checks every target, the padding after a −1 included.
    for (const label of labels) {
      if (label < -1 || label >= classes)
        throw new LossError(
          'out-of-range',
          l10n.t("multilabel_margin_loss: argument #2 'target' is out of range: {0} is not a class index (0 to {1}) or −1", label, classes - 1),
        );
    }
    for (let r = 0; r < rows; r++) {
      ctx.checkpoint(r * classes, rows * classes);
      isTarget.fill(0);
      const base = r * classes;
      // The label list ends at the first −1; everything after it is padding.
      for (let k = 0; k < classes; k++) {
        const label = labels[base + k]!;
        if (label < 0) break;
        isTarget[label] = 1;
      }
      let total = 0;
      for (let k = 0; k < classes; k++) {
        const label = labels[base + k]!;
        if (label < 0) break;
        const picked = x[base + label]!;
        for (let c = 0; c < classes; c++) {
          if (isTarget[c]) continue;
          const z = 1 - picked + x[base + c]!;
          if (z > 0) total += z;
        }
      }
      losses[r] = total / classes;
    }
    ctx.step('per_sample', l10n.t('the margin violations of each sample, averaged over classes'), () => new Tensor(losses.slice(), outShape));
    return reduce(losses, outShape, options.reduction as Reduction);
  },
};
