import {
  ACTIVATION_FUNCTIONS,
  ACTIVATION_METHODS,
  ACTIVATION_MODULES,
  LOSS_CLASSES,
  LOSS_FUNCTIONS,
  LOG_FUNCTIONS,
  canonical,
  isKerasLossClass,
  kerasApi,
  kerasCrossEntropy,
  type CallKind,
  type LossApi,
} from '../frameworks/apis';
import type { BoundModule, Spanning } from './binder';
import type { Interpreter } from './interpreter';
import type { IrNode } from '../ir/node';
import { tfjsCompileString } from '../frameworks/tfjs';
import type { Fact, LossSite } from '../types';
import { parseTensor } from '../../tensor/parse';
import { LOSSES } from '../../losses/registry';
import { finish, type Steps } from '../slices';
import { argument, callArguments, stringLiteral, type CallArguments } from '../ir/syntax';

/**
 * Where sites can be, as a front end finds them: calls of a name that may be a loss or an
 * activation (`words`: offset and length of the name as written at the call), and calls of names
 * a loss module may be held by (`receivers`).
 */
export interface SiteCandidates {
  readonly mentions: { readonly words: ReadonlyArray<readonly [offset: number, length: number]> };
  readonly receivers: ReadonlyArray<readonly [offset: number, length: number]>;
}

/** A loss constructed (`nn.BCELoss()`) or applied (`criterion(out, y)`, `F.cross_entropy(out, y)`). */
export interface PythonLossSite {
  readonly kind: 'construction' | 'application';
  /** Canonical qualified name of the loss API (`torch.nn.BCELoss`, `torch.nn.functional.cross_entropy`). */
  readonly qualified: string;
  readonly api: LossApi;
  /** The call: the construction, or the application. */
  readonly call: IrNode;
  /** The construction call, for applications of a loss module. */
  readonly construction?: IrNode;
  /** Where the construction is, when it is in another file. */
  readonly constructionFile?: { readonly path: string; readonly line: number };
  /** Options given by keyword, at the construction (modules) or the call (functions). */
  readonly options: ReadonlyMap<string, IrNode>;
  /** Tensor arguments by parameter name (applications only). */
  readonly args: ReadonlyMap<string, IrNode>;
  /** Whether `*args` / `**kwargs` hide some arguments. */
  readonly open: boolean;
  /**
   * A Keras `model.compile(loss=...)`: the model's output is the loss's input (`args` holds the
   * model's name under `input`, for the messages), reported at the loss argument.
   */
  readonly compiled?: {
    readonly output: Fact;
    readonly loss: IrNode;
    /** Where `from_logits=` is written, or the loss call it can be added to (for fixes). */
    readonly fromLogits?: IrNode;
    readonly lossCall?: IrNode;
  };
  /** A Keras `model.fit(x, y)`: the labels (`target`) meet the loss the model was compiled with. */
  readonly fitted?: { readonly loss: IrNode; readonly lossCall?: IrNode };
}

export interface ActivationSite {
  readonly kind: CallKind;
  readonly call: IrNode;
  /** `function` (F.softmax(x)), `method` (x.softmax()), or `module` (nn.Softmax()). */
  readonly form: 'function' | 'method' | 'module';
  readonly args: CallArguments;
  readonly qualified?: string;
}

/**
 * The call whose callee ends with the name at `offset` (`F.cross_entropy(` or `criterion (`), if
 * there is one: the smallest node spanning the name and the opening parenthesis. (Climbing
 * `parent` links instead would make tree-sitter search down from the root at every step.)
 */
function callAt(module: BoundModule, spanning: Spanning, offset: number, length: number): IrNode | undefined {
  const text = module.text;
  let paren = offset + length;
  while (text.charCodeAt(paren) === 32 || text.charCodeAt(paren) === 9) paren++;
  if (text[paren] !== '(') return undefined;
  const node = spanning.at(offset, paren + 1);
  if (node?.type !== 'call') return undefined;
  const callee = node.childForFieldName('function');
  if (!callee || callee.endIndex !== offset + length || !/^(identifier|attribute)$/.test(callee.type)) return undefined;
  return node;
}

