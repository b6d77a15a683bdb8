import { LineIndex, lastAtOrBefore } from '../lines';
import type { IrNode, IrTree } from '../ir/node';
import { containsWord, dottedParts, intLiteral, stringLiteral } from '../ir/syntax';
import { knownName } from '../frameworks/apis';

/**
 * Name binding for one Python file: imports and their aliases, scopes with their assignments,
 * classes with their `self.` attributes and methods, functions with their returns. Scopes are
 * indexed on demand, the first time something asks about them, so a large file costs only what
 * the loss sites in it reach.
 */

export type Binding = (
  | { readonly kind: 'assign'; readonly at: number; readonly value: IrNode; readonly path: readonly number[] }
  | { readonly kind: 'param'; readonly at: number; readonly node: IrNode; readonly index: number; readonly fn: FunctionInfo }
  | { readonly kind: 'for'; readonly at: number; readonly iterable: IrNode; readonly path: readonly number[]; readonly arity: number }
  | { readonly kind: 'def'; readonly at: number; readonly fn: FunctionInfo }
  | { readonly kind: 'class'; readonly at: number; readonly cls: ClassInfo }
  | { readonly kind: 'import'; readonly at: number; readonly qualified: string }
  | { readonly kind: 'other'; readonly at: number }
) & {
  /**
   * The innermost block the binding is in that may not run, or may run more than once (a branch
   * of an `if`, a loop's body, a `try`): a use outside it may see another binding. Absent at the
   * scope's own level.
   */
  readonly branch?: { readonly start: number; readonly end: number };
};

/**
 * The module's top-level statements, and the names each bound when an earlier version of the
 * file was bound (undefined where not known): with them the module scope visits only the
 * statements that bind a name asked about. What it learns is read back with
 * `BoundModule.boundNames()`, for the next version.
 */
export interface KnownStatements {
  readonly statements: ReadonlyArray<{ readonly start: number; readonly end: number }>;
  readonly bound: ReadonlyArray<readonly string[] | undefined>;
}

export class Scope {
  private indexed = false;
  private readonly table = new Map<string, Binding[]>();
  /** Calls made in this scope, by the dotted name of what they call (`model.add`, `self.net.add_module`). */
  private readonly methodCalls = new Map<string, IrNode[]>();
  /** Values stored into attributes and items in this scope, in order (`model.fc = ...`, `model.classifier[6] = ...`). */
  private readonly stores: Store[] = [];
  private lazy: LazyIndex | undefined;
  private recording: string[] | undefined;
  private sourceCache: string | undefined;
  /** The conditional block being visited (see `Binding.branch`). */
  private branch: { readonly start: number; readonly end: number } | undefined;

  constructor(
    readonly module: BoundModule,
    readonly kind: 'module' | 'function' | 'class',
    /** The block (or module) whose statements belong to this scope. */
    readonly body: IrNode,
    readonly parent: Scope | undefined,
    readonly fn?: FunctionInfo,
    known?: KnownStatements,
    /** The class whose body this is (a class scope). */
    readonly cls?: ClassInfo,
  ) {
    if (known)
      this.lazy = { statements: known.statements, learned: [...known.bound], nodes: undefined, byName: new Map(), visited: undefined, complete: new Set() };
  }

  /** For a lazily read module scope: the names each top-level statement binds, where known now. */
  boundNames(): ReadonlyArray<readonly string[] | undefined> | undefined {
    return this.lazy?.learned;
  }

  bindings(name: string): readonly Binding[] {
    if (this.lazy) this.complete(name);
    else if (!this.indexed && !containsWord(this.source(), name)) return [];
    else this.index();
    return this.table.get(name) ?? [];
  }

  /**
   * The text of this function (with its parameters) or class body: a name it never spells is
   * bound nowhere in it, and asking about one costs no indexing.
   */
  private source(): string {
    this.sourceCache ??= this.fn ? this.fn.source : this.module.text.slice(this.body.startIndex, this.body.endIndex);
    return this.sourceCache;
  }

  /** Calls like `name.method(...)` in this scope, for `model.add(...)` and `add_module`. */
  callsOn(receiver: string): readonly IrNode[] {
    if (this.lazy) this.complete(receiver.split('.')[0]!);
    else this.index();
    return this.methodCalls.get(receiver) ?? [];
  }

  /**
   * The values stored in this scope into attributes or items of what `receiver` names
   * (`model.fc = ...` and `model.classifier[6] = ...` for `model`), in order, each with the
   * path stored into relative to it (`fc`, `classifier[6]`).
   */
  storesInto(receiver: string): ReadonlyArray<Store & { readonly path: string }> {
    if (this.lazy) this.complete(receiver.split('.')[0]!);
    else this.index();
    const found: Array<Store & { path: string }> = [];
    for (const store of this.stores) {
      if (store.target.startsWith(`${receiver}.`)) found.push({ ...store, path: store.target.slice(receiver.length + 1) });
    }
    return found.sort((a, b) => a.at - b.at);
  }

