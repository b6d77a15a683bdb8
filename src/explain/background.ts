import { Worker } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import type { CalculatorForm, CalculatorResult, Explanation, FormError } from '../common/protocol/calculator';
import type { RulePageTexts } from '../analysis/rules/docs';
import type { LossTextTable } from '../losses/texts';

/** What the calculator worker is asked to do. */
export type Job =
  | { readonly kind: 'calculate'; readonly form: CalculatorForm; readonly maxElements: number }
  | { readonly kind: 'explain'; readonly topic: string; readonly texts?: RulePageTexts; readonly lossTexts?: LossTextTable };

/** A worker's replies, each naming its job. */
export type JobReply = { readonly id: number } & (
  | { readonly type: 'progress'; readonly fraction: number }
  | { readonly type: 'calculated'; readonly result: CalculatorResult }
  | { readonly type: 'explained'; readonly explanation: Explanation }
  | { readonly type: 'problem'; readonly error: FormError }
);

export type JobOutcome =
  | { readonly kind: 'calculated'; readonly result: CalculatorResult }
  | { readonly kind: 'explained'; readonly explanation: Explanation }
  | { readonly kind: 'problem'; readonly error: FormError };

export interface JobOptions {
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
}

/** A job as posted to a worker: its id names the replies, its flag cancels it. */
export interface JobRequest {
  readonly id: number;
  readonly job: Job;
  /** One Int32 the caller sets to 1 to cancel. */
  readonly cancel: SharedArrayBuffer;
}

/** What the worker is started with. */
export interface WorkerSetup {
  readonly l10nBundle?: Record<string, string>;
}

/**
 * Calculator and explanation jobs on worker threads, kept between jobs: the extension host only
 * posts the form and receives the answer. A worker started per job cost each keystroke in the
 * calculator the start of a thread and the load of its bundle (60–110 ms for a 10,000-element
 * input whose computation takes 5 ms); a worker kept idle answers the next job at once, with its
 * code already compiled. Jobs at the same time each get a worker; one idle worker is kept.
 * Aborting a job's `signal` cancels it at the evaluator's next checkpoint; a worker that does not
 * stop within a second is terminated (and not reused). Problems with the form (a tensor that does
 * not parse, PyTorch's errors) are an outcome, not a rejection.
 */
export class JobWorkers {
  private idle: Worker | undefined;
  private nextId = 0;
  /** Threads started so far (the tests read it: a job after a job reuses the thread). */
  started = 0;
  private disposed = false;

  constructor(
    private readonly workerPath: string,
    private readonly setup: WorkerSetup = {},
  ) {}

  run(job: Job, options: JobOptions = {}): Promise<JobOutcome> {
    const cancel = new SharedArrayBuffer(4);
    const flag = new Int32Array(cancel);
    const cancelled = (): JobOutcome => ({ kind: 'problem', error: { message: l10n.t('The computation was cancelled.'), code: 'cancelled' } });
    return new Promise<JobOutcome>((resolve, reject) => {
      if (options.signal?.aborted) return resolve(cancelled());
      if (this.disposed) return reject(new Error(l10n.t('The calculator has shut down.')));
      const worker = this.idle ?? this.start();
      this.idle = undefined;
      // An idle worker must not keep the process alive; a working one is held by its job.
      worker.ref();
      const id = this.nextId++;
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const finish = (outcome: () => void, reusable: boolean) => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (reusable && !this.disposed && !this.idle) {
          worker.unref();
          this.idle = worker;
        } else {
          void worker.terminate();
        }
        outcome();
      };
      const onAbort = () => {
        Atomics.store(flag, 0, 1);
        killTimer = setTimeout(() => finish(() => resolve(cancelled()), false), 1000);
      };
      const onMessage = (reply: JobReply) => {
        if (reply.id !== id) return;
        switch (reply.type) {
          case 'progress':
            options.onProgress?.(reply.fraction);
            return;
          case 'calculated':
            finish(() => resolve({ kind: 'calculated', result: reply.result }), true);
            return;
          case 'explained':
            finish(() => resolve({ kind: 'explained', explanation: reply.explanation }), true);
            return;
          case 'problem':
            finish(() => resolve({ kind: 'problem', error: reply.error }), true);
            return;
        }
      };
      const onError = (error: Error) => finish(() => reject(error), false);
      const onExit = (code: number) => finish(() => reject(new Error(l10n.t('The calculator stopped unexpectedly (exit code {0}).', code))), false);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const request: JobRequest = { id, job, cancel };
      worker.postMessage(request);
    });
  }

  private start(): Worker {
    this.started++;
    const worker = new Worker(this.workerPath, { workerData: this.setup });
    // An idle thread that fails or ends is dropped (a job's own listeners report it while one runs).
    const drop = () => {
      if (this.idle === worker) this.idle = undefined;
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    return worker;
  }

  /** Stops the idle worker; jobs still running end as they would. */
  dispose(): void {
    this.disposed = true;
    void this.idle?.terminate();
    this.idle = undefined;
  }
}
