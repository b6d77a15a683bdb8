/**
 * What the LossLens language server says beyond LSP, and what its clients may tell it at
 * `initialize`. Plain types and method names: the server (`src/server/`) and the VS Code extension
 * (`src/extension/client.ts`) both import them; other editors never need them.
 */
import type { LocatedFinding } from '../../analysis/document';
import type { Position } from '../../analysis/lines';
import type { LossSite } from '../../analysis/types';

/** `source.fixAll.losslens`: every safe fix of a document (what `editor.codeActionsOnSave` asks for). */
export const FIX_ALL_KIND = 'source.fixAll.losslens';

/** `initializationOptions` a client may send; every field is optional. */
export interface ServerInitializationOptions {
  /**
   * `vscode`: the client is LossLens's own extension. Hovers then link to its commands (the
   * calculator, the explanation view) and use its icons, code actions offer its commands, and the
   * rule pages are its own (`losslens-docs:`), which open offline.
   */
  readonly client?: 'vscode';
  /** The display language's translations, as `@vscode/l10n` reads them (VS Code's `l10n.bundle`). */
  readonly l10nBundle?: Record<string, string>;
  /**
   * Where the rule pages are, `{code}` standing for the rule's code; by default the repository's
   * `docs/rules/{code}.md`.
   */
  readonly ruleDocs?: string;
  /**
   * The `losslens` section of the settings, under the extension's names, for a client that neither
   * answers `workspace/configuration` nor sends `workspace/didChangeConfiguration` at start.
   */
  readonly settings?: unknown;
}

/** The commands LossLens's hovers link to in VS Code (`client: 'vscode'`): only these, with arguments LossLens wrote. */
export const HOVER_COMMANDS: readonly string[] = ['losslens.explainLoss', 'losslens.openCalculator'];

/** `losslens/analysisFinished` (server to client): a document's or notebook's analysis finished. */
export const ANALYSIS_FINISHED = 'losslens/analysisFinished';

export interface AnalysisFinishedParams {
  /** The document, or the notebook (whose cells hold the diagnostics). */
  readonly uri: string;
  readonly version: number;
  /** The findings published (the first `losslens.maxDiagnosticsPerFile`, the most severe first). */
  readonly findings: readonly LocatedFinding[];
  /** How many findings there are beyond those, when there are. */
  readonly hidden?: number;
  /** Why it was not analysed (turned off, too large, binary, broken), when it was not. */
  readonly skipped?: string;
  /**
   * The diagnostics this analysis published (`textDocument/publishDiagnostics`, sent before this
   * notification), per document (every cell of a notebook): the how-manyth publish for that
   * document it was, so the client knows when it has shown them.
   */
  readonly published: ReadonlyArray<{ readonly uri: string; readonly sequence: number }>;
}

/** `losslens/sites` (client to server): the loss sites of a document or cell as it is now. */
export const SITES = 'losslens/sites';

export interface SitesParams {
  readonly uri: string;
}

/** Spans are offsets into the document (for a cell: into the cell). */
export interface SitesResult {
  readonly version: number | null;
  readonly sites: readonly LossSite[];
}

/** `losslens/fileSites` (client to server): the loss sites and findings of a workspace file, open or not. */
export const FILE_SITES = 'losslens/fileSites';

export interface FileSitesResult {
  readonly sites: ReadonlyArray<{ readonly site: LossSite; readonly start: Position; readonly cell?: number }>;
  readonly findings: readonly LocatedFinding[];
  readonly skipped?: string;
}
