import * as l10n from '@vscode/l10n';
import type { Dim, Fact } from '../types';
import { addedLayers } from '../engine/added-layers';
import type { Interpreter } from '../engine/interpreter';
import type { IrNode } from '../ir/node';
import { argument, callArguments, intLiteral, numberValue, spanOf, stringLiteral, type CallArguments } from '../ir/syntax';
import {
  ACTIVATION_FUNCTIONS,
  KERAS_ACTIVATIONS,
  KERAS_PASSTHROUGH_LAYERS,
  RANGE_ACTIVATIONS,
  activationInterval,
  ownInterval,
  isKerasLossClass,
  rangeActivation,
  type ActivationKind,
} from './apis';
import { UNKNOWN_FACT, fact, interval, ranged, type Layer, type Value } from '../engine/values';

/**
 * Keras as the interpreter sees it: `Sequential([...])` and `model.add(...)`, `Dense` with its
 * `activation=`, `Activation` and `Softmax` layers, and the cross-entropy classes. A model is a
 * layer (marked `keras`) from its input's fact to its output's: the last layer's activation gives
 * the output's space (none or `'linear'`: logits; `'sigmoid'`, `'softmax'`: probabilities).
 */
export function kerasCall(qualified: string, node: IrNode, args: CallArguments, interpreter: Interpreter, depth: number): Value | undefined {
  if (isKerasLossClass(qualified)) return { kind: 'loss', qualified, construction: node };
  switch (qualified) {
    case 'keras.Sequential':
      return sequential(interpreter, node, args, depth);
    case 'keras.layers.Dense':
      return { kind: 'layer', layer: dense(interpreter, node, args) };
    case 'keras.layers.Activation': {
      const activation = layerActivation(interpreter, args, 0);
      return { kind: 'layer', layer: activationLayer(interpreter, node, activation) };
    }
    case 'keras.layers.Softmax':
      return { kind: 'layer', layer: activationLayer(interpreter, node, 'softmax') };
    case 'keras.layers.TimeDistributed':
      return { kind: 'layer', layer: timeDistributed(interpreter, node, args, depth) };
    case 'keras.layers.ReLU': {
      // `ReLU(max_value=1.0)` (TensorFlow.js: `reLU({maxValue: 1})`); a negative slope makes it leaky.
      const max = numberValue(argument(args, 'max_value', 0) ?? args.keywords.get('maxValue'));
      const slope = argument(args, 'negative_slope', 1) ?? args.keywords.get('negativeSlope');
      if (slope && numberValue(slope) !== 0) return { kind: 'layer', layer: activationLayer(interpreter, node, undefined) };
      return { kind: 'layer', layer: activationLayer(interpreter, node, { range: 'relu', ...(max !== undefined ? { high: max } : {}) }) };
    }
    case 'keras.Model': {
      // The functional API: `keras.Model(inputs, outputs)` outputs what `outputs` holds; a list
      // of outputs is read one by one, each with the name of the layer that makes it.
      // Keras 1 spelled the keywords `input=` and `output=`.
      const outputs = argument(args, 'outputs', 1) ?? args.keywords.get('output');
      if (outputs && (outputs.type === 'list' || outputs.type === 'tuple')) {
        const items = outputs.namedChildren.filter((item): item is IrNode => !!item && item.type !== 'comment');
        const each = items.map((item) => {
          const value = interpreter.value(item, depth);
          const name = layerName(interpreter, item);
          return { fact: value.kind === 'tensor' ? value.fact : UNKNOWN_FACT, ...(name ? { name } : {}) };
        });
        return { kind: 'layer', layer: { describe: node.text, evidence: [interpreter.evidence(node)], keras: true, outputs: each, apply: () => UNKNOWN_FACT } };
      }
      const output = outputs ? interpreter.value(outputs, depth) : undefined;
      const fact_ = output?.kind === 'tensor' ? output.fact : UNKNOWN_FACT;
      return { kind: 'layer', layer: { describe: node.text, evidence: [interpreter.evidence(node)], keras: true, apply: () => fact_ } };
    }
  }
  if (qualified === 'keras.utils.to_categorical') return oneHot(interpreter, node, args, 'num_classes');
  if (/^keras\.applications\.(?:\w+\.)?[A-Z]\w*$/.test(qualified)) return { kind: 'layer', layer: application(interpreter, node, args) };
  if (KERAS_PASSTHROUGH_LAYERS.has(qualified)) return { kind: 'layer', layer: { describe: node.text, evidence: [], keras: true, apply: (input) => input } };
  if (/^keras\.layers\.[A-Z]/.test(qualified)) return { kind: 'layer', layer: { describe: node.text, evidence: [], keras: true, apply: () => UNKNOWN_FACT } };
  return undefined;
}

