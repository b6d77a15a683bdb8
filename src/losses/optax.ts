import * as l10n from '@vscode/l10n';
import { broadcastShapes, expandTo } from '../tensor/broadcast';
import { sameShape, Tensor, type Shape } from '../tensor/tensor';
import { LossError } from './errors';
import { checkpointRows, lastAxis } from './keras';
import { tupleText } from './shapes';
import { huber } from './elementwise';
import type { LossContext, LossDefinition, OptionSpec, TensorContract } from './types';

/**
 * optax's losses (`optax.losses.*`, also `optax.*`), from their documented formulas: no
 * reduction, so each gives the loss of each example (the cross entropies, over the last axis) or
 * of each element; the caller takes the mean. Shapes broadcast as `jnp` broadcasts them.
 */

const TITLE_SUFFIX = ' (optax)';

/** The values of a float argument: optax's `chex.assert_type(..., float)` refuses integer arrays. */
function floats(tensor: Tensor, argument: string, loss: string): Float64Array {
  if (tensor.dtype !== 'float' && !tensor.weak)
    throw new LossError(
      'dtype-mismatch',
      l10n.t('{0}: {1} must be a floating-point array, got {2}', loss, argument, tensor.dtype === 'int' ? 'int32' : 'bool'),
    );
  return tensor.data;
}

/** Two arrays broadcast against each other, or jax's error. */
function broadcast(a: Tensor, b: Tensor, names: readonly [string, string], loss: string): { shape: number[]; a: Float64Array; b: Float64Array } {
  const x = floats(a, names[0], loss);
  const y = floats(b, names[1], loss);
  if (sameShape(a.shape, b.shape)) return { shape: [...a.shape], a: x, b: y };
  const result = broadcastShapes(a.shape, b.shape);
  if ('mismatch' in result)
    throw new LossError('shape-mismatch', l10n.t('{0}: Incompatible shapes for broadcasting: shapes=[{1}, {2}]', loss, tupleText(a.shape), tupleText(b.shape)));
  return { shape: result.shape, a: expandTo(x, a.shape, result.shape), b: expandTo(y, b.shape, result.shape) };
}

function steps(ctx: LossContext, losses: Float64Array, shape: Shape, title: string): Tensor {
  ctx.step('per_sample', title, () => new Tensor(losses.slice(), shape));
  return new Tensor(losses, shape);
}

const contract = (space: TensorContract['space'], shapes: string, description: string): TensorContract => ({
  space,
  shapes: [shapes],
  dtype: 'float',
  description,
});

/** What an optax loss of two arrays is, apart from how it computes. */
interface Spec {
  readonly name: string;
  readonly title: string;
  readonly formula: string;
  readonly tensors: readonly [string, string];
  readonly contracts: readonly [TensorContract, TensorContract];
  readonly options?: Readonly<Record<string, OptionSpec>>;
  readonly stepTitle: () => string;
}

/**
 * The definition of an optax loss of two arrays broadcast together; `losses` computes it from
 * their values and broadcast shape, and gives the shape of what it computed.
 */
function definition(
  spec: Spec,
  losses: (a: Float64Array, b: Float64Array, shape: Shape, options: Readonly<Record<string, unknown>>, ctx: LossContext) => [Float64Array, Shape],
): LossDefinition {
  const [first, second] = spec.tensors;
  const name = `optax.${spec.name}`;
  return {
    name,
    framework: 'optax',
    title: spec.title + TITLE_SUFFIX,
    tensors: [
      { name: first, aliases: ['input'], contract: spec.contracts[0] },
      { name: second, aliases: ['target'], contract: spec.contracts[1] },
    ],
    options: spec.options ?? {},
    formula: spec.formula,
    aliases: { optax: [name, `optax.losses.${spec.name}`] },
    compute(tensors, options, ctx) {
      const { shape, a, b } = broadcast(tensors[first]!, tensors[second]!, spec.tensors, name);
      const [values, outShape] = losses(a, b, shape, options, ctx);
      return steps(ctx, values, outShape, spec.stepTitle());
    },
  };
}

/** An optax loss applied to each element of two broadcast arrays. */
function elementwise(spec: Spec & { readonly term: (a: number, b: number, options: Readonly<Record<string, unknown>>) => number }): LossDefinition {
  return definition(spec, (a, b, shape, options, ctx) => {
    const losses = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      checkpointRows(ctx, i, a.length);
      losses[i] = spec.term(a[i]!, b[i]!, options);
    }
    return [losses, shape];
  });
}

/** log σ(x), without overflow on either side. */
function logSigmoid(x: number): number {
  return -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
}

