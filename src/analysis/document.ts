import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import { LineIndex, type Position } from './lines';
import { renderData } from './messages';
import { normalizeNewlines } from './source-text';
import { NotebookError, cellAt, notebookProgram, type NotebookProgram } from './notebook';
import { skipReason, type AnalyzeOptions } from './options';
import type { SourceFile } from './python/source-file';
import { ruleByCode } from './rules';
import { firstByRank } from './rules/run';
import { phraseTemplate } from './rules/helpers/describe';
import { suppressions } from './suppression';
import type { AnalysisResult, Evidence, Finding, FindingRanking, LossSite } from './types';

export type DocumentKind = 'python' | 'notebook' | 'javascript';

export function documentKind(path: string): DocumentKind | undefined {
  const extension = path.slice(path.lastIndexOf('.')).toLowerCase();
  if (extension === '.py' || extension === '.pyi') return 'python';
  if (extension === '.ipynb') return 'notebook';
  if (['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'].includes(extension)) return 'javascript';
  return undefined;
}

export interface LocatedFinding extends Finding {
  readonly message: string;
  readonly start: Position;
  readonly end: Position;
  /** For notebooks: the index of the cell (among all cells) the finding is in; positions are within it. */
  readonly cell?: number;
  /**
   * What the finding rests on, located once here for every output (the CLI's formats, the
   * server's related information): the call that makes the loss wrong first, then the evidence.
   */
  readonly related: readonly LocatedEvidence[];
}

/**
 * A place a finding rests on, with what it shows: in the analysed document (a line and column,
 * and the cell in a notebook), or in another file (its line).
 */
export interface LocatedEvidence {
  /** The statement as written, and what it contributes: "x = torch.sigmoid(...) — sigmoid applied". */
  readonly text: string;
  /** In the analysed document (within the cell, in a notebook). */
  readonly start?: Position;
  readonly cell?: number;
  /** In another file: its path and the line. */
  readonly file?: { readonly path: string; readonly line: number };
}

/** Where in the analysed document an offset is: a position, and the cell in a notebook; `undefined` outside. */
type Placer = (offset: number) => { start: Position; cell?: number } | undefined;

/** The via call and the evidence of a finding, located with `place`. */
function locateEvidence(finding: Finding, place: Placer): LocatedEvidence[] {
  const via: Evidence[] = finding.via
    ? [
        {
          text: finding.via.text,
          span: finding.via.span,
          note: l10n.t('the call that makes the loss wrong'),
          ...(finding.via.file ? { file: finding.via.file } : {}),
        },
      ]
    : [];
  const related: LocatedEvidence[] = [];
  for (const evidence of [...via, ...finding.evidence]) {
    const text = evidence.note ? `${evidence.text} — ${evidence.note}` : evidence.text;
    if (evidence.file) {
      related.push({ text, file: evidence.file });
      continue;
    }
    const at = place(evidence.span.start);
    if (at) related.push({ text, ...at });
  }
  return related;
}

export interface DocumentAnalysis {
  readonly findings: readonly LocatedFinding[];
  /**
   * Findings left out under a `FindingLimit`: how many, and the first of them (where a note
   * saying so goes). Only the findings kept are located.
   */
  readonly hidden?: { readonly count: number; readonly next: LocatedFinding };
  readonly sites?: readonly LossSite[];
  readonly skipped?: string;
  /** What of the document was not analysed (statements with syntax errors), when some was. */
  readonly partial?: string;
  /** TypeScript / JavaScript: the workspace files it imports (at any depth), whose contents its findings depend on. */
  readonly dependencies?: readonly string[];
}

/**
 * How many findings of a document are shown, and which: the lowest `rank` first (a server ranks
 * by severity, as VS Code picks the problems it shows), each rank in the order of the text.
 */
export type FindingLimit = FindingRanking;

/** The findings kept under `limit`, in their order, and the first one left out. */
function limited(
  result: Pick<AnalysisResult, 'findings' | 'firstFindings'>,
  limit: FindingLimit | undefined,
): { kept: readonly Finding[]; next?: Finding; hidden: number } {
  if (limit && result.firstFindings) {
    const first = result.firstFindings(limit);
    return { kept: first.findings, ...(first.next ? { next: first.next } : {}), hidden: first.total - first.findings.length };
  }
  const findings = result.findings;
  if (!limit) return { kept: findings, hidden: 0 };
  const { kept, next } = firstByRank(findings, limit.count, limit.rank);
  return { kept, ...(next ? { next } : {}), hidden: findings.length - kept.length };
}

/** A finding's message as text: the places it names said the way `locate` says them. */
function renderMessage(finding: Finding, locate: (offset: number) => string): string {
  const template = ruleByCode(finding.code)?.meta.messages[finding.messageId];
  if (!template) throw new Error(`${finding.code} has no message ${finding.messageId}`);
  const message = template(renderData(finding.data, locate, phraseTemplate));
  if (!finding.via) return message;
  // A call in a file importing this one is named by that file and line.
  const where = finding.via.file ? l10n.t('{0}, line {1}', basename(finding.via.file.path), finding.via.file.line) : locate(finding.via.span.start);
  return l10n.t('{0} This is through the call `{1}` ({2}); the calls of this function pass different values.', message, finding.via.text, where);
}