/**
 * `TimeDistributed(layer)` (TensorFlow.js: `timeDistributed({layer})`) applies its layer to every
 * time step: its output means what the layer's output means. Its shape is left unknown (the
 * layer's own would miss the time axis); a layer that is not known leaves the output unknown.
 */
function timeDistributed(interpreter: Interpreter, node: IrNode, args: CallArguments, depth: number): Layer {
  const wrapped = argument(args, 'layer', 0);
  const inner = wrapped ? interpreter.value(wrapped, depth + 1) : undefined;
  if (inner?.kind !== 'layer' || inner.layer.outputs) return { describe: node.text, evidence: [], keras: true, apply: () => UNKNOWN_FACT };
  const layer = inner.layer;
  return {
    describe: node.text,
    evidence: layer.evidence,
    keras: true,
    apply: (input) => {
      const { shape: _shape, ...output } = layer.apply(input);
      return output;
    },
  };
}

/**
 * What an `activation=` gives: probabilities or log-probabilities (`ActivationKind`), raw scores
 * (`'linear'`), or values bounded to another interval (`{ range: 'relu' }`, with the string that
 * says so when it is one).
 */
type KerasActivation = ActivationKind | 'linear' | { readonly range: string; readonly written?: IrNode; readonly high?: number };

/**
 * What `activation=` names: a string (`'softmax'`, `'relu'`), an activation function
 * (`tf.nn.softmax`, `keras.activations.relu`), `None` (linear); undefined when it is something
 * else or not known.
 */
function activationOf(interpreter: Interpreter, node: IrNode | undefined): KerasActivation | undefined {
  if (!node || node.type === 'none') return 'linear';
  const text = stringLiteral(node);
  if (text !== undefined) {
    // The string is what a fix can change, when it is in this file.
    const range = RANGE_ACTIVATIONS[snakeCase(text)] ? snakeCase(text) : undefined;
    return KERAS_ACTIVATIONS[text] ?? (range ? { range, ...(interpreter.path ? {} : { written: node }) } : undefined);
  }
  const value = interpreter.value(node);
  if (value.kind !== 'qualified') return undefined;
  const range = rangeActivation(value.name);
  return ACTIVATION_FUNCTIONS[value.name] ?? (/\.linear$/.test(value.name) ? 'linear' : range ? { range } : undefined);
}

/** TensorFlow.js spells activations in camel case (`leakyRelu`). */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * The output of a layer ending in a range activation (`Dense(1, activation="relu")`): neither
 * raw scores nor probabilities, but values in the activation's interval (narrowed by what the
 * layer is given, when `input` says: `Activation("relu")` after a softsign is in [0, 1)).
 */
function rangedOutput(activation: Extract<KerasActivation, object>, evidence: Fact['evidence'][number], shape: readonly Dim[] | undefined, input?: Fact): Fact {
  const base = fact('unknown', { dtype: 'float', origin: 'model', evidence: [evidence], ...(shape ? { shape } : {}) });
  const bounds = activationInterval(activation.range, input ? interval(input) : undefined, activation.high !== undefined ? { high: activation.high } : {});
  if (!bounds) return base;
  const result = ranged(base, activation.range, bounds, ownInterval(activation.range, bounds));
  return result.range && activation.written ? { ...result, range: { ...result.range, written: spanOf(activation.written) } } : result;
}

