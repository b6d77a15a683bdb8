// Bundles `losslens check`'s worker thread (src/cli/check-worker.ts) to `outfile`, for the bench
// and the tests; `npm run build` bundles it beside the CLI (scripts/build.mjs).
import * as esbuild from 'esbuild';

/** @param {string} outfile */
export async function bundleCheckWorker(outfile) {
  await esbuild.build({
    entryPoints: ['src/cli/check-worker.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    // tfjs registers its CPU backend as an import side effect that bundling would drop.
    external: ['@tensorflow/*'],
    logLevel: 'warning',
  });
}
