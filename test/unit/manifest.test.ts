import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('extension manifest', () => {
  it('activates on Python, notebooks, TypeScript and JavaScript', () => {
    expect(manifest.activationEvents).toEqual(
      expect.arrayContaining(['onLanguage:python', 'onNotebook:jupyter-notebook', 'onLanguage:typescript', 'onLanguage:javascript']),
    );
  });

  it('puts every command under the LossLens category with a localized title', () => {
    for (const command of manifest.contributes.commands) {
      expect(command.category).toBe('LossLens');
      expect(command.title).toMatch(/^%.+%$/);
    }
  });

  it('ships only the allow-listed files in the VSIX (.vscodeignore)', () => {
    const listed = execFileSync(join(root, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    const allowed = [
      /^dist\/(extension|cli|check-worker|tfjs-worker|evaluator-worker|calculator-worker|tfjs\/analyze)\.js$/,
      /^dist\/tree-sitter(-python)?\.wasm$/,
      /^media\/dist\/[\w-]+\.(js|css)$/,
      /^media\/icon\.png$/,
      /^media\/walkthrough\/[\w-]+\.md$/,
      /^l10n\/bundle\.l10n(\.[\w-]+)?\.json$/,
      /^l10n\/(rules|losses)\.[\w-]+\.json$/,
      /^package(\.nls(\.[\w-]+)?)?\.json$/,
      /^(README|CHANGELOG)\.md$/,
      /^LICENSE$/,
    ];
    expect(listed.filter((file) => !allowed.some((pattern) => pattern.test(file)))).toEqual([]);
    expect(listed).toEqual(
      expect.arrayContaining(['package.json', 'package.nls.json', 'README.md', 'LICENSE', 'media/icon.png', 'media/walkthrough/sample.md']),
    );
  });

  it('lets into the VSIX every script the extension starts (a worker left out fails only when a user opens its view)', () => {
    // The extension starts the language server (the CLI's `server`), which starts the evaluator's worker.
    const sources = ['extension', 'server']
      .flatMap((folder) =>
        readdirSync(join(root, 'src', folder), { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
          .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8')),
      )
      .join('\n');
    const started = [
      ...[...sources.matchAll(/'(cli\.js|[\w-]+-worker\.js)'/g)].map((match) => `dist/${match[1]}`),
      ...[...sources.matchAll(/script: '([\w-]+\.js)'/g)].map((match) => `media/dist/${match[1]}`),
    ];
    expect(started).toEqual(
      expect.arrayContaining(['dist/cli.js', 'dist/evaluator-worker.js', 'dist/calculator-worker.js', 'media/dist/calculator.js', 'media/dist/explain.js']),
    );
    const allowed = readFileSync(join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => new RegExp(`^${line.slice(1).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`));
    expect(started.filter((file) => !allowed.some((pattern) => pattern.test(file)))).toEqual([]);
  });
});