  /**
   * Visits every statement that binds `name` (or calls a method on it), known from the names the
   * statements bound when last visited; statements not visited before are visited first, all of
   * them, so what they bind is known.
   */
  private complete(name: string): void {
    const lazy = this.lazy!;
    if (!lazy.nodes) this.startLazy(lazy);
    if (lazy.complete.has(name)) return;
    lazy.complete.add(name);
    const nodes = lazy.nodes!;
    for (const index of lazy.byName.get(name) ?? []) {
      if (lazy.visited![index]) continue;
      lazy.visited![index] = 1;
      this.visitStatement(nodes[index]!);
    }
    // Statements visited for other names may have added this one's bindings out of order.
    this.table.get(name)?.sort((a, b) => a.at - b.at);
    this.methodCalls.forEach((calls, receiver) => {
      if (receiver === name || receiver.startsWith(`${name}.`)) calls.sort((a, b) => a.startIndex - b.startIndex);
    });
  }

  private startLazy(lazy: LazyIndex): void {
    const nodes = this.body.namedChildren.filter((child): child is IrNode => !!child);
    lazy.nodes = nodes;
    lazy.visited = new Uint8Array(nodes.length);
    // The nodes of each statement (`a = 1; b = 2` is two), or a node alone outside every statement.
    const groups: Array<{ statement: number; indices: number[] }> = [];
    let cursor = 0;
    const statements = lazy.statements;
    nodes.forEach((node, index) => {
      while (cursor < statements.length && statements[cursor]!.end <= node.startIndex) cursor++;
      const candidate = statements[cursor];
      const statement = candidate && candidate.start <= node.startIndex && node.endIndex <= candidate.end ? cursor : -1;
      const last = groups[groups.length - 1];
      if (statement >= 0 && last?.statement === statement) last.indices.push(index);
      else groups.push({ statement, indices: [index] });
    });
    for (const { statement, indices } of groups) {
      let names = statement >= 0 ? lazy.learned[statement] : undefined;
      if (!names) {
        // Not known (new or changed text, or outside every statement): visited now.
        this.recording = [];
        for (const index of indices) {
          lazy.visited[index] = 1;
          this.visitStatement(nodes[index]!);
        }
        names = [...new Set(this.recording)];
        this.recording = undefined;
        if (statement >= 0) lazy.learned[statement] = names;
      }
      for (const bound of names) {
        const list = lazy.byName.get(bound);
        if (list) list.push(...indices);
        else lazy.byName.set(bound, [...indices]);
      }
    }
  }

  /**
   * The binding of `name` visible at offset `at`: in this scope the last one before `at` (or the
   * first after it, for uses inside loops and functions called later), else the enclosing scope's.
   */
  lookup(name: string, at: number): { binding: Binding; scope: Scope } | undefined {
    const local = this.bindings(name);
    if (local.length > 0) {
      const before = local.filter((binding) => binding.at < at);
      const chosen = before.length > 0 ? before[before.length - 1]! : local[0]!;
      return { binding: chosen, scope: this };
    }
    // Class bodies do not enclose their methods' names (Python's scoping rule).
    let outer = this.parent;
    while (outer && outer.kind === 'class') outer = outer.parent;
    return outer?.lookup(name, Number.MAX_SAFE_INTEGER);
  }

  /** Every binding of `name` in this scope before `at`: more than one kind of value means unknown. */
  allBefore(name: string, at: number): readonly Binding[] {
    return this.bindings(name).filter((binding) => binding.at < at);
  }

  private add(name: string, unplaced: Binding): void {
    const binding = this.branch ? { ...unplaced, branch: this.branch } : unplaced;
    this.recording?.push(name);
    const list = this.table.get(name);
    if (list) list.push(binding);
    else this.table.set(name, [binding]);
  }

  private index(): void {
    if (this.indexed) return;
    this.indexed = true;
    if (this.fn) this.bindParameters(this.fn);
    for (const statement of this.body.namedChildren) if (statement) this.visitStatement(statement);
  }

  private bindParameters(fn: FunctionInfo): void {
    fn.parameters.forEach((parameter, index) => this.add(parameter.name, { kind: 'param', at: -1, node: parameter.node, index, fn }));
  }

