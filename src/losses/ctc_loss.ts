import * as l10n from '@vscode/l10n';
import { ctcShapes } from './shapes';
import { dtypeContract, integral, kernel } from './promotion';
import { Tensor } from '../tensor/tensor';
import { classIndices } from './checks';
import { LossError } from './errors';
import { REDUCTIONS, sum, type Reduction } from './reduce';
import { exp, log1pExpNeg } from './fastmath';
import type { LossDefinition } from './types';

const NAME = 'ctc_loss';

/** log(e^a + e^b + e^c) without overflow, in PyTorch's order (subtract the largest first). */
function logSumExp3(a: number, b: number, c: number): number {
  let max = a;
  if (b > max) max = b;
  if (c > max) max = c;
  if (max === -Infinity) max = 0;
  return Math.log(Math.exp(a - max) + Math.exp(b - max) + Math.exp(c - max)) + max;
}

/**
 * log(e^a + e^b), PyTorch's `logSumExp3` with a term of e^−∞ (the larger taken out first), in
 * fewer operations: larger + log(1 + e^−d), d = |a − b|. Below d = 12 the log term is
 * `log1pExpNeg`'s table (within 2 ulp) where PyTorch calls exp twice and log once; up to 37 it is
 * e − e²/2 with e = e^−d < 6.2e-6 (the rest below 8e-17, under the rounding of 1 + e that PyTorch's
 * form has); from 37 on it is 0: e^−37 < 2^−53, so 1 + e rounds to 1 for PyTorch too. Two −∞ give
 * −∞, PyTorch's value; +∞ and nan take PyTorch's own formula. (The bounds are literals: module
 * constants are variables V8 reads back on every call once the bundle initialises modules lazily.)
 */
function logAddExp(a: number, b: number): number {
  const larger = a > b ? a : b;
  const difference = Math.abs(a - b);
  if (difference < 12) return larger + log1pExpNeg(difference);
  if (a === -Infinity && b === -Infinity) return -Infinity;
  if (difference < 37) {
    const e = exp(-difference);
    return larger + (e - 0.5 * e * e);
  }
  // A difference of 37 or more, or ∞ beside a finite larger: the larger alone.
  if (difference >= 37 && larger < Infinity) return larger;
  return logSumExp3(a, b, -Infinity);
}

/**
 * The forward variables log α_t(s) of sequence `b` (Graves et al. 2006, eq. 6–7) after its last
 * step, from `alpha` holding them at step 0, computed in `alpha` and `next` by turns; returns the
 * one that holds them. α_t(s) sums α_{t−1} at s, s − 1 and, where `skips[s]`, s − 2 (the three
 * terms PyTorch adds), then takes in the log-probability of l'(s) = `primes[s]` at step t.
 */
function forward(
  lp: Float64Array,
  batch: number,
  classes: number,
  b: number,
  length: number,
  width: number,
  primes: Int32Array,
  skips: Uint8Array,
  alpha: Float64Array,
  next: Float64Array,
): Float64Array {
  for (let t = 1; t < length; t++) {
    const row = (t * batch + b) * classes;
    next[0] = logAddExp(alpha[0]!, -Infinity) + lp[row + primes[0]!]!;
    for (let s = 1; s < width; s++) {
      const two = logAddExp(alpha[s]!, alpha[s - 1]!);
      next[s] = (skips[s] ? logAddExp(two, alpha[s - 2]!) : two) + lp[row + primes[s]!]!;
    }
    const previous = alpha;
    alpha = next;
    next = previous;
  }
  return alpha;
}

