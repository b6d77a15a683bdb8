import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MarkupKind,
  NotebookDocuments,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type WorkspaceFolder,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as v from 'valibot';
import { DEFAULT_SETTINGS, normalizeSettings, type LossLensSettings, type RawSettings } from '../common/settings';
import { ANALYSIS_FINISHED, FILE_SITES, SITES, type AnalysisFinishedParams, type ServerInitializationOptions, type SitesParams } from '../common/protocol/server';
import type { LossSite, Span } from '../analysis/types';
import type { LossTextTable } from '../losses/texts';
import { DocumentAnalyses, NOTEBOOK_TYPE, pathOfUri, type DiagnosedFinding, type Finished } from './analyses';
import { codeActions, FIX_ALL_KIND } from './codeActions';
import { EditLog } from './edits';
import { SiteEvaluations } from './evaluations';
import { lossHover } from './hovers';
import { TfjsThread } from './tfjs';

/** Where the server finds what ships beside it. */
export interface ServerPaths {
  /** The folder of the bundles (`dist/`): the evaluator's worker. */
  readonly dist: string;
  /** The translations (`l10n/`). */
  readonly l10n: string;
  readonly version: string;
}

/** The rule pages on the web, for editors other than VS Code (which gets the extension's own). */
const RULE_DOCS_WEB = 'https://github.com/losslens/losslens/blob/main/docs/rules/{code}.md';

/** Languages whose documents the server reads; notebook cells arrive through notebook sync. */
const LANGUAGES = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'];

/**
 * The LossLens language server (LSP 3.17): diagnostics pushed (or pulled, where the client asks
 * for them), code actions with `source.fixAll.losslens`, hovers, inlay hints with loss values,
 * Jupyter notebooks through notebook sync, settings through `workspace/configuration` under the
 * extension's names, imports resolved under the workspace folders. The same analysis as
 * `losslens check` and the VS Code extension, for any editor that speaks LSP.
 */
