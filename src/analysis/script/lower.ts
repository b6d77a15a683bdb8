/**
 * The TypeScript / JavaScript front end: typescript-estree's tree lowered into the IR
 * (`ir/node.ts`), the Python grammar's vocabulary. What is lowered is what the engine reads —
 * imports (ES modules and `require`), declarations and assignments (`this.x = ...` is an
 * attribute store on the method's implicit first parameter `this`), functions, arrow functions,
 * classes with their methods and fields, returns, branches, loops, calls, members, literals. A
 * configuration object given last to a call is its keyword arguments (`tf.layers.dense({units:
 * 3})` reads as Keras' `Dense(units=3)`; a spread in it, `{...cfg}`, is a `**cfg` the engine cannot
 * see into). Everything else is left out: a statement the engine cannot read binds nothing.
 */

import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { IrNode, IrTree } from '../ir/node';

type Node = TSESTree.Node;

/** The packages whose exports are TensorFlow.js's `tf` namespace. */
export const TFJS_PACKAGE = /^@tensorflow\/tfjs(?:-node(?:-gpu)?|-core|-layers)?$/;

/** The qualified name the tables know TensorFlow.js under (`tfjs.layers.dense`). */
const TFJS_MODULE = 'tfjs';

class Lowered implements IrNode {
  parent: Lowered | null = null;
  startIndex: number;
  endIndex: number;
  readonly namedChildren: Lowered[] = [];
  private readonly fields = new Map<string, Lowered>();
  hasError = false;

  constructor(
    private readonly file: LoweredTree,
    readonly id: number,
    readonly type: string,
    startIndex: number,
    endIndex: number,
    private readonly spelled?: string,
  ) {
    this.startIndex = startIndex;
    this.endIndex = endIndex;
  }

  get text(): string {
    return this.spelled ?? this.file.text.slice(this.startIndex, this.endIndex);
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get firstNamedChild(): Lowered | null {
    return this.namedChildren[0] ?? null;
  }

  childForFieldName(field: string): Lowered | null {
    return this.fields.get(field) ?? null;
  }

  /** Adds a child, under a field name when given; children are kept in the order they are added. */
  add(child: Lowered | undefined, field?: string): this {
    if (!child) return this;
    child.parent = this;
    this.namedChildren.push(child);
    if (field) this.fields.set(field, child);
    return this;
  }

  descendantsOfType(type: string): Lowered[] {
    const found: Lowered[] = [];
    const stack: Lowered[] = [...this.namedChildren].reverse();
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.type === type) found.push(node);
      for (let index = node.namedChildren.length - 1; index >= 0; index--) stack.push(node.namedChildren[index]!);
    }
    return found;
  }

  descendantForIndex(start: number, end = start): Lowered | null {
    const inner = this.namedChildren.find(
      (child) => child.startIndex <= start && end <= child.endIndex && (child.startIndex < child.endIndex || start === end),
    );
    return inner ? inner.descendantForIndex(start, end) : this;
  }

  namedDescendantForIndex(start: number, end = start): Lowered | null {
    return this.descendantForIndex(start, end);
  }
}

export class LoweredTree implements IrTree {
  private nextId = 1;
  readonly rootNode: Lowered;

  constructor(readonly text: string) {
    this.rootNode = this.node('module', 0, text.length);
  }

  node(type: string, start: number, end: number, spelled?: string): Lowered {
    return new Lowered(this, this.nextId++, type, start, end, spelled);
  }

  definitionsIn(statement: IrNode): readonly IrNode[] {
    return statement.type === 'function_definition' || statement.type === 'class_definition'
      ? [statement, ...definitionsBelow(statement)]
      : definitionsBelow(statement);
  }
}

/** The function and class definitions inside a node, in document order (outermost first). */
function definitionsBelow(node: IrNode): IrNode[] {
  const found: IrNode[] = [];
  const visit = (current: IrNode) => {
    for (const child of current.namedChildren) {
      if (!child) continue;
      if (child.type === 'function_definition' || child.type === 'class_definition') found.push(child);
      visit(child);
    }
  };
  visit(node);
  return found;
}

/**
 * Lowers a parsed program. `globalTf`: the file uses TensorFlow.js's global `tf` (a page's
 * `<script>` tag), which is then imported at the top as if the file said so.
 */
