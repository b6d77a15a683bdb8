import * as l10n from '@vscode/l10n';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver';
import { pathOfUri } from '../analyses';
import { rootsOf } from '../options';
import type { Session } from '../session';

/**
 * The workspace around the documents: settings changed (everything analysed again), Python files
 * changed on disk (what imports them read again), workspace folders changed (imports resolve under
 * the new ones). Watching files and folders is asked for once the client is initialized, where it
 * can be.
 */
export function registerWorkspace(session: Session): void {
  const { connection } = session;
  connection.onInitialized(() => {
    if (session.profile.watchFiles) {
      session.quietly(connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.py' }] }));
    }
    if (session.profile.workspaceFolderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders(() => {
        session.quietly(connection.workspace.getWorkspaceFolders().then((folders) => session.analysesIfAny?.restart(rootsOf(folders, null, session.log))));
      });
    }
  });

  connection.onDidChangeConfiguration((change) => {
    session.settingsChanged((change.settings as { losslens?: unknown } | null | undefined)?.losslens);
    session.log.info(l10n.t('Settings changed; LossLens reloaded them.'));
    if (session.profile.pull) session.refreshDiagnostics();
    else session.analysesIfAny?.refreshAll();
    session.refreshInlayHints();
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const path = pathOfUri(change.uri);
      if (change.type === FileChangeType.Changed && path !== undefined) session.analysesIfAny?.fileChanged(path);
      else session.analysesIfAny?.filesChanged();
    }
    if (session.profile.pull) session.refreshDiagnostics();
  });
}
