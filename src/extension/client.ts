import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
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
  /** The findings shown (the first `losslens.maxDiagnosticsPerFile`, the most severe first). */
  readonly findings: readonly LocatedFinding[];
  /** How many more the document has, not shown, when there are. */
  readonly hidden?: number;
  /** Why the document was not analysed (disabled, too large, binary, broken notebook), when it was not. */
  readonly skipped?: string;
}

/**
 * The extension's side of the LossLens language server (`losslens server`, `dist/cli.js`, over
 * Node IPC): documents and notebooks are synced to it, and diagnostics, code actions, hovers and
 * inlay hints come from it, as they do in every editor. Started on the first Python, notebook or
 * TypeScript/JavaScript document, not at activation. Diagnostics arrive as in every editor
 * (`textDocument/publishDiagnostics`, shown by the language client); each analysis is then said
 * by a `losslens/analysisFinished` notification naming the publishes it made, and the
 * extension's `onDidFinishAnalysis` fires once the client has shown those, so whoever waits on it
 * sees the diagnostics.
 */
export class LossLensClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly finished = new vscode.EventEmitter<AnalysisFinished>();
  /** Fires after every analysis, with its diagnostics shown (tests wait on it). */
  readonly onDidFinishAnalysis = this.finished.event;
  private readonly analyses = new Map<string, AnalysisFinished>();
  private readonly stateChanged = new vscode.EventEmitter<void>();
  /** Fires when the language server starts or stops. */
  readonly onDidChangeState = this.stateChanged.event;
  /**
   * Per document: how many publishes of its diagnostics the client has shown, and who waits for
   * a number of them (the client converts them asynchronously, so they may be shown after the
   * notification that names them arrives).
   */
  private readonly shown = new Map<string, number>();
  private readonly waiting = new Set<{ readonly uri: string; readonly sequence: number; readonly resolve: () => void }>();
  private readonly disposables: vscode.Disposable[] = [this.finished, this.stateChanged];

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
        this.client?.diagnostics?.delete(document.uri);
        this.analyses.delete(document.uri.toString());
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        for (const cell of notebook.getCells()) this.client?.diagnostics?.delete(cell.document.uri);
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
      diagnosticCollectionName: 'losslens',
      middleware: {
        handleDiagnostics: (uri, diagnostics, next) => {
          next(uri, diagnostics);
          this.diagnosticsShown(uri.toString());
        },
        // The project's configuration file (pyproject.toml, losslens.toml) holds where a setting
        // is not set: the server is told only the values someone set, not VS Code's defaults.
        workspace: {
          configuration: async (params, token, next) => {
            const values = await next(params, token);
            if (!Array.isArray(values)) return values;
            return values.map((value: unknown, index) => {
              const item = params.items[index];
              return item?.section === 'losslens' ? withoutUnsetProjectKeys(value, item.scopeUri) : value;
            });
          },
        },
        // The server writes VS Code's icons (`$(warning)`) for this client: let them show.
        provideHover: async (document, position, token, next) => {
          const hover = await next(document, position, token);
          for (const content of hover?.contents ?? []) if (content instanceof vscode.MarkdownString) content.supportThemeIcons = true;
          return hover;
        },
      },
    };
    const client = new LanguageClient('losslens', 'LossLens', server, options);
    client.onNotification(ANALYSIS_FINISHED, (params: AnalysisFinishedParams) => {
      void this.finish(client, params).catch((error: unknown) => this.ctx.log.error(String(error)));
    });
    this.client = client;
    // start() moves the client to Starting before it first awaits: that change is the first event.
    this.disposables.push(
      client.onDidChangeState((change) => {
        // A server started again counts its publishes from nothing; what waited on the old one's never comes.
        if (change.newState === State.Starting) {
          this.shown.clear();
          this.waiting.clear();
        }
        this.stateChanged.fire();
      }),
    );
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

  /** Says an analysis finished, once the client shows the diagnostics it published. */
  private async finish(client: LanguageClient, params: AnalysisFinishedParams): Promise<void> {
    await Promise.all(params.published.map(({ uri, sequence }) => this.untilShown(client.protocol2CodeConverter.asUri(uri).toString(), sequence)));
    const event: AnalysisFinished = {
      uri: vscode.Uri.parse(params.uri),
      version: params.version,
      findings: params.findings,
      ...(params.hidden ? { hidden: params.hidden } : {}),
      ...(params.skipped ? { skipped: params.skipped } : {}),
    };
    if (params.skipped) this.ctx.log.info(`${vscode.workspace.asRelativePath(event.uri)}: ${params.skipped}`);
    this.analyses.set(params.uri, event);
    this.finished.fire(event);
  }

  private diagnosticsShown(uri: string): void {
    const count = (this.shown.get(uri) ?? 0) + 1;
    this.shown.set(uri, count);
    for (const waiter of this.waiting) {
      if (waiter.uri === uri && waiter.sequence <= count) {
        this.waiting.delete(waiter);
        waiter.resolve();
      }
    }
  }

  /** Until the client has shown `sequence` publishes of `uri`'s diagnostics. */
  private untilShown(uri: string, sequence: number): Promise<void> {
    if ((this.shown.get(uri) ?? 0) >= sequence) return Promise.resolve();
    return new Promise((resolve) => this.waiting.add({ uri, sequence, resolve }));
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

/** The settings a project's configuration file can set too (`src/config`): sent only when set. */
const PROJECT_KEYS = ['select', 'ignore', 'severity', 'maxFileSizeKB'] as const;

/**
 * The `losslens` section for the server, without the project keys nobody set (in the user's,
 * the workspace's or the folder's settings, for any language): their defaults would hide the
 * project's configuration file.
 */
function withoutUnsetProjectKeys(value: unknown, scopeUri: string | undefined): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const configuration = vscode.workspace.getConfiguration('losslens', scopeUri ? vscode.Uri.parse(scopeUri) : undefined);
  const sent: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of PROJECT_KEYS) {
    const set = configuration.inspect(key);
    const explicit = [
      set?.globalValue,
      set?.workspaceValue,
      set?.workspaceFolderValue,
      set?.globalLanguageValue,
      set?.workspaceLanguageValue,
      set?.workspaceFolderLanguageValue,
    ];
    if (explicit.every((entry) => entry === undefined)) delete sent[key];
  }
  return sent;
}
