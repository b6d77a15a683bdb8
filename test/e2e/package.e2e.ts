import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProtocolConnection,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  DidOpenTextDocumentNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type Hover,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT } from './harness';

/**
 * The npm package as a user gets it (`npm pack` of the built tree, run with `npx`), and what is
 * built on it for other editors and CI: the language server from the package, the README's
 * Neovim snippet in a real Neovim, the GitHub Action's step, and the pre-commit hook through
 * pre-commit itself. Neovim and pre-commit come from Debian (`.ci/run` installs them).
 */

let scratch: string;
let tarball: string;
let workspace: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'losslens-package-'));
  // The tree `npm run test:e2e` built (its `npm run package`): pack it as `npm publish` would.
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], { cwd: REPO_ROOT, encoding: 'utf8' });
  tarball = join(scratch, (JSON.parse(packed) as Array<{ filename: string }>)[0]!.filename);
  workspace = join(scratch, 'workspace');
  cpSync(join(REPO_ROOT, 'examples'), workspace, { recursive: true });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** `npx --package <tarball> -- losslens ...`, as a user runs the published package. */
function npx(args: readonly string[], options: { cwd?: string; input?: string } = {}) {
  return spawnSync('npx', ['--yes', '--package', tarball, '--', 'losslens', ...args], {
    cwd: options.cwd ?? workspace,
    encoding: 'utf8',
    env: { ...process.env, npm_config_cache: join(scratch, 'npm-cache'), npm_config_update_notifier: 'false' },
    timeout: 120_000,
  });
}

/** Lines marked `# expect: LLxxx` in an example, as [line (1-based), code]. */
function expectations(file: string): Array<[number, string]> {
  return readFileSync(join(workspace, file), 'utf8')
    .split('\n')
    .flatMap((line, index): Array<[number, string]> => {
      const match = /(?:#|\/\/) expect: (LL\d{3})/.exec(line);
      return match ? [[index + 1, match[1]!]] : [];
    });
}

describe('the npm package', () => {
  it('holds the CLI and the language server, not the extension', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/package.json',
        'package/dist/cli.js',
        'package/dist/check-worker.js',
        'package/dist/tfjs-worker.js',
        'package/dist/evaluator-worker.js',
        'package/dist/tfjs/analyze.js',
        'package/dist/tree-sitter-python.wasm',
        'package/l10n/bundle.l10n.zh-cn.json',
        'package/docs/rules/LL001.md',
      ]),
    );
    expect(files.filter((file) => /media\/|extension\.js|calculator-worker|\.map$|\/src\//.test(file))).toEqual([]);
    const manifest = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as {
      dependencies?: object;
      bin: object;
    };
    // Everything is bundled: `npx losslens` downloads nothing but the package.
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.bin).toEqual({ losslens: './dist/cli.js' });
  });

  it("`npx losslens check` reports the examples' findings", () => {
    const result = npx(['check', '--format', 'json', '--no-cache', 'pytorch/classifier_bugs.py']);
    expect(result.status, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as { findings: Array<{ line: number; code: string }> };
    expect(report.findings.map((finding) => [finding.line, finding.code])).toEqual(expectations('pytorch/classifier_bugs.py'));
    expect(npx(['--version']).stdout.trim()).toBe((JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  it('`npx losslens server` answers over stdio, values computed by the worker it ships', async () => {
    const child = spawn('npx', ['--yes', '--package', tarball, '--', 'losslens', 'server'], {
      cwd: workspace,
      env: { ...process.env, npm_config_cache: join(scratch, 'npm-cache') },
    });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const uri = pathToFileURL(join(workspace, 'pytorch/reference_values.py')).href;
    const published = new Promise<PublishDiagnosticsParams>((resolve) =>
      connection.onNotification(PublishDiagnosticsNotification.type, (params) => {
        if (params.uri === uri) resolve(params);
      }),
    );
    connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
    connection.listen();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      capabilities: { workspace: { configuration: true } },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    const text = readFileSync(join(workspace, 'pytorch/reference_values.py'), 'utf8');
    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
    expect((await published).diagnostics).toEqual([]);
    const line = text.split('\n')[6]!;
    const hover = (await connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: 6, character: line.indexOf('BCELoss') + 2 },
    })) as Hover;
    expect((hover.contents as { value: string }).value).toMatch(/tensor\(1\.5081\)/);
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await connection.sendRequest(ShutdownRequest.type);
    await connection.sendNotification(ExitNotification.type);
    expect(await exited).toBe(0);
    connection.dispose();
  });
});