  private visitStatement(node: IrNode): void {
    switch (node.type) {
      case 'expression_statement':
        for (const child of node.namedChildren) if (child) this.visitExpressionStatement(child);
        return;
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        for (const [local, qualified] of importBindings(node)) this.add(local, { kind: 'import', at: node.startIndex, qualified });
        return;
      case 'function_definition': {
        const fn = this.module.functionInfo(node, this, this.cls);
        this.add(fn.name, { kind: 'def', at: node.startIndex, fn });
        return;
      }
      case 'class_definition': {
        const cls = this.module.classInfo(node, this);
        this.add(cls.name, { kind: 'class', at: node.startIndex, cls });
        return;
      }
      case 'decorated_definition': {
        const definition = node.childForFieldName('definition');
        if (definition) this.visitStatement(definition);
        return;
      }
      case 'for_statement': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (left && right)
          this.bindTargets(left, (name, path, arity) => this.add(name, { kind: 'for', at: node.startIndex, iterable: right, path, arity }), [], 1);
        this.visitBlocks(node);
        return;
      }
      case 'with_statement': {
        for (const item of node.descendantsOfType('as_pattern')) {
          const target = item?.childForFieldName('alias');
          if (target) for (const name of target.descendantsOfType('identifier')) if (name) this.add(name.text, { kind: 'other', at: node.startIndex });
        }
        // A `with` block runs once, unconditionally: its bindings are at this level.
        this.visitBlocks(node, false);
        return;
      }
      case 'if_statement':
      case 'while_statement':
      case 'try_statement':
      case 'match_statement':
      case 'elif_clause':
      case 'else_clause':
      case 'except_clause':
      case 'finally_clause':
      case 'case_clause':
        this.visitBlocks(node);
        return;
      default:
        return;
    }
  }

  /** The blocks and clauses (`else`, `except` ...) of a compound statement; conditional ones mark their bindings. */
  private visitBlocks(node: IrNode, conditional = true): void {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'block') {
        const outer = this.branch;
        if (conditional) this.branch = { start: child.startIndex, end: child.endIndex };
        try {
          for (const statement of child.namedChildren) if (statement) this.visitStatement(statement);
        } finally {
          this.branch = outer;
        }
      } else if (/_clause$/.test(child.type)) this.visitStatement(child);
    }
  }

  private visitExpressionStatement(node: IrNode): void {
    if (node.type === 'assignment') {
      this.visitAssignment(node);
      return;
    }
    if (node.type === 'augmented_assignment') {
      const left = node.childForFieldName('left');
      if (left?.type === 'identifier') this.add(left.text, { kind: 'other', at: node.endIndex });
      return;
    }
    if (node.type === 'call') {
      this.recordMethodCall(node);
      this.recordSetattr(node);
    }
  }

  /** `setattr(model, "fc", nn.Linear(512, 2))` stores into `model.fc`, as `model.fc = ...` does. */
  private recordSetattr(call: IrNode): void {
    if (call.childForFieldName('function')?.text !== 'setattr') return;
    const [object, name, value] = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
      (child): child is IrNode => !!child && child.type !== 'comment',
    );
    const parts = object ? dottedParts(object) : undefined;
    const attribute = name ? stringLiteral(name) : undefined;
    if (!parts || !attribute || !/^[A-Za-z_]\w*$/.test(attribute) || !value || value.type === 'keyword_argument') return;
    this.recording?.push(parts[0]!);
    this.stores.push({ target: `${parts.join('.')}.${attribute}`, value, node: call, at: call.endIndex });
  }

  private visitAssignment(node: IrNode): void {
    const left = node.childForFieldName('left');
    let right = node.childForFieldName('right');
    if (!left || !right) return;
    // The names bind once the right side is computed: `head = head.cuda()` reads the `head` before.
    // a = b = value: every target gets the innermost value.
    while (right.type === 'assignment') {
      const inner: IrNode | null = right.childForFieldName('right');
      const innerLeft = right.childForFieldName('left');
      if (innerLeft && inner) this.bindAssignmentTarget(innerLeft, inner, node.endIndex);
      if (!inner) return;
      right = inner;
    }
    this.bindAssignmentTarget(left, right, node.endIndex);
  }

  private bindAssignmentTarget(left: IrNode, value: IrNode, at: number): void {
    if (left.type === 'attribute' || left.type === 'subscript') {
      const target = storedPath(left);
      if (target) {
        this.recording?.push(target.slice(0, target.search(/[.[]|$/)));
        this.stores.push({ target, value, node: left, at });
      }
    }
    if (left.type === 'attribute') {
      const parts = dottedParts(left);
      if (parts && parts.length === 2 && isSelf(parts[0]!) && this.fn?.cls)
        this.fn.cls.addAttribute(parts[1]!, { kind: 'assign', at, value, path: [] }, this.fn);
      return;
    }
    this.bindTargets(left, (name, path) => this.add(name, { kind: 'assign', at, value, path }), [], 1);
  }

  /**
   * Binds every name of a target pattern with its position path: `a, (b, c) = ...` gives b the
   * path [1, 0]. The patterns inside are visited from a stack of their own, in order, not by
   * recursion: `((((a))))` can be nested thousands deep.
   */
  private bindTargets(target: IrNode, bind: (name: string, path: number[], arity: number) => void, path: number[], arity: number): void {
    const pending: Array<{ readonly target: IrNode; readonly path: number[]; readonly arity: number; readonly splat?: boolean }> = [{ target, path, arity }];
    for (let next = pending.pop(); next; next = pending.pop()) {
      const { target, path, arity } = next;
      // `*rest` in a pattern: every name in it, at no fixed position.
      if (next.splat) {
        for (const name of target.descendantsOfType('identifier')) if (name) bind(name.text, path, arity);
        continue;
      }
      // Nested deeper than any value the interpreter follows: its names hold something unknown
      // (and the paths, copied at each level, would cost the square of the depth).
      const type = path.length < MAX_PATTERN_DEPTH ? target.type : 'too deep';
      switch (type) {
        case 'identifier':
          bind(target.text, path, arity);
          break;
        case 'pattern_list':
        case 'tuple_pattern':
        case 'list_pattern':
        case 'tuple':
        case 'list':
        case 'parenthesized_expression': {
          const items = target.namedChildren.filter((child): child is IrNode => !!child && child.type !== 'comment');
          if (target.type === 'parenthesized_expression' && items.length === 1) {
            pending.push({ target: items[0]!, path, arity });
            break;
          }
          // Pushed last first, so that they come off the stack in order.
          for (let index = items.length - 1; index >= 0; index--) {
            const item = items[index]!;
            const splat = item.type === 'list_splat_pattern';
            pending.push({ target: item, path: [...path, splat ? -1 : index], arity: items.length, splat });
          }
          break;
        }
        case 'attribute':
        case 'subscript':
          // `a.b, c = ...` and `x[0], y = ...` store into objects: they bind neither `a` nor `x`.
          break;
        default:
          for (const name of target.descendantsOfType('identifier')) if (name) this.add(name.text, { kind: 'other', at: target.startIndex });
      }
    }
  }

  private recordMethodCall(call: IrNode): void {
    const fn = call.childForFieldName('function');
    if (fn?.type !== 'attribute') return;
    const object = fn.childForFieldName('object');
    const parts = object ? dottedParts(object) : undefined;
    if (!parts) return;
    const receiver = parts.join('.');
    this.recording?.push(parts[0]!);
    const list = this.methodCalls.get(receiver);
    if (list) list.push(call);
    else this.methodCalls.set(receiver, [call]);
  }
}

