import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import {
  CodeActionKind,
  NotebookDocuments,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ANALYSIS_FINISHED, FIX_ALL_KIND, type AnalysisFinishedParams, type ServerInitializationOptions } from '../common/protocol/server';
import { DEFAULT_SETTINGS, type LossLensSettings } from '../common/settings';
import type { LossTextTable } from '../losses/texts';
import { DocumentAnalyses, NOTEBOOK_TYPE, type Finished } from './analyses';
import { EditLog } from './edits';
import { SiteEvaluations } from './evaluations';
import { l10nBundle, localLossTexts, readInitializationOptions, readSettings, rootsOf, type ServerPaths } from './options';
import { TfjsThread } from './tfjs';
import { ProjectConfig, type ConfigError } from '../config';
import { explicitProjectKeys, settingsPath, withProjectSettings, type ProjectKey } from './project';

/** The rule pages on the web, for editors other than VS Code (which gets the extension's own). */
const RULE_DOCS_WEB = 'https://github.com/losslens/losslens/blob/main/docs/rules/{code}.md';

/** What the client can do and asked for, read once at `initialize`. */
export interface ClientProfile {
  /** LossLens's own extension: its commands, icons and rule pages. */
  readonly vscode: boolean;
  /**
   * The client pulls diagnostics (`textDocument/diagnostic`); else they are pushed. LossLens's
   * extension gets them pushed: its `onDidFinishAnalysis` follows each analysis the server runs.
   */
  readonly pull: boolean;
  readonly configurationRequests: boolean;
  readonly watchFiles: boolean;
  readonly workspaceFolderEvents: boolean;
  readonly diagnosticRefresh: boolean;
  readonly inlayHintRefresh: boolean;
}

function clientProfile(capabilities: ClientCapabilities, options: ServerInitializationOptions): ClientProfile {
  const vscode = options.client === 'vscode';
  return {
    vscode,
    pull: !!capabilities.textDocument?.diagnostic && !vscode,
    configurationRequests: !!capabilities.workspace?.configuration,
    watchFiles: !!capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration,
    workspaceFolderEvents: !!capabilities.workspace?.workspaceFolders,
    diagnosticRefresh: !!capabilities.workspace?.diagnostics?.refreshSupport,
    inlayHintRefresh: !!capabilities.workspace?.inlayHint?.refreshSupport,
  };
}

/**
 * One client's session: the documents and notebooks it has open (and the edits since their
 * analyses), what it can do, its settings by document, the analyses and the evaluator. Every
 * request and notification handler (`requests/`, `notifications/`) works on it.
 */
export class Session {
  readonly edits = new EditLog();
  readonly documents = new TextDocuments({
    create: TextDocument.create,
    update: (document, changes, version) => this.edits.update(document, changes, version),
  });
  readonly notebooks = new NotebookDocuments(TextDocument);
  /** The notebooks open, in the order they opened. */
  readonly notebookUris = new Set<string>();
  profile: ClientProfile = clientProfile({}, {});
  lossTexts: LossTextTable | null = null;
  readonly log = {
    error: (message: string) => this.connection.console.error(message),
    info: (message: string) => this.connection.console.info(message),
  };
  /** Settings by document, while no change says otherwise; pushed ones when the client has no `workspace/configuration`. */
  private readonly settingsCache = new Map<string, Promise<ClientSettings>>();
  private pushedSettings: ClientSettings = { settings: DEFAULT_SETTINGS, explicit: new Set() };
  /** The projects' configuration files (`pyproject.toml`, `losslens.toml`), read as documents need them. */
  private project = new ProjectConfig();
  /** The configuration errors already shown, each once until a configuration file changes. */
  private readonly configErrorsShown = new Set<string>();
  private analysesOfSession: DocumentAnalyses | undefined;
  private evaluationsOfSession: SiteEvaluations | undefined;
  /** Per document: how many times its diagnostics were published. */
  private readonly publishes = new Map<string, number>();

  constructor(
    readonly connection: Connection,
    private readonly paths: ServerPaths,
  ) {}

  get analyses(): DocumentAnalyses {
    if (!this.analysesOfSession) throw new Error('the server is not initialized');
    return this.analysesOfSession;
  }

  /** The analyses, when the session has them (not before `initialize`, nor after `shutdown`). */
  get analysesIfAny(): DocumentAnalyses | undefined {
    return this.analysesOfSession;
  }

  get evaluations(): SiteEvaluations {
    if (!this.evaluationsOfSession) throw new Error('the server is not initialized');
    return this.evaluationsOfSession;
  }

  /** A text document or a notebook cell the client has open. */
  textOf(uri: string): TextDocument | undefined {
    return this.documents.get(uri) ?? this.notebooks.cellTextDocuments.get(uri);
  }

  /**
   * The settings of a document: the client's (asked once until they change, or the ones it
   * pushed), with its project's configuration file where the client sets nothing.
   */
  async settings(uri: string): Promise<LossLensSettings> {
    const client = await this.clientSettings(uri);
    return withProjectSettings(client.settings, client.explicit, this.project, settingsPath(uri), (error) => this.configError(error));
  }

