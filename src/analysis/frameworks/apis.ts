import { TFJS_LOSSES, tfjsCanonical } from './tfjs';

/**
 * The PyTorch APIs the analyzer understands, by qualified name (after `canonical`): losses,
 * activations, layers, tensor factories. What is not listed here is unknown, and unknown is silent.
 */

/**
 * A table keyed by names that come from the user's code: no inherited keys, so `x.toString()` or
 * `import constructor` finds nothing here (an ordinary object would answer with its prototype's).
 */
function table<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

/** Other names of the same API: re-exports and aliases PyTorch keeps. */
const ALIASES: Readonly<Record<string, string>> = table({
  'torch.nn.functional.sigmoid': 'torch.sigmoid',
  'torch.nn.functional.tanh': 'torch.tanh',
  'torch.special.expit': 'torch.sigmoid',
  'torch.special.softmax': 'torch.softmax',
  'torch.special.log_softmax': 'torch.log_softmax',
});

/**
 * The one name the tables below use for an API: `torch.nn.modules.loss.BCELoss` is
 * `torch.nn.BCELoss`; `tensorflow.keras.layers.Dense`, `tf.keras.layers.core.Dense` and
 * `keras.src.layers.Dense` are `keras.layers.Dense`; `keras.models.Sequential` is `keras.Sequential`.
 */
export function canonical(qualified: string): string {
  if (qualified.startsWith('tfjs.')) return tfjsCanonical(qualified);
  const name = qualified
    .replace(/^torch\.nn\.modules\.[a-z_]+\./, 'torch.nn.')
    .replace(/^tensorflow\.(?:python\.)?keras\./, 'keras.')
    .replace(/^keras\.src\./, 'keras.')
    .replace(/^keras\.layers\.(?:core|activation|regularization)\./, 'keras.layers.')
    .replace(/^keras\.models\.(Sequential|Model)$/, 'keras.$1')
    // optax's losses from their own modules: `optax._src.loss`, `optax.losses._classification`.
    .replace(/^optax\.(?:_src\.loss|losses\._[a-z_]+)\./, 'optax.');
  return ALIASES[name] ?? name;
}

/**
 * Keras' cross entropies, as classes (`keras.losses.BinaryCrossentropy(from_logits=True)`),
 * functions (`keras.losses.binary_crossentropy`) and the strings `compile(loss=...)` accepts. What
 * they compute depends on `from_logits`: on logits they are the PyTorch loss on logits (and its
 * rules apply), on probabilities Keras' own.
 */
const KERAS_CROSS_ENTROPIES: Readonly<Record<string, 'binary' | 'categorical' | 'sparse'>> = table({
  'keras.losses.BinaryCrossentropy': 'binary',
  'keras.losses.binary_crossentropy': 'binary',
  'keras.losses.CategoricalCrossentropy': 'categorical',
  'keras.losses.categorical_crossentropy': 'categorical',
  'keras.losses.SparseCategoricalCrossentropy': 'sparse',
  'keras.losses.sparse_categorical_crossentropy': 'sparse',
  'keras.metrics.binary_crossentropy': 'binary',
  'keras.metrics.categorical_crossentropy': 'categorical',
  'keras.metrics.sparse_categorical_crossentropy': 'sparse',
});

/** The loss strings of `compile(loss=...)`, by the cross entropy they name. */
const KERAS_LOSS_STRINGS: Readonly<Record<string, 'binary' | 'categorical' | 'sparse'>> = table({
  binary_crossentropy: 'binary',
  BinaryCrossentropy: 'binary',
  categorical_crossentropy: 'categorical',
  CategoricalCrossentropy: 'categorical',
  sparse_categorical_crossentropy: 'sparse',
  SparseCategoricalCrossentropy: 'sparse',
});

/** The Keras cross entropy a qualified name or a `compile` string names, if any. */
export function kerasCrossEntropy(qualifiedOrString: string, isString: boolean): 'binary' | 'categorical' | 'sparse' | undefined {
  return isString ? KERAS_LOSS_STRINGS[qualifiedOrString] : KERAS_CROSS_ENTROPIES[qualifiedOrString];
}

/** Keras' cross entropies are classes: constructed, then applied as `loss_fn(y_true, y_pred)`. */
export function isKerasLossClass(qualified: string): boolean {
  return /^keras\.losses\.[A-Z]/.test(qualified) && KERAS_CROSS_ENTROPIES[qualified] !== undefined;
}

/**
 * The API of a Keras cross entropy with `from_logits` known: on logits the PyTorch loss on logits
 * (`binary_cross_entropy_with_logits`, `cross_entropy`), on probabilities Keras' own
 * (`binary_crossentropy` ...). Keras takes `(y_true, y_pred)`: the target first.
 */
