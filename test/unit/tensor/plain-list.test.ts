import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ParseError, parseTensor } from '../../../src/tensor/parse';
import type * as PlainListModule from '../../../src/tensor/plain-list';
import { readJsonList, readPlainList, scanPlainList, type PlainList } from '../../../src/tensor/plain-list';

/** Whether `parseTensor` may take the fast path; off, the general parser reads everything. */
const fastPath = vi.hoisted(() => ({ enabled: true }));

vi.mock('../../../src/tensor/plain-list', async (importOriginal) => {
  const actual = await importOriginal<typeof PlainListModule>();
  return {
    ...actual,
    readPlainList: (...args: Parameters<typeof actual.readPlainList>) => (fastPath.enabled ? actual.readPlainList(...args) : undefined),
  };
});

/** Values with the sign of zero and NaN told apart. */
const spelled = (data: ArrayLike<number>) => Array.from(data, (value) => (Object.is(value, -0) ? '-0' : String(value)));

/** What `parseTensor` gives a user: the tensor, or the error with its position. */
function outcome(text: string, maxElements?: number): unknown {
  try {
    const tensor = parseTensor(text, { maxElements });
    return { shape: tensor.shape, dtype: tensor.dtype, weak: tensor.weak, data: spelled(tensor.data) };
  } catch (error) {
    if (error instanceof ParseError) return { error: error.message, offset: error.offset, line: error.line, column: error.column };
    return { thrown: String(error) };
  }
}

function generalOutcome(text: string, maxElements?: number): unknown {
  fastPath.enabled = false;
  try {
    return outcome(text, maxElements);
  } finally {
    fastPath.enabled = true;
  }
}

/** A plain list as the general parser reads it: shape, dtype, values. */
function asRead(plain: PlainList): unknown {
  return { shape: plain.shape, dtype: plain.sawFloat ? 'float' : 'int', weak: !plain.sawFloat, data: spelled(plain.data.subarray(0, plain.count)) };
}

const digits = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((chars) => chars.join(''));

/** Numbers as people and programs write them, with the spellings only the general parser reads. */
const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.double({ noNaN: true }).map(String) },
  { weight: 4, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }).map((value) => value.toFixed(4)) },
  { weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }).map(String) },
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom('', '', '-', '+'),
        digits(0, 20),
        fc.option(digits(0, 20)),
        fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 4))),
      )
      .map(([sign, whole, fraction, exponent]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : exponent.join('')}`),
  },
  { weight: 1, arbitrary: fc.tuple(digits(1, 40), digits(20, 40)).map(([whole, fraction]) => `${whole}.${fraction}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'nan',
      '-inf',
      'inf',
      'NaN',
      'Infinity',
      '1_000',
      '1e',
      '.',
      '.e5',
      '--1',
      '- 1',
      '0x10',
      '2j',
      'True',
      'None',
      '1.2.3',
      'true',
      'false',
      'null',
      '{}',
      '"1"',
    ),
  },
);

/** Between two items: commas and whitespace, sometimes what only the general parser reads or refuses. */
const separator = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(', ', ',', ' ', ',\n ', '\n ', ' ,  ', ',\t', ',\r\n') },
  { weight: 1, arbitrary: fc.constantFrom('', ',,', ', # note\n', ' /* c */ ', '\f', '\u00a0') },
);

/** A nested list literal of numbers, regular or not, with separators and brackets as generated. */
function literal(): fc.Arbitrary<string> {
  const shape = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 3 });
  return shape.chain((sizes) => {
    const count = sizes.reduce((n, size) => n * Math.max(size, 1), 1) * sizes.length + 8;
    return fc
      .record({
        numbers: fc.array(numberText, { minLength: count, maxLength: count }),
        separators: fc.array(separator, { minLength: count, maxLength: count }),
        trailing: fc.array(fc.boolean(), { minLength: count, maxLength: count }),
        ragged: fc.nat({ max: 12 }),
      })
      .map(({ numbers, separators, trailing, ragged }) => {
        let next = 0;
        const take = () => next++ % count;
        const nest = (depth: number): string => {
          // Now and then one list one item shorter: ragged, for the general parser to refuse.
          const size = sizes[depth]! - (ragged === 0 && depth > 0 && take() % 3 === 0 ? 1 : 0);
          const items: string[] = [];
          for (let i = 0; i < size; i++) items.push(depth === sizes.length - 1 ? numbers[take()]! : nest(depth + 1));
          let text = '[';
          items.forEach((item, i) => (text += i === 0 ? item : `${separators[take()]}${item}`));
          return `${text}${trailing[take()] && items.length > 0 ? ',' : ''}]`;
        };
        return nest(0);
      });
  });
}

/** The literal as it is pasted: bare, padded, or in a constructor call. */
const pasted = fc
  .tuple(
    literal(),
    fc.constantFrom('{}', ' {}\n', 'torch.tensor({})', 'np.array({}, dtype=np.float32)', 'torch.tensor({}, dtype=torch.long)', 'tensor({}, grad_fn=<X>)'),
  )
  .map(([list, wrapper]) => wrapper.replace('{}', list));