  private clientSettings(uri: string): Promise<ClientSettings> {
    if (!this.profile.configurationRequests) return Promise.resolve(this.pushedSettings);
    let cached = this.settingsCache.get(uri);
    if (!cached) {
      cached = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'losslens' }).then(
        (raw: unknown) => ({ settings: readSettings(raw, this.log), explicit: explicitProjectKeys(raw) }),
        () => ({ settings: DEFAULT_SETTINGS, explicit: new Set<ProjectKey>() }),
      );
      this.settingsCache.set(uri, cached);
    }
    return cached;
  }

  /** The settings changed (`pushed`: the client's `losslens` section, when it sent one). */
  settingsChanged(pushed: unknown): void {
    this.settingsCache.clear();
    if (pushed !== undefined) this.pushedSettings = { settings: readSettings(pushed, this.log), explicit: explicitProjectKeys(pushed) };
  }

  /** A configuration file, a `.gitignore` (or what they depend on) changed on disk: read again. */
  projectChanged(path: string): void {
    this.project.invalidate(path);
    this.configErrorsShown.clear();
  }

  /** A configuration file that cannot be read: logged, and shown once (its documents say why they are not analysed). */
  private configError(error: ConfigError): void {
    if (this.configErrorsShown.has(error.message)) return;
    this.configErrorsShown.add(error.message);
    this.log.error(error.message);
    this.quietly(Promise.resolve(this.connection.window.showErrorMessage(l10n.t('LossLens cannot read the project configuration: {0}', error.message))));
  }

  forgetSettings(uri: string): void {
    this.settingsCache.delete(uri);
  }

  /** A request to the client that may fail (a client that does not implement it): logged, never thrown. */
  quietly(request: Promise<unknown>): void {
    request.catch((error: unknown) => this.log.error(l10n.t('The editor refused a request: {0}', error instanceof Error ? error.message : String(error))));
  }

  refreshDiagnostics(): void {
    // Typed `void`, but the request's promise at run time: `Promise.resolve` adopts it, rejection and all.
    if (this.profile.diagnosticRefresh) this.quietly(Promise.resolve(this.connection.languages.diagnostics.refresh()));
  }

  refreshInlayHints(): void {
    if (this.profile.inlayHintRefresh) this.quietly(this.connection.languages.inlayHint.refresh());
  }

  /** Reads what the client is and asks for, starts the analyses, and says what the server offers. */
  initialize(params: InitializeParams): InitializeResult {
    const options = readInitializationOptions(params.initializationOptions, this.log);
    const bundle = l10nBundle(params.locale, options, this.paths);
    if (bundle) l10n.config({ contents: bundle });
    this.lossTexts = localLossTexts(params.locale, this.paths);
    this.profile = clientProfile(params.capabilities, options);
    if (options.settings !== undefined)
      this.pushedSettings = { settings: readSettings(options.settings, this.log), explicit: explicitProjectKeys(options.settings) };
    const roots = rootsOf(params.workspaceFolders, params.rootUri, this.log);
    // Paths in configuration messages are said relative to the first workspace folder.
    this.project = new ProjectConfig(roots[0] !== undefined ? { cwd: roots[0] } : {});
    const { documents, notebooks } = this;
    this.analysesOfSession = new DocumentAnalyses(
      {
        textDocument: (uri) => documents.get(uri),
        textDocuments: () => documents.all(),
        notebook: (uri) => notebooks.getNotebookDocument(uri),
        notebooks: () => [...this.notebookUris].map((uri) => notebooks.getNotebookDocument(uri)).filter((notebook) => notebook !== undefined),
        notebookOfCell: (uri) => notebooks.findNotebookDocumentForCell(uri),
        cellDocument: (uri) => notebooks.cellTextDocuments.get(uri),
        edits: this.edits,
        settings: (uri) => this.settings(uri),
        ruleDocs: options.ruleDocs ?? RULE_DOCS_WEB,
        log: this.log,
        finished: (event) => this.publish(event),
      },
      roots,
      new TfjsThread(join(this.paths.dist, 'tfjs-worker.js'), bundle ? { l10nBundle: bundle } : {}),
    );
    this.evaluationsOfSession = new SiteEvaluations({
      workerPath: join(this.paths.dist, 'evaluator-worker.js'),
      ...(bundle ? { l10nBundle: bundle } : {}),
      onError: (error) => this.log.error(l10n.t('Evaluation failed: {0}', error instanceof Error ? (error.stack ?? error.message) : String(error))),
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        // Every cell, markdown too: a cell's index is its place among all of them (as the notebook shows it).
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: NOTEBOOK_TYPE } }], save: true },
        ...(this.profile.pull ? { diagnosticProvider: { identifier: 'losslens', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        hoverProvider: true,
        inlayHintProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'LossLens', version: this.paths.version },
    };
  }

  /** The session ends: the analyses stop (their threads too). */
  shutdown(): void {
    this.analysesOfSession?.dispose();
    this.analysesOfSession = undefined;
  }

  /**
   * An analysis finished: its diagnostics pushed (unless the client pulls), then LossLens's
   * extension told, with how many publishes each document has had, so it fires its event once it
   * shows them.
   */
  private publish(event: Finished): void {
    const published: Array<{ uri: string; sequence: number }> = [];
    if (!this.profile.pull) {
      for (const document of event.documents) {
        void this.connection.sendDiagnostics({
          uri: document.uri,
          ...(document.version !== undefined ? { version: document.version } : {}),
          diagnostics: document.diagnostics,
        });
        const sequence = (this.publishes.get(document.uri) ?? 0) + 1;
        this.publishes.set(document.uri, sequence);
        published.push({ uri: document.uri, sequence });
      }
    }
    if (!this.profile.vscode) return;
    const params: AnalysisFinishedParams = {
      uri: event.uri,
      version: event.version,
      findings: event.findings,
      ...(event.hidden ? { hidden: event.hidden } : {}),
      ...(event.skipped ? { skipped: event.skipped } : {}),
      published,
    };
    void this.connection.sendNotification(ANALYSIS_FINISHED, params);
  }
}

/** A client's settings, and which of the keys a project file can set too it sets itself. */
interface ClientSettings {
  readonly settings: LossLensSettings;
  readonly explicit: ReadonlySet<ProjectKey>;
}
