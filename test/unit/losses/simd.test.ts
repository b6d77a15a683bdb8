import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/losses/evaluate';
import { exp, log, softplus } from '../../../src/losses/fastmath';
import { simdFor, simdUses, withoutSimd, type SimdCall } from '../../../src/losses/simd';
import { ARENA_MIN_ELEMENTS, TENSOR_MEMORY } from '../../../src/tensor/storage';
import { Tensor, type DType } from '../../../src/tensor/tensor';

/** Arrays in the tensor memory however short, and the kernels over them. */
function inMemory(...lists: number[][]): { call: SimdCall; at: readonly number[] } {
  const arrays = lists.map((values) => {
    const array = TENSOR_MEMORY.scratch(values.length);
    array.set(values);
    return array;
  });
  const call = simdFor(arrays);
  if (!call) throw new Error('no SIMD kernels in this Node');
  return { call, at: call.at };
}

/** Doubles across the ranges the kernels branch on, and the special values. */
const anyDouble = fc.oneof(
  fc.double({ min: -20, max: 20, noNaN: true }),
  fc.double({ min: -800, max: 800, noNaN: true }),
  fc.double({ noNaN: false }),
  fc.constantFrom(0, -0, 1, -1, 12, -12, 16, -16, 15.99609375, 708, -708, 709.8, Infinity, -Infinity, NaN, 5e-324, 2 ** -1022),
);

describe('the SIMD kernels against fastmath, term for term', () => {
  it('run in this Node (shared WebAssembly memory and SIMD), so the tests below test them', () => {
    expect(simdFor([TENSOR_MEMORY.float64(ARENA_MIN_ELEMENTS)])).toBeDefined();
  });

  it("e^x: poisson's kernel on one, two and four elements is logRateSum's sum to the bit", () => {
    const term = (x: number, y: number) => exp(x) - y * x;
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 4, maxLength: 4 }), fc.array(fc.constantFrom(0, 1, 3), { minLength: 4, maxLength: 4 }), (x, y) => {
        const { call, at } = inMemory(x, y);
        const [x0, x1, x2, x3] = x as [number, number, number, number];
        const [y0, y1, y2, y3] = y as [number, number, number, number];
        expect(call.kernels.poisson(at[0]!, at[1]!, 1)).toBe(0 + term(x0, y0));
        expect(call.kernels.poisson(at[0]!, at[1]!, 2)).toBe(0 + term(x0, y0) + (0 + term(x1, y1)));
        expect(call.kernels.poisson(at[0]!, at[1]!, 3)).toBe(0 + term(x0, y0) + term(x2, y2) + (0 + term(x1, y1)));
        expect(call.kernels.poisson(at[0]!, at[1]!, 4)).toBe(0 + term(x0, y0) + term(x2, y2) + (0 + term(x1, y1) + term(x3, y3)));
      }),
      { numRuns: 20_000 },
    );
  });

  it("log x: kl_div's kernel is probabilitySum's sum to the bit, zeros and non-positive targets included", () => {
    const term = (x: number, y: number) => (y === 0 ? 0 : y * log(y)) - y * x;
    fc.assert(
      fc.property(
        fc.array(anyDouble, { minLength: 3, maxLength: 3 }),
        fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (y, x) => {
          const { call, at } = inMemory(x, y);
          const [x0, x1, x2] = x as [number, number, number];
          const [y0, y1, y2] = y as [number, number, number];
          expect(call.kernels.kl(at[0]!, at[1]!, 1)).toBe(0 + term(x0, y0));
          expect(call.kernels.kl(at[0]!, at[1]!, 3)).toBe(0 + term(x0, y0) + term(x2, y2) + (0 + term(x1, y1)));
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it("log(1 + e^z): soft_margin_loss's kernel is termsSum's sum to the bit", () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 2, maxLength: 2 }), fc.array(fc.constantFrom(1, -1, 0.5), { minLength: 2, maxLength: 2 }), (x, y) => {
        const { call, at } = inMemory(x, y);
        const [x0, x1] = x as [number, number];
        const [y0, y1] = y as [number, number];
        expect(call.kernels.softMargin(at[0]!, at[1]!, 1)).toBe(0 + softplus(-x0 * y0));
        expect(call.kernels.softMargin(at[0]!, at[1]!, 2)).toBe(0 + softplus(-x0 * y0) + (0 + softplus(-x1 * y1)));
      }),
      { numRuns: 20_000 },
    );
  });

  it("nll_loss's gather names the first row whose label is neither ignored nor a class", () => {
    const { call, at } = inMemory([-1, -2, -3, -4, -5, -6], [1, -100, 3]);
    const state = call.freshState();
    expect(call.kernels.gather(at[0]!, at[1]!, 3, 2, -100, state.address)).toBe(2);
    expect(call.kernels.gather(at[0]!, at[1]!, 2, 2, -100, state.address)).toBe(-1);
    expect([state.view[0], state.view[1]]).toEqual([2, 1]);
  });
});

