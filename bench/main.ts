import { runAnalyzerBench } from './analyzer';
import { measureMemory, runEvaluatorBench } from './evaluator';

/**
 * `npm run bench [-- CORPUS] [--only=analyzer|evaluator]`: prints each part's ratios against its
 * peers, measured in the same run; exits 1 when a target is missed.
 */
async function main(): Promise<void> {
  if (process.argv[2] === '--memory') {
    measureMemory(Number(process.argv[3]));
    return;
  }
  const corpus = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  const results: boolean[] = [];
  if (!only || only === 'analyzer') results.push(await runAnalyzerBench(corpus));
  if (!only || only === 'evaluator') results.push(await runEvaluatorBench());
  process.exitCode = results.every(Boolean) ? 0 : 1;
}

void main();