/** A value stored into an attribute or item: `target` is the path written (`model.fc`, `model.classifier[6]`). */
export interface Store {
  readonly target: string;
  readonly value: IrNode;
  /** The target as written. */
  readonly node: IrNode;
  /** Where the store takes effect (the end of its statement). */
  readonly at: number;
}

/**
 * `model.heads.head`, `model.classifier[6]`: an attribute or item path from a name, with integer
 * indices. A loop down the objects, not recursion: a target can be thousands of steps long.
 */
function storedPath(node: IrNode): string | undefined {
  const steps: string[] = [];
  let current: IrNode | null = node;
  while (current && current.type !== 'identifier') {
    if (current.type === 'attribute') {
      const attribute = current.childForFieldName('attribute');
      if (!attribute) return undefined;
      steps.push(`.${attribute.text}`);
      current = current.childForFieldName('object');
    } else if (current.type === 'subscript') {
      const index = intLiteral(current.childForFieldName('subscript') ?? undefined);
      if (index === undefined) return undefined;
      steps.push(`[${index}]`);
      current = current.childForFieldName('value');
    } else return undefined;
  }
  return current ? current.text + steps.reverse().join('') : undefined;
}

interface Definition {
  readonly node: IrNode;
  readonly start: number;
  readonly end: number;
}

interface LazyIndex {
  readonly statements: KnownStatements['statements'];
  /** What `KnownStatements.bound` said, and what visiting statements has added. */
  readonly learned: Array<readonly string[] | undefined>;
  /** The module's top-level nodes, and which of them bind each name. */
  nodes: IrNode[] | undefined;
  readonly byName: Map<string, number[]>;
  visited: Uint8Array | undefined;
  readonly complete: Set<string>;
}

export interface Parameter {
  readonly name: string;
  readonly node: IrNode;
}

export class FunctionInfo {
  private scopeCache: Scope | undefined;
  private returnCache: IrNode[] | undefined;
  private parameterCache: Parameter[] | undefined;
  private sourceCache: string | undefined;
  readonly name: string;

  constructor(
    readonly module: BoundModule,
    readonly node: IrNode,
    readonly parent: Scope,
    readonly cls: ClassInfo | undefined,
  ) {
    this.name = node.childForFieldName('name')?.text ?? '<lambda>';
  }

  /** Its text, parameters and body. */
  get source(): string {
    this.sourceCache ??= this.module.text.slice(this.node.startIndex, this.node.endIndex);
    return this.sourceCache;
  }

  /** Its parameters, read the first time they are asked for (most functions a module defines never are). */
  get parameters(): readonly Parameter[] {
    if (this.parameterCache) return this.parameterCache;
    const found: Parameter[] = [];
    for (const child of this.node.childForFieldName('parameters')?.namedChildren ?? []) {
      if (!child) continue;
      const name =
        child.type === 'identifier' ? child : (child.childForFieldName('name') ?? child.namedChildren.find((inner) => inner?.type === 'identifier') ?? null);
      if (name?.type === 'identifier') found.push({ name: name.text, node: child });
    }
    this.parameterCache = found;
    return found;
  }

  get scope(): Scope {
    const body = this.node.childForFieldName('body');
    this.scopeCache ??= new Scope(this.module, 'function', body ?? this.node, this.parent, this);
    return this.scopeCache;
  }

  /** The expressions this function returns (not those of nested functions). */
  get returns(): readonly IrNode[] {
    if (this.returnCache) return this.returnCache;
    const found: IrNode[] = [];
    const body = this.node.childForFieldName('body');
    if (body) {
      walkStatements(body, (statement) => {
        if (statement.type === 'return_statement') {
          const value = statement.namedChildren.find((inner) => inner && inner.type !== 'comment');
          if (value) found.push(value);
        }
        return statement.type !== 'function_definition' && statement.type !== 'class_definition';
      });
    }
    this.returnCache = found;
    return found;
  }

  /** `Classifier.forward` for methods, the plain name otherwise. */
  get displayName(): string {
    return this.cls ? `${this.cls.name}.${this.name}` : this.name;
  }
}

export class ClassInfo {
  private readonly attributes = new Map<string, Array<{ binding: Binding; method: FunctionInfo }>>();
  private methodCache: Map<string, FunctionInfo> | undefined;
  private scopeCache: Scope | undefined;
  private readonly scanned = new Set<FunctionInfo>();
  private baseCache: readonly IrNode[] | undefined;
  readonly name: string;

  constructor(
    readonly module: BoundModule,
    readonly node: IrNode,
    readonly parent: Scope,
  ) {
    this.name = node.childForFieldName('name')?.text ?? '<class>';
  }

  get bases(): readonly IrNode[] {
    this.baseCache ??= (this.node.childForFieldName('superclasses')?.namedChildren ?? []).filter(
      (child): child is IrNode => !!child && child.type !== 'keyword_argument',
    );
    return this.baseCache;
  }

  get scope(): Scope {
    this.scopeCache ??= new Scope(this.module, 'class', this.node.childForFieldName('body') ?? this.node, this.parent, undefined, undefined, this);
    return this.scopeCache;
  }

