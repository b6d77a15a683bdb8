/**
 * fast-check arbitraries for what reaches LossLens from outside (test/unit/fuzz.test.ts): code
 * nested from 1 to several thousand deep, `.losslens_cache` files as a person or another version
 * could leave them, notebooks with every JSON type in every field, JSONL requests with every JSON
 * type in every field, language-server settings and initialization options of every JSON type.
 */
import fc from 'fast-check';
import { LOSSES } from '../../../src/losses/registry';

/**
 * How many inputs each property is given: a few by default (`vitest run` stays fast),
 * `FUZZ_RUNS=10000` for the run at scale.
 */
export function fuzzRuns(fallback: number): number {
  const runs = Number(process.env.FUZZ_RUNS ?? process.env.FC_RUNS);
  return Number.isInteger(runs) && runs > 0 ? runs : fallback;
}

/** A test's time limit for `runs` inputs of at most `each` ms (on top of a fixed allowance). */
export function fuzzTimeout(runs: number, each: number): number {
  return 30_000 + runs * each;
}

// ---------------------------------------------------------------------------------------------
// Every JSON type

/** Names that are inherited properties of every object, and strings that look like placeholders. */
const TRAPS = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '{0}', 'undefined', 'NaN', '', ' ', '\u0000', '\ufeff'];

/**
 * A number written as JSON cannot be: `raw(text)` stands for `text` in the JSON text that
 * `jsonText` writes (1e999, -0, 12345678901234567891, 1.0).
 */
const RAW = '\u0001raw:';
const raw = (text: string) => `${RAW}${text}\u0001`;
const RAW_NUMBERS = ['1e999', '-1e999', '-0', '12345678901234567891', '1.0', '1e-400', '9007199254740993', '0.1e1', '-0.0', '1E+2'];

/** JSON text of `value`, with `raw(...)` strings written as the numbers they hold. */
function jsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0001raw:(?:[^"\\]|\\.)*?\\u0001"/g, (string) => (JSON.parse(string) as string).slice(RAW.length, -1));
}

const nestedArray = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

const nestedObject = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

/** Every JSON type at the top: null, booleans, numbers (huge and odd ones too), strings, arrays, objects. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(...RAW_NUMBERS).map(raw),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(...TRAPS),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...TRAPS)), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.integer({ min: 1, max: 500 }).map((depth) => nestedArray(depth)),
  fc.integer({ min: 1, max: 500 }).map((depth) => nestedObject(depth)),
  // Deeper than JSON.stringify can write: JSON text only.
  fc.integer({ min: 500, max: 100_000 }).map((depth) => raw(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
  fc.integer({ min: 500, max: 100_000 }).map((depth) => raw(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`)),
);

/** A value of the right type (from `right`) or of any JSON type. */
const either = <T>(right: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 3, arbitrary: right }, { weight: 1, arbitrary: anyJson });

/**
 * Mostly a value of the right type, seldom one of any JSON type: where a record is only read when
 * every other field is right (a cache entry), so one wrong field deep inside is reached often.
 */
const mostly = <T>(right: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 20, arbitrary: right }, { weight: 1, arbitrary: anyJson });

/** Text cut short somewhere (a file written halfway), or left whole. */
const truncatedOrWhole = (text: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(text, fc.oneof({ weight: 4, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) }))
    .map(([whole, kept]) => whole.slice(0, Math.floor(whole.length * kept)));

// ---------------------------------------------------------------------------------------------
// Nesting depth

/** Nesting depths from 1 to `max` (several thousand), most of them small. */
const depthUpTo = (max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 1, max: Math.min(60, max) }) },
    { weight: 3, arbitrary: fc.integer({ min: 1, max: Math.min(800, max) }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max }) },
  );
const depth = depthUpTo(5000);

/** One level of nesting in Python: what goes before and after the expression inside it. */
const PYTHON_LEVELS: ReadonlyArray<readonly [string, string]> = [
  ['F.softmax(', ', dim=1)'],
  ['torch.sigmoid(', ')'],
  ['torch.log(', ')'],
  ['(', ')'],
  ['-', ''],
  ['~', ''],
  ['not ', ''],
  ['x[', ']'],
  ['[', '][0]'],
  ['lambda: ', ''],
  ['(lambda v: v)(', ')'],
  ['{"k": ', '}["k"]'],
  ['(', ',)[0]'],
  ['x if ', ' else x'],
  ['x + ', ''],
  ['x ** ', ''],
  ['await ', ''],
  ['*', ''],
  ['f(*', ')'],
  ['head(', ')'],
  ['', '.float()'],
  ['', '[0]'],
  ['', '.t'],
];

