import * as l10n from '@vscode/l10n';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AnalysisHost } from '../analysis/host';
import { DEFAULT_MAX_FILE_BYTES } from '../analysis/options';
import { readAnalysable } from '../analysis/notebook';
import { SourceFile } from '../analysis/python/source-file';
import { analyzeDocument, documentKind, type DocumentKind, type LocatedFinding } from '../analysis/document';
import { notebookProgram } from '../analysis/notebook';
import { RULES } from '../analysis/rules';
import { parseCommandArgs } from './args';
import { collectFiles, displayPath, printablePath } from './files';
import { EXIT, type CliIO, UsageError } from './io';
import { CheckCache, type CachedResult } from './cache';
import type { CheckFinding } from './findings';
import { applyFixes, fixedLine, fixMode, printDiff, type FixableFile } from './fix';
import { sarifLog } from './sarif';
import { conciseReport, findingPlace, githubReport, gitlabReport, junitReport, statisticsReport, writeReport } from './formats';
import { ConfigError, ProjectConfig, renderSettings, type FileSettings } from '../config';
import { version } from '../../package.json';

const FORMATS = ['text', 'concise', 'json', 'sarif', 'github', 'gitlab', 'junit'] as const;
/** Files to analyse per worker thread before threads are used at all. */
const MIN_FILES_PER_THREAD = 100;
type Format = (typeof FORMATS)[number];

export const CHECK_USAGE = `losslens check [--format text|concise|json|sarif|github|gitlab|junit] [--statistics] [--output-file PATH] [--select LL001,...] [--ignore LL010,...] [--shard I/N] [--no-cache] [--cache-dir DIR] [--jobs N] [--fix] [--unsafe-fixes] [--diff] [--config PATH | --isolated] [--no-respect-gitignore] [--show-settings FILE] [--exit-zero] PATH...`;

