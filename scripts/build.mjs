// Bundles the extension, the CLI and the webview scripts with esbuild.
//   node scripts/build.mjs               development build (source maps)
//   node scripts/build.mjs --production  minified, no source maps (what `npm run package` ships)
//   node scripts/build.mjs --tests       also the integration suite that runs in the extension host
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  legalComments: production ? 'none' : 'inline',
};

/**
 * The TensorFlow.js analyzer carries the TypeScript parser (megabytes): it is its own bundle,
 * `dist/tfjs/analyze.js`, which the extension and the CLI load the first time a file imports
 * TensorFlow.js. Their `import('./script/analyze')` stays a `require` of that file.
 */
const tfjsExternal = {
  name: 'tfjs-analyzer-external',
  setup(build) {
    build.onResolve({ filter: /\/script\/analyze$/ }, () => ({ path: './tfjs/analyze.js', external: true }));
  },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    entryPoints: { extension: 'src/extension/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [tfjsExternal],
  },
  {
    ...common,
    entryPoints: { 'tfjs/analyze': 'src/analysis/script/analyze.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { 'evaluator-worker': 'src/losses/worker.ts', 'calculator-worker': 'src/explain/worker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    ...common,
    entryPoints: { cli: 'src/cli/bin.ts', 'check-worker': 'src/cli/check-worker.ts', 'tfjs-worker': 'src/server/tfjs-worker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [tfjsExternal],
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['status', 'calculator', 'explain'].flatMap((page) => [`media/src/${page}.ts`, `media/src/${page}.css`]),
    outdir: 'media/dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

if (tests) {
  builds.push({
    ...common,
    sourcemap: 'inline',
    entryPoints: readdirSync('test/integration/suite')
      .filter((file) => file === 'index.ts' || file.endsWith('.test.ts'))
      .map((file) => `test/integration/suite/${file}`),
    outdir: 'dist/test/integration',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  });
}

if (!watch) {
  rmSync('dist', { recursive: true, force: true });
  rmSync('media/dist', { recursive: true, force: true });
}

/** The tree-sitter runtime and Python grammar, loaded at run time beside the bundles. */
function copyWasm() {
  mkdirSync('dist', { recursive: true });
  for (const file of ['tree-sitter.wasm', 'tree-sitter-python.wasm']) copyFileSync(`node_modules/@vscode/tree-sitter-wasm/wasm/${file}`, `dist/${file}`);
}

if (watch) {
  copyWasm();
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  copyWasm();
}
