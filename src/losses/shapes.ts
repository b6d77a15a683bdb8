import * as l10n from '@vscode/l10n';

/**
 * Shape contracts: what each loss demands of the shapes of its tensors, declared once beside the
 * loss (`LossDefinition.shapes`) and read two ways. Their messages are PyTorch's words (translated
 * like the evaluator's other messages); the hints are LossLens's own. The evaluator checks concrete tensors with it
 * before computing (raising PyTorch's error, printing its warning); the analyzer checks the shapes
 * it inferred, where a dim may be a named symbol or unknown. A contract reports a fault only when
 * the shapes known prove it: unknown is silent.
 */

/** A dim as far as it is known: a size, a named symbol (`batch`, equal only to itself), or unknown. */
type SymDim = number | string | undefined;
/** A shape of known rank. */
export type SymShape = readonly SymDim[];
/** The shapes of a call's tensors by the loss's parameter names; absent: rank unknown. */
type SymShapes = Readonly<Record<string, SymShape | undefined>>;

interface ShapeFault {
  /** `error`: PyTorch raises; `warning`: PyTorch prints a warning and computes something else. */
  readonly severity: 'error' | 'warning';
  /** PyTorch's own words, with the sizes as far as they are known (`?` for unknown ones). */
  readonly message: string;
  /** The tensors involved, by parameter name; the first is the one to point at. */
  readonly tensors: readonly string[];
  /** What the shapes suggest was meant, when they say (the analyzer adds it to its message). */
  readonly hint?: string;
}

/** The dtypes of a call's tensors, where known: they can tell class indices from probabilities. */
type SymDtypes = Readonly<Record<string, 'float' | 'int' | 'bool' | undefined>>;

/** A loss's shape contract: its faults in the order PyTorch meets them (a warning, then at most one error). */
export type ShapeContract = (shapes: SymShapes, options: Readonly<Record<string, unknown>>, dtypes?: SymDtypes) => readonly ShapeFault[];

/** Whether two dims are the same size: `undefined` when that is not known. */
function sameDim(a: SymDim, b: SymDim): boolean | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'string' && a === b) return true;
  return undefined;
}

/** Whether two shapes are the same: false when the ranks or a pair of known sizes differ. */
function sameShapes(a: SymShape, b: SymShape): boolean | undefined {
  if (a.length !== b.length) return false;
  let known = true;
  for (let i = 0; i < a.length; i++) {
    const same = sameDim(a[i], b[i]);
    if (same === false) return false;
    if (same === undefined) known = false;
  }
  return known ? true : undefined;
}

const dimText = (dim: SymDim) => (dim === undefined ? '?' : String(dim));
/** `[4, 5]`, as PyTorch lists sizes. */
const sizeList = (shape: SymShape) => `[${shape.map(dimText).join(', ')}]`;
/** `(4, 5)`, as the analyzer's messages write shapes. */
export const tupleText = (shape: SymShape): string => `(${shape.map(dimText).join(', ')}${shape.length === 1 ? ',' : ''})`;
/** `torch.Size([4, 5])`. */
const torchSizeText = (shape: SymShape) => `torch.Size(${sizeList(shape)})`;

/**
 * PyTorch's broadcast error for `a` against `b` (`a` named first in the message), when two known
 * sizes that are not 1 meet in the same dim.
 */
function broadcastFault(a: SymShape, b: SymShape, tensors: readonly [string, string]): ShapeFault | undefined {
  const rank = Math.max(a.length, b.length);
  for (let i = 0; i < rank; i++) {
    const sizeA = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const sizeB = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (typeof sizeA === 'number' && typeof sizeB === 'number' && sizeA !== sizeB && sizeA !== 1 && sizeB !== 1) {
      return error(`The size of tensor a (${sizeA}) must match the size of tensor b (${sizeB}) at non-singleton dimension ${i}`, tensors);
    }
  }
  return undefined;
}

