import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { RULES, ruleByCode } from '../analysis/rules';
import { ruleDocPage, type RulePageTexts, type RulePageWords } from '../analysis/rules/docs';
import type { LossTextTable } from '../losses/texts';

/** Rule pages, served from the extension itself: no network, and the same text as docs/rules. */
export const RULE_DOCS_SCHEME = 'losslens-docs';

/** The page of a rule, as a document the editor can open (`losslens-docs:/LL001.md`). */
function ruleDocsUri(code: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RULE_DOCS_SCHEME, path: `/${code}.md` });
}

/**
 * Serves `losslens-docs:/LLxxx.md` from the rules' own metadata (read-only documents), in the
 * display language when the extension has the rules' texts in it (`l10n/rules.<language>.json`).
 */
export class RuleDocsProvider implements vscode.TextDocumentContentProvider {
  private translations: Readonly<Record<string, RulePageTexts>> | null | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const code = /^\/(LL\d{3})\.md$/.exec(uri.path)?.[1];
    const rule = code ? ruleByCode(code) : undefined;
    if (!rule) return vscode.l10n.t('There is no LossLens rule {0}.', uri.path.replace(/^\//, ''));
    const texts = this.texts()?.[rule.meta.code];
    return texts ? ruleDocPage(rule, texts, localWords()) : ruleDocPage(rule);
  }

  /** The rules' texts in the display language, read once; none for English or a language without them. */
  private texts(): Readonly<Record<string, RulePageTexts>> | null {
    if (this.translations === undefined) this.translations = localRuleTexts(this.extensionUri);
    return this.translations;
  }
}

/** The rules' texts in the display language (`l10n/rules.<language>.json`); null for English or a language without them. */
export function localRuleTexts(extensionUri: vscode.Uri): Readonly<Record<string, RulePageTexts>> | null {
  return localTexts<Record<string, RulePageTexts>>(extensionUri, 'rules');
}

/** The losses' titles and descriptions in the display language (`l10n/losses.<language>.json`); null for English. */
export function localLossTexts(extensionUri: vscode.Uri): LossTextTable | null {
  return localTexts<LossTextTable>(extensionUri, 'losses');
}

function localTexts<T>(extensionUri: vscode.Uri, table: string): T | null {
  const language = vscode.env.language.toLowerCase();
  const file = language.startsWith('zh') ? `${table}.zh-cn.json` : undefined;
  if (!file) return null;
  try {
    return JSON.parse(readFileSync(vscode.Uri.joinPath(extensionUri, 'l10n', file).fsPath, 'utf8')) as T;
  } catch {
    return null;
  }
}

/** The words around a page's texts, in the display language (through the extension's l10n bundle). */
function localWords(): RulePageWords {
  return {
    severity: (severity, fix) => vscode.l10n.t('Severity: {0}. Fix: {1}.', severity, fix),
    severities: { error: vscode.l10n.t('Error'), warning: vscode.l10n.t('Warning'), information: vscode.l10n.t('Information') },
    fix: { available: vscode.l10n.t('available'), none: vscode.l10n.t('none') },
    headings: {
      whatItDoes: vscode.l10n.t('What it does'),
      whyIsThisBad: vscode.l10n.t('Why is this bad?'),
      example: vscode.l10n.t('Example'),
      useInstead: vscode.l10n.t('Use instead'),
      fixSafety: vscode.l10n.t('Fix safety'),
      suppression: vscode.l10n.t('Suppression'),
      references: vscode.l10n.t('References'),
    },
    suppression: (code) => vscode.l10n.t('`# losslens: ignore[{0}]` on the line or the line above, or `# noqa: {0}` on the line.', code),
  };
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
