import * as vscode from 'vscode';
import { CalculatorState, CalculatorToHost, type CalculatorForm, type HostToCalculator } from '../common/protocol/calculator';
import { lossCatalog } from '../explain/calculate';
import type { Ctx } from './ctx';
import { PanelSlot, WebviewPanelHost, type PanelKind, type Panels } from './panelHost';
import { localLossTexts } from './ruleDocs';

const KIND: PanelKind<CalculatorToHost> & { state: typeof CalculatorState } = {
  viewType: 'losslens.calculator',
  script: 'calculator.js',
  stylesheet: 'calculator.css',
  column: vscode.ViewColumn.Active,
  inbound: CalculatorToHost,
  state: CalculatorState,
  malformed: (summary) => vscode.l10n.t('Ignored a malformed message from the loss calculator: {0}', summary),
};

/**
 * "LossLens: Open Loss Calculator": a webview where the user picks a loss, types tensors and
 * options, and sees the value, the per-element losses, the steps and charts. The webview only
 * draws: every computation runs on the calculator worker, one at a time per panel — a new
 * request cancels the one still running.
 */
class CalculatorPanel extends WebviewPanelHost<CalculatorToHost, HostToCalculator> {
  private running: { id: number; controller: AbortController } | undefined;

  constructor(
    private readonly ctx: Ctx,
    panel: vscode.WebviewPanel,
    private prefill: CalculatorForm | undefined,
  ) {
    super(ctx, panel, KIND, title());
  }

  fill(form: CalculatorForm): void {
    void this.post({ type: 'catalog', losses: lossCatalog(localLossTexts(this.ctx.extensionUri)), prefill: form });
  }

  protected receive(message: CalculatorToHost): void {
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
        void vscode.commands.executeCommand('losslens.explainLoss', message.loss);
        return;
    }
  }

  protected override disposed(): void {
    this.running?.controller.abort();
  }

  private async evaluate(id: number, form: CalculatorForm): Promise<void> {
    this.running?.controller.abort();
    const controller = new AbortController();
    this.running = { id, controller };
    try {
      const outcome = await this.ctx.jobs.run(
        { kind: 'calculate', form, maxElements: this.ctx.settings.evaluatorMaxElements },
        { signal: controller.signal, onProgress: (fraction) => void this.post({ type: 'progress', id, fraction }) },
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
}

/** The loss calculator of this activation: opened (or revealed, and filled in with `form`) by its command. */
export function calculatorPanels(ctx: Ctx): Panels['calculator'] {
  // The webview restores its own form from `getState`; the host needs nothing but a valid state.
  const slot = new PanelSlot(ctx, KIND, (panel, state) => new CalculatorPanel(ctx, panel, state?.form));
  slot.register(ctx.extensionContext.subscriptions);
  return {
    // A new panel is filled in with `form` when its webview is ready.
    show: (form) =>
      void slot.show(
        title(),
        (open) => {
          if (form) open.fill(form);
        },
        form ? { form } : undefined,
      ),
  };
}

function title(): string {
  return vscode.l10n.t('Loss Calculator');
}
