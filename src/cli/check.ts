import * as l10n from '@vscode/l10n';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AnalysisHost } from '../analysis/host';
import { DEFAULT_MAX_FILE_BYTES } from '../analysis/options';
import { readSourceText } from '../analysis/source-text';
import { SourceFile } from '../analysis/python/source-file';
import { analyzeDocument, documentKind, type DocumentKind, type LocatedFinding } from '../analysis/document';
import { notebookProgram } from '../analysis/notebook';
import { RULES } from '../analysis/rules';
import { parseCommandArgs } from './args';
import { collectFiles, displayPath, printablePath } from './files';
import { EXIT, type CliIO, UsageError } from './io';
import { CheckCache, type CachedResult } from './cache';
import type { CheckFinding } from './findings';
import { sarifLog } from './sarif';
import { version } from '../../package.json';

const FORMATS = ['text', 'json', 'sarif'] as const;
/** Files to analyse per worker thread before threads are used at all. */
const MIN_FILES_PER_THREAD = 100;
type Format = (typeof FORMATS)[number];

export const CHECK_USAGE = `losslens check [--format text|json|sarif] [--select LL001,...] [--ignore LL010,...] [--shard I/N] [--no-cache] [--cache-dir DIR] [--jobs N] [--exit-zero] PATH...`;

export async function runCheck(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string', default: 'text' },
    select: { type: 'string' },
    ignore: { type: 'string' },
    'exit-zero': { type: 'boolean', default: false },
    shard: { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    'cache-dir': { type: 'string' },
    jobs: { type: 'string' },
  });
  const format = values.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(l10n.t('Unknown format "{0}": use text, json or sarif.', format));
  }
  const select = parseRuleList(values.select as string | undefined, '--select');
  const ignore = parseRuleList(values.ignore as string | undefined, '--ignore');
  if (positionals.length === 0) throw new UsageError(l10n.t('Give at least one file or folder to check.'));

  const shard = parseShard(values.shard as string | undefined);
  const collected = collectFiles(positionals, io.cwd);
  const { missing, skipped: unreadable } = collected;
  if (missing.length > 0) throw new UsageError(missing.map(({ given, reason }) => `${given}: ${reason}`).join('\n'));
  // A CI matrix's share: each file belongs to one shard, by its path, whatever the others hold.
  const files = shard ? collected.files.filter((file) => shardOf(displayPath(file, io.cwd), shard.count) === shard.index) : collected.files;
  for (const { path, reason } of unreadable) io.stderr(`${printablePath(displayPath(path, io.cwd))}: ${reason}\n`);

  const findings: CheckFinding[] = [];
  let analysed = 0;
  let skipped = unreadable.length;
  const byKind: Record<DocumentKind, number> = { python: 0, notebook: 0, javascript: 0 };
  const roots = [io.cwd, ...positionals.map((given) => resolve(io.cwd, given))];
  // Results kept from the last run over the same tree with the same options (`.losslens_cache/`).
  const cacheFolder = values['no-cache'] ? undefined : resolve(io.cwd, (values['cache-dir'] as string | undefined) ?? '.losslens_cache');
  const cache = CheckCache.open(cacheFolder, JSON.stringify([version, io.cwd, select, ignore]), collected.files, shard && `${shard.index}-of-${shard.count}`);

  // Each file, in order: a note (not analysable), a kept result, or a job to analyse.
  const outcomes: Array<{ path: string; note?: string; kind?: DocumentKind; result?: CachedResult; notes?: readonly string[] }> = [];
  const jobs: CheckJob[] = [];
  for (const file of files) {
    const path = displayPath(file, io.cwd);
    const kind = documentKind(file);
    if (!kind) {
      outcomes.push({ path, note: l10n.t('skipped: not a Python, notebook, TypeScript or JavaScript file') });
      continue;
    }
    const read = readSourceText(file, DEFAULT_MAX_FILE_BYTES);
    if ('skipped' in read) {
      outcomes.push({ path, note: read.skipped });
      continue;
    }
    const hash = CheckCache.hash(read.text);
    const kept = cache.lookup(file, hash);
    outcomes.push({ path, kind, ...(kept ? { result: kept } : {}) });
    if (!kept) jobs.push({ index: outcomes.length - 1, file, path, kind, text: read.text, hash });
  }
  const options = { cwd: io.cwd, roots, select, ignore };
  const workers = parseJobs(values.jobs as string | undefined, io.stderr);
  // Threads pay off past a few hundred files: each loads the analyzer and the parser anew.
  const threaded = io.checkWorker && workers > 1 && jobs.length >= MIN_FILES_PER_THREAD * workers && existsSync(io.checkWorker);
  const done = threaded ? await checkInWorkers(io.checkWorker!, workers, jobs, options) : await checkHere(jobs, options);
  for (const [position, job] of jobs.entries()) {
    const { result, dependencies, notes } = done[position]!;
    outcomes[job.index] = { ...outcomes[job.index]!, result, notes };
    cache.store(job.file, job.hash, dependencies, result);
  }
  cache.save();
  for (const outcome of outcomes) {
    for (const note of outcome.notes ?? []) io.stderr(`${printablePath(outcome.path)}: ${note}\n`);
    if (outcome.note !== undefined) {
      io.stderr(`${printablePath(outcome.path)}: ${outcome.note}\n`);
      skipped++;
    } else if (outcome.result?.skipped) {
      io.stderr(`${printablePath(outcome.path)}: ${outcome.result.skipped}\n`);
      skipped++;
    } else if (outcome.result && outcome.kind) {
      if (outcome.result.partial) io.stderr(`${printablePath(outcome.path)}: ${outcome.result.partial}\n`);
      analysed++;
      byKind[outcome.kind]++;
    }
    if (outcome.result) findings.push(...outcome.result.findings);
  }
  report(format as Format, { analysed, skipped, byKind }, findings, io);
  return findings.length > 0 && !values['exit-zero'] ? EXIT.findings : EXIT.ok;
}

