import * as l10n from '@vscode/l10n';
import type { Evidence, Fact } from '../types';
import { annotatedFact } from './annotations';
import { isSelf, type Binding, type ClassInfo, type FunctionInfo, type BoundModule } from './binder';
import type { Library } from './library';
import type { IrNode } from '../ir/node';
import { callArguments, calledIn, intLiteral, numberValue, readsParameter, spanOf, unparen, type CallArguments } from '../ir/syntax';
import { UNKNOWN, UNKNOWN_FACT, arithmetic, fact, isKnownRank, merge, tensor, withEvidence, type Value } from './values';

const MAX_DEPTH = 40;
/** How many values may be computing at once, each inside the next: deeper is unknown. */
const MAX_NESTING = 150;

/**
 * The workspace modules a file imports, by the name it imports them under: `get` may read one
 * the first time it is asked for; `values` are those read so far (a class or function the
 * interpreter holds comes from one of them).
 */
export type ImportTable = Pick<ReadonlyMap<string, Interpreter>, 'get' | 'has' | 'values'>;

/** A call of a function, with the interpreter of the file it is in (this one, or an importing file's). */
export interface CallSite {
  readonly call: IrNode;
  readonly interpreter: Interpreter;
}
/** The most calls of a function whose arguments are followed into it. */
const MAX_CALLERS = 8;

/**
 * Phase 3's other half: abstract interpretation of the IR (Python's or TypeScript's), as far as
 * losses care. Follows names to the bindings that reach them, calls into the functions and the
 * `forward` of classes of this file (and of the workspace modules it imports), `self.` / `this.`
 * attributes, tuples and loop targets; every call that leaves the user's code is the library's to
 * answer (`frameworks/library.ts`).
 * Memoised per node (node ids are unique in a tree); recursion (a function reaching itself) is
 * unknown.
 */
export class Interpreter {
  private readonly memo = new Map<number, Value>();
  private readonly active = new Set<number>();
  /** How many `value` calls are under way, each inside the next. */
  private nesting = 0;
  /** The statement holding each node asked about (`evidence`). */
  private readonly statements = new Map<number, IrNode>();
  private readonly passedMemo = new Map<string, Value | undefined>();
  /** Interpreters of files importing this one whose calls were read: their classes are theirs to follow. */
  private readonly callers = new Set<Interpreter>();

  constructor(
    readonly module: BoundModule,
    readonly library: Library,
    /** Workspace modules this file imports, by module name, with their own interpreters (read when first asked for, maybe). */
    private readonly imports: ImportTable = new Map(),
    /** Where this module's file is, when it is an imported one (evidence then names it). */
    readonly path?: string,
    /** One call of one function whose parameters are read from that call alone (`pinned`). */
    private readonly pin?: { readonly fn: number; readonly call: CallSite },
    /** Calls of this module's top-level functions from the workspace files that import it. */
    private readonly external?: (fn: FunctionInfo, max: number) => readonly CallSite[],
  ) {}

  /**
   * The same module read as if `fn` were called only by `call`: for checking a loss inside a
   * function whose calls pass different things (`disagreeingCalls`), one call at a time.
   */
  pinned(fn: FunctionInfo, call: CallSite): Interpreter {
    const pinned = new Interpreter(this.module, this.library, this.imports, this.path, { fn: fn.node.id, call }, this.external);
    if (call.interpreter !== this) pinned.callers.add(call.interpreter);
    return pinned;
  }

  /**
   * The calls of a function of this module: in this file, and (top-level ones) from files
   * importing it. A method's are the calls of that member on an instance of its class.
   */
  private callsOf(fn: FunctionInfo): CallSite[] | undefined {
    if (fn.cls) {
      const members = this.module.members(fn.name, 'call', MAX_CALLERS * 4);
      if (!members) return undefined;
      const calls: CallSite[] = [];
      for (const member of members) {
        const object = member.childForFieldName('object');
        const receiver = object ? this.value(object) : UNKNOWN;
        if (receiver.kind !== 'instance' || receiver.cls !== fn.cls) continue;
        if (calls.length === MAX_CALLERS) return undefined;
        calls.push({ call: member.parent!, interpreter: this });
      }
      return calls;
    }
    const own = this.module.callsOf(fn, MAX_CALLERS);
    if (!own) return undefined;
    const calls: CallSite[] = own.map((call) => ({ call, interpreter: this }));
    if (this.external && fn.module === this.module && this.module.scopeOf(fn.node).kind === 'module') {
      for (const site of this.external(fn, MAX_CALLERS - calls.length)) {
        this.callers.add(site.interpreter);
        calls.push(site);
      }
    }
    return calls;
  }