/** An optax loss over the last axis of two broadcast arrays: one value per row. */
function rowwise(
  spec: Spec & { readonly row: (a: Float64Array, b: Float64Array, start: number, width: number, options: Readonly<Record<string, unknown>>) => number },
): LossDefinition {
  return definition(spec, (a, b, shape, options, ctx) => {
    const { rows, width, outShape } = lastAxis(shape);
    const losses = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      checkpointRows(ctx, r, rows);
      losses[r] = spec.row(a, b, r * width, width, options);
    }
    return [losses, outShape];
  });
}

/** log Σ exp over one row, shifted by its maximum. */
function logSumExp(x: Float64Array, start: number, width: number): number {
  let max = -Infinity;
  for (let c = 0; c < width; c++) max = Math.max(max, x[start + c]!);
  if (!Number.isFinite(max)) return max;
  let sum = 0;
  for (let c = 0; c < width; c++) sum += Math.exp(x[start + c]! - max);
  return max + Math.log(sum);
}

const LOGITS = contract('logits', '(..., C)', 'Raw scores (no softmax), classes on the last axis.');

export const optaxSoftmaxCrossEntropy = rowwise({
  name: 'softmax_cross_entropy',
  title: 'Softmax cross entropy',
  formula: 'ℓ = −Σ_c y_c · log softmax(x)_c  (over the last axis)',
  tensors: ['logits', 'labels'],
  contracts: [LOGITS, contract('probabilities', '(..., C), same as logits', 'Class probabilities (one-hot or soft), classes on the last axis.')],
  row: (x, y, start, width) => {
    const normalizer = logSumExp(x, start, width);
    let total = 0;
    for (let c = 0; c < width; c++) total -= y[start + c]! * (x[start + c]! - normalizer);
    return total;
  },
  stepTitle: () => l10n.t('−Σ y · log softmax(x) of each example'),
});

export const optaxSoftmaxCrossEntropyWithIntegerLabels: LossDefinition = {
  name: 'optax.softmax_cross_entropy_with_integer_labels',
  framework: 'optax',
  title: 'Softmax cross entropy with integer labels' + TITLE_SUFFIX,
  tensors: [
    { name: 'logits', aliases: ['input'], contract: LOGITS },
    {
      name: 'labels',
      aliases: ['target'],
      contract: { space: 'class-indices', shapes: ['(...), logits without its last axis'], dtype: 'int', description: 'The class of each example, in [0, C).' },
    },
  ],
  options: {},
  formula: 'ℓ = log Σ_c e^(x_c) − x_y',
  aliases: { optax: ['optax.softmax_cross_entropy_with_integer_labels', 'optax.losses.softmax_cross_entropy_with_integer_labels'] },
  compute({ logits, labels }, _options, ctx) {
    const name = 'optax.softmax_cross_entropy_with_integer_labels';
    const x = floats(logits!, 'logits', name);
    const { rows, width, outShape } = lastAxis(logits!.shape);
    if (logits!.shape.length === 0 || !sameShape(labels!.shape, outShape))
      throw new LossError(
        'shape-mismatch',
        l10n.t('{0}: labels of shape {1} must have the shape of logits {2} without its last axis', name, tupleText(labels!.shape), tupleText(logits!.shape)),
      );
    if (labels!.dtype === 'float' && !labels!.weak) throw new LossError('dtype-mismatch', l10n.t('{0}: labels must be an integer array, got float32', name));
    const losses = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      checkpointRows(ctx, r, rows);
      const label = labels!.data[r]!;
      if (!Number.isInteger(label) || label < 0 || label >= width)
        throw new LossError('invalid-argument', l10n.t('{0}: label {1} is not a class in [0, {2})', name, String(label), width));
      losses[r] = logSumExp(x, r * width, width) - x[r * width + label]!;
    }
    return steps(ctx, losses, outShape, l10n.t('log Σ exp(x) − x[label] of each example'));
  },
};

export const optaxSigmoidBinaryCrossEntropy = elementwise({
  name: 'sigmoid_binary_cross_entropy',
  title: 'Sigmoid binary cross entropy',
  formula: 'ℓ = −y · log σ(x) − (1 − y) · log σ(−x)',
  tensors: ['logits', 'labels'],
  contracts: [contract('logits', '(*)', 'Raw scores (no sigmoid).'), contract('probabilities', '(*), broadcast with logits', 'Labels in [0, 1].')],
  term: (x, y) => -y * logSigmoid(x) - (1 - y) * logSigmoid(-x),
  stepTitle: () => l10n.t('the loss of each score'),
});

const PREDICTIONS = contract('values', '(*)', 'Predictions.');
const TARGETS = contract('values', '(*), broadcast with predictions', 'Targets.');

