import { PythonModule } from './python/binder';
import { MAX_IMPORTED_BYTES, fileVersion, resolveModule } from './python/imports';
import { Interpreter } from './python/interpreter';
import { loadPythonParser, parsePython, type Parser, type Tree } from './python/parser';
import { torchLibrary } from './python/torch/library';
import { normalizeNewlines, readSourceText } from './source-text';

/** A workspace module some file imports, parsed once per version of it on disk. */
export interface ImportedModule {
  readonly path: string;
  /** Size and modification time when it was read. */
  readonly version: string;
  readonly interpreter: Interpreter;
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
  /** Analyses under way (paused ones too), and the trees of modules replaced meanwhile. */
  private running = 0;
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
   * The imported module at `path` as it is on disk now: parsed again only when its size or
   * modification time changed. Undefined when it cannot be read or is too large.
   */
  module(path: string, parser: Parser): ImportedModule | undefined {
    const version = fileVersion(path);
    const cached = this.modules.get(path);
    if (cached && cached.version === version) return cached;
    if (cached) this.retire(cached.tree);
    this.modules.delete(path);
    const read = version === undefined ? undefined : readSourceText(path, MAX_IMPORTED_BYTES);
    if (!read || !('text' in read) || read.text.includes('\u0000')) return undefined;
    const text = normalizeNewlines(read.text);
    const tree = parsePython(parser, text);
    const module = { path, version: version!, tree, interpreter: new Interpreter(new PythonModule(text, tree), torchLibrary, new Map(), path) };
    this.modules.set(path, module);
    return module;
  }

  /** Files were created, deleted or renamed: imports are resolved again. */
  filesChanged(): void {
    this.resolutions.clear();
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
  }

  private retire(tree: Tree): void {
    if (this.running > 0) this.retired.push(tree);
    else tree.delete();
  }

  dispose(): void {
    for (const module of this.modules.values()) this.retire(module.tree);
    this.modules.clear();
    this.resolutions.clear();
  }
}
