import { readFileSync } from 'node:fs';

/**
 * Address-space limits (`ulimit -v`, as shared clusters and CI runners set them). Node's
 * WebAssembly reserves about 10 GB of address space for each memory (guard pages that make its
 * bounds checks free), so tree-sitter's parser cannot start under a limit of 8 GB. Node 20.17+
 * can do without them (`--disable-wasm-trap-handler`, explicit bounds checks). The CLI starts
 * itself again with that option under a limit (`src/cli/address-space.ts`); the extension starts
 * its language server with it.
 */
export const WASM_GUARD_FLAG = '--disable-wasm-trap-handler';
/** What a process needs with the guard pages: one WebAssembly memory's reservation and Node's own. */
const ENOUGH = 16 * 1024 ** 3;

/** The soft address-space limit in bytes, or undefined when there is none (or it cannot be read). */
export function addressSpaceLimit(): number | undefined {
  try {
    const limit = /^Max address space\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    return limit === undefined || limit === 'unlimited' ? undefined : Number(limit);
  } catch {
    return undefined;
  }
}

/**
 * The Node options a process LossLens starts (with this process's Node and limits) needs for
 * its parser: `--disable-wasm-trap-handler` under an address-space limit too small for the guard
 * pages, where Node has the option; none otherwise.
 */
export function wasmMemoryFlags(limit = addressSpaceLimit(), allowed: ReadonlySet<string> = process.allowedNodeEnvironmentFlags): string[] {
  return limit !== undefined && limit < ENOUGH && allowed.has(WASM_GUARD_FLAG) ? [WASM_GUARD_FLAG] : [];
}