function toCheckFinding(file: string, finding: LocatedFinding): CheckFinding {
  return {
    file,
    line: finding.start.line,
    column: finding.start.column,
    endLine: finding.end.line,
    endColumn: finding.end.column,
    code: finding.code,
    rule: finding.rule,
    severity: finding.severity,
    message: finding.message,
    ...(finding.fix
      ? {
          fix: {
            title: finding.fix.title,
            safety: finding.fix.safety,
            edits: finding.fix.edits.map((edit) => ({ start: edit.span.start, end: edit.span.end, newText: edit.newText })),
          },
        }
      : {}),
    ...(finding.cell !== undefined ? { cell: finding.cell } : {}),
  };
}

function parseRuleList(raw: string | undefined, flag: string): string[] {
  if (raw === undefined) return [];
  const codes = raw
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter((code) => code.length > 0);
  for (const code of codes) {
    if (!/^LL\d{3}$/.test(code)) throw new UsageError(l10n.t('{0} expects rule codes like LL001, got "{1}".', flag, code));
    if (!RULES.some((rule) => rule.meta.code === code))
      throw new UsageError(l10n.t('{0}: there is no rule {1}. Rules: {2}.', flag, code, RULES.map((rule) => rule.meta.code).join(', ')));
  }
  return codes;
}

/** How many files were analysed, in all and per kind, and how many skipped. */
interface Analysed {
  readonly analysed: number;
  readonly skipped: number;
  readonly byKind: Readonly<Record<DocumentKind, number>>;
}

function report(format: Format, files: Analysed, findings: readonly CheckFinding[], io: CliIO): void {
  switch (format) {
    case 'json':
      // `files` counts the files analysed; why others were skipped is on stderr.
      io.stdout(`${JSON.stringify({ version: 1, files: files.analysed, findings: findings.map(({ related: _related, ...contract }) => contract) })}\n`);
      return;
    case 'sarif':
      io.stdout(`${JSON.stringify(sarifLog(findings, version), null, 2)}\n`);
      return;
    case 'text': {
      for (const finding of findings) {
        const where =
          finding.cell !== undefined
            ? `${printablePath(finding.file)}:cell ${finding.cell}:${finding.line}:${finding.column}`
            : `${printablePath(finding.file)}:${finding.line}:${finding.column}`;
        const fixable = finding.fix ? (finding.fix.safety === 'safe' ? ' [*]' : ' [-]') : '';
        io.stdout(`${where}: ${finding.code}${fixable} ${finding.message}\n`);
      }
      io.stdout(`${summary(files, findings)}\n`);
      return;
    }
  }
}

