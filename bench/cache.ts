/**
 * `npm run bench`, `losslens check` over a tree of 10,000 files, as a CI job runs it: on one
 * thread and on a worker thread per core (no cache), then the first run keeping results in
 * `.losslens_cache/` and a second one over the unchanged tree [target < 1 s].
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main';
import { generatedFile } from './corpus-generator';

const FILES = 10_000;

async function check(folder: string, ...options: string[]): Promise<{ ms: number; output: string }> {
  let output = '';
  const started = performance.now();
  // The worker script is bundled beside the bench (scripts/bench.mjs).
  const io = { cwd: folder, stdout: (text: string) => (output += text), stderr: () => undefined, checkWorker: join(__dirname, 'check-worker.js') };
  await main(['check', '--format', 'json', ...options, '.'], io);
  return { ms: performance.now() - started, output };
}

export async function runCacheBench(): Promise<boolean> {
  const folder = mkdtempSync(join(tmpdir(), 'losslens-tree-'));
  try {
    let lines = 0;
    for (let index = 0; index < FILES; index++) {
      const text = generatedFile(index);
      lines += text.split('\n').length;
      const dir = join(folder, `pkg${index % 100}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `module_${index}.py`), text);
    }
    const cores = availableParallelism();
    const one = await check(folder, '--no-cache', '--jobs', '1');
    const every = await check(folder, '--no-cache', '--jobs', String(cores));
    const cold = await check(folder);
    const cached = await check(folder);
    const same = cold.output === cached.output && one.output === every.output && one.output === cold.output;
    console.log(`losslens check over a tree of ${FILES.toLocaleString('en-US')} files (${lines.toLocaleString('en-US')} lines), ${cores} cores:`);
    console.log(`  one thread ${one.ms.toFixed(0)} ms; ${cores} worker threads ${every.ms.toFixed(0)} ms: ${(one.ms / every.ms).toFixed(2)}x faster`);
    console.log(
      `  first run (worker threads, results kept) ${cold.ms.toFixed(0)} ms; second run over the unchanged tree ${cached.ms.toFixed(0)} ms [target < 1,000 ms]${same ? '' : '  OUTPUTS DIFFER'}`,
    );
    return same && cached.ms < 1000;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
