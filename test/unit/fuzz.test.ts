/**
 * Fuzzing what reaches LossLens from outside: source bytes in any encoding and line ending, deep
 * nesting, long lines, many loss sites, comment-heavy files, notebooks with odd cells, JSONL
 * streams with hostile lines. Each case must end with findings or a clear note, within a time
 * proportional to its size, with no exception escaping; where a clean equivalent exists, with its
 * findings. And `eval`'s JSONL answers against PyTorch's own, errors included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeDocument, type DocumentAnalysis } from '../../src/analysis/document';
import { SourceFile } from '../../src/analysis/python/source-file';
import { decodeSource } from '../../src/analysis/source-text';
import { answerLine } from '../../src/cli/eval';
import { host } from './helpers/analysis';

const PRELUDE = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  'head = nn.Linear(8, 1)',
  'x = torch.randn(4, 8)',
  'y = torch.rand(4, 1)',
];

/** A fresh analysis of one document, timed; errors inside rules fail the test. */
async function analyse(kind: 'python' | 'notebook', text: string): Promise<DocumentAnalysis & { ms: number }> {
  const source = new SourceFile(host);
  const started = performance.now();
  try {
    const result = await analyzeDocument(source, kind, text, {
      onInternalError: (_rule, error) => {
        throw error;
      },
    });
    return { ...result, ms: performance.now() - started };
  } finally {
    source.dispose();
  }
}

/** Generous: a bound that catches anything superlinear, not a benchmark (that is `npm run bench`). */
const budget = (characters: number) => 1000 + characters / 100;

const where = (result: DocumentAnalysis) => result.findings.map((finding) => `${finding.code}@${finding.start.line}:${finding.start.column}`);

