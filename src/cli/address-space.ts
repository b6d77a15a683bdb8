import { spawnSync } from 'node:child_process';
import * as l10n from '@vscode/l10n';
import { addressSpaceLimit, WASM_GUARD_FLAG, wasmMemoryFlags } from '../analysis/wasm-memory';

/**
 * Runs this CLI again without WebAssembly's guard pages when the address space is too small for
 * them and Node can: the exit code of that run, or undefined when this process goes on itself.
 * A language server on an IPC channel is not run again (the channel is this process's).
 * (`src/analysis/wasm-memory.ts` says why.)
 */
export function relaunchUnderLimit(args: readonly string[]): number | undefined {
  const flags = wasmMemoryFlags();
  if (flags.length === 0 || process.execArgv.includes(WASM_GUARD_FLAG)) return undefined;
  // The extension starts its server with the option already (`wasmMemoryFlags`).
  if (args.includes('--node-ipc')) return undefined;
  const child = spawnSync(process.execPath, [...flags, ...process.execArgv, process.argv[1]!, ...args], { stdio: 'inherit' });
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
    WASM_GUARD_FLAG,
  );
}