/**
 * A layer's `activation=` (keyword, or at `position`): absent is linear, unless `**kwargs` (a
 * spread configuration object in TensorFlow.js, `{...cfg}`) may set it, which leaves it unknown.
 */
function layerActivation(interpreter: Interpreter, args: CallArguments, position: number): KerasActivation | undefined {
  const written = argument(args, 'activation', position);
  if (!written && args.open) return undefined;
  return activationOf(interpreter, written);
}

/** `Dense(units, activation=...)`: the activation's output, or raw scores (logits) without one. */
function dense(interpreter: Interpreter, node: IrNode, args: CallArguments): Layer {
  const units = intLiteral(argument(args, 'units', 0));
  const activation = layerActivation(interpreter, args, 1);
  const evidence = interpreter.evidence(
    node,
    activation === 'linear'
      ? units === 1
        ? l10n.t('Dense with 1 unit and no activation: raw scores (logits)')
        : l10n.t('Dense with no activation: raw scores (logits)')
      : typeof activation === 'object'
        ? rangeNote(activation.range)
        : undefined,
    true,
  );
  return {
    describe: node.text,
    evidence: [evidence],
    keras: true,
    apply: (input) => {
      const shape: Dim[] | undefined = units === undefined ? undefined : ['...', units];
      if (activation === undefined) return { ...UNKNOWN_FACT, origin: input.origin };
      if (typeof activation === 'object') return rangedOutput(activation, evidence, shape);
      if (activation === 'linear') {
        return fact('logits', {
          dtype: 'float',
          origin: 'model',
          evidence: [evidence],
          ...(shape ? { shape } : {}),
          ...(units !== undefined ? { classes: units } : {}),
        });
      }
      return activated(activation, evidence, node, shape, units);
    },
  };
}

function activationLayer(interpreter: Interpreter, node: IrNode, activation: KerasActivation | undefined): Layer {
  const evidence = interpreter.evidence(node, typeof activation === 'object' ? rangeNote(activation.range) : undefined, true);
  return {
    describe: node.text,
    evidence: [evidence],
    keras: true,
    apply: (input) => {
      if (activation === undefined) return { ...UNKNOWN_FACT, origin: input.origin };
      if (typeof activation === 'object') return rangedOutput(activation, evidence, input.shape, input);
      if (activation === 'linear') return input;
      return activated(activation, evidence, node, input.shape, input.classes);
    },
  };
}

/**
 * `keras.applications.ResNet50(...)`: with its classifier (`include_top=True`, the default) it ends
 * in `classifier_activation` (softmax unless it says otherwise; `None` gives raw scores) over
 * `classes` (1000 by default); without it, features.
 */
function application(interpreter: Interpreter, node: IrNode, args: CallArguments): Layer {
  const name = node.childForFieldName('function')?.text ?? node.text;
  const includeTop = args.keywords.get('include_top');
  const top = !includeTop || includeTop.type === 'true' ? true : includeTop.type === 'false' ? false : undefined;
  const classes = args.keywords.has('classes') ? intLiteral(args.keywords.get('classes')) : 1000;
  const written = args.keywords.get('classifier_activation');
  const activation = written ? activationOf(interpreter, written) : 'softmax';
  const features: Layer = { describe: node.text, evidence: [], keras: true, apply: () => ({ ...UNKNOWN_FACT, origin: 'model' }) };
  if (top !== true || activation === undefined || typeof activation === 'object' || args.open) return features;
  const evidence = interpreter.evidence(
    node,
    activation === 'linear'
      ? l10n.t('`{0}` with its classifier and no activation: raw scores (logits)', name)
      : l10n.t('`{0}` with its classifier, which ends in {1}', name, activation),
  );
  const shape: Dim[] | undefined = classes === undefined ? undefined : ['...', classes];
  return {
    describe: node.text,
    evidence: [evidence],
    keras: true,
    apply: () =>
      activation === 'linear'
        ? fact('logits', { dtype: 'float', origin: 'model', evidence: [evidence], ...(shape ? { shape } : {}), ...(classes !== undefined ? { classes } : {}) })
        : activated(activation, evidence, node, shape, classes),
  };
}

