import { measureMemory, runEvaluatorBench } from './evaluator';

/** `npm run bench`: prints each part's ratios against its peers; exits 1 when a target is missed. */
async function main(): Promise<void> {
  if (process.argv[2] === '--memory') {
    measureMemory(Number(process.argv[3]));
    return;
  }
  const results = [await runEvaluatorBench()];
  process.exitCode = results.every(Boolean) ? 0 : 1;
}

void main();