export function kerasApi(kind: 'binary' | 'categorical' | 'sparse', fromLogits: boolean): LossApi {
  const loss = fromLogits
    ? kind === 'binary'
      ? 'binary_cross_entropy_with_logits'
      : 'cross_entropy'
    : kind === 'binary'
      ? 'binary_crossentropy'
      : kind === 'categorical'
        ? 'categorical_crossentropy'
        : 'sparse_categorical_crossentropy';
  return { loss, parameters: ['target', 'input'], keywords: { y_true: 'target', y_pred: 'input' }, framework: 'keras', keras: kind };
}

export interface LossApi {
  /** The evaluator's id: the PyTorch loss with the same semantics (the rules read it). */
  readonly loss: string;
  /**
   * The tensor arguments of the call that applies it, in positional order, by the evaluator's
   * names (`input`, `target` ...): the roles the rules read.
   */
  readonly parameters: readonly string[];
  /** Keyword names the code uses for a role, when they differ from it (`logits` is the `input`). */
  readonly keywords?: Readonly<Record<string, string>>;
  /**
   * Set for TensorFlow and JAX APIs: no PyTorch value (they reduce differently), and only the
   * rules whose reading is framework-neutral (the activation before the loss, argument order)
   * look at them.
   */
  readonly framework?: 'tensorflow' | 'jax' | 'keras' | 'tfjs';
  /** The API's with-logits counterpart, as the message names it (for LL001). */
  readonly withLogits?: string;
  /**
   * TensorFlow.js: the loss on logits that replaces this one, under the file's `tf` namespace
   * (`losses.sigmoidCrossEntropy`), for fixes.
   */
  readonly onLogits?: string;
  /** Which of Keras' cross entropies it is (Keras APIs only). */
  readonly keras?: 'binary' | 'categorical' | 'sparse';
  /** What the labels of a TensorFlow or optax cross entropy are: class indices (sparse) or one-hot rows. */
  readonly labels?: 'indices' | 'one-hot';
}

const PAIR = ['input', 'target'] as const;

/** Loss modules: constructed once, then applied as `criterion(input, target)`. */
export const LOSS_CLASSES: Readonly<Record<string, LossApi>> = table({
  'torch.nn.CrossEntropyLoss': { loss: 'cross_entropy', parameters: PAIR },
  'torch.nn.NLLLoss': { loss: 'nll_loss', parameters: PAIR },
  'torch.nn.BCELoss': { loss: 'binary_cross_entropy', parameters: PAIR },
  'torch.nn.BCEWithLogitsLoss': { loss: 'binary_cross_entropy_with_logits', parameters: PAIR },
  'torch.nn.MSELoss': { loss: 'mse_loss', parameters: PAIR },
  'torch.nn.L1Loss': { loss: 'l1_loss', parameters: PAIR },
  'torch.nn.SmoothL1Loss': { loss: 'smooth_l1_loss', parameters: PAIR },
  'torch.nn.HuberLoss': { loss: 'huber_loss', parameters: PAIR },
  'torch.nn.KLDivLoss': { loss: 'kl_div', parameters: PAIR },
  'torch.nn.PoissonNLLLoss': { loss: 'poisson_nll_loss', parameters: PAIR },
  'torch.nn.GaussianNLLLoss': { loss: 'gaussian_nll_loss', parameters: ['input', 'target', 'var'] },
  'torch.nn.HingeEmbeddingLoss': { loss: 'hinge_embedding_loss', parameters: PAIR },
  'torch.nn.SoftMarginLoss': { loss: 'soft_margin_loss', parameters: PAIR },
  'torch.nn.MultiLabelSoftMarginLoss': { loss: 'multilabel_soft_margin_loss', parameters: PAIR },
  'torch.nn.MultiMarginLoss': { loss: 'multi_margin_loss', parameters: PAIR },
  'torch.nn.MultiLabelMarginLoss': { loss: 'multilabel_margin_loss', parameters: PAIR },
  'torch.nn.MarginRankingLoss': { loss: 'margin_ranking_loss', parameters: ['input1', 'input2', 'target'] },
  'torch.nn.CosineEmbeddingLoss': { loss: 'cosine_embedding_loss', parameters: ['input1', 'input2', 'target'] },
  'torch.nn.TripletMarginLoss': { loss: 'triplet_margin_loss', parameters: ['anchor', 'positive', 'negative'] },
  'torch.nn.CTCLoss': { loss: 'ctc_loss', parameters: ['log_probs', 'targets', 'input_lengths', 'target_lengths'] },
});

const FOCAL: LossApi = { loss: 'sigmoid_focal_loss', parameters: ['inputs', 'targets'] };

/**
 * TensorFlow's losses on logits (TF2, TF1 and `tf.compat.v1`) and optax's, with the PyTorch loss
 * each computes per element. TF puts the labels first; optax the logits.
 */
