import { dirname, join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { createConnection, IPCMessageReader, IPCMessageWriter, StreamMessageWriter } from 'vscode-languageserver/node';
import { version } from '../../package.json';
import { startServer } from '../server/server';
import { ResilientMessageReader } from './frames';
import { EXIT, UsageError, type CliIO } from './io';

export const SERVER_USAGE = 'losslens server [--stdio | --node-ipc]';

/**
 * `losslens server`: the language server, on standard input and output (`--stdio`, the default,
 * what Neovim, Helix, Zed and JupyterLab-LSP start) or on Node's IPC channel (`--node-ipc`, how
 * the VS Code extension starts it). Runs until the client says `exit` (or goes away).
 */
export function runServer(argv: readonly string[], io: CliIO): Promise<number> {
  let ipc = false;
  for (const argument of argv) {
    if (argument === '--node-ipc') ipc = true;
    else if (argument === '--stdio') ipc = false;
    // vscode-languageclient names its own process so the server ends with it.
    else if (!argument.startsWith('--clientProcessId=')) throw new UsageError(l10n.t('Unknown option {0}.', argument));
  }
  if (ipc && !process.send) throw new UsageError(l10n.t('--node-ipc needs a parent Node process with an IPC channel.'));
  const connection = ipc
    ? createConnection(new IPCMessageReader(process), new IPCMessageWriter(process))
    : createConnection(
        // A malformed frame is said on stderr (editors show it in their LSP log) and skipped.
        new ResilientMessageReader(process.stdin, (reason) =>
          io.stderr(`${l10n.t('losslens server: skipped a malformed message from the client: {0}', reason)}\n`),
        ),
        new StreamMessageWriter(process.stdout),
      );
  // A promise nobody waited on must not end the server (and every editor's findings with it).
  process.on('unhandledRejection', (reason) =>
    connection.console.error(l10n.t('Analysis failed: {0}', reason instanceof Error ? (reason.stack ?? reason.message) : String(reason))),
  );
  const dist = io.checkWorker ? dirname(io.checkWorker) : __dirname;
  startServer(connection, { dist, l10n: join(dist, '..', 'l10n'), version });
  return new Promise((resolve) => connection.onExit(() => resolve(EXIT.ok)));
}
