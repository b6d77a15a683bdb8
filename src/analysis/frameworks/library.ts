import * as l10n from '@vscode/l10n';
import { parseTensor } from '../../tensor/parse';
import type { Tensor } from '../../tensor/tensor';
import type { Dim, Evidence, Fact } from '../types';
import type { Interpreter } from '../engine/interpreter';
import { addedLayers, storesIntoModel } from '../engine/added-layers';
import { kerasCall, labelCall, rangeNote } from './keras';
import { TFJS_RUN_METHODS, tfjsCall } from './tfjs';
import type { Library } from '../engine/library';
import type { IrNode } from '../ir/node';
import { argument, intLiteral, numberValue, spanOf, type CallArguments } from '../ir/syntax';
import { UNKNOWN, UNKNOWN_FACT, fact, interval, isKnownRank, ranged, tensor, type Layer, type Value } from '../engine/values';
import {
  ACTIVATION_FUNCTIONS,
  ACTIVATION_METHODS,
  ACTIVATION_MODULES,
  activationDimKeyword,
  DTYPE_NAMES,
  FACTORIES,
  LINEAR_LAYERS,
  LOSS_CLASSES,
  PASSTHROUGH_LAYERS,
  SHAPE_PRESERVING_FUNCTIONS,
  SHAPE_PRESERVING_LAYERS,
  TENSOR_CONSTRUCTORS,
  VALUE_PRESERVING_METHODS,
  CLAMPS,
  canonical,
  isLogitsModelFactory,
  activationInterval,
  ownInterval,
  rangeActivation,
  type ActivationKind,
} from './apis';

/** Functions that run the module they are given on the input after it. */
const MODULE_RUNNERS: ReadonlySet<string> = new Set(['torch.nn.parallel.data_parallel', 'torch.utils.checkpoint.checkpoint']);
/**
 * PyTorch as the interpreter sees it: what its functions, layers, tensor factories and tensor
 * methods do to the space, shape and dtype of a value (the tables are in `apis.ts`). Layers are
 * transfer functions from their input's fact to their output's.
 */

/** Methods of a Keras model or layer that run it on their first argument (`model.predict(x)`). */
const KERAS_RUN_METHODS: ReadonlySet<string> = new Set(['predict', 'predict_on_batch', 'call', '__call__']);

/** Module methods that return the module itself. */
const MODULE_SELF_METHODS: ReadonlySet<string> = new Set(['to', 'cuda', 'cpu', 'train', 'eval', 'float', 'double', 'half', 'requires_grad_', 'to_empty']);

export const frameworkLibrary: Library = {
  canonical,
  constant(qualified) {
    const dtype = DTYPE_NAMES[qualified];
    return dtype ? { kind: 'dtype', dtype } : undefined;
  },
  call,
  tensorMethod,
  returnsSelf: (method) => MODULE_SELF_METHODS.has(method),
  runsModel: (method) => KERAS_RUN_METHODS.has(method) || TFJS_RUN_METHODS.has(method),
  inheritedOutput(base, node, interpreter) {
    // `torchvision.models.ResNet` is the class `torchvision.models.resnet` builds.
    if (!isLogitsModelFactory(base.replace(/\.[A-Z]\w*$/, (name) => name.toLowerCase()))) return undefined;
    return tensor(fact('logits', { origin: 'model', evidence: [interpreter.evidence(node)] }));
  },
  outputField(field, node, interpreter) {
    // Hugging Face model outputs: `.logits` (or `["logits"]`) holds the classifier's raw scores.
    if (field !== 'logits') return undefined;
    const note = node.type === 'subscript' ? l10n.t('`["logits"]` of a model output') : l10n.t('`.logits` of a model output');
    return tensor(fact('logits', { origin: 'model', evidence: [interpreter.evidence(node, note)] }));
  },
};

