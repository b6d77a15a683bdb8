import * as l10n from '@vscode/l10n';
import type { Dim, Evidence, Fact } from '../types';
import {
  ACTIVATION_FUNCTIONS,
  ACTIVATION_METHODS,
  ACTIVATION_MODULES,
  DTYPE_NAMES,
  FACTORIES,
  TENSOR_CONSTRUCTORS,
  LINEAR_LAYERS,
  LOSS_CLASSES,
  PASSTHROUGH_LAYERS,
  SHAPE_PRESERVING_LAYERS,
  VALUE_PRESERVING_METHODS,
  canonical,
  isLogitsModelFactory,
  type ActivationKind,
} from './apis';
import type { Binding, ClassInfo, FunctionInfo, PythonModule } from './binder';
import type { SyntaxNode } from './parser';
import { argument, callArguments, intLiteral, lineOf, spanOf, unparen } from './syntax';
import { parseTensor } from '../../tensor/parse';
import type { Tensor } from '../../tensor/tensor';
import { UNKNOWN, UNKNOWN_FACT, fact, isKnownRank, merge, tensor, withEvidence, type Layer, type Value } from './values';

const MAX_DEPTH = 40;

const MODULE_SELF_METHODS: ReadonlySet<string> = new Set(['to', 'cuda', 'cpu', 'train', 'eval', 'float', 'double', 'half', 'requires_grad_', 'to_empty']);

/**
 * Abstract interpretation of Python expressions, as far as losses care: follows names to their
 * assignments, calls into functions and `forward` of classes in the same file, `self.` attributes
 * set in `__init__`, `nn.Sequential` contents, and tensor methods. Memoised per node; recursion
 * (a function reaching itself) yields unknown.
 */
export class Evaluator {
  private readonly memo = new Map<number, Value>();
  private readonly active = new Set<number>();

  constructor(
    readonly module: PythonModule,
    /** Workspace modules this file imports, by module name, with their own evaluators. */
    private readonly imports: ReadonlyMap<string, Evaluator> = new Map(),
    /** Where this module's file is, when it is an imported one (evidence then names it). */
    private readonly path?: string,
  ) {}

  factOf(node: SyntaxNode): Fact {
    const value = this.value(node);
    return value.kind === 'tensor' ? value.fact : UNKNOWN_FACT;
  }

  value(node: SyntaxNode, depth = 0): Value {
    // Unique per node: files are at most 2 MB (2^21 characters), so start and length fit 22 bits each.
    const key = (node.startIndex * 0x400000 + (node.endIndex - node.startIndex)) * 8 + (node.typeId % 8);
    const cached = this.memo.get(key);
    if (cached) return cached;
    if (this.active.has(key) || depth > MAX_DEPTH) return UNKNOWN;
    this.active.add(key);
    let result: Value;
    try {
      result = this.compute(unparen(node), depth + 1);
    } finally {
      this.active.delete(key);
    }
    this.memo.set(key, result);
    return result;
  }

  /** The evidence entry for a node: its statement's text (first line, trimmed), where it is, and a note. */
  evidence(node: SyntaxNode, note?: string): Evidence {
    const statement = statementOf(node);
    const firstLine = statement.text.split('\n')[0]!.trim();
    const text = firstLine.length > 80 ? `${firstLine.slice(0, 77)}...` : firstLine;
    return {
      text,
      span: spanOf(statement),
      ...(note ? { note } : {}),
      ...(this.path ? { file: { path: this.path, line: lineOf(this.module.text, statement.startIndex) } } : {}),
    };
  }

  /** The evaluator of the module a class or function belongs to: this one, or an imported module's. */
  private ownerOf(module: PythonModule): Evaluator {
    if (module === this.module) return this;
    for (const evaluator of this.imports.values()) if (evaluator.module === module) return evaluator;
    return this;
  }

