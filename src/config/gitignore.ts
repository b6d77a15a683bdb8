import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { pathUnder } from './paths';

/** The `.gitignore` rule that ignores a path. */
export interface GitignoreMatch {
  /** The `.gitignore`, absolute. */
  readonly file: string;
  readonly line: number;
  readonly pattern: string;
}

interface GitignoreFile {
  readonly rules: Ignore;
  readonly lines: readonly string[];
}

/** The `.gitignore` files of a tree, each read once, answering which paths they ignore as git would. */
export class Gitignores {
  /** By folder; null: the folder has none. */
  private readonly files = new Map<string, GitignoreFile | null>();

  /**
   * The rule that ignores `path`, a file or folder under `root` (the project root: `.gitignore`
   * files above it do not count). Git does not enter an ignored folder, so a folder ignored hides
   * everything under it, whatever deeper files say.
   */
  match(root: string, path: string, isFolder: boolean): GitignoreMatch | undefined {
    const parts = pathUnder(root, path)?.split('/');
    if (!parts) return undefined;
    for (let depth = 1; depth <= parts.length; depth++) {
      const match = this.decide(root, join(root, ...parts.slice(0, depth)), depth < parts.length || isFolder);
      if (match) return match;
    }
    return undefined;
  }

  /** Forgets the `.gitignore` at `path` (it changed). */
  invalidate(path: string): void {
    this.files.delete(dirname(path));
  }

  clear(): void {
    this.files.clear();
  }

  /** Whether `entry` itself is ignored: the deepest `.gitignore` with a rule for it decides. */
  private decide(root: string, entry: string, isFolder: boolean): GitignoreMatch | undefined {
    for (let folder = dirname(entry); ; folder = dirname(folder)) {
      const gitignore = this.read(folder);
      if (gitignore) {
        const result = gitignore.rules.test(`${pathUnder(folder, entry)!}${isFolder ? '/' : ''}`);
        if (result.ignored && result.rule) {
          const pattern = result.rule.pattern;
          return { file: join(folder, '.gitignore'), line: gitignore.lines.findIndex((line) => line.trim() === pattern) + 1 || 1, pattern };
        }
        if (result.unignored) return undefined;
      }
      if (folder === root || dirname(folder) === folder) return undefined;
    }
  }

  private read(folder: string): GitignoreFile | null {
    let gitignore = this.files.get(folder);
    if (gitignore === undefined) {
      try {
        const text = readFileSync(join(folder, '.gitignore'), 'utf8');
        gitignore = { rules: ignore().add(text), lines: text.split(/\r?\n/) };
      } catch {
        // No .gitignore there (or not one git could read either).
        gitignore = null;
      }
      this.files.set(folder, gitignore);
    }
    return gitignore;
  }
}
