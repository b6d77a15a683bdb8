import * as vscode from 'vscode';
import { analyzeDocument, analyzeNotebook, documentKind, type LocatedFinding } from '../analysis/document';
import { AnalysisHost } from '../analysis/host';
import { LineIndex, type Position } from '../analysis/lines';
import { cellAt, notebookProgram, programFromCells, type NotebookProgram } from '../analysis/notebook';
import { normalizeNewlines, readSourceText } from '../analysis/source-text';
import { SourceFile } from '../analysis/python/source-file';
import { EDITOR_SLICE_MS } from '../analysis/slices';
import type { Evidence, Finding, LossSite, Span } from '../analysis/types';
import type { LossLensSettings, RuleSeverity } from '../common/settings';
import type { Ctx } from './ctx';
import { ruleDocsUri } from './ruleDocs';
import { isWatchedLanguage, NOTEBOOK_TYPE } from './languages';

const DEBOUNCE_MS = 250;

const SEVERITY: Record<RuleSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  information: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

/** What a diagnostic was made from, for the code action provider. */
export interface DiagnosedFinding {
  readonly finding: Finding;
  readonly diagnostic: vscode.Diagnostic;
  /** The document whose offsets the finding's spans and edits use. */
  readonly document: vscode.TextDocument;
  /** For notebooks: where each cell document starts in the joined program. */
  readonly cells?: ReadonlyArray<{ document: vscode.TextDocument; start: number }>;
}

/** Fired when LossLens has analysed a version of a document or notebook (findings may be none). */
export interface AnalysisFinished {
  /** The document, or the notebook (whose cells hold the diagnostics). */
  readonly uri: vscode.Uri;
  readonly version: number;
  readonly findings: readonly LocatedFinding[];
  /** Why the document was not analysed (disabled, too large, binary, broken notebook), when it was not. */
  readonly skipped?: string;
}

/**
 * Runs the analyzer on Python documents and notebooks as they open and change (debounced), and
 * publishes the findings as diagnostics: code linked to the rule's docs page, the evidence chain
 * as related information. One `SourceFile` per document keeps what the next version can reuse;
 * one `AnalysisHost` shares the parser and the imported workspace modules.
 */