export function lowerProgram(text: string, program: TSESTree.Program, globalTf: boolean): LoweredTree {
  const tree = new LoweredTree(text);
  const lowering = new Lowering(tree);
  if (globalTf) tree.rootNode.add(lowering.importAs(0, TFJS_MODULE, 'tf'));
  for (const statement of program.body) for (const lowered of lowering.statement(statement)) tree.rootNode.add(lowered);
  return tree;
}

class Lowering {
  constructor(private readonly tree: LoweredTree) {}

  private node(type: string, from: Node | readonly [number, number], spelled?: string): Lowered {
    const [start, end] = 'range' in from ? from.range : from;
    return this.tree.node(type, start, end, spelled);
  }

  private identifier(from: Node | readonly [number, number], name: string): Lowered {
    return this.node('identifier', from, name);
  }

  /** `import <module> as <alias>` at an offset: the namespace import. */
  importAs(at: number, module: string, alias: string, from?: Node): Lowered {
    const range = from ? from.range : ([at, at] as const);
    const aliased = this.node('aliased_import', range)
      .add(this.node('dotted_name', range, module).add(this.identifier(range, module)), 'name')
      .add(this.identifier(range, alias), 'alias');
    return this.node('import_statement', range).add(aliased);
  }

  /** `from <module> import <name> as <alias>, ...`. */
  private importFrom(statement: Node, module: string, moduleRange: readonly [number, number], names: ReadonlyArray<[Node, string, string]>): Lowered {
    const lowered = this.node('import_from_statement', statement).add(this.node('dotted_name', moduleRange, module), 'module_name');
    for (const [from, name, alias] of names) {
      lowered.add(
        this.node('aliased_import', from)
          .add(this.node('dotted_name', from, name), 'name')
          .add(this.identifier(from, alias), 'alias'),
      );
    }
    return lowered;
  }

  statement(node: Node): Lowered[] {
    switch (node.type) {
      case 'ImportDeclaration':
        return this.importDeclaration(node);
      case 'ExportNamedDeclaration':
        if (node.declaration) return this.statement(node.declaration);
        // `export { createModel } from './model'`: a re-export binds the name here too.
        if (node.source && node.exportKind !== 'type') {
          const names: Array<[Node, string, string]> = node.specifiers.flatMap((specifier): Array<[Node, string, string]> =>
            specifier.local.type === 'Identifier' && specifier.exported.type === 'Identifier'
              ? [[specifier, specifier.local.name, specifier.exported.name]]
              : [],
          );
          const source = String(node.source.value);
          return names.length > 0 ? [this.importFrom(node, moduleName(source), node.source.range, names)] : [];
        }
        return [];
      case 'ExportAllDeclaration': {
        // `export * from './layers'`: everything that module has, this one has.
        if (node.exported || node.exportKind === 'type') return [];
        const source = String(node.source.value);
        return [
          this.node('import_from_statement', node)
            .add(this.node('dotted_name', node.source, moduleName(source)), 'module_name')
            .add(this.node('wildcard_import', [node.range[1], node.range[1]])),
        ];
      }
      case 'ExportDefaultDeclaration':
        return node.declaration.type === 'FunctionDeclaration' || node.declaration.type === 'ClassDeclaration'
          ? this.statement(node.declaration)
          : this.expressionStatement(node, node.declaration as TSESTree.Expression);
      case 'VariableDeclaration':
        return node.declarations.flatMap((declarator) => this.declarator(declarator, node.declarations.length === 1 ? node : declarator));
      case 'ExpressionStatement':
        return this.expressionStatement(node, node.expression);
      case 'FunctionDeclaration':
        return [this.functionDefinition(node, node.id ? this.identifier(node.id, node.id.name) : undefined, node)];
      case 'ClassDeclaration':
        return [this.classDefinition(node)];
      case 'ReturnStatement': {
        const returned = this.node('return_statement', node);
        if (node.argument) returned.add(this.expression(node.argument));
        return [returned];
      }
      case 'IfStatement': {
        const lowered = this.node('if_statement', node).add(this.expression(node.test), 'condition').add(this.block(node.consequent), 'consequence');
        if (node.alternate) lowered.add(this.node('else_clause', node.alternate).add(this.block(node.alternate), 'body'), 'alternative');
        return [lowered];
      }
      case 'ForOfStatement':
      case 'ForInStatement': {
        const left = node.left.type === 'VariableDeclaration' ? node.left.declarations[0]?.id : node.left;
        const target = left && node.type === 'ForOfStatement' ? this.target(left) : undefined;
        const lowered = this.node(target ? 'for_statement' : 'while_statement', node);
        if (target) lowered.add(target, 'left').add(this.expression(node.right), 'right');
        return [lowered.add(this.block(node.body), 'body')];
      }
      case 'ForStatement': {
        const lowered = this.node('while_statement', node);
        const init = node.init?.type === 'VariableDeclaration' ? this.statement(node.init) : [];
        return [...init, lowered.add(this.block(node.body), 'body')];
      }
      case 'WhileStatement':
      case 'DoWhileStatement':
        return [this.node('while_statement', node).add(this.block(node.body), 'body')];
      case 'BlockStatement':
        return [this.node('with_statement', node).add(this.block(node), 'body')];
      case 'TryStatement': {
        const lowered = this.node('try_statement', node).add(this.block(node.block), 'body');
        if (node.handler) lowered.add(this.node('except_clause', node.handler).add(this.block(node.handler.body)));
        if (node.finalizer) lowered.add(this.node('finally_clause', node.finalizer).add(this.block(node.finalizer)));
        return [lowered];
      }
      case 'SwitchStatement': {
        const cases = this.node('block', node);
        for (const branch of node.cases) cases.add(this.node('case_clause', branch).add(this.statements(branch, branch.consequent), 'consequence'));
        return [this.node('match_statement', node).add(cases, 'body')];
      }
      case 'LabeledStatement':
        return this.statement(node.body);
      default:
        return [];
    }
  }