/** One level of nesting in TypeScript / JavaScript. */
const SCRIPT_LEVELS: ReadonlyArray<readonly [string, string]> = [
  ['tf.softmax(', ')'],
  ['tf.sigmoid(', ')'],
  ['(', ')'],
  ['-', ''],
  ['!', ''],
  ['[', '][0]'],
  ['() => ', ''],
  ['(', ' as tf.Tensor)'],
  ['{ a: ', ' }.a'],
  ['c ? ', ' : x'],
  ['x + ', ''],
  ['', '.mul(2)'],
  ['model.apply(', ')'],
  ['`${', '}`'],
];

/** An expression `depth` levels deep around `inner`, the levels cycling through 1 to 3 kinds. */
const nested = (levels: ReadonlyArray<readonly [string, string]>, inner: fc.Arbitrary<string>, maxDepth: number) =>
  fc.tuple(fc.array(fc.constantFrom(...levels), { minLength: 1, maxLength: 3 }), depthUpTo(maxDepth), inner).map(([kinds, count, innermost]) => {
    const before: string[] = [];
    const after: string[] = [];
    for (let i = 0; i < count; i++) {
      const [open, close] = kinds[i % kinds.length]!;
      before.push(open);
      after.push(close);
    }
    return `${before.join('')}${innermost}${after.reverse().join('')}`;
  });

const PYTHON_PRELUDE = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  'head = nn.Linear(3, 3)',
  'x = torch.randn(4, 3)',
  'y = torch.randint(0, 3, (4,))',
].join('\n');

/** A Python program with an expression nested up to `maxDepth` deep in a loss argument, bound to a name first, or inside a function. */
const nestedPython = (maxDepth: number): fc.Arbitrary<string> =>
  fc
    .tuple(
      nested(PYTHON_LEVELS, fc.constantFrom('x', 'head(x)', 'torch.tensor([[1.0, 2.0, 3.0]])'), maxDepth),
      fc.constantFrom('argument', 'name', 'function', 'target', 'kwarg'),
    )
    .map(([inner, where]) => {
      switch (where) {
        case 'argument':
          return `${PYTHON_PRELUDE}\nloss = nn.CrossEntropyLoss()(${inner}, y)\n`;
        case 'name':
          return `${PYTHON_PRELUDE}\np = ${inner}\nloss = nn.CrossEntropyLoss()(p, y)\n`;
        case 'function':
          return `${PYTHON_PRELUDE}\ndef step(x, y):\n    return F.binary_cross_entropy(${inner}, y)\n`;
        case 'target':
          return `${PYTHON_PRELUDE}\nloss = F.mse_loss(head(x), ${inner})\n`;
        default:
          return `${PYTHON_PRELUDE}\nloss = F.cross_entropy(head(x), y, weight=${inner}, reduction=${inner})\n`;
      }
    });

/** A Python program with an expression nested 1 to 5,000 deep. */
export const deepPython = nestedPython(5000);

/** A TypeScript program with an expression nested up to `maxDepth` deep in a loss argument or bound to a name. */
const nestedScript = (maxDepth: number): fc.Arbitrary<string> =>
  fc.tuple(nested(SCRIPT_LEVELS, fc.constantFrom('logits', 'tf.tensor([1, 2])'), maxDepth), fc.boolean()).map(([expression, bound]) => {
    const prelude = "import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential();\nconst logits = model.predict(xs) as tf.Tensor;\n";
    return bound
      ? `${prelude}const p = ${expression};\nexport const l = tf.losses.softmaxCrossEntropy(labels, p);\n`
      : `${prelude}export const l = tf.losses.softmaxCrossEntropy(labels, ${expression});\n`;
  });

/** A TypeScript program with an expression nested 1 to 5,000 deep. */
export const deepScript = nestedScript(5000);

// ---------------------------------------------------------------------------------------------
// `.losslens_cache/check.json`

/** What a cache file must hold for its entry of one file to be used: the run's key and tree, the file and its text's hash. */
export interface CacheContext {
  readonly key: string;
  readonly tree: string;
  readonly file: string;
  readonly hash: string;
}

