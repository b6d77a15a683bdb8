import { fileURLToPath } from 'node:url';
import * as l10n from '@vscode/l10n';
import { NotebookCellKind, type Diagnostic, type NotebookDocument } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeDocument, analyzeNotebook, documentKind, type DocumentKind, type FindingLimit, type LocatedFinding } from '../analysis/document';
import { AnalysisHost } from '../analysis/host';
import { LineIndex } from '../analysis/lines';
import { cellAt, notebookProgram, programFromCells, readAnalysable, type NotebookProgram } from '../analysis/notebook';
import type { AnalyzeOptions } from '../analysis/options';
import { SourceFile } from '../analysis/python/source-file';
import { EDITOR_SLICE_MS } from '../analysis/slices';
import { normalizeNewlines } from '../analysis/source-text';
import type { LossSite, Span } from '../analysis/types';
import type { LossLensSettings, RuleSeverity } from '../common/settings';
import type { FileSitesResult } from '../common/protocol/server';
import { diagnosed, hiddenNote, type CellPlace, type DiagnosedFinding } from './diagnostics';
import type { EditLog, OffsetMapping } from './edits';
import type { TfjsThread } from './tfjs';

const DEBOUNCE_MS = 250;

/** The order VS Code shows problems in when a file has more than it shows: errors first. */
const RANK: Record<RuleSeverity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** The NotebookDocument type LossLens reads Jupyter notebooks as (VS Code's and LSP's name). */
export const NOTEBOOK_TYPE = 'jupyter-notebook';

/** One analysis finished, with what each document (each cell, for a notebook) now shows. */
export interface Finished {
  readonly uri: string;
  readonly version: number;
  /** The findings published (at most `losslens.maxDiagnosticsPerFile`). */
  readonly findings: readonly LocatedFinding[];
  /** How many more there are, not published, when there are. */
  readonly hidden?: number;
  readonly skipped?: string;
  readonly documents: ReadonlyArray<{ readonly uri: string; readonly version?: number; readonly diagnostics: Diagnostic[] }>;
}

/** Where the analyses get documents, settings and the like from: the server's connection. */
export interface AnalysesEnvironment {
  textDocument(uri: string): TextDocument | undefined;
  textDocuments(): readonly TextDocument[];
  notebook(uri: string): NotebookDocument | undefined;
  notebooks(): readonly NotebookDocument[];
  /** The notebook a cell document belongs to. */
  notebookOfCell(uri: string): NotebookDocument | undefined;
  cellDocument(uri: string): TextDocument | undefined;
  /** The changes of the text documents since their analyses. */
  readonly edits: EditLog;
  settings(uri: string): Promise<LossLensSettings>;
  /** Where the rule pages are, `{code}` standing for the code. */
  readonly ruleDocs: string;
  readonly log: { error(message: string): void; info(message: string): void };
  /** Called when an analysis finishes (after a skip too); the server publishes it. */
  finished(event: Finished): void;
}

/**
 * Runs the analyzer on the documents and notebooks a client has open, as they open and change
 * (debounced) or on demand (a pull, a hover, a code action), and turns findings into LSP
 * diagnostics: code linked to the rule's page, the evidence chain as related information. One
 * `SourceFile` per document or notebook keeps what the next version can reuse; one
 * `AnalysisHost` shares the parser and the imported workspace modules. Analyses run in slices
 * (`EDITOR_SLICE_MS`), so one document never holds up the answers for another.
 */
export class DocumentAnalyses {
  private host: AnalysisHost;
  private readonly sources = new Map<string, SourceFile>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Map<string, Promise<void>>();
  /**
   * Per document (file or cell): the version whose findings are published, and them; for a text
   * document, the last one analysed when typing went on meanwhile (not shown, kept for `recent`).
   */
  private readonly published = new Map<string, { version: number; entries: DiagnosedFinding[]; note?: Diagnostic }>();
  /** Per document (file or cell): loss sites for a version, spans in its own offsets. */
  private readonly sites = new Map<string, { version: number; sites: readonly LossSite[] }>();
  /** Per notebook: the cell documents it published diagnostics on. */
  private readonly notebookCells = new Map<string, string[]>();

