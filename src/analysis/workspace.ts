import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_EXCLUDE, VIRTUAL_ENVIRONMENT_MARKER } from '../config/defaults';

/** Folder names never entered: VCS metadata, installed packages, caches (the project configuration's default excludes). */
const NOT_SOURCE: ReadonlySet<string> = new Set(DEFAULT_EXCLUDE);

/**
 * Whether a folder holds no workspace code to read: one of `NOT_SOURCE`, or a virtual environment
 * (it has a `pyvenv.cfg`). The one rule for `losslens check` and for the host's import index.
 */
export function notSourceFolder(folder: string, name: string): boolean {
  return NOT_SOURCE.has(name) || existsSync(join(folder, VIRTUAL_ENVIRONMENT_MARKER));
}
