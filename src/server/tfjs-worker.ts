import { parentPort, workerData } from 'node:worker_threads';
import * as l10n from '@vscode/l10n';
import { analyzeScript } from '../analysis/script/analyze';
import type { TfjsJob, TfjsReply, TfjsWorkerData } from './tfjs';

/**
 * The language server's TensorFlow.js thread (bundled as `dist/tfjs-worker.js`): parses and checks
 * TypeScript and JavaScript files off the server's own thread, whose other documents go on being
 * answered meanwhile. Findings come back unrendered (plain data); the server renders them.
 */
const { l10nBundle } = workerData as TfjsWorkerData;
if (l10nBundle) l10n.config({ contents: l10nBundle });
parentPort!.on('message', (job: TfjsJob) => {
  const result = analyzeScript(job.text, job.options);
  const reply: TfjsReply = { id: job.id, ...result };
  parentPort!.postMessage(reply);
});
