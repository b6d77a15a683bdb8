/**
 * The evaluator's WebAssembly SIMD kernels (`kernels.wat`, compiled by wabt when LossLens is built):
 * the loops of the losses where plain JavaScript stayed above PyTorch's time, two doubles at a
 * time. A loss calls `simdFor(inputs, outputs)` with the arrays a loop reads and writes; it gets
 * the kernels and the arrays' addresses, each array in the tensor memory (`tensor/storage.ts`) or
 * copied into it for the call when it is small enough, and undefined otherwise (a larger ordinary
 * array, or no kernels here), when it runs its JavaScript loop. Both give the
 * same terms (the kernels do the same arithmetic in the same order, with the same tables); only
 * sums kept in two lanes may differ from one running sum in the last bits.
 */
import kernelsBase64 from './kernels.wat';
import { ARENA_MIN_ELEMENTS, TENSOR_MEMORY } from '../tensor/storage';
import { exp, fastmathTables, softplus } from './fastmath';

interface Kernels {
  huber(x: number, y: number, kept: number, count: number, delta: number): number;
  mse(x: number, y: number, kept: number, count: number): number;
  l1(x: number, y: number, kept: number, count: number): number;
  smoothL1(x: number, y: number, kept: number, count: number, beta: number): number;
  rowsLogSumExp(x: number, rows: number, classes: number, out: number): void;
  gather(x: number, labels: number, rows: number, classes: number, ignoreIndex: number, state: number): number;
  poisson(x: number, y: number, count: number): number;
  bce(x: number, y: number, count: number, state: number): number;
  kl(x: number, y: number, count: number): number;
  softMargin(x: number, y: number, count: number): number;
}

/** Zeros each kernel runs on when a large tensor first comes (`warm`). */
const WARM_ELEMENTS = 1 << 14;

/** Where the tables and the running sums sit in the reserved pages (see `kernels.wat`). */
const LAYOUT = { exp: 0, log: 32768, scale: 98304, constants: 114688, twoPowJ: 115712, state: 116736, softplus: 131072 } as const;

class SimdKernels {
  uses = 0;
  /** False while `withoutSimd` runs. */
  enabled = true;
  private warmed = false;
  /** Copy areas for arrays not in the tensor memory, one for each argument position (`slot`). */
  private readonly slots: Float64Array[] = [];
  private exports: Kernels | undefined;
  private failed = false;
  /** The kernels' running sums between blocks (4 doubles), in the reserved page. */
  private stateView: Float64Array | undefined;

  get kernels(): Kernels | undefined {
    if (this.exports || this.failed) return this.exports;
    const memory = TENSOR_MEMORY.wasmMemory;
    try {
      if (!memory) throw new Error('no shared memory');
      const instance = new WebAssembly.Instance(new WebAssembly.Module(Uint8Array.from(atob(kernelsBase64), (c) => c.charCodeAt(0))), {
        env: { memory, exp, log: Math.log, softplus },
      });
      const buffer = memory.buffer;
      new Float64Array(buffer, LAYOUT.exp, fastmathTables.exp.length).set(fastmathTables.exp);
      new Float64Array(buffer, LAYOUT.log, fastmathTables.log.length).set(fastmathTables.log);
      new Float64Array(buffer, LAYOUT.scale, fastmathTables.scale.length).set(fastmathTables.scale);
      new Float64Array(buffer, LAYOUT.constants, fastmathTables.constants.length).set(fastmathTables.constants);
      new Float64Array(buffer, LAYOUT.twoPowJ, fastmathTables.twoPowJ.length).set(fastmathTables.twoPowJ);
      new Float64Array(buffer, LAYOUT.softplus, fastmathTables.softplus.length).set(fastmathTables.softplus);
      this.stateView = new Float64Array(buffer, LAYOUT.state, 4);
      this.exports = instance.exports as unknown as Kernels;
    } catch {
      // No WebAssembly SIMD or shared memory here: every loss runs its JavaScript loop.
      this.failed = true;
    }
    return this.exports;
  }

