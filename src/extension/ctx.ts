import * as vscode from 'vscode';
import { JobWorkers } from '../explain/background';
import type { LanguageServerState } from '../common/protocol/status';
import type { LossLensSettings } from '../common/settings';

/** What the status panel asks of the language server's client. */
interface ServerStatus {
  describe(): { state: LanguageServerState; version?: string };
}

/** The extension's state for one activation: what commands and panels share. */
export class Ctx {
  activationMs = 0;
  /** The language server's client (set once activation has made it). */
  server: ServerStatus | undefined;
  private jobWorkers: JobWorkers | undefined;

  constructor(
    readonly extensionContext: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    public settings: LossLensSettings,
  ) {}

  get version(): string {
    return String(this.extensionContext.extension.packageJSON.version);
  }

  get extensionUri(): vscode.Uri {
    return this.extensionContext.extensionUri;
  }

  /** The calculator's and explanations' worker threads, started on the first job and kept. */
  get jobs(): JobWorkers {
    if (!this.jobWorkers) {
      const workers = new JobWorkers(vscode.Uri.joinPath(this.extensionUri, 'dist', 'calculator-worker.js').fsPath, {
        ...(vscode.l10n.bundle ? { l10nBundle: vscode.l10n.bundle } : {}),
      });
      this.jobWorkers = workers;
      this.pushDisposable({ dispose: () => workers.dispose() });
    }
    return this.jobWorkers;
  }

  pushDisposable(disposable: vscode.Disposable): void {
    this.extensionContext.subscriptions.push(disposable);
  }
}