export const optaxL2Loss = elementwise({
  name: 'l2_loss',
  title: 'L2 loss',
  formula: 'ℓ = ½ · (p − t)²',
  tensors: ['predictions', 'targets'],
  contracts: [PREDICTIONS, TARGETS],
  term: (p, t) => 0.5 * (p - t) * (p - t),
  stepTitle: () => l10n.t('½ (p − t)² for each element'),
});

export const optaxSquaredError = elementwise({
  name: 'squared_error',
  title: 'Squared error',
  formula: 'ℓ = (p − t)²',
  tensors: ['predictions', 'targets'],
  contracts: [PREDICTIONS, TARGETS],
  term: (p, t) => (p - t) * (p - t),
  stepTitle: () => l10n.t('(p − t)² for each element'),
});

export const optaxHuberLoss = elementwise({
  name: 'huber_loss',
  title: 'Huber loss',
  formula: 'ℓ = ½·min(|p − t|, δ)² + δ·(|p − t| − min(|p − t|, δ)),  δ = 1',
  tensors: ['predictions', 'targets'],
  contracts: [PREDICTIONS, TARGETS],
  options: { delta: { kind: 'number', default: 1 } },
  term: (p, t, options) => huber(Math.abs(p - t), options.delta as number),
  stepTitle: () => l10n.t('the Huber loss of each element'),
});

export const optaxLogCosh = elementwise({
  name: 'log_cosh',
  title: 'Log-cosh',
  formula: 'ℓ = log cosh(p − t)',
  tensors: ['predictions', 'targets'],
  contracts: [PREDICTIONS, TARGETS],
  // logaddexp(e, −e) − log 2, as optax computes it: no overflow for large errors.
  term: (p, t) => {
    const error = Math.abs(p - t);
    return error + Math.log1p(Math.exp(-2 * error)) - Math.LN2;
  },
  stepTitle: () => l10n.t('log cosh(p − t) for each element'),
});

export const optaxHingeLoss = elementwise({
  name: 'hinge_loss',
  title: 'Hinge loss',
  formula: 'ℓ = max(0, 1 − p · t)',
  tensors: ['predictor_outputs', 'targets'],
  contracts: [contract('scores', '(*)', 'Scores.'), contract('signs', '(*), broadcast with predictor_outputs', 'Targets −1 or 1.')],
  term: (p, t) => Math.max(0, 1 - p * t),
  stepTitle: () => l10n.t('max(0, 1 − p · t) for each element'),
});

export const optaxCosineDistance = rowwise({
  name: 'cosine_distance',
  title: 'Cosine distance',
  formula: 'ℓ = 1 − Σ p̂ · t̂,  v̂ = v / √max(Σ v², ε²)  (over the last axis)',
  tensors: ['predictions', 'targets'],
  contracts: [
    contract('embeddings', '(..., D)', 'Vectors on the last axis.'),
    contract('embeddings', '(..., D), broadcast with predictions', 'Vectors on the last axis.'),
  ],
  options: { epsilon: { kind: 'number', default: 0 } },
  row: (p, t, start, width, options) => {
    const epsilon = options.epsilon as number;
    let pp = 0;
    let tt = 0;
    for (let c = 0; c < width; c++) {
      pp += p[start + c]! * p[start + c]!;
      tt += t[start + c]! * t[start + c]!;
    }
    const pNorm = Math.sqrt(Math.max(pp, epsilon * epsilon));
    const tNorm = Math.sqrt(Math.max(tt, epsilon * epsilon));
    let similarity = 0;
    for (let c = 0; c < width; c++) similarity += (p[start + c]! / pNorm) * (t[start + c]! / tNorm);
    return 1 - similarity;
  },
  stepTitle: () => l10n.t('1 − the cosine similarity of each example'),
});

export const optaxKlDivergence = rowwise({
  name: 'kl_divergence',
  title: 'Kullback–Leibler divergence',
  formula: 'ℓ = Σ_c t_c · (log t_c − log p_c)  (0 where t_c = 0, over the last axis)',
  tensors: ['log_predictions', 'targets'],
  contracts: [
    contract('log-probabilities', '(..., C)', 'Log-probabilities (log_softmax output), classes on the last axis.'),
    contract('probabilities', '(..., C), broadcast with log_predictions', 'Probabilities, classes on the last axis.'),
  ],
  row: (logP, t, start, width) => {
    let total = 0;
    for (let c = 0; c < width; c++) {
      const target = t[start + c]!;
      total += target * ((target === 0 ? 0 : Math.log(target)) - logP[start + c]!);
    }
    return total;
  },
  stepTitle: () => l10n.t('Σ t · (log t − log p) of each example'),
});
