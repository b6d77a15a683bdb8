import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTensor } from '../../../src/tensor/format';
import { ParseError, parseTensor, tensorFromJson } from '../../../src/tensor/parse';
import { Tensor } from '../../../src/tensor/tensor';

const values = (text: string) => Array.from(parseTensor(text).data);

describe('parseTensor accepts what people paste', () => {
  it.each([
    ['[[0.6,0.1],[0.3,0.8]]', [2, 2], 'float', [0.6, 0.1, 0.3, 0.8]],
    ['torch.tensor([[1, 2], [3, 4]], dtype=torch.float64)', [2, 2], 'float', [1, 2, 3, 4]],
    ['torch.Tensor([1, 2])', [2], 'float', [1, 2]],
    ['torch.LongTensor([1, 2])', [2], 'int', [1, 2]],
    ['np.array([1, 2, 3], dtype=np.int64)', [3], 'int', [1, 2, 3]],
    ["np.array([1, 0], dtype='float32')", [2], 'float', [1, 0]],
    ['tf.constant([[1.5, 2.5]])', [1, 2], 'float', [1.5, 2.5]],
    ['tf.constant(0.5, shape=[2, 2])', [2, 2], 'float', [0.5, 0.5, 0.5, 0.5]],
    ["tf.tensor([1, 2, 3, 4], [2, 2], 'float32')", [2, 2], 'float', [1, 2, 3, 4]],
    ["tf.tensor1d([0, 2, 1], 'int32')", [3], 'int', [0, 2, 1]],
    ['tensor(1.5081)', [], 'float', [1.5081]],
    ['tensor(1.5081, grad_fn=<BinaryCrossEntropyBackward0>)', [], 'float', [1.5081]],
    ["tensor([[0.6000, 0.1000],\n        [0.3000, 0.8000]], device='cuda:0', requires_grad=True)", [2, 2], 'float', [0.6, 0.1, 0.3, 0.8]],
    ['tensor([1., 2.], dtype=torch.float64)', [2], 'float', [1, 2]],
    ['tensor([], size=(0, 3))', [0, 3], 'float', []],
    ['array([[0.6, 0.1],\n       [0.3, 0.8]], dtype=float32)', [2, 2], 'float', [0.6, 0.1, 0.3, 0.8]],
    ['[[0.6 0.1]\n [0.3 0.8]]', [2, 2], 'float', [0.6, 0.1, 0.3, 0.8]],
    ['[1e-3, -2.5E+2, .5, 3., +4]', [5], 'float', [1e-3, -250, 0.5, 3, 4]],
    ['[1_000, 2]', [2], 'int', [1000, 2]],
    ['(1, 2, 3)', [3], 'int', [1, 2, 3]],
    ['[True, False, True]', [3], 'bool', [1, 0, 1]],
    ['[true, false]', [2], 'bool', [1, 0]],
    ['[1, 2,\n # a comment\n 3,] // trailing', [3], 'int', [1, 2, 3]],
    ['/* block */ [4]', [1], 'int', [4]],
    ['7', [], 'int', [7]],
    ['-0.25', [], 'float', [-0.25]],
    ['[]', [0], 'float', []],
    ['[[], []]', [2, 0], 'float', []],
  ])('%s', (text, shape, dtype, expected) => {
    const tensor = parseTensor(text);
    expect(tensor.shape).toEqual(shape);
    expect(tensor.dtype).toBe(dtype);
    expect(Array.from(tensor.data)).toEqual(expected);
  });

  it('reads nan, inf and their spellings', () => {
    expect(values('[nan, inf, -inf, float(\'nan\'), float("-inf"), np.nan, math.inf, -Infinity, NaN]')).toEqual([
      NaN,
      Infinity,
      -Infinity,
      NaN,
      -Infinity,
      NaN,
      Infinity,
      -Infinity,
      NaN,
    ]);
  });

  it('marks integer literals as weak and written-out dtypes as strong', () => {
    expect(parseTensor('[1, 0]').weak).toBe(true);
    expect(parseTensor('[1., 0.]').weak).toBe(false);
    expect(parseTensor('torch.tensor([1, 0], dtype=torch.long)').weak).toBe(false);
    expect(parseTensor('torch.LongTensor([1, 0])').weak).toBe(false);
  });
});

