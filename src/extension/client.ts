import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { Diagnostic as LspDiagnostic } from 'vscode-languageserver-protocol';
import type { LocatedFinding } from '../analysis/document';
import type { LossSite } from '../analysis/types';
import {
  ANALYSIS_FINISHED,
  FILE_SITES,
  HOVER_COMMANDS,
  SITES,
  type AnalysisFinishedParams,
  type FileSitesResult,
  type ServerInitializationOptions,
  type SitesParams,
  type SitesResult,
} from '../common/protocol/server';
import type { LanguageServerState } from '../common/protocol/status';
import { levelledChannel } from './clientLog';
import type { Ctx } from './ctx';
import { isWatchedLanguage, NOTEBOOK_TYPE, WATCHED_LANGUAGES } from './languages';
import { wasmMemoryFlags } from '../analysis/wasm-memory';
import { RULE_DOCS_SCHEME } from './ruleDocs';

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
 * The extension's side of the LossLens language server (`losslens server`, `dist/cli.js`, over
 * Node IPC): documents and notebooks are synced to it, and diagnostics, code actions, hovers and
 * inlay hints come from it, as they do in every editor. Started on the first Python, notebook or
 * TypeScript/JavaScript document, not at activation. Each analysis arrives as one
 * `losslens/analysisFinished` notification carrying its diagnostics: they are shown, then the
 * extension's `onDidFinishAnalysis` fires, so whoever waits on it sees the diagnostics.
 */
