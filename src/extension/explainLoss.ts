import * as vscode from 'vscode';
import { ruleByCode } from '../analysis/rules';
import { siteAt } from '../analysis/site-request';
import { EXPLAINED_RULES } from '../explain/explanations';
import { lossCatalog } from '../explain/calculate';
import type { Ctx } from './ctx';
import type { LossLensClient } from './client';
import type { Panels } from './panelHost';
import { localLossTexts, localRuleTexts } from './ruleDocs';

/**
 * "LossLens: Explain Loss": the explanation of `topic` when a code action or a hover link names
 * one (`LL003`, `cross_entropy`); else of the finding at the cursor, else of the loss at the
 * cursor; else the user picks a rule or a loss.
 */
export async function explainLoss(ctx: Ctx, server: LossLensClient, panels: Panels, topic?: unknown): Promise<void> {
  const losses = lossCatalog(localLossTexts(ctx.extensionUri));
  const ruleTexts = localRuleTexts(ctx.extensionUri);
  const known = (name: unknown): name is string => typeof name === 'string' && (EXPLAINED_RULES.includes(name) || losses.some((loss) => loss.name === name));
  if (known(topic)) {
    panels.explain.show(topic);
    return;
  }
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === 'python') {
    const position = editor.selection.active;
    const finding = vscode.languages
      .getDiagnostics(editor.document.uri)
      .find((diagnostic) => diagnostic.source === 'LossLens' && diagnostic.range.contains(position));
    const code = typeof finding?.code === 'object' ? String(finding.code.value) : undefined;
    if (known(code)) {
      panels.explain.show(code);
      return;
    }
    const site = siteAt(await server.currentSites(editor.document), editor.document.offsetAt(position));
    if (site && known(site.loss)) {
      panels.explain.show(site.loss);
      return;
    }
  }
  type Item = vscode.QuickPickItem & { topic?: string };
  const items: Item[] = [{ label: vscode.l10n.t('Rules'), kind: vscode.QuickPickItemKind.Separator }];
  for (const code of EXPLAINED_RULES) {
    const rule = ruleByCode(code)!;
    items.push({ label: code, description: rule.meta.name, detail: ruleTexts?.[code]?.summary ?? rule.meta.summary, topic: code });
  }
  items.push({ label: vscode.l10n.t('Losses'), kind: vscode.QuickPickItemKind.Separator });
  for (const loss of losses) items.push({ label: loss.name, description: loss.title, detail: loss.apis.join(' · '), topic: loss.name });
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Explain Loss'),
    placeHolder: vscode.l10n.t('Explain which rule or loss?'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (picked?.topic) panels.explain.show(picked.topic);
}