const TF_LABELS_LOGITS = { parameters: ['target', 'input'], keywords: { labels: 'target', logits: 'input' }, framework: 'tensorflow' } as const;
const TF_SOFTMAX: LossApi = { loss: 'cross_entropy', ...TF_LABELS_LOGITS, labels: 'one-hot' };
const TF_SPARSE: LossApi = { loss: 'cross_entropy', ...TF_LABELS_LOGITS, labels: 'indices' };
const TF_SIGMOID: LossApi = { loss: 'binary_cross_entropy_with_logits', ...TF_LABELS_LOGITS };
const TF_WEIGHTED: LossApi = {
  loss: 'binary_cross_entropy_with_logits',
  parameters: ['target', 'input'],
  keywords: { labels: 'target', targets: 'target', logits: 'input' },
  framework: 'tensorflow',
};
const TF1_SOFTMAX: LossApi = {
  loss: 'cross_entropy',
  parameters: ['target', 'input'],
  keywords: { onehot_labels: 'target', logits: 'input' },
  framework: 'tensorflow',
  labels: 'one-hot',
};
const TF1_SPARSE: LossApi = TF_SPARSE;
const TF1_SIGMOID: LossApi = {
  loss: 'binary_cross_entropy_with_logits',
  parameters: ['target', 'input'],
  keywords: { multi_class_labels: 'target', logits: 'input' },
  framework: 'tensorflow',
};
const TF1_LOG_LOSS: LossApi = {
  loss: 'binary_cross_entropy',
  parameters: ['target', 'input'],
  keywords: { labels: 'target', predictions: 'input' },
  framework: 'tensorflow',
  withLogits: 'tf.compat.v1.losses.sigmoid_cross_entropy',
};
/** TensorFlow 1's other losses, labels first; valued with TensorFlow.js's kernels (the same `losses_impl`). */
const tf1 = (loss: string, keywords: Readonly<Record<string, string>> = { labels: 'target', predictions: 'input' }): LossApi => ({
  loss,
  parameters: ['target', 'input'],
  keywords,
  framework: 'tensorflow',
});
/** Names only TensorFlow 1 has under `tf.losses` (TF2's `tf.losses` is Keras's: `mean_squared_error` is both). */
const TF1_ONLY: Readonly<Record<string, LossApi>> = {
  absolute_difference: tf1('l1_loss'),
  huber_loss: tf1('huber_loss'),
  hinge_loss: tf1('hingeLoss', { labels: 'target', logits: 'input' }),
  cosine_distance: tf1('cosineDistance'),
};
const OPTAX_LOGITS_LABELS = { parameters: ['input', 'target'], keywords: { logits: 'input', labels: 'target' }, framework: 'jax' } as const;
const OPTAX_SOFTMAX: LossApi = { loss: 'cross_entropy', ...OPTAX_LOGITS_LABELS, labels: 'one-hot' };
const OPTAX_INTEGER: LossApi = { loss: 'cross_entropy', ...OPTAX_LOGITS_LABELS, labels: 'indices' };
const OPTAX_SIGMOID: LossApi = { loss: 'binary_cross_entropy_with_logits', ...OPTAX_LOGITS_LABELS };
/** optax's other losses: no PyTorch twin the rules read, so only their values (the evaluator's `optax.*`). */
const optaxOwn = (name: string, keywords: Readonly<Record<string, string>>): LossApi => ({
  loss: `optax.${name}`,
  parameters: ['input', 'target'],
  keywords,
  framework: 'jax',
});
const PREDICTIONS_TARGETS = { predictions: 'input', targets: 'target' } as const;
const OPTAX_OWN: Readonly<Record<string, LossApi>> = {
  l2_loss: optaxOwn('l2_loss', PREDICTIONS_TARGETS),
  squared_error: optaxOwn('squared_error', PREDICTIONS_TARGETS),
  huber_loss: optaxOwn('huber_loss', PREDICTIONS_TARGETS),
  log_cosh: optaxOwn('log_cosh', PREDICTIONS_TARGETS),
  cosine_distance: optaxOwn('cosine_distance', PREDICTIONS_TARGETS),
  hinge_loss: optaxOwn('hinge_loss', { predictor_outputs: 'input', targets: 'target' }),
  kl_divergence: optaxOwn('kl_divergence', { log_predictions: 'input', targets: 'target' }),
};

