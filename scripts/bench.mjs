// `npm run bench [-- CORPUS]`: bundles bench/ with esbuild and runs it; see bench/main.ts.
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { bundleCheckWorker, bundleCli, treeSitterBeside } from './bundles.mjs';
import { watPlugin } from './wat.mjs';

// `losslens check`'s worker threads, beside the bench (the bench's check runs look for it there).
await bundleCheckWorker('dist/bench/check-worker.js');
// The CLI and its workers, beside the bench: the server part runs `losslens server` from there.
await bundleCli('dist/bench');
// The calculator's worker, beside the bench: its typing test sends edits to it as the extension does.
await esbuild.build({
  entryPoints: ['src/explain/worker.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/bench/calculator-worker.js',
  plugins: [watPlugin],
  logLevel: 'warning',
});
await esbuild.build({
  entryPoints: ['bench/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/bench/bench.js',
  // tfjs registers its CPU backend as an import side effect that bundling would drop.
  external: ['@tensorflow/*', '@astral-sh/ruff-wasm-nodejs'],
  plugins: [treeSitterBeside, watPlugin],
  logLevel: 'warning',
});
try {
  execFileSync(process.execPath, ['dist/bench/bench.js', ...process.argv.slice(2)], { stdio: 'inherit' });
} catch {
  process.exitCode = 1;
}