  private statements(from: Node, statements: readonly Node[]): Lowered {
    const block = this.node('block', from);
    for (const statement of statements) for (const lowered of this.statement(statement)) block.add(lowered);
    return block;
  }

  private block(node: Node): Lowered {
    return node.type === 'BlockStatement' ? this.statements(node, node.body) : this.statements(node, [node]);
  }

  private importDeclaration(node: TSESTree.ImportDeclaration): Lowered[] {
    if (node.importKind === 'type') return [];
    const source = String(node.source.value);
    const module = moduleName(source);
    const lowered: Lowered[] = [];
    const named: Array<[Node, string, string]> = [];
    for (const specifier of node.specifiers) {
      if (specifier.type === 'ImportSpecifier') {
        if (specifier.importKind === 'type') continue;
        const imported = specifier.imported.type === 'Identifier' ? specifier.imported.name : String(specifier.imported.value);
        named.push([specifier, imported, specifier.local.name]);
      } else lowered.push(this.importAs(0, module, specifier.local.name, specifier));
    }
    if (named.length > 0) lowered.push(this.importFrom(node, module, node.source.range, named));
    return lowered;
  }

  /** `const x = <init>`: an assignment; `require` of a package an import; a function a definition. */
  private declarator(declarator: TSESTree.VariableDeclarator, statement: Node): Lowered[] {
    const init = declarator.init;
    if (!init) return [];
    const required = requiredModule(init);
    if (required !== undefined) {
      const module = moduleName(required);
      if (declarator.id.type === 'Identifier') return [this.importAs(0, module, declarator.id.name, declarator)];
      if (declarator.id.type === 'ObjectPattern') {
        const names: Array<[Node, string, string]> = [];
        for (const property of declarator.id.properties) {
          if (property.type === 'Property' && property.key.type === 'Identifier' && property.value.type === 'Identifier')
            names.push([property, property.key.name, property.value.name]);
        }
        return [this.importFrom(statement, module, init.range, names)];
      }
    }
    if (declarator.id.type === 'Identifier' && (init.type === 'ArrowFunctionExpression' || init.type === 'FunctionExpression'))
      return [this.functionDefinition(init, this.identifier(declarator.id, declarator.id.name), statement)];
    const target = this.target(declarator.id);
    if (!target) return [];
    const assignment = this.node('assignment', declarator).add(target, 'left').add(this.expression(init), 'right');
    return [this.node('expression_statement', statement).add(assignment)];
  }

  private expressionStatement(statement: Node, expression: TSESTree.Expression): Lowered[] {
    return [this.node('expression_statement', statement).add(this.expression(expression))];
  }