/** The shape `a` and `b` broadcast to, as far as it is known (the caller checked they can). */
export function broadcastShape(a: SymShape, b: SymShape): SymShape {
  const rank = Math.max(a.length, b.length);
  const shape: SymDim[] = [];
  for (let i = 0; i < rank; i++) {
    const sizeA = i < rank - a.length ? 1 : a[i - (rank - a.length)];
    const sizeB = i < rank - b.length ? 1 : b[i - (rank - b.length)];
    if (sizeA === 1) shape.push(sizeB);
    else if (sizeB === 1) shape.push(sizeA);
    else if (sameDim(sizeA, sizeB)) shape.push(sizeA);
    // A known size other than 1 is the result when the other side broadcasts at all.
    else shape.push(typeof sizeA === 'number' ? sizeA : typeof sizeB === 'number' ? sizeB : undefined);
  }
  return shape;
}

function error(message: string, tensors: readonly string[], hint?: string): ShapeFault {
  return { severity: 'error', message, tensors, ...(hint ? { hint } : {}) };
}

function warning(message: string, tensors: readonly string[], hint?: string): ShapeFault {
  return { severity: 'warning', message, tensors, ...(hint ? { hint } : {}) };
}

const faults = (...list: ReadonlyArray<ShapeFault | undefined>): ShapeFault[] => list.filter((fault): fault is ShapeFault => fault !== undefined);

/** An elementwise loss: its two tensors broadcast, `a` named first in PyTorch's message. */
export function broadcasting(a: string, b: string): ShapeContract {
  return (shapes) => {
    const x = shapes[a];
    const y = shapes[b];
    return x && y ? faults(broadcastFault(x, y, [a, b])) : [];
  };
}

/**
 * MSE, L1, Smooth L1, Huber: a target of another size is broadcast with a warning (an `(N, 1)`
 * input against an `(N,)` target becomes `(N, N)`), or not at all.
 */
export const regressionShapes: ShapeContract = ({ input, target }) => {
  if (!input || !target || sameShapes(input, target) !== false) return [];
  return faults(
    warning(
      l10n.t(
        'Using a target size ({0}) that is different to the input size ({1}). This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.',
        torchSizeText(target),
        torchSizeText(input),
      ),
      ['input', 'target'],
    ),
    broadcastFault(input, target, ['input', 'target']),
  );
};

/** Binary cross entropy on probabilities: the same size, or PyTorch raises (a deprecation turned error). */
export const sameSizeAsInput: ShapeContract = ({ input, target }) =>
  input && target && sameShapes(input, target) === false
    ? [
        error(
          l10n.t(
            'Using a target size ({0}) that is different to the input size ({1}) is deprecated. Please ensure they have the same size.',
            torchSizeText(target),
            torchSizeText(input),
          ),
          ['target', 'input'],
          multiLabelHint(input, target),
        ),
      ]
    : [];

/** BCE with logits and the focal loss: the same size, in their words. */
export function sameSize(input: string, target: string): ShapeContract {
  return (shapes) => {
    const x = shapes[input];
    const y = shapes[target];
    return x && y && sameShapes(x, y) === false
      ? [error(l10n.t('Target size ({0}) must be the same as input size ({1})', torchSizeText(y), torchSizeText(x)), [target, input], multiLabelHint(x, y))]
      : [];
  };
}

/** `(N,)` labels against `(N, C)` scores: one label per example, where the loss wants one per class. */
function multiLabelHint(input: SymShape, target: SymShape): string | undefined {
  if (input.length !== 2 || target.length !== 1 || sameDim(input[0], target[0]) === false) return undefined;
  if (input[1] === 1) return l10n.t("Squeeze the input's last dim (`.squeeze(-1)`), or give the target one: (N, 1).");
  if (typeof input[1] !== 'number') return undefined;
  return l10n.t(
    'The input has a score for each of {0} classes, so the target needs a 0/1 label for each class, shape (N, {0}); or give the input one column.',
    dimText(input[1]),
  );
}

/**
 * Cross entropy and NLL: class indices of the input's shape without its class dim (dim 1), or —
 * cross entropy only — class probabilities of the input's own shape. PyTorch tells them apart by
 * shape alone: a target of the input's shape holds probabilities, any other holds indices.
 */
