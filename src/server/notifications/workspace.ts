import { basename } from 'node:path';
import * as l10n from '@vscode/l10n';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver';
import { pathOfUri } from '../analyses';
import { CONFIG_FILE_NAMES, isConfigFileName } from '../../config';
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
      // Python files (what imports read), and the projects' configuration files with the
      // `.gitignore`s their excludes respect.
      const watched = ['**/*.py', ...CONFIG_FILE_NAMES.map((name) => `**/${name}`), '**/.gitignore'];
      session.quietly(connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: watched.map((globPattern) => ({ globPattern })) }));
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
    let projectChanged = false;
    for (const change of changes) {
      const path = pathOfUri(change.uri);
      if (path !== undefined && (isConfigFileName(path) || basename(path) === '.gitignore')) {
        session.projectChanged(path);
        projectChanged = true;
        continue;
      }
      if (change.type === FileChangeType.Changed && path !== undefined) session.analysesIfAny?.fileChanged(path);
      else session.analysesIfAny?.filesChanged();
    }
    // Which rules run, and on which files, may have changed everywhere.
    if (projectChanged) {
      session.settingsChanged(undefined);
      session.log.info(l10n.t('A project configuration file changed; LossLens read it again.'));
      if (!session.profile.pull) session.analysesIfAny?.refreshAll();
      session.refreshInlayHints();
    }
    if (session.profile.pull) session.refreshDiagnostics();
  });
}
