// `npm run release`: releases the version in package.json (docs/RELEASING.md).
//   1. checks what can be checked before building: the version has no git tag yet, CHANGELOG.md
//      has an entry for it (a real release also wants it dated and the working tree clean);
//   2. runs the checks (`npm test`), builds once (`--production`);
//   3. packages one VSIX for every platform and one npm tarball, and checks both: the files the
//      extension and the CLI load are in, sources, tests, source maps and native binaries are not,
//      the VSIX is under 2 MB, and the CLI unpacked from the tarball finds a bug in Python and in
//      TensorFlow.js;
//   4. publishes that VSIX to the VS Code Marketplace (vsce) and to Open VSX (ovsx), that tarball
//      to npm, and tags the commit `v<version>` (pushing the tag is left to the maintainer).
// Tokens come from VSCE_PAT, OVSX_PAT and NPM_TOKEN, in the environment only (never on a command
// line). `--dry-run`, the default while any token is missing, does steps 1-3 and prints the
// commands of step 4 instead of running them. `--skip-tests` (dry run only) leaves out `npm test`
// to rehearse the packaging alone.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version, publisher } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const tag = `v${version}`;

/** The project's budget for the VSIX: the extension downloads in a moment, on any connection. */
const VSIX_BUDGET_BYTES = 2_000_000;
/** What the extension loads at run time, besides the manifest (test/unit/manifest.test.ts has the list from the sources). */
const VSIX_REQUIRED = [
  'package.json',
  'package.nls.json',
  'package.nls.zh-cn.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'media/icon.png',
  'dist/extension.js',
  'dist/cli.js',
  'dist/tfjs-worker.js',
  'dist/evaluator-worker.js',
  'dist/calculator-worker.js',
  'dist/tfjs/analyze.js',
  'dist/tree-sitter.js',
  'dist/tree-sitter.wasm',
  'dist/tree-sitter-python.wasm',
  'l10n/bundle.l10n.zh-cn.json',
];
/** What `npx losslens check | eval | rule | server` loads. */
const NPM_REQUIRED = [
  'package.json',
  'README.md',
  'LICENSE',
  'dist/cli.js',
  'dist/check-worker.js',
  'dist/evaluator-worker.js',
  'dist/tfjs-worker.js',
  'dist/tfjs/analyze.js',
  'dist/tree-sitter.js',
  'dist/tree-sitter.wasm',
  'dist/tree-sitter-python.wasm',
  'l10n/bundle.l10n.zh-cn.json',
  'l10n/rules.zh-cn.json',
  'l10n/losses.zh-cn.json',
];
/** Never shipped: sources, tests, dependencies, source maps, native binaries (one VSIX serves every platform). */
const NEVER_SHIPPED = [
  /^(src|test|bench|scripts|examples|node_modules|media\/src)\//,
  /(^|\/)\.[^/]+$/,
  /\.map$/,
  /\.node$/,
  /\.test\.[cm]?[jt]sx?$/,
  /\.tsbuildinfo$/,
];

const tokens = { VSCE_PAT: process.env.VSCE_PAT, OVSX_PAT: process.env.OVSX_PAT, NPM_TOKEN: process.env.NPM_TOKEN };
const missingTokens = Object.keys(tokens).filter((key) => !tokens[key]);
const dryRun = process.argv.includes('--dry-run') || missingTokens.length > 0;
const skipTests = process.argv.includes('--skip-tests');

class ReleaseError extends Error {}

/**
 * The tools, each as the name printed and the command run. They start without a shell on every
 * platform (node_modules/.bin holds .cmd files on Windows): vsce's and ovsx's scripts run on this
 * Node, and npm's own script when `npm run release` started this one.
 */
const require = createRequire(import.meta.url);
const toolScript = (pkg, script) => join(dirname(require.resolve(`${pkg}/package.json`)), script);
const vsce = { name: 'vsce', argv: [process.execPath, toolScript('@vscode/vsce', 'vsce')] };
const ovsx = { name: 'ovsx', argv: [process.execPath, toolScript('ovsx', 'bin/ovsx')] };
const npm = { name: 'npm', argv: basename(process.env.npm_execpath ?? '') === 'npm-cli.js' ? [process.execPath, process.env.npm_execpath] : ['npm'] };
const git = { name: 'git', argv: ['git'] };
const tar = { name: 'tar', argv: ['tar'] };
const node = { name: 'node', argv: [process.execPath] };