  constructor(
    private readonly environment: AnalysesEnvironment,
    roots: readonly string[],
    /** The TensorFlow.js analyzer's own thread. */
    private readonly tfjs: TfjsThread,
  ) {
    this.host = new AnalysisHost(roots);
  }

  /** A document or notebook opened or changed: analyse it after the debounce. */
  schedule(uri: string): void {
    const notebook = this.environment.notebookOfCell(uri);
    if (notebook) return this.scheduleNotebook(notebook.uri);
    if (!this.environment.textDocument(uri)) return;
    this.debounce(uri, () => this.analyzeText(uri));
  }

  scheduleNotebook(uri: string): void {
    const notebook = this.environment.notebook(uri);
    if (notebook?.notebookType !== NOTEBOOK_TYPE) return;
    this.debounce(uri, () => this.analyzeNotebook(uri));
  }

  /** Everything open is analysed again (settings changed, files on disk changed). */
  refreshAll(): void {
    for (const document of this.environment.textDocuments()) this.schedule(document.uri);
    for (const notebook of this.environment.notebooks()) this.scheduleNotebook(notebook.uri);
  }

  /** A document or notebook closed: nothing of it is kept. */
  forget(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.sources.get(uri)?.dispose();
    this.sources.delete(uri);
    this.published.delete(uri);
    this.sites.delete(uri);
    this.environment.edits.forget(uri);
    for (const cell of this.notebookCells.get(uri) ?? []) {
      this.published.delete(cell);
      this.sites.delete(cell);
    }
    this.notebookCells.delete(uri);
  }

  /** Files on disk were created or deleted: imports may lead elsewhere. */
  filesChanged(): void {
    this.host.filesChanged();
    this.refreshAll();
  }

  /** A file on disk changed: what imports it (or what it imports) may read differently. */
  fileChanged(path: string): void {
    this.host.fileChanged(path);
    this.refreshAll();
  }

  /** The workspace folders changed: imports resolve under other roots, so everything starts anew. */
  restart(roots: readonly string[]): void {
    for (const source of this.sources.values()) source.dispose();
    this.sources.clear();
    this.host.dispose();
    this.host = new AnalysisHost(roots);
    this.refreshAll();
  }

  /**
   * The findings of a document or cell as it is now: when the ones published are of an earlier
   * version (an edit still waiting out its debounce), it is analysed first, so fixes never edit by
   * stale offsets.
   */
  async current(uri: string): Promise<readonly DiagnosedFinding[]> {
    // An edit arriving during the analysis makes it stale: a few tries catch up with typing.
    for (let attempt = 0; attempt < 3; attempt++) {
      const document = this.document(uri);
      if (!document) return [];
      const published = this.published.get(uri);
      if (published?.version === document.version) return published.entries;
      const notebook = this.environment.notebookOfCell(uri);
      if (notebook) await this.runNow(notebook.uri, () => this.analyzeNotebook(notebook.uri));
      else await this.runNow(uri, () => this.analyzeText(uri));
    }
    const document = this.document(uri);
    const published = this.published.get(uri);
    return document && published?.version === document.version ? published.entries : [];
  }