  /**
   * Runs each kernel on zeros long enough for V8 to start compiling it with its optimizing
   * compiler (`--wasm-tiering-budget`, about 1.8 MB of code run), in the background: its first
   * code is the baseline compiler's, two to three times slower, and a kernel called a few times
   * on one tensor would otherwise finish before the optimized code is there. About a millisecond,
   * once, and only when a large tensor comes: on small ones the baseline code takes microseconds.
   */
  warm(): void {
    const kernels = this.exports;
    if (this.warmed || !kernels) return;
    this.warmed = true;
    const zeros = TENSOR_MEMORY.float64(WARM_ELEMENTS);
    const at = TENSOR_MEMORY.address(zeros);
    if (at < 0) return;
    const state = LAYOUT.state;
    for (let round = 0; round < 3; round++) {
      kernels.huber(at, at, 0, WARM_ELEMENTS, 1);
      kernels.mse(at, at, 0, WARM_ELEMENTS);
      kernels.l1(at, at, 0, WARM_ELEMENTS);
      kernels.smoothL1(at, at, 0, WARM_ELEMENTS, 1);
      kernels.poisson(at, at, WARM_ELEMENTS);
      kernels.gather(at, at, WARM_ELEMENTS, 1, -100, state);
      kernels.bce(at, at, WARM_ELEMENTS, state);
      kernels.kl(at, at, WARM_ELEMENTS);
      kernels.softMargin(at, at, WARM_ELEMENTS);
      // Rows of 8 from the first half, their max and sum written to the second.
      kernels.rowsLogSumExp(at, WARM_ELEMENTS / 16, 8, at + (WARM_ELEMENTS / 2) * 8);
    }
  }

  /** The `index`th argument's copy area, at least `length` doubles, in the tensor memory. */
  slot(index: number, length: number): Float64Array {
    let slot = this.slots[index];
    if (!slot || slot.length < length) {
      slot = TENSOR_MEMORY.scratch(Math.max(length, 1024));
      this.slots[index] = slot;
    }
    return slot.subarray(0, length);
  }

  /** The running sums' four doubles, zeroed, and their address. */
  freshState(): { readonly view: Float64Array; readonly address: number } {
    this.stateView!.fill(0);
    return { view: this.stateView!, address: LAYOUT.state };
  }
}

const SIMD = new SimdKernels();

export interface SimdCall {
  readonly kernels: Kernels;
  /** The byte address of each array asked for, inputs then outputs; 0 for an undefined one. */
  readonly at: readonly number[];
  /** Running sums for kernels that carry them from block to block. */
  freshState(): { readonly view: Float64Array; readonly address: number };
  /** Copies what the kernels wrote to outputs that were copied in back out (call after the loop). */
  done(): void;
}

/**
 * Arrays of up to this many values that are not in the tensor memory are copied in for the call
 * (16 KB take about a microsecond): small tensors, and those a loss made itself (broadcast), run on
 * the kernels too, which are compiled at full speed from their first call, where a JavaScript loop
 * runs its first calls in the interpreter. Larger ones take the JavaScript loop (a copy of 16 MB
 * costs about a millisecond, as much as the memory-bound kernels themselves).
 */
const COPY_LIMIT = 1 << 16;

/**
 * The kernels and the addresses of `inputs` and `outputs` (an undefined one is address 0), each in
 * the tensor memory or copied into it; undefined when one is too large to copy, or there are no kernels.
 */
export function simdFor(inputs: ReadonlyArray<Float64Array | undefined>, outputs: ReadonlyArray<Float64Array | undefined> = []): SimdCall | undefined {
  const arrays = [...inputs, ...outputs];
  if (arrays.some((array) => array !== undefined && array.length > COPY_LIMIT && TENSOR_MEMORY.address(array) < 0)) return undefined;
  const kernels = SIMD.enabled ? SIMD.kernels : undefined;
  if (!kernels) return undefined;
  if (arrays.some((array) => array !== undefined && array.length >= ARENA_MIN_ELEMENTS)) SIMD.warm();
  const at: number[] = [];
  const copiedOut: Array<{ readonly array: Float64Array; readonly slot: Float64Array }> = [];
  for (const [index, array] of arrays.entries()) {
    const address = array === undefined ? 0 : TENSOR_MEMORY.address(array);
    if (address >= 0) {
      at.push(address);
      continue;
    }
    const slot = SIMD.slot(index, array!.length);
    if (index < inputs.length) slot.set(array!);
    else copiedOut.push({ array: array!, slot });
    at.push(TENSOR_MEMORY.address(slot));
  }
  SIMD.uses++;
  return {
    kernels,
    at,
    freshState: () => SIMD.freshState(),
    done: () => {
      for (const { array, slot } of copiedOut) array.set(slot);
    },
  };
}

/** `run` with every loss taking its JavaScript loop: the tests compare the two. */
export function withoutSimd<T>(run: () => T): T {
  SIMD.enabled = false;
  try {
    return run();
  } finally {
    SIMD.enabled = true;
  }
}

/** How many loops have run on the kernels in this thread so far (the bench and tests read it). */
export function simdUses(): number {
  return SIMD.uses;
}