/**
 * The analysis with the result's sites, read when first asked for: an analysis kept across edits
 * moves them to where they are then (a server answering a hover needs a few of tens of thousands).
 */
function withSites(analysis: DocumentAnalysis, result: Pick<AnalysisResult, 'sites'>): DocumentAnalysis {
  if (!('sites' in result)) return analysis;
  return Object.defineProperty(analysis, 'sites', { enumerable: true, get: () => result.sites });
}

/** Says where an offset of a Python file is: "line 12". */
function lineLocator(lines: LineIndex): (offset: number) => string {
  // Thousands of findings name the same few lines (where the loss was made): each said once.
  const said = new Map<number, string>();
  return (offset) => {
    const line = lines.line(offset);
    let text = said.get(line);
    if (text === undefined) said.set(line, (text = l10n.t('line {0}', line)));
    return text;
  };
}

/**
 * Analyses one document of any kind LossLens reads, with `file` keeping what the next version
 * can reuse; never throws for bad input.
 */
export async function analyzeDocument(
  file: SourceFile,
  kind: DocumentKind,
  text: string,
  options: AnalyzeOptions = {},
  limit?: FindingLimit,
): Promise<DocumentAnalysis> {
  const skipped = skipReason(text, options);
  if (skipped) return { findings: [], skipped };
  // A lone `\r` ends a line for Python and JavaScript as `\n` does (same length: offsets stay the file's).
  if (kind === 'javascript') return analyzeJavaScript(normalizeNewlines(text), { ...options, ...(file.path ? { path: file.path } : {}) }, limit);
  if (kind === 'python') {
    text = normalizeNewlines(text);
    const result = await file.analyze(text, options);
    return withSites(
      {
        ...locateInFile(text, result, limit),
        ...(result.skipped ? { skipped: result.skipped } : {}),
        ...partial(result.syntaxErrors, fileLines(text)),
      },
      result,
    );
  }
  let program;
  try {
    program = notebookProgram(text);
  } catch (error) {
    if (error instanceof NotebookError) return { findings: [], skipped: l10n.t('skipped: {0}', error.message) };
    throw error;
  }
  return analyzeNotebook(file, program, options);
}

/**
 * A TypeScript or JavaScript file: read for TensorFlow.js. A file that names no TensorFlow.js
 * package and no global `tf` (a page's `<script>` tag loads it) has no TensorFlow.js loss (it is
 * analysed: the scan is the analysis); the others go to
 * the TensorFlow.js analyzer, loaded the first time one is met (it carries the TypeScript parser,
 * and is its own bundle: `dist/tfjs/analyze.js`).
 */
async function analyzeJavaScript(text: string, options: AnalyzeOptions & { readonly path?: string }, limit?: FindingLimit): Promise<DocumentAnalysis> {
  // A model imported from another file may meet its loss here: a loss named is reason enough.
  if (!/@tensorflow\/tfjs|\btf\.\w|Crossentropy|CrossEntropy|logLoss/.test(text)) return { findings: [] };
  const jsx = /\.[jt]sx$/.test(options.path ?? '');
  let result;
  if (options.tfjs) {
    result = await options.tfjs(text, {
      ...(options.select ? { select: options.select } : {}),
      ...(options.ignore ? { ignore: options.ignore } : {}),
      ...(options.sites ? { sites: true } : {}),
      ...(options.path ? { path: options.path } : {}),
      jsx,
    });
  } else {
    const { analyzeScript } = await import('./script/analyze');
    result = analyzeScript(text, { ...options, jsx });
  }
  return {
    ...locateInFile(text, result, limit),
    ...(result.sites ? { sites: result.sites } : {}),
    ...(result.skipped ? { skipped: result.skipped } : {}),
    ...partial(result.syntaxErrors, fileLines(text)),
    ...(result.dependencies ? { dependencies: result.dependencies } : {}),
  };
}

/** Findings of a file (those `limit` keeps) with their messages rendered and their places as lines and columns. */
function locateInFile(
  text: string,
  all: Pick<AnalysisResult, 'findings' | 'firstFindings'>,
  limit?: FindingLimit,
): Pick<DocumentAnalysis, 'findings' | 'hidden'> {
  const lines = new LineIndex(text);
  const locate = lineLocator(lines);
  const place: Placer = (offset) => ({ start: lines.position(offset) });
  const located = (finding: Finding): LocatedFinding => ({
    ...finding,
    message: renderMessage(finding, locate),
    start: lines.position(finding.span.start),
    end: lines.position(finding.span.end),
    related: locateEvidence(finding, place),
  });
  const { kept, next, hidden } = limited(all, limit);
  return { findings: kept.map(located), ...(next ? { hidden: { count: hidden, next: located(next) } } : {}) };
}

