import * as v from 'valibot';
import * as vscode from 'vscode';
import { ExplainState, ExplainToHost, type HostToExplain } from '../common/protocol/calculator';
import { runJob } from '../explain/background';
import { CalculatorPanel } from './calculatorPanel';
import type { Ctx } from './ctx';
import { localLossTexts, localRuleTexts } from './ruleDocs';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * The explanation view: one panel, showing a rule (`LL003`) or a loss (`cross_entropy`). Its
 * numbers are computed on the calculator worker when it opens, in the display language.
 */
export class ExplainPanel {
  static readonly viewType = 'losslens.explain';
  private readonly disposables: vscode.Disposable[] = [];
  private controller: AbortController | undefined;

  private constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    private topic: string | undefined,
  ) {
    panel.webview.options = webviewOptions(ctx.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml({
      webview: panel.webview,
      extensionUri: ctx.extensionUri,
      script: 'explain.js',
      stylesheet: 'explain.css',
      title: vscode.l10n.t('LossLens Explanation'),
      bootstrap: { l10nBundle: vscode.l10n.bundle },
    });
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message), undefined, this.disposables);
  }

  /** Shows the explanation of `topic` (a rule code or a loss name) in the explanation panel. */
  static show(ctx: Ctx, topic: string): ExplainPanel {
    const open = ctx.explainPanel;
    if (open) {
      open.panel.reveal();
      open.topic = topic;
      void open.load();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(ExplainPanel.viewType, title(topic), vscode.ViewColumn.Beside, webviewOptions(ctx.extensionUri));
    ctx.explainPanel = new ExplainPanel(ctx, panel, topic);
    return ctx.explainPanel;
  }

  static registerSerializer(ctx: Ctx): void {
    ctx.pushDisposable(
      vscode.window.registerWebviewPanelSerializer(ExplainPanel.viewType, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          const saved = v.safeParse(ExplainState, state);
          ctx.explainPanel = new ExplainPanel(ctx, panel, saved.success ? saved.output.topic : undefined);
        },
      }),
    );
  }

  private receive(raw: unknown): void {
    const parsed = v.safeParse(ExplainToHost, raw);
    if (!parsed.success) {
      this.ctx.log.warn(vscode.l10n.t('Ignored a malformed message from the explanation view: {0}', v.summarize(parsed.issues)));
      return;
    }
    const message = parsed.output;
    switch (message.type) {
      case 'ready':
        void this.load();
        return;
      case 'openCalculator':
        CalculatorPanel.show(this.ctx, message.form);
        return;
      case 'showDocs':
        void vscode.commands.executeCommand('losslens.showRuleDocs', message.code);
        return;
    }
  }

  private async load(): Promise<void> {
    const topic = this.topic;
    if (!topic) {
      void this.post({ type: 'failed', message: vscode.l10n.t('Run "LossLens: Explain Loss" to choose what to explain.') });
      return;
    }
    this.panel.title = title(topic);
    this.controller?.abort();
    const controller = (this.controller = new AbortController());
    try {
      const texts = /^LL\d{3}$/.test(topic) ? localRuleTexts(this.ctx.extensionUri)?.[topic] : undefined;
      const lossTexts = localLossTexts(this.ctx.extensionUri);
      const outcome = await runJob(
        { kind: 'explain', topic, ...(texts ? { texts } : {}), ...(lossTexts ? { lossTexts } : {}) },
        {
          workerPath: vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'calculator-worker.js').fsPath,
          signal: controller.signal,
          ...(vscode.l10n.bundle ? { l10nBundle: vscode.l10n.bundle } : {}),
        },
      );
      if (controller.signal.aborted) return;
      if (outcome.kind === 'explained') void this.post({ type: 'explanation', explanation: outcome.explanation });
      else if (outcome.kind === 'problem') void this.post({ type: 'failed', message: outcome.error.message });
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.ctx.log.error(vscode.l10n.t('The explanation of {0} failed: {1}', topic, detail));
      void this.post({ type: 'failed', message: vscode.l10n.t('LossLens could not build this explanation (see the LossLens log).') });
    }
  }

  private post(message: HostToExplain): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    this.controller?.abort();
    if (this.ctx.explainPanel === this) this.ctx.explainPanel = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}

function title(topic: string): string {
  return vscode.l10n.t('Explain {0}', topic);
}
