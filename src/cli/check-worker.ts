import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { AnalysisHost } from '../analysis/host';
import type { DocumentKind } from '../analysis/document';
import { checkFile, type CheckOptions, type CheckRules } from './check';
import { configureCliL10n } from './l10n';

/**
 * Entry point of `losslens check`'s worker threads (bundled as dist/check-worker.js, beside the
 * CLI): one host for every file this thread is handed, each answered as it is analysed.
 */
configureCliL10n(join(__dirname, '..', 'l10n'));
const options = workerData as CheckOptions;
const host = new AnalysisHost(options.roots);
parentPort!.on('message', (job: { position: number; file: string; path: string; kind: DocumentKind; text: string; rules: CheckRules }) => {
  void checkFile(host, job, options).then((done) => parentPort!.postMessage({ position: job.position, done }));
});
