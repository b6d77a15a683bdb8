import type * as vscode from 'vscode';
import type { LossLensSettings } from '../common/settings';
import type { CalculatorPanel } from './calculatorPanel';
import type { LossLensClient } from './client';
import type { ExplainPanel } from './explainPanel';
import type { StatusPanel } from './statusPanel';

/** The extension's state for one activation: what commands and panels share. */
export class Ctx {
  activationMs = 0;
  /** The "LossLens: Show Status" panel, while one is open. */
  statusPanel: StatusPanel | undefined;
  /** The loss calculator and the explanation view, while open. */
  calculatorPanel: CalculatorPanel | undefined;
  explainPanel: ExplainPanel | undefined;
  /** The language server's client (set once activation has made it). */
  server: LossLensClient | undefined;

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

  pushDisposable(disposable: vscode.Disposable): void {
    this.extensionContext.subscriptions.push(disposable);
  }
}