export function classTargetShapes(loss: string, probabilities: boolean): ShapeContract {
  return ({ input, target }, _options, dtypes) => {
    if (!input) return [];
    if (input.length === 0) return [error(l10n.t('{0}: input must have at least one dimension (the classes), got a scalar.', loss), ['input'])];
    if (!target) return [];
    const same = sameShapes(input, target);
    // Probabilities when the shapes may be the same — unless the target is known to hold integers
    // (a class dim of 1 against `classes`: either way PyTorch refuses it).
    if (probabilities && (same === true || (same === undefined && dtypes?.target !== 'int'))) return [];
    // Class indices from here on.
    const hint = classIndexHint(input, target, probabilities);
    if (input.length === 1) {
      return target.length === 0
        ? []
        : [error(l10n.t('{0}: size mismatch (got input: {1}, target: {2})', loss, sizeList(input), sizeList(target)), ['target', 'input'], hint)];
    }
    if (input.length === 2) {
      if (target.length !== 1) {
        return [
          error(
            l10n.t('{0}: 0D or 1D target tensor expected, multi-target not supported (target shape {1}).', loss, sizeList(target)),
            ['target', 'input'],
            hint,
          ),
        ];
      }
      return sameDim(input[0], target[0]) === false
        ? [
            error(
              l10n.t('{0}: Expected input batch_size ({1}) to match target batch_size ({2}).', loss, dimText(input[0]), dimText(target[0])),
              ['target', 'input'],
              hint,
            ),
          ]
        : [];
    }
    const expected = [input[0], ...input.slice(2)];
    if (input.length === 4) {
      if (target.length !== 3) {
        return [
          error(
            l10n.t('{0}: only batches of spatial targets supported (3D tensors) but got targets of dimension: {1}', loss, target.length),
            ['target', 'input'],
            hint,
          ),
        ];
      }
      return sameShapes(expected, target) === false
        ? [error(l10n.t('{0}: size mismatch (got input: {1} , target: {2})', loss, sizeList(input), sizeList(target)), ['target', 'input'], hint)]
        : [];
    }
    return sameShapes(expected, target) === false
      ? [error(l10n.t('{0}: Expected target size {1}, got {2}.', loss, sizeList(expected), sizeList(target)), ['target', 'input'], hint)]
      : [];
  };
}

/** What a wrong class-index target most likely is. */
function classIndexHint(input: SymShape, target: SymShape, probabilities: boolean): string | undefined {
  const withoutClasses = [input[0], ...input.slice(2)];
  // (N, 1, H, W) against (N, C, H, W): a class dim of 1 kept.
  if (target.length === input.length && target[1] === 1 && sameShapes(withoutClasses, [target[0], ...target.slice(2)]) !== false) {
    return l10n.t('The target keeps a class dim of size 1: squeeze it (`.squeeze(1)`) to get class indices of shape {0}.', tupleText(withoutClasses));
  }
  // (N, d, 1) against (N, C, d): a trailing dim of 1.
  if (target.length === input.length && target[target.length - 1] === 1 && sameShapes(withoutClasses, target.slice(0, -1)) !== false) {
    return l10n.t('The target has a trailing dim of size 1: squeeze it (`.squeeze(-1)`) to get class indices of shape {0}.', tupleText(withoutClasses));
  }
  // Class probabilities for another number of classes.
  if (probabilities && target.length === input.length && sameDim(input[1], target[1]) === false) {
    return l10n.t(
      'A target of the input’s rank is read as class probabilities, which need the input’s shape: it has {0} classes where the input has {1}.',
      dimText(target[1]),
      dimText(input[1]),
    );
  }
  return undefined;
}

/** Triplet margin loss: three tensors of one rank, anchor broadcast against positive and negative. */
export const tripletShapes: ShapeContract = ({ anchor, positive, negative }) => {
  if (!anchor || !positive || !negative) return [];
  if (anchor.length !== positive.length || positive.length !== negative.length) {
    return [
      error(l10n.t('All inputs should have same dimension but got {0}D, {1}D and {2}D inputs.', anchor.length, positive.length, negative.length), [
        anchor.length === positive.length ? 'negative' : 'positive',
        'anchor',
      ]),
    ];
  }
  return faults(broadcastFault(anchor, positive, ['anchor', 'positive']) ?? broadcastFault(anchor, negative, ['anchor', 'negative']));
};