/**
 * Phase 4, sites: the loss sites and activation calls of a module. Candidates are the selection's
 * mentions and receiver calls (phase 1); each is confirmed on the syntax tree and through the
 * imports, so a string or comment naming a loss is never a site, and a receiver call is a site
 * only when the interpreter says the name holds a loss module.
 */
export function findSites(
  module: BoundModule,
  interpreter: Interpreter,
  selection: SiteCandidates,
  /** Only sites starting where this holds (the statements checked again); all when absent. */
  inScope: (offset: number) => boolean = () => true,
): { losses: PythonLossSite[]; activations: ActivationSite[] } {
  return finish(siteSteps(module, interpreter, selection, inScope));
}

/** `findSites` a candidate at a time: it may pause after each one it had to look at. */
export function* siteSteps(
  module: BoundModule,
  interpreter: Interpreter,
  selection: SiteCandidates,
  inScope: (offset: number) => boolean = () => true,
): Steps<{ losses: PythonLossSite[]; activations: ActivationSite[] }> {
  const spanning = module.spanning();
  const losses: PythonLossSite[] = [];
  const activations: ActivationSite[] = [];
  const seen = new Set<number>();

  for (const [offset, length] of selection.mentions.words) {
    if (!inScope(offset)) continue;
    const call = callAt(module, spanning, offset, length);
    if (!call || seen.has(call.id)) continue;
    seen.add(call.id);
    yield;
    const callee = call.childForFieldName('function')!;
    const qualified = module.qualify(callee);
    const name = qualified ? canonical(qualified) : undefined;
    const args = callArguments(call);
    if (name && isKerasLossClass(name)) {
      const api = kerasLossApi(name, args);
      if (!api) continue;
      losses.push({ kind: 'construction', qualified: name, api, call, options: args.keywords, args: new Map(), open: args.open });
      const outer = module.parentOf(call);
      if (outer?.type === 'call' && outer.childForFieldName('function')?.startIndex === call.startIndex) losses.push(application(name, api, outer, call));
    } else if (name && kerasCrossEntropy(name, false)) {
      // `keras.losses.binary_crossentropy(y_true, y_pred, from_logits=True)`.
      const api = kerasLossApi(name, args);
      if (api) losses.push(application(name, api, call));
    } else if (!name && callee.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'compile') {
      const site = compileSite(interpreter, call, args);
      if (site) losses.push(site);
      else losses.push(...multiOutputSites(interpreter, call, args));
    } else if (!name && callee.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'fit') {
      const site = fitSite(interpreter, call, args);
      if (site) losses.push(site);
    } else if (name && LOSS_CLASSES[name]) {
      losses.push({ kind: 'construction', qualified: name, api: LOSS_CLASSES[name]!, call, options: args.keywords, args: new Map(), open: args.open });
      // Applied in place: `nn.BCELoss()(out, y)`.
      const outer = module.parentOf(call);
      if (outer?.type === 'call' && outer.childForFieldName('function')?.startIndex === call.startIndex) {
        losses.push(application(name, LOSS_CLASSES[name]!, outer, call));
      }
    } else if (name && LOSS_FUNCTIONS[name]) {
      losses.push(application(name, LOSS_FUNCTIONS[name]!, call));
    } else if (name && ACTIVATION_FUNCTIONS[name]) {
      activations.push({ kind: ACTIVATION_FUNCTIONS[name]!, call, form: 'function', args, qualified: name });
    } else if (name && ACTIVATION_MODULES[name]) {
      activations.push({ kind: ACTIVATION_MODULES[name]!, call, form: 'module', args, qualified: name });
    } else if (name && LOG_FUNCTIONS.has(name)) {
      activations.push({ kind: 'log', call, form: 'function', args, qualified: name });
    } else if (!name && callee.type === 'attribute') {
      const method = callee.childForFieldName('attribute')?.text ?? '';
      const kind = method === 'log' ? 'log' : ACTIVATION_METHODS[method];
      // `x.softmax(1)` on a tensor; `F.softmax` through an unresolved import is not a method.
      if (kind && interpreter.value(callee.childForFieldName('object')!).kind === 'tensor') activations.push({ kind, call, form: 'method', args });
    }
  }

  // Applications of constructed loss modules: `criterion(out, y)`, `self.loss_fn(out, y)`, each
  // candidate confirmed by the interpreter.
  // A name can be both: `mse_loss = nn.MSELoss()` names a receiver after a loss function.
  const applied = new Set(losses.map((site) => site.call.id));
  for (const [offset, length] of selection.receivers) {
    if (!inScope(offset)) continue;
    const call = callAt(module, spanning, offset, length);
    if (!call || applied.has(call.id)) continue;
    yield;
    const value = interpreter.value(call.childForFieldName('function')!);
    // A loss function held by a name: `const lossFn = tf.losses.softmaxCrossEntropy; lossFn(y, p)`.
    const held = value.kind === 'qualified' ? canonical(value.name) : undefined;
    if (held && LOSS_FUNCTIONS[held]) {
      applied.add(call.id);
      losses.push(application(held, LOSS_FUNCTIONS[held]!, call));
      continue;
    }
    if (value.kind !== 'loss') continue;
    const name = canonical(value.qualified);
    const api = LOSS_CLASSES[name] ?? (isKerasLossClass(name) ? kerasLossApi(name, callArguments(value.construction)) : undefined);
    if (!api) continue;
    applied.add(call.id);
    losses.push({ ...application(name, api, call, value.construction), ...(value.file ? { constructionFile: value.file } : {}) });
  }
  losses.sort((a, b) => a.call.startIndex - b.call.startIndex);
  activations.sort((a, b) => a.call.startIndex - b.call.startIndex);
  return { losses, activations };
}

