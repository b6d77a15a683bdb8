import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { addressSpaceMessage, relaunchUnderLimit } from './address-space';
import type { CliIO } from './io';
import { configureCliL10n } from './l10n';
import { main } from './main';

/** Exit code for a failure inside LossLens itself, distinct from the contract's 0/1/2. */
const INTERNAL_ERROR = 3;

/**
 * The process's side of the CLI. When whoever reads standard output stops (`losslens check . |
 * head -1`), writing fails with EPIPE: the rest of the output is dropped quietly, commands that
 * read a stream stop reading, and the exit code is the one the command returns. Any other write
 * failure (a full device, a descriptor open for reading only) is said in one line; exit code 2.
 */
function run(): void {
  configureCliL10n(join(__dirname, '..', 'l10n'));
  const relaunched = relaunchUnderLimit(process.argv.slice(2));
  if (relaunched !== undefined) {
    process.exitCode = relaunched;
    return;
  }
  let outputClosed = false;
  // Output that cannot be written (a full device, a read-only descriptor): one line, exit 2.
  let outputFailed = false;
  const failed = (error: NodeJS.ErrnoException) => {
    outputClosed = true;
    if (error.code === 'EPIPE' || outputFailed) return;
    outputFailed = true;
    process.stderr.write(`${l10n.t('LossLens could not write its output: {0}', error.message)}\n`);
    process.exitCode = 2;
  };
  process.stdout.on('error', failed);
  const io: CliIO = {
    cwd: process.cwd(),
    stdout: (text) => {
      if (outputClosed) return;
      try {
        process.stdout.write(text);
      } catch (error) {
        failed(error as NodeJS.ErrnoException);
      }
    },
    stderr: (text) => void process.stderr.write(text),
    outputClosed: () => outputClosed,
    checkWorker: join(__dirname, 'check-worker.js'),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = outputFailed ? 2 : code;
    },
    (error: unknown) => {
      const limited = addressSpaceMessage(error);
      if (limited) {
        process.stderr.write(`${limited}\n`);
        process.exitCode = 2;
        return;
      }
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${l10n.t('LossLens hit an internal error; please report it with the command you ran.')}\n${detail}\n`);
      process.exitCode = INTERNAL_ERROR;
    },
  );
}

run();
