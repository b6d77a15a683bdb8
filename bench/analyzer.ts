/**
 * `npm run bench`, analyzer part: `check` over a corpus (a path given on the command line, or a
 * generated one) against Ruff's WASM build with its default rules and against tree-sitter parsing
 * alone, same files, same run; then a 5,000-line file analysed from scratch and re-analysed after
 * a one-line edit.
 */
import { readFileSync } from 'node:fs';
import { Workspace, PositionEncoding } from '@astral-sh/ruff-wasm-nodejs';
import { PythonAnalyzer } from '../src/analysis/analyze';
import { parsePython, pythonParser } from '../src/analysis/python/parser';
import { collectFiles } from '../src/cli/files';
import { generatedFile } from './corpus-generator';

const RUNS = 3;

function best(run: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

async function bestAsync(run: () => Promise<void>, runs = RUNS): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

function corpus(path: string | undefined): { name: string; files: string[] } {
  if (path) {
    const { files } = collectFiles([path]);
    return { name: path, files: files.filter((file) => file.endsWith('.py')).map((file) => readFileSync(file, 'utf8')) };
  }
  const files: string[] = [];
  let lines = 0;
  for (let index = 0; lines < 100_000; index++) {
    const text = generatedFile(index);
    files.push(text);
    lines += text.split('\n').length;
  }
  return { name: 'generated', files };
}

export async function runAnalyzerBench(path: string | undefined): Promise<boolean> {
  const { name, files } = corpus(path);
  const lines = files.reduce((sum, text) => sum + text.split('\n').length, 0);
  const parser = await pythonParser();
  const ruff = new Workspace(Workspace.defaultSettings(), PositionEncoding.Utf16);
  ruff.check(files[0] ?? '');

  let findings = 0;
  const losslens = await bestAsync(async () => {
    findings = 0;
    for (const text of files) {
      const analyzer = new PythonAnalyzer();
      findings += (await analyzer.analyze(text)).findings.length;
      analyzer.dispose();
    }
  });
  let ruffDiagnostics = 0;
  const ruffMs = best(() => {
    ruffDiagnostics = 0;
    for (const text of files) ruffDiagnostics += (ruff.check(text) as unknown[]).length;
  });
  const parseMs = best(() => {
    for (const text of files) parsePython(parser, text).delete();
  });

  console.log(`Analyzer, corpus ${name}: ${files.length} files, ${lines.toLocaleString('en-US')} lines (best of ${RUNS})`);
  console.log(`  LossLens check        ${losslens.toFixed(0).padStart(6)} ms  (${findings} findings)`);
  console.log(`  Ruff WASM ${Workspace.version().padEnd(11)} ${ruffMs.toFixed(0).padStart(6)} ms  (${ruffDiagnostics} diagnostics, default rules): LossLens takes ${(losslens / ruffMs).toFixed(2)}x Ruff's time [target ≤ 1x]`);
  console.log(`  tree-sitter parse     ${parseMs.toFixed(0).padStart(6)} ms: LossLens takes ${(losslens / parseMs).toFixed(2)}x parsing alone`);

  // One 5,000-line file: from scratch, then after a one-line edit in the middle.
  let big = '';
  for (let index = 0; big.split('\n').length < 5000; index++) big += `${generatedFile(10_000 + index)}\n`;
  big = big.split('\n').slice(0, 5000).join('\n');
  const scratch = await bestAsync(async () => {
    const analyzer = new PythonAnalyzer();
    await analyzer.analyze(big);
    analyzer.dispose();
  }, 5);
  const editor = new PythonAnalyzer();
  await editor.analyze(big);
  const middle = big.indexOf('total += loss.item()', big.length / 2);
  let flip = false;
  const edit = await bestAsync(async () => {
    flip = !flip;
    const edited = `${big.slice(0, middle)}total += loss.item()${flip ? ' * 1.0' : ''}${big.slice(middle + 'total += loss.item()'.length)}`;
    await editor.analyze(edited);
  }, 7);
  editor.dispose();
  console.log(`  5,000-line file: ${scratch.toFixed(1)} ms from scratch [target < 40 ms], ${edit.toFixed(1)} ms after a one-line edit [target < 10 ms]`);
  return losslens <= ruffMs && scratch < 40 && edit < 10;
}