/**
 * A Keras cross entropy's API, when its `from_logits=` is known (absent is `False`); a value the
 * code computes leaves it unknown, and unknown is silent.
 */
function kerasLossApi(qualified: string, args: CallArguments): LossApi | undefined {
  const kind = kerasCrossEntropy(qualified, false);
  if (!kind || args.open) return undefined;
  const fromLogits = booleanLiteral(args.keywords.get('from_logits'));
  return fromLogits === undefined ? undefined : kerasApi(kind, fromLogits);
}

function booleanLiteral(node: IrNode | undefined): boolean | undefined {
  if (!node) return false;
  return node.type === 'true' ? true : node.type === 'false' ? false : undefined;
}

/**
 * `model.compile(optimizer, loss=...)` on a Keras model: the loss as a string, a class, a function
 * or a name bound to one, applied to the model's output. Dicts and lists of losses (multi-output
 * models) are not read yet.
 */
function compileSite(interpreter: Interpreter, call: IrNode, args: CallArguments): PythonLossSite | undefined {
  const receiver = call.childForFieldName('function')!.childForFieldName('object');
  if (!receiver || args.open) return undefined;
  const output = interpreter.kerasModelOutput(interpreter.value(receiver));
  if (!output) return undefined;
  const loss = compiledLoss(interpreter, args);
  if (!loss) return undefined;
  return compiledSite(call, receiver, loss, output);
}

/** A Keras loss met at a `compile` (its input the model's output) or a `fit` (its target the labels). */
function kerasSite(call: IrNode, loss: KerasLoss, args: ReadonlyMap<string, IrNode>, extra: Pick<PythonLossSite, 'compiled' | 'fitted'>): PythonLossSite {
  return {
    kind: 'application',
    qualified: loss.qualified,
    api: loss.api,
    call,
    options: loss.lossCall ? callArguments(loss.lossCall).keywords : new Map(),
    args,
    open: false,
    ...extra,
  };
}

