import { readdirSync } from 'node:fs';
import { notSourceFolder } from './workspace';
import { join } from 'node:path';
import { BoundModule } from './engine/binder';
import { MAX_IMPORTED_BYTES, fileVersion, importedModules, resolveModule } from './python/imports';
import { Interpreter, type ImportTable } from './engine/interpreter';
import { loadPythonParser, parsePython, ParseTimeout, type Parser, type Tree } from './python/parser';
import type { IrNode } from './ir/node';
import { readsItsCalls } from './python/impact';
import { mentionsLoss } from './python/select';
import { topLevelStatements } from './python/statements';
import { frameworkLibrary } from './frameworks/library';
import { normalizeNewlines, readSourceText } from './source-text';

/** A workspace module some file imports, parsed once per version of it on disk. */
export interface ImportedModule {
  readonly path: string;
  /** Size and modification time when it was read. */
  readonly version: string;
  readonly interpreter: Interpreter;
  /** The workspace modules it imports, read when its interpreter first asks for one. */
  readonly children: LazyImports;
}

/**
 * An imported module's own imports, read when first asked for: only what an analysis follows
 * into a module is ever parsed (a model zoo's package imports dozens of modules no loss reaches).
 * Only the names the module's text imports are looked up.
 */
class LazyImports implements ImportTable {
  private readonly read = new Map<string, ImportedModule | null>();

  constructor(
    private readonly path: string,
    private readonly names: readonly string[],
    private readonly load: (path: string) => ImportedModule | undefined,
    private readonly host: AnalysisHost,
  ) {}

  get(name: string): Interpreter | undefined {
    return this.module(name)?.interpreter;
  }

  has(name: string): boolean {
    return this.module(name) !== undefined;
  }

  *values(): IterableIterator<Interpreter> {
    for (const module of this.read.values()) if (module) yield module.interpreter;
  }

  /** The modules read so far. */
  *loaded(): IterableIterator<ImportedModule> {
    for (const module of this.read.values()) if (module) yield module;
  }

  private module(name: string): ImportedModule | undefined {
    const known = this.read.get(name);
    if (known !== undefined) return known ?? undefined;
    if (!this.names.includes(name)) return undefined;
    // Marked first: a module importing one that imports it back finds nothing the second time.
    this.read.set(name, null);
    const resolved = this.host.resolve(this.path, name);
    const module = resolved ? this.load(resolved) : undefined;
    this.read.set(name, module ?? null);
    return module;
  }
}

/**
 * What the analyses of many files share, in one process: the Python parser (loaded when the
 * first file needs it) and the workspace modules files import (resolved once, and parsed once
 * per version on disk: a model file imported by fifty training scripts is read once). One per
 * `losslens check` run, one per extension activation. `SourceFile` holds what is per file.
 */
export class AnalysisHost {
  private parserLoad: Promise<Parser> | undefined;
  private readonly resolutions = new Map<string, string | null>();
  private readonly modules = new Map<string, ImportedModule & { readonly tree: Tree }>();
  /** Workspace files by path with the files they import, for finding who calls a module (built on demand). */
  private importersIndex: Map<string, string[]> | undefined;
  /** The indexed files that name a loss. */
  private readonly namesLoss = new Set<string>();
  /** Interpreters of importing files, with their own imports one level deep, by path and version. */
  private readonly callerInterpreters = new Map<string, { version: string; interpreter: Interpreter; tree: Tree }>();
  /** Analyses under way (paused ones too), and the trees of modules replaced meanwhile. */
  private running = 0;
  private disposed = false;
  private retired: Tree[] = [];

  constructor(
    /** Folders imports resolve under (besides the importing file's own): the workspace folders. */
    readonly roots: readonly string[] = [],
  ) {}

  parser(): Promise<Parser> {
    this.parserLoad ??= loadPythonParser();
    return this.parserLoad;
  }

  /** The workspace file a module name imported from `fromPath` stands for, if any (remembered). */
  resolve(fromPath: string, module: string): string | undefined {
    const key = `${fromPath}\u0000${module}`;
    let path = this.resolutions.get(key);
    if (path === undefined) {
      path = resolveModule(fromPath, module, this.roots) ?? null;
      this.resolutions.set(key, path);
    }
    return path ?? undefined;
  }

  /**
   * The imported module at `path` as it is on disk now, with the workspace modules it imports in
   * turn (at any depth, each file once: a package's `__init__.py` re-exporting `from .models
   * import Net` leads to `models.py`): parsed again only when its size or modification time, or
   * one of its imports', changed. Undefined when it cannot be read or is too large.
   */
  module(path: string, parser: Parser): ImportedModule | undefined {
    const version = fileVersion(path);
    const cached = this.modules.get(path);
    if (cached && cached.version === version && this.importsCurrent(cached)) return cached;
    if (cached) this.retire(cached.tree);
    this.modules.delete(path);
    const read = version === undefined ? undefined : readSourceText(path, MAX_IMPORTED_BYTES);
    if (!read || !('text' in read) || read.text.includes('\u0000')) return undefined;
    const text = normalizeNewlines(read.text);
    const tree = parseOrUndefined(parser, text);
    if (!tree) return undefined;
    const children = new LazyImports(path, importedModules(text, topLevelStatements(text)), (child) => this.module(child, parser), this);
    const module = { path, version: version!, tree, children, interpreter: new Interpreter(new BoundModule(text, tree), frameworkLibrary, children, path) };
    this.modules.set(path, module);
    return module;
  }

