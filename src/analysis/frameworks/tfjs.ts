import * as l10n from '@vscode/l10n';
import { parseTensor } from '../../tensor/parse';
import type { BoundModule } from '../engine/binder';
import type { Interpreter } from '../engine/interpreter';
import { fact, type Value } from '../engine/values';
import type { IrNode } from '../ir/node';
import { stringLiteral, type CallArguments } from '../ir/syntax';
import type { LossApi } from './apis';

/**
 * TensorFlow.js as a table: its API is Keras' and TensorFlow's under other names (the layers API
 * is Keras', with a configuration object for keyword arguments), so most of it is a name the
 * Keras and TensorFlow tables already know. The TypeScript / JavaScript front end imports the
 * `@tensorflow/tfjs*` packages as the module `tfjs`; `canonical` maps `tfjs.layers.dense` to
 * `keras.layers.Dense`, and the engine reads it from there.
 */
const SAME_AS: Readonly<Record<string, string>> = Object.freeze({
  'tfjs.sequential': 'keras.Sequential',
  'tfjs.model': 'keras.Model',
  'tfjs.input': 'keras.Input',
  'tfjs.layers.dense': 'keras.layers.Dense',
  'tfjs.layers.activation': 'keras.layers.Activation',
  'tfjs.layers.softmax': 'keras.layers.Softmax',
  'tfjs.layers.dropout': 'keras.layers.Dropout',
  'tfjs.layers.gaussianNoise': 'keras.layers.GaussianNoise',
  'tfjs.layers.activityRegularization': 'keras.layers.ActivityRegularization',
  'tfjs.softmax': 'tensorflow.nn.softmax',
  'tfjs.sigmoid': 'tensorflow.sigmoid',
  'tfjs.logSoftmax': 'tensorflow.nn.log_softmax',
  'tfjs.oneHot': 'tensorflow.one_hot',
  'tfjs.randomUniform': 'tensorflow.random.uniform',
});

/** The name the tables use for a TensorFlow.js API; any other layer is a Keras layer LossLens does not see into. */
export function tfjsCanonical(qualified: string): string {
  const same = SAME_AS[qualified];
  if (same) return same;
  const layer = /^tfjs\.layers\.([a-z]\w*)$/.exec(qualified);
  return layer ? `keras.layers.${layer[1]![0]!.toUpperCase()}${layer[1]!.slice(1)}` : qualified;
}

/** TensorFlow.js's own losses: labels first, as in TensorFlow. */
const LABELS_FIRST = { parameters: ['target', 'input'], framework: 'tfjs' } as const;
export const TFJS_LOSSES: Readonly<Record<string, LossApi>> = Object.freeze({
  'tfjs.losses.softmaxCrossEntropy': { loss: 'cross_entropy', ...LABELS_FIRST, keywords: { onehotLabels: 'target', logits: 'input' }, labels: 'one-hot' },
  'tfjs.losses.sigmoidCrossEntropy': { loss: 'binary_cross_entropy_with_logits', ...LABELS_FIRST, keywords: { multiClassLabels: 'target', logits: 'input' } },
  'tfjs.losses.logLoss': {
    loss: 'binary_cross_entropy',
    ...LABELS_FIRST,
    keywords: { labels: 'target', predictions: 'input' },
    withLogits: 'tf.losses.sigmoidCrossEntropy',
  },
  'tfjs.losses.meanSquaredError': { loss: 'mse_loss', ...LABELS_FIRST, keywords: { labels: 'target', predictions: 'input' } },
  'tfjs.losses.absoluteDifference': { loss: 'l1_loss', ...LABELS_FIRST, keywords: { labels: 'target', predictions: 'input' } },
  'tfjs.losses.huberLoss': { loss: 'huber_loss', ...LABELS_FIRST, keywords: { labels: 'target', predictions: 'input' } },
  'tfjs.losses.hingeLoss': { loss: 'hingeLoss', ...LABELS_FIRST, keywords: { labels: 'target', predictions: 'input' } },
  'tfjs.losses.cosineDistance': { loss: 'cosineDistance', ...LABELS_FIRST, keywords: { labels: 'target', predictions: 'input' } },
  'tfjs.metrics.binaryCrossentropy': tfjsCrossEntropy('binary'),
  'tfjs.metrics.categoricalCrossentropy': tfjsCrossEntropy('categorical'),
});

/** The loss strings TensorFlow.js's `compile({loss})` takes, all on probabilities. */
const TFJS_LOSS_STRINGS: Readonly<Record<string, 'binary' | 'categorical' | 'sparse'>> = Object.freeze({
  binaryCrossentropy: 'binary',
  categoricalCrossentropy: 'categorical',
  sparseCategoricalCrossentropy: 'sparse',
});

