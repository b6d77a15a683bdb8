import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Folder names never entered: VCS metadata, installed packages, caches. */
const NOT_SOURCE: ReadonlySet<string> = new Set([
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
]);

/**
 * Whether a folder holds no workspace code to read: one of `NOT_SOURCE`, or a virtual environment
 * (it has a `pyvenv.cfg`). The one rule for `losslens check` and for the host's import index.
 */
export function notSourceFolder(folder: string, name: string): boolean {
  return NOT_SOURCE.has(name) || existsSync(join(folder, 'pyvenv.cfg'));
}