  /** What an assignment or a loop binds: a name, a member (a store into an object), or a pattern of names. */
  private target(node: Node): Lowered | undefined {
    switch (node.type) {
      case 'Identifier':
        return this.identifier(node, node.name);
      case 'MemberExpression':
        return this.expression(node);
      case 'ArrayPattern': {
        const pattern = this.node('pattern_list', node);
        for (const element of node.elements) {
          if (!element) pattern.add(this.identifier([node.range[0], node.range[0]], '_'));
          else if (element.type === 'RestElement') {
            const rest = this.target(element.argument);
            if (rest) pattern.add(this.node('list_splat_pattern', element).add(rest));
          } else {
            const inner = this.target(element.type === 'AssignmentPattern' ? element.left : element);
            if (inner) pattern.add(inner);
          }
        }
        return pattern;
      }
      case 'ObjectPattern': {
        // `const {a, b} = obj`: names whose values the engine does not follow (`**` of an unknown).
        const pattern = this.node('pattern_list', node);
        for (const name of patternNames(node)) pattern.add(this.node('list_splat_pattern', name).add(this.identifier(name, name.name)));
        return pattern;
      }
      case 'AssignmentPattern':
        return this.target(node.left);
      case 'TSParameterProperty':
        return this.target(node.parameter);
      default:
        return undefined;
    }
  }

  /**
   * A function: `function f() {}`, `const f = () => ...`, a method (with its implicit first
   * parameter `this`), or a function in an expression (a callback: no name binds it).
   */
  functionDefinition(
    node: TSESTree.FunctionLike | TSESTree.ArrowFunctionExpression,
    name: Lowered | undefined,
    statement: Node,
    method?: { readonly range: readonly [number, number] },
  ): Lowered {
    const lowered = this.node('function_definition', statement);
    if (name) lowered.add(name, 'name');
    const parameters = this.node(
      'parameters',
      node.params.length > 0 ? [node.params[0]!.range[0], node.params.at(-1)!.range[1]] : [node.range[0], node.range[0]],
    );
    if (method) parameters.add(this.identifier([method.range[0], method.range[0]], 'this'));
    const destructured: Lowered[] = [];
    for (const parameter of node.params) {
      const inner = parameter.type === 'TSParameterProperty' ? parameter.parameter : parameter;
      if (inner.type === 'Identifier') parameters.add(this.identifier(inner, inner.name));
      else if (inner.type === 'AssignmentPattern' && inner.left.type === 'Identifier')
        parameters.add(
          this.node('default_parameter', inner).add(this.identifier(inner.left, inner.left.name), 'name').add(this.expression(inner.right), 'value'),
        );
      else if (inner.type === 'RestElement' && inner.argument.type === 'Identifier')
        parameters.add(this.node('list_splat_pattern', inner).add(this.identifier(inner.argument, inner.argument.name)));
      else {
        // A destructured parameter (`{model, loss}`, `[a, b]`): its position holds no one name,
        // and the names it binds hold what the engine does not follow.
        parameters.add(this.node('dictionary_splat_pattern', inner).add(this.identifier([inner.range[0], inner.range[0]], '')));
        const pattern = this.target(inner.type === 'AssignmentPattern' ? inner.left : inner);
        if (pattern)
          destructured.push(
            this.node('expression_statement', inner).add(this.node('assignment', inner).add(pattern, 'left').add(this.node('opaque', inner), 'right')),
          );
      }
    }
    lowered.add(parameters, 'parameters');
    const body = node.body;
    let block: Lowered;
    if (!body) block = this.node('block', node);
    else if (body.type === 'BlockStatement') block = this.statements(body, body.body);
    else block = this.node('block', body).add(this.node('return_statement', body).add(this.expression(body)));
    for (const statement of destructured.reverse()) {
      statement.parent = block;
      block.namedChildren.unshift(statement);
    }
    return lowered.add(block, 'body');
  }

