/**
 * Fuzzing what reaches LossLens from outside: source bytes in any encoding and line ending, deep
 * nesting, long lines, many loss sites, comment-heavy files, notebooks with odd cells, JSONL
 * streams with hostile lines. Each case must end with findings or a clear note, within a time
 * proportional to its size, with no exception escaping; where a clean equivalent exists, with its
 * findings. And `eval`'s JSONL answers against PyTorch's own, errors included.
 *
 * Then every entry point (check, eval, JSONL, server) with the generators of ./helpers/arbitraries.ts;
 * the run at scale is `FUZZ_RUNS=10000 npx vitest run test/unit/fuzz.test.ts` (see "Every entry point").
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import * as l10n from '@vscode/l10n';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection } from 'vscode-languageserver/node';
import {
  CodeActionRequest,
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  DocumentDiagnosticRequest,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRequest,
  LogMessageNotification,
  MessageType,
  NotebookCellKind,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeParams,
} from 'vscode-languageserver-protocol/node';
import { analyzeDocument, type DocumentAnalysis, type DocumentKind } from '../../src/analysis/document';
import { AnalysisHost } from '../../src/analysis/host';
import { SourceFile } from '../../src/analysis/python/source-file';
import { decodeSource } from '../../src/analysis/source-text';
import { CheckCache } from '../../src/cli/cache';
import { checkFile, type CheckOptions } from '../../src/cli/check';
import { answerLine, runEval } from '../../src/cli/eval';
import { main } from '../../src/cli/main';
import { startServer } from '../../src/server/server';
import { host } from './helpers/analysis';
import {
  cacheText,
  deepPython,
  deepScript,
  evalArgv,
  fuzzRuns,
  fuzzTimeout,
  initializationOptions,
  jsonlLine,
  notebookText,
  position,
  serverDocument,
  serverSettings,
} from './helpers/arbitraries';

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

/**
 * A bound that catches a hang, not a speed target: how fast each kind of input is analysed, and
 * that it grows linearly, is `npm run bench` (its scaling part, in the same run as its peers).
 */
const budget = (characters: number) => 20_000 + characters / 10;

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

  it.each([1000, 8000])('%i loss calls are each found, without hanging', async (calls) => {
    const text = `${[...PRELUDE, 'criterion = nn.BCELoss()', ...Array.from({ length: calls }, (_, i) => `loss${i} = criterion(head(x), y)`)].join('\n')}\n`;
    const result = await analyse('python', text);
    expect(result.findings.length).toBe(calls);
    // 8,000 calls once took 6.9 s (every call against every other): the scaling bench's loss-lines kind measures it.
    expect(result.ms).toBeLessThan(budget(text.length));
  });

  it.each([1000, 10_000])('%i comment lines are read, without hanging', async (lines) => {
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

  it(
    'random programs are analysed or skipped with a reason, never an exception, findings inside the text (fast-check)',
    async () => {
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
        { numRuns: fuzzRuns(300) },
      );
    },
    fuzzTimeout(fuzzRuns(300), 50),
  );
});

/*
 * Every entry point, with the generators of ./helpers/arbitraries.ts: `check` (what `losslens check`
 * runs on each file, and on its cache), `eval` (the command line), `eval --jsonl` (each line, and
 * the stream) and `server` (the language server in this process, over an in-memory connection).
 * Every input ends in an answer, a clear error or a skipped note: no exception, no hang (each input
 * within its time budget), nothing unbounded. A few hundred inputs each here; at scale:
 *
 *     FUZZ_RUNS=10000 npx vitest run test/unit/fuzz.test.ts
 *
 * FUZZ_RUNS sets the number of inputs of every property of this file (`-t` picks properties);
 * FUZZ_SEED a seed, to run the same inputs again or to split a run into several processes;
 * FUZZ_BUDGET_MS the time one input may take before it counts as a hang (20,000 ms; a bound, not a speed target).
 */
if (process.env.FUZZ_SEED !== undefined) fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED) });

/** One input's time, generously: a bound that catches a hang or superlinear work, not a benchmark. */
const INPUT_BUDGET_MS = Number(process.env.FUZZ_BUDGET_MS ?? 20_000);