export const ctcLoss: LossDefinition = {
  name: NAME,
  framework: 'torch',
  title: 'Connectionist temporal classification (CTC)',
  tensors: [
    {
      name: 'log_probs',
      contract: {
        space: 'log-probabilities',
        shapes: ['(T, N, C)', '(T, C)'],
        dtype: 'float',
        description: 'Log-probabilities over the C labels (blank included) at each of T steps.',
      },
    },
    {
      name: 'targets',
      contract: {
        space: 'class-indices',
        shapes: ['(N, S)', '(sum(target_lengths))', '(S)'],
        dtype: 'int',
        description: 'Target label sequences, padded to S or concatenated; blank must not appear.',
      },
    },
    { name: 'input_lengths', contract: { space: 'lengths', shapes: ['(N)', '()'], dtype: 'int', description: 'Length of each input sequence, at most T.' } },
    { name: 'target_lengths', contract: { space: 'lengths', shapes: ['(N)', '()'], dtype: 'int', description: 'Length of each target sequence.' } },
  ],
  options: {
    blank: { kind: 'number', default: 0, integer: true },
    reduction: { kind: 'enum', values: REDUCTIONS, default: 'mean' },
    zero_infinity: { kind: 'boolean', default: false },
  },
  shapes: ctcShapes,
  // Integral lengths (bool is not), a float kernel; the targets are converted with `.to(kLong)`.
  dtypes: dtypeContract(['log_probs', 'targets', 'input_lengths', 'target_lengths'], ({ args }) => {
    integral(args.input_lengths!, l10n.t('input_lengths must be integral'));
    integral(args.target_lengths!, l10n.t('target_lengths must be integral'));
    return kernel('ctc_loss_cpu', args.log_probs!);
  }),
  formula: 'ℓₙ = −log Σ_{π ∈ B⁻¹(yₙ)} Π_t p_t(π_t)',
  aliases: { torch: ['torch.nn.CTCLoss', 'torch.nn.functional.ctc_loss'], keras: ['keras.losses.CTC'], optax: ['optax.ctc_loss'] },
  compute({ log_probs: logProbs, targets, input_lengths: inputLengths, target_lengths: targetLengths }, options, ctx) {
    const lp = logProbs!.data;
    const unbatched = logProbs!.ndim === 2;
    const steps = logProbs!.shape[0]!;
    const batch = unbatched ? 1 : logProbs!.shape[1]!;
    const classes = logProbs!.shape[unbatched ? 1 : 2]!;
    const blank = options.blank as number;
    if (blank < 0 || blank >= classes)
      throw new LossError('out-of-range', l10n.t('ctc_loss: blank must be in label range (blank {0}, {1} labels)', blank, classes));
    const inLengths = classIndices(inputLengths!, 'input_lengths', NAME);
    const tgtLengths = classIndices(targetLengths!, 'target_lengths', NAME);
    // PyTorch converts the targets with `.to(kLong)`: a float truncated toward zero, a bool 0 or 1.
    const labels = targets!.dtype === 'int' || targets!.weak ? classIndices(targets!, 'targets', NAME) : targets!.data.map(Math.trunc);
    if (targets!.ndim > 2 || targets!.ndim === 0)
      throw new LossError(
        'shape-mismatch',
        l10n.t(
          "Expected 1 to 2 dimensions, but got {0}-dimensional tensor for argument #2 'targets' (while checking arguments for ctc_loss_cpu)",
          targets!.ndim,
        ),
      );
    const padded = unbatched || targets!.ndim === 2;
    const offsets = new Array<number>(batch);
    if (padded) {
      const width = unbatched ? targets!.numel : targets!.shape[1]!;
      for (let b = 0; b < batch; b++) {
        offsets[b] = b * width;
        if (tgtLengths[b]! > width) {
          throw new LossError(
            'shape-mismatch',
            l10n.t(
              "Expected tensor to have size at least {0} at dimension 1, but got size {1} for argument #2 'targets' (while checking arguments for ctc_loss_cpu)",
              tgtLengths[b]!,
              width,
            ),
          );
        }
      }
    } else {
      let offset = 0;
      for (let b = 0; b < batch; b++) {
        offsets[b] = offset;
        offset += tgtLengths[b]!;
      }
      if (offset > labels.length) {
        throw new LossError('shape-mismatch', l10n.t('ctc_loss: the target lengths add up to {0}, but targets holds {1} labels.', offset, labels.length));
      }
    }
    const losses = new Float64Array(batch);
    for (let b = 0; b < batch; b++) {
      ctx.checkpoint(b, batch);
      const length = inLengths[b]!;
      const targetLength = tgtLengths[b]!;
      if (length > steps) {
        throw new LossError(
          'out-of-range',
          l10n.t('Expected input_lengths to have value at most {0}, but got value {1} (while checking arguments for ctc_loss_cpu)', steps, length),
        );
      }
      if (length < 0 || targetLength < 0) throw new LossError('out-of-range', l10n.t('ctc_loss: lengths must be non-negative.'));
      const target = labels.subarray(offsets[b]!, offsets[b]! + targetLength);
      for (const label of target) {
        if (label < 0 || label >= classes)
          throw new LossError('out-of-range', l10n.t('ctc_loss: target label {0} is out of range for {1} labels.', label, classes));
      }
      if (length === 0) {
        losses[b] = targetLength === 0 ? 0 : Infinity;
        continue;
      }
      // The extended target l' = (blank, y1, blank, y2, ..., yL, blank), of length 2L + 1, and
      // where a path may skip the blank before l'(s): where l'(s) is a label other than l'(s − 2).
      const width = 2 * targetLength + 1;
      const primes = new Int32Array(width).fill(blank);
      const skips = new Uint8Array(width);
      for (let s = 1; s < width; s += 2) {
        primes[s] = target[(s - 1) / 2]!;
        skips[s] = +(s > 1 && primes[s - 2] !== primes[s]);
      }
      const start = new Float64Array(width).fill(-Infinity);
      start[0] = lp[b * classes + blank]!;
      if (targetLength > 0) start[1] = lp[b * classes + primes[1]!]!;
      const alpha = forward(lp, batch, classes, b, length, width, primes, skips, start, new Float64Array(width));
      losses[b] = targetLength === 0 ? -alpha[0]! : -logAddExp(alpha[width - 1]!, alpha[width - 2]!);
    }
    if (options.zero_infinity) for (let b = 0; b < batch; b++) if (losses[b] === Infinity) losses[b] = 0;
    const outShape = unbatched ? [] : [batch];
    ctx.step('per_sequence', l10n.t('−log likelihood of each target sequence'), () => new Tensor(losses.slice(), outShape));
    switch (options.reduction as Reduction) {
      case 'none':
        return new Tensor(losses, outShape);
      case 'sum':
        return Tensor.scalar(sum(losses));
      case 'mean': {
        // Each sequence's loss is divided by its target length (at least 1), then averaged.
        const perLabel = losses.map((loss, b) => loss / Math.max(tgtLengths[b]!, 1));
        return Tensor.scalar(sum(perLabel) / batch);
      }
    }
  },
};
