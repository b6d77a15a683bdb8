import * as vscode from 'vscode';
import { isWebviewToHost, type HostToWebview, type StatusSnapshot, type StatusWebviewState, type WebviewBootstrap } from '../common/protocol/status';
import type { Ctx } from './ctx';
import { NOTEBOOK_TYPE, isWatchedLanguage } from './languages';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** The "LossLens: Show Status" panel: version, timings, settings in effect, documents watched. */
export class StatusPanel {
  static readonly viewType = 'losslens.status';
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly ctx: Ctx,
    private readonly panel: vscode.WebviewPanel,
  ) {
    panel.webview.options = webviewOptions(ctx.extensionUri);
    panel.webview.html = StatusPanel.html(ctx, panel.webview);
    panel.onDidDispose(() => this.dispose(), undefined, this.disposables);
    panel.webview.onDidReceiveMessage(
      (message: unknown) => {
        if (!isWebviewToHost(message)) {
          ctx.log.warn(vscode.l10n.t('Ignored an unknown message from the status panel.'));
          return;
        }
        switch (message.type) {
          case 'ready':
          case 'refresh':
            void this.post({ type: 'status', status: snapshot(ctx) });
            return;
          case 'showLog':
            ctx.log.show(true);
            return;
        }
      },
      undefined,
      this.disposables,
    );
  }

  /** Opens the panel, or reveals the one open (the activation's `Ctx` holds it); returns it. */
  static show(ctx: Ctx): vscode.WebviewPanel {
    const open = ctx.statusPanel;
    if (open) {
      open.panel.reveal();
      void open.post({ type: 'status', status: snapshot(ctx) });
      return open.panel;
    }
    const panel = vscode.window.createWebviewPanel(
      StatusPanel.viewType,
      vscode.l10n.t('LossLens Status'),
      vscode.ViewColumn.Active,
      webviewOptions(ctx.extensionUri),
    );
    ctx.statusPanel = new StatusPanel(ctx, panel);
    return panel;
  }

  static refreshCurrent(ctx: Ctx): void {
    void ctx.statusPanel?.post({ type: 'status', status: snapshot(ctx) });
  }

  static registerSerializer(ctx: Ctx): void {
    ctx.pushDisposable(
      vscode.window.registerWebviewPanelSerializer(StatusPanel.viewType, {
        deserializeWebviewPanel: async (panel: vscode.WebviewPanel, _state: StatusWebviewState | undefined) => {
          ctx.statusPanel = new StatusPanel(ctx, panel);
        },
      }),
    );
  }

  private post(message: HostToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  private dispose(): void {
    if (this.ctx.statusPanel === this) this.ctx.statusPanel = undefined;
    for (const disposable of this.disposables.splice(0)) disposable.dispose();
  }

  private static html(ctx: Ctx, webview: vscode.Webview): string {
    const bootstrap: WebviewBootstrap = { l10nBundle: vscode.l10n.bundle };
    return webviewHtml({
      webview,
      extensionUri: ctx.extensionUri,
      script: 'status.js',
      stylesheet: 'status.css',
      title: vscode.l10n.t('LossLens Status'),
      bootstrap,
    });
  }
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
      select: settings.select,
      ignore: settings.ignore,
      maxFileSizeKB: settings.maxFileSizeBytes / 1024,
      evaluatorMaxElements: settings.evaluatorMaxElements,
    },
    watchedDocuments,
  };
}
