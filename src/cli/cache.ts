import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
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

/** A place of a finding's evidence, as SARIF writes it: a file, a line, what it shows; a column and a cell or none. */
const StoredPlace = v.object({ file: v.string(), line: v.number(), column: v.optional(v.number()), cell: v.optional(v.number()), text: v.string() });

/** A fix as `check` stored it: its title, its safety and its edits by offset. */
const StoredFix = v.object({
  title: v.string(),
  safety: v.picklist(['safe', 'unsafe']),
  edits: v.array(v.object({ start: v.number(), end: v.number(), newText: v.string() })),
});

/** A finding as `check` stored it: the fields every output format reads. */
const StoredFinding = v.object({
  file: v.string(),
  line: v.number(),
  column: v.number(),
  endLine: v.number(),
  endColumn: v.number(),
  code: v.string(),
  rule: v.string(),
  severity: v.picklist(['error', 'warning', 'information']),
  message: v.string(),
  cell: v.optional(v.number()),
  fix: v.optional(StoredFix),
  related: v.optional(v.array(StoredPlace)),
});

/** One file's entry: what an entry written by hand, truncated or by another version is checked against. */
const StoredEntry = v.object({
  hash: v.string(),
  dependencies: v.array(v.tuple([v.string(), v.string()])),
  result: v.object({
    kind: v.picklist(['python', 'notebook', 'javascript']),
    findings: v.array(StoredFinding),
    skipped: v.optional(v.string()),
    partial: v.optional(v.string()),
  }),
});

const StoredCache = v.object({ key: v.string(), tree: v.string(), entries: v.record(v.string(), v.unknown()) });

/** The entries of the expected shape; any other (written by hand, truncated, another version) is dropped. */
function validEntries(entries: Record<string, unknown>): Record<string, Entry> {
  return Object.fromEntries(Object.entries(entries).filter((pair): pair is [string, Entry] => v.is(StoredEntry, pair[1])));
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
    return new CheckCache(file, key, tree, v.is(StoredCache, stored) ? { ...stored, entries: validEntries(stored.entries) } : undefined);
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