interface Case {
  readonly loss: string;
  readonly tensors: Record<string, { readonly values: Float64Array; readonly shape: number[]; readonly dtype?: DType }>;
  readonly kwargs?: Record<string, unknown>;
  /** The sum is the JavaScript loop's to the bit (the kernel keeps its two running sums). */
  readonly exact?: boolean;
  /** Runs on the kernels only from the tensor memory (nll_loss: a copy would cost more than its gather). */
  readonly inMemoryOnly?: boolean;
}

/** A deterministic stream for the tensors (xorshift). */
function stream(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) + 0.5) / 4294967296;
  };
}

/**
 * Runs a loss with the kernels turned off (the JavaScript loops), then on the tensor memory (the
 * kernels reading it in place) and on ordinary arrays (copied in for the call).
 */
function bothPaths(test: Case, memory: boolean): { js: Float64Array | string; simd: Float64Array | string; usedKernels: boolean } {
  const run = (memory: boolean) => {
    const args = Object.fromEntries(
      Object.entries(test.tensors).map(([name, { values, shape, dtype }]) => [
        name,
        new Tensor(memory ? TENSOR_MEMORY.copyOf(values) : values.slice(), shape, dtype ?? 'float'),
      ]),
    );
    try {
      return evaluate({ loss: test.loss, args, kwargs: test.kwargs ?? {} }).value.data;
    } catch (error) {
      return (error as Error).message;
    }
  };
  const js = withoutSimd(() => run(false));
  const before = simdUses();
  const simd = run(memory);
  return { js, simd, usedKernels: simdUses() > before };
}

function expectSame(test: Case): void {
  for (const memory of test.inMemoryOnly ? [true] : [true, false]) expectSameOn(test, memory);
}

function expectSameOn(test: Case, memory: boolean): void {
  const { js, simd, usedKernels } = bothPaths(test, memory);
  expect(usedKernels).toBe(true);
  if (typeof js === 'string' || typeof simd === 'string') {
    expect(simd).toEqual(js);
    return;
  }
  expect(simd.length).toBe(js.length);
  if (js.length > 1 || test.exact) {
    // Terms kept are the same doubles; so is an exact sum.
    for (let i = 0; i < js.length; i++) expect(Object.is(simd[i], js[i]), `element ${i}: ${simd[i]} vs ${js[i]}`).toBe(true);
    return;
  }
  const [a, b] = [js[0]!, simd[0]!];
  if (!Number.isFinite(a)) expect(Object.is(a, b)).toBe(true);
  else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-13 * Math.abs(a));
}