  /** The diagnostics of a document or cell as it is now, with the note on findings left out, if any (clients that pull). */
  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const entries = await this.current(uri);
    const note = this.published.get(uri)?.note;
    const diagnostics = entries.map((entry) => entry.diagnostic);
    if (note && this.published.get(uri)?.entries === entries) diagnostics.push(note);
    return diagnostics;
  }

  /**
   * The last analysis of a text document, whatever edits came after it, with where its offsets are
   * now: a hover or an inline value in a large document answers from it at once instead of waiting
   * for the analysis of the text being typed (its findings are those the editor shows meanwhile).
   * `undefined` for notebook cells, before the first analysis, and when the edits since are not
   * all known (a change of the whole text).
   */
  recent(uri: string): { version: number; sites: readonly LossSite[]; entries: readonly DiagnosedFinding[]; mapping: OffsetMapping } | undefined {
    const published = this.published.get(uri);
    const sites = this.sites.get(uri);
    if (!this.environment.textDocument(uri) || !published || sites?.version !== published.version) return undefined;
    const mapping = this.environment.edits.mapping(uri, published.version);
    return mapping && { version: published.version, sites: sites.sites, entries: published.entries, mapping };
  }

  /** The loss sites of a document or cell as it is now, spans in its own offsets (hovers, inline values, commands). */
  async currentSites(uri: string): Promise<{ version: number | null; sites: readonly LossSite[] }> {
    const document = this.document(uri);
    if (!document) return { version: null, sites: [] };
    const cached = this.sites.get(uri);
    if (cached?.version === document.version) return cached;
    const settings = await this.environment.settings(uri);
    if (!settings.enable || settings.skip) return { version: document.version, sites: [] };
    const analyze = { ...this.options(uri, settings), sites: true };
    let sites: readonly LossSite[] = [];
    const notebook = this.environment.notebookOfCell(uri);
    if (notebook) {
      const { cells, program } = this.notebookProgram(notebook);
      const own = program.cells[cells.findIndex((cell) => cell.uri === uri)];
      if (!own) return { version: document.version, sites: [] };
      await this.exclusive(notebook.uri, async () => {
        const result = await analyzeNotebook(this.source(notebook.uri), program, analyze);
        sites = (result.sites ?? [])
          .filter((site) => site.span.start >= own.start && site.span.end <= own.start + own.source.length)
          .map((site) => shiftSite(site, -own.start));
      });
    } else {
      const kind = kindOf(document);
      const text = document.getText();
      if (kind === 'python' || kind === 'javascript')
        await this.exclusive(uri, async () => {
          sites = (await analyzeDocument(this.source(uri), kind, text, analyze)).sites ?? [];
        });
    }
    const entry = { version: document.version, sites };
    this.sites.set(uri, entry);
    return entry;
  }

  /**
   * The loss sites and findings of a workspace file as it is on disk (or in its open editor), for
   * the loss-sites view: positions as lines (and cells, in notebooks). Read the guarded way; a file
   * that cannot be analysed gives nothing, and says why.
   */
  async fileSites(uri: string): Promise<FileSitesResult> {
    const settings = await this.environment.settings(uri);
    if (!settings.enable) return { sites: [], findings: [], skipped: l10n.t('LossLens is turned off (losslens.enable)') };
    if (settings.skip) return { sites: [], findings: [], skipped: settings.skip };
    const path = pathOfUri(uri);
    let text = this.environment.textDocument(uri)?.getText();
    // An open document is measured as its text in UTF-8; a file read from disk by its bytes, as
    // it is read (its text may be longer in UTF-8: a latin-1 or UTF-16 file).
    let maxFileBytes = settings.maxFileSizeBytes;
    if (text === undefined) {
      if (path === undefined) return { sites: [], findings: [], skipped: l10n.t('skipped: {0} names no file on this machine', uri) };
      const read = readAnalysable(path, settings.maxFileSizeBytes);
      if ('skipped' in read) return { sites: [], findings: [], skipped: read.skipped };
      text = read.text;
      maxFileBytes = Infinity;
    }
    const kind = documentKind(path ?? uri) ?? 'python';
    const source = new SourceFile(this.host, path);
    try {
      const result = await analyzeDocument(source, kind, text, { ...this.options(uri, settings), maxFileBytes, sites: true });
      const program = kind === 'notebook' ? notebookProgramOrUndefined(text) : undefined;
      const lines = new LineIndex(normalizeNewlines(text));
      const sites = (result.sites ?? []).map((site) => {
        if (!program) return { site, start: lines.position(site.span.start) };
        const at = cellAt(program, site.span.start)!;
        return { site, start: new LineIndex(at.cell.source).position(at.offset), cell: at.cell.index };
      });
      return { sites, findings: result.findings, ...(result.skipped ? { skipped: result.skipped } : {}) };
    } finally {
      source.dispose();
    }
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const source of this.sources.values()) source.dispose();
    this.host.dispose();
    this.tfjs.dispose();
  }

  private document(uri: string): TextDocument | undefined {
    return this.environment.textDocument(uri) ?? this.environment.cellDocument(uri);
  }

  private debounce(key: string, run: () => Promise<void>): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.exclusive(key, run);
      }, DEBOUNCE_MS),
    );
  }

  /** Runs an analysis now instead of after its debounce. */
  private runNow(key: string, run: () => Promise<void>): Promise<void> {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    return this.exclusive(key, run);
  }

  /** One analysis of a document at a time: each waits for the one before (they share its `SourceFile`). */
  private exclusive(key: string, run: () => Promise<void>): Promise<void> {
    const next = (this.running.get(key) ?? Promise.resolve()).then(run).catch((error: unknown) => this.environment.log.error(failure(error)));
    this.running.set(key, next);
    void next.then(() => {
      if (this.running.get(key) === next) this.running.delete(key);
    });
    return next;
  }

  private source(key: string): SourceFile {
    let source = this.sources.get(key);
    if (!source) {
      // A document whose URI names no path (`file://host/…`, an encoded slash) is analysed from its
      // text alone: its imports are not resolved.
      source = new SourceFile(this.host, pathOfUri(key));
      this.sources.set(key, source);
    }
    return source;
  }

  /** The findings a document publishes: `maxDiagnosticsPerFile` of them, the most severe first. */
  private limit(settings: LossLensSettings): FindingLimit {
    return { count: settings.maxDiagnosticsPerFile, rank: (finding) => RANK[settings.severity[finding.code] ?? finding.severity] };
  }

  private options(uri: string, settings: LossLensSettings): AnalyzeOptions {
    return {
      select: settings.select,
      ignore: settings.ignore,
      maxFileBytes: settings.maxFileSizeBytes,
      sliceMs: EDITOR_SLICE_MS,
      tfjs: (text, options) => this.tfjs.analyze(text, options),
      onInternalError: (rule, error) => this.environment.log.error(l10n.t('Rule {0} failed on {1}: {2}', rule, uri, detail(error))),
    };
  }

  private async analyzeText(uri: string): Promise<void> {
    const document = this.environment.textDocument(uri);
    if (!document) return;
    const version = document.version;
    const settings = await this.environment.settings(uri);
    const finish = (
      entries: DiagnosedFinding[],
      findings: readonly LocatedFinding[],
      skipped?: string,
      sites?: { readonly sites?: readonly LossSite[] },
      hidden?: Hidden,
    ) => {
      this.published.set(uri, { version, entries, ...(hidden ? { note: hidden.note } : {}) });
      this.sites.set(uri, lazySites(version, sites));
      this.environment.edits.analysed(uri, version);
      this.environment.finished({
        uri,
        version,
        findings,
        ...(hidden ? { hidden: hidden.count } : {}),
        ...(skipped ? { skipped } : {}),
        documents: [{ uri, version, diagnostics: [...entries.map((entry) => entry.diagnostic), ...(hidden ? [hidden.note] : [])] }],
      });
    };
    if (!settings.enable) return finish([], [], l10n.t('LossLens is turned off (losslens.enable)'));
    if (settings.skip) return finish([], [], settings.skip);
    const kind = kindOf(document);
    if (!kind) return finish([], [], l10n.t('skipped: not Python, a notebook, TypeScript or JavaScript'));
    if (kind === 'notebook') return finish([], [], l10n.t('skipped: a notebook opened as text (LossLens reads notebooks through notebook sync)'));
    let result;
    try {
      // The sites too: hovers and inline values then need no analysis of their own.
      result = await analyzeDocument(this.source(uri), kind, document.getText(), { ...this.options(uri, settings), sites: true }, this.limit(settings));
    } catch (error) {
      // Never leave the findings of an earlier version standing: say why there are none.
      this.environment.log.error(failure(error));
      return finish([], [], l10n.t('not analysed: LossLens failed on {0} (see the LossLens log)', uri));
    }
    const entries = result.findings.map((finding) => diagnosed(finding, { ruleDocs: this.environment.ruleDocs, settings }, document, 0));
    const hidden = result.hidden && { count: result.hidden.count, note: hiddenNote(result.hidden, settings.maxDiagnosticsPerFile) };
    if (this.environment.textDocument(uri)?.version !== version) {
      // Typing went on meanwhile: not shown (the next analysis is), but kept for hovers and inline
      // values, which answer from the last analysis at the places its text moved to (`recent`).
      this.published.set(uri, { version, entries, ...(hidden ? { note: hidden.note } : {}) });
      this.sites.set(uri, lazySites(version, result));
      this.environment.edits.analysed(uri, version);
      return;
    }
    if (result.skipped) this.environment.log.info(`${uri}: ${result.skipped}`);
    if (result.partial) this.environment.log.info(`${uri}: ${result.partial}`);
    finish(entries, result.findings, result.skipped, result, hidden);
  }

  /** The code cells of a notebook in Python, and the program they make. */
  private notebookProgram(notebook: NotebookDocument): { cells: Array<{ uri: string; index: number; document: TextDocument }>; program: NotebookProgram } {
    const cells: Array<{ uri: string; index: number; document: TextDocument }> = [];
    notebook.cells.forEach((cell, index) => {
      const document = this.environment.cellDocument(cell.document);
      // Code cells in Python; markdown cells and other languages are not code LossLens reads.
      if (cell.kind === NotebookCellKind.Code && document?.languageId === 'python') cells.push({ uri: cell.document, index, document });
    });
    return { cells, program: programFromCells(cells.map((cell) => ({ index: cell.index, source: cell.document.getText() }))) };
  }

  private async analyzeNotebook(uri: string): Promise<void> {
    const notebook = this.environment.notebook(uri);
    if (!notebook) return;
    const version = notebook.version;
    const settings = await this.environment.settings(uri);
    const { cells, program } = this.notebookProgram(notebook);
    const cellVersions = cells.map((cell) => cell.document.version);
    // Cells that left the notebook, or that are no longer Python code, lose their diagnostics.
    const gone = (this.notebookCells.get(uri) ?? []).filter((cell) => !cells.some((entry) => entry.uri === cell));
    const finish = (
      byCell: ReadonlyMap<string, DiagnosedFinding[]>,
      findings: readonly LocatedFinding[],
      skipped?: string,
      hidden?: Hidden & { cell: string },
    ) => {
      const noteOf = (cell: string) => (hidden?.cell === cell ? [hidden.note] : []);
      cells.forEach((cell, position) =>
        this.published.set(cell.uri, {
          version: cellVersions[position]!,
          entries: byCell.get(cell.uri) ?? [],
          ...(hidden?.cell === cell.uri ? { note: hidden.note } : {}),
        }),
      );
      for (const cell of gone) this.published.delete(cell);
      this.notebookCells.set(
        uri,
        cells.map((cell) => cell.uri),
      );
      this.environment.finished({
        uri,
        version,
        findings,
        ...(hidden ? { hidden: hidden.count } : {}),
        ...(skipped ? { skipped } : {}),
        documents: [
          ...cells.map((cell, position) => ({
            uri: cell.uri,
            version: cellVersions[position]!,
            diagnostics: [...(byCell.get(cell.uri) ?? []).map((entry) => entry.diagnostic), ...noteOf(cell.uri)],
          })),
          ...gone.map((cell) => ({ uri: cell, diagnostics: [] })),
        ],
      });
    };
    if (!settings.enable) return finish(new Map(), [], l10n.t('LossLens is turned off (losslens.enable)'));
    if (settings.skip) return finish(new Map(), [], settings.skip);
    let result;
    try {
      result = await analyzeNotebook(this.source(uri), program, this.options(uri, settings), this.limit(settings));
    } catch (error) {
      this.environment.log.error(failure(error));
      return finish(new Map(), [], l10n.t('not analysed: LossLens failed on {0} (see the LossLens log)', uri));
    }
    if (this.environment.notebook(uri)?.version !== version) return;
    const places: CellPlace[] = cells.map((cell, position) => ({ document: cell.document, index: cell.index, start: program.cells[position]!.start }));
    const byCell = new Map<string, DiagnosedFinding[]>();
    for (const finding of result.findings) {
      const position = cells.findIndex((candidate) => candidate.index === finding.cell);
      if (position < 0) continue;
      const cell = cells[position]!;
      const list = byCell.get(cell.uri) ?? [];
      list.push(diagnosed(finding, { ruleDocs: this.environment.ruleDocs, settings }, cell.document, places[position]!.start, places));
      byCell.set(cell.uri, list);
    }
    // The note on findings left out goes in the cell of the first of them.
    const noteCell = result.hidden && cells.find((cell) => cell.index === result.hidden!.next.cell);
    const hidden = result.hidden &&
      noteCell && { count: result.hidden.count, note: hiddenNote(result.hidden, settings.maxDiagnosticsPerFile), cell: noteCell.uri };
    finish(byCell, result.findings, result.skipped, hidden);
  }
}

