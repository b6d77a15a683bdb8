import * as vscode from 'vscode';
import { ExplainState, ExplainToHost, type HostToExplain } from '../common/protocol/calculator';
import type { Ctx } from './ctx';
import { PanelSlot, WebviewPanelHost, type PanelKind, type Panels } from './panelHost';
import { localLossTexts, localRuleTexts } from './ruleDocs';

const KIND: PanelKind<ExplainToHost> & { state: typeof ExplainState } = {
  viewType: 'losslens.explain',
  script: 'explain.js',
  stylesheet: 'explain.css',
  column: vscode.ViewColumn.Beside,
  inbound: ExplainToHost,
  state: ExplainState,
  malformed: (summary) => vscode.l10n.t('Ignored a malformed message from the explanation view: {0}', summary),
};

/**
 * The explanation view: one panel, showing a rule (`LL003`) or a loss (`cross_entropy`). Its
 * numbers are computed on the calculator worker when it opens, in the display language.
 */
class ExplainPanel extends WebviewPanelHost<ExplainToHost, HostToExplain> {
  private controller: AbortController | undefined;

  constructor(
    private readonly ctx: Ctx,
    panel: vscode.WebviewPanel,
    private topic: string | undefined,
  ) {
    super(ctx, panel, KIND, title(topic));
  }

  explain(topic: string): void {
    this.topic = topic;
    void this.load();
  }

  protected receive(message: ExplainToHost): void {
    switch (message.type) {
      case 'ready':
        void this.load();
        return;
      case 'openCalculator':
        void vscode.commands.executeCommand('losslens.openCalculator', message.form);
        return;
      case 'showDocs':
        void vscode.commands.executeCommand('losslens.showRuleDocs', message.code);
        return;
    }
  }

  protected override disposed(): void {
    this.controller?.abort();
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
      const outcome = await this.ctx.jobs.run(
        { kind: 'explain', topic, ...(texts ? { texts } : {}), ...(lossTexts ? { lossTexts } : {}) },
        { signal: controller.signal },
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
}

/** The explanation view of this activation: shows a rule or a loss, in the panel there is or a new one. */
export function explainPanels(ctx: Ctx): Panels['explain'] {
  const slot = new PanelSlot(ctx, KIND, (panel, state) => new ExplainPanel(ctx, panel, state?.topic));
  slot.register(ctx.extensionContext.subscriptions);
  return { show: (topic) => void slot.show(title(topic), (open) => open.explain(topic), { topic }) };
}

function title(topic: string | undefined): string {
  return topic ? vscode.l10n.t('Explain {0}', topic) : vscode.l10n.t('LossLens Explanation');
}
