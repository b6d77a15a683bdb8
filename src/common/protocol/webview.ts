/** Values the host writes into a webview's HTML before its script runs (every LossLens webview). */
export interface WebviewBootstrap {
  /** `vscode.l10n.bundle` for the UI language; undefined for English. */
  readonly l10nBundle?: Record<string, string>;
}