describe('source text from outside', () => {
  it('random bytes in any encoding end with findings or a note, never an exception (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<number[]>([], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]),
        fc.uint8Array({ maxLength: 3000 }),
        fc.constantFrom('', `${PRELUDE.join('\n')}\nloss = nn.BCELoss()(head(x), y)\n`),
        async (bom, bytes, program) => {
          const text = decodeSource(Buffer.concat([Buffer.from(bom), Buffer.from(program), bytes]));
          const result = await analyse('python', text);
          // Analysed (findings or none), or skipped with a reason a person can read (binary text).
          expect(result.skipped === undefined || /^skipped: /.test(result.skipped)).toBe(true);
          if (result.skipped === undefined) for (const finding of result.findings) expect(finding.message.length).toBeGreaterThan(0);
          expect(result.ms).toBeLessThan(budget(text.length));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every line ending Python accepts, and a byte order mark, give the findings of the plain file (fast-check)', async () => {
    const statements = [
      'loss = nn.BCELoss()(head(x), y)',
      'p = torch.sigmoid(head(x))',
      'b = nn.BCEWithLogitsLoss()(p, y)',
      'def f(a):\n    # a comment\n    return F.softmax(head(a))',
      'l = torch.log(F.softmax(head(x), dim=1))',
      's = """a string\nover lines"""',
      'q = F.cross_entropy(\n    F.softmax(head(x), dim=1),\n    y.long())',
      '# one\n# two\n# three\n# four\n# five',
      '',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...statements), { maxLength: 10 }),
        fc.constantFrom('\r\n', '\r'),
        fc.boolean(),
        async (chosen, newline, bom) => {
          const plain = `${[...PRELUDE, ...chosen].join('\n')}\n`;
          const other = plain.replace(/\n/g, newline);
          const bytes = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(other)]);
          expect(where(await analyse('python', decodeSource(bytes)))).toEqual(where(await analyse('python', plain)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it.each([
    ['brackets 5,000 deep', `${PRELUDE.join('\n')}\nz = ${'('.repeat(5000)}head(x)${')'.repeat(5000)}\nloss = nn.BCELoss()(z, y)\n`],
    ['calls 2,000 deep', `${PRELUDE.join('\n')}\nz = ${'torch.relu('.repeat(2000)}head(x)${')'.repeat(2000)}\nloss = nn.BCELoss()(z, y)\n`],
    ['an attribute chain 20,000 long', `${PRELUDE.join('\n')}\nz = x${'.a'.repeat(20000)}\nloss = nn.BCELoss()(z, y)\n`],
    [
      'blocks 90 deep',
      `${PRELUDE.join('\n')}\n${Array.from({ length: 90 }, (_, i) => `${'    '.repeat(i)}if x:`).join('\n')}\n${'    '.repeat(90)}loss = nn.BCELoss()(head(x), y)\n`,
    ],
    ['a 1 MB line', `${PRELUDE.join('\n')}\nt = torch.tensor([${'0.5, '.repeat(200_000)}0.5])\nloss = nn.BCELoss()(head(x), y)  # ${'x'.repeat(100)}\n`],
    ['a broken file', `${PRELUDE.join('\n')}\ndef f(:\n  ))) [[[ loss = nn.BCELoss()(head(x), y)\n`],
    ['unterminated strings', `${PRELUDE.join('\n')}\ns = """never closed\nloss = nn.BCELoss()(head(x), y)\n`],
  ])('%s ends with findings or a note, in time', async (_what, text) => {
    const result = await analyse('python', text);
    expect(Array.isArray(result.findings)).toBe(true);
    expect(result.ms).toBeLessThan(budget(text.length));
  });

  it.each([1000, 8000])('%i loss calls take time in proportion, each found', async (calls) => {
    const text = `${[...PRELUDE, 'criterion = nn.BCELoss()', ...Array.from({ length: calls }, (_, i) => `loss${i} = criterion(head(x), y)`)].join('\n')}\n`;
    const result = await analyse('python', text);
    expect(result.findings.length).toBe(calls);
    // A quarter of a millisecond a line: 8,000 calls once took 6.9 s (every call against every other).
    expect(result.ms).toBeLessThan(1000 + calls * 0.25);
  });

  it.each([1000, 10_000])('%i comment lines take time in proportion', async (lines) => {
    const comments = Array.from({ length: lines }, (_, i) => `    # comment ${i}: how the loss is scaled`).join('\n');
    const text = `${PRELUDE.join('\n')}\ndef step(x, y):\n${comments}\n    return nn.BCELoss()(head(x), y)\n`;
    const result = await analyse('python', text);
    expect(where(result)).toEqual([`LL001@${PRELUDE.length + lines + 2}:25`]);
    expect(result.ms).toBeLessThan(budget(text.length));
  });
});

describe('notebooks with odd cells', () => {
  const cell = fc.oneof(
    fc.record(
      {
        cell_type: fc.constantFrom('code', 'markdown', 'raw', 42, null),
        source: fc.oneof(fc.string(), fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null))), fc.constant(null)),
      },
      { requiredKeys: [] },
    ),
    fc.jsonValue(),
    fc.constant({ cell_type: 'code', source: ['%matplotlib inline\n', '!pip install x\n', `${PRELUDE.join('\n')}\nloss = nn.BCELoss()(head(x), y)\n`] }),
  );
  it('analyse or explain every notebook, never throw (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cell, { maxLength: 8 }), fc.oneof(fc.constant({}), fc.jsonValue()), async (cells, metadata) => {
        const text = JSON.stringify({ cells, metadata, nbformat: 4 });
        const result = await analyse('notebook', text);
        expect(result.skipped === undefined || result.skipped.startsWith('skipped:')).toBe(true);
        for (const finding of result.findings) expect(finding.cell).toBeTypeOf('number');
      }),
      { numRuns: 200 },
    );
  });

  it.each(['', '{', '[]', 'null', '{"cells": {}}', '{"cells": [null, 1, "x"]}', '\u0000\u0001'])('%j is skipped with a reason', async (text) => {
    const result = await analyse('notebook', text);
    expect(result.findings).toEqual([]);
    if (!/cells": \[/.test(text)) expect(result.skipped).toMatch(/^skipped: /);
  });
});