/** What calling a PyTorch API gives: activations, loss modules, layers, `nn.Sequential`, model zoos, tensor factories. */
function call(qualified: string, node: IrNode, args: CallArguments, interpreter: Interpreter, depth: number): Value | undefined {
  if (qualified.startsWith('keras.')) {
    const value = kerasCall(qualified, node, args, interpreter, depth);
    if (value) return value;
  }
  if (qualified.startsWith('tfjs.')) {
    const value = tfjsCall(qualified, node, args, interpreter, depth);
    if (value) return value;
  }
  const labels = labelCall(qualified, node, args, interpreter);
  if (labels) return labels;
  const activation = ACTIVATION_FUNCTIONS[qualified];
  if (activation) {
    const input = args.positional[0];
    const dim = intLiteral(argument(args, activationDimKeyword(qualified), 1)) ?? (qualified.startsWith('torch.') ? undefined : -1);
    return tensor(activated(interpreter, input ? interpreter.factOf(input) : UNKNOWN_FACT, activation, dim, node, input));
  }
  if (LOSS_CLASSES[qualified]) {
    const file = interpreter.path ? { file: { path: interpreter.path, line: interpreter.module.line(node.startIndex) } } : {};
    return { kind: 'loss', qualified, construction: node, ...file };
  }
  const activationModule = ACTIVATION_MODULES[qualified];
  if (activationModule) {
    const dim = intLiteral(argument(args, 'dim', 0));
    const evidence = interpreter.evidence(node);
    return {
      kind: 'layer',
      layer: { describe: node.text, evidence: [evidence], apply: (input) => activated(interpreter, input, activationModule, dim, node) },
    };
  }
  const linear = LINEAR_LAYERS[qualified];
  if (linear) return { kind: 'layer', layer: linearLayer(interpreter, node, linear, args) };
  if (PASSTHROUGH_LAYERS.has(qualified)) return { kind: 'layer', layer: { describe: node.text, evidence: [], apply: (input) => input } };
  const range = rangeActivation(qualified);
  if (range && /^torch\.nn\.[A-Z]/.test(qualified)) {
    const evidence = interpreter.evidence(node, rangeNote(range));
    // `nn.Hardtanh(min_val, max_val)`.
    const given = range === 'hardtanh' ? { low: numberValue(argument(args, 'min_val', 0)), high: numberValue(argument(args, 'max_val', 1)) } : {};
    return { kind: 'layer', layer: { describe: node.text, evidence: [evidence], apply: (input) => bounded(input, range, [evidence], given) } };
  }
  if (range && qualified !== 'torch.exp') {
    // Followed with the depth it was called at: `relu(relu(...))` 2,000 deep ends in unknown.
    const value = args.positional[0] ? interpreter.value(args.positional[0], depth) : undefined;
    // `F.hardtanh(x, min_val, max_val)`.
    const given = range === 'hardtanh' ? { low: numberValue(argument(args, 'min_val', 1)), high: numberValue(argument(args, 'max_val', 2)) } : {};
    return tensor(bounded(value?.kind === 'tensor' ? value.fact : UNKNOWN_FACT, range, [interpreter.evidence(node, rangeNote(range))], given));
  }
  if (qualified === 'torch.exp' || qualified === 'jax.numpy.exp' || qualified === 'tensorflow.exp' || qualified === 'tensorflow.math.exp') {
    const value = args.positional[0] ? interpreter.value(args.positional[0], depth) : undefined;
    return tensor(exponentiated(value?.kind === 'tensor' ? value.fact : UNKNOWN_FACT, interpreter, node));
  }
  if (CLAMPS.has(qualified)) {
    const value = args.positional[0] ? interpreter.value(args.positional[0], depth) : undefined;
    const low = numberValue(argument(args, qualified.startsWith('tensorflow') ? 'clip_value_min' : 'min', 1));
    const high = numberValue(argument(args, qualified.startsWith('tensorflow') ? 'clip_value_max' : 'max', 2));
    return tensor(clamped(value?.kind === 'tensor' ? value.fact : UNKNOWN_FACT, low, high, interpreter.evidence(node)));
  }
  if (SHAPE_PRESERVING_LAYERS.has(qualified)) {
    return {
      kind: 'layer',
      layer: {
        describe: node.text,
        evidence: [],
        apply: (input) => ({
          ...UNKNOWN_FACT,
          dtype: input.dtype,
          origin: input.origin,
          ...(input.shape ? { shape: input.shape } : {}),
          ...(input.param !== undefined ? { param: input.param } : {}),
        }),
      },
    };
  }
  if (SHAPE_PRESERVING_FUNCTIONS.has(qualified)) {
    // Followed with the depth it was called at: `relu(relu(...))` 2,000 deep ends in unknown.
    const value = args.positional[0] ? interpreter.value(args.positional[0], depth) : undefined;
    const input = value?.kind === 'tensor' ? value.fact : UNKNOWN_FACT;
    return tensor({
      ...UNKNOWN_FACT,
      dtype: input.dtype,
      origin: input.origin,
      ...(input.shape ? { shape: input.shape } : {}),
      ...(input.param !== undefined ? { param: input.param } : {}),
    });
  }
  if (qualified === 'torch.nn.Sequential') return sequential(interpreter, node, args, depth);
  if (MODULE_RUNNERS.has(qualified)) {
    // `nn.parallel.data_parallel(self.main, x, ...)` and `checkpoint(self.block, x)` run the module
    // on its input, as `self.main(x)` does (DCGAN's idiom); a module it cannot read leaves the
    // output unknown.
    const module = args.positional[0] ? interpreter.value(args.positional[0], depth) : undefined;
    if (module?.kind !== 'layer') return UNKNOWN;
    const input = args.positional[1];
    return tensor(module.layer.apply(input ? interpreter.factOf(input) : UNKNOWN_FACT));
  }
  // Flax: the train state holds the model's `apply` (`state.apply_fn(...)` runs it).
  if (qualified === 'flax.training.train_state.TrainState.create') return { kind: 'record', fields: args.keywords, owner: interpreter };
  if (qualified === 'torch.nn.ModuleList' || qualified === 'torch.nn.ModuleDict') return moduleCollection(interpreter, node, args, depth);
  if (isLogitsModelFactory(qualified)) return { kind: 'layer', layer: libraryClassifier(interpreter, qualified, node, depth) };
  const factoryDtype = FACTORIES[qualified];
  if (factoryDtype) return tensor(factory(interpreter, qualified, factoryDtype, node, args));
  if (qualified in TENSOR_CONSTRUCTORS) {
    // `np.asarray(probs)`, `tf.convert_to_tensor(logits)`: a tensor in, the same values out.
    const held =
      args.positional[0] && !/^(?:list|tuple|integer|float)$/.test(args.positional[0].type) ? interpreter.value(args.positional[0], depth) : undefined;
    if (held?.kind === 'tensor') return tensor(retyped(interpreter, held.fact, args));
    return tensor(literalTensor(interpreter, qualified, node, args));
  }
  if (qualified === 'torch.nn.functional.one_hot') {
    const input = args.positional[0];
    const classes = intLiteral(argument(args, 'num_classes', 1));
    const inputFact = input ? interpreter.factOf(input) : UNKNOWN_FACT;
    const shape = inputFact.shape && classes !== undefined ? [...inputFact.shape, classes] : undefined;
    return tensor({
      ...fact('unknown', {
        dtype: 'int',
        origin: inputFact.origin,
        evidence: [interpreter.evidence(node, l10n.t('one-hot labels (int64)'))],
        ...(shape ? { shape } : {}),
      }),
      oneHot: true,
    });
  }
  if (qualified === 'torch.log') {
    const input = args.positional[0];
    const inner = input ? interpreter.factOf(input) : UNKNOWN_FACT;
    if (inner.space === 'probabilities') {
      const { literal: _literal, ...logged } = inner;
      return tensor({
        ...logged,
        space: 'log-probabilities',
        activation: inner.activation?.fn === 'sigmoid' ? { fn: 'logsigmoid' } : inner.activation ? { ...inner.activation, fn: 'log_softmax' } : undefined,
        evidence: [...logged.evidence, interpreter.evidence(node)],
      } as Fact);
    }
    return UNKNOWN;
  }
  return undefined;
}
/**
 * A model of a model zoo (`torchvision.models.resnet50(...)`, `timm.create_model(...)`): it ends
 * in a linear classifier, raw scores, unless its head is replaced while a name holds it —
 * `model.fc = nn.Sequential(nn.Linear(2048, 2), nn.LogSoftmax(dim=1))`, `model.classifier[6] = ...`,
 * `model.heads.head = ...`. The last replacement decides; one LossLens cannot read, one in a branch
 * or loop, or one of a layer that may not be the last with an activation of its own, leaves the
 * output unknown.
 */
