import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import ignore from 'ignore';
import { isLicenseOk, validateManifest } from 'ovsx';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');
const manifest = JSON.parse(read('package.json'));

/** The categories the Marketplace offers (code.visualstudio.com/api/references/extension-manifest). */
const MARKETPLACE_CATEGORIES = [
  'AI',
  'Chat',
  'Data Science',
  'Debuggers',
  'Education',
  'Extension Packs',
  'Formatters',
  'Keymaps',
  'Language Packs',
  'Linters',
  'Machine Learning',
  'Notebooks',
  'Other',
  'Programming Languages',
  'SCM Providers',
  'Snippets',
  'Testing',
  'Themes',
  'Visualization',
];

/** The text of every file under `src/<folder>`, for the file names the code loads at run time. */
function sourcesOf(...folders: string[]): string {
  return folders
    .flatMap((folder) =>
      readdirSync(join(root, 'src', folder), { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
        .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8')),
    )
    .join('\n');
}

/** `dist/` files named in the sources: the CLI (the server), the workers, the WebAssembly files. */
const distFilesNamedIn = (sources: string): string[] => [...sources.matchAll(/'(cli\.js|[\w-]+-worker\.js|[\w-]+\.wasm)'/g)].map((match) => `dist/${match[1]}`);

/**
 * Loaded at run time under names no source spells: the TensorFlow.js analyzer (scripts/build.mjs
 * turns `import('./script/analyze')` into a `require` of it), tree-sitter's runtime (the build
 * turns `@vscode/tree-sitter-wasm` into a `require` of its `tree-sitter.js`, which finds its
 * WebAssembly by `locateFile`).
 */
const DIST_FILES_NAMED_BY_THE_BUILD = ['dist/tfjs/analyze.js', 'dist/tree-sitter.js', 'dist/tree-sitter.wasm'];

/** Sources, tests, dependencies, source maps, native binaries: in neither the VSIX nor the npm package. */
const NEVER_SHIPPED = [/^(src|test|bench|scripts|examples|node_modules|media\/src)\//, /\.map$/, /\.node$/, /\.test\.[cm]?[jt]sx?$/];

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
});

describe('registry metadata (vsce for the VS Code Marketplace, ovsx for Open VSX)', () => {
  it("passes vsce's own checks, as `vsce package` and `vsce publish` run them (engines, name, publisher, version, pricing, icon, badges)", async () => {
    // Not in vsce's typed API: `readManifest` is what its package and publish commands call first.
    const vscePackage = createRequire(__filename)('@vscode/vsce/out/package') as { readManifest(cwd: string): Promise<{ publisher: string }> };
    await expect(vscePackage.readManifest(root)).resolves.toMatchObject({ publisher: manifest.publisher });
  });

  it("passes ovsx's own checks, as `ovsx publish` runs them: publisher, name and version, and a license (Open VSX takes only licensed extensions)", async () => {
    expect(() => validateManifest(manifest)).not.toThrow();
    await expect(isLicenseOk(root, manifest)).resolves.toBe(true);
  });

  it('names a publisher, a name and a version: both registries refuse a VSIX without them (ovsx validateManifest) and publish under publisher.name', () => {
    expect(manifest.publisher).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(manifest.name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('is licensed, with the license text beside it: Open VSX takes only licensed extensions and vsce warns without a LICENSE file', () => {
    expect(manifest.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License/);
  });

  it('names its GitHub repository: vsce stops to ask without one, and rewrites README links and images against it', () => {
    expect(manifest.repository).toEqual({ type: 'git', url: expect.stringMatching(/^https:\/\/github\.com\/[\w-]+\/[\w-]+\.git$/) });
  });

  it('gives the Marketplace page a banner, links and a price vsce accepts (pricing only "Free" or "Trial")', () => {
    expect(manifest.galleryBanner).toEqual({ color: expect.stringMatching(/^#[0-9a-f]{6}$/i), theme: expect.stringMatching(/^(dark|light)$/) });
    expect(manifest.homepage).toMatch(/^https:\/\//);
    expect(manifest.bugs.url).toMatch(/^https:\/\//);
    expect(manifest.qna === false || /^https:\/\//.test(manifest.qna)).toBe(true);
    expect(manifest.pricing).toBe('Free');
  });

  it('has a PNG icon of at least 128 x 128 pixels: vsce refuses an SVG one and the Marketplace shows it at 128', () => {
    expect(manifest.icon).toMatch(/\.png$/);
    const png = readFileSync(join(root, manifest.icon));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)].every((side) => side >= 128)).toBe(true);
  });

  it('supports no VS Code older than its @types/vscode: vsce refuses typings newer than engines.vscode', () => {
    const [engine, typings] = [manifest.engines.vscode, manifest.devDependencies['@types/vscode']].map((range: string) =>
      range
        .replace(/^[\^~>=]+/, '')
        .split('.')
        .map(Number),
    );
    expect(engine![0]).toBe(typings![0]);
    expect(engine![1]).toBeGreaterThanOrEqual(typings![1]!);
  });

  it('has at most 30 keywords, each once: the Marketplace takes no more', () => {
    expect(manifest.keywords.length).toBeLessThanOrEqual(30);
    expect(new Set(manifest.keywords).size).toBe(manifest.keywords.length);
  });

  it('is in Marketplace categories only', () => {
    expect(manifest.categories.length).toBeGreaterThan(0);
    expect(manifest.categories.filter((category: string) => !MARKETPLACE_CATEGORIES.includes(category))).toEqual([]);
  });

  it('has no "files" field: vsce refuses one beside .vscodeignore, so .npmignore says what the npm package holds', () => {
    expect(manifest.files).toBeUndefined();
    expect(existsSync(join(root, '.npmignore'))).toBe(true);
  });
});

describe('manifest localization', () => {
  const english = JSON.parse(read('package.nls.json'));
  const chinese = JSON.parse(read('package.nls.zh-cn.json'));
  const keysUsed = [...JSON.stringify(manifest).matchAll(/"%([^%"]+)%"/g)].map((match) => match[1]!);

  it('localizes every contributed command and setting (titles, descriptions, enum descriptions)', () => {
    const titles = manifest.contributes.commands.map((command: { title: string }) => command.title);
    const settings = Object.entries(manifest.contributes.configuration.properties).flatMap(([, setting]) => {
      const { description, markdownDescription, enumDescriptions = [] } = setting as Record<string, string | string[] | undefined>;
      return [description ?? markdownDescription, ...(enumDescriptions as string[])];
    });
    expect([...titles, ...settings].filter((text) => !/^%[^%]+%$/.test(String(text)))).toEqual([]);
  });

  it('has an English and a Simplified Chinese string for every %key% of package.json', () => {
    expect(keysUsed.filter((key) => typeof english[key] !== 'string' || english[key] === '')).toEqual([]);
    expect(keysUsed.filter((key) => typeof chinese[key] !== 'string' || chinese[key] === '')).toEqual([]);
  });
});

describe('VSIX contents (.vscodeignore)', () => {
  const lines = read('.vscodeignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const letBackIn = lines.filter((line) => line.startsWith('!')).map((line) => new RegExp(`^${line.slice(1).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`));
  const allowed = (file: string): boolean => letBackIn.some((pattern) => pattern.test(file));

  /** `vsce ls --no-dependencies`: what `npm run package` puts in the VSIX (vsce takes seconds: listed once). */
  let listed: string[] = [];
  beforeAll(() => {
    listed = execFileSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  }, 30_000);

  it('is an allow-list: everything is left out, then files are let back in by name, never a whole folder', () => {
    expect(lines[0]).toBe('**');
    expect(lines.slice(1).filter((line) => !line.startsWith('!'))).toEqual([]);
    expect(lines.filter((line) => line.includes('**') && line !== '**')).toEqual([]);
  });

  it('lets into the VSIX every script the extension starts (a worker left out fails only when a user opens its view)', () => {
    // The extension starts the language server (the CLI's `server`), which starts the evaluator's worker.
    const sources = sourcesOf('extension', 'server', 'analysis');
    const started = [...distFilesNamedIn(sources), ...[...sources.matchAll(/script: '([\w-]+\.js)'/g)].map((match) => `media/dist/${match[1]}`)];
    expect(started).toEqual(
      expect.arrayContaining([
        'dist/cli.js',
        'dist/evaluator-worker.js',
        'dist/calculator-worker.js',
        'dist/tfjs-worker.js',
        'dist/tree-sitter-python.wasm',
        'media/dist/calculator.js',
        'media/dist/explain.js',
      ]),
    );
    expect([...started, ...DIST_FILES_NAMED_BY_THE_BUILD].filter((file) => !allowed(file))).toEqual([]);
  });

  it('ships only the allow-listed files in the VSIX (vsce ls)', () => {
    const expected = [
      /^dist\/(extension|cli|check-worker|tfjs-worker|evaluator-worker|calculator-worker|tree-sitter|tfjs\/analyze)\.js$/,
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
    expect(listed.filter((file) => !expected.some((pattern) => pattern.test(file)))).toEqual([]);
    expect(listed).toEqual(
      expect.arrayContaining([
        'package.json',
        'package.nls.json',
        'package.nls.zh-cn.json',
        'README.md',
        'LICENSE',
        'media/icon.png',
        'media/walkthrough/sample.md',
      ]),
    );
  });

  it('ships no sources, tests, dependencies, source maps or native binaries (vsce ls): one VSIX serves every platform', () => {
    expect(listed.filter((file) => NEVER_SHIPPED.some((pattern) => pattern.test(file)))).toEqual([]);
  });
});

describe('npm package (.npmignore)', () => {
  const npmignore = ignore().add(read('.npmignore'));

  it('lets in every file the CLI loads: its workers, the TensorFlow.js analyzer, the WebAssembly files, the translations', () => {
    const loaded = [manifest.bin.losslens.replace(/^\.\//, ''), ...distFilesNamedIn(sourcesOf('cli', 'server', 'analysis')), ...DIST_FILES_NAMED_BY_THE_BUILD];
    expect(loaded).toEqual(
      expect.arrayContaining(['dist/cli.js', 'dist/check-worker.js', 'dist/tfjs-worker.js', 'dist/evaluator-worker.js', 'dist/tree-sitter-python.wasm']),
    );
    const translations = readdirSync(join(root, 'l10n')).map((file) => `l10n/${file}`);
    expect([...loaded, ...translations].filter((file) => npmignore.ignores(file))).toEqual([]);
  });

  it("leaves out the extension's own bundles, the webviews and source maps", () => {
    const extensionOnly = [
      'dist/extension.js',
      'dist/calculator-worker.js',
      'dist/cli.js.map',
      'dist/tfjs/analyze.js.map',
      'media/dist/calculator.js',
      'package.nls.json',
    ];
    expect(extensionOnly.filter((file) => !npmignore.ignores(file))).toEqual([]);
  });

  it('packs README, LICENSE and CHANGELOG and nothing that is never shipped (npm pack --dry-run)', () => {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    );
    const files: string[] = packed.files.map((file: { path: string }) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']));
    expect(files.filter((file) => NEVER_SHIPPED.some((pattern) => pattern.test(file)))).toEqual([]);
  });
});
