import type { LossSite } from '../analysis/types';
import * as vscode from 'vscode';
import type { LossLensClient } from './client';

/** How the list names each framework. */
const FRAMEWORKS: Readonly<Record<LossSite['framework'], string>> = {
  torch: 'PyTorch',
  keras: 'Keras',
  tensorflow: 'TensorFlow',
  jax: 'JAX',
  tfjs: 'TensorFlow.js',
};

/** Folders never searched for losses: installed packages, environments, caches, VCS data. */
const EXCLUDED = '**/{node_modules,.git,.venv,venv,env,site-packages,__pycache__,.ipynb_checkpoints}/**';
const MAX_FILES = 2000;

interface SiteItem extends vscode.QuickPickItem {
  readonly uri: vscode.Uri;
  readonly line: number;
  readonly column: number;
  readonly cell?: number;
}

/**
 * "LossLens: Show Loss Sites": every loss constructed or called in the workspace's Python files
 * and notebooks, with its framework, API and status (ok, or the findings on it), in a quick pick
 * that jumps to it. Files that could not be analysed are listed as such, never left out silently.
 */
export async function showLossSites(server: LossLensClient): Promise<void> {
  const items = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('LossLens: finding the losses of the workspace'), cancellable: true },
    async (progress, token) => {
      const files = await vscode.workspace.findFiles('**/*.{py,ipynb}', EXCLUDED, MAX_FILES, token);
      files.sort((a, b) => a.path.localeCompare(b.path));
      const items: Array<SiteItem | vscode.QuickPickItem> = [];
      for (const [index, uri] of files.entries()) {
        if (token.isCancellationRequested) break;
        progress.report({ message: vscode.workspace.asRelativePath(uri), increment: 100 / files.length });
        const { sites, findings, skipped } = await server.fileSites(uri);
        const path = vscode.workspace.asRelativePath(uri);
        if (skipped) items.push({ label: `$(circle-slash) ${path}`, description: skipped });
        if (sites.length > 0) items.push({ label: path, kind: vscode.QuickPickItemKind.Separator });
        for (const { site, start, cell } of sites) {
          const codes = findings.filter((finding) => finding.span.start < site.span.end && site.span.start < finding.span.end).map((finding) => finding.code);
          const status = codes.length > 0 ? vscode.l10n.t('finding: {0}', [...new Set(codes)].join(', ')) : vscode.l10n.t('ok');
          items.push({
            label: `${codes.length > 0 ? '$(warning)' : '$(pass)'} ${site.api}`,
            description: cell !== undefined ? vscode.l10n.t('cell {0}, line {1}', cell, start.line) : vscode.l10n.t('line {0}', start.line),
            detail: `${FRAMEWORKS[site.framework]} · ${site.kind === 'application' ? vscode.l10n.t('applied') : vscode.l10n.t('constructed')} · ${status}`,
            uri,
            line: start.line - 1,
            column: start.column - 1,
            ...(cell !== undefined ? { cell } : {}),
          });
        }
        if (index === MAX_FILES - 1) items.push({ label: vscode.l10n.t('… only the first {0} files were searched', MAX_FILES) });
      }
      return items;
    },
  );
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('LossLens found no Python files or notebooks in this workspace.'));
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: vscode.l10n.t('Losses in the workspace: pick one to go to it'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!picked || !('uri' in picked)) return;
  const position = new vscode.Position(picked.line, picked.column);
  if (picked.cell !== undefined) {
    const notebook = await vscode.workspace.openNotebookDocument(picked.uri);
    const editor = await vscode.window.showNotebookDocument(notebook, { selections: [new vscode.NotebookRange(picked.cell, picked.cell + 1)] });
    editor.revealRange(new vscode.NotebookRange(picked.cell, picked.cell + 1));
    return;
  }
  await vscode.window.showTextDocument(picked.uri, { selection: new vscode.Range(position, position) });
}
