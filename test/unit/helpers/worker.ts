import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { watPlugin } from '../../../scripts/wat.mjs';

/** A worker thread's entry (`src/...`) bundled as the build bundles it, into a new temporary folder; its path. */
export async function bundleWorker(entry: string, name: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'losslens-worker-')), name);
  await esbuild.build({
    entryPoints: [join(__dirname, '..', '..', '..', entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'silent',
    plugins: [watPlugin],
  });
  return outfile;
}
