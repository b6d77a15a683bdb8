// Bundles the parts of LossLens that tests and the bench run as separate scripts, as
// `npm run build` does (scripts/build.mjs) but into a folder of the caller's choosing:
//   bundleCheckWorker(outfile)  `losslens check`'s worker thread (src/cli/check-worker.ts)
//   bundleCli(outdir)           the CLI (`losslens check | eval | server`) with the evaluator's
//                               worker, the TensorFlow.js analyzer and the server's thread for it
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { watPlugin } from './wat.mjs';

const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' };

/** @param {string} outfile */
export async function bundleCheckWorker(outfile) {
  await esbuild.build({
    ...node,
    entryPoints: ['src/cli/check-worker.ts'],
    outfile,
    // tfjs registers its CPU backend as an import side effect that bundling would drop.
    external: ['@tensorflow/*'],
    plugins: [treeSitterBeside, watPlugin],
  });
}

/**
 * The tree-sitter runtime (`@vscode/tree-sitter-wasm`'s `tree-sitter.js`) stays a file of its
 * own, required from beside the bundle and copied there: its loader calls `eval`, and a direct
 * `eval` anywhere in a bundle makes V8 keep every top-level binding of the bundle where `eval`
 * could read it, which made the evaluator's kernels in the CLI's bundle run at half speed.
 */
export const treeSitterBeside = {
  name: 'tree-sitter-beside',
  setup(build) {
    build.onResolve({ filter: /^@vscode\/tree-sitter-wasm$/ }, () => ({ path: './tree-sitter.js', external: true }));
    build.onEnd(() => {
      const outdir = build.initialOptions.outdir ?? dirname(build.initialOptions.outfile);
      mkdirSync(outdir, { recursive: true });
      copyFileSync('node_modules/@vscode/tree-sitter-wasm/wasm/tree-sitter.js', join(outdir, 'tree-sitter.js'));
    });
  },
};

/** The CLI's `import('./script/analyze')` stays a `require` of the bundle beside it. */
const tfjsExternal = {
  name: 'tfjs-analyzer-external',
  setup(build) {
    build.onResolve({ filter: /\/script\/analyze$/ }, () => ({ path: './tfjs/analyze.js', external: true }));
  },
};

/** @param {string} outdir */
export async function bundleCli(outdir) {
  await Promise.all([
    esbuild.build({
      ...node,
      entryPoints: { cli: 'src/cli/bin.ts', 'tfjs-worker': 'src/server/tfjs-worker.ts' },
      outdir,
      plugins: [tfjsExternal, treeSitterBeside, watPlugin],
    }),
    esbuild.build({
      ...node,
      entryPoints: { 'evaluator-worker': 'src/losses/worker.ts', 'tfjs/analyze': 'src/analysis/script/analyze.ts' },
      outdir,
      plugins: [watPlugin],
    }),
  ]);
}
