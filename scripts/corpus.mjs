// `npm run corpus -- PATH [--findings]`: see bench/corpus.ts.
import { execFileSync } from 'node:child_process';
import * as esbuild from 'esbuild';
import { watPlugin } from './wat.mjs';

await esbuild.build({
  entryPoints: ['bench/corpus.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outfile: 'dist/bench/corpus.js',
  logLevel: 'warning',
  plugins: [watPlugin],
});
try {
  execFileSync(process.execPath, ['dist/bench/corpus.js', ...process.argv.slice(2)], { stdio: 'inherit' });
} catch {
  process.exitCode = 1;
}
