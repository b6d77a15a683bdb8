/** Languages whose documents LossLens analyses. Notebook cells arrive as `python` documents. */
export const WATCHED_LANGUAGES = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'] as const;

export const NOTEBOOK_TYPE = 'jupyter-notebook';

export function isWatchedLanguage(languageId: string): boolean {
  return (WATCHED_LANGUAGES as readonly string[]).includes(languageId);
}