/** A `{0}` or `undefined` in a message that the input did not write: a placeholder left unfilled. */
function unfilled(message: string, input: string): string | undefined {
  const placeholder = /\{\d+\}|\bundefined\b|\[object Object\]/.exec(message);
  return placeholder && !input.includes(placeholder[0]) ? placeholder[0] : undefined;
}

describe('check: every file and cache ends in findings or a note', () => {
  const workspace = mkdtempSync(join(tmpdir(), 'losslens-fuzz-check-'));
  const checkHost = new AnalysisHost([workspace]);
  afterAll(() => {
    checkHost.dispose();
    rmSync(workspace, { recursive: true, force: true });
  });
  const options: CheckOptions = { cwd: workspace, roots: [workspace] };
  const rules = { ignore: [], severity: {} };

  /** What `losslens check` does with one file's text (`checkFile`), timed. */
  async function checkText(kind: DocumentKind, name: string, text: string) {
    const started = performance.now();
    const done = await checkFile(checkHost, { file: join(workspace, name), path: name, kind, text, rules }, options);
    const ms = performance.now() - started;
    // An internal error is caught and noted: for a fuzzed input it is a crash all the same.
    expect(done.notes).toEqual([]);
    expect(done.result.skipped === undefined || done.result.skipped.startsWith('skipped: ')).toBe(true);
    for (const finding of done.result.findings) {
      expect(finding.line).toBeGreaterThanOrEqual(1);
      expect(finding.column).toBeGreaterThanOrEqual(1);
      expect(finding.message.length).toBeGreaterThan(0);
      expect(unfilled(finding.message, text)).toBeUndefined();
      if (kind === 'notebook') expect(finding.cell).toBeTypeOf('number');
    }
    expect(ms).toBeLessThan(INPUT_BUDGET_MS);
    return done;
  }

  const runs = fuzzRuns(60);
  it(
    'Python nested 1 to 5,000 deep (calls, brackets, unary signs, subscripts, lambdas…) in a loss argument or bound to a name (fast-check)',
    async () => {
      await fc.assert(
        fc.asyncProperty(deepPython, async (text) => {
          await checkText('python', 'deep.py', text);
        }),
        { numRuns: runs },
      );
    },
    fuzzTimeout(runs, INPUT_BUDGET_MS),
  );

  // Found by the property above at scale (at b08e86c), fixed in the binder and interpreter: the time grew with the square
  // of the depth — 2,000 deep about 1 s, 4,000 about 4 s, 8,000 about 30 s. The profile: each level's call looked
  // up from the root (engine/sites.ts `callAt`, tree-sitter's descendantForIndex), each activation's statement
  // and evidence found from the root (engine/interpreter.ts `statementOf`, `statementFromRoot`, `evidence`).
  it('6,000 nested softmax calls in a loss argument are analysed (it was quadratic)', async () => {
    const text = `${PRELUDE.join('\n')}\nloss = F.binary_cross_entropy(${'F.softmax('.repeat(6000)}head(x)${', dim=1)'.repeat(6000)}, y)\n`;
    const done = await checkText('python', 'deep.py', text);
    // Softmax probabilities are no probabilities of a binary target: found, whichever rule says it.
    expect(done.result.findings.length).toBeGreaterThan(0);
  }, 120_000);

  // Found by the property above at scale (seed 31, input 6980): a syntax error nested deep — `not x ** not x
  // ** …`, which Python refuses — takes tree-sitter's error recovery a time growing with the square of the depth
  // (1,200 deep about 1 s, 2,400 about 4 s; a line with two such arguments 9 s). A parse has a time budget now
  // (python/parser.ts `parseBudgetMs`): past it, the file is skipped with a note.
  it('a syntax error nested 2,000 deep is read as far as it parses, or the parser gives up within its budget and says so', async () => {
    const text = `${PRELUDE.join('\n')}\nloss = F.cross_entropy(${'not x ** '.repeat(2000)}x, y)\n`;
    const done = await checkFile(checkHost, { file: join(workspace, 'broken.py'), path: 'broken.py', kind: 'python', text, rules }, options);
    if (done.result.skipped !== undefined) expect(done.result.skipped).toMatch(/^skipped: the parser gave up after [\d.]+ s \(a syntax error/);
    else expect(done.result.partial).toMatch(/^skipped lines 7 \(a syntax error\)/);
  }, 60_000);

  it('a syntax error tree-sitter takes seconds over is given up on, with a note (4 s and more before)', async () => {
    const text = `${PRELUDE.join('\n')}\nloss = F.cross_entropy(${'not x ** '.repeat(4000)}x, ${'not y ** '.repeat(4000)}y)\n`;
    const done = await checkFile(checkHost, { file: join(workspace, 'broken.py'), path: 'broken.py', kind: 'python', text, rules }, options);
    expect(done.result.skipped).toMatch(/^skipped: the parser gave up after [\d.]+ s \(a syntax error it cannot recover from quickly\)$/);
  }, 60_000);

  // Found by the cache and server properties at scale: each AnalysisHost loaded the Python grammar anew and its
  // `dispose` deleted neither parser nor grammar, so every `losslens check` run in a process, and every
  // workspace-folder change in the server, kept about 0.7 MB of WebAssembly memory for good; after some 4,800
  // hosts `new Parser()` threw "RuntimeError: table index is out of bounds". The grammar is loaded once per
  // process now, and a host deletes its parser.
  it('hosts created and disposed do not grow the parser memory (each loaded the grammar, none freed its parser)', async () => {
    const analyseOnce = async () => {
      const own = new AnalysisHost([workspace]);
      const source = new SourceFile(own);
      try {
        expect((await source.analyze(`${PRELUDE.join('\n')}\nloss = nn.BCELoss()(head(x), y)\n`, {})).findings).toHaveLength(1);
      } finally {
        source.dispose();
        own.dispose();
      }
    };
    await analyseOnce();
    const before = process.memoryUsage().external;
    for (let i = 0; i < 200; i++) await analyseOnce();
    // WebAssembly memory is external to the heap, and never given back: what 200 hosts kept stays counted.
    expect((process.memoryUsage().external - before) / 1e6).toBeLessThan(20);
  }, 60_000);

  it(
    'TypeScript nested 1 to 5,000 deep (fast-check)',
    async () => {
      await fc.assert(
        fc.asyncProperty(deepScript, async (text) => {
          await checkText('javascript', 'deep.ts', text);
        }),
        { numRuns: runs },
      );
    },
    fuzzTimeout(runs, INPUT_BUDGET_MS),
  );

  it(
    'notebooks with every JSON type in their metadata, cells, sources, outputs and nbformat (fast-check)',
    async () => {
      await fc.assert(
        fc.asyncProperty(notebookText, async (text) => {
          await checkText('notebook', 'n.ipynb', text);
        }),
        { numRuns: fuzzRuns(150) },
      );
    },
    fuzzTimeout(fuzzRuns(150), INPUT_BUDGET_MS),
  );

  it(
    'a crafted .losslens_cache/check.json (the right key, every JSON type inside, cut short, huge numbers) is used or started anew (fast-check)',
    async () => {
      const dir = join(workspace, 'cached');
      mkdirSync(dir);
      const program = `${PRELUDE.join('\n')}\nloss = nn.BCELoss()(head(x), y)\n`;
      writeFileSync(join(dir, 'train.py'), program);
      const cachePath = join(dir, '.losslens_cache', 'check.json');
      const run = async (format: string) => {
        let stdout = '';
        let stderr = '';
        const started = performance.now();
        const code = await main(['check', '--format', format, 'train.py'], {
          cwd: dir,
          stdout: (text) => (stdout += text),
          stderr: (text) => (stderr += text),
        });
        return { code, stdout, stderr, ms: performance.now() - started };
      };
      expect((await run('json')).code).toBe(1);
      const written = JSON.parse(readFileSync(cachePath, 'utf8')) as { key: string; tree: string; entries: Record<string, unknown> };
      const [file] = Object.keys(written.entries);
      expect(file).toBe(join(dir, 'train.py'));
      const context = { key: written.key, tree: written.tree, file: file!, hash: CheckCache.hash(program) };
      await fc.assert(
        fc.asyncProperty(cacheText(context), fc.constantFrom('text', 'json', 'sarif'), async (crafted, format) => {
          writeFileSync(cachePath, crafted);
          const result = await run(format);
          expect([0, 1]).toContain(result.code);
          // Only what a cached result may say of the file: its skip or partial note, on one line per note.
          for (const line of result.stderr.split('\n').filter(Boolean)) expect(line).toMatch(/^train\.py: /);
          if (format === 'text') expect(result.stdout).toMatch(/(^|\n)Checked \d+ files? .*\n$|(^|\n)Checked \d+ files?: .*\n$/);
          else expect(() => JSON.parse(result.stdout)).not.toThrow();
          expect(result.ms).toBeLessThan(INPUT_BUDGET_MS);
          // What is written back is a cache the next run reads.
          expect(Object.keys(JSON.parse(readFileSync(cachePath, 'utf8')) as object).sort()).toEqual(['entries', 'key', 'tree']);
        }),
        { numRuns: fuzzRuns(150) },
      );
    },
    fuzzTimeout(fuzzRuns(150), INPUT_BUDGET_MS),
  );
});

describe('eval: every command line ends in a value, or an error in plain words', () => {
  it(
    'tensor literals nested deep, of huge declared shapes or junk, with options of every kind (fast-check)',
    async () => {
      await fc.assert(
        fc.asyncProperty(evalArgv, async (argv) => {
          let stdout = '';
          let stderr = '';
          const started = performance.now();
          const code = await main(['eval', ...argv], { cwd: tmpdir(), stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
          const ms = performance.now() - started;
          expect([0, 1, 2]).toContain(code);
          if (code === 0) {
            expect(stdout.length).toBeGreaterThan(0);
            if (argv.includes('--json') && !argv.includes('--list')) expect(() => JSON.parse(stdout)).not.toThrow();
          } else {
            expect(stderr).toMatch(/^losslens eval: \S/);
            expect(unfilled(stderr, argv.join(' '))).toBeUndefined();
          }
          expect(ms).toBeLessThan(INPUT_BUDGET_MS);
        }),
        { numRuns: fuzzRuns(300) },
      );
    },
    fuzzTimeout(fuzzRuns(300), INPUT_BUDGET_MS),
  );
});

describe('eval --jsonl: every line of every JSON type in every field gets one answer', () => {
  /** An answer as the contract has it: its id, and a value with its shape or an error with a code. */
  const expectAnswer = (text: string, line: string) => {
    const answer = JSON.parse(text) as { id: unknown; value?: unknown; shape?: unknown; error?: { code: string; message: string } };
    expect(Object.keys(answer).sort()).toEqual(answer.error ? ['error', 'id'] : ['id', 'shape', 'value']);
    expect(answer.id === null || ['string', 'number'].includes(typeof answer.id)).toBe(true);
    if (answer.error) {
      expect(answer.error.code).toMatch(/^[a-z-]+$/);
      expect(answer.error.code).not.toBe('internal-error');
      expect(answer.error.message.length).toBeGreaterThan(0);
      expect(unfilled(answer.error.message, line)).toBeUndefined();
    }
  };

  it(
    'each line (fast-check)',
    () => {
      fc.assert(
        fc.property(jsonlLine, (line) => {
          const started = performance.now();
          expectAnswer(answerLine(line), line);
          expect(performance.now() - started).toBeLessThan(INPUT_BUDGET_MS);
        }),
        { numRuns: fuzzRuns(1000) },
      );
    },
    fuzzTimeout(fuzzRuns(1000), 50),
  );

  it(
    'a stream of them, with CRLF and a byte order mark: one answer per line that is not blank, in order (fast-check)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(jsonlLine, fc.constant('')), { minLength: 1, maxLength: 5 }),
          fc.constantFrom('\n', '\r\n'),
          async (lines, newline) => {
            // A line of the stream holds no newline: one inside a generated string would make two.
            const requests = lines.map((line) => line.replace(/[\r\n]/g, ' '));
            let stdout = '';
            const io = { cwd: tmpdir(), stdout: (text: string) => (stdout += text), stderr: () => undefined };
            expect(await runEval(['--jsonl'], io, Readable.from([Buffer.from(requests.join(newline))]))).toBe(0);
            const answers = stdout.split('\n').slice(0, -1);
            const asked = requests.filter((line, index) => (index === 0 ? line.replace(/^\ufeff/, '') : line).trim() !== '');
            expect(answers.length).toBe(asked.length);
            answers.forEach((answer, index) => expectAnswer(answer, asked[index]!));
          },
        ),
        { numRuns: fuzzRuns(200) },
      );
    },
    fuzzTimeout(fuzzRuns(200), 100),
  );
});

