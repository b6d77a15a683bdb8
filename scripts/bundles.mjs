// Bundles the parts of LossLens that tests and the bench run as separate scripts, as
// `npm run build` does (scripts/build.mjs) but into a folder of the caller's choosing:
//   bundleCheckWorker(outfile)  `losslens check`'s worker thread (src/cli/check-worker.ts)
//   bundleCli(outdir)           the CLI (`losslens check | eval | server`) with the evaluator's
//                               worker, the TensorFlow.js analyzer and the server's thread for it
import * as esbuild from 'esbuild';

const node = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' };

/** @param {string} outfile */
export async function bundleCheckWorker(outfile) {
  await esbuild.build({
    ...node,
    entryPoints: ['src/cli/check-worker.ts'],
    outfile,
    // tfjs registers its CPU backend as an import side effect that bundling would drop.
    external: ['@tensorflow/*'],
  });
}

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
    esbuild.build({ ...node, entryPoints: { cli: 'src/cli/bin.ts', 'tfjs-worker': 'src/server/tfjs-worker.ts' }, outdir, plugins: [tfjsExternal] }),
    esbuild.build({ ...node, entryPoints: { 'evaluator-worker': 'src/losses/worker.ts', 'tfjs/analyze': 'src/analysis/script/analyze.ts' }, outdir }),
  ]);
}
