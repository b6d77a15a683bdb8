import type { Session } from '../session';

/** `textDocument/diagnostic`, for clients that pull: the diagnostics of the document as it is now. */
export function registerPullDiagnostics(session: Session): void {
  session.connection.languages.diagnostics.on(async (params, token) => {
    const items = await session.analyses.diagnostics(params.textDocument.uri);
    if (token.isCancellationRequested) return { kind: 'full', items: [] };
    return { kind: 'full', items };
  });
}
