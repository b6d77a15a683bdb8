import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as l10n from '@vscode/l10n';

/**
 * Address-space limits (`ulimit -v`, as shared clusters and CI runners set them). Node's
 * WebAssembly reserves about 10 GB of address space for each memory (guard pages that make its
 * bounds checks free), so tree-sitter's parser cannot start under a limit of 8 GB. Node 20.17+
 * can do without them (`--disable-wasm-trap-handler`, explicit bounds checks): under a limit the
 * CLI starts itself again with that option; where Node lacks it, the error names the limit.
 */
const FLAG = '--disable-wasm-trap-handler';
/** What a process needs with the guard pages: one WebAssembly memory's reservation and Node's own. */
const ENOUGH = 16 * 1024 ** 3;

/** The soft address-space limit in bytes, or undefined when there is none (or it cannot be read). */
function addressSpaceLimit(): number | undefined {
  try {
    const limit = /^Max address space\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return limit === undefined || limit === 'unlimited' ? undefined : Number(limit);
  } catch {
    return undefined;
  }
}

/**
 * Runs this CLI again without WebAssembly's guard pages when the address space is too small for
 * them and Node can: the exit code of that run, or undefined when this process goes on itself.
 * A language server on an IPC channel is not run again (the channel is this process's).
 */
export function relaunchUnderLimit(args: readonly string[]): number | undefined {
  const limit = addressSpaceLimit();
  if (limit === undefined || limit >= ENOUGH || process.execArgv.includes(FLAG) || !process.allowedNodeEnvironmentFlags.has(FLAG)) return undefined;
  if (args.includes('--node-ipc')) return undefined;
  const child = spawnSync(process.execPath, [FLAG, ...process.execArgv, process.argv[1]!, ...args], { stdio: 'inherit' });
  if (child.error) return undefined;
  return child.status ?? 128 + 15;
}

/** A clear message for WebAssembly's "could not allocate memory" under an address-space limit, or undefined. */
export function addressSpaceMessage(error: unknown): string | undefined {
  if (!(error instanceof RangeError) || !/WebAssembly\.Memory|could not allocate memory/.test(error.message)) return undefined;
  const limit = addressSpaceLimit();
  if (limit === undefined) return undefined;
  return l10n.t(
    'LossLens could not reserve memory for its parser (WebAssembly) under the address-space limit of {0} GB (ulimit -v). Raise the limit to at least 16 GB, or run LossLens on Node 20.17 or later, which it starts with {1} under a limit.',
    (limit / 1024 ** 3).toFixed(1),
    FLAG,
  );
}
