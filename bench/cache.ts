/**
 * `npm run bench`, `losslens check` over a tree of 10,000 files, as a CI job runs it: the first
 * run (each file analysed, results kept in `.losslens_cache/`), then a second one over the
 * unchanged tree [target < 1 s], in this process (the parser already loaded).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main';
import { generatedFile } from './corpus-generator';

const FILES = 10_000;

async function check(folder: string): Promise<{ ms: number; output: string }> {
  let output = '';
  const started = performance.now();
  await main(['check', '--format', 'json', '.'], { cwd: folder, stdout: (text) => (output += text), stderr: () => undefined });
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
    const cold = await check(folder);
    const cached = await check(folder);
    const same = cold.output === cached.output;
    console.log(`losslens check over a tree of ${FILES.toLocaleString('en-US')} files (${lines.toLocaleString('en-US')} lines):`);
    console.log(
      `  first run ${cold.ms.toFixed(0)} ms; second run over the unchanged tree ${cached.ms.toFixed(0)} ms [target < 1,000 ms]${same ? '' : '  OUTPUT DIFFERS'}`,
    );
    return same && cached.ms < 1000;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