export class DiagnosticsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('losslens');
  private readonly finished = new vscode.EventEmitter<AnalysisFinished>();
  /** The last analysis of each document and notebook, by uri. */
  private readonly analyses = new Map<string, AnalysisFinished>();
  /** Fires after every analysis, with the findings published (tests wait on it). */
  readonly onDidFinishAnalysis = this.finished.event;
  private host = new AnalysisHost(workspaceRoots());
  private readonly sources = new Map<string, SourceFile>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly findings = new Map<string, DiagnosedFinding[]>();
  /** The version of each document or cell whose findings are published. */
  private readonly published = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  /** The loss sites of each document or cell, for the version they were found in. */
  private readonly sites = new Map<string, { version: number; sites: readonly LossSite[] }>();
  private readonly disposables: vscode.Disposable[] = [this.collection, this.finished];

  constructor(
    private readonly ctx: Ctx,
    private readonly settingsFor: (scope: vscode.Uri) => LossLensSettings,
  ) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((document) => {
        // A new document may reuse a closed one's uri (`untitled:Untitled-1`): nothing of it carries over.
        this.forgetVersions(document.uri);
        this.schedule(document);
      }),
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.settingsFor(event.document.uri).run === 'onType') this.schedule(event.document);
      }),
      vscode.workspace.onDidSaveTextDocument((document) => {
        if (this.settingsFor(document.uri).run === 'onSave') this.schedule(document);
      }),
      vscode.workspace.onDidSaveNotebookDocument((notebook) => {
        if (this.settingsFor(notebook.uri).run === 'onSave') this.scheduleNotebook(notebook);
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        // A new document may already be open under the same uri (`untitled:Untitled-1`): keep its state.
        if (!vscode.workspace.textDocuments.some((open) => open !== document && open.uri.toString() === document.uri.toString())) this.forget(document.uri);
      }),
      vscode.workspace.onDidOpenNotebookDocument((notebook) => this.scheduleNotebook(notebook)),
      vscode.workspace.onDidChangeNotebookDocument((event) => {
        if (this.settingsFor(event.notebook.uri).run === 'onType') this.scheduleNotebook(event.notebook);
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        for (const cell of notebook.getCells()) this.forget(cell.document.uri);
        this.forget(notebook.uri);
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.restart()),
    );
    // Imports resolve to workspace files: a file created or deleted can change where they lead,
    // and a changed one what it defines (the host re-reads it by its modification time).
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.py');
    this.disposables.push(
      watcher,
      watcher.onDidCreate(() => this.filesChanged()),
      watcher.onDidDelete(() => this.filesChanged()),
      watcher.onDidChange((uri) => {
        // What it imports may have changed: a module it now calls may have to be checked again.
        this.host.fileChanged(uri.fsPath);
        this.refreshAll();
      }),
    );
    this.refreshAll();
  }

  /**
   * The loss sites of a document or notebook cell as it is now, with spans in that document's
   * offsets (for hovers and inline values), from an analysis of its current version.
   */
  async currentSites(document: vscode.TextDocument): Promise<readonly LossSite[]> {
    const key = document.uri.toString();
    const cached = this.sites.get(key);
    if (cached?.version === document.version) return cached.sites;
    const { enabled, analyze } = this.options(document.uri);
    if (!enabled) return [];
    let sites: readonly LossSite[] = [];
    if (document.uri.scheme === 'vscode-notebook-cell') {
      const notebook = notebookOf(document);
      if (!notebook) return [];
      const cells = notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code && cell.document.languageId === 'python');
      const program = programFromCells(cells.map((cell) => ({ index: cell.index, source: cell.document.getText() })));
      const own = program.cells[cells.findIndex((cell) => cell.document === document)];
      if (!own) return [];
      await this.exclusive(notebook.uri.toString(), async () => {
        const result = await analyzeNotebook(this.source(notebook.uri.toString(), notebook.uri), program, { ...analyze, sites: true });
        sites = (result.sites ?? [])
          .filter((site) => site.span.start >= own.start && site.span.end <= own.start + own.source.length)
          .map((site) => shiftSite(site, -own.start));
      });
    } else if (document.languageId === 'python') {
      await this.exclusive(key, async () => {
        sites = (await analyzeDocument(this.source(key, document.uri), 'python', document.getText(), { ...analyze, sites: true })).sites ?? [];
      });
    }
    this.sites.set(key, { version: document.version, sites });
    return sites;
  }

  /** The last finished analysis of a document or notebook, if it has had one since it opened. */
  lastAnalysis(uri: vscode.Uri): AnalysisFinished | undefined {
    return this.analyses.get(uri.toString());
  }

  private announce(event: AnalysisFinished): void {
    this.analyses.set(event.uri.toString(), event);
    this.finished.fire(event);
  }

  /**
   * The findings (with their diagnostics) of a document or notebook cell as it is now: when the
   * ones shown are of an earlier version (an edit still waiting out its debounce, as on save),
   * it is analysed first, so fixes never edit by stale offsets.
   */
  async currentFindings(document: vscode.TextDocument): Promise<readonly DiagnosedFinding[]> {
    const key = document.uri.toString();
    if (this.published.get(key) !== document.version) {
      if (document.uri.scheme === 'vscode-notebook-cell') {
        const notebook = notebookOf(document);
        if (notebook) await this.runNow(notebook.uri.toString(), () => this.analyzeNotebook(notebook));
      } else {
        await this.runNow(key, () => this.analyzeText(document));
      }
    }
    return this.published.get(key) === document.version ? (this.findings.get(key) ?? []) : [];
  }

  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) this.schedule(document);
    for (const notebook of vscode.workspace.notebookDocuments) this.scheduleNotebook(notebook);
  }

  private schedule(document: vscode.TextDocument): void {
    if (document.uri.scheme === 'vscode-notebook-cell') {
      const notebook = notebookOf(document);
      if (notebook) this.scheduleNotebook(notebook);
      return;
    }
    if (!isWatchedLanguage(document.languageId) || document.uri.scheme === 'output') return;
    this.debounce(document.uri.toString(), () => this.analyzeText(document));
  }

  private scheduleNotebook(notebook: vscode.NotebookDocument): void {
    if (notebook.notebookType !== NOTEBOOK_TYPE) return;
    this.debounce(notebook.uri.toString(), () => this.analyzeNotebook(notebook));
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
    const next = (this.running.get(key) ?? Promise.resolve())
      .then(run)
      .catch((error: unknown) =>
        this.ctx.log.error(vscode.l10n.t('Analysis failed: {0}', error instanceof Error ? (error.stack ?? error.message) : String(error))),
      );
    this.running.set(key, next);
    void next.then(() => {
      if (this.running.get(key) === next) this.running.delete(key);
    });
    return next;
  }

  /** Logs an analysis that failed inside LossLens, and says so in words for the analysis event. */
  private failed(uri: vscode.Uri, error: unknown): string {
    this.ctx.log.error(vscode.l10n.t('Analysis failed: {0}', error instanceof Error ? (error.stack ?? error.message) : String(error)));
    return vscode.l10n.t('not analysed: LossLens failed on {0} (see the LossLens log)', vscode.workspace.asRelativePath(uri));
  }

  private filesChanged(): void {
    this.host.filesChanged();
    this.refreshAll();
  }

  /** The workspace folders changed: imports resolve under other roots, so everything starts anew. */
  private restart(): void {
    for (const source of this.sources.values()) source.dispose();
    this.sources.clear();
    this.host.dispose();
    this.host = new AnalysisHost(workspaceRoots());
    this.refreshAll();
  }

  private options(scope: vscode.Uri) {
    const settings = this.settingsFor(scope);
    return {
      enabled: settings.enable,
      analyze: {
        select: settings.select,
        ignore: settings.ignore,
        maxFileBytes: settings.maxFileSizeBytes,
        sliceMs: EDITOR_SLICE_MS,
        onInternalError: (rule: string, error: unknown) =>
          this.ctx.log.error(
            vscode.l10n.t(
              'Rule {0} failed on {1}: {2}',
              rule,
              vscode.workspace.asRelativePath(scope),
              error instanceof Error ? (error.stack ?? error.message) : String(error),
            ),
          ),
      },
    };
  }

  /**
   * The loss sites and findings of a workspace file as it is on disk (or in its open editor),
   * for the loss-sites view: positions as lines (and cells, in notebooks). Read the guarded way;
   * a file that cannot be analysed gives nothing, and says why.
   */
  async sitesOfFile(
    uri: vscode.Uri,
  ): Promise<{ sites: ReadonlyArray<{ site: LossSite; start: Position; cell?: number }>; findings: readonly LocatedFinding[]; skipped?: string }> {
    const { enabled, analyze } = this.options(uri);
    if (!enabled) return { sites: [], findings: [], skipped: vscode.l10n.t('LossLens is turned off (losslens.enable)') };
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    let text = open?.getText();
    if (text === undefined) {
      const read = readSourceText(uri.fsPath, analyze.maxFileBytes);
      if ('skipped' in read) return { sites: [], findings: [], skipped: read.skipped };
      text = read.text;
    }
    const kind = documentKind(uri.path) ?? 'python';
    const source = new SourceFile(this.host, uri.fsPath);
    try {
      const result = await analyzeDocument(source, kind, text, { ...analyze, sites: true });
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

  private source(key: string, uri: vscode.Uri): SourceFile {
    let source = this.sources.get(key);
    if (!source) {
      source = new SourceFile(this.host, uri.scheme === 'file' ? uri.fsPath : undefined);
      this.sources.set(key, source);
    }
    return source;
  }

  private async analyzeText(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const version = document.version;
    const { enabled, analyze } = this.options(document.uri);
    if (!enabled) {
      this.publish(key, [], version);
      this.announce({ uri: document.uri, version, findings: [], skipped: vscode.l10n.t('LossLens is turned off (losslens.enable)') });
      return;
    }
    const started = performance.now();
    let result;
    try {
      const kind = document.languageId === 'python' ? 'python' : 'javascript';
      result = await analyzeDocument(this.source(key, document.uri), kind, document.getText(), analyze);
    } catch (error) {
      // Never leave the findings of an earlier version standing: say why there are none.
      this.publish(key, [], version);
      this.announce({ uri: document.uri, version, findings: [], skipped: this.failed(document.uri, error) });
      return;
    }
    if (document.isClosed || document.version !== version) return;
    if (result.skipped) this.ctx.log.info(`${vscode.workspace.asRelativePath(document.uri)}: ${result.skipped}`);
    this.ctx.log.debug(
      vscode.l10n.t(
        'Analysed {0} in {1} ms: {2} findings.',
        vscode.workspace.asRelativePath(document.uri),
        (performance.now() - started).toFixed(1),
        result.findings.length,
      ),
    );
    this.publish(
      key,
      result.findings.map((finding) => this.diagnosed(finding, document, document)),
      version,
    );
    this.announce({ uri: document.uri, version, findings: result.findings, ...(result.skipped ? { skipped: result.skipped } : {}) });
  }

  private async analyzeNotebook(notebook: vscode.NotebookDocument): Promise<void> {
    const key = notebook.uri.toString();
    const version = notebook.version;
    const codeCells = notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code && cell.document.languageId === 'python');
    const { enabled, analyze } = this.options(notebook.uri);
    const previous = this.notebookCells.get(key) ?? [];
    for (const uri of previous) this.publish(uri, []);
    if (notebook.isClosed) return;
    if (!enabled) {
      this.announce({ uri: notebook.uri, version, findings: [], skipped: vscode.l10n.t('LossLens is turned off (losslens.enable)') });
      return;
    }
    const cellVersions = codeCells.map((cell) => cell.document.version);
    const program = programFromCells(codeCells.map((cell) => ({ index: cell.index, source: cell.document.getText() })));
    let result;
    try {
      result = await analyzeNotebook(this.source(key, notebook.uri), program, analyze);
    } catch (error) {
      this.announce({ uri: notebook.uri, version, findings: [], skipped: this.failed(notebook.uri, error) });
      return;
    }
    if (notebook.isClosed || notebook.version !== version) return;
    const cells = codeCells.map((cell, position) => ({ document: cell.document, start: program.cells[position]!.start }));
    const byCell = new Map<string, DiagnosedFinding[]>();
    for (const finding of result.findings) {
      const cell = codeCells.find((candidate) => candidate.index === finding.cell);
      if (!cell) continue;
      const entry = this.diagnosed(finding, cell.document, undefined, cells);
      const list = byCell.get(cell.document.uri.toString()) ?? [];
      list.push(entry);
      byCell.set(cell.document.uri.toString(), list);
    }
    this.notebookCells.set(
      key,
      codeCells.map((cell) => cell.document.uri.toString()),
    );
    codeCells.forEach((cell, position) => this.publish(cell.document.uri.toString(), byCell.get(cell.document.uri.toString()) ?? [], cellVersions[position]));
    this.announce({ uri: notebook.uri, version, findings: result.findings, ...(result.skipped ? { skipped: result.skipped } : {}) });
  }

  private readonly notebookCells = new Map<string, string[]>();

  private diagnosed(
    finding: LocatedFinding,
    document: vscode.TextDocument,
    source: vscode.TextDocument | undefined,
    cells?: DiagnosedFinding['cells'],
  ): DiagnosedFinding {
    const range = new vscode.Range(finding.start.line - 1, finding.start.column - 1, finding.end.line - 1, finding.end.column - 1);
    // A severity set for the rule in settings wins over the rule's own.
    const diagnostic = new vscode.Diagnostic(range, finding.message, SEVERITY[this.settingsFor(document.uri).severity[finding.code] ?? finding.severity]);
    diagnostic.source = 'LossLens';
    // The rule's page, served by the extension: it opens offline.
    diagnostic.code = { value: finding.code, target: ruleDocsUri(finding.code) };
    // The call that makes the loss wrong, when the function around it is called with different values.
    const via: Evidence[] = finding.via
      ? [
          {
            text: finding.via.text,
            span: finding.via.span,
            note: vscode.l10n.t('the call that makes the loss wrong'),
            ...(finding.via.file ? { file: finding.via.file } : {}),
          },
        ]
      : [];
    const related = [...via, ...finding.evidence]
      .map((evidence) => this.relatedInformation(evidence, source ?? document, cells))
      .filter((info): info is vscode.DiagnosticRelatedInformation => !!info);
    if (related.length > 0) diagnostic.relatedInformation = related;
    return { finding, diagnostic, document, ...(cells ? { cells } : {}) };
  }

  private relatedInformation(
    evidence: Evidence,
    document: vscode.TextDocument,
    cells?: DiagnosedFinding['cells'],
  ): vscode.DiagnosticRelatedInformation | undefined {
    const text = evidence.note ? `${evidence.text} — ${evidence.note}` : evidence.text;
    if (evidence.file) {
      const line = evidence.file.line - 1;
      return new vscode.DiagnosticRelatedInformation(
        new vscode.Location(vscode.Uri.file(evidence.file.path), new vscode.Range(line, 0, line, evidence.text.length)),
        text,
      );
    }
    let target = document;
    let offset = evidence.span.start;
    if (cells) {
      const cell = [...cells].reverse().find((candidate) => candidate.start <= evidence.span.start);
      if (!cell) return undefined;
      target = cell.document;
      offset -= cell.start;
    }
    const start = target.positionAt(offset);
    return new vscode.DiagnosticRelatedInformation(new vscode.Location(target.uri, new vscode.Range(start, target.lineAt(start.line).range.end)), text);
  }

  private publish(key: string, entries: DiagnosedFinding[], version?: number): void {
    this.findings.set(key, entries);
    if (version === undefined) this.published.delete(key);
    else this.published.set(key, version);
    this.collection.set(
      vscode.Uri.parse(key),
      entries.map((entry) => entry.diagnostic),
    );
  }

  private forgetVersions(uri: vscode.Uri): void {
    const key = uri.toString();
    this.analyses.delete(key);
    this.sites.delete(key);
    this.published.delete(key);
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    this.sources.get(key)?.dispose();
    this.sources.delete(key);
    this.findings.delete(key);
    this.published.delete(key);
    this.sites.delete(key);
    this.analyses.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const source of this.sources.values()) source.dispose();
    this.host.dispose();
    for (const disposable of this.disposables) disposable.dispose();
  }
}

/** The workspace folders on disk: where imports resolve besides the importing file's folder. */
function workspaceRoots(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file').map((folder) => folder.uri.fsPath);
}

/** The notebook a cell document belongs to. */
function notebookOf(cell: vscode.TextDocument): vscode.NotebookDocument | undefined {
  return vscode.workspace.notebookDocuments.find((candidate) => candidate.getCells().some((entry) => entry.document === cell));
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
