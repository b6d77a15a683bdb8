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

/**
 * Σ_{c ≠ label} w · max(0, margin − x[label] + x[c])^p over the row of `x` at `base`, adding only the
 * z = margin − x[label] + x[c] above 0 as PyTorch does (a nan z adds nothing). Each term is written
 * into `pick` beside a 0 and read back where z > 0 and c ≠ label, four at a time (`elementwise.ts`):
 * random scores would make a branch on z > 0 a coin toss. w·z^p is computed for every z, so a 0 is
 * read back, never multiplied, where PyTorch skips (an infinite weight times 0 would be nan).
 */
function marginRow(
  x: Float64Array,
  base: number,
  classes: number,
  label: number,
  margin: number,
  squared: boolean,
  weight: number,
  pick: Float64Array,
): number {
  const picked = x[base + label]!;
  let total = 0;
  let c = 0;
  for (const odd = classes & 3; c < odd; c++) {
    const z = margin - picked + x[base + c]!;
    pick[1] = (squared ? z * z : z) * weight;
    total += pick[+(z > 0) & +(c !== label)]!;
  }
  for (; c < classes; c += 4) {
    const z0 = margin - picked + x[base + c]!;
    const z1 = margin - picked + x[base + c + 1]!;
    const z2 = margin - picked + x[base + c + 2]!;
    const z3 = margin - picked + x[base + c + 3]!;
    pick[1] = (squared ? z0 * z0 : z0) * weight;
    pick[3] = (squared ? z1 * z1 : z1) * weight;
    pick[5] = (squared ? z2 * z2 : z2) * weight;
    pick[7] = (squared ? z3 * z3 : z3) * weight;
    const value0 = pick[+(z0 > 0) & +(c !== label)]!;
    const value1 = pick[2 + (+(z1 > 0) & +(c + 1 !== label))]!;
    const value2 = pick[4 + (+(z2 > 0) & +(c + 2 !== label))]!;
    const value3 = pick[6 + (+(z3 > 0) & +(c + 3 !== label))]!;
    total += value0 + value1 + (value2 + value3);
  }
  return total;
}

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
    const pick = new Float64Array(8);
    for (let r = 0; r < rows; r++) {
      ctx.checkpoint(r * classes, rows * classes);
      const label = labels[r]!;
      if (label < 0 || label >= classes)
        throw new LossError('out-of-range', l10n.t('multi_margin_loss: target out of range (target {0}, {1} classes)', label, classes));
      losses[r] = marginRow(x, r * classes, classes, label, margin, p === 2, weight ? weight[label]! : 1, pick) / classes;
    }
    ctx.step('per_sample', l10n.t('the margin violations of each sample, averaged over classes'), () => new Tensor(losses.slice(), outShape));
    return reduce(losses, outShape, options.reduction as Reduction);
  },
};
