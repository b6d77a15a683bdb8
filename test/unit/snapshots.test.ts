import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  NotebookCellKind,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Hover,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

/**
 * What users read, as files under `__snapshots__/`: `losslens check` in text, JSON and SARIF over
 * every example and fixture (Python, notebooks, TypeScript / JavaScript), and the hover of every
 * loss call of the examples (notebook cells too), each in English and in Chinese. A change of wording or of a location
 * is then a diff a reviewer sees; `vitest run -u` writes the new files.
 */

const ROOT = join(__dirname, '..', '..');
const SNAPSHOTS = join(__dirname, '__snapshots__');
const LANGUAGES = [
  ['en', ''],
  ['zh-cn', '.zh-cn'],
] as const;
let cli: string;

beforeAll(async () => {
  // Inside the project, where the bundle finds tree-sitter's WebAssembly in node_modules, as dist/ does.
  const dist = join(ROOT, 'node_modules', '.cache', 'losslens-tests', 'snapshots', 'dist');
  const { bundleCli } = (await import('../../scripts/bundles.mjs')) as { bundleCli: (outdir: string) => Promise<void> };
  await bundleCli(dist);
  cpSync(join(ROOT, 'l10n'), join(dist, '..', 'l10n'), { recursive: true });
  cli = join(dist, 'cli.js');
}, 60_000);

/** A path of this checkout as it may appear in the output (a SARIF base URI), made the same on every machine. */
function portable(text: string): string {
  return text.replaceAll(pathToFileURL(ROOT).href, 'file:///<root>').replaceAll(ROOT, '<root>');
}

/** `losslens check` run as a user runs it, in `locale`: its output, and what it said on stderr. */
function check(args: readonly string[], locale: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'check', '--no-cache', '--exit-zero', ...args], {
      cwd: ROOT,
      env: { ...process.env, LOSSLENS_LOCALE: locale },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    // Decoded as a stream: a character may be split between two chunks.
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(`${stdout}${stderr ? `\n--- stderr\n${stderr}` : ''}`) : reject(new Error(`exit ${code}: ${stderr}`))));
  });
}

describe('losslens check, as a user reads it', () => {
  for (const folder of ['examples', 'test/fixtures']) {
    for (const [locale, suffix] of LANGUAGES) {
      it(`text, JSON and SARIF over ${folder} (${locale})`, async () => {
        const formats = [
          ['text', 'txt'],
          ['json', 'json'],
          ['sarif', 'sarif.json'],
        ] as const;
        const outputs = await Promise.all(formats.map(([format]) => check(['--format', format, folder], locale)));
        for (const [index, [, extension]] of formats.entries()) {
          await expect(portable(outputs[index]!)).toMatchFileSnapshot(join(SNAPSHOTS, `check-${folder.replace('/', '-')}${suffix}.${extension}`));
        }
      }, 60_000);
    }
  }
});