const cacheFinding = (file: string) =>
  fc.record(
    {
      file: mostly(fc.constantFrom(file, 'train.py', '/abs/x.py', '', 'a b#%.py', 'two\nlines.py')),
      line: mostly(fc.integer({ min: -2, max: 1e6 })),
      column: mostly(fc.integer({ min: -2, max: 1e6 })),
      endLine: mostly(fc.integer({ min: -2, max: 1e6 })),
      endColumn: mostly(fc.integer({ min: -2, max: 1e6 })),
      code: mostly(fc.constantFrom('LL001', 'LL999', 'toString', '')),
      rule: mostly(fc.constantFrom('sigmoid-before-bce', 'x')),
      severity: mostly(fc.constantFrom('error', 'warning', 'information', 'hint')),
      message: mostly(fc.string({ maxLength: 30 })),
      fix: mostly(
        fc.record(
          {
            title: mostly(fc.string({ maxLength: 10 })),
            safety: mostly(fc.constantFrom('safe', 'unsafe')),
            edits: mostly(fc.array(mostly(fc.record({ start: mostly(fc.nat()), end: mostly(fc.nat()), newText: mostly(fc.string()) })), { maxLength: 3 })),
          },
          { requiredKeys: [] },
        ),
      ),
      cell: mostly(fc.integer({ min: -1, max: 10 })),
      related: mostly(
        fc.array(
          mostly(
            fc.record(
              { file: mostly(fc.constantFrom(file, 'train.py', '/abs/x.py', '')), line: mostly(fc.nat()), column: mostly(fc.nat()), text: mostly(fc.string()) },
              { requiredKeys: [] },
            ),
          ),
          { maxLength: 3 },
        ),
      ),
    },
    { requiredKeys: ['file', 'line', 'column', 'endLine', 'endColumn', 'code', 'rule', 'severity', 'message'] },
  );

const cacheEntry = (context: CacheContext) =>
  fc.record(
    {
      hash: mostly(fc.constant(context.hash)),
      dependencies: mostly(
        fc.array(
          mostly(
            fc.tuple(
              mostly(fc.constantFrom(context.file, '', '/dev/zero', '/nonexistent/x.py', '\u0000', '.', '/')),
              mostly(fc.constantFrom('', '0:0', '12:1.5')),
            ),
          ),
          { maxLength: 4 },
        ),
      ),
      result: mostly(
        fc.record(
          {
            kind: mostly(fc.constantFrom('python', 'notebook', 'javascript', '__proto__', 'toString')),
            findings: mostly(fc.array(mostly(cacheFinding(context.file)), { maxLength: 3 })),
            skipped: mostly(fc.constantFrom('skipped: binary', '')),
            partial: mostly(fc.string({ maxLength: 20 })),
          },
          { requiredKeys: ['kind', 'findings'] },
        ),
      ),
    },
    { requiredKeys: [] },
  );

/**
 * The text of a crafted `.losslens_cache/check.json`: the right key and tree (mostly) with every
 * JSON type in `entries`, in the entry of the file checked and inside it (`dependencies`,
 * `findings`, each finding's fields); huge numbers; cut short; or not JSON at all.
 */
export const cacheText = (context: CacheContext): fc.Arbitrary<string> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: truncatedOrWhole(
        fc
          .record(
            {
              key: either(fc.constant(context.key)),
              tree: either(fc.constant(context.tree)),
              entries: either(
                fc
                  .tuple(either(cacheEntry(context)), fc.dictionary(fc.constantFrom(...TRAPS, '/other.py'), either(cacheEntry(context)), { maxKeys: 2 }))
                  .map(([entry, others]) => ({ ...others, [context.file]: entry })),
              ),
            },
            { requiredKeys: [] },
          )
          .map(jsonText),
      ),
    },
    { weight: 1, arbitrary: anyJson.map(jsonText) },
    { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '\ufeff{}', '{"key": ', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, '{"key":"k","tree":"t","entries":{') },
  );

// ---------------------------------------------------------------------------------------------
// Notebooks

const PYTHON_CELLS = [
  `${PYTHON_PRELUDE}\n`,
  'loss = nn.BCELoss()(head(x), y)\n',
  'l = torch.log(F.softmax(head(x), dim=1))\n',
  '%matplotlib inline\n',
  '!pip install torch\n',
  'def f(:\n',
];