  private classDefinition(node: TSESTree.ClassDeclaration | TSESTree.ClassExpression): Lowered {
    const lowered = this.node('class_definition', node);
    if (node.id) lowered.add(this.identifier(node.id, node.id.name), 'name');
    if (node.superClass) lowered.add(this.node('argument_list', node.superClass).add(this.expression(node.superClass)), 'superclasses');
    const body = this.node('block', node.body);
    for (const member of node.body.body) {
      if (member.type === 'MethodDefinition' && (member.kind === 'method' || member.kind === 'constructor') && !member.computed) {
        const name = member.kind === 'constructor' ? '__init__' : member.key.type === 'Identifier' ? member.key.name : undefined;
        if (!name) continue;
        body.add(this.functionDefinition(member.value, this.identifier(member.key, name), member, member));
      } else if (member.type === 'PropertyDefinition' && !member.computed && member.key.type === 'Identifier' && member.value) {
        // A field: what each instance starts with, read as a class attribute.
        const value = member.value;
        if (value.type === 'ArrowFunctionExpression' || value.type === 'FunctionExpression') {
          body.add(this.functionDefinition(value, this.identifier(member.key, member.key.name), member, member));
          continue;
        }
        const assignment = this.node('assignment', member).add(this.identifier(member.key, member.key.name), 'left').add(this.expression(value), 'right');
        body.add(this.node('expression_statement', member).add(assignment));
      }
    }
    return lowered.add(body, 'body');
  }

  expression(node: TSESTree.Expression | TSESTree.PrivateIdentifier | TSESTree.SpreadElement): Lowered {
    switch (node.type) {
      case 'Identifier':
        return node.name === 'undefined' ? this.node('none', node) : this.identifier(node, node.name);
      case 'ThisExpression':
        return this.identifier(node, 'this');
      case 'Super':
        return this.identifier(node, 'super');
      case 'PrivateIdentifier':
        return this.identifier(node, `#${node.name}`);
      case 'MemberExpression': {
        if (node.computed) {
          return this.node('subscript', node)
            .add(this.expression(node.object), 'value')
            .add(this.expression(node.property as TSESTree.Expression), 'subscript');
        }
        const property = node.property as TSESTree.Identifier | TSESTree.PrivateIdentifier;
        return this.node('attribute', node)
          .add(this.expression(node.object), 'object')
          .add(this.identifier(property, property.type === 'PrivateIdentifier' ? `#${property.name}` : property.name), 'attribute');
      }
      case 'CallExpression':
      case 'NewExpression':
        return this.call(node);
      case 'ChainExpression':
        return this.expression(node.expression);
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSTypeAssertion':
      case 'TSNonNullExpression': {
        // The value is the expression's; the text is the whole, cast included, so a fix that
        // passes it elsewhere keeps the type it was given.
        const inner = this.expression(node.expression);
        inner.startIndex = Math.min(inner.startIndex, node.range[0]);
        inner.endIndex = Math.max(inner.endIndex, node.range[1]);
        return inner;
      }
      case 'AwaitExpression':
        return this.expression(node.argument);
      case 'Literal':
        return this.literal(node);
      case 'TemplateLiteral':
        if (node.expressions.length === 0) {
          const cooked = node.quasis[0]?.value.cooked ?? '';
          return this.node('string', node).add(this.node('string_content', node, cooked));
        }
        return this.node('string', node).add(this.node('interpolation', node));
      case 'ArrayExpression': {
        const list = this.node('list', node);
        for (const element of node.elements) if (element) list.add(element.type === 'SpreadElement' ? this.spread(element) : this.expression(element));
        return list;
      }
      case 'ObjectExpression': {
        const dictionary = this.node('dictionary', node);
        for (const property of node.properties) {
          if (property.type === 'SpreadElement') {
            dictionary.add(this.node('dictionary_splat', property).add(this.expression(property.argument)));
            continue;
          }
          const key = propertyKey(property);
          if (key === undefined || property.value.type.endsWith('Pattern')) continue;
          dictionary.add(
            this.node('pair', property)
              .add(this.node('string', property.key).add(this.node('string_content', property.key, key)), 'key')
              .add(this.expression(property.value as TSESTree.Expression), 'value'),
          );
        }
        return dictionary;
      }
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        return this.functionDefinition(node, undefined, node);
      case 'ClassExpression':
        return this.classDefinition(node);
      case 'AssignmentExpression': {
        const target = this.target(node.left);
        if (!target) return this.node('opaque', node);
        if (node.operator !== '=') {
          return this.node('augmented_assignment', node)
            .add(target, 'left')
            .add(this.node('operator', [node.left.range[1], node.right.range[0]], node.operator), 'operator')
            .add(this.expression(node.right), 'right');
        }
        return this.node('assignment', node).add(target, 'left').add(this.expression(node.right), 'right');
      }
      case 'BinaryExpression':
        if (node.left.type === 'PrivateIdentifier') return this.node('opaque', node);
        return this.node('binary_operator', node)
          .add(this.expression(node.left), 'left')
          .add(this.node('operator', [node.left.range[1], node.right.range[0]], node.operator), 'operator')
          .add(this.expression(node.right), 'right');
      case 'LogicalExpression':
        return this.node('boolean_operator', node).add(this.expression(node.left), 'left').add(this.expression(node.right), 'right');
      case 'UnaryExpression':
        return this.node('unary_operator', node).add(this.expression(node.argument), 'argument');
      case 'ConditionalExpression':
        // Python's order: `a if test else b`.
        return this.node('conditional_expression', node)
          .add(this.expression(node.consequent))
          .add(this.expression(node.test))
          .add(this.expression(node.alternate));
      case 'SpreadElement':
        return this.spread(node);
      default:
        return this.node('opaque', node);
    }
  }