function libraryClassifier(interpreter: Interpreter, qualified: string, node: IrNode, depth: number): Layer {
  const own = [interpreter.evidence(node, l10n.t('`{0}` ends in a linear classifier', node.childForFieldName('function')!.text))];
  const logits: Layer = { describe: node.text, evidence: own, apply: () => fact('logits', { origin: 'model', dtype: 'float', evidence: own }) };
  const unknown: Layer = { describe: node.text, evidence: own, apply: () => ({ ...UNKNOWN_FACT, origin: 'model' }) };
  const head = classifierHead(qualified);
  let layer = logits;
  for (const store of storesIntoModel(interpreter, node)) {
    const replaced = replacedPart(head, store.path);
    if (!replaced) continue;
    const value = interpreter.value(store.value, depth);
    if (store.conditional || value.kind !== 'layer') {
      layer = unknown;
      continue;
    }
    const note = [interpreter.evidence(store.node.parent ?? store.node, l10n.t('the classifier replaced: `{0}`', store.node.text))];
    const output = value.layer.apply({ ...UNKNOWN_FACT, origin: 'model' });
    // A layer inside the head that may not be its last: only one giving raw scores keeps them.
    if (replaced === 'part' && output.space !== 'logits') {
      layer = unknown;
      continue;
    }
    layer = { describe: node.text, evidence: note, apply: () => ({ ...output, origin: 'model', evidence: [...output.evidence, ...note] }) };
  }
  return layer;
}

