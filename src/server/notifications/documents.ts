import type { Session } from '../session';

/** Languages whose documents the server reads; notebook cells arrive through notebook sync. */
const LANGUAGES = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'];

/**
 * Documents and notebooks opened, changed, saved and closed: analysed after the debounce as they
 * change (`run: onType`) or when saved (`onSave`), unless the client pulls; forgotten, and their
 * diagnostics cleared, when closed.
 */
export function registerDocuments(session: Session): void {
  const { documents, notebooks } = session;
  const push = () => !session.profile.pull;
  documents.onDidOpen(({ document }) => {
    if (!LANGUAGES.includes(document.languageId) && !/\.(py|pyi|ts|tsx|js|jsx|mjs|cjs)$/.test(document.uri)) return;
    if (push()) session.analyses.schedule(document.uri);
  });
  documents.onDidChangeContent(({ document }) => {
    void session.settings(document.uri).then((current) => {
      if (push() && current.run === 'onType') session.analyses.schedule(document.uri);
    });
  });
  documents.onDidSave(({ document }) => {
    void session.settings(document.uri).then((current) => {
      if (current.run !== 'onSave') return;
      if (push()) session.analyses.schedule(document.uri);
      else session.refreshDiagnostics();
    });
  });
  documents.onDidClose(({ document }) => {
    session.analysesIfAny?.forget(document.uri);
    session.forgetSettings(document.uri);
    // Pulling clients and LossLens's extension clear what a closed document showed themselves.
    if (push() && !session.profile.vscode) void session.connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });
  notebooks.onDidOpen((notebook) => {
    session.notebookUris.add(notebook.uri);
    if (push()) session.analyses.scheduleNotebook(notebook.uri);
  });
  notebooks.onDidChange(({ notebookDocument }) => {
    void session.settings(notebookDocument.uri).then((current) => {
      if (push() && current.run === 'onType') session.analyses.scheduleNotebook(notebookDocument.uri);
    });
  });
  notebooks.onDidSave((notebook) => {
    void session.settings(notebook.uri).then((current) => {
      if (current.run === 'onSave' && push()) session.analyses.scheduleNotebook(notebook.uri);
    });
  });
  notebooks.onDidClose((notebook) => {
    session.notebookUris.delete(notebook.uri);
    session.analysesIfAny?.forget(notebook.uri);
    session.forgetSettings(notebook.uri);
    if (push() && !session.profile.vscode) for (const cell of notebook.cells) void session.connection.sendDiagnostics({ uri: cell.document, diagnostics: [] });
  });
}
