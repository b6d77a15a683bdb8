import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import type { CliIO } from './io';
import { configureCliL10n } from './l10n';
import { main } from './main';

/** Exit code for a failure inside LossLens itself, distinct from the contract's 0/1/2. */
const INTERNAL_ERROR = 3;

/**
 * The process's side of the CLI. When whoever reads standard output stops (`losslens check . |
 * head -1`), writing fails with EPIPE: the rest of the output is dropped quietly, commands that
 * read a stream stop reading, and the exit code is the one the command returns.
 */
function run(): void {
  configureCliL10n(join(__dirname, '..', 'l10n'));
  let outputClosed = false;
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    outputClosed = true;
  });
  const io: CliIO = {
    cwd: process.cwd(),
    stdout: (text) => {
      if (!outputClosed) process.stdout.write(text);
    },
    stderr: (text) => void process.stderr.write(text),
    outputClosed: () => outputClosed,
    checkWorker: join(__dirname, 'check-worker.js'),
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      process.stderr.write(`${l10n.t('LossLens hit an internal error; please report it with the command you ran.')}\n${detail}\n`);
      process.exitCode = INTERNAL_ERROR;
    },
  );
}

run();
