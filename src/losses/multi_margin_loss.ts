import * as l10n from '@vscode/l10n';
import { multiMarginShapes } from './shapes';
import { dtypeContract, kernel, knownEmpty, scalarType } from './promotion';
import { Tensor } from '../tensor/tensor';
import { classIndices } from './checks';
import { classWeight } from './classes';
import { LossError } from './errors';
import { REDUCTIONS, reduce, type Reduction } from './reduce';
import type { LossDefinition } from './types';

const NAME = 'multi_margin_loss';

export const multiMarginLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Multi-class margin (hinge)',
  tensors: [
    { name: 'input', contract: { space: 'logits', shapes: ['(C)', '(N, C)'], dtype: 'float', description: 'Scores, one per class.' } },
    { name: 'target', contract: { space: 'class-indices', shapes: ['()', '(N)'], dtype: 'int', description: 'Class indices in [0, C).' } },
  ],
  options: {
    p: { kind: 'number', default: 1, integer: true },
    margin: { kind: 'number', default: 1 },
    weight: { kind: 'tensor', default: null, contract: { space: 'values', shapes: ['(C)'], dtype: 'float', description: 'A weight for each class.' } },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
  },
  shapes: multiMarginShapes,
  // A float kernel (never run on an empty input), reading Long indices and a weight of the input's dtype.
  dtypes: dtypeContract(['input', 'target'], ({ args: { input, target, weight }, shapes }) => {
    if (knownEmpty(shapes.input)) return input!;
    kernel('multi_margin_loss_cpu_kernel', input!);
    scalarType(target, 'int');
    scalarType(weight, input!.dtype);
    return input!;
  }),
  formula: 'ℓₙ = (1/C) Σ_{c ≠ yₙ} w_{yₙ} · max(0, margin − x_{n,yₙ} + x_{n,c})^p',
  aliases: { torch: ['torch.nn.MultiMarginLoss', 'torch.nn.functional.multi_margin_loss'], keras: ['keras.losses.CategoricalHinge (similar)'] },
  compute({ input, target }, options, ctx) {
    const p = options.p as number;
    if (p !== 1 && p !== 2) throw new LossError('invalid-argument', l10n.t('multi_margin_loss: only p == 1 and p == 2 supported'));
    const x = input!.data;
    const shape = input!.shape;
    if (shape.length > 2 || (shape.length > 0 && shape[shape.length - 1] === 0)) {
      throw new LossError(
        'shape-mismatch',
        l10n.t('multi_margin_loss: Expected non-empty vector or matrix with optional 0-dim batch size, but got: [{0}]', shape.join(', ')),
      );
    }
    const classes = shape.length === 0 ? 1 : shape[shape.length - 1]!;
    const rows = shape.length === 2 ? shape[0]! : 1;
    const outShape = shape.length === 2 ? [rows] : [];
    if (target!.numel !== rows) {
      throw new LossError('shape-mismatch', l10n.t('multi_margin_loss: inconsistent target size, got: {0}', `[${target!.shape.join(', ')}]`));
    }
    const labels = classIndices(target!, 'target', NAME);
    const weight = classWeight(options.weight as Tensor | null, classes, NAME);
    const margin = options.margin as number;
    const losses = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      ctx.checkpoint(r * classes, rows * classes);
      const label = labels[r]!;
      if (label < 0 || label >= classes)
        throw new LossError('out-of-range', l10n.t('multi_margin_loss: target out of range (target {0}, {1} classes)', label, classes));
      const picked = x[r * classes + label]!;
      let total = 0;
      for (let c = 0; c < classes; c++) {
        if (c === label) continue;
        const z = margin - picked + x[r * classes + c]!;
        if (z > 0) {
          const h = p === 1 ? z : z * z;
          total += weight ? h * weight[label]! : h;
        }
      }
      losses[r] = total / classes;
    }
    ctx.step('per_sample', l10n.t('the margin violations of each sample, averaged over classes'), () => new Tensor(losses.slice(), outShape));
    return reduce(losses, outShape, options.reduction as Reduction);
  },
};
