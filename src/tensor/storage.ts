/**
 * Where the values of large tensors live: a WebAssembly memory, so that the evaluator's SIMD
 * kernels (`losses/simd.ts`) read them in place. Copying two inputs of 16 MB into a kernel's memory
 * costs more than PyTorch's whole Huber loss on them; a tensor made here costs nothing to hand over.
 *
 * The memory is shared (`SharedArrayBuffer`): growing a shared memory never moves or detaches it,
 * so views made before a growth stay valid. Its address space (1 GiB) is reserved when the first
 * large tensor is made and committed page by page as it grows. A block is freed when the
 * `Float64Array` it was handed out as is collected (`FinalizationRegistry`).
 *
 * The invariant that makes that safe: a view of a block (`subarray`) must not outlive the array
 * the block was handed out as. The evaluator's loops take `subarray`s only while they hold the
 * tensor, and nothing else keeps one. Arrays never cross threads from here: `toMessage` copies
 * them (`losses/background.ts`), so a worker never reads a block its parent has freed.
 *
 * Small tensors (fewer than `ARENA_MIN_ELEMENTS`) stay ordinary `Float64Array`s (a kernel call
 * copies them in: `simdFor`), as does every tensor when WebAssembly, its shared memories or the
 * address space are not to be had: losses then take their JavaScript loops, which give the same values.
 */

const PAGE = 65536;
/** Tensors of fewer elements are ordinary arrays: the kernels' JavaScript path is as fast there. */
export const ARENA_MIN_ELEMENTS = 1 << 13;
/** The first four pages hold the kernels' tables (`losses/simd.ts`); blocks start after them. */
export const RESERVED_BYTES = 4 * PAGE;
/** 1 GiB of address space: a tensor beyond what is left is an ordinary array. */
const MAX_PAGES = 16384;
/** Blocks start on a cache line. */
const ALIGN = 64;

interface Block {
  readonly start: number;
  readonly bytes: number;
}

export class Arena {
  private memory: WebAssembly.Memory | undefined;
  private unavailable = false;
  /** The `SharedArrayBuffer`s views were made on: one for each size the memory has had. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  /** Free blocks below `top`, in address order, none touching another. */
  private readonly free: Block[] = [];
  private top = RESERVED_BYTES;
  /** Memory at and above this was never handed out: still zero. */
  private clean = RESERVED_BYTES;
  private readonly registry = new FinalizationRegistry<Block>((block) => this.release(block));

  /** `maxPages`: the address space to reserve, in pages of 64 KiB (tests make it small). */
  constructor(private readonly maxPages = MAX_PAGES) {}

  /** The shared memory, made on first use; undefined where it cannot be. */
  get wasmMemory(): WebAssembly.Memory | undefined {
    if (this.memory || this.unavailable) return this.memory;
    try {
      this.memory = new WebAssembly.Memory({ initial: RESERVED_BYTES / PAGE, maximum: this.maxPages, shared: true });
    } catch {
      this.unavailable = true;
    }
    return this.memory;
  }

  /** `count` zeros, in the memory when the array is large. */
  float64(count: number): Float64Array {
    const clean = this.clean;
    const view = count >= ARENA_MIN_ELEMENTS ? this.allocate(count) : undefined;
    if (!view) return new Float64Array(count);
    if (view.byteOffset < clean) view.fill(0);
    return view;
  }

  /**
   * `count` doubles in the memory whatever their number, for a kernel to write (their values are
   * left as they were); an ordinary array where there is no memory.
   */
  scratch(count: number): Float64Array {
    return this.allocate(count) ?? new Float64Array(count);
  }

  /** The first `count` values of `source` (all of them by default), in the memory when they are many. */
  copyOf(source: Float64Array, count = source.length): Float64Array {
    const view = count >= ARENA_MIN_ELEMENTS ? this.allocate(count) : undefined;
    if (!view) return source.slice(0, count);
    view.set(count === source.length ? source : source.subarray(0, count));
    return view;
  }

  /** `data` itself when it is in the memory or small; otherwise a copy in the memory. */
  adopt(data: Float64Array): Float64Array {
    return data.length < ARENA_MIN_ELEMENTS || this.address(data) >= 0 ? data : this.copyOf(data);
  }

  /** The byte address of `view` in the memory, or −1 when it is an ordinary array. */
  address(view: Float64Array): number {
    return this.buffers.has(view.buffer) ? view.byteOffset : -1;
  }

  /** Bytes handed out and not yet freed, and the memory's size: for tests and the bench. */
  usage(): { readonly used: number; readonly size: number } {
    const freeBytes = this.free.reduce((total, block) => total + block.bytes, 0);
    return { used: this.top - RESERVED_BYTES - freeBytes, size: this.memory ? this.memory.buffer.byteLength : 0 };
  }

  private allocate(count: number): Float64Array | undefined {
    const memory = this.wasmMemory;
    if (!memory) return undefined;
    const bytes = Math.ceil((count * 8) / ALIGN) * ALIGN;
    const start = this.take(bytes) ?? this.extend(memory, bytes);
    if (start === undefined) return undefined;
    const buffer = memory.buffer;
    this.buffers.add(buffer);
    const view = new Float64Array(buffer, start, count);
    this.registry.register(view, { start, bytes });
    // Whoever has it may write it: from here on it is not known to be zero.
    this.clean = Math.max(this.clean, start + bytes);
    return view;
  }

  /** The first free block that is large enough, split. */
  private take(bytes: number): number | undefined {
    const index = this.free.findIndex((block) => block.bytes >= bytes);
    if (index < 0) return undefined;
    const block = this.free[index]!;
    if (block.bytes === bytes) this.free.splice(index, 1);
    else this.free[index] = { start: block.start + bytes, bytes: block.bytes - bytes };
    return block.start;
  }

  /** A block at the top, growing the memory by at least half its size (so growths are few). */
  private extend(memory: WebAssembly.Memory, bytes: number): number | undefined {
    const start = this.top;
    const end = start + bytes;
    const size = memory.buffer.byteLength;
    if (end > size) {
      const needed = Math.ceil((end - size) / PAGE);
      const pages = Math.min(Math.max(needed, Math.ceil(size / PAGE / 2)), this.maxPages - size / PAGE);
      if (pages < needed) return undefined;
      try {
        memory.grow(pages);
      } catch {
        return undefined;
      }
    }
    this.top = end;
    return start;
  }

  private release(block: Block): void {
    // Into the free list in address order, joined with the blocks it touches.
    let index = this.free.findIndex((other) => other.start > block.start);
    if (index < 0) index = this.free.length;
    let start = block.start;
    let bytes = block.bytes;
    const before = this.free[index - 1];
    if (before && before.start + before.bytes === start) {
      start = before.start;
      bytes += before.bytes;
      this.free.splice(--index, 1);
    }
    const after = this.free[index];
    if (after && start + bytes === after.start) {
      bytes += after.bytes;
      this.free.splice(index, 1);
    }
    // A block that ends at the top lowers it instead.
    if (start + bytes === this.top) this.top = start;
    else this.free.splice(index, 0, { start, bytes });
  }
}

/**
 * The thread's arena. One per thread, as the JavaScript heap is: every tensor a thread makes may
 * reach every kernel it runs.
 */
export const TENSOR_MEMORY = new Arena();
