import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobWorkers, type Job } from '../../../src/explain/background';
import { bundleWorker } from '../helpers/worker';

let workerPath: string;

beforeAll(async () => {
  workerPath = await bundleWorker('src/explain/worker.ts', 'calculator-worker.js');
});

const open: JobWorkers[] = [];
afterEach(() => {
  for (const workers of open.splice(0)) workers.dispose();
});

function workers(): JobWorkers {
  const made = new JobWorkers(workerPath);
  open.push(made);
  return made;
}

const calculation = (input: string): Job => ({
  kind: 'calculate',
  form: { loss: 'mse_loss', tensors: { input, target: '[0, 0, 0]' }, options: {} },
  maxElements: 1_000_000,
});

describe('the calculator worker threads', () => {
  it('answer job after job on one thread, each with its own result', async () => {
    const jobs = workers();
    const first = await jobs.run(calculation('[1., 2., 3.]'));
    const second = await jobs.run(calculation('[3., 3., 3.]'));
    expect(first.kind === 'calculated' && first.result.printed).toBe('tensor(4.6667)');
    expect(second.kind === 'calculated' && second.result.printed).toBe('tensor(9.)');
    expect(jobs.started).toBe(1);
  });

  it('give jobs at the same time a thread each, and keep one of them', async () => {
    const jobs = workers();
    const outcomes = await Promise.all([jobs.run(calculation('[1., 1., 1.]')), jobs.run(calculation('[2., 2., 2.]'))]);
    expect(outcomes.map((outcome) => outcome.kind === 'calculated' && outcome.result.printed)).toEqual(['tensor(1.)', 'tensor(4.)']);
    expect(jobs.started).toBe(2);
    await jobs.run(calculation('[0., 0., 1.]'));
    expect(jobs.started).toBe(2);
  });

  it('report a form the evaluator refuses as a problem, and go on with the next job', async () => {
    const jobs = workers();
    const refused = await jobs.run(calculation('[1., 2.'));
    expect(refused.kind).toBe('problem');
    const next = await jobs.run(calculation('[1., 1., 1.]'));
    expect(next.kind === 'calculated' && next.result.printed).toBe('tensor(1.)');
    expect(jobs.started).toBe(1);
  });

  it('stop a job whose signal is aborted, and answer the next one', async () => {
    const jobs = workers();
    const controller = new AbortController();
    const big = `[${Array.from({ length: 3_000_000 }, (_, i) => (i % 10) / 10).join(', ')}]`;
    const running = jobs.run(
      { kind: 'calculate', form: { loss: 'mse_loss', tensors: { input: big, target: big }, options: {} }, maxElements: 50_000_000 },
      { signal: controller.signal, onProgress: () => controller.abort() },
    );
    controller.abort();
    const outcome = await running;
    expect(outcome.kind === 'problem' && outcome.error.code).toBe('cancelled');
    const next = await jobs.run(calculation('[2., 2., 2.]'));
    expect(next.kind === 'calculated' && next.result.printed).toBe('tensor(4.)');
  });

  it('refuse jobs once disposed', async () => {
    const jobs = workers();
    await jobs.run(calculation('[1., 1., 1.]'));
    jobs.dispose();
    await expect(jobs.run(calculation('[1., 1., 1.]'))).rejects.toThrow('shut down');
  });
});
