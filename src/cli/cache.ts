import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentKind } from '../analysis/document';
import { fileVersion } from '../analysis/python/imports';
import { readSourceText } from '../analysis/source-text';
import type { CheckFinding } from './findings';

/** What checking one file gave, as the run reports it. */
export interface CachedResult {
  readonly kind: DocumentKind;
  readonly findings: readonly CheckFinding[];
  /** Why it was not analysed, when it was not. */
  readonly skipped?: string;
  /** What of it was not analysed (statements with syntax errors), when some was. */
  readonly partial?: string;
}

interface Entry {
  /** SHA-256 of the text checked. */
  readonly hash: string;
  /** The files its findings depend on (workspace modules it imports, files importing it), with their size and modification time. */
  readonly dependencies: ReadonlyArray<readonly [string, string]>;
  readonly result: CachedResult;
}

interface Stored {
  /** LossLens's version, the options and the working folder: another key, another cache. */
  readonly key: string;
  /** Every file the run collected: a file added or removed can change where imports lead. */
  readonly tree: string;
  readonly entries: Record<string, Entry>;
}

/** A cache file larger than this is not read (10,000 files take about 30 MB). */
const MAX_CACHE_BYTES = 512 * 1024 * 1024;

/** A finding as `check` stored it: the fields every output format reads. */
function isFinding(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const finding = value as Record<string, unknown>;
  return (
    typeof finding.file === 'string' &&
    typeof finding.code === 'string' &&
    typeof finding.message === 'string' &&
    typeof finding.rule === 'string' &&
    ['error', 'warning', 'information'].includes(finding.severity as string) &&
    [finding.line, finding.column, finding.endLine, finding.endColumn].every((number) => typeof number === 'number') &&
    (finding.cell === undefined || typeof finding.cell === 'number') &&
    (finding.fix === undefined || isFix(finding.fix)) &&
    (finding.related === undefined || (Array.isArray(finding.related) && finding.related.every(isPlace)))
  );
}

/** A fix as `check` stored it: its title, its safety and its edits by offset. */
function isFix(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const fix = value as Record<string, unknown>;
  return (
    typeof fix.title === 'string' &&
    (fix.safety === 'safe' || fix.safety === 'unsafe') &&
    Array.isArray(fix.edits) &&
    fix.edits.every((edit: unknown) => {
      if (typeof edit !== 'object' || edit === null) return false;
      const { start, end, newText } = edit as Record<string, unknown>;
      return typeof start === 'number' && typeof end === 'number' && typeof newText === 'string';
    })
  );
}

/** A place of a finding's evidence, as SARIF writes it: a file, a line, what it shows, a column or none. */
function isPlace(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const place = value as Record<string, unknown>;
  return (
    typeof place.file === 'string' &&
    typeof place.line === 'number' &&
    typeof place.text === 'string' &&
    (place.column === undefined || typeof place.column === 'number')
  );
}

function isStored(value: unknown): value is Stored {
  if (typeof value !== 'object' || value === null) return false;
  const stored = value as Record<string, unknown>;
  return typeof stored.key === 'string' && typeof stored.tree === 'string' && typeof stored.entries === 'object' && stored.entries !== null;
}

/** The entries of the expected shape; any other (written by hand, truncated, another version) is dropped. */
function validEntries(entries: Record<string, unknown>): Record<string, Entry> {
  const isEntry = (value: unknown): value is Entry => {
    if (typeof value !== 'object' || value === null) return false;
    const entry = value as Record<string, unknown>;
    const result = entry.result as Record<string, unknown> | null | undefined;
    return (
      typeof entry.hash === 'string' &&
      Array.isArray(entry.dependencies) &&
      entry.dependencies.every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string')) &&
      typeof result === 'object' &&
      result !== null &&
      typeof result.kind === 'string' &&
      Array.isArray(result.findings) &&
      result.findings.every(isFinding) &&
      (result.skipped === undefined || typeof result.skipped === 'string') &&
      (result.partial === undefined || typeof result.partial === 'string')
    );
  };
  return Object.fromEntries(Object.entries(entries).filter((pair): pair is [string, Entry] => isEntry(pair[1])));
}

/**
 * `losslens check`'s cache, as Ruff keeps `.ruff_cache/`: each file's result by its path, reused
 * while its text (by SHA-256), the files it depends on (by size and modification time), the
 * options, LossLens's version and the set of files in the tree stay the same. One JSON file in
 * the cache folder, written whole at the end of a run (a `.gitignore` beside it keeps it out of
 * version control); a cache that cannot be read is started anew, never an error.
 */
export class CheckCache {
  private readonly entries: Map<string, Entry>;
  private readonly fresh = new Map<string, Entry>();

  private constructor(
    private readonly file: string | undefined,
    private readonly key: string,
    private readonly tree: string,
    stored: Stored | undefined,
  ) {
    this.entries = new Map(stored && stored.key === key && stored.tree === tree ? Object.entries(stored.entries) : []);
  }

  /** The cache in `folder` for a run with `key` over `files` (and a shard of them); `undefined` folder: a cache that keeps nothing. */
  static open(folder: string | undefined, key: string, files: readonly string[], shard?: string): CheckCache {
    const tree = createHash('sha256').update(files.join('\u0000')).digest('hex');
    if (!folder) return new CheckCache(undefined, key, tree, undefined);
    // Each shard of a matrix keeps its own: jobs sharing a machine do not overwrite each other.
    const file = join(folder, shard ? `check-${shard}.json` : 'check.json');
    // The guarded reader of source files: a FIFO or an endless device in its place is not read.
    const read = readSourceText(file, MAX_CACHE_BYTES);
    let stored: unknown;
    try {
      stored = 'text' in read ? JSON.parse(read.text) : undefined;
    } catch {
      stored = undefined;
    }
    return new CheckCache(file, key, tree, isStored(stored) ? { ...stored, entries: validEntries(stored.entries) } : undefined);
  }

  static hash(text: string): string {
    return createHash('sha256').update(text).digest('hex');
  }

  /** The result kept for `path` with this text, when nothing it depends on changed. */
  lookup(path: string, hash: string): CachedResult | undefined {
    const entry = this.entries.get(path);
    if (!entry || entry.hash !== hash) return undefined;
    for (const [dependency, version] of entry.dependencies) if (fileVersion(dependency) !== version) return undefined;
    this.fresh.set(path, entry);
    return entry.result;
  }

  store(path: string, hash: string, dependencies: readonly string[], result: CachedResult): void {
    this.fresh.set(path, { hash, dependencies: dependencies.map((dependency) => [dependency, fileVersion(dependency) ?? ''] as const), result });
  }

  /** Writes what this run checked or reused (files of other runs' trees are dropped). */
  save(): void {
    if (!this.file) return;
    const folder = join(this.file, '..');
    try {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, '.gitignore'), '# Written by losslens check: its cache, never committed.\n*\n');
      const stored: Stored = { key: this.key, tree: this.tree, entries: Object.fromEntries(this.fresh) };
      const partial = `${this.file}.${process.pid}`;
      writeFileSync(partial, JSON.stringify(stored));
      renameSync(partial, this.file);
    } catch {
      // A cache that cannot be written (a read-only checkout): the next run checks again.
    }
  }
}