describe('JSONL streams with hostile lines', () => {
  const request = fc.record(
    {
      id: fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.jsonValue()),
      loss: fc.oneof(
        fc.constantFrom('mse_loss', 'cross_entropy', 'nll_loss', 'binary_cross_entropy', 'kl_div', 'ctc_loss', 'toString', '__proto__'),
        fc.string(),
      ),
      args: fc.oneof(
        fc.dictionary(
          fc.constantFrom('input', 'target', 'weight', 'toString', '__proto__', 'constructor'),
          fc.oneof(fc.jsonValue(), fc.array(fc.double(), { maxLength: 5 })),
        ),
        fc.jsonValue(),
      ),
      kwargs: fc.oneof(fc.dictionary(fc.constantFrom('reduction', 'ignore_index', 'weight', 'hasOwnProperty', '__proto__'), fc.jsonValue()), fc.jsonValue()),
      dtypes: fc.oneof(
        fc.dictionary(
          fc.constantFrom('input', 'target', 'valueOf'),
          fc.oneof(fc.constantFrom('int64', 'float64', 'bool', 'toString', '__proto__'), fc.jsonValue()),
        ),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  );
  it('every line gets one answer, with its id, a value or an error in plain words (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          request.map((value) => JSON.stringify(value)),
          fc.string(),
          fc.constantFrom('{', '[]', '"x"', '{"id":1}', '\u0000'),
        ),
        (line) => {
          const answer = JSON.parse(answerLine(line));
          expect(Object.keys(answer).sort()).toEqual('error' in answer ? ['error', 'id'] : ['id', 'shape', 'value']);
          if ('error' in answer) {
            expect(answer.error.code).toMatch(/^[a-z-]+$/);
            // No placeholder left unfilled: a `{0}` in the message must come from the line it quotes.
            const placeholder = /\{\d+\}|undefined/.exec(answer.error.message);
            if (placeholder) expect(line).toContain(placeholder[0]);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

interface GoldenTensor {
  readonly data: unknown;
  readonly dtype: string;
  readonly shape: number[];
}
interface GoldenCase {
  readonly name: string;
  readonly loss: string;
  readonly args: Record<string, GoldenTensor>;
  readonly kwargs: Record<string, unknown>;
  readonly expected: { value: unknown; shape: number[] } | { error: { type: string; message: string } };
}

describe('eval --jsonl against PyTorch (test/golden/losses.json): every value, every error PyTorch raises', () => {
  const golden = JSON.parse(readFileSync(join(__dirname, '..', 'golden', 'losses.json'), 'utf8')) as { cases: GoldenCase[] };
  const isTensor = (value: unknown): value is GoldenTensor => typeof value === 'object' && value !== null && 'dtype' in value && 'data' in value;
  const flat = (value: unknown): unknown[] => (Array.isArray(value) ? value.flatMap(flat) : [value]);
  const close = (actual: unknown, expected: unknown) => {
    if (typeof expected !== 'number' || typeof actual !== 'number') return actual === expected;
    const scale = Math.max(Math.abs(expected), Math.abs(actual));
    return scale < 1e-15 ? Math.abs(actual - expected) < 1e-15 : Math.abs(actual - expected) / scale < 1e-9;
  };

  // Nested JSON lists cannot say an empty tensor of rank 2 or more ((0, 3) is `[]`, as (0,) is).
  const listable = (c: GoldenCase) =>
    [...Object.values(c.args), ...Object.values(c.kwargs).filter(isTensor)].every((t) => t.shape.length < 2 || !t.shape.includes(0));
  it.each(golden.cases.filter(listable).map((c) => [c.name, c] as const))('%s', (_name, golden) => {
    const dtypes: Record<string, string> = {};
    const tensor = (name: string, value: GoldenTensor) => {
      dtypes[name] = value.dtype;
      return value.data;
    };
    const args = Object.fromEntries(Object.entries(golden.args).map(([name, value]) => [name, tensor(name, value)]));
    const kwargs = Object.fromEntries(Object.entries(golden.kwargs).map(([name, value]) => [name, isTensor(value) ? tensor(name, value) : value]));
    const answer = JSON.parse(answerLine(JSON.stringify({ id: golden.name, loss: golden.loss, args, kwargs, dtypes })));
    expect(answer.id).toBe(golden.name);
    if ('error' in golden.expected) {
      expect(answer.error, `PyTorch raised ${golden.expected.error.type}: ${golden.expected.error.message}`).toBeDefined();
      return;
    }
    expect(answer.error).toBeUndefined();
    expect(answer.shape).toEqual(golden.expected.shape);
    const actual = flat(answer.value);
    const expected = flat(golden.expected.value);
    expect(actual.length).toBe(expected.length);
    actual.forEach((value, index) => expect(close(value, expected[index]), `${index}: ${String(value)} vs ${String(expected[index])}`).toBe(true));
  });
});

describe('TypeScript and JavaScript from outside', () => {
  /** Statements real TF.js code has, broken ones and odd syntax among them, in any order. */
  const pool = [
    "import * as tf from '@tensorflow/tfjs';",
    "const { losses, layers } = require('@tensorflow/tfjs');",
    "import { createModel } from './model';",
    "export * from './layers';",
    'const model = tf.sequential();',
    "model.add(tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' }));",
    'model.add(tf.layers.dense({ ...cfg, units: 1 }));',
    "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });",
    'model.compile({ optimizer: "adam", loss: tf.losses.softmaxCrossEntropy });',
    'const logits = model.predict(xs) as tf.Tensor;',
    'export const l = tf.losses.softmaxCrossEntropy(labels, tf.softmax(logits));',
    'export const s = tf.tidy(() => tf.losses.sigmoidCrossEntropy(ys, model.apply(xs) as tf.Tensor));',
    'class Agent { model = tf.sequential(); build(n: number) { this.model.add(tf.layers.dense({ units: n })); return this; } }',
    'function compile(m: tf.Sequential) { m.compile({ loss: "binaryCrossentropy" }); }',
    'compile(model);',
    'const f = async ({ a, b }: { a: number; b: number }, ...rest: number[]) => a + b;',
    'for (const [x, y] of pairs) { if (x) { model = y; } else model = tf.model({ inputs: x, outputs: y }); }',
    'switch (kind) { case 1: break; default: model.fit(xs, tf.oneHot(ys, 3)); }',
    'const lossFn = tf.losses.logLoss; lossFn(ys, model.predict(xs));',
    'export default class extends Base { constructor() { super(); this.x = tf.log(tf.sigmoid(y)); } }',
    'const broken = tf.losses.logLoss(a, b) +;',
    'function unclosed( {',
    '}',
    '<div>{model}</div>;',
    'label: while (true) { break label; }',
    'const t = `${tf.softmax(x)}`;',
  ];

  it('random programs are analysed or skipped with a reason, never an exception, findings inside the text (fast-check)', async () => {
    const { analyzeScript } = await import('../../src/analysis/script/analyze');
    await fc.assert(
      fc.property(fc.array(fc.constantFrom(...pool), { maxLength: 14 }), fc.boolean(), (statements, jsx) => {
        const text = statements.join('\n');
        const result = analyzeScript(text, {
          jsx,
          onInternalError: (_rule, error) => {
            throw error;
          },
        });
        expect(result.skipped === undefined || /^skipped: /.test(result.skipped)).toBe(true);
        for (const finding of result.findings) {
          expect(finding.span.start).toBeGreaterThanOrEqual(0);
          expect(finding.span.end).toBeLessThanOrEqual(text.length);
          for (const edit of finding.fix?.edits ?? []) expect(edit.span.end).toBeLessThanOrEqual(text.length);
        }
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 300) },
    );
  });
});
