import { parentPort, workerData } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import type { JobReply, JobRequest, WorkerSetup } from './background';
import { calculate, FormProblem } from './calculate';
import { explainLoss, explainRule } from './explanations';
import { throttled } from '../losses/background';
import { LossError } from '../losses/errors';

/**
 * Entry point of the calculator worker thread (bundled as dist/calculator-worker.js): jobs one
 * after another, each answered under its id, for as long as the extension keeps the thread.
 */
const setup = workerData as WorkerSetup;
if (setup.l10nBundle) l10n.config({ contents: setup.l10nBundle });
const post = (reply: JobReply) => parentPort!.postMessage(reply);

parentPort!.on('message', (request: JobRequest) => {
  const { id, job } = request;
  const cancelled = new Int32Array(request.cancel);
  try {
    switch (job.kind) {
      case 'calculate': {
        const progress = throttled((fraction) => post({ id, type: 'progress', fraction }));
        post({
          id,
          type: 'calculated',
          result: calculate(job.form, { maxElements: job.maxElements, onProgress: progress, isCancelled: () => Atomics.load(cancelled, 0) === 1 }),
        });
        break;
      }
      case 'explain': {
        const explanation = /^LL\d{3}$/.test(job.topic) ? explainRule(job.topic, job.texts) : explainLoss(job.topic, job.lossTexts);
        if (explanation) post({ id, type: 'explained', explanation });
        else post({ id, type: 'problem', error: { message: l10n.t('LossLens has no explanation of "{0}".', job.topic) } });
        break;
      }
    }
  } catch (error) {
    if (error instanceof FormProblem) post({ id, type: 'problem', error: error.error });
    else if (error instanceof LossError) post({ id, type: 'problem', error: { message: error.message, code: error.code } });
    else throw error;
  }
});