function compiledSite(call: IrNode, receiver: IrNode, loss: KerasLoss, output: Fact): PythonLossSite {
  const fromLogits = loss.lossCall ? callArguments(loss.lossCall).keywords.get('from_logits') : undefined;
  return kerasSite(call, loss, new Map([['input', receiver]]), {
    compiled: { output, loss: loss.node, ...(fromLogits ? { fromLogits } : {}), ...(loss.lossCall ? { lossCall: loss.lossCall } : {}) },
  });
}

/**
 * `compile(loss=[...])` or `compile(loss={"name": ...})` on a functional model with several
 * outputs: each loss meets the output at its position, or the output of the layer of that name.
 */
function multiOutputSites(interpreter: Interpreter, call: IrNode, args: CallArguments): PythonLossSite[] {
  const receiver = call.childForFieldName('function')!.childForFieldName('object');
  const losses = argument(args, 'loss', 1);
  if (!receiver || !losses || args.open) return [];
  const model = interpreter.value(receiver);
  const outputs = model.kind === 'layer' && model.layer.keras ? model.layer.outputs : undefined;
  if (!outputs) return [];
  const pairs: Array<[IrNode, Fact]> = [];
  if (losses.type === 'list' || losses.type === 'tuple') {
    const items = losses.namedChildren.filter((item): item is IrNode => !!item && item.type !== 'comment');
    if (items.length !== outputs.length) return [];
    items.forEach((item, index) => pairs.push([item, outputs[index]!.fact]));
  } else if (losses.type === 'dictionary') {
    for (const pair of losses.namedChildren) {
      if (pair?.type !== 'pair') continue;
      const key = stringLiteral(pair.childForFieldName('key') ?? undefined);
      const value = pair.childForFieldName('value');
      const output = key === undefined ? undefined : outputs.find((candidate) => candidate.name === key);
      if (value && output) pairs.push([value, output.fact]);
    }
  }
  const sites: PythonLossSite[] = [];
  for (const [node, output] of pairs) {
    const loss = lossOf(interpreter, node);
    if (loss) sites.push(compiledSite(call, receiver, loss, output));
  }
  return sites;
}

/** A Keras loss as the code gives it to a model, and the API it is. */
interface KerasLoss {
  readonly qualified: string;
  readonly api: LossApi;
  readonly node: IrNode;
  readonly lossCall?: IrNode;
}

/** The loss of a `compile(optimizer, loss=...)`, when it is one LossLens reads. */
function compiledLoss(interpreter: Interpreter, args: CallArguments): KerasLoss | undefined {
  const node = argument(args, 'loss', 1);
  return node ? lossOf(interpreter, node) : undefined;
}

/** A Keras loss as written: a string, a class, a function, or a name bound to one. */
function lossOf(interpreter: Interpreter, node: IrNode): KerasLoss | undefined {
  const text = stringLiteral(node);
  if (text !== undefined) {
    const kind = kerasCrossEntropy(text, true);
    const api = kind ? kerasApi(kind, false) : tfjsCompileString(text);
    return api ? { qualified: text, api, node } : undefined;
  }
  const value = interpreter.value(node);
  if (value.kind === 'loss') {
    const qualified = canonical(value.qualified);
    const api = kerasLossApi(qualified, callArguments(value.construction));
    return api ? { qualified, api, node, lossCall: value.construction } : undefined;
  }
  if (value.kind === 'qualified') {
    const qualified = canonical(value.name);
    const kind = kerasCrossEntropy(qualified, false);
    // A TensorFlow.js loss function given to `compile`: `loss: tf.losses.softmaxCrossEntropy`.
    const api = kind ? kerasApi(kind, false) : LOSS_FUNCTIONS[qualified]?.framework === 'tfjs' ? LOSS_FUNCTIONS[qualified] : undefined;
    return api ? { qualified, api, node } : undefined;
  }
  return undefined;
}

/**
 * `model.fit(x, y)` on a Keras model compiled above in the same scope: the labels `y` meet the
 * compiled loss (one-hot labels for a sparse cross entropy, integers for a categorical one).
 */