/**
 * Where a model family keeps its classifier: the attribute, and the index of the head's last
 * layer when it is a `Sequential` (torchvision's layouts; timm's models name theirs `head`, `fc`
 * or `classifier`).
 */
const CLASSIFIER_HEADS: ReadonlyArray<readonly [family: RegExp, attribute: string, last?: number]> = [
  [/^torchvision\.models\.(?:resnet|resnext|wide_resnet|regnet|googlenet|inception_v3|shufflenet)/, 'fc'],
  [/^torchvision\.models\.(?:vgg|alexnet)/, 'classifier', 6],
  [/^torchvision\.models\.(?:mobilenet_v2|efficientnet|mnasnet)/, 'classifier', 1],
  [/^torchvision\.models\.mobilenet_v3/, 'classifier', 3],
  [/^torchvision\.models\.convnext/, 'classifier', 2],
  [/^torchvision\.models\.maxvit/, 'classifier', 5],
  [/^torchvision\.models\.densenet/, 'classifier'],
  [/^torchvision\.models\.vit_/, 'heads'],
  [/^torchvision\.models\.swin/, 'head'],
];

function classifierHead(qualified: string): { readonly attributes: readonly string[]; readonly last?: number } {
  const known = CLASSIFIER_HEADS.find(([family]) => family.test(qualified));
  if (known) return { attributes: [known[1]], ...(known[2] !== undefined ? { last: known[2] } : {}) };
  return { attributes: ['head', 'fc', 'classifier', 'heads'] };
}

/**
 * What a store at `path` (relative to the model) replaces of its classifier: all of it (`fc`,
 * `classifier`, `classifier[6]` when 6 is its last layer, `heads.head`, `head.fc`), a part that
 * may not be the last (`classifier[3]`), or nothing.
 */
function replacedPart(head: ReturnType<typeof classifierHead>, path: string): 'whole' | 'part' | undefined {
  for (const attribute of head.attributes) {
    if (path === attribute) return 'whole';
    if (!path.startsWith(attribute)) continue;
    const rest = path.slice(attribute.length);
    const index = /^\[(-?\d+)\]$/.exec(rest)?.[1];
    if (index !== undefined) return Number(index) === -1 || Number(index) === head.last ? 'whole' : 'part';
    // `model.heads.head` (torchvision's ViT), `model.head.fc` (timm): the named last layer.
    if (rest === '.head' || rest === '.fc') return 'whole';
    if (rest.startsWith('.') || rest.startsWith('[')) return 'part';
  }
  return undefined;
}

/**
 * The output of an activation. `inputNode` is where the value before it is written (absent for
 * layers of a model, whose input is not at the site).
 */
function activated(interpreter: Interpreter, input: Fact, kind: ActivationKind, dim: number | undefined, node: IrNode, inputNode?: IrNode): Fact {
  const space = kind === 'sigmoid' || kind === 'softmax' ? 'probabilities' : 'log-probabilities';
  return fact(space, {
    dtype: 'float',
    origin: input.origin,
    activation: {
      fn: kind,
      ...(dim !== undefined ? { dim } : {}),
      call: spanOf(node),
      // In another file, or a layer of the model: not where the loss is, so no fix can edit it.
      ...(inputNode && !interpreter.path ? { input: spanOf(inputNode) } : { inModel: true }),
    },
    evidence: [interpreter.evidence(node, l10n.t('{0} applied', kind))],
    ...(input.shape ? { shape: input.shape } : {}),
    ...(input.classes !== undefined ? { classes: input.classes } : {}),
  }) as Fact & { param?: number };
}
/**
 * The size of one spatial dim after `nn.ConvNd(in, out, kernel_size, stride=1, padding=0,
 * dilation=1)`: PyTorch's floor((size + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1, or
 * the size itself for `padding='same'`; unknown for anything not written as one number
 * (tuples, transposed and lazy convolutions).
 */
