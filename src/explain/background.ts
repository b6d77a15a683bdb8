import { Worker } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import type { CalculatorForm, CalculatorResult, Explanation, FormError } from '../common/protocol/calculator';
import type { RulePageTexts } from '../analysis/rules/docs';
import { supervise } from '../losses/background';
import type { LossTextTable } from '../losses/texts';

/** What the calculator worker is asked to do. */
export type Job =
  | { readonly kind: 'calculate'; readonly form: CalculatorForm; readonly maxElements: number }
  | { readonly kind: 'explain'; readonly topic: string; readonly texts?: RulePageTexts; readonly lossTexts?: LossTextTable };

export interface JobRequest {
  readonly job: Job;
  /** One Int32 the caller sets to 1 to cancel. */
  readonly cancel: SharedArrayBuffer;
  readonly l10nBundle?: Record<string, string>;
}

export type JobReply =
  | { readonly type: 'progress'; readonly fraction: number }
  | { readonly type: 'calculated'; readonly result: CalculatorResult }
  | { readonly type: 'explained'; readonly explanation: Explanation }
  | { readonly type: 'problem'; readonly error: FormError };

export type JobOutcome =
  | { readonly kind: 'calculated'; readonly result: CalculatorResult }
  | { readonly kind: 'explained'; readonly explanation: Explanation }
  | { readonly kind: 'problem'; readonly error: FormError };

export interface JobOptions {
  /** The bundled worker script (`dist/calculator-worker.js`). */
  readonly workerPath: string;
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
  readonly l10nBundle?: Record<string, string>;
}

/**
 * Runs a calculator or explanation job on a worker thread: the extension host only posts the
 * form and receives the answer. Aborting `signal` cancels at the evaluator's next checkpoint; a
 * worker that does not stop within a second is terminated. Problems with the form (a tensor that
 * does not parse, PyTorch's errors) are an outcome, not a rejection.
 */
export function runJob(job: Job, options: JobOptions): Promise<JobOutcome> {
  const cancel = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  const cancelled = (): JobOutcome => ({ kind: 'problem', error: { message: l10n.t('The computation was cancelled.'), code: 'cancelled' } });
  return new Promise<JobOutcome>((resolve, reject) => {
    if (options.signal?.aborted) return resolve(cancelled());
    const request: JobRequest = { job, cancel, ...(options.l10nBundle ? { l10nBundle: options.l10nBundle } : {}) };
    const worker = new Worker(options.workerPath, { workerData: request });
    const finish = supervise(worker, flag, options.signal, () => resolve(cancelled()));
    worker.on('message', (reply: JobReply) => {
      switch (reply.type) {
        case 'progress':
          options.onProgress?.(reply.fraction);
          return;
        case 'calculated':
          finish(() => resolve({ kind: 'calculated', result: reply.result }));
          return;
        case 'explained':
          finish(() => resolve({ kind: 'explained', explanation: reply.explanation }));
          return;
        case 'problem':
          finish(() => resolve({ kind: 'problem', error: reply.error }));
          return;
      }
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => {
      if (code !== 0) finish(() => reject(new Error(l10n.t('The calculator stopped unexpectedly (exit code {0}).', code))));
    });
  });
}
