import { lstatSync, readdirSync, realpathSync, statSync, existsSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';

/** Extensions `losslens check` analyses when it recurses into a folder. */
const CHECKED_EXTENSIONS: ReadonlySet<string> = new Set(['.py', '.ipynb', '.ts', '.tsx', '.js', '.mjs', '.cjs']);

/** Folder names never entered: VCS metadata, installed packages, caches. */
const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '__pycache__',
  '.tox',
  '.nox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.ipynb_checkpoints',
  'site-packages',
]);

export interface CollectedFiles {
  /** Absolute paths, sorted, each once. */
  readonly files: string[];
  /** Paths given on the command line that do not exist. */
  readonly missing: string[];
}

/**
 * Expands the paths given to `check` into the files to analyse. Files named explicitly are kept
 * whatever their extension; folders are searched for checked extensions, skipping VCS folders,
 * `node_modules` and virtual environments (any folder holding a `pyvenv.cfg`). Symbolic links to
 * folders are followed once: a folder already seen by its real path is not entered again.
 */
export function collectFiles(paths: readonly string[], cwd = process.cwd()): CollectedFiles {
  const files = new Set<string>();
  const missing: string[] = [];
  const seenFolders = new Set<string>();

  const walk = (folder: string): void => {
    let real: string;
    try {
      real = realpathSync(folder);
    } catch {
      return;
    }
    if (seenFolders.has(real)) return;
    seenFolders.add(real);
    if (existsSync(join(folder, 'pyvenv.cfg'))) return;
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(folder, entry.name);
      let isDirectory = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const target = statSync(path);
          isDirectory = target.isDirectory();
          isFile = target.isFile();
        } catch {
          continue;
        }
      }
      if (isDirectory) {
        if (!SKIPPED_FOLDERS.has(entry.name)) walk(path);
      } else if (isFile && CHECKED_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        files.add(path);
      }
    }
  };

  for (const given of paths) {
    const path = resolve(cwd, given);
    let stat;
    try {
      stat = lstatSync(path);
      if (stat.isSymbolicLink()) stat = statSync(path);
    } catch {
      missing.push(given);
      continue;
    }
    if (stat.isDirectory()) walk(path);
    else files.add(path);
  }
  return { files: [...files].sort(), missing };
}

/** How a file is named in output: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}