  get methods(): Map<string, FunctionInfo> {
    if (this.methodCache) return this.methodCache;
    this.methodCache = new Map();
    const body = this.node.childForFieldName('body');
    for (let statement of body?.namedChildren ?? []) {
      if (statement?.type === 'decorated_definition') statement = statement.childForFieldName('definition');
      if (statement?.type === 'function_definition') {
        const fn = this.module.functionInfo(statement, this.scope, this);
        this.methodCache.set(fn.name, fn);
      }
    }
    return this.methodCache;
  }

  addAttribute(name: string, binding: Binding, method: FunctionInfo): void {
    const list = this.attributes.get(name);
    if (list) list.push({ binding, method });
    else this.attributes.set(name, [{ binding, method }]);
  }

  /** Assignments to `self.<name>` in any method, those of `__init__` first. */
  attribute(name: string): ReadonlyArray<{ binding: Binding; method: FunctionInfo }> {
    // Only the methods that spell the name can assign `self.<name>`: the others are not indexed.
    for (const method of this.methods.values()) {
      if (this.scanned.has(method) || !containsWord(method.source, name)) continue;
      this.scanned.add(method);
      method.scope.bindings(method.parameters[0]?.name ?? 'self');
    }
    const found = [...(this.attributes.get(name) ?? [])].sort((a, b) => a.binding.at - b.binding.at);
    return [...found.filter((entry) => entry.method.name === '__init__'), ...found.filter((entry) => entry.method.name !== '__init__')];
  }
}

/** The name a method's instance goes by: Python's conventional `self`, TypeScript's `this` (lowered as a first parameter). */
export function isSelf(name: string): boolean {
  return name === 'self' || name === 'this';
}

/** How deep in a target pattern (`(a, (b, c)) = ...`) names are bound with their positions. */
const MAX_PATTERN_DEPTH = 64;

/** How many names a module searches its text for, one at a time, before it indexes them all. */
const TARGETED_SEARCHES = 8;

