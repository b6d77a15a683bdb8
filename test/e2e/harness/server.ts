import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { format } from 'node:util';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from './browser';
import { freePort, spawnManaged, type ManagedProcess } from './processes';
import { codeServerArgs, writeUserSettings, type Toolchain } from '../../../scripts/vscode-server.mjs';

export interface ExtensionHostRun {
  readonly exitCode: number;
  /** What the test module printed through the smoke-test driver (mocha's report), one entry per call. */
  readonly log: string[];
  readonly wallMs: number;
}

/**
 * Runs an extension's integration tests the `@vscode/test-electron` way, in the Node extension
 * host of the VS Code server bundled with code-server: the page is opened with a `payload` naming
 * the extension under development and the test module, and the smoke-test driver reports the
 * module's output and exit code back to Playwright.
 */
export async function runExtensionHostTests(options: {
  toolchain: Toolchain;
  extensionPath: string;
  testsPath: string;
  workspace: string;
  timeoutMs?: number;
}): Promise<ExtensionHostRun> {
  const started = Date.now();
  const tmp = mkdtempSync(join(tmpdir(), 'losslens-exthost-'));
  const port = await freePort();
  const server = spawnManaged(
    options.toolchain.node,
    [
      options.toolchain.serverMain,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--enable-smoke-test-driver',
      '--disable-telemetry',
      '--disable-workspace-trust',
      '--user-data-dir',
      join(tmp, 'user'),
      '--server-data-dir',
      join(tmp, 'server'),
      '--extensions-dir',
      join(tmp, 'extensions'),
    ],
    { env: { ...process.env, VSCODE_AGENT_FOLDER: join(tmp, 'agent') } },
  );
  let browser: Browser | undefined;
  try {
    await server.waitFor(/Web UI available at/, 60_000);
    browser = await launchChromium();
    const page = await browser.newPage();
    const log: string[] = [];
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (_type: string, args: unknown[]) => {
      log.push(format(...args));
    });
    const host = `127.0.0.1:${port}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://${host}${options.extensionPath}`],
      ['extensionTestsPath', `vscode-remote://${host}${options.testsPath}`],
      ['skipWelcome', 'true'],
    ]);
    await page.goto(`http://${host}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(payload)}`);
    const timeoutMs = options.timeoutMs ?? 120_000;
    const code = await Promise.race([
      exitCode,
      new Promise<number>((_, reject) =>
        setTimeout(() => reject(new Error(`The extension-host tests did not finish within ${timeoutMs} ms. Log so far:\n${log.join('\n')}`)), timeoutMs),
      ),
    ]);
    return { exitCode: code, log, wallMs: Date.now() - started };
  } finally {
    await browser?.close();
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface CodeServer {
  readonly url: string;
  readonly process: ManagedProcess;
  /** The folder opened as the workspace. */
  readonly workspace: string;
  stop(): Promise<void>;
}

/**
 * Installs a VSIX into a fresh extensions folder and starts code-server on a free loopback port
 * with that folder as the workspace, the way a person would run it.
 */
export async function startCodeServer(options: {
  toolchain: Toolchain;
  vsix: string;
  workspace: string;
  settings?: Record<string, unknown>;
  locale?: string;
}): Promise<CodeServer> {
  const tmp = mkdtempSync(join(tmpdir(), 'losslens-code-server-'));
  const folders = { extensionsDir: join(tmp, 'extensions'), userDataDir: join(tmp, 'user') };
  const install = spawnManaged(options.toolchain.node, codeServerArgs(options.toolchain, { ...folders, installExtension: options.vsix }));
  await install.waitFor(/was successfully installed|already installed/, 120_000);
  await install.stop();
  writeUserSettings(folders.userDataDir, options.settings ?? {});
  if (options.locale && !options.locale.startsWith('en')) writeLanguagePack(folders.userDataDir, options.locale);

  const port = await freePort();
  const server = spawnManaged(
    options.toolchain.node,
    codeServerArgs(options.toolchain, { ...folders, port, workspace: options.workspace, locale: options.locale }),
    { env: { ...process.env, VSCODE_AGENT_FOLDER: join(tmp, 'agent') } },
  );
  try {
    await server.waitFor(/HTTP server listening on/, 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`,
    process: server,
    workspace: options.workspace,
    async stop() {
      await server.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/**
 * Makes `locale` VS Code's display language without its language pack, which comes from the
 * marketplace (out of reach here): without a pack, `--locale` falls back to English and an
 * extension's `bundle.l10n.<locale>.json` is never read. This writes what VS Code records when a
 * pack is installed (`languagepacks.json` in the user data folder), for a pack that translates
 * none of VS Code's own strings: the workbench stays in English, and extensions see the locale.
 */
function writeLanguagePack(userDataDir: string, locale: string): void {
  const translations = join(userDataDir, `test-language-pack.${locale}.i18n.json`);
  writeFileSync(translations, JSON.stringify({ contents: {} }));
  const pack = {
    hash: `test-language-pack-${locale}`,
    extensions: [{ extensionIdentifier: { id: `losslens-test.language-pack-${locale}` }, version: '0.0.1' }],
    translations: { vscode: translations },
    label: locale,
  };
  writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify({ [locale]: pack }));
}