describe('parseTensor reports what it cannot read, with the position', () => {
  it.each([
    ['[[1, 2], [3]]', 'Ragged list: this list has 1 element, the first one at the same depth has 2', 1, 10],
    ['[[1, 2], 3]', 'Ragged list: a number where a list was expected', 1, 10],
    ['[1, [2]]', 'Ragged list: a list where a number was expected', 1, 5],
    ['[1, 2', 'Unclosed "[": expected "]"', 1, 1],
    ['[1, 2)', 'Mismatched ")"', 1, 6],
    ['[1, 2]]', 'Unexpected "]" after the tensor', 1, 7],
    ['[1, foo]', 'Unknown name "foo": expected a number, a list, nan or inf', 1, 5],
    ['[1,\n 2x]', 'Malformed number "2x"', 2, 2],
    ['[1, , 2]', 'Unexpected ","', 1, 5],
    ['', 'Nothing to read', 1, 1],
    ['[1, 2j]', 'Complex numbers are not supported', 1, 5],
    ['{"a": 1}', 'Unexpected "{"', 1, 1],
    ['tensor([0.1, 0.2, ..., 0.9])', 'This is summarised output', 1, 19],
    ['torch.tensor([1, 2], dtype=torch.complex64)', 'Unknown dtype', 1, 28],
    ['tf.tensor([1, 2, 3], [2, 2])', 'The shape (2, 2) needs 4 values, the literal has 3', 1, 1],
    ['[None]', 'None is not a number', 1, 2],
  ])('%s', (text, reason, line, column) => {
    let caught: unknown;
    try {
      parseTensor(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ParseError);
    const error = caught as ParseError;
    expect(error.reason).toContain(reason);
    expect([error.line, error.column]).toEqual([line, column]);
  });

  it('refuses more elements than the limit', () => {
    expect(() => parseTensor('[1, 2, 3, 4]', { maxElements: 3 })).toThrow(/Too many values: the limit is 3/);
  });

  it('refuses nesting deeper than 32 levels instead of overflowing the stack', () => {
    expect(() => parseTensor('['.repeat(10_000) + ']'.repeat(10_000))).toThrow(ParseError);
  });
});

describe('tensorFromJson', () => {
  it('reads the JSONL spellings of non-finite numbers, as a weak float', () => {
    const tensor = tensorFromJson([
      [1, 'nan'],
      ['inf', '-inf'],
    ]);
    expect(tensor.shape).toEqual([2, 2]);
    expect(Array.from(tensor.data)).toEqual([1, NaN, Infinity, -Infinity]);
    expect(tensor.weak).toBe(true);
  });

  it('takes an explicit dtype and rejects non-integers for int64', () => {
    expect(tensorFromJson([1, 2], 'int').dtype).toBe('int');
    expect(() => tensorFromJson([1.5], 'int')).toThrow(/1.5 is not an integer/);
  });

  it('rejects ragged arrays and non-numbers', () => {
    expect(() => tensorFromJson([[1, 2], [3]])).toThrow(ParseError);
    expect(() => tensorFromJson([{}])).toThrow(ParseError);
    expect(() => tensorFromJson(['one'])).toThrow(/"one" is not a number/);
  });
});

const shapes = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });
// JSON and printing both lose the sign of zero, as Python does; compare without it.
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((value) => (value === 0 ? 0 : value));

describe('parser properties (fast-check)', () => {
  it('parse(print(t)) gives t back to the printed precision, with its shape and dtype', () => {
    fc.assert(
      fc.property(
        shapes.chain((shape) =>
          fc.tuple(fc.constant(shape), fc.array(finite, { minLength: shape.reduce((n, s) => n * s, 1), maxLength: shape.reduce((n, s) => n * s, 1) })),
        ),
        ([shape, data]) => {
          const tensor = new Tensor(Float64Array.from(data), shape);
          const printed = formatTensor(tensor);
          const back = parseTensor(printed);
          expect(back.shape).toEqual(shape);
          expect(back.dtype).toBe('float');
          for (let i = 0; i < data.length; i++) {
            const original = data[i]!;
            const tolerance = Math.max(5e-5, Math.abs(original) * 5e-5) + 1e-9;
            expect(Math.abs(back.data[i]! - original)).toBeLessThanOrEqual(tolerance);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parse(JSON.stringify(nested)) is exact', () => {
    fc.assert(
      fc.property(fc.array(fc.array(finite, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const tensor = parseTensor(JSON.stringify(rows));
        expect(Array.from(tensor.data)).toEqual(rows.flat());
      }),
    );
  });

  it('integer tensors print and parse back exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 50 }), (ints) => {
        const printed = formatTensor(new Tensor(Float64Array.from(ints), [ints.length], 'int'));
        const back = parseTensor(printed);
        expect(back.dtype).toBe('int');
        expect(Array.from(back.data)).toEqual(ints);
      }),
    );
  });

  it('never throws anything but ParseError, on any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        try {
          parseTensor(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but ParseError on mutated literals', () => {
    const seeds = [
      'torch.tensor([[0.6, 0.1], [0.3, 0.8]], dtype=torch.float64)',
      "tf.tensor([1, 2, 3, 4], [2, 2], 'int32')",
      'array([1e-5, nan, -inf])',
      "[float('nan'), True, 1_0]",
    ];
    const mutation = fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(mutation, ([seed, at, cut, insert]) => {
        const position = at % (seed.length + 1);
        const text = seed.slice(0, position) + insert + seed.slice(position + cut);
        try {
          parseTensor(text);
        } catch (error) {
          expect(error).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