/** Every place a name is called, or a member called or stored (see `BoundModule.wordsBefore`). */
const USE_PATTERNS = {
  call: /(?<![\w.])([A-Za-z_]\w*)[ \t]*\(/g,
  'member-call': /\.[ \t]*([A-Za-z_#]\w*)[ \t]*\(/g,
  'member-store': /\.[ \t]*([A-Za-z_#]\w*)[ \t]*=(?!=)/g,
} as const;

/** Modules of the libraries LossLens knows, as star imports name them. */
const LIBRARY_ROOT = /^(?:torch|tensorflow|keras|jax|flax|optax|torchvision|timm)\b/;

/** Statement kinds whose blocks can hold statements; expressions never do. */
const CONTAINERS: ReadonlySet<string> = new Set([
  'block',
  'decorated_definition',
  'if_statement',
  'elif_clause',
  'else_clause',
  'for_statement',
  'while_statement',
  'with_statement',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'match_statement',
  'case_clause',
]);

/**
 * Walks the statements in `node` (itself included), never into expressions, which hold no
 * statements: `visit` sees each statement and says whether to walk into it.
 */
function walkStatements(node: IrNode, visit: (statement: IrNode) => boolean): void {
  if (!visit(node)) return;
  const children =
    node.type === 'function_definition' || node.type === 'class_definition'
      ? [node.childForFieldName('body')]
      : CONTAINERS.has(node.type)
        ? node.namedChildren
        : [];
  for (const child of children) if (child) walkStatements(child, visit);
}

/** Local names an import statement binds, with the qualified names they stand for. */
function importBindings(node: IrNode): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  if (node.type === 'import_statement') {
    for (const child of node.namedChildren) {
      if (child?.type === 'dotted_name') {
        // `import torch.nn` binds `torch`.
        const first = child.namedChildren[0]?.text;
        if (first) result.push([first, first]);
      } else if (child?.type === 'aliased_import') {
        const name = child.childForFieldName('name')?.text;
        const alias = child.childForFieldName('alias')?.text;
        if (name && alias) result.push([alias, name]);
      }
    }
  } else if (node.type === 'import_from_statement') {
    const moduleNode = node.childForFieldName('module_name');
    const moduleName = moduleNode?.text.replace(/\s+/g, '') ?? '';
    for (const child of node.namedChildren) {
      if (!child || child === moduleNode) continue;
      if (child.startIndex === moduleNode?.startIndex) continue;
      if (child.type === 'dotted_name') result.push([child.text, `${moduleName}.${child.text}`]);
      else if (child.type === 'aliased_import') {
        const name = child.childForFieldName('name')?.text;
        const alias = child.childForFieldName('alias')?.text;
        if (name && alias) result.push([alias, `${moduleName}.${name}`]);
      }
    }
  }
  return result;
}

/** Finds the smallest nodes spanning ranges asked for in ascending order (`BoundModule.spanning`). */
export interface Spanning {
  at(start: number, end: number): IrNode | null;
}

/** A tree-sitter node, as far as `PathSpanning` steps down from one. */
interface Steppable extends IrNode {
  firstChildForIndex(index: number): Steppable | null;
}

/**
 * `Spanning` for tree-sitter trees. The path from the root to the last node found is kept: the
 * next range climbs it to the node holding both and steps down from there (one child at a time),
 * so ranges nested one in the next (`F.softmax(F.softmax(...))`, thousands deep) or side by side
 * cost the steps between them, where a search from the root costs the depth of each. Every step
 * down notes the parent it came from (`BoundModule.parentOf`). (Tree-sitter's cursors would keep
 * the path for us, but the binding's `gotoFirstChildForIndex` does not read the index it is given.)
 */
class PathSpanning implements Spanning {
  private readonly path: Steppable[];

  constructor(
    root: Steppable,
    private readonly noteParent: (child: IrNode, parent: IrNode) => void,
  ) {
    this.path = [root];
  }

  at(start: number, end: number): IrNode | null {
    const path = this.path;
    const holds = (node: IrNode) => node.startIndex <= start && end <= node.endIndex;
    while (path.length > 1 && !holds(path[path.length - 1]!)) path.pop();
    for (;;) {
      const parent = path[path.length - 1]!;
      const child = parent.firstChildForIndex(start);
      if (!child || !holds(child)) break;
      this.noteParent(child, parent);
      path.push(child);
    }
    return path[path.length - 1]!;
  }
}

export class BoundModule {
  readonly scope: Scope;
  private lineIndex: LineIndex | undefined;
  private readonly functions = new Map<number, FunctionInfo>();
  private readonly classes = new Map<number, ClassInfo>();

  constructor(
    readonly text: string,
    readonly tree: IrTree,
    /** Its top-level statements, to read the module scope lazily (not when the tree has errors). */
    known?: KnownStatements,
    /** The parts of the text that were parsed (sorted, disjoint); all of it when absent. Searches of the text look only there. */
    private readonly parsed?: ReadonlyArray<{ readonly start: number; readonly end: number }>,
  ) {
    this.scope = new Scope(this, 'module', tree.rootNode, undefined, undefined, known && !tree.rootNode.hasError ? known : undefined);
  }

  /**
   * The matches of a global pattern in the parsed text (a match starts in a parsed span): one
   * pass over the text, whatever the number of spans.
   */
  private *matches(pattern: RegExp): Generator<RegExpExecArray> {
    const spans = this.parsed ?? [{ start: 0, end: this.text.length }];
    let index = 0;
    pattern.lastIndex = spans[0]?.start ?? 0;
    for (let match = pattern.exec(this.text); match && index < spans.length; match = pattern.exec(this.text)) {
      // The span this match is in, or the next one after it (the text between spans is skipped).
      while (index < spans.length && match.index >= spans[index]!.end) index++;
      if (index === spans.length) return;
      if (match.index < spans[index]!.start) {
        pattern.lastIndex = spans[index]!.start;
        continue;
      }
      yield match;
    }
  }

  /** The 1-based line of an offset (lines indexed once, when first asked). */
  line(offset: number): number {
    this.lineIndex ??= new LineIndex(this.text);
    return this.lineIndex.line(offset);
  }

  functionInfo(node: IrNode, parent: Scope, cls?: ClassInfo): FunctionInfo {
    let info = this.functions.get(node.startIndex);
    if (!info) {
      info = new FunctionInfo(this, node, parent, cls);
      this.functions.set(node.startIndex, info);
    }
    return info;
  }

  classInfo(node: IrNode, parent: Scope): ClassInfo {
    let info = this.classes.get(node.startIndex);
    if (!info) {
      info = new ClassInfo(this, node, parent);
      this.classes.set(node.startIndex, info);
    }
    return info;
  }

  /**
   * The calls of a function in this module, `train(...)` by its name where that name is the
   * function (a lookup in the caller's scope): undefined when there are more than `max`. Only
   * what was parsed is seen (the selection keeps the statements that call a kept function).
   */
  callsOf(fn: FunctionInfo, max: number): IrNode[] | undefined {
    const calls: IrNode[] = [];
    for (const at of this.wordsBefore(fn.name, 'call')) {
      const target = this.callTarget(at, fn.name);
      if (target?.fn !== fn) continue;
      if (calls.length === max) return undefined;
      calls.push(target.call);
    }
    return calls;
  }

  /**
   * The call whose callee is the name `name` at `at`, and the function that name is there, if it
   * is one: read once per place (a file of many scripts defines many functions of one name, and
   * each asks about every call of that name).
   */
  private callTarget(at: number, name: string): { readonly call: IrNode; readonly fn: FunctionInfo } | undefined {
    if (this.callTargets.has(at)) return this.callTargets.get(at);
    let target: { call: IrNode; fn: FunctionInfo } | undefined;
    const identifier = this.tree.rootNode.descendantForIndex(at, at + name.length);
    const call = identifier?.type === 'identifier' && identifier.startIndex === at && identifier.text === name ? identifier.parent : null;
    if (call?.type === 'call' && call.childForFieldName('function')?.id === identifier!.id) {
      const found = this.scopeOf(call).lookup(name, call.startIndex);
      if (found?.binding.kind === 'def') target = { call, fn: found.binding.fn };
    }
    this.callTargets.set(at, target);
    return target;
  }

  /**
   * Where the text spells `name` followed by `(` (`call`, not after a dot), or after a dot and
   * followed by `(` or `=` (`member-call`, `member-store`). The first few names asked are each
   * searched for; past those, one pass indexes every such place in the text, so a file of many
   * functions, each asked about, costs one search, not one per function.
   */
  private wordsBefore(name: string, use: 'call' | 'member-call' | 'member-store'): readonly number[] {
    const index = this.textIndex.get(use);
    if (index) return index.get(name) ?? [];
    const searched = (this.textSearches.get(use) ?? 0) + 1;
    this.textSearches.set(use, searched);
    if (searched > TARGETED_SEARCHES) {
      const built = new Map<string, number[]>();
      for (const match of this.matches(new RegExp(USE_PATTERNS[use]))) {
        const at = match.index + match[0].indexOf(match[1]!, use === 'call' ? 0 : 1);
        const list = built.get(match[1]!);
        if (list) list.push(at);
        else built.set(match[1]!, [at]);
      }
      this.textIndex.set(use, built);
      return built.get(name) ?? [];
    }
    const word = name.replace(/\$/g, '\\$');
    const pattern =
      use === 'call' ? new RegExp(`(?<![\\w.])${word}[ \\t]*\\(`, 'g') : new RegExp(`\\.[ \\t]*${word}[ \\t]*${use === 'member-call' ? '\\(' : '=(?!=)'}`, 'g');
    return Array.from(this.matches(pattern), (match) => (use === 'call' ? match.index : this.text.indexOf(name, match.index)));
  }

  private readonly textIndex = new Map<string, Map<string, number[]>>();
  private readonly callTargets = new Map<number, { readonly call: IrNode; readonly fn: FunctionInfo } | undefined>();
  private readonly textSearches = new Map<string, number>();

  /**
   * The members `.name` this module calls (`t.use_loss(...)`: the attribute nodes of those calls)
   * or assigns (`t.net = ...`: the attribute nodes stored to), found by a search of the text
   * confirmed on the tree; at most `max` (undefined when there are more).
   */
  members(name: string, use: 'call' | 'store', max: number): IrNode[] | undefined {
    const key = `${use}:${max}:${name}`;
    if (this.memberCache.has(key)) return this.memberCache.get(key);
    const found = this.findMembers(name, use, max);
    this.memberCache.set(key, found);
    return found;
  }

  private readonly memberCache = new Map<string, IrNode[] | undefined>();

  private findMembers(name: string, use: 'call' | 'store', max: number): IrNode[] | undefined {
    const found: IrNode[] = [];
    for (const at of this.wordsBefore(name, use === 'call' ? 'member-call' : 'member-store')) {
      const identifier = this.tree.rootNode.descendantForIndex(at, at + name.length);
      const attribute = identifier?.parent;
      if (identifier?.type !== 'identifier' || attribute?.type !== 'attribute' || attribute.childForFieldName('attribute')?.startIndex !== at) continue;
      const outer = attribute.parent;
      const field = use === 'call' ? 'function' : 'left';
      if (outer?.type !== (use === 'call' ? 'call' : 'assignment') || outer.childForFieldName(field)?.startIndex !== attribute.startIndex) continue;
      if (found.length === max) return undefined;
      found.push(attribute);
    }
    return found;
  }

  private readonly scopeCache = new Map<number, Scope>();
  private topLevelCache: { starts: number[]; nodes: IrNode[] } | undefined;
  /** Per top-level statement (by start): its function and class definitions, outermost first. */
  private readonly definitionCache = new Map<number, Definition[]>();

  /** The innermost function or class (or the module) whose scope contains `node`, memoised per node (ids are unique in a tree). */
  scopeOf(node: IrNode): Scope {
    let scope = this.scopeCache.get(node.id);
    if (!scope) {
      scope = this.computeScopeOf(node.startIndex, node.endIndex);
      this.scopeCache.set(node.id, scope);
    }
    return scope;
  }

  /**
   * Found by offsets, not by climbing `parent` links (each of which makes tree-sitter search
   * down from the root): the definitions of the top-level statement around the node, indexed
   * once, and the innermost that strictly contains it.
   */
  private computeScopeOf(start: number, end: number): Scope {
    let innermost: Definition | undefined;
    let enclosing: Definition | undefined;
    for (const definition of this.definitionsAround(start)) {
      if (definition.start > start) break;
      const strictlyInside = end <= definition.end && !(definition.start === start && definition.end === end);
      if (strictlyInside) {
        enclosing = innermost;
        innermost = definition;
      }
    }
    if (!innermost) return this.scope;
    const parentScope = this.scopeOf(innermost.node);
    if (innermost.node.type === 'class_definition') return this.classInfo(innermost.node, parentScope).scope;
    const cls =
      enclosing?.node.type === 'class_definition' && parentScope.kind === 'class' ? this.classInfo(enclosing.node, this.scopeOf(enclosing.node)) : undefined;
    return this.functionInfo(innermost.node, parentScope, cls).scope;
  }

  /** The parents of the nodes `spanning` stepped through, by id. */
  private readonly parents = new Map<number, IrNode>();

  /**
   * A finder of the smallest nodes spanning ranges asked for in ascending order (the calls at the
   * selection's mentions): for tree-sitter trees one that keeps its path (`PathSpanning`); a tree
   * of another front end is searched from its root.
   */
  spanning(): Spanning {
    const root = this.tree.rootNode;
    if (!this.isTreeSitter) return { at: (start, end) => root.descendantForIndex(start, end) };
    return new PathSpanning(root as Steppable, (child, parent) => this.parents.set(child.id, parent));
  }

  /**
   * Whether the tree is tree-sitter's (Python's): reading a node's `parent` then costs the depth
   * of the tree (a search down from the root), so walks over it go down instead, and a node's
   * text is the file's between its offsets. A lowered tree's parents are fields, and its nodes
   * may stand for other text (`this`).
   */
  get isTreeSitter(): boolean {
    return typeof (this.tree.rootNode as Partial<Steppable>).firstChildForIndex === 'function';
  }

  /**
   * A node's parent: known without a search for the nodes `spanning` stepped through (the calls at
   * mentions, and what holds them), where tree-sitter's `parent` searches down from the root and
   * costs the depth of the tree (thousands, in a nested expression).
   */
  parentOf(node: IrNode): IrNode | null {
    return this.parents.get(node.id) ?? node.parent;
  }

  /** Per node with children asked about (`childHolding`), by id: its named children and where they start. */
  private readonly childrenCache = new Map<number, { starts: number[]; nodes: IrNode[] }>();

  /**
   * The named child of `container` that holds the offsets `start` to `end` (or is that node), if
   * one does: a binary search over its children, read once per container. Climbing `parent` links
   * instead costs the depth of the tree at every step (tree-sitter searches down from the root).
   */
  childHolding(container: IrNode, start: number, end: number): IrNode | undefined {
    // The module's own children are its top-level nodes, read once already for its scope.
    if (container.id === this.scope.body.id) this.topLevelNodes();
    let children = container.id === this.scope.body.id ? this.topLevelCache : this.childrenCache.get(container.id);
    if (!children) {
      const nodes = container.namedChildren.filter((child): child is IrNode => !!child);
      children = { starts: nodes.map((child) => child.startIndex), nodes };
      this.childrenCache.set(container.id, children);
    }
    const child = children.nodes[lastAtOrBefore(children.starts, start)];
    return child && end <= child.endIndex ? child : undefined;
  }

  /** The module's top-level nodes (one read shared with the module scope). */
  topLevelNodes(): readonly IrNode[] {
    this.topLevelCache ??= (() => {
      const nodes = this.scope.body.namedChildren.filter((child): child is IrNode => !!child);
      return { starts: nodes.map((child) => child.startIndex), nodes };
    })();
    return this.topLevelCache.nodes;
  }

  /**
   * The function and class definitions inside the top-level statement around `offset`, in
   * document order. Lines starting with `def`, `class` or `async` are the candidates, each
   * confirmed on the tree (a docstring line can start with `def` too): one lookup per
   * definition instead of a walk over every statement.
   */
  private definitionsAround(offset: number): readonly Definition[] {
    this.topLevelNodes();
    const { starts, nodes } = this.topLevelCache!;
    const found = lastAtOrBefore(starts, offset);
    const statement = found >= 0 ? nodes[found]! : undefined;
    if (!statement) return [];
    let definitions = this.definitionCache.get(statement.startIndex);
    if (!definitions && this.tree.definitionsIn) {
      definitions = this.tree.definitionsIn(statement).map((node) => ({ node, start: node.startIndex, end: node.endIndex }));
      this.definitionCache.set(statement.startIndex, definitions);
    }
    if (!definitions) {
      definitions = [];
      const start = statement.startIndex;
      const source = this.text.slice(start, statement.endIndex);
      const root = this.tree.rootNode;
      for (const match of source.matchAll(/^([ \t]*)(?:async[ \t]+def|def|class)\b/gm)) {
        const at = start + match.index + match[1]!.length;
        const node = root.namedDescendantForIndex(at, at + 1);
        if (node && node.startIndex === at && (node.type === 'function_definition' || node.type === 'class_definition')) {
          definitions.push({ node, start: at, end: node.endIndex });
        }
      }
      this.definitionCache.set(statement.startIndex, definitions);
    }
    return definitions;
  }

  /**
   * The qualified name a dotted expression stands for, resolving its first name through the
   * imports visible at `node`: `nn.CrossEntropyLoss` with `import torch.nn as nn` is
   * `torch.nn.CrossEntropyLoss`. Undefined when the first name is not an import.
   */
  qualify(node: IrNode): string | undefined {
    const parts = dottedParts(node);
    if (!parts) return undefined;
    const found = this.scopeOf(node).lookup(parts[0]!, node.startIndex);
    if (!found) {
      const library = this.starLibrary(parts[0]!);
      return library ? [library, ...parts].join('.') : undefined;
    }
    if (found.binding.kind !== 'import') return undefined;
    return [found.binding.qualified, ...parts.slice(1)].join('.');
  }

  /**
   * `from torch.nn import *`: the library module a name bound nowhere in the file comes from,
   * when only library modules are star-imported — the one, or the first of several whose name
   * LossLens knows (`Dense` from `keras.layers`, `Model` from `keras.models`).
   */
  starLibrary(name: string): string | undefined {
    const modules = this.starImports();
    if (modules.length === 0 || !modules.every((module) => LIBRARY_ROOT.test(module))) return undefined;
    if (modules.length === 1) return modules[0];
    let best: { module: string; known: number } | undefined;
    for (const module of modules) {
      const known = knownName(`${module}.${name}`);
      if (known > (best?.known ?? 0)) best = { module, known };
    }
    return best?.module;
  }

  private starImportCache: string[] | undefined;

  /** The modules the file imports everything from (`from models import *`), in order. */
  starImports(): readonly string[] {
    if (this.starImportCache) return this.starImportCache;
    const found: string[] = [];
    for (const statement of this.topLevelNodes()) {
      if (statement.type !== 'import_from_statement' || !statement.namedChildren.some((child) => child?.type === 'wildcard_import')) continue;
      const name = statement.childForFieldName('module_name')?.text.replace(/\s+/g, '');
      if (name) found.push(name);
    }
    this.starImportCache = found;
    return found;
  }
}
