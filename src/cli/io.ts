/** Exit codes of the command-line contract (docs/ARCHITECTURE.md, "Contracts"). */
export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

/** Where a command writes; tests pass their own. */
export interface CliIO {
  readonly cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether whoever reads standard output has stopped (a closed pipe): streams stop there. */
  outputClosed?(): boolean;
  /** The bundled worker script `losslens check` analyses on (`dist/check-worker.js`); without it, one thread. */
  readonly checkWorker?: string;
}

/** A mistake in how the CLI was called: printed with the usage line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  constructor(
    message: string,
    /** Whether the usage line helps: not for a mistake in a file (a project's configuration). */
    readonly showUsage = true,
  ) {
    super(message);
  }
}
