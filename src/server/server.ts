import type { Connection } from 'vscode-languageserver';
import { registerDocuments } from './notifications/documents';
import { registerWorkspace } from './notifications/workspace';
import type { ServerPaths } from './options';
import { registerCodeActions } from './requests/codeActions';
import { registerPullDiagnostics } from './requests/diagnostics';
import { registerHover } from './requests/hover';
import { registerInlayHints } from './requests/inlayHints';
import { registerSites } from './requests/sites';
import { Session } from './session';

export type { ServerPaths } from './options';

/**
 * The LossLens language server (LSP 3.17): diagnostics pushed (or pulled, where the client asks
 * for them), code actions with `source.fixAll.losslens`, hovers, inlay hints with loss values,
 * Jupyter notebooks through notebook sync, settings through `workspace/configuration` under the
 * extension's names, imports resolved under the workspace folders. The same analysis as
 * `losslens check` and the VS Code extension, for any editor that speaks LSP. A `Session` holds
 * the client's state; each request or notification family has its module.
 */
export function startServer(connection: Connection, paths: ServerPaths): void {
  const session = new Session(connection, paths);
  connection.onInitialize((params) => session.initialize(params));
  connection.onShutdown(() => session.shutdown());
  registerDocuments(session);
  registerWorkspace(session);
  registerPullDiagnostics(session);
  registerCodeActions(session);
  registerHover(session);
  registerInlayHints(session);
  registerSites(session);
  session.documents.listen(connection);
  session.notebooks.listen(connection);
  connection.listen();
}