export function startServer(connection: Connection, paths: ServerPaths): void {
  const edits = new EditLog();
  const documents = new TextDocuments({ create: TextDocument.create, update: (document, changes, version) => edits.update(document, changes, version) });
  const notebooks = new NotebookDocuments(TextDocument);
  let options: ServerInitializationOptions = {};
  let vscode = false;
  let pull = false;
  let configurationRequests = false;
  let watchFiles = false;
  let workspaceFolderEvents = false;
  let diagnosticRefresh = false;
  let inlayHintRefresh = false;
  let lossTexts: LossTextTable | null = null;
  /** Settings by document, while no change says otherwise; pushed ones when the client has no `workspace/configuration`. */
  const settingsCache = new Map<string, Promise<LossLensSettings>>();
  let pushedSettings: LossLensSettings = DEFAULT_SETTINGS;
  let analyses: DocumentAnalyses | undefined;
  let evaluations: SiteEvaluations | undefined;

  const log = {
    error: (message: string) => connection.console.error(message),
    info: (message: string) => connection.console.info(message),
  };

  const settings = (uri: string): Promise<LossLensSettings> => {
    if (!configurationRequests) return Promise.resolve(pushedSettings);
    let cached = settingsCache.get(uri);
    if (!cached) {
      cached = connection.workspace.getConfiguration({ scopeUri: uri, section: 'losslens' }).then(
        (raw: unknown) => readSettings(raw, log),
        () => DEFAULT_SETTINGS,
      );
      settingsCache.set(uri, cached);
    }
    return cached;
  };

  const finished = (event: Finished): void => {
    if (vscode) {
      const params: AnalysisFinishedParams = {
        uri: event.uri,
        version: event.version,
        findings: event.findings,
        ...(event.skipped ? { skipped: event.skipped } : {}),
        ...(options.diagnostics === 'notification'
          ? { diagnostics: event.documents.map((document) => ({ uri: document.uri, diagnostics: document.diagnostics })) }
          : {}),
      };
      void connection.sendNotification(ANALYSIS_FINISHED, params);
      if (options.diagnostics === 'notification') return;
    }
    if (pull) return;
    for (const document of event.documents) {
      void connection.sendDiagnostics({
        uri: document.uri,
        ...(document.version !== undefined ? { version: document.version } : {}),
        diagnostics: document.diagnostics,
      });
    }
  };

  /** A request to the client that may fail (a client that does not implement it): logged, never thrown. */
  const quietly = (request: Promise<unknown>): void => {
    request.catch((error: unknown) => log.error(l10n.t('The editor refused a request: {0}', error instanceof Error ? error.message : String(error))));
  };
  const refreshDiagnostics = (): void => {
    // Typed `void`, but the request's promise at run time: `Promise.resolve` adopts it, rejection and all.
    if (diagnosticRefresh) quietly(Promise.resolve(connection.languages.diagnostics.refresh()));
  };

  const analysesOrFail = (): DocumentAnalyses => {
    if (!analyses) throw new Error('the server is not initialized');
    return analyses;
  };

  const textOf = (uri: string): TextDocument | undefined => documents.get(uri) ?? notebooks.cellTextDocuments.get(uri);

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    options = readInitializationOptions(params.initializationOptions, log);
    vscode = options.client === 'vscode';
    const bundle = l10nBundle(params.locale, options, paths);
    if (bundle) l10n.config({ contents: bundle });
    lossTexts = localLossTexts(params.locale, paths);
    const capabilities = params.capabilities;
    pull = !!capabilities.textDocument?.diagnostic && options.diagnostics !== 'notification';
    configurationRequests = !!capabilities.workspace?.configuration;
    watchFiles = !!capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    workspaceFolderEvents = !!capabilities.workspace?.workspaceFolders;
    diagnosticRefresh = !!capabilities.workspace?.diagnostics?.refreshSupport;
    inlayHintRefresh = !!capabilities.workspace?.inlayHint?.refreshSupport;
    if (options.settings !== undefined) pushedSettings = readSettings(options.settings, log);
    analyses = new DocumentAnalyses(
      {
        textDocument: (uri) => documents.get(uri),
        textDocuments: () => documents.all(),
        notebook: (uri) => notebooks.getNotebookDocument(uri),
        notebooks: () => [...notebookUris].map((uri) => notebooks.getNotebookDocument(uri)).filter((notebook) => notebook !== undefined),
        notebookOfCell: (uri) => notebooks.findNotebookDocumentForCell(uri),
        cellDocument: (uri) => notebooks.cellTextDocuments.get(uri),
        edits,
        settings,
        ruleDocs: options.ruleDocs ?? RULE_DOCS_WEB,
        log,
        finished,
      },
      rootsOf(params.workspaceFolders, params.rootUri, log),
      new TfjsThread(join(paths.dist, 'tfjs-worker.js'), bundle ? { l10nBundle: bundle } : {}),
    );
    evaluations = new SiteEvaluations({
      workerPath: join(paths.dist, 'evaluator-worker.js'),
      ...(bundle ? { l10nBundle: bundle } : {}),
      onError: (error) => log.error(l10n.t('Evaluation failed: {0}', error instanceof Error ? (error.stack ?? error.message) : String(error))),
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        // Every cell, markdown too: a cell's index is its place among all of them (as the notebook shows it).
        notebookDocumentSync: { notebookSelector: [{ notebook: { notebookType: NOTEBOOK_TYPE } }], save: true },
        ...(pull ? { diagnosticProvider: { identifier: 'losslens', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
        hoverProvider: true,
        inlayHintProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'LossLens', version: paths.version },
    };
  });

  connection.onInitialized(() => {
    if (watchFiles) {
      quietly(connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.py' }] }));
    }
    if (workspaceFolderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders(() => {
        quietly(connection.workspace.getWorkspaceFolders().then((folders) => analyses?.restart(rootsOf(folders, null, log))));
      });
    }
  });

  documents.onDidOpen(({ document }) => {
    if (!LANGUAGES.includes(document.languageId) && !/\.(py|pyi|ts|tsx|js|jsx|mjs|cjs)$/.test(document.uri)) return;
    if (!pull) analysesOrFail().schedule(document.uri);
  });
  documents.onDidChangeContent(({ document }) => {
    void settings(document.uri).then((current) => {
      if (!pull && current.run === 'onType') analysesOrFail().schedule(document.uri);
    });
  });
  documents.onDidSave(({ document }) => {
    void settings(document.uri).then((current) => {
      if (current.run !== 'onSave') return;
      if (pull) refreshDiagnostics();
      else analysesOrFail().schedule(document.uri);
    });
  });
  documents.onDidClose(({ document }) => {
    analyses?.forget(document.uri);
    settingsCache.delete(document.uri);
    // Pulling clients and LossLens's extension clear what a closed document showed themselves.
    if (!pull && !vscode) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });
  const notebookUris = new Set<string>();
  notebooks.onDidOpen((notebook) => {
    notebookUris.add(notebook.uri);
    if (!pull) analysesOrFail().scheduleNotebook(notebook.uri);
  });
  notebooks.onDidChange(({ notebookDocument }) => {
    void settings(notebookDocument.uri).then((current) => {
      if (!pull && current.run === 'onType') analysesOrFail().scheduleNotebook(notebookDocument.uri);
    });
  });
  notebooks.onDidSave((notebook) => {
    void settings(notebook.uri).then((current) => {
      if (current.run === 'onSave' && !pull) analysesOrFail().scheduleNotebook(notebook.uri);
    });
  });
  notebooks.onDidClose((notebook) => {
    notebookUris.delete(notebook.uri);
    analyses?.forget(notebook.uri);
    settingsCache.delete(notebook.uri);
    if (!pull && !vscode) for (const cell of notebook.cells) void connection.sendDiagnostics({ uri: cell.document, diagnostics: [] });
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    const pushed = (change.settings as { losslens?: unknown } | null | undefined)?.losslens;
    if (pushed !== undefined) pushedSettings = readSettings(pushed, log);
    log.info(l10n.t('Settings changed; LossLens reloaded them.'));
    if (pull) refreshDiagnostics();
    else analyses?.refreshAll();
    if (inlayHintRefresh) quietly(connection.languages.inlayHint.refresh());
  });

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const path = pathOfUri(change.uri);
      if (change.type === FileChangeType.Changed && path !== undefined) analyses?.fileChanged(path);
      else analyses?.filesChanged();
    }
    if (pull) refreshDiagnostics();
  });

  connection.languages.diagnostics.on(async (params, token) => {
    const entries = await analysesOrFail().current(params.textDocument.uri);
    if (token.isCancellationRequested) return { kind: 'full', items: [] };
    return { kind: 'full', items: entries.map((entry) => entry.diagnostic) };
  });

  connection.onCodeAction(async (params) => {
    const document = textOf(params.textDocument.uri);
    if (!document) return [];
    return codeActions(params, document, await analysesOrFail().current(document.uri), vscode);
  });

  connection.onHover(async (params, token) => {
    const document = textOf(params.textDocument.uri);
    if (!document) return null;
    const offset = document.offsetAt(params.position);
    const current = await settings(document.uri);
    const hover = async (sites: readonly LossSite[], entries: readonly DiagnosedFinding[], at: number) =>
      lossHover(
        {
          sites,
          findings: entries.map((entry) => ({
            code: entry.finding.code,
            message: entry.finding.message,
            span: { start: entry.finding.span.start - entry.offset, end: entry.finding.span.end - entry.offset },
          })),
          value: (site) => evaluations!.value(site, current.evaluatorMaxElements, token),
          lossTexts,
          vscode,
        },
        at,
      );
    // From the last analysis when the text it read around the pointer is unchanged: in a large
    // document being typed in, waiting for the next analysis would take seconds. Its findings are
    // those the editor shows meanwhile. Not for a value: the tensors of a call may be written on
    // lines edited since, so a loss with a value waits for the analysis of the text as it is.
    let answer: { markdown: string; span: Span } | undefined;
    const recent = analysesOrFail().recent(document.uri);
    const before = recent?.mapping.toOld(offset);
    if (recent && before !== undefined) {
      const around = recent.sites.filter((site) => site.span.start <= before && before <= site.span.end);
      const unchanged = around.every(
        (site) =>
          (!site.literal || recent.version === document.version) &&
          recent.mapping.toNew(site.span) &&
          (!site.construction || recent.mapping.toNew(site.construction)),
      );
      const old = around.length > 0 && unchanged ? await hover(around, recent.entries, before) : undefined;
      const span = old && recent.mapping.toNew(old.span);
      if (old && span) answer = { markdown: old.markdown, span };
    }
    if (!answer) {
      const { sites } = await analysesOrFail().currentSites(document.uri);
      if (token.isCancellationRequested || sites.length === 0) return null;
      answer = await hover(sites, await analysesOrFail().current(document.uri), offset);
    }
    if (!answer || token.isCancellationRequested) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: answer.markdown },
      range: { start: document.positionAt(answer.span.start), end: document.positionAt(answer.span.end) },
    };
  });

  connection.languages.inlayHint.on(async (params, token) => {
    const document = textOf(params.textDocument.uri);
    if (!document) return [];
    const current = await settings(document.uri);
    if (!current.inlineValues) return [];
    const start = document.offsetAt(params.range.start);
    const end = document.offsetAt(params.range.end);
    const { sites } = await analysesOrFail().currentSites(document.uri);
    const hints = [];
    for (const site of sites) {
      if (site.kind !== 'application' || !site.literal || site.span.end < start || site.span.start > end) continue;
      const value = await evaluations!.value(site, current.evaluatorMaxElements, token);
      if (token.isCancellationRequested) return [];
      if (value.kind !== 'value') continue;
      // A 0-d value on one line; a tensor's first line, with the rest in the tooltip.
      const [first, ...rest] = value.printed.split('\n');
      hints.push({
        position: document.positionAt(site.span.end),
        label: `= ${first}${rest.length > 0 ? ' …' : ''}`,
        paddingLeft: true,
        tooltip: { kind: MarkupKind.Markdown, value: `\`\`\`python\n${value.printed}\n\`\`\`` },
      });
    }
    return hints;
  });

  connection.onRequest(SITES, (params: SitesParams) => analysesOrFail().currentSites(params.uri));
  connection.onRequest(FILE_SITES, (params: SitesParams) => analysesOrFail().fileSites(params.uri));

  connection.onShutdown(() => {
    analyses?.dispose();
    analyses = undefined;
  });

  documents.listen(connection);
  notebooks.listen(connection);
  connection.listen();
}

