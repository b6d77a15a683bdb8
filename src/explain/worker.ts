import { parentPort, workerData } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import type { JobReply, JobRequest } from './background';
import { calculate, FormProblem } from './calculate';
import { explainLoss, explainRule } from './explanations';
import { throttled } from '../losses/background';
import { LossError } from '../losses/errors';

/** Entry point of the calculator worker thread (bundled as dist/calculator-worker.js): one job, one answer. */
const request = workerData as JobRequest;
if (request.l10nBundle) l10n.config({ contents: request.l10nBundle });
const cancelled = new Int32Array(request.cancel);
const post = (reply: JobReply) => parentPort!.postMessage(reply);

const progress = throttled((fraction) => post({ type: 'progress', fraction }));

try {
  const job = request.job;
  switch (job.kind) {
    case 'calculate':
      post({
        type: 'calculated',
        result: calculate(job.form, { maxElements: job.maxElements, onProgress: progress, isCancelled: () => Atomics.load(cancelled, 0) === 1 }),
      });
      break;
    case 'explain': {
      const explanation = /^LL\d{3}$/.test(job.topic) ? explainRule(job.topic, job.texts) : explainLoss(job.topic, job.lossTexts);
      if (explanation) post({ type: 'explained', explanation });
      else post({ type: 'problem', error: { message: l10n.t('LossLens has no explanation of "{0}".', job.topic) } });
      break;
    }
  }
} catch (error) {
  if (error instanceof FormProblem) post({ type: 'problem', error: error.error });
  else if (error instanceof LossError) post({ type: 'problem', error: { message: error.message, code: error.code } });
  else throw error;
}
