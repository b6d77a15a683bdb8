// `npm start`: builds and packages LossLens, installs the VSIX into a local code-server (a real
// VS Code in the browser), opens the examples/ workspace and prints the address to open.
// Ctrl+C stops the server. PORT=8080 npm start picks the port.
import { execFileSync, execSync, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, REPO_ROOT, codeServerArgs, ensureToolchain, writeUserSettings } from './vscode-server.mjs';

const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const port = Number(process.env.PORT ?? 8080);
const state = join(CACHE_DIR, 'start');
const workspace = join(state, 'examples');

execSync('npm run package --silent', { cwd: REPO_ROOT, stdio: 'inherit' });
const toolchain = ensureToolchain((line) => console.log(line));

rmSync(state, { recursive: true, force: true });
mkdirSync(state, { recursive: true });
cpSync(join(REPO_ROOT, 'examples'), workspace, { recursive: true });
const folders = { extensionsDir: join(state, 'extensions'), userDataDir: join(state, 'user') };
const vsix = join(REPO_ROOT, `losslens-${version}.vsix`);
execFileSync(toolchain.node, codeServerArgs(toolchain, { ...folders, installExtension: vsix }), { stdio: 'inherit' });
writeUserSettings(folders.userDataDir);

const server = spawn(toolchain.node, codeServerArgs(toolchain, { ...folders, port, workspace }), { stdio: ['ignore', 'pipe', 'inherit'] });
let announced = false;
server.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  if (!announced && /HTTP server listening on/.test(String(chunk))) {
    announced = true;
    console.log(`\nLossLens ${version} is running in VS Code (code-server ${toolchain.vscodeVersion}).`);
    console.log(`Open http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)} in a browser. Ctrl+C stops it.\n`);
  }
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill('SIGTERM'));
server.on('exit', (code) => process.exit(code ?? 0));