function fitSite(interpreter: Interpreter, call: IrNode, args: CallArguments): PythonLossSite | undefined {
  const receiver = call.childForFieldName('function')!.childForFieldName('object');
  const labels = argument(args, 'y', 1);
  if (receiver?.type !== 'identifier' || !labels || args.open) return undefined;
  if (!interpreter.kerasModelOutput(interpreter.value(receiver))) return undefined;
  const compile = interpreter.module
    .scopeOf(call)
    .callsOn(receiver.text)
    .filter(
      (candidate) => candidate.startIndex < call.startIndex && candidate.childForFieldName('function')?.childForFieldName('attribute')?.text === 'compile',
    )
    .at(-1);
  const compileArgs = compile ? callArguments(compile) : undefined;
  if (!compileArgs || compileArgs.open) return undefined;
  const loss = compiledLoss(interpreter, compileArgs);
  if (!loss) return undefined;
  return kerasSite(call, loss, new Map([['target', labels]]), { fitted: { loss: loss.node, ...(loss.lossCall ? { lossCall: loss.lossCall } : {}) } });
}

/**
 * The names of the prediction and the target among a loss's tensor arguments: `input` and
 * `target` where it has them (whatever order the call takes them in), else its first two.
 */
export function roles(site: PythonLossSite): [string, string] {
  const parameters = site.api.parameters;
  if (parameters.includes('input') && parameters.includes('target')) return ['input', 'target'];
  return [parameters[0]!, parameters[1] ?? ''];
}

/** Whether the loss is PyTorch's (or torchvision's): rules that read PyTorch semantics look only at these. */
export function isPyTorch(site: PythonLossSite): boolean {
  return site.api.framework === undefined;
}

function application(qualified: string, api: LossApi, call: IrNode, construction?: IrNode): PythonLossSite {
  const args = callArguments(call);
  const tensors = new Map<string, IrNode>();
  const spelled = (role: string) => Object.entries(api.keywords ?? {}).flatMap(([keyword, target]) => (target === role ? [keyword] : []));
  api.parameters.forEach((parameter, index) => {
    const node =
      args.keywords.get(parameter) ??
      spelled(parameter)
        .map((keyword) => args.keywords.get(keyword))
        .find(Boolean) ??
      args.positional[index];
    if (node) tensors.set(parameter, node);
  });
  const isTensor = (key: string) => api.parameters.includes(key) || (api.keywords?.[key] ?? '') !== '';
  const options = construction ? callArguments(construction).keywords : new Map([...args.keywords].filter(([key]) => !isTensor(key)));
  return { kind: 'application', qualified, api, call, ...(construction ? { construction } : {}), options, args: tensors, open: args.open };
}

/**
 * TensorFlow.js's own losses as the evaluator names them, with the options they take by
 * position after their two tensors (`tf.losses.softmaxCrossEntropy(labels, logits, weights,
 * labelSmoothing, reduction)`).
 */
const TFJS_EVALUATOR: Readonly<Record<string, { readonly loss: string; readonly options: readonly string[] }>> = {
  'tfjs.losses.softmaxCrossEntropy': { loss: 'softmaxCrossEntropy', options: ['weights', 'labelSmoothing', 'reduction'] },
  'tfjs.losses.sigmoidCrossEntropy': { loss: 'sigmoidCrossEntropy', options: ['weights', 'labelSmoothing', 'reduction'] },
  'tfjs.losses.logLoss': { loss: 'logLoss', options: ['weights', 'epsilon', 'reduction'] },
  'tfjs.losses.meanSquaredError': { loss: 'meanSquaredError', options: ['weights', 'reduction'] },
  'tfjs.losses.absoluteDifference': { loss: 'absoluteDifference', options: ['weights', 'reduction'] },
  'tfjs.losses.huberLoss': { loss: 'huberLoss', options: ['weights', 'delta', 'reduction'] },
  'tfjs.losses.hingeLoss': { loss: 'hingeLoss', options: ['weights', 'reduction'] },
  'tfjs.losses.cosineDistance': { loss: 'cosineDistance', options: ['axis', 'weights', 'reduction'] },
};