describe('the fast path for plain lists reads as the general parser reads', () => {
  it('parseTensor gives the same tensor or the same error with or without it, on generated literals', () => {
    fc.assert(
      fc.property(pasted, fc.option(fc.integer({ min: 1, max: 80 }), { freq: 4 }), (text, limit) => {
        expect(outcome(text, limit ?? undefined)).toEqual(generalOutcome(text, limit ?? undefined));
      }),
      { numRuns: 3000 },
    );
  });

  it('each reader, alone, reads a list exactly as the general parser does, or leaves it to it', () => {
    fc.assert(
      fc.property(literal(), (text) => {
        const general = generalOutcome(text);
        for (const read of [readJsonList, scanPlainList]) {
          const plain = read(text, 0, Number.MAX_SAFE_INTEGER);
          if (plain === undefined) continue;
          expect(plain.end).toBe(text.length);
          expect(asRead(plain)).toEqual(general);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('takes every regular list of plain numbers: JSON through JSON.parse, any other through the scanner', () => {
    const plainNumber = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
      fc.double({ min: -10, max: 10, noNaN: true }).map((value) => value.toFixed(4)),
      fc.integer().map(String),
    );
    const regular = fc
      .array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 })
      .chain((shape) =>
        fc.tuple(fc.constant(shape), fc.array(plainNumber, { minLength: shape.reduce((n, s) => n * s), maxLength: shape.reduce((n, s) => n * s) })),
      );
    fc.assert(
      fc.property(regular, fc.constantFrom(', ', ','), ([shape, numbers], comma) => {
        let next = 0;
        const nest = (depth: number): string =>
          `[${Array.from({ length: shape[depth]! }, () => (depth === shape.length - 1 ? numbers[next++]! : nest(depth + 1))).join(comma)}]`;
        const json = nest(0);
        expect(readJsonList(json, 0, Number.MAX_SAFE_INTEGER)).toBeDefined();
        expect(scanPlainList(json, 0, Number.MAX_SAFE_INTEGER)).toBeDefined();
        // NumPy's printout: whitespace between the numbers, a trailing comma: not JSON, still plain.
        const printed = `${json.replaceAll(comma, '  ').slice(0, -1)},]`;
        expect(readJsonList(printed, 0, Number.MAX_SAFE_INTEGER)).toBeUndefined();
        expect(scanPlainList(printed, 0, Number.MAX_SAFE_INTEGER)).toBeDefined();
        expect(outcome(printed)).toEqual(generalOutcome(printed));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the fast path at the general parser’s limits', () => {
  it.each([
    ['a 64-character number', `[${'1'.repeat(64)}]`],
    ['a 65-character number (the general parser reads 64 at a time)', `[${'1'.repeat(65)}, 2]`],
    ['a 65-character decimal', `[0.${'1'.repeat(63)}]`],
    ['32 levels', `${'['.repeat(32)}1${']'.repeat(32)}`],
    ['33 levels', `${'['.repeat(33)}1${']'.repeat(33)}`],
    ['an empty list inside', '[[], [1]]'],
    ['a list ragged in its depth', '[[[]], [1]]'],
    ['a ragged list', '[[1, 2], [3]]'],
    ['numbers and lists', '[1, [2]]'],
    ['lists and numbers', '[[1], 2]'],
    ['numbers at two depths', '[[1, 2], [[3], [4]]]'],
    ['JSON of 33 levels', `${'['.repeat(33)}1, 2${']'.repeat(33)}`],
    ['JSON true and null', '[true, null]'],
    ['JSON false', '[false, 0]'],
    ['a JSON string', '["1", 2]'],
    ['a JSON object', '[[1], [{}]]'],
    ['no separator', '[[1][2]]'],
    ['a leading comma', '[,1]'],
    ['two commas', '[1,, 2]'],
    ['more than 2^53', '[9007199254740993, 0.30000000000000004, 1.7976931348623157e308, 5e-324]'],
    ['beyond a double', '[1e400, -1e400, 1e-400, -0.0, -0]'],
    ['an unclosed list', '[1, 2'],
    ['JSON up to a later bracket', 'tf.tensor([1, 2, 3, 4], [2, 2])'],
  ])('%s', (_, text) => {
    expect(outcome(text)).toEqual(generalOutcome(text));
  });

  it('refuses more elements than the limit with the general parser’s error', () => {
    expect(outcome('[[1, 2], [3, 4]]', 3)).toEqual(generalOutcome('[[1, 2], [3, 4]]', 3));
    expect(outcome('[[1, 2], [3, 4]]', 4)).toEqual(generalOutcome('[[1, 2], [3, 4]]', 4));
    expect(outcome('[1 2 3 4]', 3)).toEqual(generalOutcome('[1 2 3 4]', 3));
  });

  it('reads a 1,000-element paste through the fast path', () => {
    const text = JSON.stringify(Array.from({ length: 1000 }, (_, i) => Math.sin(i)));
    expect(readPlainList(text, 0, Number.MAX_SAFE_INTEGER)?.count).toBe(1000);
    expect(outcome(text)).toEqual(generalOutcome(text));
  });
});
