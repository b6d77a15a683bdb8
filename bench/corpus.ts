/**
 * `npm run corpus -- PATH [--findings] [--prefilter]`: runs the analyzer over every file `check`
 * would read under PATH and reports crashes (exceptions and internal rule errors), the slowest
 * files, and findings per rule; with --findings, every finding with its message, for reading;
 * with --prefilter, every Python file's loss and activation calls found by a walk over its whole
 * tree against those the analyzer finds from its selection (they must be the same).
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { analyzeDocument, documentKind } from '../src/analysis/document';
import { AnalysisHost } from '../src/analysis/host';
import { SourceFile } from '../src/analysis/python/source-file';
import { collectFiles } from '../src/cli/files';
import { sitesBySelection, sitesByWalk } from './site-walk';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const root = args.find((arg) => !arg.startsWith('--'));
  if (!root) {
    console.error('usage: npm run corpus -- PATH [--findings]');
    process.exitCode = 2;
    return;
  }
  const { files } = collectFiles([root]);
  const timings: Array<{ file: string; ms: number; lines: number }> = [];
  const perRule = new Map<string, number>();
  const crashes: string[] = [];
  const all: string[] = [];
  let lines = 0;
  const host = new AnalysisHost([root]);
  const parser = await host.parser();
  const dropped: string[] = [];
  let walked = 0;
  for (const file of files) {
    const kind = documentKind(file);
    if (!kind) continue;
    const text = readFileSync(file, 'utf8');
    const count = text.split('\n').length;
    lines += count;
    const source = new SourceFile(host, file);
    const started = performance.now();
    try {
      const result = await analyzeDocument(source, kind, text, {
        onInternalError: (rule, error) => crashes.push(`${relative(root, file)}: ${rule}: ${(error as Error).stack ?? error}`),
      });
      timings.push({ file, ms: performance.now() - started, lines: count });
      for (const finding of result.findings) {
        perRule.set(finding.code, (perRule.get(finding.code) ?? 0) + 1);
        all.push(
          `${relative(root, file)}:${finding.cell !== undefined ? `cell ${finding.cell}:` : ''}${finding.start.line}:${finding.start.column}: ${finding.code} ${finding.message}`,
        );
      }
    } catch (error) {
      crashes.push(`${relative(root, file)}: ${(error as Error).stack ?? error}`);
    } finally {
      source.dispose();
    }
    if (args.includes('--prefilter') && kind === 'python' && !text.includes('\u0000')) {
      const expected = sitesByWalk(parser, text);
      const found = new Set(sitesBySelection(parser, text));
      walked += expected.length;
      for (const site of expected) if (!found.has(site)) dropped.push(`${relative(root, file)}: ${site}`);
    }
  }
  host.dispose();
  const total = timings.reduce((sum, timing) => sum + timing.ms, 0);
  console.log(`${files.length} files, ${lines.toLocaleString('en-US')} lines, analysed in ${total.toFixed(0)} ms`);
  console.log(`crashes: ${crashes.length}`);
  for (const crash of crashes) console.log(`  ${crash}`);
  console.log('slowest files:');
  for (const timing of [...timings].sort((a, b) => b.ms - a.ms).slice(0, 5))
    console.log(`  ${timing.ms.toFixed(1).padStart(8)} ms  ${timing.lines.toString().padStart(6)} lines  ${relative(root, timing.file)}`);
  console.log('findings per rule:');
  for (const [code, count] of [...perRule].sort()) console.log(`  ${code}  ${count}`);
  if (perRule.size === 0) console.log('  none');
  if (args.includes('--findings')) {
    console.log('findings:');
    for (const line of all) console.log(`  ${line}`);
  }
  if (args.includes('--prefilter')) {
    console.log(`pre-filter: ${walked} loss and activation calls found by a whole-tree walk, ${dropped.length} missed by the selection`);
    for (const site of dropped) console.log(`  missed ${site}`);
  }
  process.exitCode = crashes.length > 0 || dropped.length > 0 ? 1 : 0;
}

void main();
