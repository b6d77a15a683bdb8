import * as vscode from 'vscode';
import type { AnalysisFinished, LossLensClient } from './client';
import { WATCHED_LANGUAGES } from './languages';

/**
 * The LossLens item in the status bar's language area for Python, TypeScript and JavaScript
 * files: what LossLens found in this file (or why it did not look), with the log one click away.
 */
export class LanguageStatus implements vscode.Disposable {
  private readonly item = vscode.languages.createLanguageStatusItem(
    'losslens',
    WATCHED_LANGUAGES.map((language) => ({ language })),
  );
  private readonly disposables: vscode.Disposable[] = [this.item];

  constructor(private readonly server: LossLensClient) {
    this.item.name = 'LossLens';
    this.item.command = { title: vscode.l10n.t('Show Log'), command: 'losslens.showLog' };
    this.disposables.push(
      server.onDidFinishAnalysis((event) => {
        if (event.uri.toString() === this.activeUri()?.toString()) this.show(event);
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.update()),
    );
    this.update();
  }

  private activeUri(): vscode.Uri | undefined {
    return vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri;
  }

  private update(): void {
    const uri = this.activeUri();
    const last = uri ? this.server.lastAnalysis(uri) : undefined;
    if (last) this.show(last);
    else {
      this.item.text = vscode.l10n.t('LossLens');
      this.item.detail = vscode.l10n.t('analysing…');
    }
  }

  private show(event: AnalysisFinished): void {
    const count = event.findings.length + (event.hidden ?? 0);
    if (event.skipped) {
      this.item.text = vscode.l10n.t('LossLens: not analysed');
      this.item.detail = event.skipped;
      this.item.severity = vscode.LanguageStatusSeverity.Warning;
    } else {
      this.item.text =
        count === 0
          ? vscode.l10n.t('LossLens: no findings')
          : count === 1
            ? vscode.l10n.t('LossLens: 1 finding')
            : vscode.l10n.t('LossLens: {0} findings', count);
      this.item.detail = vscode.l10n.t('loss-function checks are on');
      this.item.severity = count === 0 ? vscode.LanguageStatusSeverity.Information : vscode.LanguageStatusSeverity.Warning;
    }
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
  }
}
