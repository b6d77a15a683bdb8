import { measureTyping, runAnalyzerBench } from './analyzer';
import { runCacheBench } from './cache';
import { measureMemory, runEvaluatorBench } from './evaluator';
import { runEveryLossBench } from './every-loss';
import { runPasteBench } from './paste';
import { measureScaling, runScalingBench } from './scaling';
import { runServerBench } from './server';
import { runTfjsBench } from './tfjs';

/**
 * `npm run bench [-- CORPUS] [--tfjs=PATH] [--only=analyzer|tfjs|scaling|server|cache|evaluator|losses|paste] [--kinds=loss-lines,parentheses,...]`:
 * prints each part's ratios against its peers, measured in the same run (the scaling part only for
 * the kinds named by `--kinds`, when given); exits 1 when a target is missed.
 */
async function main(): Promise<void> {
  if (process.argv[2] === '--memory') {
    measureMemory(Number(process.argv[3]));
    return;
  }
  if (process.argv[2] === '--typing') {
    await measureTyping();
    return;
  }
  if (process.argv[2] === '--scaling') {
    await measureScaling(process.argv[3] as Parameters<typeof measureScaling>[0], Number(process.argv[4]));
    return;
  }
  const corpus = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
  const results: boolean[] = [];
  if (!only || only === 'analyzer') results.push(await runAnalyzerBench(corpus));
  const tfjsCorpus = process.argv.find((arg) => arg.startsWith('--tfjs='))?.slice('--tfjs='.length);
  if (!only || only === 'analyzer' || only === 'tfjs') results.push(await runTfjsBench(tfjsCorpus));
  const kinds = process.argv
    .find((arg) => arg.startsWith('--kinds='))
    ?.slice('--kinds='.length)
    .split(',');
  if (!only || only === 'analyzer' || only === 'scaling') results.push(runScalingBench(kinds));
  if (!only || only === 'server') results.push(await runServerBench());
  if (!only || only === 'cache') results.push(await runCacheBench());
  if (!only || only === 'evaluator') results.push(await runEvaluatorBench());
  if (!only || only === 'evaluator' || only === 'losses') results.push(runEveryLossBench());
  if (!only || only === 'evaluator' || only === 'losses' || only === 'paste') results.push(await runPasteBench());
  process.exitCode = results.every(Boolean) ? 0 : 1;
}

void main();