const TF_AND_OPTAX_LOSSES: Readonly<Record<string, LossApi>> = Object.fromEntries(
  Object.entries({
    'tensorflow.nn.softmax_cross_entropy_with_logits': TF_SOFTMAX,
    'tensorflow.nn.softmax_cross_entropy_with_logits_v2': TF_SOFTMAX,
    'tensorflow.nn.sparse_softmax_cross_entropy_with_logits': TF_SPARSE,
    'tensorflow.nn.sigmoid_cross_entropy_with_logits': TF_SIGMOID,
    'tensorflow.nn.weighted_cross_entropy_with_logits': TF_WEIGHTED,
    'tensorflow.compat.v1.nn.softmax_cross_entropy_with_logits': TF_SOFTMAX,
    'tensorflow.compat.v1.nn.softmax_cross_entropy_with_logits_v2': TF_SOFTMAX,
    'tensorflow.compat.v1.nn.sparse_softmax_cross_entropy_with_logits': TF_SPARSE,
    'tensorflow.compat.v1.nn.sigmoid_cross_entropy_with_logits': TF_SIGMOID,
    'tensorflow.compat.v1.nn.weighted_cross_entropy_with_logits': TF_WEIGHTED,
    'tensorflow.losses.softmax_cross_entropy': TF1_SOFTMAX,
    'tensorflow.losses.sparse_softmax_cross_entropy': TF1_SPARSE,
    'tensorflow.losses.sigmoid_cross_entropy': TF1_SIGMOID,
    'tensorflow.losses.log_loss': TF1_LOG_LOSS,
    'tensorflow.compat.v1.losses.softmax_cross_entropy': TF1_SOFTMAX,
    'tensorflow.compat.v1.losses.sparse_softmax_cross_entropy': TF1_SPARSE,
    'tensorflow.compat.v1.losses.sigmoid_cross_entropy': TF1_SIGMOID,
    'tensorflow.compat.v1.losses.log_loss': TF1_LOG_LOSS,
    'tensorflow.compat.v1.losses.mean_squared_error': tf1('mse_loss'),
    ...Object.fromEntries(
      Object.entries(TF1_ONLY).flatMap(([name, api]) => [
        [`tensorflow.losses.${name}`, api],
        [`tensorflow.compat.v1.losses.${name}`, api],
      ]),
    ),
    'optax.softmax_cross_entropy': OPTAX_SOFTMAX,
    'optax.softmax_cross_entropy_with_integer_labels': OPTAX_INTEGER,
    'optax.sigmoid_binary_cross_entropy': OPTAX_SIGMOID,
    'optax.losses.softmax_cross_entropy': OPTAX_SOFTMAX,
    'optax.losses.softmax_cross_entropy_with_integer_labels': OPTAX_INTEGER,
    'optax.losses.sigmoid_binary_cross_entropy': OPTAX_SIGMOID,
    ...Object.fromEntries(
      Object.entries(OPTAX_OWN).flatMap(([name, api]) => [
        [`optax.${name}`, api],
        [`optax.losses.${name}`, api],
      ]),
    ),
  }),
);

/** Functional losses: applied directly. */
export const LOSS_FUNCTIONS: Readonly<Record<string, LossApi>> = table({
  ...Object.fromEntries(Object.values(LOSS_CLASSES).map((api) => [`torch.nn.functional.${api.loss}`, api])),
  'torch.binary_cross_entropy_with_logits': LOSS_CLASSES['torch.nn.BCEWithLogitsLoss']!,
  'torch.kl_div': LOSS_CLASSES['torch.nn.KLDivLoss']!,
  'torch.nll_loss': LOSS_CLASSES['torch.nn.NLLLoss']!,
  'torchvision.ops.sigmoid_focal_loss': FOCAL,
  'torchvision.ops.focal_loss.sigmoid_focal_loss': FOCAL,
  ...TF_AND_OPTAX_LOSSES,
  ...TFJS_LOSSES,
});

export type ActivationKind = 'sigmoid' | 'softmax' | 'log_softmax' | 'logsigmoid';

/** What a rule can read besides losses: activation calls, and `log` calls (`torch.log(probs)`). */
export type CallKind = ActivationKind | 'log';

/** Functions taking a tensor (first argument) to an activation's output. */
export const ACTIVATION_FUNCTIONS: Readonly<Record<string, ActivationKind>> = table({
  'torch.sigmoid': 'sigmoid',
  'torch.softmax': 'softmax',
  'torch.nn.functional.softmax': 'softmax',
  'torch.log_softmax': 'log_softmax',
  'torch.nn.functional.log_softmax': 'log_softmax',
  'torch.nn.functional.logsigmoid': 'logsigmoid',
  // TensorFlow and JAX: their softmax works over the last axis unless told otherwise.
  'tensorflow.nn.softmax': 'softmax',
  'tensorflow.math.softmax': 'softmax',
  'tensorflow.nn.log_softmax': 'log_softmax',
  'tensorflow.math.log_softmax': 'log_softmax',
  'tensorflow.nn.sigmoid': 'sigmoid',
  'tensorflow.sigmoid': 'sigmoid',
  'tensorflow.math.sigmoid': 'sigmoid',
  'tensorflow.keras.activations.softmax': 'softmax',
  'tensorflow.keras.activations.sigmoid': 'sigmoid',
  'keras.activations.softmax': 'softmax',
  'keras.activations.sigmoid': 'sigmoid',
  'jax.nn.softmax': 'softmax',
  'jax.nn.log_softmax': 'log_softmax',
  'jax.nn.sigmoid': 'sigmoid',
  'jax.nn.log_sigmoid': 'logsigmoid',
  'flax.linen.softmax': 'softmax',
  'flax.linen.log_softmax': 'log_softmax',
  'flax.linen.sigmoid': 'sigmoid',
});