  private spread(node: TSESTree.SpreadElement): Lowered {
    return this.node('list_splat', node).add(this.expression(node.argument));
  }

  private literal(node: TSESTree.Literal): Lowered {
    if (typeof node.value === 'string') return this.node('string', node).add(this.node('string_content', node, node.value));
    if (typeof node.value === 'boolean') return this.node(node.value ? 'true' : 'false', node);
    if (node.value === null && !('regex' in node)) return this.node('none', node);
    if (typeof node.value === 'number') return this.node(Number.isInteger(node.value) && /^\d+$/.test(node.raw) ? 'integer' : 'float', node);
    return this.node('opaque', node);
  }

  /** A call; a configuration object given last is its keyword arguments. */
  private call(node: TSESTree.CallExpression | TSESTree.NewExpression): Lowered {
    const callee = node.callee;
    const list = this.node('argument_list', [callee.range[1], node.range[1]]);
    node.arguments.forEach((argument, index) => {
      if (argument.type === 'SpreadElement') list.add(this.spread(argument));
      else if (argument.type === 'ObjectExpression' && index === node.arguments.length - 1) this.keywords(argument, list);
      else list.add(this.expression(argument));
    });
    return this.node('call', node).add(this.expression(callee), 'function').add(list, 'arguments');
  }

  private keywords(object: TSESTree.ObjectExpression, list: Lowered): void {
    for (const property of object.properties) {
      if (property.type === 'SpreadElement') {
        list.add(this.node('dictionary_splat', property).add(this.expression(property.argument)));
        continue;
      }
      const key = propertyKey(property);
      if (key === undefined) {
        // A computed key: any keyword may be set.
        list.add(this.node('dictionary_splat', property).add(this.node('opaque', property)));
        continue;
      }
      if (property.value.type.endsWith('Pattern')) continue;
      list.add(
        this.node('keyword_argument', property)
          .add(this.identifier(property.key, key), 'name')
          .add(this.expression(property.value as TSESTree.Expression), 'value'),
      );
    }
  }
}

/** The module a specifier imports, as the tables name it: `tfjs` for TensorFlow.js's packages. */
function moduleName(specifier: string): string {
  return TFJS_PACKAGE.test(specifier) ? TFJS_MODULE : specifier;
}

/** A property's key when it is a plain name or a literal: `{units: 3}`, `{'units': 3}`. */
function propertyKey(property: TSESTree.Property): string | undefined {
  if (property.computed) return undefined;
  if (property.key.type === 'Identifier') return property.key.name;
  if (property.key.type === 'Literal') return String(property.key.value);
  return undefined;
}

/** The names an object pattern binds: `{a, b: c, ...rest}` binds a, c and rest. */
function patternNames(pattern: Node): TSESTree.Identifier[] {
  switch (pattern.type) {
    case 'Identifier':
      return [pattern];
    case 'ObjectPattern':
      return pattern.properties.flatMap((property) => (property.type === 'RestElement' ? patternNames(property.argument) : patternNames(property.value)));
    case 'ArrayPattern':
      return pattern.elements.flatMap((element) => (element ? patternNames(element) : []));
    case 'AssignmentPattern':
      return patternNames(pattern.left);
    case 'RestElement':
      return patternNames(pattern.argument);
    default:
      return [];
  }
}

/** The module a `require('...')` call names, when the expression is one. */
function requiredModule(node: TSESTree.Expression): string | undefined {
  if (node.type !== 'CallExpression' || node.callee.type !== 'Identifier' || node.callee.name !== 'require') return undefined;
  const first = node.arguments[0];
  return first?.type === 'Literal' && typeof first.value === 'string' ? first.value : undefined;
}
