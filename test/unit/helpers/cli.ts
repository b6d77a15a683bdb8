import type { CliIO } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';

/** What a run of the command line printed, and its exit code. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `losslens ARGV` in this process from `cwd`, capturing what it prints; `more` adds to its `io` (hooks). */
export async function runCli(argv: readonly string[], cwd: string = process.cwd(), more: object = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { cwd, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), ...more };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