describe('each loss on the tensor memory (its SIMD kernel) gives what its JavaScript loop gives', () => {
  // Sizes past the memory's threshold, odd and even, with a few special values scattered in.
  const shape = fc.record({ size: fc.integer({ min: ARENA_MIN_ELEMENTS, max: ARENA_MIN_ELEMENTS + 7 }), seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }) });
  const values = (count: number, random: () => number, make: (u: number) => number, specials: readonly number[] = []) => {
    const out = new Float64Array(count).map(() => make(random()));
    for (const special of specials) out[Math.floor(random() * count)] = special;
    return out;
  };
  const special = [NaN, Infinity, -Infinity, 0, -0];

  for (const loss of ['mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss']) {
    it(`${loss}, every reduction`, () => {
      fc.assert(
        fc.property(shape, fc.constantFrom('none', 'mean', 'sum'), fc.constantFrom(0, 0.5, 1, 3), ({ size, seed }, reduction, parameter) => {
          const random = stream(seed);
          const kwargs: Record<string, unknown> = { reduction };
          if (loss === 'smooth_l1_loss') kwargs.beta = parameter;
          if (loss === 'huber_loss') kwargs.delta = parameter || 1;
          expectSame({
            loss,
            kwargs,
            tensors: {
              input: { values: values(size, random, (u) => 8 * u - 4, special), shape: [size] },
              target: { values: values(size, random, (u) => 8 * u - 4), shape: [size] },
            },
          });
        }),
        { numRuns: 40 },
      );
    });
  }

  it('cross_entropy with class indices: logits of any spread, ignored rows, nan and infinite logits', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(1, 2, 3, 4, 5, 7, 10), fc.constantFrom(1, 6, 40, 2000), fc.boolean(), ({ size, seed }, classes, spread, specials) => {
        const random = stream(seed);
        const rows = Math.ceil(size / classes);
        expectSame({
          loss: 'cross_entropy',
          kwargs: { reduction: 'sum' },
          tensors: {
            input: { values: values(rows * classes, random, (u) => spread * (u - 0.5), specials ? special : []), shape: [rows, classes] },
            target: { values: values(rows, random, (u) => (u < 0.1 ? -100 : Math.floor(u * classes))), shape: [rows], dtype: 'int' },
          },
        });
      }),
      { numRuns: 60 },
    );
  });

  it('nll_loss: the gather, ignored rows, and a label out of range reported as before', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom(1, 3, 8), fc.constantFrom(0, 0.001), ({ size, seed }, classes, wrong) => {
        const random = stream(seed);
        expectSame({
          loss: 'nll_loss',
          inMemoryOnly: true,
          tensors: {
            input: { values: values(size * classes, random, (u) => -6 * u), shape: [size, classes] },
            target: { values: values(size, random, (u) => (u < wrong ? classes : u < 0.1 ? -100 : Math.floor(u * classes))), shape: [size], dtype: 'int' },
          },
        });
      }),
      { numRuns: 40 },
    );
  });

  it('poisson_nll_loss, kl_div and soft_margin_loss: the sums themselves, to the bit', () => {
    fc.assert(
      fc.property(shape, fc.boolean(), ({ size, seed }, specials) => {
        const random = stream(seed);
        const extra = specials ? [NaN, 0, 800, -800] : [];
        expectSame({
          loss: 'poisson_nll_loss',
          exact: true,
          kwargs: { reduction: 'sum' },
          tensors: {
            input: { values: values(size, random, (u) => 40 * u - 20, extra), shape: [size] },
            target: { values: values(size, random, (u) => Math.floor(5 * u)), shape: [size] },
          },
        });
        expectSame({
          loss: 'kl_div',
          exact: true,
          kwargs: { reduction: 'sum' },
          tensors: {
            input: { values: values(size, random, (u) => -5 * u), shape: [size] },
            target: { values: values(size, random, (u) => (u < 0.2 ? 0 : u < 0.25 ? 1e-310 : u), specials ? [NaN, -0, -1] : []), shape: [size] },
          },
        });
        expectSame({
          loss: 'soft_margin_loss',
          exact: true,
          kwargs: { reduction: 'sum' },
          tensors: {
            input: { values: values(size, random, (u) => 60 * u - 30, extra), shape: [size] },
            target: { values: values(size, random, (u) => (u < 0.5 ? 1 : -1)), shape: [size] },
          },
        });
      }),
      { numRuns: 30 },
    );
  });

  it('binary_cross_entropy: binary and soft targets, predictions of exactly 0 and 1, and an input out of range', () => {
    fc.assert(
      fc.property(shape, fc.constantFrom('binary', 'soft', 'edges', 'out of range', 'nan'), ({ size, seed }, kind) => {
        const random = stream(seed);
        const input = values(size, random, (u) => (kind === 'edges' ? (u < 0.05 ? 0 : u > 0.95 ? 1 : u) : u));
        if (kind === 'out of range') input[Math.floor(random() * size)] = 1.5;
        if (kind === 'nan') input[Math.floor(random() * size)] = NaN;
        expectSame({
          loss: 'binary_cross_entropy',
          kwargs: { reduction: 'sum' },
          tensors: {
            input: { values: input, shape: [size] },
            target: { values: values(size, random, (u) => (kind === 'soft' && u < 0.3 ? u : u < 0.6 ? 1 : 0)), shape: [size] },
          },
        });
      }),
      { numRuns: 40 },
    );
  });
});