/** The sites of an analysis, read from it when first asked for (most analyses of a large document being typed in are never asked). */
function lazySites(version: number, analysis: { readonly sites?: readonly LossSite[] } | undefined): { version: number; sites: readonly LossSite[] } {
  return {
    version,
    get sites() {
      return analysis?.sites ?? [];
    },
  };
}

/** Findings a document does not publish: how many, and the note saying so. */
interface Hidden {
  readonly count: number;
  readonly note: Diagnostic;
}

/**
 * The file a `file:` URI names, or `undefined` where it names none on this machine: another scheme,
 * a host (`file://server/share/x.py` outside Windows), an encoded separator (`%2F`), escapes that
 * are not UTF-8 (`%FF`) or not escapes at all (`%.py`). Node's `fileURLToPath` throws on those.
 */
export function pathOfUri(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** How LossLens reads a document: by its language, else by its file's extension; neither: not at all. */
function kindOf(document: TextDocument): DocumentKind | undefined {
  const language = document.languageId;
  if (language === 'python') return 'python';
  if (['typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'tsx', 'jsx'].includes(language)) return 'javascript';
  return documentKind(document.uri.replace(/[?#].*$/, ''));
}

/** A site with every offset moved by `delta` (from a notebook's joined program into one cell). */
function shiftSite(site: LossSite, delta: number): LossSite {
  const move = (span: Span): Span => ({ start: span.start + delta, end: span.end + delta });
  return {
    ...site,
    span: move(site.span),
    ...(site.construction ? { construction: move(site.construction) } : {}),
    arguments: Object.fromEntries(Object.entries(site.arguments).map(([name, argument]) => [name, { ...argument, span: move(argument.span) }])),
  };
}

function notebookProgramOrUndefined(text: string): NotebookProgram | undefined {
  try {
    return notebookProgram(text);
  } catch {
    return undefined;
  }
}

function detail(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function failure(error: unknown): string {
  return l10n.t('Analysis failed: {0}', detail(error));
}