/** Cosine embedding loss: a target of rank 0 or 1; a 1-D target with 2-D inputs of its length. */
export const cosineEmbeddingShapes: ShapeContract = ({ input1, input2, target }) => {
  if (!target) return [];
  if (target.length > 1) {
    return [
      error(l10n.t('0D or 1D target tensor expected, multi-target not supported'), ['target'], l10n.t('Give one ±1 label per pair: a target of shape (N,).')),
    ];
  }
  if (!input1 || !input2) return [];
  const expected = target.length + 1;
  if (input1.length !== expected || input2.length !== expected) {
    return [
      error(
        l10n.t(
          '{0}D target tensor expects {1}D input tensors, but found inputs with sizes [{2}] and [{3}].',
          target.length,
          expected,
          input1.map(dimText).join(', '),
          input2.map(dimText).join(', '),
        ),
        ['input1', 'input2'],
      ),
    ];
  }
  const pair = broadcastFault(input1, input2, ['input1', 'input2']);
  if (pair) return [pair];
  return target.length === 1 ? faults(broadcastFault(target, [broadcastShape(input1, input2)[0]], ['target', 'input1'])) : [];
};

/** Margin ranking loss: three tensors of one rank, broadcast together. */
export const marginRankingShapes: ShapeContract = ({ input1, input2, target }) => {
  if (!input1 || !input2 || !target) return [];
  if (input1.length !== input2.length || input1.length !== target.length) {
    return [
      error(
        l10n.t(
          'margin_ranking_loss : All input tensors should have same dimension but got sizes: input1: {0}, input2: {1}, target: {2}',
          torchSizeText(input1),
          torchSizeText(input2),
          torchSizeText(target),
        ),
        [input1.length === target.length ? 'input2' : input2.length === target.length ? 'input1' : 'target', 'input1', 'input2'],
      ),
    ];
  }
  return faults(broadcastFault(input1, input2, ['input1', 'input2']) ?? broadcastFault(broadcastShape(input1, input2), target, ['input1', 'target']));
};

/**
 * Soft margin: `neg_out(output, input).mul_(target)`, in place, so the target broadcasts to the
 * input's shape and no further.
 */
export const softMarginShapes: ShapeContract = ({ input, target }) => {
  if (!input || !target) return [];
  const fault = broadcastFault(input, target, ['input', 'target']);
  if (fault) return [fault];
  const shape = broadcastShape(input, target);
  return sameShapes(shape, input) === false
    ? [error(l10n.t("output with shape {0} doesn't match the broadcast shape {1}", sizeList(input), sizeList(shape)), ['target', 'input'])]
    : [];
};

/** Multi-label soft margin: a 0/1 target per class, broadcast against the `(N, C)` input. */
export const multiLabelSoftMarginShapes: ShapeContract = ({ input, target }) => {
  if (!input || !target) return [];
  const fault = broadcastFault(target, input, ['target', 'input']);
  return fault ? [{ ...fault, ...(multiLabelHint(input, target) ? { hint: multiLabelHint(input, target) } : {}) }] : [];
};

/** Multi-class margin: one class index per row of a vector or matrix input. */
export const multiMarginShapes: ShapeContract = ({ input, target }) => {
  if (!input || !target || input.length > 2) return [];
  const rows = input.length === 2 ? input[0] : 1;
  const badRank = target.length > 1;
  const badRows = target.length === 1 && sameDim(target[0], rows) === false;
  return badRank || badRows ? [error(l10n.t('multi_margin_loss: inconsistent target size, got: {0}', sizeList(target)), ['target', 'input'])] : [];
};

/** Multi-label margin: a target of the input's shape (class indices, -1 padded). */
export const multiLabelMarginShapes: ShapeContract = ({ input, target }) =>
  input && target && input.length <= 2 && sameShapes(input, target) === false
    ? [error(l10n.t("multilabel_margin_loss: inconsistent size {0} for argument #2 'target'", sizeList(target)), ['target', 'input'])]
    : [];

/** Gaussian NLL: input and target broadcast; the variance has the input's shape, or one dim fewer, or a last dim of 1. */
export const gaussianShapes: ShapeContract = ({ input, target, var: variance }) => {
  if (!input) return [];
  const pair = target ? broadcastFault(input, target, ['input', 'target']) : undefined;
  if (pair) return [pair];
  if (!variance) return [];
  const same = sameShapes(variance, input);
  if (same !== false) return [];
  const leading = input.slice(0, -1);
  const homoscedastic =
    (variance.length === leading.length && sameShapes(variance, leading) !== false) ||
    (variance.length === input.length && variance[variance.length - 1] === 1 && sameShapes(variance.slice(0, -1), leading) !== false);
  return homoscedastic ? [] : [error(l10n.t('var is of incorrect size'), ['var', 'input'])];
};