  /**
   * What a name imported from a workspace module is: `models.Classifier` with `models` a file of
   * the workspace is the top-level `Classifier` of that file.
   */
  private imported(qualified: string, depth: number): Value | undefined {
    // A workspace module itself (`from pkg import models`): stays a name, its attributes resolve below.
    if (this.imports.has(qualified)) return { kind: 'qualified', name: qualified };
    const cut = qualified.lastIndexOf('.');
    if (cut < 0) return undefined;
    return this.imports.get(qualified.slice(0, cut))?.topLevel(qualified.slice(cut + 1), depth);
  }

  /** The value of a top-level name of this module, as another module importing it sees it. */
  topLevel(name: string, depth: number): Value | undefined {
    const found = this.module.scope.lookup(name, Number.MAX_SAFE_INTEGER);
    return found ? this.binding(found.binding, name, depth + 1) : undefined;
  }

  line(node: SyntaxNode): number {
    return lineOf(this.module.text, node.startIndex);
  }

  private compute(node: SyntaxNode, depth: number): Value {
    switch (node.type) {
      case 'identifier':
        return this.identifier(node, depth);
      case 'call':
        return this.call(node, depth);
      case 'attribute':
        return this.attribute(node, depth);
      case 'subscript':
        return this.subscript(node, depth);
      case 'tuple':
      case 'expression_list': {
        const items = node.namedChildren.filter((child): child is SyntaxNode => !!child && child.type !== 'comment').map((child) => this.value(child, depth));
        return { kind: 'tuple', items, evidence: [this.evidence(node)] };
      }
      case 'integer': {
        const value = intLiteral(node);
        return value === undefined ? UNKNOWN : { kind: 'int', value };
      }
      case 'unary_operator': {
        const value = intLiteral(node);
        return value === undefined ? UNKNOWN : { kind: 'int', value };
      }
      case 'binary_operator':
        return this.binary(node, depth);
      case 'conditional_expression': {
        const [whenTrue, , whenFalse] = node.namedChildren;
        if (!whenTrue || !whenFalse) return UNKNOWN;
        const a = this.value(whenTrue, depth);
        const b = this.value(whenFalse, depth);
        return a.kind === 'tensor' && b.kind === 'tensor' ? tensor(merge(a.fact, b.fact)) : UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  private identifier(node: SyntaxNode, depth: number): Value {
    const scope = this.module.scopeOf(node);
    const found = scope.lookup(node.text, node.startIndex);
    if (!found) return UNKNOWN;
    // Several assignments before the use in the same function: they must agree.
    if (found.scope === scope && found.binding.kind === 'assign') {
      const candidates = scope.allBefore(node.text, node.startIndex).filter((binding) => binding.kind === 'assign' || binding.kind === 'other');
      if (candidates.length > 1 && candidates.some((binding) => binding.kind === 'other')) return UNKNOWN;
    }
    return this.binding(found.binding, node.text, depth);
  }

  binding(binding: Binding, name: string, depth: number): Value {
    switch (binding.kind) {
      case 'assign': {
        const value = project(this.value(binding.value, depth), binding.path);
        if (value.kind !== 'tensor') return value;
        return tensor(withEvidence(value.fact, [this.evidence(binding.value)]));
      }
      case 'param': {
        if (binding.index === 0 && binding.fn.cls && name === 'self') return { kind: 'instance', cls: binding.fn.cls, evidence: [] };
        // Positions as callers see them: a method's `self` is not passed.
        const position = binding.index - (binding.fn.cls && binding.fn.parameters[0]?.name === 'self' ? 1 : 0);
        return tensor({ ...UNKNOWN_FACT, param: position });
      }
      case 'for':
        return this.loopTarget(binding, name, depth);
      case 'def':
        return { kind: 'function', fn: binding.fn };
      case 'class':
        return { kind: 'class', cls: binding.cls };
      case 'import':
        return this.imported(binding.qualified, depth) ?? { kind: 'qualified', name: binding.qualified };
      default:
        return UNKNOWN;
    }
  }

  /**
   * `for x, y in loader:` — the conventional (input, target) batch: the last of two or more
   * names is a dataset label. Iterating `enumerate(loader)` nests the batch in position 1.
   */
  private loopTarget(binding: Extract<Binding, { kind: 'for' }>, name: string, depth: number): Value {
    let iterable = unparen(binding.iterable);
    let path = binding.path;
    if (iterable.type === 'call') {
      const callee = iterable.childForFieldName('function');
      const calleeName = callee?.text;
      if (calleeName === 'enumerate' || calleeName === 'tqdm' || calleeName === 'tqdm.tqdm') {
        const inner = callArguments(iterable).positional[0];
        if (!inner) return UNKNOWN;
        if (calleeName === 'enumerate') {
          if (path[0] !== 1) return UNKNOWN;
          path = path.slice(1);
        }
        iterable = unparen(inner);
      } else if (calleeName === 'range' || calleeName === 'zip' || calleeName === 'len') {
        return UNKNOWN;
      }
    }
    if (path.length !== 1) return UNKNOWN;
    const value = this.value(iterable, depth);
    const opaque =
      value.kind === 'unknown' || value.kind === 'qualified' || (value.kind === 'tensor' && value.fact.param !== undefined && value.fact.space === 'unknown');
    if (!opaque) return UNKNOWN;
    const arity = binding.arity;
    if (arity < 2 || path[0] !== arity - 1) return UNKNOWN;
    return tensor(fact('unknown', { origin: 'label', evidence: [this.evidence(binding.iterable, l10n.t('`{0}` is the target of each batch', name))] }));
  }

  private attribute(node: SyntaxNode, depth: number): Value {
    const objectNode = node.childForFieldName('object');
    const name = node.childForFieldName('attribute')?.text;
    if (!objectNode || !name) return UNKNOWN;
    const object = this.value(objectNode, depth);
    switch (object.kind) {
      case 'instance': {
        const assignments = object.cls.attribute(name);
        if (assignments.length > 0) {
          const owner = this.ownerOf(object.cls.module);
          const values = assignments.map(({ binding }) => owner.binding(binding, `self.${name}`, depth));
          // Reassigned later with something else: not one value.
          if (values.some((value) => value.kind !== values[0]!.kind)) return UNKNOWN;
          return values[0]!;
        }
        const method = object.cls.methods.get(name);
        return method ? { kind: 'function', fn: method } : UNKNOWN;
      }
      case 'qualified': {
        const fromWorkspace = this.imported(`${object.name}.${name}`, depth);
        if (fromWorkspace) return fromWorkspace;
        const qualified = canonical(`${object.name}.${name}`);
        const dtype = DTYPE_NAMES[qualified];
        return dtype ? { kind: 'dtype', dtype } : { kind: 'qualified', name: qualified };
      }
      case 'unknown':
        // Hugging Face model outputs: `outputs.logits` holds the classifier's raw scores.
        if (name === 'logits') return tensor(fact('logits', { origin: 'model', evidence: [this.evidence(node, l10n.t('`.logits` of a model output'))] }));
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private subscript(node: SyntaxNode, depth: number): Value {
    const valueNode = node.childForFieldName('value');
    const index = node.childForFieldName('subscript');
    if (!valueNode || !index) return UNKNOWN;
    const value = this.value(valueNode, depth);
    if (value.kind === 'tuple') {
      const position = intLiteral(index);
      if (position === undefined) return UNKNOWN;
      return value.items[position < 0 ? value.items.length + position : position] ?? UNKNOWN;
    }
    if (value.kind === 'tensor') {
      // Indexing and slicing keep the meaning of the elements, not the shape.
      const { shape: _shape, classes: _classes, ...rest } = value.fact;
      return tensor(rest);
    }
    if (value.kind === 'unknown' && (index.text === "'logits'" || index.text === '"logits"')) {
      return tensor(fact('logits', { origin: 'model', evidence: [this.evidence(node, l10n.t('`["logits"]` of a model output'))] }));
    }
    return UNKNOWN;
  }

  private binary(node: SyntaxNode, depth: number): Value {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const operator = node.childForFieldName('operator')?.text;
    if (!left || !right) return UNKNOWN;
    const a = this.value(left, depth);
    // Scaling logits by a temperature keeps them logits.
    if (a.kind === 'tensor' && a.fact.space === 'logits' && (operator === '/' || operator === '*')) {
      const b = this.value(right, depth);
      if (b.kind !== 'tensor') return tensor({ ...a.fact, evidence: [this.evidence(node), ...a.fact.evidence] });
    }
    return UNKNOWN;
  }

  private call(node: SyntaxNode, depth: number): Value {
    const callee = node.childForFieldName('function');
    if (!callee) return UNKNOWN;
    const args = callArguments(node);
    // Tensor methods: x.sigmoid(), x.float(), x.squeeze(1) ...
    if (callee.type === 'attribute') {
      const objectNode = callee.childForFieldName('object');
      const method = callee.childForFieldName('attribute')?.text;
      if (objectNode && method) {
        const object = this.value(objectNode, depth);
        if (object.kind === 'tensor') return this.tensorMethod(object.fact, method, node, args, depth);
        // `Net().to(device)`, `model.eval()`: module methods that return the module itself.
        if ((object.kind === 'instance' || object.kind === 'layer') && MODULE_SELF_METHODS.has(method)) return object;
      }
    }
    const target = this.value(callee, depth);
    switch (target.kind) {
      case 'qualified':
        return this.qualifiedCall(canonical(target.name), node, args, depth);
      case 'layer': {
        const input = args.positional[0];
        const inputFact = input ? this.factOf(input) : UNKNOWN_FACT;
        const output = target.layer.apply(inputFact);
        return tensor(withEvidence(output, []));
      }
      case 'class':
        return { kind: 'instance', cls: target.cls, evidence: [this.evidence(node)] };
      case 'instance': {
        const forward = target.cls.methods.get('forward') ?? target.cls.methods.get('__call__');
        if (!forward) return this.inheritedModel(target.cls, node);
        return this.returned(forward, depth, node);
      }
      case 'function':
        return this.returned(target.fn, depth, node);
      default:
        return UNKNOWN;
    }
  }

  /** A user class without forward whose base is a known model (`class Net(torchvision.models.ResNet)`). */
  private inheritedModel(cls: ClassInfo, call: SyntaxNode): Value {
    for (const base of cls.bases) {
      const qualified = this.ownerOf(cls.module).module.qualify(base);
      if (qualified && isLogitsModelFactory(qualified.replace(/\.[A-Z]\w*$/, (m) => m.toLowerCase()))) {
        return tensor(fact('logits', { origin: 'model', evidence: [this.evidence(call)] }));
      }
    }
    return UNKNOWN;
  }

  /** What calling a function gives: its returns, which must agree. */
  private returned(fn: FunctionInfo, depth: number, call: SyntaxNode): Value {
    const returns = fn.returns;
    if (returns.length === 0) return UNKNOWN;
    const args = callArguments(call);
    // The returns are read in their own module (an imported one, maybe); the call's arguments here.
    const owner = this.ownerOf(fn.module);
    const values = returns.map((node) => this.atCall(owner.value(node, depth), args));
    const first = values[0]!;
    const callEvidence = this.evidence(call);
    if (first.kind === 'tensor') {
      let result = first.fact;
      for (const other of values.slice(1)) {
        if (other.kind !== 'tensor') return UNKNOWN;
        result = merge(result, other.fact);
      }
      const origin = result.origin === 'unknown' && fn.name === 'forward' ? 'model' : result.origin;
      return tensor({ ...result, origin, evidence: [...result.evidence, callEvidence] });
    }
    if (first.kind === 'tuple' && values.every((value) => value.kind === 'tuple' && value.items.length === first.items.length)) {
      const items = first.items.map((item, index) => {
        const facts = values.map((value) => (value as Extract<Value, { kind: 'tuple' }>).items[index]!);
        if (facts.some((candidate) => candidate.kind !== 'tensor')) return facts.length === 1 ? item : UNKNOWN;
        let merged = (facts[0] as Extract<Value, { kind: 'tensor' }>).fact;
        for (const other of facts.slice(1)) merged = merge(merged, (other as Extract<Value, { kind: 'tensor' }>).fact);
        const origin = merged.origin === 'unknown' && fn.name === 'forward' ? 'model' : merged.origin;
        return tensor({ ...merged, origin, evidence: [...merged.evidence, callEvidence] });
      });
      return { kind: 'tuple', items, evidence: [callEvidence] };
    }
    return values.length === 1 ? first : UNKNOWN;
  }

  private qualifiedCall(qualified: string, node: SyntaxNode, args: ReturnType<typeof callArguments>, depth: number): Value {
    const activation = ACTIVATION_FUNCTIONS[qualified];
    if (activation) {
      const input = args.positional[0];
      const dim = intLiteral(argument(args, 'dim', 1));
      return tensor(this.activated(input ? this.factOf(input) : UNKNOWN_FACT, activation, dim, node, input));
    }
    if (LOSS_CLASSES[qualified]) return { kind: 'loss', qualified, construction: node };
    const activationModule = ACTIVATION_MODULES[qualified];
    if (activationModule) {
      const dim = intLiteral(argument(args, 'dim', 0));
      const evidence = this.evidence(node);
      return {
        kind: 'layer',
        layer: { describe: node.text, evidence: [evidence], apply: (input) => this.activated(input, activationModule, dim, node) },
      };
    }
    const linear = LINEAR_LAYERS[qualified];
    if (linear) return { kind: 'layer', layer: this.linearLayer(node, linear, args) };
    if (PASSTHROUGH_LAYERS.has(qualified)) return { kind: 'layer', layer: { describe: node.text, evidence: [], apply: (input) => input } };
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
    if (qualified === 'torch.nn.Sequential') return this.sequential(node, args, depth);
    if (isLogitsModelFactory(qualified)) {
      const evidence = [this.evidence(node, l10n.t('`{0}` ends in a linear classifier', node.childForFieldName('function')!.text))];
      return { kind: 'layer', layer: { describe: node.text, evidence, apply: () => fact('logits', { origin: 'model', dtype: 'float', evidence }) } };
    }
    const factory = FACTORIES[qualified];
    if (factory) return tensor(this.factory(qualified, factory, node, args));
    if (qualified in TENSOR_CONSTRUCTORS) return tensor(this.literalTensor(qualified, node, args));
    if (qualified === 'torch.nn.functional.one_hot') {
      const input = args.positional[0];
      const classes = intLiteral(argument(args, 'num_classes', 1));
      const inputFact = input ? this.factOf(input) : UNKNOWN_FACT;
      const shape = inputFact.shape && classes !== undefined ? [...inputFact.shape, classes] : undefined;
      return tensor({
        ...fact('unknown', {
          dtype: 'int',
          origin: inputFact.origin,
          evidence: [this.evidence(node, l10n.t('one-hot labels (int64)'))],
          ...(shape ? { shape } : {}),
        }),
        oneHot: true,
      });
    }
    if (qualified === 'torch.log') {
      const input = args.positional[0];
      const inner = input ? this.factOf(input) : UNKNOWN_FACT;
      if (inner.space === 'probabilities') {
        return tensor({
          ...inner,
          space: 'log-probabilities',
          activation: inner.activation?.fn === 'sigmoid' ? { fn: 'logsigmoid' } : inner.activation ? { ...inner.activation, fn: 'log_softmax' } : undefined,
          evidence: [...inner.evidence, this.evidence(node)],
        } as Fact);
      }
      return UNKNOWN;
    }
    return { kind: 'qualified', name: qualified };
  }

  /**
   * The output of an activation. `inputNode` is where the value before it is written (absent for
   * layers of a model, whose input is not at the site).
   */
  activated(input: Fact, kind: ActivationKind, dim: number | undefined, node: SyntaxNode, inputNode?: SyntaxNode): Fact {
    const space = kind === 'sigmoid' || kind === 'softmax' ? 'probabilities' : 'log-probabilities';
    return fact(space, {
      dtype: 'float',
      origin: input.origin,
      activation: {
        fn: kind,
        ...(dim !== undefined ? { dim } : {}),
        call: spanOf(node),
        // In another file, or a layer of the model: not where the loss is, so no fix can edit it.
        ...(inputNode && !this.path ? { input: spanOf(inputNode) } : { inModel: true }),
      },
      evidence: [this.evidence(node, l10n.t('{0} applied', kind))],
      ...(input.shape ? { shape: input.shape } : {}),
      ...(input.classes !== undefined ? { classes: input.classes } : {}),
    }) as Fact & { param?: number };
  }

  private linearLayer(node: SyntaxNode, spec: (typeof LINEAR_LAYERS)[string], args: ReturnType<typeof callArguments>): Layer {
    const out = intLiteral(argument(args, spec.outKeyword, spec.outPosition));
    const name = node.childForFieldName('function')!.text;
    const evidence = this.evidence(node);
    return {
      describe: node.text,
      evidence: [evidence],
      apply: (input) => {
        let shape: Dim[];
        if (spec.spatial) shape = ['...', out, ...(input.shape && isKnownRank(input.shape) ? input.shape.slice(2).map(() => undefined) : [])];
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

  private sequential(node: SyntaxNode, args: ReturnType<typeof callArguments>, depth: number): Value {
    if (args.open) return UNKNOWN;
    const layers: Layer[] = [];
    for (const child of args.positional) {
      const value = this.value(child, depth);
      if (value.kind !== 'layer') return { kind: 'layer', layer: opaqueLayer(node) };
      layers.push(value.layer);
    }
    // Layers appended later in the same scope: `seq.add_module(...)`, `seq.append(...)`.
    const assignment = node.parent?.type === 'assignment' ? node.parent : undefined;
    const target = assignment?.childForFieldName('left');
    if (target) {
      const scope = this.module.scopeOf(node);
      for (const call of scope.callsOn(target.text)) {
        const method = call.childForFieldName('function')?.childForFieldName('attribute')?.text;
        const callArgs = callArguments(call);
        const added = method === 'add_module' ? callArgs.positional[1] : method === 'append' ? callArgs.positional[0] : undefined;
        if (!added) continue;
        const value = this.value(added, depth);
        if (value.kind !== 'layer') return { kind: 'layer', layer: opaqueLayer(node) };
        layers.push(value.layer);
      }
    }
    return {
      kind: 'layer',
      layer: {
        describe: node.text,
        evidence: [this.evidence(node)],
        apply: (input) => layers.reduce((current, layer) => layer.apply(current), input),
      },
    };
  }

  private factory(qualified: string, dtype: 'float' | 'int', node: SyntaxNode, args: ReturnType<typeof callArguments>): Fact {
    const dtypeArg = args.keywords.get('dtype');
    let resolved: 'float' | 'int' | 'bool' | 'unknown' = dtype;
    if (dtypeArg) {
      const value = this.value(dtypeArg);
      resolved = value.kind === 'dtype' ? value.dtype : 'unknown';
    }
    let sizes: SyntaxNode[] = args.positional;
    if (qualified === 'torch.randint') {
      // randint(high, size) or randint(low, high, size): the size is the last positional (a tuple).
      const size = args.keywords.get('size') ?? args.positional[args.positional.length - 1];
      sizes = size ? [size] : [];
    } else if (qualified === 'torch.arange') {
      sizes = [];
    }
    const size = args.keywords.get('size') ?? (sizes.length === 1 && /^(tuple|list)$/.test(sizes[0]!.type) ? sizes[0] : undefined);
    const dims = size ? size.namedChildren.filter((child): child is SyntaxNode => !!child) : sizes;
    const shape =
      dims.length > 0 && dims.every((dim) => /^(integer|identifier|attribute|unary_operator)$/.test(dim.type))
        ? dims.map((dim) => intLiteral(dim) ?? (dim.type === 'identifier' ? dim.text : undefined))
        : undefined;
    return fact('unknown', { dtype: resolved, origin: 'literal', evidence: [this.evidence(node)], ...(shape ? { shape } : {}) });
  }

  /** `torch.tensor([[...]])` and friends: shape and dtype from the literal itself. */
  private literalTensor(qualified: string, node: SyntaxNode, args: ReturnType<typeof callArguments>): Fact {
    const data = args.positional[0];
    const evidence = [this.evidence(node)];
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
      const value = this.value(dtypeArg);
      dtype = value.kind === 'dtype' ? value.dtype : 'unknown';
    }
    return fact('unknown', { dtype, origin: 'literal', evidence, ...(parsed ? { shape: parsed.shape } : {}) });
  }

  private atCall(value: Value, args: ReturnType<typeof callArguments>): Value {
    const facts = () => args.positional.map((node) => this.factOf(node));
    if (value.kind === 'tensor' && value.fact.param !== undefined) return tensor(substitute(value.fact, facts()));
    if (value.kind === 'tuple' && value.items.some((item) => item.kind === 'tensor' && item.fact.param !== undefined)) {
      const argFacts = facts();
      return { ...value, items: value.items.map((item) => (item.kind === 'tensor' ? tensor(substitute(item.fact, argFacts)) : item)) };
    }
    return value;
  }

  private tensorMethod(input: Fact, method: string, node: SyntaxNode, args: ReturnType<typeof callArguments>, depth: number): Value {
    // A dtype change is its own evidence; a reshape or log keeps what made the space.
    const evidence = [this.evidence(node), ...input.evidence];
    const appended = [...input.evidence, this.evidence(node)];
    const activation = ACTIVATION_METHODS[method];
    if (activation)
      return tensor(
        this.activated(
          input,
          activation,
          intLiteral(argument(args, 'dim', 0)),
          node,
          node.childForFieldName('function')?.childForFieldName('object') ?? undefined,
        ),
      );
    if (VALUE_PRESERVING_METHODS.has(method)) return tensor(input);
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
        const dtypeNode = args.keywords.get('dtype') ?? args.positional.find((arg) => this.value(arg, depth).kind === 'dtype');
        const dtype = dtypeNode ? this.value(dtypeNode, depth) : undefined;
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
      case 'argmax':
      case 'argmin':
        return tensor(fact('unknown', { dtype: 'int', origin: input.origin, evidence }));
      default:
        return UNKNOWN;
    }
  }
}

/** Shape transfer for squeeze / unsqueeze / view / reshape / flatten; the space and dtype stay. */
function reshaped(input: Fact, method: string, args: ReturnType<typeof callArguments>, evidence: Evidence[]): Fact {
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
        ? args.positional[0]!.namedChildren.filter((c): c is SyntaxNode => !!c)
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

/** Fills in parameter-relative shapes with the shapes of the arguments of one call. */
function substitute(value: Fact, args: Fact[]): Fact {
  const { param, ...rest } = value;
  if (param === undefined) return value;
  if (!value.shape || value.shape[0] !== 'param') return rest;
  const argument = args[param];
  if (!argument?.shape || argument.shape[0] === '...' || argument.shape[0] === 'param') return { ...rest, shape: ['...', ...value.shape.slice(1)] };
  return { ...rest, shape: [...argument.shape.slice(0, -1), ...value.shape.slice(1)] };
}

function project(value: Value, path: readonly number[]): Value {
  let current = value;
  for (const index of path) {
    if (current.kind !== 'tuple' || index < 0) return UNKNOWN;
    current = current.items[index] ?? UNKNOWN;
  }
  return current;
}

function opaqueLayer(node: SyntaxNode): Layer {
  return { describe: node.text, evidence: [], apply: () => UNKNOWN_FACT };
}

function statementOf(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (
    current.parent &&
    !/^(expression_statement|return_statement|module|block|for_statement|if_statement|while_statement|with_statement)$/.test(current.parent.type)
  ) {
    current = current.parent;
  }
  if (current.parent?.type === 'expression_statement' || current.parent?.type === 'return_statement') return current.parent;
  return current;
}