describe('server: every document, setting and initialization option ends in answers, never an exception', () => {
  /** The evaluator's and the TensorFlow.js analyzer's workers, bundled as `dist/` has them. */
  let dist: string;
  const workspace = mkdtempSync(join(tmpdir(), 'losslens-fuzz-server-'));
  beforeAll(async () => {
    // Its own folder: runs of this file side by side do not write over each other's bundles.
    dist = join(workspace, 'dist');
    const { bundleCli } = await import('../../scripts/bundles.mjs');
    await bundleCli(dist);
  }, 60_000);
  afterAll(() => {
    rmSync(workspace, { recursive: true, force: true });
    // A bundle of translations given in `initializationOptions` is the process's: English again.
    l10n.config({ contents: {} });
  });

  type Step =
    | { readonly kind: 'change'; readonly text: string }
    | {
        readonly kind: 'hover' | 'codeAction' | 'inlayHint';
        readonly at: { line: number; character: number };
        readonly to: { line: number; character: number };
      }
    | { readonly kind: 'pull' | 'close' | 'save' }
    | { readonly kind: 'configuration'; readonly settings: unknown }
    | { readonly kind: 'notebook'; readonly cells: readonly string[] };

  const step: fc.Arbitrary<Step> = fc.oneof(
    serverDocument.map(({ text }): Step => ({ kind: 'change', text })),
    fc.record({ kind: fc.constantFrom('hover' as const, 'codeAction' as const, 'inlayHint' as const), at: position, to: position }),
    fc.constantFrom<Step>({ kind: 'pull' }, { kind: 'close' }, { kind: 'save' }),
    serverSettings.map((settings): Step => ({ kind: 'configuration', settings })),
    fc
      .array(
        serverDocument.map(({ text }) => text),
        { maxLength: 3 },
      )
      .map((cells): Step => ({ kind: 'notebook', cells })),
  );

  /** A request's answer, or a failure naming it when the server takes longer than the budget. */
  const inTime = <T>(what: string, request: Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      request,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${INPUT_BUDGET_MS} ms`)), INPUT_BUDGET_MS))),
    ]).finally(() => clearTimeout(timer));
  };

  /** The server started in this process on an in-memory connection, driven through `steps`, then shut down. */
  async function serve(
    init: unknown,
    pull: boolean,
    configuration: boolean,
    settings: unknown,
    document: { languageId: string; extension: string; text: string },
    steps: readonly Step[],
  ) {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = createConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(server, { dist, l10n: join(__dirname, '..', '..', 'l10n'), version: '0.0.0' });
    const client = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const errors: string[] = [];
    client.onNotification(LogMessageNotification.type, (params) => {
      // A handler that threw is logged by the connection ("… failed with message …"), an analysis that threw by
      // the server; what it ignored and why (settings, options, folders) is a clear note, not a crash.
      if (params.type === MessageType.Error && !/^(Ignoring |Imports are not resolved )/.test(params.message)) errors.push(params.message);
    });
    client.onNotification(PublishDiagnosticsNotification.type, () => undefined);
    client.onNotification('losslens/analysisFinished', () => undefined);
    client.onRequest(ConfigurationRequest.type, (params) => params.items.map(() => settings));
    client.onRequest(RegistrationRequest.type, () => null);
    client.onRequest('workspace/inlayHint/refresh', () => null);
    client.onRequest('workspace/diagnostic/refresh', () => null);
    client.listen();
    const uri = pathToFileURL(join(workspace, `doc.${document.extension}`)).href;
    let version = 1;
    let notebooks = 0;
    try {
      await inTime(
        'initialize',
        client.sendRequest(InitializeRequest.type, {
          processId: null,
          rootUri: pathToFileURL(workspace).href,
          workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'fuzz' }],
          capabilities: {
            workspace: {
              configuration,
              didChangeWatchedFiles: { dynamicRegistration: true },
              inlayHint: { refreshSupport: true },
              diagnostics: { refreshSupport: true },
            },
            textDocument: {
              ...(pull ? { diagnostic: { dynamicRegistration: false } } : {}),
              codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
            },
          },
          ...(init !== undefined ? { initializationOptions: init } : {}),
        } as InitializeParams),
      );
      await client.sendNotification(InitializedNotification.type, {});
      await client.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: document.languageId, version, text: document.text },
      });
      for (const next of steps) {
        const range = 'at' in next ? { start: next.at, end: next.to } : undefined;
        switch (next.kind) {
          case 'change':
            await client.sendNotification(DidChangeTextDocumentNotification.type, {
              textDocument: { uri, version: ++version },
              contentChanges: [{ text: next.text }],
            });
            break;
          case 'save':
            await client.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
            break;
          case 'close':
            await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
            await client.sendNotification(DidOpenTextDocumentNotification.type, {
              textDocument: { uri, languageId: document.languageId, version: ++version, text: document.text },
            });
            break;
          case 'configuration':
            await client.sendNotification(DidChangeConfigurationNotification.type, { settings: { losslens: next.settings } });
            break;
          case 'hover':
            await inTime('hover', client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: next.at }));
            break;
          case 'codeAction':
            await inTime('codeAction', client.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: range!, context: { diagnostics: [] } }));
            break;
          case 'inlayHint':
            await inTime('inlayHint', client.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: range! }));
            break;
          case 'pull':
            if (pull) await inTime('pull', client.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }));
            break;
          case 'notebook': {
            const notebookUri = pathToFileURL(join(workspace, `n${++notebooks}.ipynb`)).href;
            const cells = next.cells.map((text, index) => ({ text, document: `${notebookUri}#cell${index}` }));
            await client.sendNotification(DidOpenNotebookDocumentNotification.type, {
              notebookDocument: {
                uri: notebookUri,
                notebookType: 'jupyter-notebook',
                version: 1,
                cells: cells.map(({ document }) => ({ kind: NotebookCellKind.Code, document })),
              },
              cellTextDocuments: cells.map((cell) => ({ uri: cell.document, languageId: 'python', version: 1, text: cell.text })),
            });
            for (const cell of cells) {
              await inTime(
                'hover in a cell',
                client.sendRequest(HoverRequest.type, { textDocument: { uri: cell.document }, position: { line: 6, character: 22 } }),
              );
              await inTime(
                'code actions in a cell',
                client.sendRequest(CodeActionRequest.type, {
                  textDocument: { uri: cell.document },
                  range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } },
                  context: { diagnostics: [] },
                }),
              );
            }
            break;
          }
        }
      }
      // Whatever was scheduled has run: a last answer after the debounce.
      await inTime('last hover', client.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } }));
      await inTime('shutdown', client.sendRequest(ShutdownRequest.type));
    } finally {
      client.dispose();
      server.dispose();
      toServer.end();
      toClient.end();
      l10n.config({ contents: {} });
    }
    return errors;
  }

  const runs = fuzzRuns(40);
  it(
    'documents nested deep, notebooks, settings and initializationOptions of every JSON type; hover, inlay hints, code actions, pulls (fast-check)',
    async () => {
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown) => rejections.push(reason);
      process.on('unhandledRejection', onRejection);
      try {
        await fc.assert(
          fc.asyncProperty(
            initializationOptions,
            fc.boolean(),
            fc.boolean(),
            serverSettings,
            serverDocument,
            fc.array(step, { maxLength: 5 }),
            async (init, pull, configuration, settings, document, steps) => {
              const errors = await serve(init, pull, configuration, settings, document, steps);
              expect(errors).toEqual([]);
              // An analysis scheduled before shutdown may finish after this harness disposed the connection
              // (`losslens server` ends its process at `exit`): its diagnostics are then refused, not lost.
              const disposed = (reason: unknown) => reason instanceof Error && reason.message === 'Connection is disposed.';
              expect(rejections.splice(0).filter((reason) => !disposed(reason))).toEqual([]);
            },
          ),
          { numRuns: runs },
        );
      } finally {
        process.off('unhandledRejection', onRejection);
      }
    },
    fuzzTimeout(runs, 6 * INPUT_BUDGET_MS),
  );
});
