import * as l10n from '@vscode/l10n';
import { multiLabelMarginShapes } from './shapes';
import { dtypeContract, kernel, scalarType } from './promotion';
import { Tensor } from '../tensor/tensor';
import { classIndices } from './checks';
import { LossError } from './errors';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'multilabel_margin_loss';

/**
 * Σ_{j ∈ labels} Σ_{c ∉ labels} max(0, 1 − (x[j] − x[c])) over the row at `base`, the labels being
 * those before the row's first −1, adding only the z = 1 − x[j] + x[c] above 0 as PyTorch does (a
 * nan z adds nothing). `open` marks the classes that are not labels (1) for the row; each z is
 * written into `pick` beside a 0 and read back where z > 0 and c is open, four at a time
 * (`elementwise.ts`): random scores would make a branch on z > 0 a coin toss.
 */
function labelMarginsRow(x: Float64Array, labels: Float64Array, base: number, classes: number, open: Int32Array, pick: Float64Array): number {
  open.fill(1);
  // The label list ends at the first −1; everything after it is padding.
  for (let k = 0; k < classes && labels[base + k]! >= 0; k++) open[labels[base + k]!] = 0;
  let total = 0;
  for (let k = 0; k < classes && labels[base + k]! >= 0; k++) {
    const picked = x[base + labels[base + k]!]!;
    let c = 0;
    for (const odd = classes & 3; c < odd; c++) {
      const z = 1 - picked + x[base + c]!;
      pick[1] = z;
      total += pick[+(z > 0) & open[c]!]!;
    }
    for (; c < classes; c += 4) {
      const z0 = 1 - picked + x[base + c]!;
      const z1 = 1 - picked + x[base + c + 1]!;
      const z2 = 1 - picked + x[base + c + 2]!;
      const z3 = 1 - picked + x[base + c + 3]!;
      pick[1] = z0;
      pick[3] = z1;
      pick[5] = z2;
      pick[7] = z3;
      const value0 = pick[+(z0 > 0) & open[c]!]!;
      const value1 = pick[2 + (+(z1 > 0) & open[c + 1]!)]!;
      const value2 = pick[4 + (+(z2 > 0) & open[c + 2]!)]!;
      const value3 = pick[6 + (+(z3 > 0) & open[c + 3]!)]!;
      total += value0 + value1 + (value2 + value3);
    }
  }
  return total;
}

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
    // PyTorch checks every target, the padding after a −1 included.
    for (let k = 0; k < labels.length; k++) {
      const label = labels[k]!;
      if (label < -1 || label >= classes)
        throw new LossError(
          'out-of-range',
          l10n.t("multilabel_margin_loss: argument #2 'target' is out of range: {0} is not a class index (0 to {1}) or −1", label, classes - 1),
        );
    }
    const open = new Int32Array(classes);
    const pick = new Float64Array(8);
    for (let r = 0; r < rows; r++) {
      ctx.checkpoint(r * classes, rows * classes);
      losses[r] = labelMarginsRow(x, labels, r * classes, classes, open, pick) / classes;
    }
    ctx.step('per_sample', l10n.t('the margin violations of each sample, averaged over classes'), () => new Tensor(losses.slice(), outShape));
    return reduce(losses, outShape, options.reduction as Reduction);
  },
};