/** "Checked 3 files (1 skipped): 2 findings." — never "no findings" when nothing was analysed. */
function summary(files: Analysed, findings: readonly CheckFinding[]): string {
  const checked = files.analysed === 1 ? l10n.t('Checked 1 file') : l10n.t('Checked {0} files', files.analysed);
  // What was analysed, per language, when there is more than one: "2 Python, 1 TypeScript/JavaScript".
  const kinds = (['python', 'notebook', 'javascript'] as const).filter((kind) => files.byKind[kind] > 0);
  const name = (kind: DocumentKind, count: number) =>
    kind === 'python' ? l10n.t('{0} Python', count) : kind === 'notebook' ? l10n.t('{0} notebook', count) : l10n.t('{0} TypeScript/JavaScript', count);
  const languages = kinds.length > 1 ? ` [${kinds.map((kind) => name(kind, files.byKind[kind])).join(', ')}]` : '';
  const skipped = files.skipped > 0 ? ` ${l10n.t('({0} skipped)', files.skipped)}` : '';
  const count = findings.length;
  const found =
    files.analysed === 0 && count === 0
      ? l10n.t('nothing was analysed.')
      : count === 0
        ? l10n.t('no findings.')
        : count === 1
          ? l10n.t('1 finding.')
          : l10n.t('{0} findings.', count);
  const safe = findings.filter((finding) => finding.fix?.safety === 'safe').length;
  const fixes =
    safe === 0
      ? ''
      : ` ${safe === 1 ? l10n.t('[*] 1 has a safe fix; [-] an unsafe one, in the editor.') : l10n.t('[*] {0} have a safe fix; [-] an unsafe one, in the editor.', safe)}`;
  return `${checked}${languages}${skipped}: ${found}${fixes}`;
}

/** `--shard I/N` (1 ≤ I ≤ N): which of N shares of the files this run checks. */
function parseShard(raw: string | undefined): { index: number; count: number } | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(raw.trim());
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(count >= 1 && index >= 1 && index <= count)) {
    throw new UsageError(l10n.t('--shard takes I/N with 1 ≤ I ≤ N, such as 2/4; got "{0}".', raw));
  }
  return { index, count };
}

/**
 * The shard (1 to `count`) a file belongs to: FNV-1a of its path as displayed (relative to the
 * working folder, `/`-separated), so a file stays in its shard when others are added or removed,
 * and every runner of a matrix agrees.
 */
function shardOf(path: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const char of path.replaceAll('\\', '/')) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}

/** The Python a file's imports are read from: its text, or a notebook's code cells joined. */
function pythonText(kind: DocumentKind, text: string): string {
  if (kind !== 'notebook') return text;
  try {
    return notebookProgram(text).text;
  } catch {
    return '';
  }
}

/** A file to analyse: where its outcome goes, its path as given and displayed, its text. */
interface CheckJob {
  readonly index: number;
  readonly file: string;
  readonly path: string;
  readonly kind: DocumentKind;
  readonly text: string;
  readonly hash: string;
}

/** What analysing one file gave: its result, the files it depends on (for the cache), notes for stderr. */
interface CheckDone {
  readonly result: CachedResult;
  readonly dependencies: readonly string[];
  readonly notes: readonly string[];
}

export interface CheckOptions {
  /** The working folder: paths are shown relative to it. */
  readonly cwd: string;
  readonly roots: readonly string[];
  readonly select: readonly string[];
  readonly ignore: readonly string[];
}

