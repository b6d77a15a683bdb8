import * as l10n from '@vscode/l10n';
import { PythonAnalyzer, skipReason, type AnalyzeOptions } from './analyze';
import { NotebookError, cellAt, notebookProgram, type NotebookProgram } from './notebook';
import { suppressions } from './suppression';
import type { Finding, LossSite } from './types';

export type DocumentKind = 'python' | 'notebook' | 'javascript';

export function documentKind(path: string): DocumentKind | undefined {
  const extension = path.slice(path.lastIndexOf('.')).toLowerCase();
  if (extension === '.py' || extension === '.pyi') return 'python';
  if (extension === '.ipynb') return 'notebook';
  if (['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'].includes(extension)) return 'javascript';
  return undefined;
}

/** 1-based positions, in UTF-16 code units for columns (as editors count them). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface LocatedFinding extends Finding {
  readonly start: Position;
  readonly end: Position;
  /** For notebooks: the index of the cell (among all cells) the finding is in; positions are within it. */
  readonly cell?: number;
}

export interface DocumentAnalysis {
  readonly findings: readonly LocatedFinding[];
  readonly sites: readonly LossSite[];
  readonly skipped?: string;
}

/** Offset → 1-based line and column, with the line starts computed once. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }
}

/** Analyses one document of any kind LossLens reads; never throws for bad input. */
export async function analyzeDocument(
  kind: DocumentKind,
  text: string,
  options: AnalyzeOptions = {},
  analyzer = new PythonAnalyzer(),
): Promise<DocumentAnalysis> {
  const skipped = skipReason(text, options);
  if (skipped) return { findings: [], sites: [], skipped };
  if (kind === 'javascript') return { findings: [], sites: [] };
  if (kind === 'python') {
    const result = await analyzer.analyze(text, options);
    const lines = new LineIndex(text);
    return {
      findings: result.findings.map((finding) => ({ ...finding, start: lines.position(finding.span.start), end: lines.position(finding.span.end) })),
      get sites() {
        return result.sites;
      },
      ...(result.skipped ? { skipped: result.skipped } : {}),
    };
  }
  let program;
  try {
    program = notebookProgram(text);
  } catch (error) {
    if (error instanceof NotebookError) return { findings: [], sites: [], skipped: l10n.t('skipped: {0}', error.message) };
    throw error;
  }
  return analyzeNotebook(program, options, analyzer);
}

/** Analyses the code cells of a notebook as one program; positions are within each finding's cell. */
export async function analyzeNotebook(program: NotebookProgram, options: AnalyzeOptions = {}, analyzer = new PythonAnalyzer()): Promise<DocumentAnalysis> {
  if (program.language !== 'python') return { findings: [], sites: [], skipped: l10n.t('skipped: a {0} notebook, not Python', program.language) };
  // A file-level suppression counts only in the first code cell.
  const firstCell = program.cells[0];
  if (firstCell && suppressions(firstCell.source).file) return { findings: [], sites: [] };
  const locate = (offset: number) => {
    const at = cellAt(program, offset);
    if (!at) return '';
    return l10n.t('cell {0}, line {1}', at.cell.index, new LineIndex(at.cell.source).position(at.offset).line);
  };
  const result = await analyzer.analyze(program.text, { ...options, ignoreFileComments: true, locate });
  const findings: LocatedFinding[] = [];
  for (const finding of result.findings) {
    const at = cellAt(program, finding.span.start);
    if (!at) continue;
    const lines = new LineIndex(at.cell.source);
    const endOffset = Math.min(finding.span.end - at.cell.start, at.cell.source.length);
    findings.push({ ...finding, cell: at.cell.index, start: lines.position(at.offset), end: lines.position(endOffset) });
  }
  return {
    findings,
    get sites() {
      return result.sites;
    },
  };
}