/** A cell's `source`: a string, a list of strings (or of anything), or any other JSON. */
const cellSource = fc.oneof(
  fc.constantFrom(...PYTHON_CELLS),
  fc.array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PYTHON_CELLS) }, { weight: 1, arbitrary: anyJson }), { maxLength: 4 }),
  deepPython.map((text) => text.split(/(?<=\n)/)),
  anyJson,
);

const cell = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        cell_type: either(fc.constantFrom('code', 'markdown', 'raw')),
        source: cellSource,
        outputs: either(
          fc.array(fc.record({ output_type: either(fc.constantFrom('stream', 'error')), text: anyJson }, { requiredKeys: [] }), { maxLength: 2 }),
        ),
        metadata: either(fc.constant({})),
        execution_count: either(fc.option(fc.nat())),
        id: either(fc.string({ maxLength: 8 })),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: anyJson },
);

const nbformat = either(fc.constantFrom(4, 3, 5, 0, -1));

/**
 * The text of a notebook with every JSON type in every field: `metadata.language_info.name`,
 * `metadata.kernelspec.language`, the cells, each cell's `cell_type`, `source` and `outputs`,
 * `nbformat` and `nbformat_minor`; sometimes cut short.
 */
export const notebookText: fc.Arbitrary<string> = truncatedOrWhole(
  fc
    .record(
      {
        cells: either(fc.array(cell, { maxLength: 6 })),
        metadata: either(
          fc.record(
            {
              language_info: either(fc.record({ name: either(fc.constantFrom('python', 'Python', 'R', 'julia', '')), version: anyJson }, { requiredKeys: [] })),
              kernelspec: either(
                fc.record(
                  { language: either(fc.constantFrom('python', 'PYTHON', 'scala')), name: either(fc.constantFrom('python3')), display_name: anyJson },
                  { requiredKeys: [] },
                ),
              ),
              widgets: anyJson,
            },
            { requiredKeys: [] },
          ),
        ),
        nbformat,
        nbformat_minor: nbformat,
      },
      { requiredKeys: [] },
    )
    .map(jsonText),
);

// ---------------------------------------------------------------------------------------------
// Tensors: literals for `eval`, JSON for `eval --jsonl`

/** Numbers as they come: small, huge, negative zero, non-finite, integers beyond 2^53. */
const number = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  { weight: 3, arbitrary: fc.integer({ min: -3, max: 5 }) },
  { weight: 1, arbitrary: fc.double() },
);

/** A regular nested list of numbers (0-d to 4-d), as JSON values. */
const regularList: fc.Arbitrary<unknown> = fc
  .tuple(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }), fc.array(number, { minLength: 1, maxLength: 8 }))
  .map(([shape, values]) => {
    let index = 0;
    const build = (dimension: number): unknown =>
      dimension === shape.length ? values[index++ % values.length] : Array.from({ length: shape[dimension]! }, () => build(dimension + 1));
    return build(0);
  });

/** A tensor's JSON in a request: regular or ragged lists, booleans, "nan"/"inf" strings, nested thousands deep, or any JSON. */
const tensorJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: regularList },
  { weight: 1, arbitrary: fc.array(fc.oneof(number, fc.array(number, { maxLength: 3 })), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.boolean(), fc.constantFrom('nan', 'inf', '-inf', 'NaN', '1')), { maxLength: 4 }) },
  { weight: 1, arbitrary: depth.map((count) => raw(`${'['.repeat(count)}1${']'.repeat(count)}`)) },
  { weight: 1, arbitrary: anyJson },
);

const pythonNumber = (value: number) =>
  Number.isNaN(value) ? 'nan' : value === Infinity ? 'inf' : value === -Infinity ? '-inf' : Object.is(value, -0) ? '-0.0' : String(value);
const pythonList = (value: unknown): string => (Array.isArray(value) ? `[${value.map(pythonList).join(', ')}]` : pythonNumber(value as number));

