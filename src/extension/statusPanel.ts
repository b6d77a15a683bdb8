import * as vscode from 'vscode';
import { StatusState, StatusToHost, type HostToStatus, type StatusSnapshot } from '../common/protocol/status';
import type { Ctx } from './ctx';
import { NOTEBOOK_TYPE, isWatchedLanguage } from './languages';
import { PanelSlot, WebviewPanelHost, type PanelKind, type Panels } from './panelHost';

const KIND: PanelKind<StatusToHost> & { state: typeof StatusState } = {
  viewType: 'losslens.status',
  script: 'status.js',
  stylesheet: 'status.css',
  column: vscode.ViewColumn.Active,
  inbound: StatusToHost,
  state: StatusState,
  malformed: (summary) => vscode.l10n.t('Ignored a malformed message from the status panel: {0}', summary),
};

/** The "LossLens: Show Status" panel: version, timings, settings in effect, documents watched. */
class StatusPanel extends WebviewPanelHost<StatusToHost, HostToStatus> {
  constructor(
    private readonly ctx: Ctx,
    panel: vscode.WebviewPanel,
  ) {
    super(ctx, panel, KIND, title());
  }

  refresh(): void {
    void this.post({ type: 'status', status: snapshot(this.ctx) });
  }

  protected receive(message: StatusToHost): void {
    switch (message.type) {
      case 'ready':
      case 'refresh':
        this.refresh();
        return;
      case 'showLog':
        this.ctx.log.show(true);
        return;
    }
  }
}

/** The status panel of this activation: shown by its command, refreshed when settings or the server change. */
export function statusPanels(ctx: Ctx): Panels['status'] {
  const slot = new PanelSlot(ctx, KIND, (panel) => new StatusPanel(ctx, panel));
  slot.register(ctx.extensionContext.subscriptions);
  return {
    show: () => slot.show(title(), (open) => open.refresh()).panel,
    refresh: () => slot.open?.refresh(),
  };
}

function title(): string {
  return vscode.l10n.t('LossLens Status');
}

function snapshot(ctx: Ctx): StatusSnapshot {
  const watchedDocuments: Record<string, number> = {};
  for (const document of vscode.workspace.textDocuments) {
    if (document.uri.scheme === 'vscode-notebook-cell' || !isWatchedLanguage(document.languageId)) continue;
    watchedDocuments[document.languageId] = (watchedDocuments[document.languageId] ?? 0) + 1;
  }
  const notebooks = vscode.workspace.notebookDocuments.filter((notebook) => notebook.notebookType === NOTEBOOK_TYPE).length;
  if (notebooks > 0) watchedDocuments[NOTEBOOK_TYPE] = notebooks;
  const { settings } = ctx;
  return {
    version: ctx.version,
    vscodeVersion: vscode.version,
    uiLanguage: vscode.env.language,
    activationMs: ctx.activationMs,
    languageServer: ctx.server?.describe() ?? { state: 'not started' },
    settings: {
      enable: settings.enable,
      select: [...settings.select],
      ignore: [...settings.ignore],
      maxFileSizeKB: settings.maxFileSizeBytes / 1024,
      evaluatorMaxElements: settings.evaluatorMaxElements,
    },
    watchedDocuments,
  };
}