/**
 * TensorFlow 1's `tf.losses.*` (and `tf.compat.v1.losses.*`) as the evaluator names them: the
 * TensorFlow.js losses, which compute them as TensorFlow 1's `losses_impl` does; the options
 * they take by position after their two tensors, and their keywords in TensorFlow.js's spelling
 * (`scope` and `loss_collection` do not change the value).
 */
const TF1_EVALUATOR: Readonly<Record<string, { readonly loss: string; readonly options: readonly string[] }>> = Object.fromEntries(
  Object.entries({
    softmax_cross_entropy: { loss: 'softmaxCrossEntropy', options: ['weights', 'labelSmoothing', 'scope', 'loss_collection', 'reduction'] },
    sigmoid_cross_entropy: { loss: 'sigmoidCrossEntropy', options: ['weights', 'labelSmoothing', 'scope', 'loss_collection', 'reduction'] },
    log_loss: { loss: 'logLoss', options: ['weights', 'epsilon', 'scope', 'loss_collection', 'reduction'] },
    mean_squared_error: { loss: 'meanSquaredError', options: ['weights', 'scope', 'loss_collection', 'reduction'] },
    absolute_difference: { loss: 'absoluteDifference', options: ['weights', 'scope', 'loss_collection', 'reduction'] },
    huber_loss: { loss: 'huberLoss', options: ['weights', 'delta', 'scope', 'loss_collection', 'reduction'] },
    hinge_loss: { loss: 'hingeLoss', options: ['weights', 'scope', 'loss_collection', 'reduction'] },
    cosine_distance: { loss: 'cosineDistance', options: ['axis', 'weights', 'scope', 'loss_collection', 'reduction', 'dim'] },
  }).flatMap(([name, entry]) => [
    [`tensorflow.losses.${name}`, entry],
    [`tensorflow.compat.v1.losses.${name}`, entry],
  ]),
);

const TF1_KEYWORDS: Readonly<Record<string, string | null>> = {
  weights: 'weights',
  label_smoothing: 'labelSmoothing',
  epsilon: 'epsilon',
  delta: 'delta',
  axis: 'axis',
  dim: 'axis',
  reduction: 'reduction',
  scope: null,
  loss_collection: null,
};

/** TensorFlow 1's reductions as the evaluator names them; `SUM_OVER_BATCH_SIZE` is not one of them. */
const TF1_REDUCTIONS: Readonly<Record<string, string>> = {
  NONE: 'none',
  SUM: 'sum',
  MEAN: 'mean',
  SUM_BY_NONZERO_WEIGHTS: 'sum_by_nonzero_weights',
  SUM_OVER_NONZERO_WEIGHTS: 'sum_by_nonzero_weights',
};

/**
 * A TensorFlow 1 loss's options for the evaluator, or undefined when one is not a value it
 * computes with (a reduction it does not have, a keyword it does not know).
 */
function tf1Options(site: PythonLossSite, names: readonly string[]): Array<[string, string]> | undefined {
  const given: Array<[string, IrNode]> = [
    ...[...site.options].map(([key, node]): [string, IrNode] => [key, node]),
    ...callArguments(site.call)
      .positional.slice(site.api.parameters.length)
      .flatMap((node, index): Array<[string, IrNode]> => (names[index] ? [[names[index], node]] : [])),
  ];
  const options: Array<[string, string]> = [];
  for (const [key, node] of given) {
    // Keywords come from the code: only the table's own ones count (`toString=` is none).
    const name = Object.hasOwn(TF1_KEYWORDS, key) ? TF1_KEYWORDS[key] : names.includes(key) ? key : undefined;
    if (name === undefined) return undefined;
    if (name === null || node.text === 'None') continue;
    if (name === 'reduction') {
      const reduction = TF1_REDUCTIONS[/\bReduction\.([A-Z_]+)$/.exec(node.text)?.[1] ?? ''];
      if (!reduction) return undefined;
      options.push([name, `'${reduction}'`]);
    } else options.push([name, node.text]);
  }
  return options;
}