/** Runs a tool in the repository and returns its standard output; prints the command first. */
function run(tool, args, { capture = false, allowedStatuses = [0], env = {} } = {}) {
  const shown = [tool.name, ...args].join(' ');
  console.log(`$ ${shown}`);
  const [command, ...prefix] = tool.argv;
  const result = spawnSync(command, [...prefix, ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new ReleaseError(`${tool.name} could not be started: ${result.error.message}`);
  if (!allowedStatuses.includes(result.status)) throw new ReleaseError(`\`${shown}\` exited with ${result.status}`);
  return result.stdout ?? '';
}

function step(title) {
  console.log(`\n== ${title}`);
}

/** Fails with every problem at once, so one run lists all there is to fix. */
function expectNone(problems, what) {
  if (problems.length > 0) throw new ReleaseError(`${what}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
}

function preflight() {
  step(`${name} ${version}: checks before building${dryRun ? ' (dry run)' : ''}`);
  if (dryRun && missingTokens.length > 0) console.log(`Dry run: ${missingTokens.join(', ')} not set, nothing will be published.`);
  if (skipTests && !dryRun) throw new ReleaseError('--skip-tests is for dry runs: a release runs every check');
  const problems = [];
  const notes = [];
  if (run(git, ['tag', '--list', tag], { capture: true }).trim() !== '') problems.push(`git already has the tag ${tag}: bump the version in package.json`);
  const heading = readFileSync(join(root, 'CHANGELOG.md'), 'utf8')
    .split('\n')
    .find((line) => line.startsWith('## ') && line.split(/\s+/)[1] === version);
  if (!heading) problems.push(`CHANGELOG.md has no "## ${version}" entry`);
  else if (/unreleased/i.test(heading)) (dryRun ? notes : problems).push(`CHANGELOG.md's "${heading}" is still marked unreleased: give it the release date`);
  const changes = run(git, ['status', '--porcelain'], { capture: true }).trim();
  if (changes !== '') (dryRun ? notes : problems).push('the working tree has uncommitted changes: release from a commit');
  for (const tool of [vsce, ovsx, npm]) run(tool, ['--version']);
  for (const note of notes) console.log(`Note (a release would stop here): ${note}`);
  expectNone(problems, 'Not ready to release');
}

/** Checks a list of shipped paths: everything required is there, nothing never shipped is. */
function checkContents(files, required, what) {
  const missing = required.filter((file) => !files.includes(file)).map((file) => `${file} is missing`);
  const unwanted = files.filter((file) => NEVER_SHIPPED.some((pattern) => pattern.test(file))).map((file) => `${file} should not ship`);
  expectNone([...missing, ...unwanted], `The ${what} is not right`);
}

function packageVsix(out) {
  step('VSIX');
  const listed = run(vsce, ['ls', '--no-dependencies'], { capture: true })
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  checkContents(listed, VSIX_REQUIRED, 'VSIX');
  const vsix = join(out, `${name}-${version}.vsix`);
  // No --target: one universal VSIX, which both registries offer to every platform.
  run(vsce, ['package', '--no-dependencies', '--out', vsix]);
  const { size } = statSync(vsix);
  const sha256 = createHash('sha256').update(readFileSync(vsix)).digest('hex');
  console.log(
    `${vsix}: ${listed.length} files, ${size.toLocaleString('en-US')} bytes (budget ${VSIX_BUDGET_BYTES.toLocaleString('en-US')}), SHA-256 ${sha256}`,
  );
  expectNone(size < VSIX_BUDGET_BYTES ? [] : [`it is ${size.toLocaleString('en-US')} bytes`], 'The VSIX is over its 2 MB budget');
  return vsix;
}

function packageNpm(out) {
  step('npm package');
  // --ignore-scripts: `prepack` would build again; the tarball holds the build just checked.
  const [packed] = JSON.parse(run(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', out], { capture: true }));
  checkContents(
    packed.files.map((file) => file.path),
    NPM_REQUIRED,
    'npm package',
  );
  console.log(`${packed.filename}: ${packed.entryCount} files, ${packed.size.toLocaleString('en-US')} bytes packed, integrity ${packed.integrity}`);
  const tarball = join(out, packed.filename);
  smokeTest(tarball, out);
  return tarball;
}

/** The CLI as npm users get it: unpacked from the tarball, with nothing installed beside it. */
function smokeTest(tarball, out) {
  run(tar, ['-xzf', tarball, '-C', out]);
  const cli = join(out, 'package', 'dist', 'cli.js');
  const reported = run(node, [cli, '--version'], { capture: true }).trim();
  const samples = join(out, 'samples');
  mkdirSync(samples);
  writeFileSync(
    join(samples, 'train.py'),
    'import torch.nn.functional as F\n\n\ndef step(logits, target):\n    return F.cross_entropy(F.softmax(logits, dim=1), target)\n',
  );
  writeFileSync(
    join(samples, 'train.ts'),
    "import * as tf from '@tensorflow/tfjs';\n\nconst probs = tf.softmax(tf.randomNormal([4, 3]));\nexport const loss = tf.losses.softmaxCrossEntropy(tf.oneHot([0, 1, 2, 0], 3), probs);\n",
  );
  // Exit 1: findings were reported, as they should be.
  const report = JSON.parse(run(node, [cli, 'check', '--format', 'json', '--no-cache', samples], { capture: true, allowedStatuses: [0, 1] }));
  const found = report.findings.map((finding) => `${finding.file.split(/[\\/]/).pop()}:${finding.code}`).sort();
  const problems = [];
  if (reported !== version) problems.push(`\`losslens --version\` says ${reported}, not ${version}`);
  for (const expected of ['train.py:LL003', 'train.ts:LL003'])
    if (!found.includes(expected)) problems.push(`\`losslens check\` did not report ${expected} (it reported ${found.join(', ') || 'nothing'})`);
  expectNone(problems, 'The packed CLI does not work');
}

/** Each publishing command, run with its token in the environment, or printed in a dry run. */
function publish(vsix, tarball, out) {
  step(dryRun ? 'Publishing (dry run: the commands a release runs)' : 'Publishing');
  const npmrc = join(out, 'publish.npmrc');
  // npm expands ${NPM_TOKEN} when it reads the file: the token itself is never written down.
  writeFileSync(npmrc, '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n');
  // Provenance needs the OIDC identity of a CI run (GitHub Actions); a laptop has none.
  const provenance = process.env.GITHUB_ACTIONS === 'true' ? ['--provenance'] : [];
  const commands = [
    { token: 'VSCE_PAT', tool: vsce, args: ['publish', '--packagePath', vsix, '--skip-duplicate'] },
    { token: 'OVSX_PAT', tool: ovsx, args: ['publish', vsix, '--skip-duplicate'] },
    { token: 'NPM_TOKEN', tool: npm, args: ['publish', tarball, '--userconfig', npmrc, ...provenance] },
  ];
  for (const { token, tool, args } of commands) {
    if (dryRun) {
      console.log(`would run, with ${token} set: ${[tool.name, ...args].join(' ')}`);
      continue;
    }
    // A rerun after a failure part-way skips what is already out: vsce and ovsx by --skip-duplicate,
    // npm here (`npm view` of a version npm does not have exits 1).
    if (tool === npm && run(npm, ['view', `${name}@${version}`, 'version'], { capture: true, allowedStatuses: [0, 1] }).trim() === version) {
      console.log(`${name}@${version} is already on npm`);
      continue;
    }
    run(tool, args, { env: { [token]: tokens[token] } });
  }
  if (dryRun) {
    console.log(`would run: git tag -a ${tag} -m "LossLens ${version}"`);
    return;
  }
  run(git, ['tag', '-a', tag, '-m', `LossLens ${version}`]);
  console.log(`\nReleased ${publisher}.${name} ${version}. Push the tag: git push origin ${tag}`);
}

try {
  preflight();
  const out = mkdtempSync(join(tmpdir(), `${name}-${version}-`));
  if (skipTests) step('Checks: skipped (--skip-tests)');
  else {
    step('Checks');
    run(npm, ['test']);
  }
  step('Build');
  run(node, ['scripts/build.mjs', '--production']);
  const vsix = packageVsix(out);
  const tarball = packageNpm(out);
  publish(vsix, tarball, out);
  console.log(`\nArtifacts: ${vsix}\n           ${tarball}`);
} catch (error) {
  if (!(error instanceof ReleaseError)) throw error;
  console.error(`\n${error.message}`);
  process.exitCode = 1;
}