export class LossLensClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly collection = vscode.languages.createDiagnosticCollection('losslens');
  private readonly finished = new vscode.EventEmitter<AnalysisFinished>();
  /** Fires after every analysis, with its diagnostics shown (tests wait on it). */
  readonly onDidFinishAnalysis = this.finished.event;
  private readonly analyses = new Map<string, AnalysisFinished>();
  private readonly stateChanged = new vscode.EventEmitter<void>();
  /** Fires when the language server starts or stops. */
  readonly onDidChangeState = this.stateChanged.event;
  /** Notifications are handled one after another: converting diagnostics is asynchronous. */
  private handled: Promise<void> = Promise.resolve();
  private readonly disposables: vscode.Disposable[] = [this.collection, this.finished, this.stateChanged];

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((document) => {
        // A new document may reuse a closed one's uri (`untitled:Untitled-1`): nothing of it carries over.
        this.analyses.delete(document.uri.toString());
        if (isWatchedLanguage(document.languageId)) void this.start();
      }),
      vscode.workspace.onDidOpenNotebookDocument((notebook) => {
        if (notebook.notebookType === NOTEBOOK_TYPE) void this.start();
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (vscode.workspace.textDocuments.some((open) => open !== document && open.uri.toString() === document.uri.toString())) return;
        this.collection.delete(document.uri);
        this.analyses.delete(document.uri.toString());
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        for (const cell of notebook.getCells()) this.collection.delete(cell.document.uri);
        this.analyses.delete(notebook.uri.toString());
      }),
    );
    const watched =
      vscode.workspace.textDocuments.some((document) => isWatchedLanguage(document.languageId) && document.uri.scheme !== 'output') ||
      vscode.workspace.notebookDocuments.some((notebook) => notebook.notebookType === NOTEBOOK_TYPE);
    if (watched) void this.start();
  }

  /** The language server, started on first use. */
  start(): Promise<LanguageClient> {
    this.starting ??= this.launch();
    return this.starting;
  }

  private async launch(): Promise<LanguageClient> {
    const module = vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'cli.js').fsPath;
    const server: ServerOptions = {
      // Under an address-space limit, without WebAssembly's guard pages (the parser could not start).
      run: { module, args: ['server'], transport: TransportKind.ipc, options: { execArgv: wasmMemoryFlags() } },
      debug: { module, args: ['server'], transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const initializationOptions: ServerInitializationOptions = {
      client: 'vscode',
      ruleDocs: `${RULE_DOCS_SCHEME}:/{code}.md`,
      diagnostics: 'notification',
      ...(vscode.l10n.bundle ? { l10nBundle: vscode.l10n.bundle } : {}),
    };
    const options: LanguageClientOptions = {
      documentSelector: [
        ...WATCHED_LANGUAGES.flatMap((language) => [
          { scheme: 'file', language },
          { scheme: 'untitled', language },
        ]),
        { scheme: 'vscode-notebook-cell', language: 'python' },
      ],
      synchronize: { configurationSection: 'losslens' },
      outputChannel: levelledChannel(this.ctx.log),
      initializationOptions,
      markdown: { isTrusted: { enabledCommands: HOVER_COMMANDS }, supportHtml: false },
      middleware: {
        // The server writes VS Code's icons (`$(warning)`) for this client: let them show.
        provideHover: async (document, position, token, next) => {
          const hover = await next(document, position, token);
          for (const content of hover?.contents ?? []) if (content instanceof vscode.MarkdownString) content.supportThemeIcons = true;
          return hover;
        },
      },
    };
    const client = new LanguageClient('losslens', 'LossLens', server, options);
    client.onNotification(ANALYSIS_FINISHED, (params: AnalysisFinishedParams<LspDiagnostic>) => {
      this.handled = this.handled.then(() => this.show(client, params)).catch((error: unknown) => this.ctx.log.error(String(error)));
    });
    this.client = client;
    // start() moves the client to Starting before it first awaits: that change is the first event.
    this.disposables.push(client.onDidChangeState(() => this.stateChanged.fire()));
    await client.start();
    return client;
  }

  /** Whether the language server runs, and its version when it does (for the status view). */
  describe(): { state: LanguageServerState; version?: string } {
    const client = this.client;
    if (!client) return { state: 'not started' };
    if (client.state === State.Running) {
      const version = client.initializeResult?.serverInfo?.version;
      return { state: 'running', ...(version ? { version } : {}) };
    }
    return { state: client.state === State.Starting ? 'starting' : 'stopped' };
  }

  /** Shows an analysis's diagnostics, then says it finished. */
  private async show(client: LanguageClient, params: AnalysisFinishedParams<LspDiagnostic>): Promise<void> {
    for (const document of params.diagnostics ?? []) {
      this.collection.set(vscode.Uri.parse(document.uri), await client.protocol2CodeConverter.asDiagnostics(document.diagnostics));
    }
    const event: AnalysisFinished = {
      uri: vscode.Uri.parse(params.uri),
      version: params.version,
      findings: params.findings,
      ...(params.skipped ? { skipped: params.skipped } : {}),
    };
    if (params.skipped) this.ctx.log.info(`${vscode.workspace.asRelativePath(event.uri)}: ${params.skipped}`);
    this.analyses.set(params.uri, event);
    this.finished.fire(event);
  }

  /** The last finished analysis of a document or notebook, if it has had one since it opened. */
  lastAnalysis(uri: vscode.Uri): AnalysisFinished | undefined {
    return this.analyses.get(uri.toString());
  }

  /** The loss sites of a document or notebook cell as it is now, with spans in that document's offsets. */
  async currentSites(document: vscode.TextDocument): Promise<readonly LossSite[]> {
    const client = await this.start();
    const params: SitesParams = { uri: client.code2ProtocolConverter.asUri(document.uri) };
    return (await client.sendRequest<SitesResult>(SITES, params)).sites;
  }

  /** The loss sites and findings of a workspace file as it is on disk (or in its open editor), for the loss-sites view. */
  async fileSites(uri: vscode.Uri): Promise<FileSitesResult> {
    const client = await this.start();
    const params: SitesParams = { uri: client.code2ProtocolConverter.asUri(uri) };
    return client.sendRequest<FileSitesResult>(FILE_SITES, params);
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    void this.client?.stop();
  }
}
