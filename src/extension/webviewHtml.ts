import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { WebviewBootstrap } from '../common/protocol/webview';

export interface WebviewPage {
  readonly webview: vscode.Webview;
  readonly extensionUri: vscode.Uri;
  /** File names under `media/dist/`. */
  readonly script: string;
  readonly stylesheet: string;
  readonly title: string;
  readonly bootstrap: WebviewBootstrap;
}

/**
 * The HTML shell every LossLens webview uses: a strict CSP that allows only our bundled script
 * (by nonce) and stylesheet, and the bootstrap data as inert JSON the script reads at start.
 */
export function webviewHtml(page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const media = (file: string) => page.webview.asWebviewUri(vscode.Uri.joinPath(page.extensionUri, 'media', 'dist', file));
  const csp = [
    "default-src 'none'",
    `style-src ${page.webview.cspSource}`,
    `img-src ${page.webview.cspSource} data:`,
    `font-src ${page.webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const bootstrap = JSON.stringify(page.bootstrap).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${media(page.stylesheet).toString()}">
<title>${escapeHtml(page.title)}</title>
</head>
<body>
<main id="app" aria-live="polite"></main>
<script type="application/json" id="bootstrap">${bootstrap}</script>
<script nonce="${nonce}" src="${media(page.script).toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Scripts on, and nothing loaded from outside the extension's bundled webview files. */
export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media', 'dist')],
  };
}