/**
 * A TensorFlow.js or optax loss's options as the code gives them, by position, as source text
 * the evaluator reads: `undefined` is left out, `tf.Reduction.MEAN` is `'mean'`.
 */
function positionalOptions(site: PythonLossSite, names: readonly string[]): Array<[string, string]> {
  const extra = callArguments(site.call).positional.slice(site.api.parameters.length);
  return extra.flatMap((node, index): Array<[string, string]> => {
    const name = names[index];
    if (!name || node.text === 'undefined' || node.text === 'null' || node.text === 'None') return [];
    const reduction = /\bReduction\.([A-Z_]+)$/.exec(node.text)?.[1];
    return [[name, reduction ? `'${reduction.toLowerCase()}'` : node.text]];
  });
}

/**
 * TensorFlow's `tf.nn.*_with_logits` give the loss of each example, unreduced:
 * PyTorch's on logits with `reduction='none'` (the same formulas). Over classes only for logits
 * of rank 1 or 2 (TensorFlow takes the classes on the last axis, PyTorch on the second),
 * and only when the call gives no other option (`axis=`, `where=`).
 */
const PER_EXAMPLE: ReadonlySet<string> = new Set([
  'tensorflow.nn.softmax_cross_entropy_with_logits',
  'tensorflow.nn.softmax_cross_entropy_with_logits_v2',
  'tensorflow.nn.sparse_softmax_cross_entropy_with_logits',
  'tensorflow.nn.sigmoid_cross_entropy_with_logits',
  'tensorflow.compat.v1.nn.softmax_cross_entropy_with_logits',
  'tensorflow.compat.v1.nn.softmax_cross_entropy_with_logits_v2',
  'tensorflow.compat.v1.nn.sparse_softmax_cross_entropy_with_logits',
  'tensorflow.compat.v1.nn.sigmoid_cross_entropy_with_logits',
]);

/**
 * optax's losses as the evaluator names them (`optax.softmax_cross_entropy`, unreduced as optax
 * gives them), with the options they take by position after their two tensors.
 */
const OPTAX_EVALUATOR: ReadonlyMap<string, { readonly loss: string; readonly options: readonly string[] }> = new Map(
  LOSSES.filter((loss) => loss.framework === 'optax').flatMap((loss) =>
    (loss.aliases.optax ?? []).map((api) => [api, { loss: loss.name, options: Object.keys(loss.options) }] as const),
  ),
);

function perExample(site: PythonLossSite, input: Fact | undefined): boolean {
  if (!PER_EXAMPLE.has(site.qualified) || [...site.options.keys()].some((key) => key !== 'name')) return false;
  return site.api.loss !== 'cross_entropy' || (!!input?.shape && input.shape.length <= 2 && input.shape[0] !== '...');
}

/** Keras' cross entropies as the evaluator names them (it computes them as Keras does, `from_logits` an option). */
const KERAS_EVALUATOR: Readonly<Record<'binary' | 'categorical' | 'sparse', string>> = {
  binary: 'binary_crossentropy',
  categorical: 'categorical_crossentropy',
  sparse: 'sparse_categorical_crossentropy',
};

