import * as vscode from 'vscode';
import { RULES, ruleByCode } from '../analysis/rules';
import { ruleDocPage } from '../analysis/rules/docs';

/** Rule pages, served from the extension itself: no network, and the same text as docs/rules. */
export const RULE_DOCS_SCHEME = 'losslens-docs';

/** The page of a rule, as a document the editor can open (`losslens-docs:/LL001.md`). */
export function ruleDocsUri(code: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RULE_DOCS_SCHEME, path: `/${code}.md` });
}

/** Serves `losslens-docs:/LLxxx.md` from the rules' own metadata (read-only documents). */
export class RuleDocsProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const code = /^\/(LL\d{3})\.md$/.exec(uri.path)?.[1];
    const rule = code ? ruleByCode(code) : undefined;
    return rule ? ruleDocPage(rule) : vscode.l10n.t('There is no LossLens rule {0}.', uri.path.replace(/^\//, ''));
  }
}

/** Opens a rule's page as a rendered preview (VS Code's markdown preview, offline); asks which without one. */
export async function showRuleDocs(code: unknown): Promise<void> {
  if (code === undefined) {
    const picked = await vscode.window.showQuickPick(
      RULES.map((rule) => ({ label: rule.meta.code, description: rule.meta.name, detail: rule.meta.summary })),
      { placeHolder: vscode.l10n.t('Which rule?'), matchOnDescription: true, matchOnDetail: true },
    );
    if (!picked) return;
    code = picked.label;
  }
  const rule = typeof code === 'string' ? ruleByCode(code) : undefined;
  if (!rule) throw new Error(vscode.l10n.t('There is no LossLens rule {0}.', String(code)));
  await vscode.commands.executeCommand('markdown.showPreview', ruleDocsUri(rule.meta.code));
}