/** CTC: `(T, N, C)` (or unbatched `(T, C)`) log-probabilities, and one length per sequence. */
export const ctcShapes: ShapeContract = ({ log_probs: logProbs, input_lengths: inputLengths, target_lengths: targetLengths }) => {
  if (!logProbs) return [];
  if (logProbs.length !== 2 && logProbs.length !== 3) {
    // PyTorch reads any rank but 3 as unbatched and adds a batch dim before checking: hence rank + 1.
    return [
      error(
        l10n.t(
          "Expected 3-dimensional tensor, but got {0}-dimensional tensor for argument #1 'log_probs' (while checking arguments for ctc_loss_cpu)",
          logProbs.length + 1,
        ),
        ['log_probs'],
        l10n.t('log_probs must be (T, N, C), or (T, C) for one sequence.'),
      ),
    ];
  }
  const batch = logProbs.length === 2 ? 1 : logProbs[1];
  const entries = (shape: SymShape | undefined): SymDim => (!shape ? undefined : shape.length === 0 ? 1 : shape.length === 1 ? shape[0] : undefined);
  for (const [name, shape] of [
    ['input_lengths', inputLengths],
    ['target_lengths', targetLengths],
  ] as const) {
    const count = entries(shape);
    if (sameDim(count, batch) === false) {
      return [
        error(
          l10n.t('{0} must be of size batch_size', name),
          [name, 'log_probs'],
          l10n.t('The batch has {0} sequences; `{1}` has {2} entries.', dimText(batch), name, dimText(count)),
        ),
      ];
    }
  }
  return [];
};

/** Keras' binary and categorical cross entropies: `y_true` of `y_pred`'s shape (at least rank 1 for the categorical one). */
export function kerasSameShape(loss: string, rankOne: boolean): ShapeContract {
  return ({ y_true: target, y_pred: output }) => {
    if (rankOne && output && output.length < 1) return [error(l10n.t('{0}: Arguments `target` and `output` must be at least rank 1.', loss), ['y_pred'])];
    if (!target || !output || sameShapes(target, output) !== false) return [];
    return [
      error(
        l10n.t(
          '{0}: Arguments `target` and `output` must have the same shape. Received: target.shape=({1}), output.shape=({2})',
          loss,
          target.map(dimText).join(', '),
          output.map(dimText).join(', '),
        ),
        ['y_true', 'y_pred'],
      ),
    ];
  };
}

/** Keras' sparse categorical cross entropy: labels of `y_pred`'s shape without its last dim (or with it as 1). */
export const kerasSparseShapes: ShapeContract = ({ y_true: target, y_pred: output }) => {
  const loss = 'sparse_categorical_crossentropy';
  if (!output) return [];
  if (output.length < 1) return [error(l10n.t('{0}: Argument `output` must be at least rank 1.', loss), ['y_pred'])];
  if (!target) return [];
  const labels = target.length === output.length && target[target.length - 1] === 1 ? target.slice(0, -1) : target;
  return sameShapes(labels, output.slice(0, -1)) === false
    ? [
        error(
          l10n.t(
            '{0}: Arguments `target` and `output` must have the same shape up until the last dimension: target.shape=({1}), output.shape=({2})',
            loss,
            target.map(dimText).join(', '),
            output.map(dimText).join(', '),
          ),
          ['y_true', 'y_pred'],
        ),
      ]
    : [];
};

/** TensorFlow.js's losses: labels and predictions of one shape, or `assertShapesMatch` throws. */
export function tfjsSameShape(loss: string, labels: string, predictions: string): ShapeContract {
  return (shapes) => {
    const a = shapes[labels];
    const b = shapes[predictions];
    if (!a || !b || sameShapes(a, b) !== false) return [];
    return [error(l10n.t('Error in {0}:  Shapes {1} and {2} must match', loss, a.map(dimText).join(','), b.map(dimText).join(',')), [predictions, labels])];
  };
}
