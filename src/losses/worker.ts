import { parentPort, workerData } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import { fromMessage, throttled, toMessage, type WorkerReply, type WorkerRequest } from './background';
import { LossError } from './errors';
import { evaluate } from './evaluate';

/** Entry point of the evaluator worker thread (bundled as dist/evaluator-worker.js). */
const request = workerData as WorkerRequest;
if (request.l10nBundle) l10n.config({ contents: request.l10nBundle });
const cancelled = new Int32Array(request.cancel);
const post = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(reply, transfer);

try {
  const kwargs: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request.kwargs)) {
    kwargs[name] =
      typeof value === 'object' && value !== null && 'tensor' in value ? fromMessage((value as { tensor: Parameters<typeof fromMessage>[0] }).tensor) : value;
  }
  const result = evaluate(
    { loss: request.loss, args: Object.fromEntries(Object.entries(request.args).map(([name, tensor]) => [name, fromMessage(tensor)])), kwargs },
    {
      recordSteps: request.recordSteps,
      ...(request.maxElements === undefined ? {} : { maxElements: request.maxElements }),
      isCancelled: () => Atomics.load(cancelled, 0) === 1,
      onProgress: throttled((fraction) => post({ type: 'progress', fraction })),
    },
  );
  const value = toMessage(result.value);
  post(
    {
      type: 'result',
      value,
      warnings: result.warnings,
      steps: result.steps.map((step) => ({ id: step.id, title: step.title, tensor: toMessage(step.tensor) })),
    },
    [value.data.buffer as ArrayBuffer],
  );
} catch (error) {
  if (error instanceof LossError) post({ type: 'error', code: error.code, message: error.message });
  else throw error;
}