  /**
   * Whether the modules a cached module has read of its imports (at any depth) are unchanged on
   * disk, and still the ones the host has: its interpreter's answers were computed with them.
   */
  private importsCurrent(module: ImportedModule, seen = new Set<string>()): boolean {
    seen.add(module.path);
    for (const child of module.children.loaded()) {
      if (seen.has(child.path)) continue;
      if (this.modules.get(child.path) !== child || fileVersion(child.path) !== child.version || !this.importsCurrent(child, seen)) return false;
    }
    return true;
  }

  /**
   * The version of an imported module and of every module it imports, in turn: what a file's
   * findings that read it depend on.
   */
  deepVersion(module: ImportedModule): string {
    const versions: string[] = [];
    const visit = (current: ImportedModule, seen: Set<string>) => {
      if (seen.has(current.path)) return;
      seen.add(current.path);
      versions.push(`${current.path}\u0000${current.version}`);
      for (const child of current.children.loaded()) visit(child, seen);
    };
    visit(module, new Set());
    return versions.join('\u0002');
  }

  /**
   * The workspace files that import the module at `path` (under the roots, at most
   * `MAX_WORKSPACE_FILES` of them read, none larger than `MAX_IMPORTED_BYTES`), found once per
   * host and again after `filesChanged`.
   */
  importers(path: string): readonly string[] {
    if (!this.importersIndex) {
      this.importersIndex = new Map();
      for (const file of workspaceFiles(this.roots)) this.indexImports(file);
    }
    return this.importersIndex.get(path) ?? [];
  }

  /**
   * The files importing `path` that name a loss: only they can hand its functions one (a model
   * zoo's modules import each other all the time, and pass layers, not losses).
   */
  lossImporters(path: string): readonly string[] {
    const importers = this.importers(path);
    return importers.filter((file) => this.namesLoss.has(file));
  }

  /** A file's imports, into the importers index. */
  private indexImports(file: string): void {
    const read = readSourceText(file, MAX_IMPORTED_BYTES);
    this.namesLoss.delete(file);
    if (!('text' in read) || read.text.includes('\u0000')) return;
    const text = normalizeNewlines(read.text);
    if (!/\bimport\b/.test(text)) return;
    if (mentionsLoss(text)) this.namesLoss.add(file);
    for (const name of importedModules(text, topLevelStatements(text))) {
      const imported = this.resolve(file, name);
      if (!imported || imported === file) continue;
      const list = this.importersIndex!.get(imported) ?? [];
      if (!list.includes(file)) list.push(file);
      this.importersIndex!.set(imported, list);
    }
  }

  /** A workspace file changed on disk: what it imports is read again (the rest of the index stands). */
  fileChanged(file: string): void {
    if (!this.importersIndex) return;
    for (const [imported, list] of this.importersIndex) {
      const kept = list.filter((candidate) => candidate !== file);
      if (kept.length === 0) this.importersIndex.delete(imported);
      else this.importersIndex.set(imported, kept);
    }
    this.indexImports(file);
  }

  /**
   * Calls of the top-level function `name` of the module at `path` made by the files that import
   * it, each with the interpreter of its file (whose own imports are followed one level): what
   * they pass is what the function's parameters may hold. At most `max`.
   */
  externalCalls(path: string, name: string, parser: Parser, max: number): Array<{ call: IrNode; interpreter: Interpreter }> {
    const calls: Array<{ call: IrNode; interpreter: Interpreter }> = [];
    for (const file of this.lossImporters(path)) {
      const interpreter = this.callerInterpreter(file, parser);
      if (!interpreter) continue;
      const module = interpreter.module;
      const pattern = new RegExp(`\\b${name}[ \\t]*\\(`, 'g');
      for (let match = pattern.exec(module.text); match; match = pattern.exec(module.text)) {
        const callee = module.tree.rootNode.descendantForIndex(match.index, match.index + name.length);
        const call = callee?.parent?.type === 'call' ? callee.parent : callee?.parent?.parent?.type === 'call' ? callee.parent.parent : undefined;
        const calleeNode = call?.childForFieldName('function');
        if (!call || !calleeNode || calleeNode.endIndex !== match.index + name.length) continue;
        // `train(...)` from `from engine import train`, or `engine.train(...)`: the name must lead to this file.
        const qualified = module.qualify(calleeNode);
        const cut = qualified?.lastIndexOf('.') ?? -1;
        if (!qualified || cut < 0 || qualified.slice(cut + 1) !== name || this.resolve(file, qualified.slice(0, cut)) !== path) continue;
        if (calls.length === max) return calls;
        calls.push({ call, interpreter });
      }
    }
    return calls;
  }

