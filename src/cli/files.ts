import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import * as l10n from '@vscode/l10n';
import { notSourceFolder } from '../analysis/workspace';

/** Extensions `losslens check` analyses when it recurses into a folder. */
const CHECKED_EXTENSIONS: ReadonlySet<string> = new Set(['.py', '.ipynb', '.ts', '.tsx', '.js', '.mjs', '.cjs']);

export interface CollectedFiles {
  /** Absolute paths, sorted, each once. */
  readonly files: string[];
  /** Paths given on the command line that cannot be read, and why (a usage error). */
  readonly missing: Array<{ readonly given: string; readonly reason: string }>;
  /** Files and folders found that cannot be read, and why (a note each; the others are checked). */
  readonly skipped: Array<{ readonly path: string; readonly reason: string }>;
}

/** Why a path cannot be read, in words a person can act on. */
function unreadable(path: string, error: unknown): string {
  // The shell passed bytes that are not UTF-8: Node read them as U+FFFD, and no file has that name.
  if (path.includes('\uFFFD')) return l10n.t('its name is not valid UTF-8, and LossLens cannot open it by that name; rename it');
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return l10n.t('no such file or folder');
    case 'ELOOP':
      return l10n.t('a loop of symbolic links');
    case 'EACCES':
    case 'EPERM':
      return l10n.t('permission denied');
    default:
      return l10n.t('cannot read it ({0})', (error as NodeJS.ErrnoException).code ?? String(error));
  }
}

/**
 * Expands the paths given to `check` into the files to analyse. Files named explicitly are kept
 * whatever their extension; folders are searched for checked extensions, skipping VCS folders,
 * `node_modules` and virtual environments (any folder holding a `pyvenv.cfg`). Symbolic links to
 * folders are followed once: a folder already seen by its real path is not entered again.
 * `excluded`, when given, decides instead which files and folders met on the way are left out (the
 * project's `exclude`, `.gitignore`); what is named on the command line is checked whatever it says.
 */
export function collectFiles(
  paths: readonly string[],
  cwd = process.cwd(),
  excluded?: (path: string, isFolder: boolean) => string | undefined,
): CollectedFiles {
  const files = new Set<string>();
  const missing: Array<{ given: string; reason: string }> = [];
  const skipped: Array<{ path: string; reason: string }> = [];
  const seenFolders = new Set<string>();

  /** `given`: the folder as named on the command line, when it was (then it cannot be read is a usage error). */
  const walk = (folder: string, given?: string): void => {
    let real: string;
    let entries;
    try {
      real = realpathSync(folder);
      if (seenFolders.has(real)) return;
      seenFolders.add(real);
      entries = readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      // A folder that cannot be listed (mode 000, gone meanwhile) hides what it holds: say so.
      if (given !== undefined) missing.push({ given, reason: unreadable(given, error) });
      else skipped.push({ path: folder, reason: l10n.t('skipped: a folder LossLens cannot list: {0}', unreadable(folder, error)) });
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
        } catch (error) {
          // A dangling link or a loop is worth a note only where a checked file would be.
          if (CHECKED_EXTENSIONS.has(extname(entry.name).toLowerCase())) skipped.push({ path, reason: l10n.t('skipped: {0}', unreadable(path, error)) });
          continue;
        }
      }
      if (entry.name.includes('\uFFFD') && (isDirectory || CHECKED_EXTENSIONS.has(extname(entry.name).toLowerCase()))) {
        skipped.push({ path, reason: l10n.t('skipped: {0}', unreadable(path, undefined)) });
        continue;
      }
      if (isDirectory) {
        if (!(excluded ? excluded(path, true) !== undefined : notSourceFolder(path, entry.name))) walk(path);
      } else if (CHECKED_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        if (excluded?.(path, false) !== undefined) continue;
        if (isFile) files.add(path);
        // A pipe, device or socket named like source: reading it could block or never end.
        else skipped.push({ path, reason: l10n.t('skipped: not a regular file (a folder, pipe, device or socket)') });
      }
    }
  };

  for (const given of paths) {
    const path = resolve(cwd, given);
    let stat;
    try {
      stat = lstatSync(path);
      if (stat.isSymbolicLink()) stat = statSync(path);
    } catch (error) {
      missing.push({ given, reason: unreadable(given, error) });
      continue;
    }
    // A folder given by name is entered whatever it is called, unless it is a virtual environment.
    if (stat.isDirectory()) {
      if (!notSourceFolder(path, '')) walk(path, given);
    } else files.add(path);
  }
  return { files: [...files].sort(), missing, skipped };
}

/**
 * A path as one line of text output: control characters (a newline is valid in a Linux file
 * name) written as escapes, so a name never breaks a report's `file:line:column` lines.
 */
export function printablePath(path: string): string {
  const named: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  let out = '';
  for (const char of path) {
    const code = char.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? (named[char] ?? `\\x${code.toString(16).padStart(2, '0')}`) : char;
  }
  return out;
}

/** How a file is named in output: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}
