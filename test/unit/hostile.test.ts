/**
 * Hostile input, as a person trying to break LossLens would give it: each case ends with findings
 * or a clear note, quickly, with no exception escaping (docs/ARCHITECTURE.md, "Bounds").
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import * as esbuild from 'esbuild';
import { watPlugin } from '../../scripts/wat.mjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeSource } from '../../src/analysis/source-text';
import { answerLine, MAX_ANSWER_VALUES, runEval } from '../../src/cli/eval';
import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';

const ROOT = join(__dirname, '..', '..');
const BUG = [
  'import torch',
  'import torch.nn as nn',
  'head = nn.Linear(16, 1)',
  'x = torch.randn(8, 16)',
  'y = torch.rand(8, 1)',
  'loss = nn.BCELoss()(head(x), y)',
  '',
];

async function cli(argv: string[], cwd: string, stdin?: Readable) {
  let stdout = '';
  let stderr = '';
  const io: CliIO = { cwd, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) };
  const started = performance.now();
  const code = stdin ? await runEval(argv.slice(1), io, stdin) : await main(argv, io);
  return { code, stdout, stderr, ms: performance.now() - started };
}

function folder(files: Record<string, string | Buffer> = {}): string {
  const path = mkdtempSync(join(tmpdir(), 'losslens-hostile-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(path, name), content);
  return path;
}

const findingLines = (stdout: string) =>
  JSON.parse(stdout).findings.map((finding: { code: string; line: number; column: number }) => [finding.code, finding.line, finding.column]);

describe('check reads only what it can read, and says why not', () => {
  it('skips a FIFO named like a Python file, and one imported as a module, without blocking', async () => {
    const dir = folder({ 'train.py': ['from models import Net', ...BUG].join('\n') });
    execFileSync('mkfifo', [join(dir, 'pipe.py')]);
    execFileSync('mkfifo', [join(dir, 'models.py')]);
    const result = await cli(['check', '--format', 'json', '.'], dir);
    expect(result.stderr).toContain('models.py: skipped: not a regular file');
    expect(result.stderr).toContain('pipe.py: skipped: not a regular file');
    expect(findingLines(result.stdout)).toEqual([['LL001', 7, 21]]);
    expect(JSON.parse(result.stdout).files).toBe(1);
  });

  it('skips a link to an endless device', async () => {
    const dir = folder();
    symlinkSync('/dev/zero', join(dir, 'zero.py'));
    const result = await cli(['check', 'zero.py'], dir);
    expect(result).toMatchObject({ code: 0, stdout: 'Checked 0 files (1 skipped): nothing was analysed.\n' });
    expect(result.stderr).toContain('zero.py: skipped: not a regular file');
  });

  it('skips a file over the limit by its size on disk, before reading it', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'huge.py'), '');
    truncateSync(join(dir, 'huge.py'), 400 * 1024 * 1024);
    const result = await cli(['check', 'huge.py'], dir);
    expect(result.stderr).toBe('huge.py: skipped: larger than 2048 KB\n');
    expect(result.ms).toBeLessThan(2000);
  });

  it('measures a notebook by its code: 3 MB of plots in its outputs are analysed, 2.1 MB of code and a 65 MB file are not', async () => {
    const notebook = (code: string, output = '') =>
      JSON.stringify({
        cells: [{ cell_type: 'code', source: code, outputs: output ? [{ output_type: 'display_data', data: { 'image/png': output } }] : [] }],
        metadata: {},
        nbformat: 4,
      });
    const dir = folder({
      'plots.ipynb': notebook(BUG.join('\n'), 'A'.repeat(3_000_000)),
      'code.ipynb': notebook(`${BUG.join('\n')}\n# ${'x'.repeat(2_200_000)}\n`),
    });
    writeFileSync(join(dir, 'vast.ipynb'), '');
    truncateSync(join(dir, 'vast.ipynb'), 65 * 1024 * 1024);
    const result = await cli(['check', '--format', 'concise', 'plots.ipynb', 'code.ipynb', 'vast.ipynb'], dir);
    expect(result.stdout).toMatch(/^plots\.ipynb:cell 0:\d+:\d+: LL\d{3} /m);
    expect(result.stderr).toContain('code.ipynb: skipped: its code cells hold more than 2048 KB');
    expect(result.stderr).toContain('vast.ipynb: skipped: a notebook file larger than 65536 KB (32 times the size limit, which applies to its code)');
  });

  it('counts the limit in bytes: 2.4 MB of Chinese comments is over 2 MB, in fewer characters', async () => {
    const dir = folder({ 'notes.py': `${BUG.join('\n')}# ${'注释'.repeat(400_000)}\n` });
    const result = await cli(['check', 'notes.py'], dir);
    expect(result.stderr).toBe('notes.py: skipped: larger than 2048 KB\n');
  });

  it('reports a symbolic link loop and an undecodable file name as what they are', async () => {
    const dir = folder();
    symlinkSync(join(dir, 'b.py'), join(dir, 'a.py'));
    symlinkSync(join(dir, 'a.py'), join(dir, 'b.py'));
    const loop = await cli(['check', 'a.py'], dir);
    expect(loop.code).toBe(2);
    expect(loop.stderr).toContain('a.py: a loop of symbolic links');
    const undecodable = await cli(['check', 'model\uFFFD.py'], dir);
    expect(undecodable.code).toBe(2);
    expect(undecodable.stderr).toContain('its name is not valid UTF-8');
  });

  it('in a folder, notes a looping link among the files it checks and checks the rest', async () => {
    const dir = folder({ 'train.py': BUG.join('\n') });
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'sub', 'y.py'), join(dir, 'sub', 'x.py'));
    symlinkSync(join(dir, 'sub', 'x.py'), join(dir, 'sub', 'y.py'));
    const result = await cli(['check', '.'], dir);
    expect(result.stderr).toContain(`${join('sub', 'x.py')}: skipped: a loop of symbolic links`);
    expect(result.stdout).toContain('Checked 1 file (2 skipped): 1 finding.');
  });
});

describe('every encoding and line ending Python reads gives the same findings', () => {
  const lf = BUG.join('\n');
  let expected: unknown;
  beforeAll(async () => {
    expected = findingLines((await cli(['check', '--format', 'json', 'plain.py'], folder({ 'plain.py': lf }))).stdout);
    expect(expected).toEqual([['LL001', 6, 21]]);
  });

  it.each([
    ['a UTF-8 byte order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lf)])],
    ['UTF-16 LE with a byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(lf, 'utf16le')])],
    ['UTF-16 BE with a byte order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(lf, 'utf16le').swap16()])],
    ['lone CR line endings', Buffer.from(lf.replace(/\n/g, '\r'))],
    ['CRLF line endings', Buffer.from(lf.replace(/\n/g, '\r\n'))],
    ['a latin-1 coding declaration', Buffer.from(`# -*- coding: latin-1 -*-\n${lf.replace('import torch\n', 'import torch  # caf\xe9\n')}`, 'latin1')],
  ])('%s', async (what, bytes) => {
    const result = await cli(['check', '--format', 'json', 'file.py'], folder({ 'file.py': bytes }));
    const lines = findingLines(result.stdout) as Array<[string, number, number]>;
    const shift = what.includes('coding') ? 1 : 0;
    expect(lines).toEqual((expected as Array<[string, number, number]>).map(([code, line, column]) => [code, line + shift, column]));
  });

  it('decodes a latin-1 declaration as latin-1, and bytes that are not UTF-8 without throwing', () => {
    expect(decodeSource(Buffer.from('# coding: latin-1\nx = "\xe9"\n', 'latin1'))).toBe('# coding: latin-1\nx = "é"\n');
    expect(decodeSource(Buffer.from([0x78, 0x20, 0x3d, 0x20, 0xff, 0xfe, 0xfd]))).toBe('x = \ufffd\ufffd\ufffd');
  });
});

describe('expressions nested thousands deep are analysed, not a stack overflow', () => {
  const head = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', 'x = torch.randn(4, 3)', 'y = torch.randint(0, 3, (4,))'];
  const softmaxes = (depth: number) => `${'F.softmax('.repeat(depth)}x${', dim=1)'.repeat(depth)}`;

  it.each([
    ['1,000 nested softmax calls in the loss argument', [...head, `loss = nn.CrossEntropyLoss()(${softmaxes(1000)}, y)`], [['LL003', 6, 30]]],
    ['3,000 nested softmax calls bound to a name, then used', [...head, `p = ${softmaxes(3000)}`, 'loss = nn.CrossEntropyLoss()(p, y)'], [['LL003', 7, 30]]],
    ['8,000 unary minus signs', [...head, `loss = nn.CrossEntropyLoss()(${'-'.repeat(8000)}x, y)`], []],
    ['800 nested sigmoids', [...head, `loss = nn.BCELoss()(${'torch.sigmoid('.repeat(800)}x${')'.repeat(800)}, torch.rand(4, 3))`], []],
    [
      "20,000 parentheses around a layer's raw scores",
      [...head, 'h = nn.Linear(3, 1)', `loss = nn.BCELoss()(${'('.repeat(20_000)}h(x)${')'.repeat(20_000)}, torch.rand(4, 1))`],
      [['LL001', 7, 21]],
    ],
  ])('%s', async (_what, lines, expected) => {
    const result = await cli(['check', '--format', 'json', 'deep.py'], folder({ 'deep.py': lines.join('\n') }));
    expect(result.stderr).toBe('');
    expect(findingLines(result.stdout)).toEqual(expected);
  });
});

describe('TypeScript and JavaScript read lone CR line endings as lines, as JavaScript does', () => {
  it('reports the finding at its line and column, and names the line of its evidence', async () => {
    const lines = [
      "import * as tf from '@tensorflow/tfjs';",
      'const model = tf.sequential();',
      'model.add(tf.layers.dense({ units: 1, inputShape: [4] }));',
      "model.compile({ loss: 'binaryCrossentropy', optimizer: 'adam' });",
      '',
    ];
    const lf = await cli(['check', '--format', 'json', 'model.ts'], folder({ 'model.ts': lines.join('\n') }));
    const cr = await cli(['check', '--format', 'json', 'model.ts'], folder({ 'model.ts': lines.join('\r') }));
    expect(findingLines(lf.stdout)).toEqual([['LL001', 4, 23]]);
    expect(findingLines(cr.stdout)).toEqual(findingLines(lf.stdout));
    expect(JSON.parse(cr.stdout).findings[0].message).toContain('(line 3:');
  });
});

describe('a notebook whose language metadata is not a string', () => {
  it('is read as Python, not a crash', async () => {
    const notebook = {
      cells: [{ cell_type: 'code', metadata: {}, source: BUG.map((line) => `${line}\n`), outputs: [], execution_count: null }],
      metadata: { language_info: { name: { toString: 1 } }, kernelspec: { language: 7 } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    const result = await cli(['check', '--format', 'json', 'n.ipynb'], folder({ 'n.ipynb': JSON.stringify(notebook) }));
    expect(result.code).toBe(1);
    expect(findingLines(result.stdout)).toEqual([['LL001', 6, 21]]);
  });
});

describe('a cache that cannot be read is started anew', () => {
  const write = (dir: string, content: string) => {
    mkdirSync(join(dir, '.losslens_cache'), { recursive: true });
    writeFileSync(join(dir, '.losslens_cache', 'check.json'), content);
  };

  it.each([
    ['dependencies null', (entry: Record<string, unknown>) => ({ ...entry, dependencies: null })],
    ['dependencies a number', (entry: Record<string, unknown>) => ({ ...entry, dependencies: 5 })],
    ['findings junk', (entry: Record<string, unknown>) => ({ ...entry, result: { kind: 'python', findings: [1, 'x', null] } })],
    ['findings without their fields', (entry: Record<string, unknown>) => ({ ...entry, result: { kind: 'python', findings: [{}] } })],
    ['a result of null', (entry: Record<string, unknown>) => ({ ...entry, result: null })],
  ])('an entry with %s: checked again, same findings', async (_what, spoil) => {
    const dir = folder({ 'train.py': BUG.join('\n') });
    const first = await cli(['check', '--format', 'json', '.'], dir);
    const path = join(dir, '.losslens_cache', 'check.json');
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, Record<string, unknown>> };
    for (const key of Object.keys(stored.entries)) stored.entries[key] = spoil(stored.entries[key]!);
    writeFileSync(path, JSON.stringify(stored));
    const again = await cli(['check', '--format', 'json', '.'], dir);
    expect(again).toMatchObject({ code: 1, stderr: '' });
    expect(findingLines(again.stdout)).toEqual(findingLines(first.stdout));
  });

  it.each([
    ['evidence without a file', 'sarif', { related: [{}] }],
    ['evidence with a line of null', 'sarif', { related: [{ file: 'train.py', line: null, text: 'x' }] }],
    ['a fix whose edits are numbers', 'json', { fix: { title: 'Fix', safety: 'safe', edits: [1] } }],
    ['a fix without a safety', 'json', { fix: { title: 'Fix', edits: [] } }],
  ])('findings with %s: checked again, and %s is written as for a fresh run (found by test/unit/fuzz.test.ts)', async (_what, format, spoil) => {
    const dir = folder({ 'train.py': BUG.join('\n') });
    const fresh = await cli(['check', '--format', format, '.'], dir);
    const path = join(dir, '.losslens_cache', 'check.json');
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, { result: { findings: object[] } }> };
    for (const entry of Object.values(stored.entries)) entry.result.findings = entry.result.findings.map((finding) => ({ ...finding, ...spoil }));
    writeFileSync(path, JSON.stringify(stored));
    const again = await cli(['check', '--format', format, '.'], dir);
    expect(again).toMatchObject({ code: 1, stderr: '' });
    // The finding as analysed anew, not as the spoiled entry had it.
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(fresh.stdout));
  });

  it.each([
    ['entries a number', (stored: Record<string, unknown>) => JSON.stringify({ ...stored, entries: 5 })],
    ['entries null', (stored: Record<string, unknown>) => JSON.stringify({ ...stored, entries: null })],
    ['not JSON', () => '{"key": '],
  ])('a cache file with %s: checked again', async (_what, spoil) => {
    const dir = folder({ 'train.py': BUG.join('\n') });
    await cli(['check', '.'], dir);
    const path = join(dir, '.losslens_cache', 'check.json');
    write(dir, spoil(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>));
    expect(await cli(['check', '--format', 'json', '.'], dir)).toMatchObject({ code: 1, stderr: '' });
  });

  it('a FIFO or a link to an endless device in its place is not read (no blocking, no growth)', async () => {
    for (const make of [(path: string) => execFileSync('mkfifo', [path]), (path: string) => symlinkSync('/dev/zero', path)]) {
      const dir = folder({ 'train.py': BUG.join('\n') });
      mkdirSync(join(dir, '.losslens_cache'));
      make(join(dir, '.losslens_cache', 'check.json'));
      const result = await cli(['check', '--format', 'json', '.'], dir);
      expect(result.code).toBe(1);
      expect(findingLines(result.stdout)).toEqual([['LL001', 6, 21]]);
    }
  });
});

describe('SARIF names files by URI', () => {
  it('percent-encodes #, % and spaces', async () => {
    const dir = folder({ 'my model #1 (100%).py': BUG.join('\n') });
    const sarif = JSON.parse((await cli(['check', '--format', 'sarif', '.'], dir)).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('my%20model%20%231%20(100%25).py');
  });

  it('keeps a backslash in a Linux file name as part of the name', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'a\\b'));
    writeFileSync(join(dir, 'a\\b', 'x.py'), BUG.join('\n'));
    const sarif = JSON.parse((await cli(['check', '--format', 'sarif', '.'], dir)).stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('a%5Cb/x.py');
  });

  it('the text format escapes a newline in a file name, so each finding stays one line', async () => {
    const dir = folder({ 'two\nlines.py': BUG.join('\n') });
    const result = await cli(['check', '.'], dir);
    expect(result.stdout.split('\n')[0]).toMatch(/^two\\nlines\.py:6:21: LL001 /);
  });
});

describe('eval refuses what it cannot hold, before holding it', () => {
  it('a literal declaring 2×10⁹ elements is refused at once, as a usage error', async () => {
    const result = await cli(['eval', '--loss', 'mse_loss', '--input', 'tf.tensor(0.5, [2000000000])', '--target', '1'], ROOT);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('holds 2,000,000,000 values: the limit is 50,000,000');
    expect(result.ms).toBeLessThan(1000);
  });

  it('a JSONL tensor over the limit is refused by its shape', () => {
    const answer = JSON.parse(answerLine('{"id":1,"loss":"mse_loss","args":{"input":[[1,2],[3,4]],"target":[[1,2],[3,4]]}}', 3));
    expect(answer).toEqual({ id: 1, error: { code: 'parse-error', message: expect.stringContaining('Too many values: the limit is 3') } });
  });

  it('an answer too large to write as JSON is an error answer, and the stream goes on', () => {
    const stringify = JSON.stringify;
    const spy = vi.spyOn(JSON, 'stringify').mockImplementationOnce(() => {
      throw new RangeError('Invalid string length');
    });
    try {
      const answer = JSON.parse(answerLine('{"id":7,"loss":"mse_loss","args":{"input":[1,2],"target":[1,3]},"kwargs":{"reduction":"none"}}'));
      expect(answer).toEqual({ id: 7, error: { code: 'too-large', message: expect.stringContaining('too many to write as JSON') } });
      expect(stringify(JSON.parse(answerLine('{"id":8,"loss":"mse_loss","args":{"input":[1],"target":[1]}}')))).toBe('{"id":8,"value":0,"shape":[]}');
    } finally {
      spy.mockRestore();
    }
  });

  it(`an answer of more than ${MAX_ANSWER_VALUES.toLocaleString('en-US')} values is refused for its id, and the stream goes on`, async () => {
    const big = `[${'0.5,'.repeat(MAX_ANSWER_VALUES)}0.5]`;
    const input = [
      `{"id":1,"loss":"mse_loss","args":{"input":${big},"target":${big}},"kwargs":{"reduction":"none"}}`,
      `{"id":2,"loss":"mse_loss","args":{"input":${big},"target":${big}}}`,
    ].join('\n');
    const result = await cli(['eval', '--jsonl'], ROOT, Readable.from([Buffer.from(input)]));
    const answers = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(answers).toEqual([
      { id: 1, error: { code: 'too-large', message: expect.stringContaining('5,000,001 values') } },
      { id: 2, value: 0, shape: [] },
    ]);
  });

  it('a byte order mark before the first request is not part of it', async () => {
    const input = '\ufeff{"id":1,"loss":"mse_loss","args":{"input":[1],"target":[2]}}\n';
    expect((await cli(['eval', '--jsonl'], ROOT, Readable.from([Buffer.from(input)]))).stdout).toBe('{"id":1,"value":1,"shape":[]}\n');
  });

  it('ids are echoed as written: integers beyond 2^53, 2.50, strings with quotes', () => {
    const request = (id: string) => `{"id":${id},"loss":"mse_loss","args":{"input":[1],"target":[2]}}`;
    expect(answerLine(request('12345678901234567891'))).toBe('{"id":12345678901234567891,"value":1,"shape":[]}');
    expect(answerLine(request('2.50'))).toBe('{"id":2.50,"value":1,"shape":[]}');
    expect(answerLine(request('"a\\"b"'))).toBe('{"id":"a\\"b","value":1,"shape":[]}');
  });

  it('an id or option that is an object, or nested 200,000 deep, is an error answer for that line only', async () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    const deepObject = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    const lines = [
      `{"id":${deep},"loss":"mse_loss","args":{"input":[1],"target":[2]}}`,
      `{"id":2,"loss":"mse_loss","args":{"input":[1],"target":[2]},"kwargs":{"reduction":${deep}}}`,
      `{"id":3,"loss":"mse_loss","args":{"input":[1],"target":[2]},"kwargs":{"reduction":${deepObject}}}`,
      '{"id":4,"loss":"mse_loss","args":{"input":[1],"target":[2]},"kwargs":{"reduction":{"toString":1}}}',
      '{"id":5,"loss":"mse_loss","args":{"input":[1],"target":[2]}}',
    ];
    const result = await cli(['eval', '--jsonl'], ROOT, Readable.from([Buffer.from(lines.join('\n'))]));
    const answers = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: unknown; error?: { code: string } });
    expect(answers.map((answer) => [answer.id, answer.error?.code])).toEqual([
      [null, 'invalid-argument'],
      [2, 'parse-error'],
      [3, 'invalid-argument'],
      [4, 'invalid-argument'],
      [5, undefined],
    ]);
  });

  it('a dtype that is a list or object nested 100,000 deep is an error answer quoting it in one short line (found by test/unit/fuzz.test.ts)', () => {
    for (const deep of [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, `[${'1,'.repeat(100_000)}1]`]) {
      const answer = JSON.parse(answerLine(`{"id":1,"loss":"mse_loss","args":{"input":[1],"target":[1]},"dtypes":{"input":${deep}}}`));
      expect(answer).toEqual({ id: 1, error: { code: 'invalid-argument', message: expect.stringMatching(/^Unknown dtype [[{].{0,101} for "input"/) } });
    }
  });

  // Found by test/unit/fuzz.test.ts: tensorFromJson quoted a value that is not a number with JSON.stringify,
  // unbounded — a stack overflow at this depth, and the whole value in the message. It names it now.
  it('a tensor element that is an object nested 10,000 deep is a parse error, not an internal error', () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    for (const input of [deep, `[${deep}]`]) {
      const answer = JSON.parse(answerLine(`{"id":1,"loss":"mse_loss","args":{"input":${input},"target":[1]}}`));
      expect(answer.error.code).toBe('parse-error');
      expect(answer.error.message.length).toBeLessThan(300);
    }
  });

  it('--max-elements above the cap is a usage error, before anything is allocated', async () => {
    for (const limit of ['2e9', '1e15', '1e300']) {
      const result = await cli(['eval', '--loss', 'mse_loss', '--input', 'tf.tensor(0.5, [2000000000])', '--target', '1', '--max-elements', limit], ROOT);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('--max-elements is at most 1,000,000,000');
    }
  });

  it("a loss refusing its input in PyTorch's words exits 1, not 2 (probabilities with ignore_index)", async () => {
    const result = await cli(['eval', '--loss', 'cross_entropy', '--input', '[[1., 2.]]', '--target', '[[0.5, 0.5]]', '--ignore-index', '1'], ROOT);
    expect(result).toMatchObject({ code: 1, stderr: 'losslens eval: cross_entropy: ignore_index is not supported for floating point target\n' });
  });

  it('a stdin line too long to be a string is answered with an error and skipped, without buffering it', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 'x');
    async function* lines() {
      yield Buffer.from('{"id":1,"loss":"mse_loss","args":{"input":[1],"target":[2]}}\n');
      for (let i = 0; i < 300; i++) yield megabyte;
      yield Buffer.from('\n{"id":2,"loss":"mse_loss","args":{"input":[1],"target":[3]}}\n');
    }
    const result = await cli(['eval', '--jsonl'], ROOT, Readable.from(lines()));
    const answers = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(answers).toEqual([
      { id: 1, value: 1, shape: [] },
      { id: null, error: { code: 'too-large', message: expect.stringContaining('longer than 256 MB') } },
      { id: 2, value: 4, shape: [] },
    ]);
  });

  it('a 100,000-deep array is refused with a clear error, not a stack overflow', () => {
    const deep = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
    const answer = JSON.parse(answerLine(`{"id":1,"loss":"mse_loss","args":{"input":${deep},"target":[1]}}`));
    expect(answer.error).toEqual({ code: 'parse-error', message: expect.stringContaining('Too deeply nested') });
  });

  it.each([
    [
      'a dtype named like an Object method',
      '{"id":1,"loss":"mse_loss","args":{"input":[1],"target":[1]},"dtypes":{"input":"toString"}}',
      'Unknown dtype "toString"',
    ],
    ['an argument named __proto__', '{"id":1,"loss":"mse_loss","args":{"input":[1],"target":[1],"__proto__":[1]}}', "unexpected argument '__proto__'"],
    [
      'an option named toString',
      '{"id":1,"loss":"mse_loss","args":{"input":[1],"target":[1]},"kwargs":{"toString":1}}',
      "unexpected keyword argument 'toString'",
    ],
    [
      'an ignore_index beyond int64',
      '{"id":1,"loss":"cross_entropy","args":{"input":[[1,2]],"target":[0]},"kwargs":{"ignore_index":1e300}}',
      'Overflow when unpacking long',
    ],
  ])('%s is an error answer in plain words', (_what, line, message) => {
    const answer = JSON.parse(answerLine(line));
    expect(answer.error.message).toContain(message);
    expect(answer.error.message).not.toMatch(/\{\d\}/);
  });

  it.each([
    [['eval', '--loss', 'cross_entropy', '--input', '[[1,2]]', '--target', '[0]', '--ignore-index', '1e300'], '--ignore_index takes an integer'],
    [['eval', '--loss', 'cross_entropy', '--input', '[[1,2]]'], "missing required argument: 'target'"],
    [['eval', '--loss', 'mse_loss', '--input', '[1]', '--target', '[1]', '--toString', '1'], 'mse_loss has no option --toString'],
    [['toString'], 'Unknown command "toString"'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const result = await cli(argv, ROOT);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('a closed pipe ends the CLI quietly, with the exit code of what it did', () => {
  let bundle: string;
  beforeAll(async () => {
    // The real process (stdout a pipe) from the sources: node_modules is found from inside it.
    bundle = join(ROOT, 'node_modules', '.cache', 'losslens-test', 'cli.js');
    await esbuild.build({
      entryPoints: [join(ROOT, 'src', 'cli', 'bin.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'silent',
      plugins: [watPlugin],
    });
    await esbuild.build({
      entryPoints: [join(ROOT, 'src', 'cli', 'address-space.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: join(ROOT, 'node_modules', '.cache', 'losslens-test', 'address-space.js'),
      logLevel: 'silent',
    });
  });
  const children: Array<ReturnType<typeof spawn>> = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill();
  });

  async function firstLineThenClose(args: string[], input?: string): Promise<{ line: string; code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    // The child stops reading once its output is closed: what it did not read is not an error here.
    child.stdin!.on('error', () => undefined);
    let stderr = '';
    child.stderr!.on('data', (data) => (stderr += data));
    if (input !== undefined) child.stdin!.end(input);
    const line = await new Promise<string>((resolve) => {
      let buffered = '';
      child.stdout!.on('data', (data) => {
        buffered += data;
        const newline = buffered.indexOf('\n');
        if (newline >= 0) {
          child.stdout!.destroy();
          resolve(buffered.slice(0, newline));
        }
      });
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { line, code, stderr };
  }

  it('output that cannot be written (a full device, a descriptor open for reading): one line on stderr, exit 2', () => {
    for (const stdout of [openSync('/dev/full', 'w'), openSync('/dev/null', 'r')]) {
      const result = spawnSync(process.execPath, [bundle, 'check', 'examples/pytorch'], { cwd: ROOT, stdio: ['ignore', stdout, 'pipe'], encoding: 'utf8' });
      closeSync(stdout);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^LossLens could not write its output: (ENOSPC|EBADF)/);
    }
  });

  it('under an 8 GB address-space limit (ulimit -v), check and eval work: the CLI does without WebAssembly guard pages', () => {
    const run = (command: string) =>
      spawnSync('bash', ['-c', `ulimit -v 8000000 && ${command}`], {
        cwd: ROOT,
        encoding: 'utf8',
        input: '{"id":1,"loss":"mse_loss","args":{"input":[1],"target":[3]}}\n',
      });
    const check = run(`"${process.execPath}" "${bundle}" check --no-cache --format json examples/pytorch/classifier_bugs.py`);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(1);
    expect(JSON.parse(check.stdout).findings.length).toBeGreaterThan(0);
    const evaluated = run(`"${process.execPath}" "${bundle}" eval --jsonl`);
    expect(evaluated.stdout).toBe('{"id":1,"value":4,"shape":[]}\n');
  });

  it('where the guard pages cannot be done without, the error names the limit', () => {
    const script = join(mkdtempSync(join(tmpdir(), 'losslens-limit-')), 'memory.js');
    writeFileSync(
      script,
      [
        `const { addressSpaceMessage } = require(${JSON.stringify(join(ROOT, 'node_modules', '.cache', 'losslens-test', 'address-space.js'))});`,
        'try { new WebAssembly.Memory({ initial: 512 }); } catch (error) { console.log(addressSpaceMessage(error)); }',
      ].join('\n'),
    );
    const run = spawnSync('bash', ['-c', `ulimit -v 8000000 && "${process.execPath}" "${script}"`], { encoding: 'utf8' });
    expect(run.stdout).toMatch(/^LossLens could not reserve memory for its parser \(WebAssembly\) under the address-space limit of 7\.6 GB \(ulimit -v\)/);
  });

  it('check: the findings it found still make exit code 1, and nothing is printed about the pipe', async () => {
    const result = await firstLineThenClose(['check', 'examples/pytorch']);
    expect(result.line).toMatch(/^examples\/pytorch\/classifier_bugs\.py:\d+:\d+: LL/);
    expect(result).toMatchObject({ code: 1, stderr: '' });
  });

  it('eval --jsonl stops reading when nobody reads its answers', async () => {
    const requests = `${'{"id":1,"loss":"mse_loss","args":{"input":[1],"target":[2]}}\n'.repeat(200_000)}`;
    const result = await firstLineThenClose(['eval', '--jsonl'], requests);
    expect(result.line).toBe('{"id":1,"value":1,"shape":[]}');
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });
});

describe('names from the analysed code never reach inherited properties of LossLens tables', () => {
  it('`x.valueOf()`, `x.constructor(1)` and an import named `toString` are unknown, not activations', async () => {
    const { analyzeFresh } = await import('./helpers/analysis');
    const text = [
      'import torch',
      'import torch.nn as nn',
      'from helpers import toString',
      'head = nn.Linear(16, 3)',
      'x = torch.randn(8, 16)',
      'y = torch.randint(0, 3, (8,))',
      'a = nn.NLLLoss()(head(x).valueOf(), y)',
      'b = nn.NLLLoss()(head(x).constructor(1), y)',
      'c = nn.NLLLoss()(toString(head(x)), y)',
      '',
    ].join('\n');
    const result = await analyzeFresh(text, { sites: true });
    const applied = result.sites!.filter((site) => site.kind === 'application');
    expect(applied.map((site) => [site.input?.space, site.input?.activation])).toEqual([
      ['unknown', undefined],
      ['unknown', undefined],
      ['unknown', undefined],
    ]);
  });
});