export async function runCheck(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string', default: 'text' },
    statistics: { type: 'boolean', default: false },
    'output-file': { type: 'string' },
    select: { type: 'string' },
    ignore: { type: 'string' },
    'exit-zero': { type: 'boolean', default: false },
    shard: { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    'cache-dir': { type: 'string' },
    jobs: { type: 'string' },
    fix: { type: 'boolean', default: false },
    'unsafe-fixes': { type: 'boolean', default: false },
    diff: { type: 'boolean', default: false },
    config: { type: 'string' },
    isolated: { type: 'boolean', default: false },
    'no-respect-gitignore': { type: 'boolean', default: false },
    'show-settings': { type: 'string' },
  });
  const format = values.format as string;
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(l10n.t('Unknown format "{0}": use one of {1}.', format, FORMATS.join(', ')));
  }
  if (values.statistics && format !== 'text' && format !== 'concise' && format !== 'json') {
    throw new UsageError(l10n.t('--statistics prints a table, or JSON with --format json; it does not go with --format {0}.', format));
  }
  const select = parseRuleList(values.select as string | undefined, '--select');
  const ignore = parseRuleList(values.ignore as string | undefined, '--ignore');
  if (values.config !== undefined && values.isolated)
    throw new UsageError(l10n.t('--config and --isolated do not go together: --isolated reads no configuration file.'));
  // The project's configuration files (pyproject.toml, losslens.toml), nearest to each file.
  const project = new ProjectConfig({
    ...(values.config !== undefined ? { configFile: values.config as string } : {}),
    isolated: values.isolated as boolean,
    ...(values['no-respect-gitignore'] ? { respectGitignore: false } : {}),
    cwd: io.cwd,
  });
  const settingsOf = (file: string) => configured(() => project.settingsFor(file));
  const shown = values['show-settings'] as string | undefined;
  if (shown !== undefined) {
    const file = resolve(io.cwd, shown);
    io.stdout(`${renderSettings(file, settingsOf(file), io.cwd)}\n`);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new UsageError(l10n.t('Give at least one file or folder to check.'));
  const fixing = fixMode(values);

  const shard = parseShard(values.shard as string | undefined);
  const collected = collectFiles(positionals, io.cwd, (path, isFolder) => configured(() => project.excludedReason(path, isFolder)));
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
  const outcomes: Array<FixableFile & { note?: string; notes?: readonly string[] }> = [];
  const jobs: CheckJob[] = [];
  const rulesByFile = new Map<string, CheckRules>();
  for (const file of files) {
    const path = displayPath(file, io.cwd);
    const kind = documentKind(file);
    if (!kind) {
      outcomes.push({ path, note: l10n.t('skipped: not a Python, notebook, TypeScript or JavaScript file') });
      continue;
    }
    const settings = settingsOf(file);
    const read = readAnalysable(file, settings.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    if ('skipped' in read) {
      outcomes.push({ path, note: read.skipped });
      continue;
    }
    const hash = CheckCache.hash(read.text);
    // The rules that run on this file and their severities: the configuration's, with the command line's on top.
    const rules = { ignore: ignoredRules(settings, select, ignore), severity: settings.severity };
    // A result is kept for the text and the rules it was checked with.
    const cacheKey = CheckCache.hash(JSON.stringify([hash, rules]));
    const kept = cache.lookup(file, cacheKey);
    rulesByFile.set(file, rules);
    outcomes.push({ path, file, kind, hash, ...(kept ? { result: kept } : {}) });
    if (!kept) jobs.push({ index: outcomes.length - 1, file, path, kind, text: read.text, hash: cacheKey, rules });
  }
  const options = { cwd: io.cwd, roots };
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
  // `--fix`, `--diff`: a fixed file's result becomes what remains in it.
  const fixed =
    fixing && (await applyFixes(outcomes, fixing, roots, (host, job) => checkFile(host, { ...job, rules: rulesByFile.get(job.file)! }, options), io));
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
  if (fixing?.diff && fixed) return printDiff(fixed, io) && !values['exit-zero'] ? EXIT.findings : EXIT.ok;
  const output = values.statistics
    ? statisticsReport(findings, format === 'json' ? 'json' : 'text')
    : report(format as Format, { analysed, skipped, byKind }, findings, io.cwd) + (fixed && format === 'text' ? `${fixedLine(fixed, findings.length)}\n` : '');
  const outputFile = values['output-file'] as string | undefined;
  if (outputFile === undefined) io.stdout(output);
  else {
    const failure = writeReport(io.cwd, outputFile, output);
    if (failure !== undefined) {
      // Said in one line, as a usage error is, but without the usage: the command was right.
      io.stderr(`losslens check: ${failure}\n`);
      return EXIT.usage;
    }
  }
  return findings.length > 0 && !values['exit-zero'] ? EXIT.findings : EXIT.ok;
}

function toCheckFinding(file: string, finding: LocatedFinding, severity: CheckRules['severity']): CheckFinding {
  // A severity the configuration sets; a hint is information on the command line.
  const configured = severity[finding.code];
  return {
    file,
    line: finding.start.line,
    column: finding.start.column,
    endLine: finding.end.line,
    endColumn: finding.end.column,
    code: finding.code,
    rule: finding.rule,
    severity: configured === undefined ? finding.severity : configured === 'hint' ? 'information' : configured,
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

/**
 * The rules not to run on a file: all but those its configuration runs (`--select` instead, when
 * given, less the file's per-file ignores), and `--ignore`'s.
 */
function ignoredRules(settings: FileSettings, select: readonly string[], ignore: readonly string[]): string[] {
  const perFile = new Set(settings.perFileIgnores.flatMap((entry) => entry.codes));
  const running = new Set(select.length > 0 ? select.filter((code) => !perFile.has(code)) : settings.rules);
  for (const code of ignore) running.delete(code);
  return RULES.map((rule) => rule.meta.code).filter((code) => !running.has(code));
}

/** What a configuration file says, or its error as a usage error (exit 2), naming the file, line and key. */
function configured<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message, false);
    throw error;
  }
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

/** The report in `format`, whole: printed, or written to `--output-file`. */
function report(format: Format, files: Analysed, findings: readonly CheckFinding[], cwd: string): string {
  switch (format) {
    case 'json':
      // `files` counts the files analysed; why others were skipped is on stderr.
      return `${JSON.stringify({ version: 1, files: files.analysed, findings: findings.map(({ related: _related, ...contract }) => contract) })}\n`;
    case 'sarif':
      return `${JSON.stringify(sarifLog(findings, version), null, 2)}\n`;
    case 'concise':
      return conciseReport(findings);
    case 'github':
      return githubReport(findings);
    case 'gitlab':
      return gitlabReport(findings, cwd);
    case 'junit':
      return junitReport(findings);
    case 'text': {
      const lines = findings.map((finding) => {
        const fixable = finding.fix ? (finding.fix.safety === 'safe' ? ' [*]' : ' [-]') : '';
        return `${findingPlace(finding)}: ${finding.code}${fixable} ${finding.message}\n`;
      });
      return `${lines.join('')}${summary(files, findings)}\n`;
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

/** A file to analyse: where its outcome goes, its path as given and displayed, its text, the rules that run on it. */
interface CheckJob {
  readonly index: number;
  readonly file: string;
  readonly path: string;
  readonly kind: DocumentKind;
  readonly text: string;
  /** What the cache keeps its result under: its text's hash and its rules. */
  readonly hash: string;
  readonly rules: CheckRules;
}

/** The rules of one file: those not to run, and the severities the configuration changes. */
export interface CheckRules {
  readonly ignore: readonly string[];
  readonly severity: FileSettings['severity'];
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
}

/** Analyses one file with `host` (shared by a thread's files: the parser loads once, an imported module is read once). */
export async function checkFile(
  host: AnalysisHost,
  job: Pick<CheckJob, 'file' | 'path' | 'kind' | 'text' | 'rules'>,
  options: CheckOptions,
): Promise<CheckDone> {
  const notes: string[] = [];
  const source = new SourceFile(host, job.file);
  try {
    const result = await analyzeDocument(source, job.kind, job.text, {
      ignore: job.rules.ignore,
      // The limit is on the file's bytes, measured as it was read: its text may be longer in
      // UTF-8 (a latin-1 or UTF-16 file) and must not be skipped for that.
      maxFileBytes: Infinity,
      onInternalError: (rule, error) =>
        notes.push(l10n.t('internal error in {0}, please report it: {1}', rule, error instanceof Error ? error.message : String(error))),
    });
    return {
      result: {
        kind: job.kind,
        findings: result.findings.map((finding) => ({ ...toCheckFinding(job.path, finding, job.rules.severity), ...related(job, finding, options.cwd) })),
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
      const { file, path, kind, text, rules } = jobs[position]!;
      thread.postMessage({ position, file, path, kind, text, rules });
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
