import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancellationTokenSource,
  CodeActionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  ExitNotification,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRequest,
  LogMessageNotification,
  NotebookCellKind,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type ClientCapabilities,
  type CodeAction,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type Hover,
  type InitializeResult,
  type InlayHint,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';

/**
 * `losslens server` driven over stdio the way Neovim drives a language server: spawn the command,
 * initialize, open documents, wait for the diagnostics it publishes, ask for code actions, hovers
 * and inlay hints, change the text, shut down. The client is vscode-languageserver-protocol's own
 * connection (a real LSP client library), the server the bundled CLI.
 */

const ROOT = join(__dirname, '..', '..');
let bundle: string;
let workspace: string;

beforeAll(async () => {
  // Inside the project, where the bundle finds tree-sitter's WebAssembly in node_modules, as dist/ does.
  bundle = join(ROOT, 'node_modules', '.cache', 'losslens-tests', 'server', 'dist');
  const { bundleCli } = await import('../../scripts/bundles.mjs');
  await bundleCli(bundle);
  cpSync(join(ROOT, 'l10n'), join(bundle, '..', 'l10n'), { recursive: true });
  workspace = mkdtempSync(join(tmpdir(), 'losslens-server-'));
  cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
}, 60_000);

afterAll(() => rmSync(workspace, { recursive: true, force: true }));

interface Client {
  readonly connection: ProtocolConnection;
  readonly process: ChildProcess;
  readonly initialized: InitializeResult;
  /** What the server logged (`window/logMessage`). */
  readonly logs: string[];
  /** The settings `workspace/configuration` answers with (the client's `losslens` section). */
  settings: Record<string, unknown>;
  /** The next diagnostics published for `uri` that `accept` takes, listening from now. */
  diagnostics(uri: string, accept?: (params: PublishDiagnosticsParams) => boolean): Promise<PublishDiagnosticsParams>;
  close(): Promise<number | null>;
}

/** Capabilities like Neovim's: configuration, watched files, markdown hovers, code action literals. */
function capabilities(pull: boolean, refresh = true, configuration = true): ClientCapabilities {
  return {
    workspace: {
      configuration,
      didChangeWatchedFiles: { dynamicRegistration: true },
      workspaceFolders: true,
      inlayHint: { refreshSupport: refresh },
      diagnostics: { refreshSupport: refresh },
    },
    textDocument: {
      synchronization: { didSave: true, dynamicRegistration: false },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'source', 'source.fixAll'] } }, isPreferredSupport: true },
      publishDiagnostics: { relatedInformation: true, tagSupport: { valueSet: [1, 2] }, codeDescriptionSupport: true, versionSupport: true },
      inlayHint: {},
      ...(pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
    },
    notebookDocument: { synchronization: {} },
  };
}

/** What sets a client apart from the Neovim-like default: no `workspace/configuration`, `initializationOptions`. */
interface ClientOptions {
  readonly configuration?: boolean;
  readonly initializationOptions?: unknown;
  /** In place of the examples' folder. */
  readonly workspaceFolders?: Array<{ uri: string; name: string }>;
}

async function startClient(pull = false, locale?: string, refresh = true, extra: ClientOptions = {}): Promise<Client> {
  const child = spawn(process.execPath, [join(bundle, 'cli.js'), 'server', '--stdio'], { cwd: workspace, stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const published: PublishDiagnosticsParams[] = [];
  const waiting = new Set<{ uri: string; accept: (params: PublishDiagnosticsParams) => boolean; resolve: (params: PublishDiagnosticsParams) => void }>();
  connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
    published.push(params);
    for (const waiter of waiting) {
      if (waiter.uri === params.uri && waiter.accept(params)) {
        waiting.delete(waiter);
        waiter.resolve(params);
      }
    }
  });
  const client = {
    connection,
    process: child,
    settings: {} as Record<string, unknown>,
    logs: [] as string[],
  } as Client;
  connection.onNotification(LogMessageNotification.type, (params) => client.logs.push(params.message));
  connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => client.settings));
  connection.onRequest(RegistrationRequest.type, () => null);
  if (refresh) {
    connection.onRequest('workspace/inlayHint/refresh', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
  }
  connection.listen();
  const initialized = await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(workspace).href,
    workspaceFolders: extra.workspaceFolders ?? [{ uri: pathToFileURL(workspace).href, name: 'examples' }],
    capabilities: capabilities(pull, refresh, extra.configuration ?? true),
    ...(locale ? { locale } : {}),
    ...(extra.initializationOptions !== undefined ? { initializationOptions: extra.initializationOptions } : {}),
  });
  await connection.sendNotification(InitializedNotification.type, {});
  return Object.assign(client, {
    initialized,
    diagnostics: (uri: string, accept: (params: PublishDiagnosticsParams) => boolean = () => true) =>
      new Promise<PublishDiagnosticsParams>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri}`)), 15_000);
        waiting.add({
          uri,
          accept,
          resolve: (params) => {
            clearTimeout(timer);
            resolve(params);
          },
        });
      }),
    close: async () => {
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      const code = await exited;
      connection.dispose();
      return code;
    },
  });
}

function open(client: Client, relative: string, languageId = 'python', text?: string): { uri: string; text: string } {
  const uri = pathToFileURL(join(workspace, relative)).href;
  const content = text ?? readFileSync(join(workspace, relative), 'utf8');
  void client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text: content } });
  return { uri, text: content };
}

/** Lines marked `# expect: LLxxx` (or `// expect:`), as [line (0-based), code]. */
function expectations(text: string): Array<[number, string]> {
  return text.split('\n').flatMap((line, index): Array<[number, string]> => {
    const match = /(?:#|\/\/) expect: (LL\d{3})/.exec(line);
    return match ? [[index, match[1]!]] : [];
  });
}

function lineCodes(diagnostics: readonly Diagnostic[]): Array<[number, string]> {
  return diagnostics.map((d) => [d.range.start.line, String(d.code)] as [number, string]).sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

/** The text after applying LSP edits of one document (offsets from the original text). */
function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (position: { line: number; character: number }) =>
    lines.slice(0, position.line).reduce((sum, line) => sum + line.length + 1, 0) + position.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((result, edit) => result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end)), text);
}

