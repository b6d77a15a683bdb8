import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { affectsLossLens, readSettings } from './config';
import type { LanguageServerState } from '../common/protocol/status';
import { Ctx } from './ctx';
import { LossLensClient, type AnalysisFinished } from './client';
import { LanguageStatus } from './languageStatus';
import { RULE_DOCS_SCHEME, RuleDocsProvider } from './ruleDocs';
import { calculatorPanels } from './calculatorPanel';
import { explainPanels } from './explainPanel';
import type { Panels } from './panelHost';
import { statusPanels } from './statusPanel';

/** What `activate` returns; tests read it through `vscode.extensions.getExtension(...).exports`. */
export interface LossLensApi {
  /** Milliseconds `activate` took. */
  readonly activationMs: number;
  /** Fires when a document's (or notebook's) analysis finishes: its uri, version and findings. */
  readonly onDidFinishAnalysis: vscode.Event<AnalysisFinished>;
  /** The last finished analysis of a document or notebook, if any since it opened. */
  lastAnalysis(uri: vscode.Uri): AnalysisFinished | undefined;
  /** Whether the language server runs (it starts with the first document it reads). */
  languageServer(): LanguageServerState;
}

export function activate(context: vscode.ExtensionContext): LossLensApi {
  const started = performance.now();
  // The analyzer and the evaluator speak through @vscode/l10n (they run outside VS Code too, in
  // the CLI): give it the bundle VS Code chose for the display language.
  if (vscode.l10n.bundle) l10n.config({ contents: vscode.l10n.bundle });
  const log = vscode.window.createOutputChannel('LossLens', { log: true });
  context.subscriptions.push(log);
  try {
    const ctx = new Ctx(context, log, readSettings(log));
    // Diagnostics, code actions, hovers and inline values come from the language server, started
    // on the first document it reads; what is VS Code's own (views, commands) stays here.
    const server = new LossLensClient(ctx);
    ctx.server = server;
    // Each panel kind keeps its one panel; commands open them, and restore them after a reload.
    const panels: Panels = { status: statusPanels(ctx), calculator: calculatorPanels(ctx), explain: explainPanels(ctx) };
    context.subscriptions.push(
      server,
      new LanguageStatus(server),
      vscode.workspace.registerTextDocumentContentProvider(RULE_DOCS_SCHEME, new RuleDocsProvider(context.extensionUri)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (!affectsLossLens(event)) return;
        // The server reads its settings itself (`workspace/configuration`); the views read these.
        ctx.settings = readSettings(log);
        panels.status.refresh();
      }),
      server.onDidChangeState(() => panels.status.refresh()),
    );
    registerCommands(ctx, { server, panels });

    ctx.activationMs = performance.now() - started;
    const version = String(context.extension.packageJSON.version);
    log.info(vscode.l10n.t('LossLens {0} activated in {1} ms.', version, ctx.activationMs.toFixed(1)));
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      log.info(vscode.l10n.t('Active document: {0} ({1}).', vscode.workspace.asRelativePath(editor.document.uri), editor.document.languageId));
    }
    return {
      activationMs: ctx.activationMs,
      onDidFinishAnalysis: server.onDidFinishAnalysis,
      lastAnalysis: (uri) => server.lastAnalysis(uri),
      languageServer: () => server.describe().state,
    };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    log.error(vscode.l10n.t('LossLens failed to activate: {0}', detail));
    void vscode.window.showErrorMessage(vscode.l10n.t('LossLens failed to activate: {0}', detail));
    throw error;
  }
}

export function deactivate(): void {
  // Every resource is a disposable in `context.subscriptions`; VS Code disposes them.
}
