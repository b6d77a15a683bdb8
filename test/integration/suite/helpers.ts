import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'losslens.losslens';

/** What the extension's API says of one finished analysis (see `AnalysisFinished`). */
export interface AnalysisFinished {
  readonly uri: vscode.Uri;
  readonly version: number;
  readonly findings: ReadonlyArray<{ readonly code: string; readonly message: string; readonly cell?: number; readonly start: { readonly line: number } }>;
  readonly skipped?: string;
}

interface LossLensApi {
  readonly activationMs: number;
  readonly onDidFinishAnalysis: vscode.Event<AnalysisFinished>;
  lastAnalysis(uri: vscode.Uri): AnalysisFinished | undefined;
  languageServer(): 'not started' | 'starting' | 'running' | 'stopped';
}

export function workspaceFile(relativePath: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests need the examples folder open as the workspace');
  return vscode.Uri.joinPath(folder.uri, relativePath);
}

/** The extension's API, activating it if it is not yet. */
export async function losslens(): Promise<LossLensApi> {
  const extension = vscode.extensions.getExtension<LossLensApi>(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this host`);
  return extension.isActive ? extension.exports : extension.activate();
}

const TIMEOUT_MS = 20_000;

/**
 * The next analysis of `uri` that finishes after `action` starts (an edit, a setting changed):
 * the listener is attached first, so it cannot be missed.
 */
export async function nextAnalysis(
  uri: vscode.Uri,
  action: () => Thenable<unknown>,
  /** Which analysis to wait for: another one of the same version may still be on its way. */
  accept: (event: AnalysisFinished) => boolean = () => true,
): Promise<AnalysisFinished> {
  const api = await losslens();
  let listener: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const finished = new Promise<AnalysisFinished>((resolve, reject) => {
    listener = api.onDidFinishAnalysis((event) => {
      if (event.uri.toString() === uri.toString() && accept(event)) resolve(event);
    });
    timer = setTimeout(() => reject(new Error(`no analysis of ${uri.path} finished within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  try {
    await action();
    return await finished;
  } finally {
    listener?.dispose();
    clearTimeout(timer);
  }
}

/** The analysis of a document's (or notebook's) current version: the last one, or the one to come. */
export async function analysisOf(target: vscode.TextDocument | vscode.NotebookDocument): Promise<AnalysisFinished> {
  const api = await losslens();
  const current = (event: AnalysisFinished | undefined) => event?.uri.toString() === target.uri.toString() && event.version === target.version;
  let listener: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<AnalysisFinished>((resolve, reject) => {
      listener = api.onDidFinishAnalysis((event) => {
        if (current(event)) resolve(event);
      });
      timer = setTimeout(() => reject(new Error(`no analysis of ${target.uri.path} (version ${target.version}) within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      const last = api.lastAnalysis(target.uri);
      if (current(last)) resolve(last!);
    });
  } finally {
    listener?.dispose();
    clearTimeout(timer);
  }
}

/** LossLens's diagnostics on a document, as VS Code holds them. */
export function lossLensDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'LossLens');
}

export function codeOf(diagnostic: vscode.Diagnostic): string {
  return typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
}

/** Polls `condition` until it holds, failing with `what` after `timeoutMs`: for what VS Code does, not LossLens. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
