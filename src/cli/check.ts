import * as l10n from '@vscode/l10n';
import { resolve } from 'node:path';
import { AnalysisHost } from '../analysis/host';
import { DEFAULT_MAX_FILE_BYTES } from '../analysis/options';
import { readSourceText } from '../analysis/source-text';
import { SourceFile } from '../analysis/python/source-file';
import { analyzeDocument, documentKind, type DocumentKind, type LocatedFinding } from '../analysis/document';
import { notebookProgram } from '../analysis/notebook';
import { RULES } from '../analysis/rules';
import { parseCommandArgs } from './args';
import { collectFiles, displayPath } from './files';
import { EXIT, type CliIO, UsageError } from './io';
import { CheckCache, type CachedResult } from './cache';
import { sarifLog } from './sarif';
import { version } from '../../package.json';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

/** One finding as the JSON contract spells it (docs/ARCHITECTURE.md, "Contracts"; 1-based positions). */
export interface CheckFinding {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly code: string;
  readonly rule: string;
  readonly severity: 'error' | 'warning' | 'information';
  readonly message: string;
  readonly fix?: { readonly title: string; readonly safety: 'safe' | 'unsafe'; readonly edits: ReadonlyArray<{ start: number; end: number; newText: string }> };
  /** Notebooks: the cell index; line and column are within that cell. */
  readonly cell?: number;
}

export const CHECK_USAGE = `losslens check [--format text|json|sarif] [--select LL001,...] [--ignore LL010,...] [--shard I/N] [--no-cache] [--cache-dir DIR] [--exit-zero] PATH...`;

export async function runCheck(argv: readonly string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    format: { type: 'string', default: 'text' },
    select: { type: 'string' },
    ignore: { type: 'string' },
    'exit-zero': { type: 'boolean', default: false },
    shard: { type: 'string' },
    'no-cache': { type: 'boolean', default: false },
    'cache-dir': { type: 'string' },
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
  for (const { path, reason } of unreadable) io.stderr(`${displayPath(path, io.cwd)}: ${reason}\n`);

  const findings: CheckFinding[] = [];
  let analysed = 0;
  let skipped = unreadable.length;
  const byKind: Record<DocumentKind, number> = { python: 0, notebook: 0, javascript: 0 };
  // One host for the run: the parser loads once, and a module many files import is read once.
  const host = new AnalysisHost([io.cwd, ...positionals.map((given) => resolve(io.cwd, given))]);
  // Results kept from the last run over the same tree with the same options (`.losslens_cache/`).
  const cacheFolder = values['no-cache'] ? undefined : resolve(io.cwd, (values['cache-dir'] as string | undefined) ?? '.losslens_cache');
  const cache = CheckCache.open(cacheFolder, JSON.stringify([version, io.cwd, select, ignore]), collected.files, shard && `${shard.index}-of-${shard.count}`);
  const tally = (path: string, kind: DocumentKind, result: CachedResult) => {
    if (result.skipped) {
      io.stderr(`${path}: ${result.skipped}\n`);
      skipped++;
    } else {
      analysed++;
      byKind[kind]++;
    }
    findings.push(...result.findings);
  };
  try {
    for (const file of files) {
      const path = displayPath(file, io.cwd);
      const kind = documentKind(file);
      if (!kind) {
        io.stderr(`${path}: ${l10n.t('skipped: not a Python, notebook, TypeScript or JavaScript file')}\n`);
        skipped++;
        continue;
      }
      const read = readSourceText(file, DEFAULT_MAX_FILE_BYTES);
      if ('skipped' in read) {
        io.stderr(`${path}: ${read.skipped}\n`);
        skipped++;
        continue;
      }
      const text = read.text;
      const hash = CheckCache.hash(text);
      const kept = cache.lookup(file, hash);
      if (kept) {
        tally(path, kind, kept);
        continue;
      }
      const source = new SourceFile(host, file);
      try {
        const result = await analyzeDocument(source, kind, text, {
          select,
          ignore,
          onInternalError: (rule, error) =>
            io.stderr(`${path}: ${l10n.t('internal error in {0}, please report it: {1}', rule, error instanceof Error ? error.message : String(error))}\n`),
        });
        const checked: CachedResult = {
          kind,
          findings: result.findings.map((finding) => toCheckFinding(path, finding)),
          ...(result.skipped ? { skipped: result.skipped } : {}),
        };
        tally(path, kind, checked);
        cache.store(file, hash, kind === 'javascript' ? [] : host.dependencies(file, pythonText(kind, text)), checked);
      } finally {
        source.dispose();
      }
    }
    cache.save();
  } finally {
    host.dispose();
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
      io.stdout(`${JSON.stringify({ version: 1, files: files.analysed, findings })}\n`);
      return;
    case 'sarif':
      io.stdout(`${JSON.stringify(sarifLog(findings, version), null, 2)}\n`);
      return;
    case 'text': {
      for (const finding of findings) {
        const where =
          finding.cell !== undefined
            ? `${finding.file}:cell ${finding.cell}:${finding.line}:${finding.column}`
            : `${finding.file}:${finding.line}:${finding.column}`;
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