  /**
   * The calls of `fn` (at most `MAX_CALLERS`) when they pass different models, classes, functions,
   * losses or tensors for a parameter it reads — what `passed` leaves unknown — in order; undefined
   * when they agree, or a model or loss passed is not followed.
   */
  disagreeingCalls(fn: FunctionInfo): readonly CallSite[] | undefined {
    if (fn.cls || this.pin) return undefined;
    const body = fn.node.childForFieldName('body');
    if (!body) return undefined;
    // The parameters it calls (a model, a loss) first: most functions call none, and finding the
    // calls of a function searches the whole file.
    const bodyText = this.module.text.slice(body.startIndex, body.endIndex);
    const called = [...fn.parameters.entries()].filter(
      ([, parameter]) =>
        parameter.node.type !== 'list_splat_pattern' &&
        parameter.node.type !== 'dictionary_splat_pattern' &&
        readsParameter(bodyText, parameter.name, fn.source),
    );
    if (called.length === 0) return undefined;
    const calls = this.callsOf(fn);
    if (!calls || calls.length < 2) return undefined;
    let disagree = false;
    for (const [index, parameter] of called) {
      // A model or loss some call passes that is not followed: which call is wrong cannot be
      // told. A value only handed on is a tensor not known in that call.
      const handedOn = !calledIn(bodyText, parameter.name);
      const values = calls.map((site) => {
        const passed = this.argumentOf(site, index, parameter, 0);
        return (passed && withCallEvidence(passed.value, site.interpreter.evidence(site.call))) ?? (handedOn ? tensor(UNKNOWN_FACT) : undefined);
      });
      if (values.some((value) => !value)) return undefined;
      if (values.some((value) => !sameValue(value!, values[0]!))) disagree = true;
    }
    return disagree ? calls : undefined;
  }

  factOf(node: IrNode): Fact {
    const value = this.value(node);
    return value.kind === 'tensor' ? value.fact : UNKNOWN_FACT;
  }

  value(node: IrNode, depth = 0): Value {
    const key = node.id;
    const cached = this.memo.get(key);
    if (cached) return cached;
    // `depth` counts the bindings and calls followed; `nesting` every value being computed, however
    // it was asked for (a transfer function asks for its argument's fact afresh): an expression
    // nested thousands deep (`F.softmax(F.softmax(...))`) is unknown below MAX_NESTING, not a stack overflow.
    if (this.active.has(key) || depth > MAX_DEPTH || this.nesting >= MAX_NESTING) return UNKNOWN;
    this.active.add(key);
    this.nesting++;
    let result: Value;
    try {
      result = this.compute(unparen(node), depth + 1);
    } finally {
      this.active.delete(key);
      this.nesting--;
    }
    this.memo.set(key, result);
    return result;
  }

  /** The evidence entry for a node: its statement's text (first line, trimmed), where it is, and a note. */
  evidence(node: IrNode, note?: string, exact = false): Evidence {
    // The statement holding the node, or (`exact`) the node itself: a layer inside a list.
    const statement = exact ? node : statementOf(node, this.statements, this.module);
    const text = this.module.isTreeSitter
      ? firstLineOf(this.module.text, statement.startIndex, statement.endIndex)
      : firstLineOf(statement.text, 0, statement.text.length);
    return {
      text,
      span: spanOf(statement),
      ...(note ? { note } : {}),
      ...(this.path ? { file: { path: this.path, line: this.module.line(statement.startIndex) } } : {}),
    };
  }