/** A tensor literal as a person pastes it into `--input`: Python lists, wrappers, shapes, printed tensors, nested deep, or junk. */
const tensorLiteral: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: regularList.map(pythonList) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        regularList,
        fc.constantFrom('torch.tensor', 'torch.LongTensor', 'np.array', 'tf.constant', 'tensor', 'torch.BoolTensor'),
        fc.constantFrom('', ', dtype=torch.long', ', dtype=float32', ', dtype=x'),
      )
      .map(([list, wrapper, dtype]) => `${wrapper}(${pythonList(list)}${dtype})`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(number, fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(2_000_000_000, 1e15, -1, 1.5)), { maxLength: 4 }))
      .map(([value, shape]) => `tf.tensor(${pythonNumber(value)}, [${shape.join(', ')}])`),
  },
  { weight: 1, arbitrary: depth.map((count) => `${'['.repeat(count)}1${']'.repeat(count)}`) },
  { weight: 1, arbitrary: depth.map((count) => `${'torch.tensor('.repeat(count)}1${')'.repeat(count)}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'nan',
      '-inf',
      '[[0.6 0.1]\n [0.3 0.8]]',
      'tensor([[0.6000, 0.1000]])',
      '[1, 2,]',
      '[',
      ']',
      '',
      '1e999',
      '[[1], [2, 3]]',
      '# x\n[1]',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

// ---------------------------------------------------------------------------------------------
// `losslens eval` and `eval --jsonl`

/** Every loss name, with the names of every tensor argument and option any loss takes. */
const LOSS_NAMES = LOSSES.map((loss) => loss.name);
const TENSOR_NAMES = [...new Set(LOSSES.flatMap((loss) => loss.tensors.flatMap((parameter) => [parameter.name, ...(parameter.aliases ?? [])])))];
const OPTION_NAMES = [...new Set(LOSSES.flatMap((loss) => Object.keys(loss.options)))];

/** A value for an option: what it may take (enums, numbers, booleans, tensors) or any JSON. */
const optionValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('mean', 'sum', 'none', 'batchmean', 'elementwise_mean', 'MEAN'),
  fc.integer({ min: -200, max: 5 }),
  fc.double({ noNaN: true }),
  fc.boolean(),
  regularList,
  anyJson,
);

/** The command line of `losslens eval` (after `eval`): a loss, its tensors as literals, options with values of every kind. */
export const evalArgv: fc.Arbitrary<string[]> = fc
  .tuple(
    either(fc.constantFrom(...LOSS_NAMES)),
    fc.array(fc.tuple(fc.constantFrom(...TENSOR_NAMES), tensorLiteral), { maxLength: 4 }),
    fc.array(
      fc.tuple(
        fc.constantFrom(...OPTION_NAMES, ...TRAPS.filter((name) => name !== '')),
        fc.oneof(fc.constantFrom('mean', 'sum', 'none', 'true', 'False', 'inf', '-1', '1e300', 'nan', '', '0x10', ' 3 '), tensorLiteral),
      ),
      { maxLength: 3 },
    ),
    fc.subarray(['--json', '--steps', '--list']),
    fc.option(fc.constantFrom('1', '10', '0', '-1', '2e9', 'x', '1e300')),
  )
  .map(([loss, tensors, options, flags, maxElements]) => {
    // A loss of another JSON type is what a shell would pass: its text.
    const argv = typeof loss === 'string' ? ['--loss', loss] : loss === null ? [] : ['--loss', jsonText(loss)];
    for (const [name, value] of tensors) argv.push(`--${name}`, value);
    for (const [name, value] of options) argv.push(`--${name.replace(/_/g, '-')}=${value}`);
    if (maxElements !== null) argv.push('--max-elements', maxElements);
    return [...argv, ...flags];
  });

/**
 * A line of `eval --jsonl`: a request with every JSON type in every field (`id`, `loss`, `args`
 * and each tensor, `kwargs` with every option name, `dtypes`), nested deep; raw numbers; a byte
 * order mark; cut short; or not a request at all.
 */
export const jsonlLine: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 8,
    arbitrary: truncatedOrWhole(
      fc
        .record(
          {
            id: either(fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null), fc.constantFrom(...RAW_NUMBERS).map(raw))),
            loss: either(fc.constantFrom(...LOSS_NAMES)),
            args: either(fc.dictionary(fc.constantFrom(...TENSOR_NAMES, ...TRAPS), tensorJson, { maxKeys: 4 })),
            kwargs: either(fc.dictionary(fc.constantFrom(...OPTION_NAMES, ...TRAPS), optionValue, { maxKeys: 3 })),
            dtypes: either(
              fc.dictionary(
                fc.constantFrom(...TENSOR_NAMES, ...OPTION_NAMES, ...TRAPS),
                either(fc.constantFrom('int64', 'float64', 'bool', 'torch.float32', 'long', 'complex64', 'toString')),
                { maxKeys: 3 },
              ),
            ),
          },
          { requiredKeys: [] },
        )
        .map(jsonText),
    ),
  },
  { weight: 1, arbitrary: anyJson.map(jsonText) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom('\ufeff{"id":1,"loss":"mse_loss","args":{"input":[1],"target":[2]}}', '{"id":1,"id":2}', '\u0000', '{"a":1}x') },
);

// ---------------------------------------------------------------------------------------------
// The language server

/** The `losslens` settings section, under the extension's names, with every JSON type in every field. */
export const serverSettings: fc.Arbitrary<unknown> = either(
  fc.record(
    {
      enable: either(fc.boolean()),
      select: either(fc.array(either(fc.constantFrom('LL001', 'LL003', 'll010', 'LL999', ' LL002 ')), { maxLength: 3 })),
      ignore: either(fc.array(either(fc.constantFrom('LL001', 'LL003', 'LL020')), { maxLength: 3 })),
      maxFileSizeKB: either(fc.constantFrom(1, 0, -1, 2048, 1e300, 0.5)),
      evaluator: either(fc.record({ maxElements: either(fc.constantFrom(1, 0, 50_000_000, 2e9, -5, 1.5)) }, { requiredKeys: [] })),
      'evaluator.maxElements': either(fc.constantFrom(1, 3, 50_000_000, 2e9)),
      inlineValues: either(fc.boolean()),
      severity: either(
        fc.dictionary(fc.constantFrom('LL001', 'LL003', 'LL999', ...TRAPS), either(fc.constantFrom('error', 'warning', 'information', 'hint', 'fatal')), {
          maxKeys: 3,
        }),
      ),
      run: either(fc.constantFrom('onType', 'onSave', 'never')),
    },
    { requiredKeys: [] },
  ),
);

/** `initializationOptions`, with every JSON type in every field and at the top. */
export const initializationOptions: fc.Arbitrary<unknown> = fc.option(
  either(
    fc.record(
      {
        client: either(fc.constantFrom('vscode', 'neovim')),
        l10nBundle: either(fc.dictionary(fc.constantFrom('Settings changed; LossLens reloaded them.', 'x'), fc.string({ maxLength: 10 }), { maxKeys: 2 })),
        ruleDocs: either(fc.constantFrom('https://example.com/{code}.md', 'losslens-docs:/{code}', '')),
        diagnostics: either(fc.constantFrom('notification', 'push')),
        settings: serverSettings,
      },
      { requiredKeys: [] },
    ),
  ),
  { nil: undefined },
);

/**
 * What a document opened in the server holds: programs nested up to 500 deep (deeper ones are
 * `check`'s: the analysis is the same, and a few seconds each would make 10,000 runs hours), broken
 * ones, random text.
 */
export const serverDocument: fc.Arbitrary<{ languageId: string; extension: string; text: string }> = fc.oneof(
  { weight: 3, arbitrary: nestedPython(500).map((text) => ({ languageId: 'python', extension: 'py', text })) },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.constantFrom(...PYTHON_CELLS, 'loss = F.mse_loss(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 3.0]))\n'), { maxLength: 6 })
      .map((cells) => ({ languageId: 'python', extension: 'py', text: cells.join('') })),
  },
  { weight: 1, arbitrary: nestedScript(500).map((text) => ({ languageId: 'typescript', extension: 'ts', text })) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }).map((text) => ({ languageId: 'python', extension: 'py', text })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('python', 'plaintext', 'javascriptreact', ''), fc.constantFrom('py', 'txt', 'jsx', 'ipynb'), fc.string({ maxLength: 100 }))
      .map(([languageId, extension, text]) => ({ languageId, extension, text })),
  },
);

/** A position or range the way a client may send it: inside the document, past its end, negative. */
export const position: fc.Arbitrary<{ line: number; character: number }> = fc.record({
  line: fc.oneof(fc.nat(12), fc.constantFrom(1e6, 2 ** 31 - 1)),
  character: fc.oneof(fc.nat(200), fc.constantFrom(1e6, 2 ** 31 - 1)),
});