/** A Keras activation's output: inside the model, so no fix can remove it at the loss. */
function activated(
  activation: ActivationKind,
  evidence: Fact['evidence'][number],
  node: IrNode,
  shape: readonly Dim[] | undefined,
  classes: number | undefined,
): Fact {
  const space = activation === 'sigmoid' || activation === 'softmax' ? 'probabilities' : 'log-probabilities';
  return fact(space, {
    dtype: 'float',
    origin: 'model',
    activation: { fn: activation, dim: -1, call: spanOf(node), inModel: true },
    evidence: [{ ...evidence, note: evidence.note ?? l10n.t('{0} applied', activation) }],
    ...(shape ? { shape } : {}),
    ...(classes !== undefined ? { classes } : {}),
  });
}

/** `Sequential([...])`, and the layers added to it in the same scope: `model.add(Dense(10))`. */
function sequential(interpreter: Interpreter, node: IrNode, args: CallArguments, depth: number): Value {
  const layers: Layer[] = [];
  const opaque: Value = { kind: 'layer', layer: { describe: node.text, evidence: [], keras: true, apply: () => UNKNOWN_FACT } };
  const list = argument(args, 'layers', 0);
  if (args.open) return opaque;
  if (list) {
    const items = listItems(interpreter, list);
    if (!items) return opaque;
    // A model used as a layer (`Sequential([base_model, GlobalAveragePooling2D(), Dense(1)])`)
    // that LossLens does not read gives an unknown output; the layers after it still decide.
    for (const item of items) {
      const value = interpreter.value(item, depth);
      layers.push(
        value.kind === 'layer' ? value.layer : { describe: item.text, evidence: [], keras: true, apply: () => ({ ...UNKNOWN_FACT, origin: 'model' }) },
      );
    }
  }
  const added = addedLayers(interpreter, node, (method, callArgs) => (method === 'add' ? argument(callArgs, 'layer', 0) : undefined), depth);
  if (!added) return opaque;
  layers.push(...added);
  return {
    kind: 'layer',
    layer: {
      describe: node.text,
      evidence: [interpreter.evidence(node)],
      keras: true,
      apply: (input) => (layers.length === 0 ? UNKNOWN_FACT : layers.reduce((current, layer) => layer.apply(current), input)),
    },
  };
}

/**
 * The items of a list of layers as written: a list or tuple literal, lists joined with `+`
 * (`Sequential(feature_layers + classification_layers)`), or a name assigned such a list once
 * and never changed after (no `append`, `extend`, `insert`, `+=` or item store anywhere in the
 * file). Undefined for anything else: its layers are not known.
 */
function listItems(interpreter: Interpreter, node: IrNode, depth = 0): IrNode[] | undefined {
  if (depth > 8) return undefined;
  if (node.type === 'list' || node.type === 'tuple') return node.namedChildren.filter((item): item is IrNode => !!item && item.type !== 'comment');
  if (node.type === 'binary_operator' && node.childForFieldName('operator')?.text === '+') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const head = left ? listItems(interpreter, left, depth + 1) : undefined;
    const tail = head && right ? listItems(interpreter, right, depth + 1) : undefined;
    return head && tail ? [...head, ...tail] : undefined;
  }
  if (node.type !== 'identifier') return undefined;
  const module = interpreter.module;
  const name = node.text;
  // Read only where the list is named exactly twice, where it is made and where it is used: a
  // list handed to a helper or to another name may be changed there.
  if ((module.text.match(new RegExp(`\\b${name}\\b`, 'g')) ?? []).length !== 2) return undefined;
  const mutated = new RegExp(`\\b${name}\\s*(?:\\.\\s*(?:append|extend|insert|pop|remove|clear|reverse|sort)\\b|\\+=|\\[[^\\]\\n]*\\]\\s*=(?!=))`);
  if (mutated.test(module.text)) return undefined;
  const scope = module.scopeOf(node);
  const assigned = scope.bindings(name);
  if (assigned.length !== 1) return undefined;
  const binding = assigned[0]!;
  if (binding.kind !== 'assign' || binding.path.length > 0 || binding.at > node.startIndex) return undefined;
  return listItems(interpreter, binding.value, depth + 1);
}

