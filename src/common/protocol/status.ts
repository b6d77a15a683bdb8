/**
 * Messages between the extension host and LossLens webviews. Both sides import these types, so a
 * change to a message is a compile error on the side that forgot it.
 */

export interface StatusSnapshot {
  readonly version: string;
  readonly vscodeVersion: string;
  readonly uiLanguage: string;
  readonly activationMs: number;
  readonly settings: {
    readonly enable: boolean;
    readonly select: readonly string[];
    readonly ignore: readonly string[];
    readonly maxFileSizeKB: number;
    readonly evaluatorMaxElements: number;
  };
  /** The language server: not started yet (it starts with the first document it reads), starting, running (with its version), or stopped. */
  readonly languageServer: { readonly state: LanguageServerState; readonly version?: string };
  /** Open documents LossLens watches, by language id (notebooks under `jupyter-notebook`). */
  readonly watchedDocuments: Readonly<Record<string, number>>;
}

export type LanguageServerState = 'not started' | 'starting' | 'running' | 'stopped';

export type HostToWebview = { readonly type: 'status'; readonly status: StatusSnapshot };

export type WebviewToHost = { readonly type: 'ready' } | { readonly type: 'showLog' } | { readonly type: 'refresh' };

/** State a webview keeps across reloads (`vscode.setState`) and hands to the panel serializer. */
export interface StatusWebviewState {
  readonly status?: StatusSnapshot;
}

/** Values the host writes into the webview's HTML before its script runs. */
export interface WebviewBootstrap {
  /** `vscode.l10n.bundle` for the UI language; undefined for English. */
  readonly l10nBundle?: Record<string, string>;
}

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'showLog' || type === 'refresh';
}
