import * as v from 'valibot';
import * as vscode from 'vscode';
import { CalculatorState, CalculatorToHost, type CalculatorForm, type HostToCalculator } from '../common/protocol/calculator';
import { lossCatalog } from '../explain/calculate';
import { runJob } from '../explain/background';
import type { Ctx } from './ctx';
import { ExplainPanel } from './explainPanel';
import { localLossTexts } from './ruleDocs';
import { webviewHtml, webviewOptions } from './webviewHtml';

/**
 * "LossLens: Open Loss Calculator": a webview where the user picks a loss, types tensors and
 * options, and sees the value, the per-element losses, the steps and charts. The webview only
 * draws: every computation runs on the calculator worker, one at a time per panel — a new
 * request cancels the one still running.
 */
export class CalculatorPanel {
  static readonly viewType = 'losslens.calculator';
  private readonly disposables: vscode.Disposable[] = [];
  private running: { id: number; controller: AbortController } | undefined;

  private constructor(
    private readonly ctx: Ctx,
    readonly panel: vscode.WebviewPanel,
    private prefill: CalculatorForm | undefined,
  ) {
    panel.webview.options = webviewOptions(ctx.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml({
      webview: panel.webview,
      extensionUri: ctx.extensionUri,
      script: 'calculator.js',
      stylesheet: 'calculator.css',
      title: vscode.l10n.t('Loss Calculator'),
      bootstrap: { l10nBundle: vscode.l10n.bundle },
    });
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message), undefined, this.disposables);
  }

  /** Opens the calculator (or reveals the open one), optionally filled in with `form`. */
  static show(ctx: Ctx, form?: CalculatorForm): CalculatorPanel {
    const open = ctx.calculatorPanel;
    if (open) {
      open.panel.reveal();
      if (form) open.fill(form);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(
      CalculatorPanel.viewType,
      vscode.l10n.t('Loss Calculator'),
      vscode.ViewColumn.Active,
      webviewOptions(ctx.extensionUri),
    );
    ctx.calculatorPanel = new CalculatorPanel(ctx, panel, form);
    return ctx.calculatorPanel;
  }

  static registerSerializer(ctx: Ctx): void {
    ctx.pushDisposable(
      vscode.window.registerWebviewPanelSerializer(CalculatorPanel.viewType, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, state: unknown) => {
          // The webview restores its own form from `getState`; the host needs nothing but a valid state.
          const saved = v.safeParse(CalculatorState, state);
          ctx.calculatorPanel = new CalculatorPanel(ctx, panel, saved.success ? saved.output.form : undefined);
        },
      }),
    );
  }

  private fill(form: CalculatorForm): void {
    void this.post({ type: 'catalog', losses: lossCatalog(localLossTexts(this.ctx.extensionUri)), prefill: form });
  }

  private receive(raw: unknown): void {
    const parsed = v.safeParse(CalculatorToHost, raw);
    if (!parsed.success) {
      this.ctx.log.warn(vscode.l10n.t('Ignored a malformed message from the loss calculator: {0}', v.summarize(parsed.issues)));
      return;
    }
    const message = parsed.output;
    switch (message.type) {
      case 'ready':
        void this.post({ type: 'catalog', losses: lossCatalog(localLossTexts(this.ctx.extensionUri)), ...(this.prefill ? { prefill: this.prefill } : {}) });
        this.prefill = undefined;
        return;
      case 'evaluate':
        void this.evaluate(message.id, message.form);
        return;
      case 'cancel':
        if (this.running?.id === message.id) this.running.controller.abort();
        return;
      case 'copyCode':
        void vscode.env.clipboard
          .writeText(message.code)
          .then(() => vscode.window.setStatusBarMessage(vscode.l10n.t('LossLens: copied the PyTorch code.'), 3000));
        return;
      case 'explain':
        ExplainPanel.show(this.ctx, message.loss);
        return;
    }
  }

  private async evaluate(id: number, form: CalculatorForm): Promise<void> {
    this.running?.controller.abort();
    const controller = new AbortController();
    this.running = { id, controller };
    try {
      const outcome = await runJob(
        { kind: 'calculate', form, maxElements: this.ctx.settings.evaluatorMaxElements },
        {
          workerPath: vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'calculator-worker.js').fsPath,
          signal: controller.signal,
          onProgress: (fraction) => void this.post({ type: 'progress', id, fraction }),
          ...(vscode.l10n.bundle ? { l10nBundle: vscode.l10n.bundle } : {}),
        },
      );
      if (outcome.kind === 'calculated') void this.post({ type: 'result', id, result: outcome.result });
      else if (outcome.kind === 'problem') void this.post({ type: 'failed', id, error: outcome.error });
    } catch (error) {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      this.ctx.log.error(vscode.l10n.t('The loss calculator failed: {0}', detail));
      void this.post({ type: 'failed', id, error: { message: vscode.l10n.t('LossLens could not compute this (see the LossLens log).') } });
    } finally {
      if (this.running?.id === id) this.running = undefined;
    }
  }

  private post(message: HostToCalculator): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    this.running?.controller.abort();
    if (this.ctx.calculatorPanel === this) this.ctx.calculatorPanel = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }
}