/**
 * TensorFlow, NumPy and JAX label helpers: `tf.one_hot(labels, depth)` and `jax.nn.one_hot` give
 * one-hot labels; `tf.random.uniform(..., dtype=tf.int32)` and `np.random.randint(...)` integers.
 */
export function labelCall(qualified: string, node: IrNode, args: CallArguments, interpreter: Interpreter): Value | undefined {
  switch (qualified) {
    case 'flax.linen.Dense': {
      // Flax: `nn.Dense(features)` is a layer; its output is raw scores (Flax layers have no activation argument).
      const features = intLiteral(argument(args, 'features', 0));
      const evidence = interpreter.evidence(node, l10n.t('Dense with no activation: raw scores (logits)'), true);
      return {
        kind: 'layer',
        layer: {
          describe: node.text,
          evidence: [evidence],
          apply: () =>
            fact('logits', {
              dtype: 'float',
              origin: 'model',
              evidence: [evidence],
              ...(features !== undefined ? { shape: ['...', features], classes: features } : {}),
            }),
        },
      };
    }
    case 'tensorflow.layers.dense':
    case 'tensorflow.compat.v1.layers.dense': {
      // TF1: `tf.layers.dense(inputs, units, activation=None)` is the layer applied: its output.
      const input = args.positional[0];
      const layer = dense(interpreter, node, { ...args, positional: args.positional.slice(1) });
      return { kind: 'tensor', fact: layer.apply(input ? interpreter.factOf(input) : UNKNOWN_FACT) };
    }
    case 'tensorflow.one_hot':
      return oneHot(interpreter, node, args, 'depth');
    case 'jax.nn.one_hot':
      return oneHot(interpreter, node, args, 'num_classes');
    case 'tensorflow.random.uniform': {
      const dtype = args.keywords.get('dtype');
      const value = dtype ? interpreter.value(dtype) : undefined;
      const kind = value?.kind === 'dtype' ? value.dtype : dtype ? 'unknown' : 'float';
      return { kind: 'tensor', fact: fact('unknown', { dtype: kind, evidence: [interpreter.evidence(node)] }) };
    }
    case 'numpy.random.randint':
      return { kind: 'tensor', fact: fact('unknown', { dtype: 'int', evidence: [interpreter.evidence(node, l10n.t('integer labels'))] }) };
  }
  return undefined;
}

function oneHot(interpreter: Interpreter, node: IrNode, args: CallArguments, classesKeyword: string): Value {
  const input = args.positional[0];
  const classes = intLiteral(argument(args, classesKeyword, 1));
  const inputFact = input ? interpreter.factOf(input) : UNKNOWN_FACT;
  return {
    kind: 'tensor',
    fact: {
      ...fact('unknown', {
        dtype: 'float',
        origin: inputFact.origin,
        evidence: [interpreter.evidence(node, l10n.t('one-hot labels'))],
        ...(inputFact.shape && classes !== undefined ? { shape: [...inputFact.shape, classes] } : {}),
      }),
      oneHot: true,
    },
  };
}

/**
 * The `name=` of the layer that makes a functional output: `layers.Dense(10, name="classes")(h)`,
 * directly or through the name it is assigned to.
 */
function layerName(interpreter: Interpreter, node: IrNode, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  if (node.type === 'identifier') {
    const found = interpreter.module.scopeOf(node).lookup(node.text, node.startIndex);
    return found?.binding.kind === 'assign' && found.binding.path.length === 0 ? layerName(interpreter, found.binding.value, depth + 1) : undefined;
  }
  if (node.type !== 'call') return undefined;
  const layer = node.childForFieldName('function');
  if (layer?.type !== 'call') return undefined;
  return stringLiteral(callArguments(layer).keywords.get('name'));
}

/** "relu applied: values in [0, ∞)": the evidence note of a range activation, in every framework. */
export function rangeNote(range: string): string {
  return l10n.t('{0} applied: values in {1}', range, RANGE_ACTIVATIONS[range]!.interval);
}