/** The examples a hover is asked on: Python and TypeScript / JavaScript files. */
function exampleFiles(): string[] {
  const files: string[] = [];
  for (const folder of readdirSync(join(ROOT, 'examples'), { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(join(ROOT, 'examples', folder.name)).sort()) {
      if (/\.(py|ts|js)$/.test(file)) files.push(join(ROOT, 'examples', folder.name, file));
    }
  }
  return files.sort();
}

/** The examples' notebooks. */
function exampleNotebooks(): string[] {
  const folder = join(ROOT, 'examples', 'notebooks');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.ipynb'))
    .sort()
    .map((file) => join(folder, file));
}

describe('hovers on the loss calls of the examples, as a user reads them', () => {
  for (const [locale, suffix] of LANGUAGES) {
    it(`every loss call's hover (${locale})`, async () => {
      const child = spawn(process.execPath, [cli, 'server', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
      const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
      const published = new Map<string, () => void>();
      connection.onNotification(PublishDiagnosticsNotification.type, (params) => published.get(params.uri)?.());
      connection.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => ({})));
      connection.onRequest(RegistrationRequest.type, () => null);
      connection.listen();
      await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: pathToFileURL(join(ROOT, 'examples')).href,
        workspaceFolders: [{ uri: pathToFileURL(join(ROOT, 'examples')).href, name: 'examples' }],
        capabilities: {
          workspace: { configuration: true },
          textDocument: { hover: { contentFormat: ['markdown'] } },
          notebookDocument: { synchronization: {} },
        },
        locale,
      });
      await connection.sendNotification(InitializedNotification.type, {});
      const parts: string[] = [];
      for (const file of exampleFiles()) {
        const uri = pathToFileURL(file).href;
        const text = readFileSync(file, 'utf8');
        const languageId = file.endsWith('.py') ? 'python' : file.endsWith('.ts') ? 'typescript' : 'javascript';
        const analysed = new Promise<void>((resolve) => published.set(uri, resolve));
        await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
        await analysed;
        const { sites } = (await connection.sendRequest('losslens/sites', { uri })) as { sites: Array<{ span: { start: number }; api: string }> };
        const document = TextDocument.create(uri, languageId, 1, text);
        for (const site of [...sites].sort((a, b) => a.span.start - b.span.start)) {
          const position = document.positionAt(site.span.start);
          const hover = (await connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position })) as Hover | null;
          const markdown = hover ? (hover.contents as { value: string }).value : '(no hover)';
          parts.push(`## ${relative(ROOT, file)}:${position.line + 1}:${position.character + 1} \`${site.api}\`\n\n${markdown.trim()}\n`);
        }
      }
      // The notebook, through notebook sync as an editor sends it: each code cell's loss calls.
      for (const file of exampleNotebooks()) {
        const notebook = JSON.parse(readFileSync(file, 'utf8')) as { cells: Array<{ cell_type: string; source: string[] | string }> };
        const cells = notebook.cells.map((cell, index) => ({
          kind: cell.cell_type === 'code' ? NotebookCellKind.Code : NotebookCellKind.Markup,
          document: `vscode-notebook-cell:${file}#cell${index}`,
          text: Array.isArray(cell.source) ? cell.source.join('') : cell.source,
          language: cell.cell_type === 'code' ? 'python' : 'markdown',
        }));
        const code = cells.filter((cell) => cell.kind === NotebookCellKind.Code);
        const analysed = Promise.all(code.map((cell) => new Promise<void>((resolve) => published.set(cell.document, resolve))));
        await connection.sendNotification(DidOpenNotebookDocumentNotification.type, {
          notebookDocument: {
            uri: pathToFileURL(file).href,
            notebookType: 'jupyter-notebook',
            version: 1,
            cells: cells.map(({ kind, document }) => ({ kind, document })),
          },
          cellTextDocuments: cells.map((cell) => ({ uri: cell.document, languageId: cell.language, version: 1, text: cell.text })),
        });
        await analysed;
        for (const [index, cell] of cells.entries()) {
          if (cell.kind !== NotebookCellKind.Code) continue;
          const { sites } = (await connection.sendRequest('losslens/sites', { uri: cell.document })) as {
            sites: Array<{ span: { start: number }; api: string }>;
          };
          const document = TextDocument.create(cell.document, 'python', 1, cell.text);
          for (const site of [...sites].sort((a, b) => a.span.start - b.span.start)) {
            const position = document.positionAt(site.span.start);
            const hover = (await connection.sendRequest(HoverRequest.type, { textDocument: { uri: cell.document }, position })) as Hover | null;
            const markdown = hover ? (hover.contents as { value: string }).value : '(no hover)';
            parts.push(`## ${relative(ROOT, file)}, cell ${index}:${position.line + 1}:${position.character + 1} \`${site.api}\`\n\n${markdown.trim()}\n`);
          }
        }
      }
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      connection.dispose();
      expect(parts.length).toBeGreaterThan(20);
      await expect(portable(parts.join('\n'))).toMatchFileSnapshot(join(SNAPSHOTS, `hovers-examples${suffix}.md`));
    }, 60_000);
  }
});