/** Every loss site with the facts of its arguments, as plain data. */
export function describeSites(losses: readonly PythonLossSite[], interpreter: Interpreter): LossSite[] {
  return losses.map((site): LossSite => {
    const [inputName, targetName] = roles(site);
    // Keras, TensorFlow and TensorFlow.js convert plain lists (`loss_fn([[0., 1.]], [[0.6, 0.4]])`):
    // tensors written in the code; PyTorch and jax do not.
    const converts = site.api.framework === 'keras' || site.api.framework === 'tensorflow' || site.api.framework === 'tfjs';
    const factOf = (node: IrNode): Fact => {
      const fact = interpreter.factOf(node);
      if (fact.literal !== undefined || !converts || node.type !== 'list') return fact;
      const parsed = listLiteral(node.text);
      return parsed ? { ...fact, origin: 'literal', dtype: parsed.dtype, shape: parsed.shape, literal: node.text } : fact;
    };
    const input = site.args.get(inputName);
    const target = site.args.get(targetName);
    const inputFact = input ? described(factOf(input)) : undefined;
    const targetFact = target ? described(factOf(target)) : undefined;
    const values = [...site.args.values()];
    const literal = values.length > 0 && values.every((node) => factOf(node).literal !== undefined);
    // The API's own name for each role, where it has one of its own (optax's `logits`, TF's `labels`).
    const apiName = (role: string) => Object.entries(site.api.keywords ?? {}).find(([, target]) => target === role)?.[0];
    const args = Object.fromEntries(
      [...site.args].map(([name, node]) => {
        const value = factOf(node).literal;
        const own = apiName(name);
        return [
          name,
          {
            ...(own && own !== name ? { name: own } : {}),
            text: node.text,
            span: { start: node.startIndex, end: node.endIndex },
            ...(value !== undefined ? { literal: value } : {}),
          },
        ];
      }),
    );
    // PyTorch's losses, Keras' cross entropies, TensorFlow.js's own, TensorFlow's and optax's per-example ones.
    const tfjs = site.api.framework === 'tfjs' ? TFJS_EVALUATOR[site.qualified] : undefined;
    // optax: computed only when every keyword is one of the loss's options (`axis=`, `where=` are not).
    const optaxLoss = site.api.framework === 'jax' ? OPTAX_EVALUATOR.get(site.qualified) : undefined;
    const optax = optaxLoss && [...site.options.keys()].every((key) => optaxLoss.options.includes(key)) ? optaxLoss : undefined;
    const positional = tfjs ?? optax;
    const tf1 = site.api.framework === 'tensorflow' ? TF1_EVALUATOR[site.qualified] : undefined;
    const tf1Given = tf1 ? tf1Options(site, tf1.options) : undefined;
    const unreduced = perExample(site, inputFact);
    // A call spreading `*args` / `**kwargs` gives tensors nobody can read: no value, in any framework.
    const evaluator = site.open
      ? undefined
      : site.api.framework === undefined || unreduced
        ? site.api.loss
        : site.api.framework === 'keras' && site.api.keras
          ? KERAS_EVALUATOR[site.api.keras]
          : tf1Given
            ? tf1!.loss
            : positional?.loss;
    const options: Array<[string, string]> = unreduced
      ? [['reduction', "'none'"]]
      : (tf1Given ?? [
          ...[...site.options].map(([key, node]): [string, string] => [key, node.text]),
          ...(positional ? positionalOptions(site, positional.options) : []),
        ]);
    return {
      framework: site.api.framework ?? 'torch',
      api: site.qualified,
      ...(evaluator ? { loss: evaluator } : {}),
      kind: site.kind,
      span: { start: site.call.startIndex, end: site.call.endIndex },
      options: Object.fromEntries(options),
      arguments: args,
      ...(site.kind === 'application' && site.construction ? { construction: { start: site.construction.startIndex, end: site.construction.endIndex } } : {}),
      ...(inputFact ? { input: inputFact } : {}),
      ...(targetFact ? { target: targetFact } : {}),
      literal: site.kind === 'application' && literal,
    };
  });
}

/** A fact as sites describe it: where its activation is written is for fixes, not for readers. */
function described(fact: Fact): Fact {
  if (!fact.activation) return fact;
  const { call: _call, input: _input, ...activation } = fact.activation;
  return { ...fact, activation };
}

/** A list of numbers as the evaluator's parser reads it, or undefined (names, calls, ragged lists, too many elements). */
function listLiteral(text: string): { readonly dtype: 'float' | 'int' | 'bool'; readonly shape: readonly number[] } | undefined {
  try {
    const parsed = parseTensor(text, { maxElements: 100_000 });
    return { dtype: parsed.dtype, shape: parsed.shape };
  } catch {
    return undefined;
  }
}
