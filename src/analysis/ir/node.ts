/**
 * The intermediate form every front end lowers to: a syntax tree in one vocabulary, the Python
 * grammar's (tree-sitter-python's node types and field names). Python's tree-sitter nodes are IR
 * nodes as they are (no copy, so parsing stays incremental); TypeScript and JavaScript are lowered
 * into it (`src/analysis/script/lower.ts`: `const x = f({units: 3})` is an `assignment` whose
 * right side is a `call` with the keyword argument `units=3`). The binder (`engine/binder.ts`)
 * reads scopes, bindings, assignments, attribute stores, imports, classes, functions and returns
 * from it, and the interpreter follows values through it: nothing past the front ends knows which
 * language a file was written in.
 *
 * Only what the engine reads is part of the form. Offsets are UTF-16 offsets into the file's
 * text; `text` is the source the node covers (a lowered node may say what it stands for instead:
 * `this` is the identifier of a method's implicit first parameter).
 */
export interface IrNode {
  /** Unique within one tree: the interpreter memoises by it. */
  readonly id: number;
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly parent: IrNode | null;
  readonly namedChildren: ReadonlyArray<IrNode | null>;
  readonly namedChildCount: number;
  readonly firstNamedChild: IrNode | null;
  /** Whether the node or one inside it could not be read (a syntax error). */
  readonly hasError: boolean;
  childForFieldName(field: string): IrNode | null;
  descendantsOfType(type: string): ReadonlyArray<IrNode | null>;
  /** The smallest node spanning the offsets. */
  descendantForIndex(start: number, end?: number): IrNode | null;
  /** The smallest named node spanning the offsets. */
  namedDescendantForIndex(start: number, end?: number): IrNode | null;
}

/** A lowered file: its root (`module`), and how to find the definitions inside one statement. */
export interface IrTree {
  readonly rootNode: IrNode;
  /**
   * The function and class definitions inside a top-level statement, outermost first, for front
   * ends whose text cannot be scanned for `def` and `class` (the binder's way for Python).
   */
  definitionsIn?(statement: IrNode): readonly IrNode[];
}