/** Each `initializationOptions` field on its own: one of the wrong type is dropped (and logged), not the others. */
const INITIALIZATION_OPTIONS = {
  client: v.literal('vscode'),
  l10nBundle: v.record(v.string(), v.string()),
  ruleDocs: v.pipe(v.string(), v.includes('{code}')),
  diagnostics: v.literal('notification'),
  settings: v.unknown(),
} satisfies Record<keyof ServerInitializationOptions, v.GenericSchema>;

/**
 * The client's `initializationOptions`, validated field by field: a field that is not valid is logged
 * and left out, so its default holds (a `ruleDocs` that is not a string used to make every analysis
 * fail, which left the documents without diagnostics); fields LossLens does not know are logged too.
 */
function readInitializationOptions(raw: unknown, log: { error(message: string): void }): ServerInitializationOptions {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    log.error(l10n.t('Ignoring the initialization options {0}: they must be an object, so the defaults are used.', shortJson(raw)));
    return {};
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const schema = Object.hasOwn(INITIALIZATION_OPTIONS, key) ? INITIALIZATION_OPTIONS[key as keyof ServerInitializationOptions] : undefined;
    if (!schema) {
      log.error(l10n.t('Ignoring the initialization option "{0}": LossLens has no option of that name.', key));
    } else if (v.is(schema, value)) {
      options[key] = value;
    } else {
      log.error(l10n.t('Ignoring the value {0} of the initialization option "{1}": it is not valid, so the default is used.', shortJson(value), key));
    }
  }
  return options as ServerInitializationOptions;
}

