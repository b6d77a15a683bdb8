import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { fromMessage, toMessage } from '../../../src/losses/background';
import { ARENA_MIN_ELEMENTS, Arena, RESERVED_BYTES, TENSOR_MEMORY } from '../../../src/tensor/storage';
import { parseTensor } from '../../../src/tensor/parse';
import { Tensor } from '../../../src/tensor/tensor';

/** A full garbage collection, then the finalization callbacks it queued. */
async function collect(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let round = 0; round < 3; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

describe('the tensor memory', () => {
  it('keeps small arrays ordinary and puts large ones in the shared memory, past the tables', () => {
    const arena = new Arena();
    const small = arena.float64(ARENA_MIN_ELEMENTS - 1);
    const large = arena.float64(ARENA_MIN_ELEMENTS);
    expect(arena.address(small)).toBe(-1);
    expect(large.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(arena.address(large)).toBeGreaterThanOrEqual(RESERVED_BYTES);
    expect(arena.address(large) % 64).toBe(0);
    expect(large.every((value) => value === 0)).toBe(true);
    expect(arena.address(new Float64Array(ARENA_MIN_ELEMENTS))).toBe(-1);
  });

  it('keeps earlier arrays valid while it grows', () => {
    const arena = new Arena();
    const first = arena.copyOf(Float64Array.from({ length: ARENA_MIN_ELEMENTS }, (_, i) => i));
    const arrays = Array.from({ length: 20 }, () => arena.float64(1 << 17));
    expect(arena.usage().size).toBeGreaterThan(20 * 8 * (1 << 17));
    expect(first[ARENA_MIN_ELEMENTS - 1]).toBe(ARENA_MIN_ELEMENTS - 1);
    first[0] = 42;
    expect(first[0]).toBe(42);
    expect(new Set(arrays.map((array) => arena.address(array))).size).toBe(20);
  });

  it('frees a block when its array is collected, and hands it out again as zeros', async () => {
    const arena = new Arena();
    const keep = arena.float64(ARENA_MIN_ELEMENTS);
    const held: Array<Float64Array | undefined> = [arena.float64(ARENA_MIN_ELEMENTS)];
    const address = arena.address(held[0]!);
    held[0]!.fill(7);
    const used = arena.usage().used;
    held.fill(undefined);
    await collect();
    expect(arena.usage().used).toBeLessThan(used);
    const again = arena.float64(ARENA_MIN_ELEMENTS);
    expect(arena.address(again)).toBe(address);
    expect(again.every((value) => value === 0)).toBe(true);
    expect(keep.length).toBe(ARENA_MIN_ELEMENTS);
  });

  it('joins neighbouring free blocks, so a larger array fits where two smaller ones were', async () => {
    const arena = new Arena();
    const pair: Array<Float64Array | undefined> = [arena.float64(ARENA_MIN_ELEMENTS), arena.float64(ARENA_MIN_ELEMENTS)];
    const keep = arena.float64(ARENA_MIN_ELEMENTS);
    const start = arena.address(pair[0]!);
    pair.fill(undefined);
    await collect();
    expect(arena.address(arena.float64(2 * ARENA_MIN_ELEMENTS))).toBe(start);
    expect(keep.length).toBe(ARENA_MIN_ELEMENTS);
  });

  it('gives ordinary arrays once its address space is used up', () => {
    // 1 MiB of address space: the tables' 256 KiB, then room for 12 arrays of 64 KiB.
    const arena = new Arena(16);
    const arrays = Array.from({ length: 13 }, () => arena.float64(ARENA_MIN_ELEMENTS));
    expect(arrays.slice(0, 12).every((array) => arena.address(array) >= 0)).toBe(true);
    expect(arena.address(arrays[12]!)).toBe(-1);
    expect(arrays[12]!.length).toBe(ARENA_MIN_ELEMENTS);
  });

  it('holds large parsed tensors, and messages to a worker carry copies, not the shared memory', () => {
    const text = `[${Array.from({ length: ARENA_MIN_ELEMENTS }, (_, i) => i % 7).join(', ')}]`;
    const tensor = parseTensor(text);
    expect(TENSOR_MEMORY.address(tensor.data)).toBeGreaterThanOrEqual(0);
    const message = toMessage(tensor);
    expect(message.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(message.data)).toEqual(Array.from(tensor.data));
    const received = fromMessage(structuredClone(message));
    expect(TENSOR_MEMORY.address(received.data)).toBeGreaterThanOrEqual(0);
    expect(Array.from(received.data)).toEqual(Array.from(tensor.data));
    const small = new Tensor(Float64Array.of(1, 2), [2]);
    expect(toMessage(small).data).toBe(small.data);
  });
});
