/**
 * Facts that cross files: the workspace modules a file imports, resolved to files and parsed
 * once. `AnalysisHost` keeps them by path and modification time, so a module is re-read only when
 * it changes on disk, and shared by every file that imports it.
 */

import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Statement } from './statements';

/** Imported modules larger than this are not read: facts from them are not worth the time. */
export const MAX_IMPORTED_BYTES = 512 * 1024;

/** The modules a file imports, as written: `import a.b`, `from a.b import c`, `from .m import x`. */
export function importedModules(text: string, statements: readonly Statement[]): string[] {
  const names = new Set<string>();
  for (const statement of statements) {
    if (!statement.isImport) continue;
    const source = text.slice(statement.start, statement.end);
    for (const match of source.matchAll(/^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import\b/gm)) if (match[1]) names.add(match[1]);
    for (const match of source.matchAll(/^[ \t]*import[ \t]+([^\n#]+)/gm)) {
      for (const part of match[1]!.split(',')) {
        const name = part.trim().split(/\s+/)[0];
        if (name && /^[\w.]+$/.test(name)) names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * The Python file of the workspace a module name imported from `fromPath` stands for: beside the
 * importing file, or under one of the roots (`pkg.models` → `<root>/pkg/models.py` or
 * `<root>/pkg/models/__init__.py`); leading dots are relative to the importing file's package.
 */
export function resolveModule(fromPath: string, module: string, roots: readonly string[]): string | undefined {
  const here = dirname(resolve(fromPath));
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
      if (candidate !== resolve(fromPath) && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** What a file on disk is now: its size and modification time, or undefined when it cannot be read. */
export function fileVersion(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return stat.isFile() ? `${stat.size}:${stat.mtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}
