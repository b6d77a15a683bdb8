import { pathToFileURL } from 'node:url';
import * as l10n from '@vscode/l10n';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic, type DiagnosticRelatedInformation } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LocatedEvidence, LocatedFinding } from '../analysis/document';
import { ruleByCode } from '../analysis/rules';
import type { LossLensSettings, RuleSeverity } from '../common/settings';

/**
 * Located findings as LSP diagnostics, the same for every client: the range, the severity (the
 * rule's, or the one set for it), the rule's page, the evidence as related information (in the
 * document, another cell of its notebook, or another file), and `Deprecated` for rules that say so.
 */

const SEVERITY: Record<RuleSeverity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** A code cell of an analysed notebook: its document and where it starts in the joined program. */
export interface CellPlace {
  readonly document: TextDocument;
  /** Its index among the notebook's cells (markdown ones too), as findings name cells. */
  readonly index: number;
  readonly start: number;
}

/** A finding with the diagnostic that shows it, for code actions and hovers. */
export interface DiagnosedFinding {
  readonly finding: LocatedFinding;
  readonly diagnostic: Diagnostic;
  /** The document (file or cell) showing it. */
  readonly document: TextDocument;
  /** Where that document starts in the analysed text (a cell's place in its notebook; 0 for a file). */
  readonly offset: number;
  /** For notebooks: every code cell, to place edits and evidence in other cells. */
  readonly cells?: readonly CellPlace[];
}

/** Where diagnostics link: the rule pages, `{code}` standing for the rule's code. */
export interface DiagnosticStyle {
  readonly ruleDocs: string;
  readonly settings: LossLensSettings;
}

/** `finding`, shown in `document` (a file, or the cell it is in: `offset` is where that cell starts). */
export function diagnosed(
  finding: LocatedFinding,
  style: DiagnosticStyle,
  document: TextDocument,
  offset: number,
  cells?: readonly CellPlace[],
): DiagnosedFinding {
  const diagnostic: Diagnostic = {
    range: {
      start: { line: finding.start.line - 1, character: finding.start.column - 1 },
      end: { line: finding.end.line - 1, character: finding.end.column - 1 },
    },
    // A severity set for the rule in settings wins over the rule's own.
    severity: SEVERITY[style.settings.severity[finding.code] ?? finding.severity],
    code: finding.code,
    codeDescription: { href: style.ruleDocs.replace('{code}', finding.code) },
    source: 'LossLens',
    message: finding.message,
  };
  if (ruleByCode(finding.code)?.meta.deprecated) diagnostic.tags = [DiagnosticTag.Deprecated];
  const related = finding.related
    .map((evidence) => relatedInformation(evidence, document, cells))
    .filter((info): info is DiagnosticRelatedInformation => !!info);
  if (related.length > 0) diagnostic.relatedInformation = related;
  return { finding, diagnostic, document, offset, ...(cells ? { cells } : {}) };
}

/**
 * The note on the first finding a document does not publish (past `losslens.maxDiagnosticsPerFile`),
 * where that finding is: how many more there are, and where to see them all.
 */
export function hiddenNote(hidden: { readonly count: number; readonly next: LocatedFinding }, max: number): Diagnostic {
  return {
    range: {
      start: { line: hidden.next.start.line - 1, character: hidden.next.start.column - 1 },
      end: { line: hidden.next.end.line - 1, character: hidden.next.end.column - 1 },
    },
    severity: DiagnosticSeverity.Information,
    source: 'LossLens',
    message:
      hidden.count === 1
        ? l10n.t(
            '1 more LossLens finding in this file is not shown, from here on: at most {0} are (losslens.maxDiagnosticsPerFile). `losslens check` lists them all.',
            max,
          )
        : l10n.t(
            '{0} more LossLens findings in this file are not shown, from here on: at most {1} are (losslens.maxDiagnosticsPerFile). `losslens check` lists them all.',
            hidden.count,
            max,
          ),
  };
}

/** A place a finding rests on, as LSP's related information: in the document, in another cell of its notebook, or in another file. */
function relatedInformation(evidence: LocatedEvidence, document: TextDocument, cells?: readonly CellPlace[]): DiagnosticRelatedInformation | undefined {
  if (evidence.file) {
    const line = evidence.file.line - 1;
    return {
      location: { uri: pathToFileURL(evidence.file.path).href, range: { start: { line, character: 0 }, end: { line, character: evidence.text.length } } },
      message: evidence.text,
    };
  }
  if (!evidence.start) return undefined;
  const target = evidence.cell === undefined ? document : cells?.find((cell) => cell.index === evidence.cell)?.document;
  if (!target) return undefined;
  const start = { line: evidence.start.line - 1, character: evidence.start.column - 1 };
  return { location: { uri: target.uri, range: { start, end: lineEnd(target, start.line) } }, message: evidence.text };
}

/** The end of a line of a document (before its line break). */
export function lineEnd(document: TextDocument, line: number): { line: number; character: number } {
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return { line, character: text.replace(/\r?\n$|\r$/, '').length };
}