function convolved(size: Dim, args: CallArguments, name: string): Dim {
  if (typeof size !== 'number' || /Transpose|Lazy/.test(name)) return undefined;
  const padding = argument(args, 'padding', 4);
  if (padding?.type === 'string' && /^['"]same['"]$/.test(padding.text)) return size;
  const kernel = intLiteral(argument(args, 'kernel_size', 2));
  const stride = argument(args, 'stride', 3) ? intLiteral(argument(args, 'stride', 3)) : 1;
  const pad = padding ? intLiteral(padding) : 0;
  const dilation = argument(args, 'dilation', 5) ? intLiteral(argument(args, 'dilation', 5)) : 1;
  if (kernel === undefined || stride === undefined || pad === undefined || dilation === undefined || stride < 1) return undefined;
  const result = Math.floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
  return result > 0 ? result : undefined;
}

/** `nn.Linear` and the convolutions: raw scores per output unit, logits when nothing follows them. */
function linearLayer(interpreter: Interpreter, node: IrNode, spec: (typeof LINEAR_LAYERS)[string], args: CallArguments): Layer {
  const out = intLiteral(argument(args, spec.outKeyword, spec.outPosition));
  const name = node.childForFieldName('function')!.text;
  const evidence = interpreter.evidence(node);
  return {
    describe: node.text,
    evidence: [evidence],
    apply: (input) => {
      let shape: Dim[];
      // A convolution keeps the batch and replaces the channels; each spatial size follows from
      // kernel, stride, padding and dilation when they are written as numbers.
      if (spec.spatial && input.shape && isKnownRank(input.shape))
        shape = [input.shape[0], out, ...input.shape.slice(2).map((size) => convolved(size, args, name))];
      else if (spec.spatial) shape = ['...', out];
      else if (input.shape && input.shape[0] !== '...') shape = [...input.shape.slice(0, -1), out];
      // A linear layer keeps the leading dims: relative to a parameter, they stay relative.
      else if (!input.shape && input.param !== undefined) shape = ['param', out];
      else shape = ['...', out];
      const description =
        out === undefined
          ? l10n.t('{0}, no activation after it', name)
          : out === 1
            ? l10n.t('{0} with 1 output, no activation after it', name)
            : l10n.t('{0} with {1} outputs, no activation after it', name, out);
      return {
        ...fact('logits', {
          dtype: 'float',
          origin: 'model',
          evidence: [{ ...evidence, note: description }],
          shape,
          ...(out !== undefined ? { classes: out } : {}),
        }),
        ...(input.param !== undefined ? { param: input.param } : {}),
      };
    },
  };
}
/** `nn.Sequential(...)`, with layers added later in the same scope (`add_module`, `append`): its layers in order. */
function sequential(interpreter: Interpreter, node: IrNode, args: CallArguments, depth: number): Value {
  if (args.open) return UNKNOWN;
  const layers: Layer[] = [];
  // A module LossLens does not read (a backbone: `nn.Sequential(backbone, head)`) gives an
  // unknown output; the modules after it still decide what the whole gives.
  for (const child of args.positional) {
    const value = interpreter.value(child, depth);
    layers.push(value.kind === 'layer' ? value.layer : opaqueLayer(child));
  }
  // Layers appended later in the same scope: `seq.add_module(...)`, `seq.append(...)`.
  const added = addedLayers(
    interpreter,
    node,
    (method, callArgs) => (method === 'add_module' ? callArgs.positional[1] : method === 'append' ? callArgs.positional[0] : undefined),
    depth,
  );
  if (!added) return { kind: 'layer', layer: opaqueLayer(node) };
  layers.push(...added);
  return {
    kind: 'layer',
    layer: {
      describe: node.text,
      evidence: [interpreter.evidence(node)],
      apply: (input) => layers.reduce((current, layer) => layer.apply(current), input),
    },
  };
}
/** `torch.randn(8, 10)`, `torch.randint(0, 10, (8,))`: shape from the sizes, dtype from the factory or `dtype=`. */
function factory(interpreter: Interpreter, qualified: string, dtype: 'float' | 'int', node: IrNode, args: CallArguments): Fact {
  const dtypeArg = args.keywords.get('dtype');
  let resolved: 'float' | 'int' | 'bool' | 'unknown' = dtype;
  if (dtypeArg) {
    const value = interpreter.value(dtypeArg);
    resolved = value.kind === 'dtype' ? value.dtype : 'unknown';
  }
  let sizes: IrNode[] = args.positional;
  if (qualified === 'torch.randint') {
    // randint(high, size) or randint(low, high, size): the size is the last positional (a tuple).
    const size = args.keywords.get('size') ?? args.positional[args.positional.length - 1];
    sizes = size ? [size] : [];
  } else if (qualified === 'torch.arange') {
    sizes = [];
  } else if (qualified === 'torch.full') {
    // full(size, fill_value): the dtype follows the fill value unless given (an int gives int64).
    sizes = args.positional.slice(0, 1);
    const fill = args.keywords.get('fill_value') ?? args.positional[1];
    if (!dtypeArg && fill)
      resolved = fill.type === 'integer' ? 'int' : fill.type === 'true' || fill.type === 'false' ? 'bool' : fill.type === 'float' ? 'float' : 'unknown';
  }
  const size = args.keywords.get('size') ?? (sizes.length === 1 && /^(tuple|list)$/.test(sizes[0]!.type) ? sizes[0] : undefined);
  const dims = size ? size.namedChildren.filter((child): child is IrNode => !!child) : sizes;
  const shape =
    dims.length > 0 && dims.every((dim) => /^(integer|identifier|attribute|unary_operator)$/.test(dim.type))
      ? dims.map((dim) => intLiteral(dim) ?? (dim.type === 'identifier' ? dim.text : undefined))
      : undefined;
  return fact('unknown', { dtype: resolved, origin: 'literal', evidence: [interpreter.evidence(node)], ...(shape ? { shape } : {}) });
}
/** `torch.tensor([[...]])` and friends: shape and dtype from the literal itself. */
function literalTensor(interpreter: Interpreter, qualified: string, node: IrNode, args: CallArguments): Fact {
  const data = args.positional[0];
  const evidence = [interpreter.evidence(node)];
  if (!data) return fact('unknown', { origin: 'literal', evidence });
  let parsed: Tensor | undefined;
  try {
    parsed = parseTensor(data.text, { maxElements: 100_000 });
  } catch {
    parsed = undefined;
  }
  let dtype: Fact['dtype'] = TENSOR_CONSTRUCTORS[qualified] ?? (parsed ? parsed.dtype : 'unknown');
  const dtypeArg = args.keywords.get('dtype');
  if (dtypeArg) {
    const value = interpreter.value(dtypeArg);
    dtype = value.kind === 'dtype' ? value.dtype : 'unknown';
  }
  const known = parsed && dtype !== 'unknown' && !args.open;
  return {
    ...fact('unknown', { dtype, origin: 'literal', evidence, ...(parsed ? { shape: parsed.shape } : {}) }),
    // As the evaluator's parser reads it, with the dtype the constructor or `dtype=` fixed.
    ...(known && dtype !== 'unknown' ? { literal: `torch.tensor(${data.text}, dtype=${LITERAL_DTYPES[dtype]})` } : {}),
  };
}

const LITERAL_DTYPES = { float: 'torch.float64', int: 'torch.int64', bool: 'torch.bool' } as const;
/** A tensor passed to a constructor, with the dtype `dtype=` gives it. */
function retyped(interpreter: Interpreter, held: Fact, args: CallArguments): Fact {
  const dtypeArg = args.keywords.get('dtype');
  if (!dtypeArg) return held;
  const { literal: _literal, ...rest } = held;
  const value = interpreter.value(dtypeArg);
  return { ...rest, dtype: value.kind === 'dtype' ? value.dtype : 'unknown' };
}

/**
 * What a range activation (`relu`, `tanh` ...) gives: its input's shape and dtype, values in the
 * interval `activationInterval` finds (probabilities when inside [0, 1]).
 */
function bounded(input: Fact, range: string, evidence: readonly Evidence[], given: { readonly low?: number; readonly high?: number } = {}): Fact {
  const base: Fact = {
    ...UNKNOWN_FACT,
    dtype: input.dtype,
    origin: input.origin,
    evidence,
    ...(input.shape ? { shape: input.shape } : {}),
    ...(input.param !== undefined ? { param: input.param } : {}),
  };
  const bounds = activationInterval(range, interval(input), given);
  return bounds ? ranged(base, range, bounds, ownInterval(range, bounds)) : base;
}

/** `exp` of log-probabilities is probabilities (`torch.exp(F.log_softmax(x, 1))`); of anything else, values in (0, ∞). */
function exponentiated(input: Fact, interpreter: Interpreter, node: IrNode): Fact {
  const { literal: _literal, range: _range, activation, ...rest } = input;
  const evidence = [...input.evidence, interpreter.evidence(node)];
  if (input.space === 'log-probabilities') {
    const fn = activation?.fn === 'logsigmoid' ? 'sigmoid' : 'softmax';
    return { ...rest, space: 'probabilities', activation: { fn, ...(activation?.dim !== undefined ? { dim: activation.dim } : {}) }, evidence };
  }
  return bounded(input, 'exp', [interpreter.evidence(node, rangeNote('exp'))]);
}

/**
 * `torch.clamp(x, low, high)`: values in [low, high], within what they were in when that is known;
 * probabilities when the result is inside [0, 1].
 */
function clamped(input: Fact, low: number | undefined, high: number | undefined, evidence: Evidence): Fact {
  const { literal: _literal, range: _range, activation: _activation, ...rest } = input;
  const base = { ...rest, space: 'unknown' as const, evidence: [...input.evidence, evidence] };
  // What the input was must be known for the result to be a range: `clamp(x, min=1e-7)` of an
  // unknown `x` says nothing of its upper bound.
  if (!input.range && input.space !== 'probabilities')
    return low !== undefined && high !== undefined && low >= 0 && high <= 1 ? { ...base, space: 'probabilities' } : base;
  const [from, to] = interval(input);
  const lowest = low === undefined ? from : from === undefined ? low : Math.max(low, from);
  const highest = high === undefined ? to : to === undefined ? high : Math.min(high, to);
  if (lowest !== undefined && highest !== undefined && lowest >= 0 && highest <= 1) return { ...base, space: 'probabilities' };
  return { ...base, range: { fn: input.range!.fn, ...(lowest !== undefined ? { low: lowest } : {}), ...(highest !== undefined ? { high: highest } : {}) } };
}

/** A method called on a tensor: activations, dtype conversions, reshapes, `log`, `argmax`. */
function tensorMethod(tensorIn: Fact, method: string, node: IrNode, args: CallArguments, interpreter: Interpreter, depth: number): Value {
  if (VALUE_PRESERVING_METHODS.has(method)) return tensor(tensorIn);
  // TensorFlow.js's `dataSync()`: the same values, flattened.
  if (method === 'dataSync') {
    const { shape: _shape, ...flat } = tensorIn;
    return tensor(flat);
  }
  if (method === 'clamp' || method === 'clip') {
    const low = numberValue(argument(args, 'min', 0));
    const high = numberValue(argument(args, 'max', 1));
    return tensor(clamped(tensorIn, low, high, interpreter.evidence(node)));
  }
  // Every other method computes a new value: what was written is no longer it.
  const { literal: _literal, ...input } = tensorIn;
  // A dtype change is its own evidence; a reshape or log keeps what made the space.
  const evidence = [interpreter.evidence(node), ...input.evidence];
  const appended = [...input.evidence, interpreter.evidence(node)];
  const activation = ACTIVATION_METHODS[method];
  if (activation)
    return tensor(
      activated(
        interpreter,
        input,
        activation,
        intLiteral(argument(args, 'dim', 0)),
        node,
        node.childForFieldName('function')?.childForFieldName('object') ?? undefined,
      ),
    );
  switch (method) {
    case 'float':
    case 'double':
    case 'half':
      return tensor({ ...input, dtype: 'float', evidence });
    case 'long':
    case 'int':
      return tensor({ ...input, dtype: 'int', evidence });
    case 'bool':
      return tensor({ ...input, dtype: 'bool', evidence });
    case 'to':
    case 'type': {
      const dtypeNode = args.keywords.get('dtype') ?? args.positional.find((arg) => interpreter.value(arg, depth).kind === 'dtype');
      const dtype = dtypeNode ? interpreter.value(dtypeNode, depth) : undefined;
      if (dtype?.kind === 'dtype') return tensor({ ...input, dtype: dtype.dtype, evidence });
      if (method === 'type' && args.positional[0]) {
        const name = args.positional[0].text;
        if (/LongTensor|IntTensor/.test(name)) return tensor({ ...input, dtype: 'int', evidence });
        if (/FloatTensor|DoubleTensor/.test(name)) return tensor({ ...input, dtype: 'float', evidence });
      }
      // .to(device) keeps everything.
      return args.positional.length + args.keywords.size > 0 && !dtypeNode && !args.keywords.has('dtype') ? tensor(input) : UNKNOWN;
    }
    case 'log': {
      if (input.space === 'probabilities') {
        return tensor({
          ...input,
          space: 'log-probabilities',
          activation:
            input.activation?.fn === 'sigmoid'
              ? { fn: 'logsigmoid' }
              : { fn: 'log_softmax', ...(input.activation?.dim !== undefined ? { dim: input.activation.dim } : {}) },
          evidence: appended,
        });
      }
      return UNKNOWN;
    }
    case 'squeeze':
    case 'unsqueeze':
    case 'view':
    case 'reshape':
    case 'flatten':
      return tensor(reshaped(input, method, args, appended));
    case 'gather':
    case 'index_select': {
      // Elements picked out (`pi.gather(1, actions)`): still what they were; the shape is another.
      const { shape: _shape, ...picked } = input;
      return input.space === 'unknown' ? UNKNOWN : tensor({ ...picked, evidence: appended });
    }
    case 'argmax':
    case 'argmin':
      return tensor(fact('unknown', { dtype: 'int', origin: input.origin, evidence }));
    default:
      return UNKNOWN;
  }
}

/** Shape transfer for squeeze / unsqueeze / view / reshape / flatten; the space and dtype stay. */
function reshaped(input: Fact, method: string, args: CallArguments, evidence: Evidence[]): Fact {
  const { shape: _shape, ...rest } = input;
  const base = { ...rest, evidence };
  const shape = input.shape;
  const dim = intLiteral(argument(args, 'dim', 0));
  if (method === 'unsqueeze' && dim !== undefined) {
    if (shape && isKnownRank(shape)) {
      const at = dim < 0 ? shape.length + 1 + dim : dim;
      return { ...base, shape: [...shape.slice(0, at), 1, ...shape.slice(at)] };
    }
    if (shape && dim === -1) return { ...base, shape: [...shape, 1] };
    return base;
  }
  if (method === 'squeeze' && shape) {
    if (dim === undefined && args.positional.length === 0) return isKnownRank(shape) ? { ...base, shape: shape.filter((size) => size !== 1) } : base;
    if (dim !== undefined && isKnownRank(shape)) {
      const at = dim < 0 ? shape.length + dim : dim;
      return { ...base, shape: shape[at] === 1 ? [...shape.slice(0, at), ...shape.slice(at + 1)] : shape };
    }
    if (dim === -1 && shape[shape.length - 1] === 1) return { ...base, shape: shape.slice(0, -1) };
    return base;
  }
  if ((method === 'view' || method === 'reshape') && args.positional.length > 0) {
    const dims =
      args.positional.length === 1 && /^(tuple|list)$/.test(args.positional[0]!.type)
        ? args.positional[0]!.namedChildren.filter((c): c is IrNode => !!c)
        : args.positional;
    const sizes = dims.map((node) => intLiteral(node));
    if (sizes.every((size) => size !== undefined) && sizes.filter((size) => size === -1).length <= 1) {
      if (!sizes.includes(-1)) return { ...base, shape: sizes as number[] };
      // One -1: computable only when every other size and the element count are known.
      if (shape && isKnownRank(shape) && shape.every((size) => typeof size === 'number')) {
        const total = (shape as number[]).reduce((a, b) => a * b, 1);
        const known = (sizes as number[]).filter((size) => size !== -1).reduce((a, b) => a * b, 1);
        if (known > 0 && total % known === 0) return { ...base, shape: (sizes as number[]).map((size) => (size === -1 ? total / known : size)) };
      }
      return { ...base, shape: (sizes as number[]).map((size) => (size === -1 ? undefined : size)) };
    }
    return base;
  }
  return base;
}

/** A layer the library cannot see into: its output is unknown. */
function opaqueLayer(node: IrNode): Layer {
  return { describe: node.text, evidence: [], apply: () => ({ ...UNKNOWN_FACT, origin: 'model' }) };
}

/**
 * `nn.ModuleList([...])` / `nn.ModuleDict({...})` (lists, dicts and their comprehensions): one
 * member standing for all when they are alike — instances of one class, or layers that make the
 * same kind of output (space, activation, classes) — so that `heads[0](x)`, `heads["a"](x)` and
 * `for head in heads` reach it. Members that differ, or are added later: unknown.
 */
function moduleCollection(interpreter: Interpreter, node: IrNode, args: CallArguments, depth: number): Value {
  const container = args.positional[0];
  if (!container || args.open) return UNKNOWN;
  let members: IrNode[];
  const children = container.namedChildren.filter((child): child is IrNode => !!child && child.type !== 'comment');
  if (container.type === 'list') members = children;
  else if (container.type === 'dictionary') members = children.flatMap((pair) => (pair.type === 'pair' ? [pair.childForFieldName('value')!] : []));
  else if (container.type === 'list_comprehension') members = [container.childForFieldName('body')!];
  else if (container.type === 'dictionary_comprehension')
    members = [container.childForFieldName('body')?.childForFieldName('value')].filter((child) => !!child) as IrNode[];
  else return UNKNOWN;
  if (members.length === 0 || members.some((member) => !member)) return UNKNOWN;
  const values = members.map((member) => interpreter.value(member, depth));
  const first = values[0]!;
  // The container call itself (not its statement, which the member's own evidence names).
  const evidence = interpreter.evidence(node, l10n.t('its members are all alike'), true);
  if (first.kind === 'instance' && values.every((value) => value.kind === 'instance' && value.cls === first.cls)) {
    return { kind: 'modules', member: { ...first, evidence: [...first.evidence, evidence] } };
  }
  if (first.kind !== 'layer' || !values.every((value) => value.kind === 'layer')) return UNKNOWN;
  const kinds = values.map((value) => {
    const output = (value as Extract<Value, { kind: 'layer' }>).layer.apply(UNKNOWN_FACT);
    return `${output.space}:${output.activation?.fn ?? ''}:${output.classes ?? ''}`;
  });
  if (kinds.some((kind) => kind !== kinds[0])) return UNKNOWN;
  const layer = first.layer;
  return {
    kind: 'modules',
    member: {
      kind: 'layer',
      layer: {
        ...layer,
        apply: (input) => {
          const output = layer.apply(input);
          return { ...output, evidence: [...output.evidence, evidence] };
        },
      },
    },
  };
}