/** Analyses one file with `host` (shared by a thread's files: the parser loads once, an imported module is read once). */
export async function checkFile(host: AnalysisHost, job: Pick<CheckJob, 'file' | 'path' | 'kind' | 'text'>, options: CheckOptions): Promise<CheckDone> {
  const notes: string[] = [];
  const source = new SourceFile(host, job.file);
  try {
    const result = await analyzeDocument(source, job.kind, job.text, {
      select: options.select,
      ignore: options.ignore,
      // The limit is on the file's bytes, measured as it was read: its text may be longer in
      // UTF-8 (a latin-1 or UTF-16 file) and must not be skipped for that.
      maxFileBytes: Infinity,
      onInternalError: (rule, error) =>
        notes.push(l10n.t('internal error in {0}, please report it: {1}', rule, error instanceof Error ? error.message : String(error))),
    });
    return {
      result: {
        kind: job.kind,
        findings: result.findings.map((finding) => ({ ...toCheckFinding(job.path, finding), ...related(job, finding, options.cwd) })),
        ...(result.skipped ? { skipped: result.skipped } : {}),
        ...(result.partial ? { partial: result.partial } : {}),
      },
      dependencies: job.kind === 'javascript' ? (result.dependencies ?? []) : host.dependencies(job.file, pythonText(job.kind, job.text)),
      notes,
    };
  } finally {
    source.dispose();
  }
}

/** The jobs on this thread, one after another. */
async function checkHere(jobs: readonly CheckJob[], options: CheckOptions): Promise<CheckDone[]> {
  const host = new AnalysisHost(options.roots);
  try {
    const done: CheckDone[] = [];
    for (const job of jobs) done.push(await checkFile(host, job, options));
    return done;
  } finally {
    host.dispose();
  }
}

/**
 * The jobs on `count` worker threads (`check-worker.js`), each with its own host, handed a file
 * as soon as it is free; the results come back in the jobs' order whatever the finishing order.
 */
function checkInWorkers(script: string, count: number, jobs: readonly CheckJob[], options: CheckOptions): Promise<CheckDone[]> {
  return new Promise((resolvePromise, reject) => {
    const done = new Array<CheckDone>(jobs.length);
    let next = 0;
    let finished = 0;
    const threads: Worker[] = [];
    const stop = () => threads.forEach((thread) => void thread.terminate());
    const give = (thread: Worker) => {
      if (next >= jobs.length) return;
      const position = next++;
      const { file, path, kind, text } = jobs[position]!;
      thread.postMessage({ position, file, path, kind, text });
    };
    for (let index = 0; index < Math.min(count, jobs.length); index++) {
      const thread = new Worker(script, { workerData: options });
      threads.push(thread);
      thread.on('message', (message: { position: number; done: CheckDone }) => {
        done[message.position] = message.done;
        if (++finished === jobs.length) {
          stop();
          resolvePromise(done);
        } else give(thread);
      });
      thread.on('error', (error) => {
        stop();
        reject(error);
      });
      give(thread);
    }
  });
}

/** `--jobs N`: threads to analyse on; by default one per core. */
/**
 * The worker threads: `--jobs`, at most one per core (more only share the cores, each with a
 * parser and an analyzer of its own: 50 on 2 cores took 2.7 times as long and 1 GB); a larger
 * number asked for is said on stderr.
 */
function parseJobs(raw: string | undefined, stderr: (text: string) => void): number {
  const cores = availableParallelism();
  if (raw === undefined) return cores;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new UsageError(l10n.t('--jobs takes a whole number of threads, 1 or more; got "{0}".', raw));
  if (count <= cores) return count;
  stderr(`${l10n.t('--jobs {0}: using {1}, the number of cores this machine has.', count, cores)}\n`);
  return cores;
}

/** A finding's evidence as the CLI names places: its own file (by line and column, and cell), or another by its path and line. */
function related(job: Pick<CheckJob, 'path'>, finding: LocatedFinding, cwd: string): Pick<CheckFinding, 'related'> {
  const entries = finding.related.flatMap((evidence): NonNullable<CheckFinding['related']>[number][] => {
    if (evidence.file) return [{ file: displayPath(evidence.file.path, cwd), line: evidence.file.line, text: evidence.text }];
    if (!evidence.start) return [];
    return [
      {
        file: job.path,
        line: evidence.start.line,
        column: evidence.start.column,
        ...(evidence.cell !== undefined ? { cell: evidence.cell } : {}),
        text: evidence.text,
      },
    ];
  });
  return entries.length > 0 ? { related: entries } : {};
}
