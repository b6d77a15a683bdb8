import { Worker } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import { Tensor, type DType } from '../tensor/tensor';
import { LossError, type LossErrorCode } from './errors';
import type { EvaluateRequest, Evaluation } from './evaluate';
import { findLoss } from './registry';
import { TENSOR_MEMORY } from '../tensor/storage';

/** A tensor as it crosses the thread boundary (structured clone keeps the Float64Array). */
export interface TensorMessage {
  readonly data: Float64Array;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly weak: boolean;
}

export interface WorkerRequest {
  readonly loss: string;
  readonly args: Record<string, TensorMessage>;
  readonly kwargs: Record<string, unknown>;
  readonly recordSteps: boolean;
  readonly maxElements?: number;
  /** One Int32 the caller sets to 1 to cancel. */
  readonly cancel: SharedArrayBuffer;
  /** The caller's l10n bundle (`vscode.l10n.bundle`), so PyTorch's errors read in its language. */
  readonly l10nBundle?: Record<string, string>;
}

export type WorkerReply =
  | { readonly type: 'progress'; readonly fraction: number }
  | {
      readonly type: 'result';
      readonly value: TensorMessage;
      readonly warnings: readonly string[];
      readonly steps: ReadonlyArray<{ id: string; title: string; tensor: TensorMessage }>;
    }
  | { readonly type: 'error'; readonly code: LossErrorCode; readonly message: string };

/** At most one progress message per 50 ms: the host only redraws a bar (used by the workers). */
export function throttled(send: (fraction: number) => void): (fraction: number) => void {
  let last = 0;
  return (fraction) => {
    const now = Date.now();
    if (now - last < 50 && fraction < 1) return;
    last = now;
    send(fraction);
  };
}

/**
 * Watches one run of a worker: aborting `signal` sets the shared cancel flag (the worker stops at
 * its next checkpoint), and a worker that has not answered a second later is terminated with
 * `onKilled`. Returns `finish`, which settles the run once: it removes the abort listener, stops
 * the worker and runs the outcome; later calls do nothing.
 */
function supervise(worker: Worker, flag: Int32Array, signal: AbortSignal | undefined, onKilled: () => void): (outcome: () => void) => void {
  let settled = false;
  let killTimer: NodeJS.Timeout | undefined;
  const finish = (outcome: () => void) => {
    if (settled) return;
    settled = true;
    signal?.removeEventListener('abort', onAbort);
    if (killTimer) clearTimeout(killTimer);
    void worker.terminate();
    outcome();
  };
  const onAbort = () => {
    Atomics.store(flag, 0, 1);
    killTimer = setTimeout(() => finish(onKilled), 1000);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  return finish;
}

/**
 * A tensor as a message to or from a worker thread. Values in this thread's tensor memory are
 * copied out: posted as they are, their shared memory would reach the other thread, which could
 * still read a block this thread has freed and reused.
 */
export function toMessage(tensor: Tensor): TensorMessage {
  const data = TENSOR_MEMORY.address(tensor.data) >= 0 ? tensor.data.slice() : tensor.data;
  return { data, shape: tensor.shape, dtype: tensor.dtype, weak: tensor.weak };
}

/** A tensor from a message, a large one's values moved to this thread's tensor memory for the kernels. */
export function fromMessage(message: TensorMessage): Tensor {
  return new Tensor(TENSOR_MEMORY.adopt(message.data), message.shape, message.dtype, message.weak);
}

export interface BackgroundOptions {
  /** The bundled worker script (`dist/evaluator-worker.js`). */
  readonly workerPath: string;
  readonly recordSteps?: boolean;
  readonly maxElements?: number;
  readonly onProgress?: (fraction: number) => void;
  readonly signal?: AbortSignal;
  /** Messages for the worker's errors and warnings, in the caller's language (`vscode.l10n.bundle`); English without. */
  readonly l10nBundle?: Record<string, string>;
}

/**
 * Evaluates a loss on a worker thread, so a 10-million-element tensor never freezes the caller
 * (the extension host). Progress arrives through `onProgress`; aborting `signal` cancels the
 * computation at its next checkpoint, and a worker that does not stop within a second is
 * terminated. Rejects with a `LossError` (code `cancelled` when aborted).
 */
export function evaluateInBackground(request: EvaluateRequest, options: BackgroundOptions): Promise<Evaluation> {
  const loss = findLoss(request.loss);
  const cancel = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  const kwargs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.kwargs ?? {})) kwargs[name] = value instanceof Tensor ? { tensor: toMessage(value) } : value;
  const message: WorkerRequest = {
    loss: request.loss,
    args: Object.fromEntries(Object.entries(request.args).map(([name, tensor]) => [name, toMessage(tensor)])),
    kwargs,
    recordSteps: options.recordSteps ?? false,
    ...(options.maxElements === undefined ? {} : { maxElements: options.maxElements }),
    ...(options.l10nBundle ? { l10nBundle: options.l10nBundle } : {}),
    cancel,
  };
  return new Promise<Evaluation>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new LossError('cancelled', l10n.t('The computation was cancelled.')));
      return;
    }
    const worker = new Worker(options.workerPath, { workerData: message });
    const finish = supervise(worker, flag, options.signal, () => reject(new LossError('cancelled', l10n.t('The computation was cancelled.'))));
    worker.on('message', (reply: WorkerReply) => {
      switch (reply.type) {
        case 'progress':
          options.onProgress?.(reply.fraction);
          return;
        case 'result':
          finish(() =>
            resolve({
              loss: loss!,
              value: fromMessage(reply.value),
              warnings: reply.warnings,
              steps: reply.steps.map((step) => ({ id: step.id, title: step.title, tensor: fromMessage(step.tensor) })),
            }),
          );
          return;
        case 'error':
          finish(() => reject(new LossError(reply.code, reply.message)));
          return;
      }
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => {
      if (code !== 0) finish(() => reject(new LossError('cancelled', l10n.t('The evaluator stopped unexpectedly (exit code {0}).', code))));
    });
  });
}