/** Logarithms, by the framework that spells them: `log` of a softmax or sigmoid output is LL008. */
export const LOG_FUNCTIONS: ReadonlySet<string> = new Set(['torch.log', 'tensorflow.math.log', 'tensorflow.log', 'jax.numpy.log', 'numpy.log', 'tfjs.log']);

/**
 * The stable log-activations of each framework, by the activation as written (its qualified name
 * before `canonical`): what `log(softmax(x))` and `log(sigmoid(x))` should be, how the message
 * names it, and — for a softmax whose name can simply be changed — the function to rename to.
 */
export function stableLog(
  written: string | undefined,
  kind: 'softmax' | 'sigmoid',
  method: 'python' | 'tfjs' | undefined,
): { readonly name: string; readonly rename?: string } {
  const framework =
    method ??
    (written?.startsWith('tfjs.')
      ? 'tfjs'
      : written?.startsWith('tensorflow.')
        ? 'tensorflow'
        : written?.startsWith('jax.') || written?.startsWith('flax.')
          ? 'jax'
          : 'torch');
  if (kind === 'softmax') {
    if (framework === 'tfjs') return { name: 'tf.logSoftmax', rename: 'logSoftmax' };
    if (framework === 'tensorflow') return { name: 'tf.nn.log_softmax', rename: 'log_softmax' };
    if (framework === 'jax') return { name: 'jax.nn.log_softmax', rename: 'log_softmax' };
    return { name: 'log_softmax', rename: 'log_softmax' };
  }
  if (framework === 'tfjs') return { name: 'tf.logSigmoid' };
  if (framework === 'tensorflow') return { name: 'tf.math.log_sigmoid' };
  if (framework === 'jax') return { name: 'jax.nn.log_sigmoid' };
  return { name: 'F.logsigmoid' };
}

/** The keyword naming the axis an activation function works over, by the framework that spells it. */
export function activationDimKeyword(qualified: string): string {
  return qualified.startsWith('torch.') ? 'dim' : 'axis';
}

/** Tensor methods that apply an activation: `x.sigmoid()`, `x.softmax(dim=1)`. */
export const ACTIVATION_METHODS: Readonly<Record<string, ActivationKind>> = table({
  sigmoid: 'sigmoid',
  softmax: 'softmax',
  log_softmax: 'log_softmax',
  // TensorFlow.js
  logSoftmax: 'log_softmax',
});

/** Activation modules: `nn.Sigmoid()`, `nn.Softmax(dim=1)`. */
export const ACTIVATION_MODULES: Readonly<Record<string, ActivationKind>> = table({
  'torch.nn.Sigmoid': 'sigmoid',
  'torch.nn.Softmax': 'softmax',
  'torch.nn.Softmax2d': 'softmax',
  'torch.nn.LogSoftmax': 'log_softmax',
  'torch.nn.LogSigmoid': 'logsigmoid',
});

/** Layers whose output is a raw score per unit: logits when nothing follows them. */
export const LINEAR_LAYERS: Readonly<Record<string, { outPosition: number; outKeyword: string; spatial: boolean }>> = table({
  'torch.nn.Linear': { outPosition: 1, outKeyword: 'out_features', spatial: false },
  'torch.nn.LazyLinear': { outPosition: 0, outKeyword: 'out_features', spatial: false },
  'torch.nn.Bilinear': { outPosition: 2, outKeyword: 'out_features', spatial: false },
  'torch.nn.Conv1d': { outPosition: 1, outKeyword: 'out_channels', spatial: true },
  'torch.nn.Conv2d': { outPosition: 1, outKeyword: 'out_channels', spatial: true },
  'torch.nn.Conv3d': { outPosition: 1, outKeyword: 'out_channels', spatial: true },
  'torch.nn.ConvTranspose1d': { outPosition: 1, outKeyword: 'out_channels', spatial: true },
  'torch.nn.ConvTranspose2d': { outPosition: 1, outKeyword: 'out_channels', spatial: true },
  'torch.nn.ConvTranspose3d': { outPosition: 1, outKeyword: 'out_channels', spatial: true },
  'torch.nn.LazyConv1d': { outPosition: 0, outKeyword: 'out_channels', spatial: true },
  'torch.nn.LazyConv2d': { outPosition: 0, outKeyword: 'out_channels', spatial: true },
  'torch.nn.LazyConv3d': { outPosition: 0, outKeyword: 'out_channels', spatial: true },
});

/** Layers that pass their input's meaning through unchanged. */
export const PASSTHROUGH_LAYERS: ReadonlySet<string> = new Set([
  'torch.nn.Dropout',
  'torch.nn.Dropout1d',
  'torch.nn.Dropout2d',
  'torch.nn.Dropout3d',
  'torch.nn.AlphaDropout',
  'torch.nn.Identity',
]);

/** Layers that keep the shape but not the meaning: after them the space is unknown. */
/**
 * Elementwise functions that keep their input's shape (and dtype), but not its meaning: what
 * comes out of a ReLU is neither logits nor probabilities, yet still `(N, C, H, W)`.
 */
