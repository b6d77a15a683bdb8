import { isAbsolute, relative, sep } from 'node:path';

/** How a path is named in messages: relative to `cwd` when inside it, else absolute. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** `path` relative to `folder` with `/` between parts (what globs match), or undefined when outside it. */
export function pathUnder(folder: string, path: string): string | undefined {
  const rel = relative(folder, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}