/** Analyses the code cells of a notebook as one program; positions are within each finding's cell. */
export async function analyzeNotebook(
  file: SourceFile,
  program: NotebookProgram,
  options: AnalyzeOptions = {},
  limit?: FindingLimit,
): Promise<DocumentAnalysis> {
  if (program.language !== 'python') return { findings: [], skipped: l10n.t('skipped: a {0} notebook, not Python', program.language) };
  // A file-level suppression counts only in the first code cell.
  const firstCell = program.cells[0];
  if (firstCell && suppressions(firstCell.source).file) return { findings: [] };
  // Each cell's lines are indexed once, when a finding first needs them.
  const cellLines = new Map<number, LineIndex>();
  const linesOf = (cell: NotebookProgram['cells'][number]) => {
    let lines = cellLines.get(cell.index);
    if (!lines) cellLines.set(cell.index, (lines = new LineIndex(cell.source)));
    return lines;
  };
  const locate = (offset: number) => {
    const at = cellAt(program, offset);
    if (!at) return '';
    return l10n.t('cell {0}, line {1}', at.cell.index, linesOf(at.cell).line(at.offset));
  };
  const place: Placer = (offset) => {
    const at = cellAt(program, offset);
    return at && { start: linesOf(at.cell).position(at.offset), cell: at.cell.index };
  };
  const result = await file.analyze(program.text, { ...options, ignoreFileComments: true });
  const located = (finding: Finding): LocatedFinding | undefined => {
    const at = cellAt(program, finding.span.start);
    if (!at) return undefined;
    const lines = linesOf(at.cell);
    const endOffset = Math.min(finding.span.end - at.cell.start, at.cell.source.length);
    return {
      ...finding,
      message: renderMessage(finding, locate),
      cell: at.cell.index,
      start: lines.position(at.offset),
      end: lines.position(endOffset),
      related: locateEvidence(finding, place),
    };
  };
  const inCells = result.findings.filter((finding) => cellAt(program, finding.span.start));
  const { kept, next, hidden } = limited({ findings: inCells }, limit);
  const findings = kept.map((finding) => located(finding)!);
  return {
    findings,
    ...(next ? { hidden: { count: hidden, next: located(next)! } } : {}),
    ...(result.sites ? { sites: result.sites } : {}),
    ...partial(
      result.syntaxErrors,
      (offset) => {
        const at = cellAt(program, offset);
        return at ? { group: at.cell.index, line: linesOf(at.cell).line(at.offset) } : undefined;
      },
      true,
    ),
  };
}

/** How many places with syntax errors a note names. */
const MAX_PLACES_SAID = 6;

/** Says where a file's lines are: its own line numbers. */
function fileLines(text: string): (offset: number) => { group: number; line: number } {
  const lines = new LineIndex(text);
  return (offset) => ({ group: 0, line: lines.line(offset) });
}

/**
 * What was read only as far as it parses: "skipped lines 2, 7–9 (a syntax error)", or in a
 * notebook "skipped cell 3, lines 4–5 (a syntax error)". Ranges that touch are said as one.
 */
function partial(
  errors: readonly { readonly start: number; readonly end: number }[] | undefined,
  place: (offset: number) => { group: number; line: number } | undefined,
  notebook = false,
): { partial?: string } {
  if (!errors || errors.length === 0) return {};
  const ranges: Array<{ group: number; first: number; last: number }> = [];
  for (const error of [...errors].sort((a, b) => a.start - b.start)) {
    const first = place(error.start);
    const last = place(Math.max(error.start, error.end - 1));
    if (!first) continue;
    const end = last && last.group === first.group ? last.line : first.line;
    const previous = ranges[ranges.length - 1];
    if (previous && previous.group === first.group && first.line <= previous.last + 1) previous.last = Math.max(previous.last, end);
    else ranges.push({ group: first.group, first: first.line, last: end });
  }
  const lines = (range: { first: number; last: number }) => (range.first === range.last ? String(range.first) : `${range.first}–${range.last}`);
  if (ranges.length === 0) return {};
  // The first few places are enough to find them: a file of many says so with an ellipsis.
  const shown = ranges.slice(0, MAX_PLACES_SAID);
  const more = ranges.length > shown.length ? ', …' : '';
  if (!notebook) return { partial: l10n.t('skipped lines {0} (a syntax error); the rest of the file was analysed', `${shown.map(lines).join(', ')}${more}`) };
  const cells = [...new Set(shown.map((range) => range.group))].map((group) =>
    l10n.t(
      'cell {0}, lines {1}',
      group,
      shown
        .filter((range) => range.group === group)
        .map(lines)
        .join(', '),
    ),
  );
  return { partial: l10n.t('skipped {0} (a syntax error); the rest of the notebook was analysed', `${cells.join('; ')}${more}`) };
}