export const SHAPE_PRESERVING_FUNCTIONS: ReadonlySet<string> = new Set([
  'torch.relu',
  'torch.nn.functional.relu',
  'torch.nn.functional.relu6',
  'torch.nn.functional.leaky_relu',
  'torch.nn.functional.gelu',
  'torch.nn.functional.silu',
  'torch.nn.functional.mish',
  'torch.nn.functional.elu',
  'torch.nn.functional.selu',
  'torch.nn.functional.celu',
  'torch.tanh',
  'torch.nn.functional.hardtanh',
  'torch.nn.functional.dropout',
  'torch.nn.functional.dropout2d',
]);

export const SHAPE_PRESERVING_LAYERS: ReadonlySet<string> = new Set([
  'torch.nn.ReLU',
  'torch.nn.ReLU6',
  'torch.nn.LeakyReLU',
  'torch.nn.PReLU',
  'torch.nn.GELU',
  'torch.nn.SiLU',
  'torch.nn.Mish',
  'torch.nn.ELU',
  'torch.nn.SELU',
  'torch.nn.CELU',
  'torch.nn.Tanh',
  'torch.nn.Hardtanh',
  'torch.nn.Softplus',
  'torch.nn.BatchNorm1d',
  'torch.nn.BatchNorm2d',
  'torch.nn.BatchNorm3d',
  'torch.nn.LayerNorm',
  'torch.nn.GroupNorm',
  'torch.nn.InstanceNorm1d',
  'torch.nn.InstanceNorm2d',
]);

/**
 * Tensor methods that keep the values (and so the space and dtype): device moves, copies, views,
 * conversions to NumPy and (TensorFlow.js) to nested arrays.
 */
export const VALUE_PRESERVING_METHODS: ReadonlySet<string> = new Set([
  'detach',
  'cpu',
  'cuda',
  'clone',
  'contiguous',
  'requires_grad_',
  'detach_',
  'numpy',
  'arraySync',
]);

/**
 * Activations whose outputs lie in an interval that is neither [0, 1] nor every number, by name,
 * with that interval (absent bounds are infinite; the lower bounds of the smooth ones rounded).
 * What they give is not probabilities: a loss that expects probabilities is wrong on them.
 */
export const RANGE_ACTIVATIONS: Readonly<Record<string, { readonly low?: number; readonly high?: number; readonly interval: string }>> = table({
  relu: { low: 0, interval: '[0, ∞)' },
  relu6: { low: 0, high: 6, interval: '[0, 6]' },
  softplus: { low: 0, interval: '(0, ∞)' },
  exp: { low: 0, interval: '(0, ∞)' },
  exponential: { low: 0, interval: '(0, ∞)' },
  elu: { low: -1, interval: '(-1, ∞)' },
  celu: { low: -1, interval: '(-1, ∞)' },
  selu: { low: -1.7581, interval: '(-1.76, ∞)' },
  gelu: { low: -0.17, interval: '[-0.17, ∞)' },
  silu: { low: -0.28, interval: '[-0.28, ∞)' },
  swish: { low: -0.28, interval: '[-0.28, ∞)' },
  mish: { low: -0.31, interval: '[-0.31, ∞)' },
  leaky_relu: { interval: '(-∞, ∞)' },
  prelu: { interval: '(-∞, ∞)' },
  tanh: { low: -1, high: 1, interval: '(-1, 1)' },
  hardtanh: { low: -1, high: 1, interval: '[-1, 1]' },
  softsign: { low: -1, high: 1, interval: '(-1, 1)' },
});

/** The range activations that never decrease, as functions: what they give is bounded by what they are given. */
const MONOTONE: Readonly<Record<string, (x: number) => number>> = table({
  relu: (x: number) => Math.max(0, x),
  relu6: (x: number) => Math.min(6, Math.max(0, x)),
  softplus: (x: number) => (x > 30 ? x : Math.log1p(Math.exp(x))),
  exp: Math.exp,
  exponential: Math.exp,
  elu: (x: number) => (x > 0 ? x : Math.expm1(x)),
  celu: (x: number) => (x > 0 ? x : Math.expm1(x)),
  selu: (x: number) => 1.0507 * (x > 0 ? x : 1.67326 * Math.expm1(x)),
  leaky_relu: (x: number) => (x > 0 ? x : 0.01 * x),
  tanh: Math.tanh,
  hardtanh: (x: number) => Math.min(1, Math.max(-1, x)),
  softsign: (x: number) => (Number.isFinite(x) ? x / (1 + Math.abs(x)) : Math.sign(x)),
});

/**
 * The interval a range activation's output lies in: its own (`RANGE_ACTIVATIONS`), narrowed by
 * bounds its arguments give (`nn.Hardtanh(0, 1)`, Keras's `ReLU(max_value=1.0)`) and, for one that
 * never decreases, by the interval of its input (`tanh(relu(x))` is in [0, 1)). Undefined for
 * `exp` of a value nothing bounds: `exp(-distance)` is common, and not known to leave [0, 1].
 */
