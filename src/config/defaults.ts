import { basename } from 'node:path';

/** The files a project configuration is read from, in the order each folder is searched (Ruff's order). */
export const CONFIG_FILE_NAMES: readonly string[] = ['.losslens.toml', 'losslens.toml', 'pyproject.toml'];

/**
 * Folders never checked unless `exclude` replaces this list: VCS metadata, installed packages,
 * caches. The folders `losslens check` skips while it walks a tree. Virtual environments are
 * excluded with them by what they hold (a `pyvenv.cfg`), not by a name.
 */
export const DEFAULT_EXCLUDE: readonly string[] = [
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
  '.losslens_cache',
  '.ipynb_checkpoints',
  'site-packages',
];

/** The file that marks a folder as a Python virtual environment. */
export const VIRTUAL_ENVIRONMENT_MARKER = 'pyvenv.cfg';

/** Whether `path` names a file LossLens reads its configuration from (for a watcher). */
export function isConfigFileName(path: string): boolean {
  return CONFIG_FILE_NAMES.includes(basename(path));
}
