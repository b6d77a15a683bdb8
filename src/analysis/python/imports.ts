import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** A workspace module an import resolved to. */
export interface ModuleSource {
  readonly path: string;
  readonly text: string;
}

/** Resolves a module name as written in an import (`models`, `pkg.models`, `.models`) to a file, or not. */
export type ImportResolver = (module: string) => ModuleSource | undefined;

const MAX_IMPORTED_BYTES = 512 * 1024;

/** The modules a file imports, as written: `import a.b`, `from a.b import c`, `from .m import x`. */
export function importedModules(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import\b/gm)) if (match[1]) names.add(match[1]);
  for (const match of text.matchAll(/^[ \t]*import[ \t]+([^\n#]+)/gm)) {
    for (const part of match[1]!.split(',')) {
      const name = part.trim().split(/\s+/)[0];
      if (name && /^[\w.]+$/.test(name)) names.add(name);
    }
  }
  return [...names];
}

/**
 * Resolves imports to Python files of the workspace: beside the importing file, or under one of
 * the roots (`pkg.models` → `<root>/pkg/models.py` or `<root>/pkg/models/__init__.py`); leading
 * dots are relative to the importing file's package. Files over 512 KB are not read.
 */
export function fileResolver(fromPath: string, roots: readonly string[]): ImportResolver {
  const here = dirname(resolve(fromPath));
  return (module) => {
    const dots = /^\.*/.exec(module)![0].length;
    const segments = module.slice(dots).split('.').filter(Boolean);
    let bases: string[];
    if (dots > 0) {
      let base = here;
      for (let i = 1; i < dots; i++) base = dirname(base);
      bases = [base];
    } else {
      bases = [...new Set([here, ...roots.map((root) => resolve(root))])];
    }
    for (const base of bases) {
      const stem = join(base, ...segments);
      for (const candidate of [`${stem}.py`, join(stem, '__init__.py')]) {
        if (candidate === resolve(fromPath) || !existsSync(candidate)) continue;
        try {
          if (statSync(candidate).size > MAX_IMPORTED_BYTES) return undefined;
          return { path: candidate, text: readFileSync(candidate, 'utf8') };
        } catch {
          return undefined;
        }
      }
    }
    return undefined;
  };
}