describe('losslens server over stdio, driven as Neovim drives it', () => {
  it('initializes with what it offers, publishes diagnostics, fixes them and shuts down', async () => {
    const client = await startClient();
    const { capabilities: offered, serverInfo } = client.initialized;
    expect(serverInfo?.name).toBe('LossLens');
    expect(offered.hoverProvider).toBe(true);
    expect(offered.inlayHintProvider).toBe(true);
    expect(offered.codeActionProvider).toMatchObject({ codeActionKinds: ['quickfix', 'source.fixAll.losslens'] });
    expect(offered.notebookDocumentSync).toBeDefined();
    expect(offered.diagnosticProvider).toBeUndefined(); // this client pulls nothing: diagnostics are pushed

    const published = client.diagnostics(pathToFileURL(join(workspace, 'pytorch/classifier_bugs.py')).href);
    const { uri, text } = open(client, 'pytorch/classifier_bugs.py');
    const first = await published;
    expect(first.version).toBe(1);
    expect(lineCodes(first.diagnostics)).toEqual(expectations(text));
    const ll001 = first.diagnostics.find((d) => d.code === 'LL001')!;
    expect(ll001).toMatchObject({ source: 'LossLens', severity: 1, codeDescription: { href: expect.stringMatching(/docs\/rules\/LL001\.md$/) } });
    expect(ll001.relatedInformation?.some((info) => info.message.includes('nn.Linear(128, 1)') && info.location.uri === uri)).toBe(true);
    // A deprecated argument is tagged so (editors strike it through); nothing else is.
    expect(first.diagnostics.filter((d) => d.tags).map((d) => [d.code, d.tags])).toEqual([['LL020', [2]]]);

    // The preferred quick fix removes the softmax; the text changes and LL003 goes away.
    const ll003 = first.diagnostics.find((d) => d.code === 'LL003')!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: ll003.range,
      context: { diagnostics: [ll003], only: ['quickfix'] },
    })) as CodeAction[];
    const titles = actions.map((action) => action.title);
    expect(titles).toContain('Ignore LL003 on this line');
    // Only LossLens's own extension has the commands that show docs and explanations.
    expect(actions.every((action) => action.command === undefined)).toBe(true);
    const preferred = actions.find((action) => action.isPreferred && action.title.includes('LL003'))!;
    expect(preferred.edit?.changes?.[uri]).toBeDefined();
    const fixed = applyEdits(text, preferred.edit!.changes![uri]!);
    expect(fixed.split('\n')[ll003.range.start.line]).toMatch(/loss = ce\(class_logits, labels\)/);
    const after = client.diagnostics(uri, (params) => params.version === 2);
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
    const second = await after;
    expect(second.diagnostics.map((d) => d.code)).not.toContain('LL003');
    expect(second.diagnostics.length).toBe(first.diagnostics.length - 1);

    // Fix-all, as `codeActionsOnSave` asks for it: every safe fix in one edit.
    const all = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.losslens'] },
    })) as CodeAction[];
    expect(all.map((action) => action.kind)).toEqual(['source.fixAll.losslens']);
    expect(Object.keys(all[0]!.edit!.changes!)).toEqual([uri]);

    // Closing the document clears what it showed.
    const cleared = client.diagnostics(uri);
    await client.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
    expect((await cleared).diagnostics).toEqual([]);

    expect(await client.close()).toBe(0);
  });

  it('hovers with the value PyTorch computes, and inlay hints with the values of literal calls', async () => {
    const client = await startClient();
    const target = pathToFileURL(join(workspace, 'pytorch/reference_values.py')).href;
    const published = client.diagnostics(target);
    const { uri, text } = open(client, 'pytorch/reference_values.py');
    await published;
    const line = text.split('\n')[6]!;
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 6, character: line.indexOf('BCELoss') + 2 },
    })) as Hover;
    const markdown = (hover.contents as { kind: string; value: string }).value;
    expect((hover.contents as { kind: string }).kind).toBe('markdown');
    expect(markdown).toMatch(/tensor\(1\.5081\)/);
    expect(markdown).toMatch(/Binary cross entropy/);
    expect(markdown).toMatch(/`input`: probabilities/);
    // No VS Code command links and icons for other editors.
    expect(markdown).not.toMatch(/command:|\$\(warning\)/);
    const hints = (await client.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: text.split('\n').length, character: 0 } },
    })) as InlayHint[];
    expect(hints.map((hint) => `${hint.position.line + 1}: ${String(hint.label)}`)).toEqual([
      '7: = tensor(1.5081)',
      '12: = tensor(0.8518)',
      '15: = tensor(-6.)',
      '22: = tensor(1.1617)',
    ]);
    // Nothing to hover on a line without a loss.
    expect(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 1, character: 3 } })).toBeNull();
    expect(await client.close()).toBe(0);
  });

  it("hovers and inlay hints on Keras's cross entropies called on lists, with the values Keras's documentation gives", async () => {
    const client = await startClient();
    const target = pathToFileURL(join(workspace, 'keras/reference_values.py')).href;
    const published = client.diagnostics(target);
    const { uri, text } = open(client, 'keras/reference_values.py');
    await published;
    const lines = text.split('\n');
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 7, character: lines[7]!.indexOf('bce(') + 1 },
    })) as Hover;
    const markdown = (hover.contents as { value: string }).value;
    expect(markdown).toMatch(/^\*\*`keras\.losses\.BinaryCrossentropy`\*\* — Binary cross entropy \(Keras\)/);
    expect(markdown).toMatch(/Value, as Keras computes it:\n\n```python\ntensor\(0\.8149\)/);
    expect(markdown).toMatch(/- `y_pred` = `\[\[0\.6, 0\.4\], \[0\.4, 0\.6\]\]`: written in the code, shape \(2, 2\), float/);
    const hints = (await client.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
    })) as InlayHint[];
    expect(hints.map((hint) => `${hint.position.line + 1}: ${String(hint.label)}`)).toEqual([
      '8: = tensor(0.8149)',
      '11: = tensor(1.1769)',
      '14: = tensor(1.1769)',
    ]);
    expect(await client.close()).toBe(0);
  });

  it("hovers and inlay hints on TensorFlow.js's losses called on tf.tensor literals, with the values tfjs-core computes", async () => {
    const client = await startClient();
    const target = pathToFileURL(join(workspace, 'tfjs/reference_values.ts')).href;
    const published = client.diagnostics(target);
    const { uri, text } = open(client, 'tfjs/reference_values.ts', 'typescript');
    await published;
    const lines = text.split('\n');
    const line = lines.findIndex((candidate) => candidate.startsWith('export const softmax'));
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line, character: lines[line]!.indexOf('softmaxCrossEntropy') + 2 },
    })) as Hover;
    const markdown = (hover.contents as { value: string }).value;
    expect(markdown).toMatch(/^\*\*`tf\.losses\.softmaxCrossEntropy`\*\* — Softmax cross entropy \(TensorFlow\.js\)/);
    expect(markdown).toMatch(/Value, as TensorFlow\.js computes it:\n\n```python\ntensor\(0\.8035\)/);
    const hints = (await client.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
    })) as InlayHint[];
    expect(hints.map((hint) => String(hint.label))).toEqual([
      '= tensor(0.8035)',
      '= tensor(0.8518)',
      '= tensor(0.8393)',
      '= tensor(2.1250)',
      '= tensor(0.0400)',
    ]);
    expect(await client.close()).toBe(0);
  });

  it.each([
    [
      'jax/reference_values.py',
      'optax.softmax_cross_entropy(',
      /^\*\*`optax\.softmax_cross_entropy`\*\* — [^\n]*\n[\s\S]*Value, as optax computes it \(unreduced\):\n\n```python\ntensor\(\[0\.4076, 1\.0986\]\)/,
      [
        '10: = tensor([0.4076, 1.0986])',
        '11: = tensor([0.4076, 1.0986])',
        '12: = tensor([0.6931, 2.1269])',
        '13: = tensor([0.5000, 2.0000])',
        '14: = tensor([0.0200, 1.3750])',
        '15: = tensor([1., 0.])',
      ],
    ],
    [
      'keras/tensorflow_reference_values.py',
      'losses.softmax_cross_entropy(',
      /^\*\*`tf\.compat\.v1\.losses\.softmax_cross_entropy`\*\*[\s\S]*Value, as TensorFlow 1 computes it:\n\n```python\ntensor\(0\.7531\)/,
      ['10: = tensor([0.4076, 1.0986])', '11: = tensor(0.7531)', '12: = tensor(0.4076)', '13: = tensor(2.1250)', '14: = tensor(1.)'],
    ],
  ])("hovers and inlay hints on %s: optax's and TensorFlow's own losses, each computed its own way", async (file, callee, hoverText, expected) => {
    const client = await startClient();
    const published = client.diagnostics(pathToFileURL(join(workspace, file)).href);
    const { uri, text } = open(client, file);
    await published;
    const lines = text.split('\n');
    const line = lines.findIndex((candidate) => candidate.includes(callee));
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line, character: lines[line]!.indexOf(callee) + 2 },
    })) as Hover;
    expect((hover.contents as { value: string }).value).toMatch(hoverText);
    const hints = (await client.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
    })) as InlayHint[];
    expect(hints.map((hint) => `${hint.position.line + 1}: ${String(hint.label)}`)).toEqual(expected);
    expect(await client.close()).toBe(0);
  });

  it('hovers as the text is typed: at the places the edits moved the calls to, with the values of the tensors as they are now', async () => {
    const client = await startClient();
    const bugs = open(client, 'pytorch/classifier_bugs.py');
    const values = open(client, 'pytorch/reference_values.py');
    await Promise.all([client.diagnostics(bugs.uri), client.diagnostics(values.uri)]);
    const insert = (uri: string, version: number, line: number, text: string) =>
      client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text }],
      });
    const hoverAt = async (uri: string, line: number, character: number) =>
      (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } })) as Hover;
    // Two lines typed above the calls, and the hover asked for at once (before the debounce).
    await insert(bugs.uri, 2, 0, '# typed\n# and typed\n');
    const line = bugs.text.split('\n')[31]!; // loss = ce(F.softmax(class_logits, dim=1), labels)  # expect: LL003
    const finding = await hoverAt(bugs.uri, 33, line.indexOf('ce(') + 1);
    expect((finding.contents as { value: string }).value).toMatch(/\*\*LL003\*\*/);
    expect(finding.range!.start).toEqual({ line: 33, character: line.indexOf('ce(') });
    // The scores of a call with a value edited on another line: the hover computes the new value.
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: values.uri, version: 2 },
      contentChanges: [{ range: { start: { line: 9, character: 0 }, end: { line: 10, character: 0 } }, text: 'scores = torch.tensor([[0., 0.], [0., 0.]])\n' }],
    });
    const value = await hoverAt(values.uri, 11, values.text.split('\n')[11]!.indexOf('binary_cross_entropy_with_logits') + 2);
    expect((value.contents as { value: string }).value).toMatch(/tensor\(0\.6931\)/);
    expect(await client.close()).toBe(0);
  });

  it('under an address-space limit (ulimit -v 8 GB), the server started as the extension starts it (Node IPC) analyses documents', async () => {
    // The extension forks the server with `wasmMemoryFlags()` as its execArgv; the driver does
    // the same, inside the limit, and speaks LSP over the IPC channel.
    const flags = join(bundle, '..', 'address-space.js');
    await esbuild.build({
      entryPoints: [join(ROOT, 'src/analysis/wasm-memory.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: flags,
      logLevel: 'warning',
    });
    const driver = join(mkdtempSync(join(tmpdir(), 'losslens-ipc-')), 'driver.js');
    const target = pathToFileURL(join(workspace, 'pytorch/classifier_bugs.py')).href;
    writeFileSync(
      driver,
      [
        `const { fork } = require('node:child_process');`,
        `const rpc = require(${JSON.stringify(require.resolve('vscode-languageserver-protocol/node'))});`,
        `const { wasmMemoryFlags } = require(${JSON.stringify(flags)});`,
        `const child = fork(${JSON.stringify(join(bundle, 'cli.js'))}, ['server', '--node-ipc'], { execArgv: wasmMemoryFlags(), stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });`,
        `const connection = rpc.createProtocolConnection(new rpc.IPCMessageReader(child), new rpc.IPCMessageWriter(child));`,
        `connection.onRequest(rpc.ConfigurationRequest.type, (params) => params.items.map(() => ({})));`,
        `connection.onRequest(rpc.RegistrationRequest.type, () => null);`,
        `connection.onNotification(rpc.PublishDiagnosticsNotification.type, (params) => {`,
        `  console.log(JSON.stringify({ flags: wasmMemoryFlags(), codes: params.diagnostics.map((d) => d.code) }));`,
        `  child.kill(); process.exit(0);`,
        `});`,
        `connection.listen();`,
        `connection.sendRequest(rpc.InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { workspace: { configuration: true } } }).then(() => {`,
        `  connection.sendNotification(rpc.InitializedNotification.type, {});`,
        `  connection.sendNotification(rpc.DidOpenTextDocumentNotification.type, { textDocument: { uri: ${JSON.stringify(target)}, languageId: 'python', version: 1, text: require('node:fs').readFileSync(${JSON.stringify(join(workspace, 'pytorch/classifier_bugs.py'))}, 'utf8') } });`,
        `});`,
      ].join('\n'),
    );
    const run = spawn('bash', ['-c', `ulimit -v 8000000 && "${process.execPath}" "${driver}"`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    run.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => run.on('exit', resolve));
    expect(stderr).toBe('');
    const answer = JSON.parse(stdout) as { flags: string[]; codes: string[] };
    expect(answer.flags).toEqual(['--disable-wasm-trap-handler']);
    expect(answer.codes).toEqual(expect.arrayContaining(['LL001', 'LL003']));
  });

  it('reads settings through workspace/configuration under the extension names, and again when they change', async () => {
    const client = await startClient();
    client.settings = { select: ['LL001'], severity: { LL001: 'hint' } };
    const target = pathToFileURL(join(workspace, 'pytorch/classifier_bugs.py')).href;
    const published = client.diagnostics(target);
    open(client, 'pytorch/classifier_bugs.py');
    const narrowed = await published;
    expect(narrowed.diagnostics.map((d) => [d.code, d.severity])).toEqual([['LL001', 4]]);
    client.settings = { enable: false };
    const off = client.diagnostics(target);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    expect((await off).diagnostics).toEqual([]);
    expect(await client.close()).toBe(0);
  });

  it('publishes at most losslens.maxDiagnosticsPerFile findings, the most severe first, and a note on the first left out (pushed and pulled)', async () => {
    // Errors (LL004) on lines 7 and 9, warnings (LL003) on lines 6, 8 and 10 (1-based).
    const text = [
      'import torch',
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      'criterion = nn.CrossEntropyLoss()',
      'nll = nn.NLLLoss()',
      'a = criterion(F.softmax(z1, dim=1), t)',
      'b = nll(F.softmax(z2, dim=1), t)',
      'c = criterion(F.softmax(z3, dim=1), t)',
      'd = nll(F.softmax(z4, dim=1), t)',
      'e = criterion(F.softmax(z5, dim=1), t)',
      '',
    ].join('\n');
    const shown = (diagnostics: readonly Diagnostic[]) => diagnostics.map((d) => [d.range.start.line + 1, d.code ?? null, d.severity]);
    const note = (count: number, max: number) =>
      `${count} more LossLens findings in this file are not shown, from here on: at most ${max} are (losslens.maxDiagnosticsPerFile). \`losslens check\` lists them all.`;
    const client = await startClient();
    client.settings = { maxDiagnosticsPerFile: 3 };
    const uri = pathToFileURL(join(workspace, 'pytorch/limited.py')).href;
    const published = client.diagnostics(uri);
    open(client, 'pytorch/limited.py', 'python', text);
    const first = await published;
    // Both errors, then the first warning; the note where the next warning is.
    expect(shown(first.diagnostics)).toEqual([
      [6, 'LL003', 2],
      [7, 'LL004', 1],
      [9, 'LL004', 1],
      [8, null, 3],
    ]);
    expect(first.diagnostics[3]!.message).toBe(note(2, 3));
    // A severity set for a rule ranks it as that severity: the first three in the text.
    client.settings = { maxDiagnosticsPerFile: 3, severity: { LL003: 'error' } };
    const again = client.diagnostics(uri);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    expect(shown((await again).diagnostics)).toEqual([
      [6, 'LL003', 1],
      [7, 'LL004', 1],
      [8, 'LL003', 1],
      [9, null, 3],
    ]);
    // The default shows all five.
    client.settings = {};
    const all = client.diagnostics(uri);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    expect(shown((await all).diagnostics).map(([line]) => line)).toEqual([6, 7, 8, 9, 10]);
    expect(await client.close()).toBe(0);
    // A client that pulls gets the same, note included.
    const pulling = await startClient(true);
    pulling.settings = { maxDiagnosticsPerFile: 4 };
    open(pulling, 'pytorch/limited.py', 'python', text);
    const report = (await pulling.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
    expect(shown(report.items)).toEqual([
      [6, 'LL003', 2],
      [7, 'LL004', 1],
      [8, 'LL003', 2],
      [9, 'LL004', 1],
      [10, null, 3],
    ]);
    expect(report.items[4]!.message).toBe(
      '1 more LossLens finding in this file is not shown, from here on: at most 4 are (losslens.maxDiagnosticsPerFile). `losslens check` lists them all.',
    );
    expect(await pulling.close()).toBe(0);
  });

  it("follows the project's pyproject.toml where the client sets nothing, and reads it again when it changes", async () => {
    const config = join(workspace, 'pyproject.toml');
    writeFileSync(config, '[project]\nname = "examples"\n\n[tool.losslens]\nignore = ["LL001"]\n\n[tool.losslens.severity]\nLL003 = "hint"\n');
    const client = await startClient();
    try {
      const target = pathToFileURL(join(workspace, 'pytorch/classifier_bugs.py')).href;
      const { text } = open(client, 'pytorch/classifier_bugs.py');
      const expected = expectations(text);
      const first = await client.diagnostics(target);
      expect(lineCodes(first.diagnostics)).toEqual(expected.filter(([, code]) => code !== 'LL001'));
      expect(first.diagnostics.filter((d) => d.code === 'LL003').map((d) => d.severity)).toEqual([4]);
      // What the client sets wins, key by key: its ignore list replaces the file's.
      client.settings = { ignore: ['LL003'] };
      const edited = client.diagnostics(target);
      await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
      expect(lineCodes((await edited).diagnostics)).toEqual(expected.filter(([, code]) => code !== 'LL003'));
      // A file that cannot be read: no findings, and the error, with its line and key, in the log.
      client.settings = {};
      writeFileSync(config, '[tool.losslens]\nignore = ["LL001"]\nselct = ["LL003"]\n');
      const broken = client.diagnostics(target);
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: pathToFileURL(config).href, type: FileChangeType.Changed }],
      });
      expect((await broken).diagnostics).toEqual([]);
      expect(client.logs.some((line) => line.includes('pyproject.toml:3') && line.includes('"selct"'))).toBe(true);
      // Gone: every rule again.
      unlinkSync(config);
      const restored = client.diagnostics(target);
      await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
        changes: [{ uri: pathToFileURL(config).href, type: FileChangeType.Deleted }],
      });
      expect(lineCodes((await restored).diagnostics)).toEqual(expected);
      expect(await client.close()).toBe(0);
    } finally {
      rmSync(config, { force: true });
    }
  });

  it('takes settings a client sends, when it cannot answer workspace/configuration (Neovim 0.7)', async () => {
    const client = await startClient(false, undefined, true, { configuration: false, initializationOptions: { settings: { select: ['LL003'] } } });
    client.settings = { select: ['LL002'] }; // never asked for
    const target = pathToFileURL(join(workspace, 'pytorch/classifier_bugs.py')).href;
    const first = client.diagnostics(target);
    open(client, 'pytorch/classifier_bugs.py');
    expect((await first).diagnostics.map((d) => d.code)).toEqual(['LL003']);
    const second = client.diagnostics(target);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, {
      settings: { losslens: { select: ['LL001'], severity: { LL001: 'hint' } } },
    });
    expect((await second).diagnostics.map((d) => [d.code, d.severity])).toEqual([['LL001', 4]]);
    expect(await client.close()).toBe(0);
  });

  it('keeps the defaults for initialization options of the wrong type, and says which it ignored', async () => {
    // A `ruleDocs` that was not a string made every analysis fail: no diagnostics at all.
    for (const initializationOptions of [{ ruleDocs: 5, diagnostics: 'push', l10nBundle: { x: 1 }, colour: 'red', settings: 'LL003' }, [1], 'vscode']) {
      const client = await startClient(false, undefined, true, { initializationOptions });
      const { uri, text } = open(client, 'pytorch/classifier_bugs.py');
      const published = await client.diagnostics(uri);
      expect(lineCodes(published.diagnostics)).toEqual(expectations(text));
      expect(published.diagnostics.every((d) => d.codeDescription?.href.endsWith(`docs/rules/${String(d.code)}.md`))).toBe(true);
      if (Array.isArray(initializationOptions) || typeof initializationOptions !== 'object') {
        expect(client.logs).toContain(
          `Ignoring the initialization options ${JSON.stringify(initializationOptions)}: they must be an object, so the defaults are used.`,
        );
      } else {
        expect(client.logs).toEqual(
          expect.arrayContaining([
            'Ignoring the value 5 of the initialization option "ruleDocs": it is not valid, so the default is used.',
            'Ignoring the initialization option "diagnostics": LossLens has no option of that name.',
            'Ignoring the value {"x":1} of the initialization option "l10nBundle": it is not valid, so the default is used.',
            'Ignoring the initialization option "colour": LossLens has no option of that name.',
            'Ignoring the settings "LL003": they must be an object, so the defaults are used.',
          ]),
        );
      }
      expect(await client.close()).toBe(0);
    }
  });

  it('analyses documents whose URIs name no file from their text, and initializes with such workspace folders', async () => {
    const unmappable = ['file:///a%2Fb.py', 'file://host/share/x.py', 'file:///%FF%FE.py', 'file:///%.py'];
    const client = await startClient(false, undefined, true, {
      workspaceFolders: [...unmappable.map((uri) => ({ uri, name: uri })), { uri: pathToFileURL(workspace).href, name: 'examples' }],
    });
    expect(client.initialized.capabilities.hoverProvider).toBe(true);
    const text = readFileSync(join(workspace, 'pytorch/classifier_bugs.py'), 'utf8');
    for (const uri of unmappable) {
      const published = client.diagnostics(uri);
      void client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
      expect(lineCodes((await published).diagnostics)).toEqual(expectations(text));
      expect(client.logs).toContain(`Imports are not resolved under the workspace folder ${uri}: it names no folder on this machine.`);
    }
    // The loss-sites view asks for files that are not open: one that names no file says so.
    const unopened = (await client.connection.sendRequest('losslens/fileSites', { uri: 'file://host/share/y.py' })) as { skipped?: string };
    expect(unopened.skipped).toBe('skipped: file://host/share/y.py names no file on this machine');
    expect(client.logs.filter((line) => /failed/i.test(line))).toEqual([]);
    expect(await client.close()).toBe(0);
  });

  it('reads Jupyter notebooks through notebook sync, with evidence in another cell', async () => {
    const client = await startClient();
    const notebook = JSON.parse(readFileSync(join(workspace, 'notebooks/segmentation.ipynb'), 'utf8')) as {
      cells: Array<{ cell_type: string; source: string[] }>;
    };
    const notebookUri = pathToFileURL(join(workspace, 'notebooks/segmentation.ipynb')).href;
    const cells = notebook.cells.map((cell, index) => ({
      kind: cell.cell_type === 'code' ? NotebookCellKind.Code : NotebookCellKind.Markup,
      document: `vscode-notebook-cell:${join(workspace, 'notebooks/segmentation.ipynb')}#cell${index}`,
      text: cell.source.join(''),
      language: cell.cell_type === 'code' ? 'python' : 'markdown',
    }));
    const buggy = cells.find((cell) => cell.text.includes('expect: LL001'))!;
    const published = client.diagnostics(buggy.document);
    await client.connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
      notebookDocument: { uri: notebookUri, notebookType: 'jupyter-notebook', version: 1, cells: cells.map(({ kind, document }) => ({ kind, document })) },
      cellTextDocuments: cells.map((cell) => ({ uri: cell.document, languageId: cell.language, version: 1, text: cell.text })),
    });
    const diagnostics = (await published).diagnostics;
    expect(diagnostics.map((d) => d.code).sort()).toEqual(['LL001', 'LL003']);
    expect(lineCodes(diagnostics)).toEqual(expectations(buggy.text));
    const evidence = diagnostics.find((d) => d.code === 'LL001')!.relatedInformation![0]!.location.uri;
    expect(evidence).not.toBe(buggy.document);
    expect(cells.map((cell) => cell.document)).toContain(evidence);
    expect(await client.close()).toBe(0);
  });

  it('answers pulls where the client pulls, and TensorFlow.js files as well', async () => {
    const client = await startClient(true);
    expect(client.initialized.capabilities.diagnosticProvider).toMatchObject({ interFileDependencies: true });
    const { uri, text } = open(client, 'tfjs/train-bugs.ts', 'typescript');
    const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
    expect(report.kind).toBe('full');
    expect(lineCodes(report.items)).toEqual(expectations(text));
    // The suppression is a `//` comment in TypeScript.
    const ll001 = report.items.find((d) => d.code === 'LL001')!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: ll001.range,
      context: { diagnostics: [ll001] },
    })) as CodeAction[];
    const ignore = actions.find((action) => action.title === 'Ignore LL001 on this line')!;
    expect(ignore.edit!.changes![uri]![0]!.newText).toBe('  // losslens: ignore[LL001]');
    // Hovers on TensorFlow.js losses: the finding, and what the engine knows of the arguments.
    const lines = text.split('\n');
    const line = lines.findIndex((candidate) => candidate.startsWith('export const doubleSoftmax'));
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line, character: lines[line]!.indexOf('softmaxCrossEntropy') + 3 },
    })) as Hover;
    const markdown = (hover.contents as { value: string }).value;
    expect(markdown).toMatch(/^\*\*`tf\.losses\.softmaxCrossEntropy`\*\*/);
    expect(markdown).toMatch(/\*\*LL003\*\*/);
    expect(markdown).toMatch(/- `logits` = `probs`: probabilities from `const probs = tf\.softmax\(logits\);`/);
    expect(markdown).toMatch(/No value here: `labels` is not a tensor written in the code\./);
    expect(await client.close()).toBe(0);
  });

  it('resolves imports under the workspace folders, and reads a module again when it changes on disk', async () => {
    const client = await startClient();
    mkdirSync(join(workspace, 'models'), { recursive: true });
    mkdirSync(join(workspace, 'scripts'), { recursive: true });
    const nets = join(workspace, 'models', 'nets.py');
    const softmaxHead =
      'import torch.nn as nn\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.head = nn.Sequential(nn.Linear(8, 3), nn.Softmax(dim=1))\n\n    def forward(self, x):\n        return self.head(x)\n';
    writeFileSync(nets, softmaxHead);
    // scripts/ is not where models/ is: only the workspace folder, as an import root, finds it.
    const main =
      'import torch\nimport torch.nn as nn\nfrom models.nets import Net\n\nmodel = Net()\nloss = nn.CrossEntropyLoss()(model(torch.randn(4, 8)), torch.tensor([0, 1, 2, 0]))\n';
    const uri = pathToFileURL(join(workspace, 'scripts', 'train.py')).href;
    const published = client.diagnostics(uri);
    open(client, 'scripts/train.py', 'python', main);
    const first = await published;
    expect(first.diagnostics.map((d) => d.code)).toEqual(['LL003']);
    expect(first.diagnostics[0]!.relatedInformation?.some((info) => info.location.uri === pathToFileURL(nets).href)).toBe(true);
    // The module loses its softmax on disk; the editor says the file changed.
    writeFileSync(nets, softmaxHead.replace(', nn.Softmax(dim=1)', ''));
    const again = client.diagnostics(uri);
    await client.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [{ uri: pathToFileURL(nets).href, type: FileChangeType.Changed }],
    });
    expect((await again).diagnostics).toEqual([]);
    expect(await client.close()).toBe(0);
  });

  it('honours cancellation: a hover given up on answers nothing, the next one answers', async () => {
    const client = await startClient(true);
    const { uri, text } = open(client, 'pytorch/reference_values.py');
    const line = text.split('\n')[6]!;
    const position = { line: 6, character: line.indexOf('BCELoss') + 2 };
    // The first hover has the document to analyse: the cancellation arrives while it does.
    const source = new CancellationTokenSource();
    const cancelled = client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position }, source.token);
    source.cancel();
    expect(await cancelled.catch((error: { code?: number }) => error.code)).toSatisfy((answer) => answer === null || answer === -32800);
    const hover = (await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position })) as Hover;
    expect((hover.contents as { value: string }).value).toMatch(/tensor\(1\.5081\)/);
    expect(await client.close()).toBe(0);
  });

  it('answers for a small document while a large one is still being analysed', async () => {
    const client = await startClient(true);
    // 6,000 lines, 600 models and losses: long enough to analyse that the small one goes by meanwhile.
    const block = (index: number) =>
      [
        `class Net${index}(nn.Module):`,
        `    def __init__(self):`,
        `        super().__init__()`,
        `        self.head = nn.Linear(16, 1)`,
        `    def forward(self, x):`,
        `        return self.head(x)`,
        `model${index} = Net${index}()`,
        `loss${index} = nn.BCELoss()(model${index}(torch.randn(8, 16)), torch.rand(8, 1))`,
        '',
        '',
      ].join('\n');
    const large = ['import torch', 'import torch.nn as nn', '', ...Array.from({ length: 600 }, (_, index) => block(index))].join('\n');
    // The parser is loaded first, so that nothing but the analysis stands between the two.
    const warm = open(client, 'pytorch/reference_values.py');
    await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: warm.uri } });
    const big = open(client, 'large.py', 'python', large);
    const small = open(client, 'pytorch/classifier_fixed.py');
    const finished: string[] = [];
    const pull = (uri: string, name: string) =>
      client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }).then((report) => {
        finished.push(name);
        return report as FullDocumentDiagnosticReport;
      });
    const [bigReport, smallReport] = await Promise.all([pull(big.uri, 'large'), pull(small.uri, 'small')]);
    expect(finished).toEqual(['small', 'large']);
    expect(smallReport.items).toEqual([]);
    expect(bigReport.items.filter((d) => d.code === 'LL001')).toHaveLength(600);
    expect(await client.close()).toBe(0);
  }, 60_000);

  it('parses a large TensorFlow.js file on its own thread, answering a small document meanwhile', async () => {
    const client = await startClient(true);
    // 5,000 lines of models and losses in TypeScript: typescript-estree takes a tenth of a second or more.
    const block = (index: number) =>
      [
        `const model${index} = tf.sequential();`,
        `model${index}.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [8] }));`,
        `model${index}.add(tf.layers.dense({ units: 1 }));`,
        `model${index}.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });`,
        '',
      ].join('\n');
    const large = ["import * as tf from '@tensorflow/tfjs';", '', ...Array.from({ length: 1000 }, (_, index) => block(index))].join('\n');
    // The analyzer is loaded first, so that nothing but the parse stands between the two.
    const warm = open(client, 'tfjs/train-fixed.ts', 'typescript');
    await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: warm.uri } });
    const big = open(client, 'large.ts', 'typescript', large);
    const small = open(client, 'pytorch/classifier_fixed.py');
    const finished: string[] = [];
    const pull = (uri: string, name: string) =>
      client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }).then((report) => {
        finished.push(name);
        return report as FullDocumentDiagnosticReport;
      });
    const [bigReport] = await Promise.all([pull(big.uri, 'large'), pull(small.uri, 'small')]);
    expect(finished).toEqual(['small', 'large']);
    expect(bigReport.items.filter((d) => d.code === 'LL001')).toHaveLength(1000);
    expect(await client.close()).toBe(0);
  }, 60_000);

  it('asks a client nothing it cannot answer: settings change under a client without refresh requests', async () => {
    const client = await startClient(true, undefined, false);
    const { uri } = open(client, 'pytorch/classifier_bugs.py');
    client.settings = { select: ['LL003'] };
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
    expect(report.items.map((d) => d.code)).toEqual(['LL003']);
    expect(client.logs.filter((message) => /refused/.test(message))).toEqual([]);
    expect(await client.close()).toBe(0);
  });

  it('speaks the locale the client names', async () => {
    const client = await startClient(true, 'zh-cn');
    const { uri } = open(client, 'pytorch/classifier_bugs.py');
    const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
    const chinese = JSON.parse(readFileSync(join(ROOT, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
    expect(report.items.length).toBeGreaterThan(0);
    // Every message is a translation (Chinese characters), none the English template.
    for (const diagnostic of report.items) expect(diagnostic.message).toMatch(/[\u4e00-\u9fff]/);
    expect(Object.keys(chinese).length).toBeGreaterThan(0);
    expect(await client.close()).toBe(0);
  });

  it('stays up on a document it cannot read, and says why it has no findings', async () => {
    const client = await startClient(true);
    mkdirSync(join(workspace, 'bad'), { recursive: true });
    writeFileSync(join(workspace, 'bad', 'binary.py'), 'import torch\u0000\n');
    const { uri } = open(client, 'bad/binary.py');
    const report = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as FullDocumentDiagnosticReport;
    expect(report.items).toEqual([]);
    expect(client.logs.some((message) => message.includes('bad/binary.py') && /binary/.test(message.split(': ').slice(1).join(': ')))).toBe(true);
    const broken = open(client, 'bad/broken.py', 'python', 'import torch.nn as nn\ndef f(:\n    nn.BCELoss()(\n');
    const brokenReport = (await client.connection.sendRequest(DocumentDiagnosticRequest.type, {
      textDocument: { uri: broken.uri },
    })) as FullDocumentDiagnosticReport;
    expect(brokenReport.kind).toBe('full');
    expect(await client.close()).toBe(0);
  });
});