describe('other editors and CI', () => {
  /** The installed package's bin folder, for what starts `losslens` by name (Neovim, the README's snippets). */
  let bin: string;
  beforeAll(() => {
    const prefix = join(scratch, 'global');
    execFileSync('npm', ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], {
      env: { ...process.env, npm_config_cache: join(scratch, 'npm-cache') },
      stdio: 'pipe',
    });
    bin = join(prefix, 'bin');
  });

  const hasNeovim = spawnSync('nvim', ['--version']).status === 0;

  /** The README's Neovim 0.7+ snippet, as it stands there. */
  function neovimSnippet(): string {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const snippet = /<!-- neovim-0\.7 -->\s*```lua\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(snippet, 'the README has the Neovim 0.7+ snippet').toBeDefined();
    return snippet!;
  }

  /** Opens the classifier fixture in headless Neovim set up by `init`; waits for LossLens's diagnostics, asks for a hover on line 26. */
  function inNeovim(init: string, name: string): { codes: Array<[number, string]>; hover: string } {
    const initFile = join(scratch, `${name}.lua`);
    writeFileSync(initFile, init);
    const out = join(scratch, `${name}-out.json`);
    const probe = [
      `vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 100)`,
      `local codes = {}`,
      `for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(codes, {d.lnum + 1, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)}) end`,
      `local line = vim.fn.getline(26)`,
      `local params = { textDocument = vim.lsp.util.make_text_document_params(), position = { line = 25, character = line:find('bce%(') } }`,
      `local hovers = vim.lsp.buf_request_sync(0, 'textDocument/hover', params, 20000) or {}`,
      `local hover = ''`,
      `for _, answer in pairs(hovers) do if answer.result then hover = answer.result.contents.value end end`,
      `vim.fn.writefile({ vim.fn.json_encode({ codes = codes, hover = hover }) }, '${out}')`,
      `vim.cmd('qa!')`,
    ].join('\n');
    const probeFile = join(scratch, `${name}-probe.lua`);
    writeFileSync(probeFile, probe);
    const run = spawnSync('nvim', ['--headless', '--clean', '-u', initFile, 'pytorch/classifier_bugs.py', '-c', `luafile ${probeFile}`], {
      cwd: workspace,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const seen = JSON.parse(readFileSync(out, 'utf8')) as { codes: Array<[number, string]>; hover: string };
    return { codes: [...seen.codes].sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])), hover: seen.hover };
  }

  it.skipIf(!hasNeovim)("Neovim, set up by the README's snippet, shows the findings and hovers", () => {
    const seen = inNeovim(neovimSnippet(), 'nvim');
    expect(seen.codes).toEqual(expectations('pytorch/classifier_bugs.py'));
    expect(seen.hover).toMatch(/LL001/);
    expect(seen.hover).toMatch(/logits \(raw scores\)/);
  });

  it.skipIf(!hasNeovim)("Neovim 0.7's settings, sent as the README says, reach the server", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const call = /<!-- neovim-0\.7-settings -->\s*```lua\n([\s\S]*?)\n```/.exec(readme)?.[1];
    expect(call, 'the README has the settings snippet').toBeDefined();
    const snippet = neovimSnippet();
    const start = /vim\.lsp\.start_client\(\{[^\n]*\}\)/;
    expect(snippet).toMatch(start);
    const seen = inNeovim(
      snippet.replace(start, () => call!),
      'nvim-settings',
    );
    const all = expectations('pytorch/classifier_bugs.py');
    expect(all.some(([, code]) => code !== 'LL001')).toBe(true);
    expect(seen.codes).toEqual(all.filter(([, code]) => code === 'LL001'));
  });

  it("the GitHub Action's step writes a SARIF report and counts its findings", () => {
    const output = join(scratch, 'github-output');
    writeFileSync(output, '');
    const sarif = join(scratch, 'losslens.sarif');
    const run = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'github-action.sh')], {
      cwd: workspace,
      encoding: 'utf8',
      env: {
        ...process.env,
        GITHUB_ACTION_PATH: REPO_ROOT,
        GITHUB_OUTPUT: output,
        INPUT_PATHS: 'pytorch tfjs',
        INPUT_ARGS: '--ignore LL020',
        INPUT_SARIF_FILE: sarif,
        INPUT_PACKAGE: tarball,
        npm_config_cache: join(scratch, 'npm-cache'),
      },
      timeout: 120_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as { version: string; runs: Array<{ results: Array<{ ruleId: string }> }> };
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0]!.results;
    expect(results.length).toBeGreaterThan(10);
    expect(results.map((result) => result.ruleId)).not.toContain('LL020');
    expect(readFileSync(output, 'utf8')).toBe(`findings=${results.length}\nsarif-file=${sarif}\n`);
  });

  it.skipIf(spawnSync('pre-commit', ['--version']).status !== 0)(
    'pre-commit runs the hook on the files it is given, and fails on findings',
    () => {
      const repository = join(scratch, 'project');
      mkdirSync(repository);
      const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, stdio: 'pipe' });
      git('init', '-q');
      cpSync(join(workspace, 'pytorch', 'classifier_bugs.py'), join(repository, 'train.py'));
      cpSync(join(workspace, 'pytorch', 'classifier_fixed.py'), join(repository, 'fixed.py'));
      git('add', '.');
      const env = { ...process.env, PRE_COMMIT_HOME: join(scratch, 'pre-commit-home'), npm_config_update_notifier: 'false' };
      // try-repo clones this repository (uncommitted changes included) as `rev:` would; the first
      // run of the hook builds LossLens in the clone.
      const failing = spawnSync('pre-commit', ['try-repo', REPO_ROOT, 'losslens', '--files', 'train.py', 'fixed.py'], {
        cwd: repository,
        encoding: 'utf8',
        env,
        timeout: 600_000,
      });
      expect(failing.status, failing.stdout + failing.stderr).toBe(1);
      expect(failing.stdout).toMatch(/LossLens\.+Failed/);
      expect(failing.stdout).toMatch(/train\.py:26:\d+: LL001/);
      expect(failing.stdout).not.toMatch(/fixed\.py:/);
      const passing = spawnSync('pre-commit', ['try-repo', REPO_ROOT, 'losslens', '--files', 'fixed.py'], {
        cwd: repository,
        encoding: 'utf8',
        env,
        timeout: 600_000,
      });
      expect(passing.status, passing.stdout + passing.stderr).toBe(0);
      expect(passing.stdout).toMatch(/LossLens\.+Passed/);
    },
    900_000,
  );
});