/** A value as JSON, cut to a length a log line can hold. */
function shortJson(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 200 ? `${json.slice(0, 200)}…` : json;
}

/** Settings from the client, under the extension's names; what is not valid falls back to its default, and is logged. */
function readSettings(raw: unknown, log: { error(message: string): void }): LossLensSettings {
  if (raw === null) return DEFAULT_SETTINGS;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    log.error(l10n.t('Ignoring the settings {0}: they must be an object, so the defaults are used.', shortJson(raw)));
    return DEFAULT_SETTINGS;
  }
  const object = raw as Record<string, unknown>;
  // VS Code (and LSP clients after it) nest dotted names: `evaluator.maxElements` is `{evaluator: {maxElements}}`.
  const evaluator = object.evaluator as Record<string, unknown> | undefined;
  const flat: Record<string, unknown> = { ...object };
  if (evaluator && typeof evaluator === 'object' && 'maxElements' in evaluator) flat['evaluator.maxElements'] = evaluator.maxElements;
  const { settings, problems } = normalizeSettings(flat as RawSettings);
  for (const problem of problems) {
    log.error(
      l10n.t('Ignoring the value {0} of the setting "{1}": it is not valid, so the default is used.', JSON.stringify(problem.value), `losslens.${problem.key}`),
    );
  }
  return settings;
}

/** The folders on disk imports resolve under: the workspace folders (or the root the client names). */
function rootsOf(folders: readonly WorkspaceFolder[] | null | undefined, rootUri: string | null, log: { error(message: string): void }): string[] {
  const uris = folders?.map((folder) => folder.uri) ?? (rootUri ? [rootUri] : []);
  return uris.flatMap((uri) => {
    const path = pathOfUri(uri);
    if (path !== undefined) return [path];
    // One folder LossLens cannot read from disk never fails `initialize`: its open documents are
    // still analysed, from their text.
    log.error(l10n.t('Imports are not resolved under the workspace folder {0}: it names no folder on this machine.', uri));
    return [];
  });
}

/** The translations: the bundle the client gave, else the one for the locale it named; none for English. */
function l10nBundle(locale: string | undefined, options: ServerInitializationOptions, paths: ServerPaths): Record<string, string> | undefined {
  if (options.l10nBundle) return options.l10nBundle;
  if (!locale?.toLowerCase().startsWith('zh')) return undefined;
  try {
    return JSON.parse(readFileSync(join(paths.l10n, 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
  } catch {
    // Without the bundle, English.
    return undefined;
  }
}

function localLossTexts(locale: string | undefined, paths: ServerPaths): LossTextTable | null {
  if (!locale?.toLowerCase().startsWith('zh')) return null;
  try {
    return JSON.parse(readFileSync(join(paths.l10n, 'losses.zh-cn.json'), 'utf8')) as LossTextTable;
  } catch {
    return null;
  }
}
