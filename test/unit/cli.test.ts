import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectFiles, displayPath } from '../../src/cli/files';
import type { CliIO } from '../../src/cli/io';
import { cliLocale } from '../../src/cli/l10n';
import { main } from '../../src/cli/main';
import { version } from '../../package.json';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], cwd: string = process.cwd()): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { cwd, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

let tree: string;

beforeAll(() => {
  tree = mkdtempSync(join(tmpdir(), 'losslens-cli-'));
  const files: Record<string, string> = {
    'train.py': 'import torch\n',
    'model.ts': 'export {};\n',
    'notes.md': '# not code\n',
    'nb/analysis.ipynb': '{"cells": []}',
    'web/app.mjs': '',
    'web/app.cjs': '',
    'web/view.tsx': '',
    'web/old.js': '',
    'node_modules/pkg/index.js': '',
    '.git/hooks/pre-commit.py': '',
    'venv/pyvenv.cfg': 'home = /usr/bin\n',
    'venv/lib/site.py': '',
    'build/__pycache__/x.py': '',
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(tree, path, '..'), { recursive: true });
    writeFileSync(join(tree, path), text);
  }
  symlinkSync(tree, join(tree, 'nb', 'loop'));
});

describe('collectFiles', () => {
  it('recurses into folders for checked extensions only, skipping VCS, node_modules, caches and virtualenvs', () => {
    const { files, missing } = collectFiles(['.'], tree);
    expect(missing).toEqual([]);
    expect(files.map((file) => displayPath(file, tree))).toEqual([
      'model.ts',
      'nb/analysis.ipynb',
      'train.py',
      'web/app.cjs',
      'web/app.mjs',
      'web/old.js',
      'web/view.tsx',
    ]);
  });

  it('keeps a file named explicitly whatever its extension, once', () => {
    const { files } = collectFiles(['notes.md', 'notes.md', 'train.py'], tree);
    expect(files.map((file) => displayPath(file, tree))).toEqual(['notes.md', 'train.py']);
  });

  it('reports paths that do not exist', () => {
    expect(collectFiles(['missing.py', 'train.py'], tree).missing).toEqual([{ given: 'missing.py', reason: 'no such file or folder' }]);
  });
});

describe('losslens CLI', () => {
  it('prints the package version', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints help listing the subcommands', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: losslens <command> [options]');
    expect(result.stdout).toContain('losslens check [--format text|concise|json|sarif|github|gitlab|junit]');
  });

  it('exits 2 with the help when no command is given', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('Commands:');
  });

  it('exits 2 on an unknown command and names the known ones', async () => {
    const result = await run(['lint', 'x.py']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown command "lint". Commands: check, eval, rule, server.');
  });

  it('check --format json follows the contract', async () => {
    const result = await run(['check', '--format', 'json', '.'], tree);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ version: 1, files: 7, findings: [] });
  });

  it('check prints a summary in text format', async () => {
    const result = await run(['check', 'train.py'], tree);
    expect(result).toEqual({ code: 0, stdout: 'Checked 1 file: no findings.\n', stderr: '' });
  });

  it.each([
    [['check'], 'Give at least one file or folder to check.'],
    [['check', '--format', 'xml', '.'], 'Unknown format "xml": use one of text, concise, json, sarif, github, gitlab, junit.'],
    [['check', '--select', 'LL999', '.'], '--select: there is no rule LL999.'],
    [['check', '--select', 'E501', '.'], '--select expects rule codes like LL001, got "E501".'],
    [['check', '--bogus', '.'], 'Unknown option --bogus.'],
    [['check', '--format'], 'The option --format <value> needs a value.'],
    [['check', 'nowhere.py'], 'nowhere.py: no such file or folder'],
  ])('check %j is a usage error', async (argv, message) => {
    const result = await run(argv, tree);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: losslens check');
  });
});

describe('cliLocale', () => {
  it.each([
    [{ LANG: 'zh_CN.UTF-8' }, 'zh-cn'],
    [{ LC_ALL: 'zh_TW.UTF-8', LANG: 'en_US.UTF-8' }, 'zh-cn'],
    [{ LOSSLENS_LOCALE: 'en', LANG: 'zh_CN.UTF-8' }, undefined],
    [{ LANG: 'de_DE.UTF-8' }, undefined],
    [{}, undefined],
  ])('%j -> %s', (env, expected) => {
    expect(cliLocale(env)).toBe(expected);
  });
});