export function activationInterval(
  fn: string,
  input: readonly [low: number | undefined, high: number | undefined] | undefined,
  given: { readonly low?: number; readonly high?: number } = {},
): [low: number, high: number] | undefined {
  const own = RANGE_ACTIVATIONS[fn];
  if (!own) return undefined;
  let low = given.low ?? own.low ?? -Infinity;
  let high = given.high ?? own.high ?? Infinity;
  const monotone = MONOTONE[fn];
  const known = input && (input[0] !== undefined || input[1] !== undefined);
  if ((fn === 'exp' || fn === 'exponential') && !known) return undefined;
  if (monotone && known) {
    low = Math.max(low, monotone(input[0] ?? -Infinity));
    high = Math.min(high, monotone(input[1] ?? Infinity));
  }
  return [low, high];
}

/** How an activation's interval is written (`[0, ∞)`) when `bounds` are its own, not narrowed. */
export function ownInterval(fn: string, [low, high]: readonly [number, number]): string | undefined {
  const own = RANGE_ACTIVATIONS[fn];
  return own && low === (own.low ?? -Infinity) && high === (own.high ?? Infinity) ? own.interval : undefined;
}

/** PyTorch's activation modules by the name of their function (`nn.LeakyReLU` is `leaky_relu`). */
const RANGE_MODULES: Readonly<Record<string, string>> = table({
  ReLU: 'relu',
  ReLU6: 'relu6',
  LeakyReLU: 'leaky_relu',
  PReLU: 'prelu',
  GELU: 'gelu',
  SiLU: 'silu',
  Mish: 'mish',
  ELU: 'elu',
  SELU: 'selu',
  CELU: 'celu',
  Tanh: 'tanh',
  Hardtanh: 'hardtanh',
  Softplus: 'softplus',
  Softsign: 'softsign',
});

/**
 * The range activation (see `RANGE_ACTIVATIONS`) a library function or module is:
 * `torch.nn.functional.relu`, `torch.relu`, `torch.nn.ReLU`, `tf.nn.relu`, `jax.nn.softplus`,
 * `keras.activations.tanh` are `relu`, `relu`, `relu`, `relu`, `softplus`, `tanh`.
 */
export function rangeActivation(qualified: string): string | undefined {
  const module = /^torch\.nn\.([A-Z]\w*)$/.exec(qualified)?.[1];
  if (module) return RANGE_MODULES[module];
  const fn =
    /^(?:torch|torch\.nn\.functional|tensorflow|tensorflow\.nn|tensorflow\.math|keras\.activations|jax\.nn|jax\.numpy|flax\.linen|numpy|tfjs)\.([a-z_0-9]+)$/.exec(
      qualified,
    )?.[1];
  return fn && RANGE_ACTIVATIONS[fn] ? fn : undefined;
}

/** Functions that bound values to an interval they are given: `torch.clamp(x, 0, 1)`, `tf.clip_by_value(x, 0., 1.)`. */
export const CLAMPS: ReadonlySet<string> = new Set([
  'torch.clamp',
  'torch.clip',
  'tensorflow.clip_by_value',
  'jax.numpy.clip',
  'numpy.clip',
  'tfjs.clipByValue',
]);

/** Tensor factories and the dtype they give by default. */
export const FACTORIES: Readonly<Record<string, 'float' | 'int'>> = table({
  'torch.randn': 'float',
  'torch.rand': 'float',
  'torch.zeros': 'float',
  'torch.ones': 'float',
  'torch.empty': 'float',
  'torch.randint': 'int',
  'torch.arange': 'int',
  'torch.full': 'float',
});

/** Tensors from literal data, with the dtype their constructor fixes (`undefined`: inferred from the data). */
export const TENSOR_CONSTRUCTORS: Readonly<Record<string, 'float' | 'int' | 'bool' | undefined>> = table({
  'torch.tensor': undefined,
  'torch.as_tensor': undefined,
  'torch.Tensor': 'float',
  'torch.FloatTensor': 'float',
  'torch.DoubleTensor': 'float',
  'torch.LongTensor': 'int',
  'torch.IntTensor': 'int',
  'torch.BoolTensor': 'bool',
  'numpy.array': undefined,
  'numpy.asarray': undefined,
  'jax.numpy.array': undefined,
  'jax.numpy.asarray': undefined,
  'tensorflow.constant': undefined,
  'tensorflow.convert_to_tensor': undefined,
});