/** The names every TensorFlow.js finding starts from (a loss called, or given to `compile`). */
export const TFJS_LOSS_NAMES: readonly string[] = [
  ...Object.keys(TFJS_LOSSES).map((name) => name.slice(name.lastIndexOf('.') + 1)),
  ...Object.keys(TFJS_LOSS_STRINGS),
];

/** What a `compile({loss: '...'})` string names, when it is one of TensorFlow.js's cross entropies. */
export function tfjsCompileString(text: string): LossApi | undefined {
  const kind = TFJS_LOSS_STRINGS[text];
  return kind ? tfjsCrossEntropy(kind) : undefined;
}

/**
 * A Keras cross entropy as TensorFlow.js has it: on probabilities only (there is no `fromLogits`),
 * with the loss on logits that replaces it, where there is one (`tf.losses.sigmoidCrossEntropy`).
 */
function tfjsCrossEntropy(kind: 'binary' | 'categorical' | 'sparse'): LossApi {
  const loss = kind === 'binary' ? 'binary_crossentropy' : kind === 'categorical' ? 'categorical_crossentropy' : 'sparse_categorical_crossentropy';
  const onLogits = kind === 'binary' ? 'losses.sigmoidCrossEntropy' : kind === 'categorical' ? 'losses.softmaxCrossEntropy' : undefined;
  return {
    loss,
    parameters: ['target', 'input'],
    keywords: { yTrue: 'target', yPred: 'input' },
    framework: 'tfjs',
    keras: kind,
    ...(onLogits ? { withLogits: `tf.${onLogits}`, onLogits } : {}),
  };
}

/** The `compile` string of the other categorical cross entropy (one-hot ↔ class indices). */
export function tfjsCategoricalString(kind: 'categorical' | 'sparse'): string {
  return kind === 'sparse' ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy';
}

/** Methods of a model or layer that run it on their first argument. */
export const TFJS_RUN_METHODS: ReadonlySet<string> = new Set(['predict', 'predictOnBatch', 'apply', 'execute']);

/**
 * What calling a TensorFlow.js API gives where no Keras or TensorFlow name says it:
 * `tf.tensor1d(data, 'int32')` (the dtype is a string argument) and `tf.tidy(fn)` (what `fn` returns).
 */
export function tfjsCall(qualified: string, node: IrNode, args: CallArguments, interpreter: Interpreter, depth: number): Value | undefined {
  if (/^tfjs\.tensor(?:[1-6]d)?$/.test(qualified)) {
    // `tf.tensor(probs.arraySync())`: the values of a tensor, back in one.
    const held = args.positional[0] && args.positional[0].type !== 'list' ? interpreter.value(args.positional[0], depth) : undefined;
    if (held?.kind === 'tensor') return held;
    const dtype = args.positional.map((arg) => stringLiteral(arg)).find((text) => text !== undefined);
    const kind = dtype === 'int32' ? 'int' : dtype === 'bool' ? 'bool' : dtype ? 'float' : 'unknown';
    const evidence = [interpreter.evidence(node, kind === 'int' ? l10n.t('integer labels') : undefined)];
    // Numbers written in the code (`tf.tensor2d([[0, 1], [1, 0]])`): the evaluator reads them as they are written.
    const data = args.positional[0];
    const written =
      data?.type === 'list' && args.positional.slice(1).every((arg) => arg.type === 'string' || arg.type === 'list') ? writtenShape(data.text) : undefined;
    if (data && written) {
      return {
        kind: 'tensor',
        fact: { ...fact('unknown', { dtype: kind === 'unknown' ? 'float' : kind, origin: 'literal', evidence, shape: written }), literal: data.text },
      };
    }
    return { kind: 'tensor', fact: fact('unknown', { dtype: kind, evidence }) };
  }
  if (qualified === 'tfjs.tidy') {
    const fn = args.positional.find((arg) => arg.type === 'function_definition');
    return fn ? interpreter.callValue(interpreter.value(fn, depth), node, depth) : undefined;
  }
  return undefined;
}

/** The local name a file gives TensorFlow.js's namespace (`tf` in `import * as tf from '@tensorflow/tfjs'`), for fixes. */
export function tfjsNamespace(module: BoundModule): string | undefined {
  for (const statement of module.topLevelNodes()) {
    if (statement.type !== 'import_statement') continue;
    for (const aliased of statement.namedChildren) {
      if (aliased?.type === 'aliased_import' && aliased.childForFieldName('name')?.text === 'tfjs') return aliased.childForFieldName('alias')?.text;
    }
  }
  return undefined;
}

/** The shape of numbers written as nested arrays, when the evaluator can read them. */
function writtenShape(text: string): readonly number[] | undefined {
  try {
    return parseTensor(text, { maxElements: 100_000 }).shape;
  } catch {
    return undefined;
  }
}
