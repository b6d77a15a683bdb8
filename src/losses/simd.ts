/**
 * The evaluator's WebAssembly SIMD kernels (`kernels.wat`, compiled by wabt when LossLens is built):
 * the loops of the losses where plain JavaScript stayed above PyTorch's time, two doubles at a
 * time. A loss calls `simdFor(...)` with the arrays a loop reads and writes; it gets the kernels
 * and the arrays' addresses when every one of them lives in the tensor memory
 * (`tensor/storage.ts`), and undefined otherwise, when it runs its JavaScript loop. Both give the
 * same terms (the kernels do the same arithmetic in the same order, with the same tables); only
 * sums kept in two lanes may differ from one running sum in the last bits.
 */
import kernelBytes from './kernels.wat';
import { TENSOR_MEMORY } from '../tensor/storage';
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

/** Where the tables and the running sums sit in the reserved pages (see `kernels.wat`). */
/** Zeros each kernel runs on when the module is made (`warm`). */
const WARM_ELEMENTS = 1 << 14;

const LAYOUT = { exp: 0, log: 32768, scale: 98304, constants: 114688, twoPowJ: 115712, state: 116736, softplus: 131072 } as const;

class SimdKernels {
  uses = 0;
  private exports: Kernels | undefined;
  private failed = false;
  /** The kernels' running sums between blocks (4 doubles), in the reserved page. */
  private stateView: Float64Array | undefined;

  get kernels(): Kernels | undefined {
    if (this.exports || this.failed) return this.exports;
    const memory = TENSOR_MEMORY.wasmMemory;
    try {
      if (!memory) throw new Error('no shared memory');
      const instance = new WebAssembly.Instance(new WebAssembly.Module(kernelBytes), { env: { memory, exp, log: Math.log, softplus } });
      const buffer = memory.buffer;
      new Float64Array(buffer, LAYOUT.exp, fastmathTables.exp.length).set(fastmathTables.exp);
      new Float64Array(buffer, LAYOUT.log, fastmathTables.log.length).set(fastmathTables.log);
      new Float64Array(buffer, LAYOUT.scale, fastmathTables.scale.length).set(fastmathTables.scale);
      new Float64Array(buffer, LAYOUT.constants, fastmathTables.constants.length).set(fastmathTables.constants);
      new Float64Array(buffer, LAYOUT.twoPowJ, fastmathTables.twoPowJ.length).set(fastmathTables.twoPowJ);
      new Float64Array(buffer, LAYOUT.softplus, fastmathTables.softplus.length).set(fastmathTables.softplus);
      this.stateView = new Float64Array(buffer, LAYOUT.state, 4);
      this.exports = instance.exports as unknown as Kernels;
      this.warm(this.exports);
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
   * on one tensor would otherwise finish before the optimized code is there. About a millisecond, once.
   */
  private warm(kernels: Kernels): void {
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

  /** The running sums' four doubles, zeroed, and their address. */
  freshState(): { readonly view: Float64Array; readonly address: number } {
    this.stateView!.fill(0);
    return { view: this.stateView!, address: LAYOUT.state };
  }
}

const SIMD = new SimdKernels();

export interface SimdCall {
  readonly kernels: Kernels;
  /** The byte address of each array asked for, 0 for an undefined one. */
  readonly at: readonly number[];
  /** Running sums for kernels that carry them from block to block. */
  freshState(): { readonly view: Float64Array; readonly address: number };
}

/**
 * The kernels and the addresses of `arrays` when each is in the tensor memory (an undefined one,
 * an output not asked for, is address 0); undefined when one is an ordinary array.
 */
export function simdFor(...arrays: ReadonlyArray<Float64Array | undefined>): SimdCall | undefined {
  const at: number[] = [];
  for (const array of arrays) {
    if (array === undefined) {
      at.push(0);
      continue;
    }
    const address = TENSOR_MEMORY.address(array);
    if (address < 0) return undefined;
    at.push(address);
  }
  const kernels = SIMD.kernels;
  if (!kernels) return undefined;
  SIMD.uses++;
  return { kernels, at, freshState: () => SIMD.freshState() };
}

/** How many loops have run on the kernels in this thread so far (the bench and tests read it). */
export function simdUses(): number {
  return SIMD.uses;
}