  /**
   * The files a Python file's findings can depend on, besides its own text: the workspace modules
   * it imports, and — when one of its functions reads what its calls pass — the files importing
   * it that name a loss, with the modules those import (for `losslens check`'s cache).
   */
  dependencies(path: string, text: string): string[] {
    const statements = topLevelStatements(text);
    const imported = (file: string, source: string, lines: ReturnType<typeof topLevelStatements>) =>
      importedModules(source, lines).flatMap((name) => this.resolve(file, name) ?? []);
    const found = new Set(imported(path, text, statements));
    // And what those import in turn, as far as the modules followed go.
    for (const file of [...found]) {
      const module = this.modules.get(file);
      if (module) for (const entry of this.deepVersion(module).split('\u0002')) found.add(entry.split('\u0000')[0]!);
    }
    if (statements.some((statement) => readsItsCalls(statement))) {
      for (const importer of this.lossImporters(path)) {
        found.add(importer);
        const read = readSourceText(importer, MAX_IMPORTED_BYTES);
        if ('text' in read) {
          const source = normalizeNewlines(read.text);
          for (const module of imported(importer, source, topLevelStatements(source))) found.add(module);
        }
      }
    }
    found.delete(path);
    return [...found].sort();
  }

  /** The versions of the files importing `path`: what a file's findings through their calls depend on. */
  importersKey(path: string): string {
    return this.lossImporters(path)
      .map((file) => `${file}\u0000${fileVersion(file) ?? ''}`)
      .join('\u0001');
  }

  private callerInterpreter(file: string, parser: Parser): Interpreter | undefined {
    const version = fileVersion(file);
    const cached = this.callerInterpreters.get(file);
    if (cached && cached.version === version) return cached.interpreter;
    if (cached) this.retire(cached.tree);
    this.callerInterpreters.delete(file);
    const read = version === undefined ? undefined : readSourceText(file, MAX_IMPORTED_BYTES);
    if (!read || !('text' in read) || read.text.includes('\u0000')) return undefined;
    const text = normalizeNewlines(read.text);
    const tree = parseOrUndefined(parser, text);
    if (!tree) return undefined;
    const imports = new Map<string, Interpreter>();
    for (const name of importedModules(text, topLevelStatements(text))) {
      const imported = this.resolve(file, name);
      const module = imported ? this.module(imported, parser) : undefined;
      if (module) imports.set(name, module.interpreter);
    }
    const interpreter = new Interpreter(new BoundModule(text, tree), frameworkLibrary, imports, file);
    this.callerInterpreters.set(file, { version: version!, interpreter, tree });
    return interpreter;
  }

  /** Files were created, deleted, renamed or changed: imports are resolved again, importers found again. */
  filesChanged(): void {
    this.resolutions.clear();
    this.importersIndex = undefined;
    this.namesLoss.clear();
  }

  /**
   * An analysis starts: until it ends, the trees of imported modules it may be reading stay alive
   * (an analysis paused between slices can hold one another analysis has replaced).
   */
  enter(): void {
    this.running++;
  }

  leave(): void {
    if (--this.running > 0) return;
    for (const tree of this.retired) tree.delete();
    this.retired = [];
    if (this.disposed) this.deleteParser();
  }

  private retire(tree: Tree): void {
    if (this.running > 0) this.retired.push(tree);
    else tree.delete();
  }

  dispose(): void {
    for (const caller of this.callerInterpreters.values()) this.retire(caller.tree);
    this.callerInterpreters.clear();
    this.importersIndex = undefined;
    this.namesLoss.clear();
    for (const module of this.modules.values()) this.retire(module.tree);
    this.modules.clear();
    this.resolutions.clear();
    // The parser's WebAssembly memory is freed now, or when the analysis still running ends.
    this.disposed = true;
    if (this.running === 0) this.deleteParser();
  }

  private deleteParser(): void {
    const load = this.parserLoad;
    this.parserLoad = undefined;
    void load?.then((parser) => parser.delete());
  }
}

/** A workspace file's tree; none when tree-sitter gave up on it (it is then read as a module LossLens cannot follow). */
function parseOrUndefined(parser: Parser, text: string): Tree | undefined {
  try {
    return parsePython(parser, text);
  } catch (error) {
    if (error instanceof ParseTimeout) return undefined;
    throw error;
  }
}

/** The most workspace files read when looking for the files that import a module. */
const MAX_WORKSPACE_FILES = 3000;

/** The Python files under the roots, breadth first, at most `MAX_WORKSPACE_FILES`, each once. */
function workspaceFiles(roots: readonly string[]): string[] {
  const files: string[] = [];
  const seen = new Set<string>();
  const queue = [...new Set(roots)];
  while (queue.length > 0 && files.length < MAX_WORKSPACE_FILES) {
    const folder = queue.shift()!;
    if (seen.has(folder)) continue;
    seen.add(folder);
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !notSourceFolder(join(folder, entry.name), entry.name)) queue.push(join(folder, entry.name));
      else if (entry.isFile() && entry.name.endsWith('.py') && files.length < MAX_WORKSPACE_FILES) files.push(join(folder, entry.name));
    }
  }
  return files;
}
