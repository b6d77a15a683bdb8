import * as vscode from 'vscode';
import type { TextEdit } from '../analysis/types';
import { EXPLAINED_RULES } from '../explain/explanations';
import type { DiagnosedFinding, DiagnosticsController } from './diagnostics';

const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('losslens');

/**
 * Quick fixes for LossLens findings: the rule's fix (safe fixes preferred; unsafe ones say so and
 * are never preferred nor part of fix-all), and "ignore this rule on this line". Fix-all applies
 * every safe fix of the document.
 */
export class LossLensCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND] };

  constructor(private readonly diagnostics: DiagnosticsController) {}

  async provideCodeActions(
    document: vscode.TextDocument,
    range: vscode.Range | vscode.Selection,
    context: vscode.CodeActionContext,
  ): Promise<vscode.CodeAction[]> {
    const entries = await this.diagnostics.currentFindings(document);
    if (context.only && FIX_ALL_KIND.contains(context.only)) return this.fixAll(entries);
    const actions: vscode.CodeAction[] = [];
    for (const entry of entries) {
      if (!context.diagnostics.includes(entry.diagnostic) && !entry.diagnostic.range.intersection(range)) continue;
      const fix = entry.finding.fix;
      if (fix) {
        const title =
          fix.safety === 'safe'
            ? vscode.l10n.t('{0} ({1})', fix.title, entry.finding.code)
            : vscode.l10n.t('{0} ({1}, unsafe: may change behaviour)', fix.title, entry.finding.code);
        const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [entry.diagnostic];
        action.isPreferred = fix.safety === 'safe';
        action.edit = toWorkspaceEdit(entry, fix.edits);
        actions.push(action);
      }
      actions.push(this.ignoreAction(document, entry));
      const docs = new vscode.CodeAction(vscode.l10n.t('Show documentation for {0}', entry.finding.code), vscode.CodeActionKind.Empty);
      docs.command = { title: docs.title, command: 'losslens.showRuleDocs', arguments: [entry.finding.code] };
      docs.diagnostics = [entry.diagnostic];
      actions.push(docs);
      if (EXPLAINED_RULES.includes(entry.finding.code)) {
        const explain = new vscode.CodeAction(vscode.l10n.t('Explain {0}', entry.finding.code), vscode.CodeActionKind.Empty);
        explain.command = { title: explain.title, command: 'losslens.explainLoss', arguments: [entry.finding.code] };
        explain.diagnostics = [entry.diagnostic];
        actions.push(explain);
      }
    }
    return actions;
  }

  private ignoreAction(document: vscode.TextDocument, entry: DiagnosedFinding): vscode.CodeAction {
    const code = entry.finding.code;
    const action = new vscode.CodeAction(vscode.l10n.t('Ignore {0} on this line', code), vscode.CodeActionKind.QuickFix);
    action.diagnostics = [entry.diagnostic];
    const line = document.lineAt(entry.diagnostic.range.start.line);
    const existing = /(?:#|\/\/)\s*losslens:\s*ignore\[([^\]]*)\]/.exec(line.text);
    const edit = new vscode.WorkspaceEdit();
    if (existing) {
      const start = line.range.start.translate(0, existing.index + existing[0].length - 1);
      edit.insert(document.uri, start, `, ${code}`);
    } else {
      // Python's comments start with `#`; TypeScript's and JavaScript's with `//`.
      const comment = document.languageId === 'python' ? '#' : '//';
      edit.insert(document.uri, line.range.end, `  ${comment} losslens: ignore[${code}]`);
    }
    action.edit = edit;
    return action;
  }

  private fixAll(entries: readonly DiagnosedFinding[]): vscode.CodeAction[] {
    const safe = entries.filter((entry) => entry.finding.fix?.safety === 'safe');
    if (safe.length === 0) return [];
    const edit = new vscode.WorkspaceEdit();
    const taken: Array<{ start: number; end: number }> = [];
    for (const entry of safe) {
      const edits = entry.finding.fix!.edits;
      // Skip fixes that overlap one already taken; the next run picks them up.
      if (edits.some((candidate) => taken.some((span) => candidate.span.start < span.end && span.start < candidate.span.end))) continue;
      for (const candidate of edits) taken.push(candidate.span);
      addEdits(edit, entry, edits);
    }
    const action = new vscode.CodeAction(vscode.l10n.t('Apply every safe LossLens fix'), FIX_ALL_KIND);
    action.edit = edit;
    return [action];
  }
}

function toWorkspaceEdit(entry: DiagnosedFinding, edits: readonly TextEdit[]): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  addEdits(edit, entry, edits);
  return edit;
}

/** Edits carry offsets into the analysed text: the document, or for notebooks the joined program. */
function addEdits(edit: vscode.WorkspaceEdit, entry: DiagnosedFinding, edits: readonly TextEdit[]): void {
  for (const change of edits) {
    let document = entry.document;
    let start = change.span.start;
    let end = change.span.end;
    if (entry.cells) {
      const cell = [...entry.cells].reverse().find((candidate) => candidate.start <= change.span.start);
      if (!cell) continue;
      document = cell.document;
      start -= cell.start;
      end -= cell.start;
    }
    edit.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(end)), change.newText);
  }
}
