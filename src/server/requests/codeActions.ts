import * as l10n from '@vscode/l10n';
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type TextEdit as LspTextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextEdit } from '../../analysis/types';
import { EXPLAINED_RULES } from '../../explain/explanations';
import { lineEnd, type DiagnosedFinding } from '../diagnostics';
import type { Session } from '../session';
import { FIX_ALL_KIND } from '../../common/protocol/server';

/**
 * Quick fixes for LossLens findings: the rule's fix (safe fixes preferred; unsafe ones say so and
 * are never preferred nor part of fix-all), and "ignore this rule on this line"; with LossLens's
 * own extension, its commands too (the rule's page, the explanation view). Fix-all applies every
 * safe fix of the document.
 */
function codeActions(
  params: CodeActionParams,
  document: TextDocument,
  entries: readonly DiagnosedFinding[],
  /** LossLens's own extension, whose commands the actions may run. */
  vscode: boolean,
): CodeAction[] {
  const only = params.context.only;
  const wanted = (kind: string) => !only || only.some((requested) => kind === requested || kind.startsWith(`${requested}.`));
  const actions: CodeAction[] = [];
  if (only && wanted(FIX_ALL_KIND)) actions.push(...fixAll(entries));
  if (!wanted(CodeActionKind.QuickFix)) return actions;
  for (const entry of entries) {
    if (!params.context.diagnostics.some((diagnostic) => same(diagnostic, entry.diagnostic)) && !intersects(entry.diagnostic.range, params.range)) continue;
    const code = entry.finding.code;
    const fix = entry.finding.fix;
    if (fix) {
      actions.push({
        title: fix.safety === 'safe' ? l10n.t('{0} ({1})', fix.title, code) : l10n.t('{0} ({1}, unsafe: may change behaviour)', fix.title, code),
        kind: CodeActionKind.QuickFix,
        diagnostics: [entry.diagnostic],
        isPreferred: fix.safety === 'safe',
        edit: workspaceEdit(entry, fix.edits),
      });
    }
    actions.push(ignoreAction(document, entry));
    if (!vscode) continue;
    const docs = l10n.t('Show documentation for {0}', code);
    actions.push({
      title: docs,
      kind: CodeActionKind.Empty,
      diagnostics: [entry.diagnostic],
      command: { title: docs, command: 'losslens.showRuleDocs', arguments: [code] },
    });
    if (EXPLAINED_RULES.includes(code)) {
      const explain = l10n.t('Explain {0}', code);
      actions.push({
        title: explain,
        kind: CodeActionKind.Empty,
        diagnostics: [entry.diagnostic],
        command: { title: explain, command: 'losslens.explainLoss', arguments: [code] },
      });
    }
  }
  return actions;
}

function ignoreAction(document: TextDocument, entry: DiagnosedFinding): CodeAction {
  const code = entry.finding.code;
  const line = entry.diagnostic.range.start.line;
  const end = lineEnd(document, line);
  const text = document.getText({ start: { line, character: 0 }, end });
  const existing = /(?:#|\/\/)\s*losslens:\s*ignore\[([^\]]*)\]/.exec(text);
  // Python's comments start with `#`; TypeScript's and JavaScript's with `//`.
  const comment = document.languageId === 'python' || /\.py$|^vscode-notebook-cell:/.test(document.uri) ? '#' : '//';
  const edit: LspTextEdit = existing
    ? { range: point(line, existing.index + existing[0].length - 1), newText: `, ${code}` }
    : { range: point(line, end.character), newText: `  ${comment} losslens: ignore[${code}]` };
  return {
    title: l10n.t('Ignore {0} on this line', code),
    kind: CodeActionKind.QuickFix,
    diagnostics: [entry.diagnostic],
    edit: { changes: { [document.uri]: [edit] } },
  };
}

function fixAll(entries: readonly DiagnosedFinding[]): CodeAction[] {
  const safe = entries.filter((entry) => entry.finding.fix?.safety === 'safe');
  if (safe.length === 0) return [];
  const edit: WorkspaceEdit = { changes: {} };
  const taken: Array<{ start: number; end: number }> = [];
  for (const entry of safe) {
    const edits = entry.finding.fix!.edits;
    // Skip fixes that overlap one already taken; the next run picks them up.
    if (edits.some((candidate) => taken.some((span) => candidate.span.start < span.end && span.start < candidate.span.end))) continue;
    for (const candidate of edits) taken.push(candidate.span);
    addEdits(edit, entry, edits);
  }
  return [{ title: l10n.t('Apply every safe LossLens fix'), kind: FIX_ALL_KIND, edit }];
}

function workspaceEdit(entry: DiagnosedFinding, edits: readonly TextEdit[]): WorkspaceEdit {
  const edit: WorkspaceEdit = { changes: {} };
  addEdits(edit, entry, edits);
  return edit;
}

/** Edits carry offsets into the analysed text: the document, or for notebooks the joined program. */
function addEdits(edit: WorkspaceEdit, entry: DiagnosedFinding, edits: readonly TextEdit[]): void {
  for (const change of edits) {
    let document = entry.document;
    let start = change.span.start - entry.offset;
    let end = change.span.end - entry.offset;
    if (entry.cells) {
      const cell = [...entry.cells].reverse().find((candidate) => candidate.start <= change.span.start);
      if (!cell) continue;
      document = cell.document;
      start = change.span.start - cell.start;
      end = change.span.end - cell.start;
    }
    (edit.changes![document.uri] ??= []).push({ range: { start: document.positionAt(start), end: document.positionAt(end) }, newText: change.newText });
  }
}

function point(line: number, character: number) {
  return { start: { line, character }, end: { line, character } };
}

/** The same diagnostic, as the client sent it back: code, range and message. */
function same(a: Diagnostic, b: Diagnostic): boolean {
  return a.code === b.code && a.message === b.message && a.range.start.line === b.range.start.line && a.range.start.character === b.range.start.character;
}

function intersects(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  const before = (x: { line: number; character: number }, y: { line: number; character: number }) =>
    x.line < y.line || (x.line === y.line && x.character < y.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

/** `textDocument/codeAction`: the actions for the findings of the document as it is now. */
export function registerCodeActions(session: Session): void {
  session.connection.onCodeAction(async (params) => {
    const document = session.textOf(params.textDocument.uri);
    if (!document) return [];
    return codeActions(params, document, await session.analyses.current(document.uri), session.profile.vscode);
  });
}