export const DTYPE_NAMES: Readonly<Record<string, 'float' | 'int' | 'bool'>> = table({
  'torch.float': 'float',
  'torch.float32': 'float',
  'torch.float64': 'float',
  'torch.double': 'float',
  'torch.float16': 'float',
  'torch.half': 'float',
  'torch.bfloat16': 'float',
  'torch.long': 'int',
  'torch.int64': 'int',
  'torch.int': 'int',
  'torch.int32': 'int',
  'torch.int16': 'int',
  'torch.int8': 'int',
  'torch.uint8': 'int',
  'torch.bool': 'bool',
  // TensorFlow and NumPy dtypes, for labels made with `tf.random.uniform(..., dtype=tf.int32)`.
  'tensorflow.int32': 'int',
  'tensorflow.int64': 'int',
  'tensorflow.float32': 'float',
  'tensorflow.float64': 'float',
  'numpy.int32': 'int',
  'numpy.int64': 'int',
  'numpy.float32': 'float',
  'numpy.float64': 'float',
});

/**
 * How well LossLens's tables know a library name: 2 for a name they list (a loss, an activation,
 * a layer, a model container, a tensor factory), 1 for one of a family they read by its form (a
 * Keras layer: `keras.layers.Anything`), 0 for none. A name bound nowhere in a file that
 * star-imports several library modules (`from keras.layers import *`, `from keras.models import *`)
 * comes from the module that knows it best.
 */
export function knownName(qualified: string): 0 | 1 | 2 {
  const name = canonical(qualified);
  const listed =
    LOSS_CLASSES[name] !== undefined ||
    LOSS_FUNCTIONS[name] !== undefined ||
    KERAS_CROSS_ENTROPIES[name] !== undefined ||
    ACTIVATION_FUNCTIONS[name] !== undefined ||
    ACTIVATION_MODULES[name] !== undefined ||
    LINEAR_LAYERS[name] !== undefined ||
    PASSTHROUGH_LAYERS.has(name) ||
    SHAPE_PRESERVING_LAYERS.has(name) ||
    FACTORIES[name] !== undefined ||
    name in TENSOR_CONSTRUCTORS ||
    /^(?:keras\.(?:Sequential|Model|Input|layers\.(?:Dense|Activation|Softmax|Input)|applications\.\S+)|torch\.nn\.(?:Sequential|ModuleList|ModuleDict))$/.test(
      name,
    );
  if (listed) return 2;
  return /^keras\.layers\.[A-Z]\w*$/.test(name) ? 1 : 0;
}

/** Models known to end in a linear classifier: their outputs are logits. */
export function isLogitsModelFactory(qualified: string): boolean {
  return /^torchvision\.models\.(?!segmentation|detection|video\.|optical_flow|quantization)[a-z0-9_]+$/.test(qualified) || qualified === 'timm.create_model';
}

/** The last part of a dotted name: what the code spells at a call (`nn.BCELoss(` spells `BCELoss`). */
function lastName(qualified: string): string {
  return qualified.slice(qualified.lastIndexOf('.') + 1);
}

/**
 * Every name under which code can call a loss or an activation the rules read, as written at the
 * call (the last part of each qualified name, aliases included), with the activation it applies
 * (none for losses). The pre-parse scan looks for exactly these, so a table entry is never missed.
 */
export const CALLED_NAMES: ReadonlyMap<string, ActivationKind | undefined> = new Map<string, ActivationKind | undefined>([
  ...[...Object.keys(LOSS_CLASSES), ...Object.keys(LOSS_FUNCTIONS), ...Object.keys(KERAS_CROSS_ENTROPIES)].map((name) => [lastName(name), undefined] as const),
  // `model.compile(loss=...)`: a Keras model meets its loss there, and `model.fit(x, y)` its labels.
  ['compile', undefined],
  ['fit', undefined],
  ...Object.entries({ ...ACTIVATION_FUNCTIONS, ...ACTIVATION_MODULES }).map(([name, kind]) => [lastName(name), kind] as const),
  ...Object.entries(ACTIVATION_METHODS),
  ...Object.entries(ALIASES)
    .filter(([, target]) => ACTIVATION_FUNCTIONS[target] !== undefined)
    .map(([alias, target]) => [lastName(alias), ACTIVATION_FUNCTIONS[target]] as const),
]);

/** The names loss modules are constructed under (`BCELoss`), for finding where they are assigned. */
export const LOSS_CLASS_NAMES: ReadonlySet<string> = new Set(
  [...Object.keys(LOSS_CLASSES), ...Object.keys(KERAS_CROSS_ENTROPIES).filter(isKerasLossClass)].map(lastName),
);

/** Keras layers that pass their input's meaning through unchanged. */
export const KERAS_PASSTHROUGH_LAYERS: ReadonlySet<string> = new Set([
  'keras.layers.Dropout',
  'keras.layers.GaussianNoise',
  'keras.layers.ActivityRegularization',
]);

/** Keras layer activations by the name `activation=` takes (a string, or an activation function). */
export const KERAS_ACTIVATIONS: Readonly<Record<string, ActivationKind | 'linear'>> = table({
  sigmoid: 'sigmoid',
  softmax: 'softmax',
  log_softmax: 'log_softmax',
  linear: 'linear',
});