  /**
   * The interpreter of the module a class or function belongs to: this one, a module it imports
   * (at any depth), or a file importing it and what that file imports.
   */
  private ownerOf(module: BoundModule): Interpreter {
    if (module === this.module) return this;
    const seen = new Set<Interpreter>();
    const search = (from: Iterable<Interpreter>): Interpreter | undefined => {
      for (const interpreter of from) {
        if (seen.has(interpreter)) continue;
        seen.add(interpreter);
        if (interpreter.module === module) return interpreter;
        const found = search(interpreter.imports.values());
        if (found) return found;
      }
      return undefined;
    };
    return search(this.imports.values()) ?? search(this.callers) ?? this;
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

  /**
   * A name bound nowhere in the file, from its star imports: a workspace module's top-level name
   * (`from models import *`), else a library's (`from tensorflow.keras.layers import *`), when one
   * library is star-imported.
   */
  private starImported(name: string, depth: number): Value {
    const modules = this.module.starImports();
    for (const module of modules) {
      const value = this.imports.get(module)?.topLevel(name, depth);
      if (value) return value;
    }
    const library = this.module.starLibrary(name);
    return library ? { kind: 'qualified', name: `${library}.${name}` } : UNKNOWN;
  }

  /** The value of a top-level name of this module, as another module importing it sees it. */
  topLevel(name: string, depth: number): Value | undefined {
    const found = this.module.scope.lookup(name, Number.MAX_SAFE_INTEGER);
    return found ? this.binding(found.binding, name, depth + 1) : undefined;
  }

  private compute(node: IrNode, depth: number): Value {
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
        const items = node.namedChildren.filter((child): child is IrNode => !!child && child.type !== 'comment').map((child) => this.value(child, depth));
        return { kind: 'tuple', items, evidence: [this.evidence(node)] };
      }
      case 'integer': {
        const value = intLiteral(node);
        return value === undefined ? UNKNOWN : { kind: 'int', value };
      }
      case 'unary_operator': {
        const value = intLiteral(node);
        if (value !== undefined) return { kind: 'int', value };
        // `-distance`: the interval flips (`exp(-relu(x))` is in (0, 1]).
        const operand = node.childForFieldName('argument');
        if (!operand || !node.text.trimStart().startsWith('-')) return UNKNOWN;
        const inner = this.value(operand, depth);
        const negated = inner.kind === 'tensor' ? arithmetic(inner.fact, '*', -1, false, this.evidence(node)) : undefined;
        return negated ? tensor(negated) : UNKNOWN;
      }
      case 'binary_operator':
        return this.binary(node, depth);
      case 'function_definition':
        // A function written where a value goes (an arrow function, a callback).
        return { kind: 'function', fn: this.module.functionInfo(node, this.module.scopeOf(node)) };
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

  /**
   * A name's value where it is used: the bindings that can reach the use (the last one that
   * surely ran, and those after it in branches the use is not in) joined — values that disagree
   * join to unknown. A name no binding before the use defines is read from the first after it (a
   * loop's next round, a function called later), or from the enclosing scope as it ends.
   */
  private identifier(node: IrNode, depth: number): Value {
    const scope = this.module.scopeOf(node);
    const found = scope.lookup(node.text, node.startIndex);
    if (!found) return this.starImported(node.text, depth);
    const at = found.scope === scope ? node.startIndex : Number.MAX_SAFE_INTEGER;
    const reaching = reachingBindings(found.scope.allBefore(node.text, at), at);
    if (reaching.length <= 1) return this.binding(found.binding, node.text, depth);
    return joinValues(reaching.map((binding) => this.binding(binding, node.text, depth)));
  }

  binding(binding: Binding, name: string, depth: number): Value {
    switch (binding.kind) {
      case 'assign': {
        const value = project(this.value(binding.value, depth), binding.path);
        if (value.kind !== 'tensor') return value;
        return tensor(withEvidence(value.fact, [this.evidence(binding.value)]));
      }
      case 'param': {
        const method = binding.fn.cls && isSelf(binding.fn.parameters[0]?.name ?? '');
        if (binding.index === 0 && method) return { kind: 'instance', cls: binding.fn.cls!, evidence: [] };
        // Positions as callers see them: a method's `self` is not passed.
        const position = binding.index - (method ? 1 : 0);
        const passed = this.passed(binding.fn, binding.index, position, depth);
        // A tensor keeps its position: a shape relative to it is filled in at each call.
        if (passed) return passed.kind === 'tensor' ? tensor({ ...passed.fact, param: position }) : passed;
        // No call to read it from: its annotation, when it says (`Float[Tensor, "batch classes"]`).
        const annotated = annotatedFact(this.module, binding.node.childForFieldName('type'), (node, note) => this.evidence(node, note, true));
        if (annotated) return tensor(annotated);
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
   * What the calls of a function pass for one of its parameters that it reads (calls, runs a
   * model method of, or hands on to another call), when every call passes the same model, class,
   * function or loss object, or tensors that agree (positionally, by keyword, or by leaving the
   * default): `train(model, criterion, loader)` in `main()`, `compute_loss(probs, y)`. A method's
   * calls are `obj.method(...)` on an instance of its class. No call, more than `MAX_CALLERS` of
   * them, calls that disagree or an open argument list (`*args`): unknown (calls that disagree
   * are then tried one by one, `disagreeingCalls`).
   */
  private passed(fn: FunctionInfo, index: number, position: number, depth: number): Value | undefined {
    const key = `${fn.node.id}:${index}`;
    if (this.passedMemo.has(key)) return this.passedMemo.get(key);
    this.passedMemo.set(key, undefined);
    const parameter = fn.parameters[index];
    if (!parameter || parameter.node.type === 'list_splat_pattern' || parameter.node.type === 'dictionary_splat_pattern') return undefined;
    // Only a parameter the function reads: what an edit re-checks relies on it.
    const body = fn.node.childForFieldName('body');
    if (!body || !readsParameter(this.module.text.slice(body.startIndex, body.endIndex), parameter.name, fn.source)) return undefined;
    const calls = this.pin?.fn === fn.node.id ? [this.pin.call] : this.callsOf(fn);
    if (!calls || calls.length === 0) return undefined;
    const values: Value[] = [];
    for (const site of calls) {
      const passed = this.argumentOf(site, position, parameter, depth + 1);
      if (!passed) return undefined;
      const passedHere = withCallEvidence(passed.value, site.interpreter.evidence(site.call, l10n.t('passes `{0}` as `{1}`', passed.text, parameter.name)));
      if (!passedHere || (values.length > 0 && !sameValue(values[0]!, passedHere))) return undefined;
      values.push(passedHere);
    }
    const result = joinValues(values);
    this.passedMemo.set(key, result);
    return result;
  }

  /**
   * What one call passes for a parameter of `fn` (at `index`): by keyword; by position, through a
   * `*args` that is a tuple the code writes (`args = (model, criterion)`); or the default left in
   * place (read here, in the function's file). Undefined when it cannot be told (`**kwargs`, a
   * splat of something else).
   */
  private argumentOf(site: CallSite, index: number, parameter: FunctionInfo['parameters'][number], depth: number): { value: Value; text: string } | undefined {
    const { call, interpreter } = site;
    const args = callArguments(call);
    const keyword = args.keywords.get(parameter.name);
    if (keyword) return { value: interpreter.value(keyword, depth), text: keyword.text };
    let position = 0;
    let keywordsUnknown = false;
    for (const child of call.childForFieldName('arguments')?.namedChildren ?? []) {
      if (!child || child.type === 'comment' || child.type === 'keyword_argument') continue;
      if (child.type === 'dictionary_splat') {
        keywordsUnknown = true;
        continue;
      }
      if (child.type === 'list_splat') {
        const splatted = child.firstNamedChild ? interpreter.value(child.firstNamedChild, depth) : UNKNOWN;
        if (splatted.kind !== 'tuple') return undefined;
        if (index < position + splatted.items.length) return { value: splatted.items[index - position]!, text: `${child.text}[${index - position}]` };
        position += splatted.items.length;
        continue;
      }
      if (position === index) return { value: interpreter.value(child, depth), text: child.text };
      position++;
    }
    const fallback = parameter.node.childForFieldName('value');
    return fallback && !keywordsUnknown ? { value: this.value(fallback, depth), text: fallback.text } : undefined;
  }

  /**
   * `for x, y in loader:` — the conventional (input, target) batch: the last of two or more
   * names is a dataset label. Iterating `enumerate(loader)` nests the batch in position 1.
   */
  private loopTarget(binding: Extract<Binding, { kind: 'for' }>, name: string, depth: number): Value {
    let iterable = unparen(binding.iterable);
    let path = binding.path;
    // `for head in self.heads:` and `for head in self.heads.values():` over alike modules.
    const collection =
      iterable.type === 'call' && iterable.childForFieldName('function')?.childForFieldName('attribute')?.text === 'values'
        ? iterable.childForFieldName('function')!.childForFieldName('object')!
        : iterable;
    const modules = this.value(collection, depth);
    if (modules.kind === 'modules') return path.length === 0 ? modules.member : UNKNOWN;
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

  private attribute(node: IrNode, depth: number): Value {
    const objectNode = node.childForFieldName('object');
    const name = node.childForFieldName('attribute')?.text;
    if (!objectNode || !name) return UNKNOWN;
    const object = this.value(objectNode, depth);
    // `criterion.forward(out, y)`, `layers.forward(x)`: what calling the module does.
    if (name === 'forward' && (object.kind === 'loss' || object.kind === 'layer')) return object;
    switch (object.kind) {
      case 'instance': {
        const assignments = object.cls.attribute(name);
        if (assignments.length > 0) {
          const owner = this.ownerOf(object.cls.module);
          const values = assignments.map(({ binding }) => owner.binding(binding, `self.${name}`, depth));
          // Reassigned with something else (`self.model = nn.Sequential(self.model, nn.Sigmoid())`
          // in a branch, another model in another method): not one value.
          return joinValues(values);
        }
        const method = object.cls.methods.get(name);
        if (method) return { kind: 'function', fn: method };
        // `model.apply` of a Flax module, taken as a value (`TrainState.create(apply_fn=model.apply)`).
        if (name === 'apply' && this.isFlaxClass(object.cls)) return { kind: 'bound', object, method: name };
        // A class attribute (`criterion = nn.CrossEntropyLoss()` in the class body; a field in TypeScript).
        const declared = object.cls.scope.bindings(name);
        if (declared.length > 0) return this.ownerOf(object.cls.module).binding(declared[declared.length - 1]!, name, depth);
        return this.storedFromOutside(object.cls, name, depth);
      }
      case 'qualified': {
        const fromWorkspace = this.imported(`${object.name}.${name}`, depth);
        if (fromWorkspace) return fromWorkspace;
        const qualified = this.library.canonical(`${object.name}.${name}`);
        return this.library.constant(qualified) ?? { kind: 'qualified', name: qualified };
      }
      case 'unknown':
        return this.library.outputField(name, node, this) ?? UNKNOWN;
      case 'record': {
        const field = object.fields.get(name);
        return field ? object.owner.value(field, depth) : UNKNOWN;
      }
      case 'class':
        // A subclass of Flax's `TrainState` (adding `batch_stats`) is created the same way.
        if (name === 'create' && object.cls.bases.some((base) => /\.TrainState$/.test(this.ownerOf(object.cls.module).module.qualify(base) ?? ''))) {
          return { kind: 'qualified', name: 'flax.training.train_state.TrainState.create' };
        }
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  /**
   * An attribute the class never sets itself, stored on its instances from outside
   * (`t.net = nn.Sequential(...)`): what those stores agree on.
   */
  private storedFromOutside(cls: ClassInfo, name: string, depth: number): Value {
    if (cls.module !== this.module) return UNKNOWN;
    const stores = this.module.members(name, 'store', MAX_CALLERS * 4) ?? [];
    const values: Value[] = [];
    for (const attribute of stores) {
      const object = attribute.childForFieldName('object');
      const receiver = object ? this.value(object, depth) : UNKNOWN;
      const stored = attribute.parent?.childForFieldName('right');
      if (receiver.kind !== 'instance' || receiver.cls !== cls || !stored) continue;
      const value = this.value(stored, depth);
      values.push(value.kind === 'tensor' ? tensor(withEvidence(value.fact, [this.evidence(stored)])) : value);
    }
    return values.length > 0 && values.length <= MAX_CALLERS ? joinValues(values) : UNKNOWN;
  }

  private subscript(node: IrNode, depth: number): Value {
    const valueNode = node.childForFieldName('value');
    const index = node.childForFieldName('subscript');
    if (!valueNode || !index) return UNKNOWN;
    const value = this.value(valueNode, depth);
    if (value.kind === 'modules') return value.member;
    if (value.kind === 'tuple') {
      const position = intLiteral(index);
      if (position === undefined) return UNKNOWN;
      return value.items[position < 0 ? value.items.length + position : position] ?? UNKNOWN;
    }
    if (value.kind === 'tensor') {
      // Indexing and slicing keep the meaning of the elements, not the shape.
      const { shape: _shape, classes: _classes, literal: _literal, ...rest } = value.fact;
      return tensor(rest);
    }
    const field = /^(['"])(\w+)\1$/.exec(index.text)?.[2];
    if (value.kind === 'unknown' && field) return this.library.outputField(field, node, this) ?? UNKNOWN;
    return UNKNOWN;
  }

  private binary(node: IrNode, depth: number): Value {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const operator = node.childForFieldName('operator')?.text;
    if (!left || !right) return UNKNOWN;
    // A number on one side: `(tanh(x) + 1) / 2`, `1 - torch.sigmoid(x)`.
    const constant = numberValue(left) ?? numberValue(right);
    if (constant !== undefined && operator) {
      const onLeft = numberValue(left) !== undefined;
      const other = this.value(onLeft ? right : left, depth);
      if (other.kind !== 'tensor') return UNKNOWN;
      const moved = arithmetic(other.fact, operator, constant, onLeft, this.evidence(node));
      if (moved) return tensor(moved);
    }
    const a = this.value(left, depth);
    // Scaling logits by a temperature keeps them logits.
    if (a.kind === 'tensor' && a.fact.space === 'logits' && (operator === '/' || operator === '*')) {
      const b = this.value(right, depth);
      if (b.kind !== 'tensor') {
        const { literal: _literal, ...scaled } = a.fact;
        return tensor({ ...scaled, evidence: [this.evidence(node), ...a.fact.evidence] });
      }
    }
    // Two tensors, elementwise: the shapes broadcast; what the values mean is not known.
    if (a.kind === 'tensor' && operator && /^[-+*/]$/.test(operator)) {
      const b = this.value(right, depth);
      const shape = b.kind === 'tensor' ? broadcastShapes(a.fact.shape, b.fact.shape) : undefined;
      if (b.kind === 'tensor' && shape) {
        const dtype =
          a.fact.dtype === 'int' && b.fact.dtype === 'int' && operator !== '/'
            ? 'int'
            : a.fact.dtype === 'float' || b.fact.dtype === 'float'
              ? 'float'
              : 'unknown';
        return tensor({ ...UNKNOWN_FACT, dtype, origin: a.fact.origin === b.fact.origin ? a.fact.origin : 'unknown', shape, evidence: [this.evidence(node)] });
      }
    }
    return UNKNOWN;
  }

  private call(node: IrNode, depth: number): Value {
    const callee = node.childForFieldName('function');
    if (!callee) return UNKNOWN;
    const args = callArguments(node);
    // Tensor methods: x.sigmoid(), x.float(), x.squeeze(1) ...
    if (callee.type === 'attribute') {
      const objectNode = callee.childForFieldName('object');
      const method = callee.childForFieldName('attribute')?.text;
      if (objectNode && method) {
        const object = this.value(objectNode, depth);
        if (object.kind === 'tensor') return this.library.tensorMethod(object.fact, method, node, args, this, depth);
        // `model.predict(x)`, TensorFlow.js's `layer.apply(x)`: the Keras model or layer run on `x`.
        if (object.kind === 'layer' && object.layer.keras && this.library.runsModel(method)) {
          const input = args.positional[0];
          return tensor(object.layer.apply(input ? this.factOf(input) : UNKNOWN_FACT));
        }
        // `Net().to(device)`, `model.eval()`: module methods that return the module itself.
        if ((object.kind === 'instance' || object.kind === 'layer') && this.library.returnsSelf(method)) return object;
        // A train state stepped or edited keeps its model: `state.apply_gradients(grads=grads)`.
        if (object.kind === 'record' && (method === 'apply_gradients' || method === 'replace')) return object;
        // Flax: `model.apply(variables, x)` runs the module's `__call__` on `x`.
        if (method === 'apply' && object.kind === 'instance' && this.isFlaxClass(object.cls)) {
          const call = object.cls.methods.get('__call__');
          if (call) return this.returned(call, depth, node, { ...args, positional: args.positional.slice(1) });
        }
      }
    }
    const target = this.value(callee, depth);
    switch (target.kind) {
      case 'qualified': {
        // A library API: the library says what calling it gives; else the result is a name still.
        const qualified = this.library.canonical(target.name);
        return this.library.call(qualified, node, args, this, depth) ?? { kind: 'qualified', name: qualified };
      }
      case 'layer': {
        const input = args.positional[0];
        const inputFact = input ? this.factOf(input) : UNKNOWN_FACT;
        const output = target.layer.apply(inputFact);
        return tensor(withEvidence(output, []));
      }
      case 'class':
        return { kind: 'instance', cls: target.cls, evidence: [this.evidence(node)] };
      case 'instance': {
        const forward =
          target.cls.methods.get('forward') ??
          target.cls.methods.get('__call__') ??
          (this.isKerasClass(target.cls) ? target.cls.methods.get('call') : undefined);
        if (!forward) return this.inheritedModel(target.cls, node);
        const output = this.returned(forward, depth, node);
        // A model passed in as an argument: the call that passed it is part of the chain.
        return target.passed && output.kind === 'tensor' ? tensor({ ...output.fact, evidence: [...output.fact.evidence, ...target.passed] }) : output;
      }
      case 'function':
        return this.returned(target.fn, depth, node);
      case 'bound': {
        // `state.apply_fn(variables, x)` with `apply_fn=model.apply`: the Flax module's `__call__` on `x`.
        const call = target.object.kind === 'instance' ? target.object.cls.methods.get('__call__') : undefined;
        return call ? this.returned(call, depth, node, { ...args, positional: args.positional.slice(1) }) : UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  /** What calling a value gives with no arguments (`tf.tidy(() => ...)` calls its function so). */
  callValue(target: Value, call: IrNode, depth: number): Value {
    return target.kind === 'function' ? this.returned(target.fn, depth, call, { positional: [], keywords: new Map(), open: false }) : UNKNOWN;
  }

  /** Whether a user class derives from a Flax module (`class MLP(nn.Module)` with `import flax.linen as nn`). */
  private isFlaxClass(cls: ClassInfo): boolean {
    return cls.bases.some((base) => this.ownerOf(cls.module).module.qualify(base) === 'flax.linen.Module');
  }

  /** Whether a user class derives from a Keras model or layer (`class Net(keras.Model)`): its `call` is its forward. */
  isKerasClass(cls: ClassInfo): boolean {
    return cls.bases.some((base) => {
      const qualified = this.ownerOf(cls.module).module.qualify(base);
      return !!qualified && /^keras\.(Model|Sequential|layers\.Layer)$/.test(this.library.canonical(qualified));
    });
  }

  /**
   * The output of a Keras model a value holds — a `Sequential`, a functional `keras.Model`, or an
   * instance of a `keras.Model` subclass (its `call`'s returns) — or undefined when it holds none.
   */
  kerasModelOutput(value: Value, depth = 0): Fact | undefined {
    if (value.kind === 'layer') return value.layer.keras && !value.layer.outputs ? value.layer.apply(UNKNOWN_FACT) : undefined;
    if (value.kind !== 'instance' || !this.isKerasClass(value.cls)) return undefined;
    const call = value.cls.methods.get('call');
    if (!call || call.returns.length === 0) return undefined;
    const owner = this.ownerOf(call.module);
    let output: Fact | undefined;
    for (const node of call.returns) {
      const returned = owner.value(node, depth);
      if (returned.kind !== 'tensor') return undefined;
      output = output ? merge(output, returned.fact) : returned.fact;
    }
    return output && output.origin === 'unknown' ? { ...output, origin: 'model' } : output;
  }

  /** A user class without forward of its own, whose base the library knows (`class Net(torchvision.models.ResNet)`). */
  private inheritedModel(cls: ClassInfo, call: IrNode): Value {
    for (const base of cls.bases) {
      const qualified = this.ownerOf(cls.module).module.qualify(base);
      const output = qualified ? this.library.inheritedOutput(qualified, call, this) : undefined;
      if (output) return output;
    }
    return UNKNOWN;
  }

  /** What calling a function gives: its returns, which must agree. */
  /** What a call of `fn` gives: what its returns give, or else what its return annotation says. */
  private returned(fn: FunctionInfo, depth: number, call: IrNode, given?: CallArguments): Value {
    const value = this.returnedFromBody(fn, depth, call, given);
    if (value.kind !== 'unknown') return value;
    const owner = this.ownerOf(fn.module);
    const annotated = annotatedFact(fn.module, fn.node.childForFieldName('return_type'), (node, note) => owner.evidence(node, note, true));
    if (!annotated) return value;
    return tensor({ ...annotated, origin: fn.name === 'forward' ? 'model' : 'unknown', evidence: [...annotated.evidence, this.evidence(call)] });
  }

  private returnedFromBody(fn: FunctionInfo, depth: number, call: IrNode, given?: CallArguments): Value {
    const returns = fn.returns;
    if (returns.length === 0) return UNKNOWN;
    const args = given ?? callArguments(call);
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

  private atCall(value: Value, args: CallArguments): Value {
    const facts = () => args.positional.map((node) => this.factOf(node));
    if (value.kind === 'tensor' && value.fact.param !== undefined) return tensor(substitute(value.fact, facts()));
    if (value.kind === 'tuple' && value.items.some((item) => item.kind === 'tensor' && item.fact.param !== undefined)) {
      const argFacts = facts();
      return { ...value, items: value.items.map((item) => (item.kind === 'tensor' ? tensor(substitute(item.fact, argFacts)) : item)) };
    }
    return value;
  }
}

/**
 * The first line of the text from `start` to `end`, trimmed, cut to 80 characters. Only its
 * start is read: a statement can be a megabyte of one nested expression, and every node in it
 * may be asked about.
 */
function firstLineOf(text: string, start: number, end: number): string {
  const window = text.slice(start, Math.min(end, start + FIRST_LINE_WINDOW));
  const newline = window.indexOf('\n');
  if (newline < 0 && start + window.length < end) {
    // Cut by the window: the line is longer than 80 unless only spaces follow to its end.
    const spaces = /[^\S\n]*\n/y;
    spaces.lastIndex = start + window.length;
    if (!spaces.test(text)) return `${window.trimStart().slice(0, 77)}...`;
  }
  const line = (newline >= 0 ? window.slice(0, newline) : window).trim();
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/** How much of a statement's text `firstLineOf` reads before it knows the line is long. */
const FIRST_LINE_WINDOW = 1024;

/** Fills in parameter-relative shapes with the shapes of the arguments of one call. */
function substitute(value: Fact, args: Fact[]): Fact {
  const { param, ...rest } = value;
  if (param === undefined) return value;
  if (!value.shape || value.shape[0] !== 'param') return rest;
  const argument = args[param];
  if (!argument?.shape || argument.shape[0] === '...' || argument.shape[0] === 'param') return { ...rest, shape: ['...', ...value.shape.slice(1)] };
  return { ...rest, shape: [...argument.shape.slice(0, -1), ...value.shape.slice(1)] };
}

/** A value passed to a parameter, with the call that passed it as evidence; undefined for what is not followed. */
function withCallEvidence(value: Value, evidence: Evidence): Value | undefined {
  switch (value.kind) {
    case 'tensor':
      return tensor({ ...value.fact, evidence: [...value.fact.evidence, evidence] });
    case 'instance':
      return { ...value, passed: [...(value.passed ?? []), evidence] };
    case 'class':
    case 'function':
    case 'loss':
    case 'layer':
    case 'record':
      return value;
    default:
      return undefined;
  }
}

/**
 * The bindings of a name (in order, all before `at`) that can reach `at`: from the last one whose
 * branch holds `at` (or that is in none) on.
 */
function reachingBindings(before: readonly Binding[], at: number): readonly Binding[] {
  for (let index = before.length - 1; index >= 0; index--) {
    const branch = before[index]!.branch;
    if (!branch || (branch.start <= at && at < branch.end)) return before.slice(index);
  }
  return before;
}

/** What a name holds when several bindings can reach it: what they agree on, else unknown. */
function joinValues(values: readonly Value[]): Value {
  const first = values[0]!;
  if (first.kind === 'tensor' && values.every((value) => value.kind === 'tensor'))
    return tensor(values.slice(1).reduce((joined, value) => merge(joined, (value as Extract<Value, { kind: 'tensor' }>).fact), first.fact));
  return values.every((value) => sameValue(value, first)) ? first : UNKNOWN;
}

/** Whether two calls pass the same model, class, function or loss object. */
function sameValue(a: Value, b: Value): boolean {
  // Tensors that mean the same: what a loss reads of them agrees.
  if (a.kind === 'tensor' && b.kind === 'tensor')
    return a.fact.space === b.fact.space && a.fact.activation?.fn === b.fact.activation?.fn && a.fact.origin === b.fact.origin && a.fact.dtype === b.fact.dtype;
  if (a.kind === 'instance' && b.kind === 'instance') return a.cls === b.cls;
  if (a.kind === 'class' && b.kind === 'class') return a.cls === b.cls;
  if (a.kind === 'function' && b.kind === 'function') return a.fn === b.fn;
  if (a.kind === 'record' && b.kind === 'record') return a.fields === b.fields;
  // Layers written alike (`nn.Linear(16, 1)` in two calls) are the same layer.
  if (a.kind === 'layer' && b.kind === 'layer') return a.layer === b.layer || a.layer.describe === b.layer.describe;
  // Two constructions written alike (`nn.CrossEntropyLoss()` in two calls) are the same loss.
  if (a.kind === 'loss' && b.kind === 'loss') return a.construction.id === b.construction.id || a.construction.text === b.construction.text;
  if (a.kind === 'qualified' && b.kind === 'qualified') return a.name === b.name;
  if (a.kind === 'dtype' && b.kind === 'dtype') return a.dtype === b.dtype;
  if (a.kind === 'int' && b.kind === 'int') return a.value === b.value;
  return false;
}

function project(value: Value, path: readonly number[]): Value {
  let current = value;
  for (const index of path) {
    if (current.kind !== 'tuple' || index < 0) return UNKNOWN;
    current = current.items[index] ?? UNKNOWN;
  }
  return current;
}

/**
 * The statement holding a node: the innermost ancestor whose parent holds statements (or that
 * parent, when it is an expression or return statement). Found from the top down, through the
 * statements only (`childHolding`), never through the expression around the node: that can be
 * nested thousands deep, and every `parent` read costs the depth (tree-sitter walks down from
 * the root).
 */
function statementOf(node: IrNode, known: Map<number, IrNode>, module: BoundModule): IrNode {
  const cached = known.get(node.id);
  if (cached) return cached;
  // A lowered tree's parents are fields, and its functions can be written inside expressions.
  if (!module.isTreeSitter) return statementAbove(node, known);
  let statement: IrNode | undefined;
  let current = module.scope.body;
  while (current.id !== node.id) {
    if (current.type === 'expression_statement' || current.type === 'return_statement') {
      statement = current;
      break;
    }
    // Below anything else (an expression, a `with` clause) there are no statements.
    if (!STATEMENT_HOLDER.test(current.type)) break;
    const child = module.childHolding(current, node.startIndex, node.endIndex);
    // Not a named node the statements lead to (a token): its parents tell.
    if (!child) return statementAbove(node, known);
    if (STATEMENT_PARENT.test(current.type)) statement = child;
    current = child;
  }
  const found = statement ?? current;
  known.set(node.id, found);
  return found;
}

/** `statementOf` by climbing `parent` links: for lowered trees, and what the statements do not lead to. */
function statementAbove(node: IrNode, known: Map<number, IrNode>): IrNode {
  let current = node;
  let parent = current.parent;
  while (parent && !STATEMENT_PARENT.test(parent.type)) {
    current = parent;
    parent = current.parent;
  }
  const statement = parent && (parent.type === 'expression_statement' || parent.type === 'return_statement') ? parent : current;
  known.set(node.id, statement);
  return statement;
}

/** What a statement's (or an expression statement's content's) parent is. */
const STATEMENT_PARENT = /^(?:expression_statement|return_statement|module|block|for_statement|if_statement|while_statement|with_statement)$/;

/** What can hold statements, at any depth: modules, blocks, compound statements, their clauses, and what tree-sitter could not read. */
const STATEMENT_HOLDER =
  /^(?:module|block|if_statement|elif_clause|else_clause|for_statement|while_statement|with_statement|try_statement|except_clause|except_group_clause|finally_clause|match_statement|case_clause|function_definition|class_definition|decorated_definition|ERROR)$/;

/**
 * The shape of an elementwise operation on two known-rank shapes (NumPy's broadcasting, from the
 * last dim: equal sizes, or one of them 1); undefined when a rank is unknown or the sizes clash.
 */
function broadcastShapes(a: Fact['shape'], b: Fact['shape']): Fact['shape'] {
  if (!isKnownRank(a) || !isKnownRank(b)) return undefined;
  const length = Math.max(a.length, b.length);
  const shape: Array<number | string | undefined> = [];
  for (let index = 1; index <= length; index++) {
    const x = a.length - index >= 0 ? a[a.length - index] : 1;
    const y = b.length - index >= 0 ? b[b.length - index] : 1;
    if (x === 1) shape.unshift(y);
    else if (y === 1 || x === y) shape.unshift(x);
    else if (typeof x === 'number' && typeof y === 'number') return undefined;
    // A named or unknown size against another: either may be 1.
    else shape.unshift(undefined);
  }
  return shape;
}
