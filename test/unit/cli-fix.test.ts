import { chmodSync, copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';
import { describe, expect, it } from 'vitest';
import { CheckCache } from '../../src/cli/cache';
import { applyFixes, type FixHooks, type Recheck } from '../../src/cli/fix';
import type { CheckFinding } from '../../src/cli/findings';
import { applyEdits } from '../../src/cli/fix/edits';
import { NotebookText } from '../../src/cli/fix/notebook';
import type { CliIO } from '../../src/cli/io';

const ROOT = join(__dirname, '..', '..');

const run = (argv: string[], cwd: string, hooks: FixHooks = {}) => runCli(['check', '--no-cache', ...argv], cwd, hooks);

/** A temporary folder holding `files` (name -> text or bytes). */
function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'losslens-fix-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

/** LL003 (safe: drop the softmax), LL021 (safe: add dim=1), LL007 (unsafe: swap the arguments). */
const TRAIN = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  '',
  'head = nn.Linear(16, 10)',
  'x = torch.randn(8, 16)',
  'labels = torch.randint(0, 10, (8,))',
  'loss = F.cross_entropy(F.softmax(head(x), dim=1), labels)',
  'probs = F.softmax(head(x))',
  'ce = nn.CrossEntropyLoss()',
  'swapped = ce(labels, head(x))',
  '',
].join('\n');

const SAFELY_FIXED = TRAIN.replace('F.cross_entropy(F.softmax(head(x), dim=1), labels)', 'F.cross_entropy(head(x), labels)').replace(
  'probs = F.softmax(head(x))',
  'probs = F.softmax(head(x), dim=1)',
);

describe('losslens check --fix', () => {
  it('applies the safe fixes, reports what remains, and a second run changes nothing', async () => {
    const dir = folder({ 'train.py': TRAIN });
    const first = await run(['--fix', 'train.py'], dir);
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).toBe(SAFELY_FIXED);
    expect(first.code).toBe(1);
    expect(first.stderr).toBe('');
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^train\.py:11:14: LL007 \[-\] /);
    expect(lines.at(-1)).toBe('Fixed 2 findings (1 remaining).');

    const second = await run(['--fix', 'train.py'], dir);
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).toBe(SAFELY_FIXED);
    expect(second.stdout.trim().split('\n').at(-1)).toBe('Fixed 0 findings (1 remaining).');
  });

  it('applies unsafe fixes only with --unsafe-fixes, and exits 0 when nothing remains', async () => {
    const dir = folder({ 'train.py': TRAIN });
    const result = await run(['--fix', '--unsafe-fixes', 'train.py'], dir);
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).toBe(SAFELY_FIXED.replace('ce(labels, head(x))', 'ce(head(x), labels)'));
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('Fixed 3 findings (0 remaining).');
  });

  it('--unsafe-fixes alone is a usage error', async () => {
    const dir = folder({ 'train.py': TRAIN });
    const result = await run(['--unsafe-fixes', 'train.py'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--unsafe-fixes goes with --fix or --diff.');
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).toBe(TRAIN);
  });

  it('fixes again after checking again when fixes overlap (log of softmax, and its missing dim)', async () => {
    const text =
      'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nhead = nn.Linear(16, 10)\nlog_probs = torch.log(F.softmax(head(torch.randn(8, 16))))\n';
    const dir = folder({ 'rounds.py': text });
    const result = await run(['--fix', 'rounds.py'], dir);
    expect(readFileSync(join(dir, 'rounds.py'), 'utf8')).toBe(
      text.replace('torch.log(F.softmax(head(torch.randn(8, 16))))', 'F.log_softmax(head(torch.randn(8, 16)), dim=1)'),
    );
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('Fixed 2 findings (0 remaining).');
  });

  it('keeps CRLF line endings and the byte order mark', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const dir = folder({ 'train.py': Buffer.concat([bom, Buffer.from(TRAIN.replaceAll('\n', '\r\n'))]) });
    await run(['--fix', 'train.py'], dir);
    expect(readFileSync(join(dir, 'train.py'))).toEqual(Buffer.concat([bom, Buffer.from(SAFELY_FIXED.replaceAll('\n', '\r\n'))]));
  });

  it('writes a line break a fix inserts as the text’s own', () => {
    expect(applyEdits('a = f(x)\r\nb = 2\r\n', [{ start: 8, end: 8, newText: '\n# fixed' }])).toBe('a = f(x)\r\n# fixed\r\nb = 2\r\n');
    expect(applyEdits('a = f(x)\nb = 2\n', [{ start: 8, end: 8, newText: '\r\n# fixed' }])).toBe('a = f(x)\n# fixed\nb = 2\n');
  });

  it.skipIf(process.platform === 'win32')('keeps the file’s mode', async () => {
    const dir = folder({ 'train.py': TRAIN });
    chmodSync(join(dir, 'train.py'), 0o751);
    await run(['--fix', 'train.py'], dir);
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).toBe(SAFELY_FIXED);
    expect(statSync(join(dir, 'train.py')).mode & 0o7777).toBe(0o751);
  });

  it('leaves a file that changed on disk after it was checked, and says so', async () => {
    const dir = folder({ 'train.py': TRAIN });
    const edited = `${TRAIN}# edited meanwhile\n`;
    const result = await run(['--fix', 'train.py'], dir, { beforeWrite: (file) => writeFileSync(file, edited) });
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).toBe(edited);
    expect(result.stderr).toBe('train.py: not fixed: it changed on disk during the run\n');
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('Fixed 0 findings (3 remaining).');
  });

  it('leaves a file whose bytes would not be written back as they were read (not valid UTF-8)', async () => {
    const bytes = Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(`\n${TRAIN}`)]);
    const dir = folder({ 'train.py': bytes });
    const result = await run(['--fix', 'train.py'], dir);
    expect(readFileSync(join(dir, 'train.py'))).toEqual(bytes);
    expect(result.stderr).toMatch(/^train\.py: not fixed: its bytes do not decode and encode back unchanged/);
  });

  it('fixes a TypeScript file (TensorFlow.js)', async () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      '',
      'const classifier = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });',
      "const labels = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);",
      'const logits = classifier.predict(tf.randomNormal([2, 4])) as tf.Tensor;',
      'export const loss = tf.losses.softmaxCrossEntropy(labels, tf.softmax(logits));',
      '',
    ].join('\n');
    const dir = folder({ 'train.ts': text });
    const result = await run(['--fix', 'train.ts'], dir);
    expect(readFileSync(join(dir, 'train.ts'), 'utf8')).toBe(text.replace('tf.softmax(logits))', 'logits)'));
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('Fixed 1 finding (0 remaining).');
  });
});

describe('rounds of fixing', () => {
  /** A finding whose safe fix prefixes the file with `#` (a rule that never lets go). */
  const prefixing: CheckFinding = {
    file: 'loop.py',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    code: 'LL003',
    rule: 'softmax-before-cross-entropy',
    severity: 'warning',
    message: 'again',
    fix: { title: 'Prefix', safety: 'safe', edits: [{ start: 0, end: 0, newText: '#' }] },
  };

  async function fixWith(recheck: Recheck) {
    const dir = folder({ 'loop.py': 'x = 1\n' });
    const file = join(dir, 'loop.py');
    let stderr = '';
    const io: CliIO = { cwd: dir, stdout: () => undefined, stderr: (text) => (stderr += text) };
    const files = [
      { path: 'loop.py', file, kind: 'python' as const, hash: CheckCache.hash('x = 1\n'), result: { kind: 'python' as const, findings: [prefixing] } },
    ];
    const summary = await applyFixes(files, { unsafe: false, diff: false }, [dir], recheck, io);
    return { summary, stderr, text: readFileSync(file, 'utf8'), result: files[0]!.result };
  }

  it('stops after 10 rounds when fixes still apply, and says so', async () => {
    const { summary, stderr, text } = await fixWith(async () => ({ result: { kind: 'python', findings: [prefixing] }, notes: [] }));
    expect(text).toBe('##########x = 1\n');
    expect(summary.fixed).toBe(10);
    expect(stderr).toBe('loop.py: fixes still apply after 10 rounds of fixing and checking again; stopped there\n');
  });

  it('does not apply a round whose fixes would make a syntax error', async () => {
    const { summary, stderr, text, result } = await fixWith(async () => ({
      result: { kind: 'python', findings: [], partial: 'skipped lines 1 (a syntax error); the rest of the file was analysed' },
      notes: [],
    }));
    expect(text).toBe('x = 1\n');
    expect(summary.fixed).toBe(0);
    expect(result.findings).toEqual([prefixing]);
    expect(stderr).toMatch(/^loop\.py: the fixes of round 1 were not applied: the file would no longer parse \(skipped lines 1/);
  });
});

describe('losslens check --fix on notebooks', () => {
  it('changes only the fixed lines of the cells (lists of lines), the rest of the JSON byte for byte', async () => {
    const original = readFileSync(join(ROOT, 'examples', 'notebooks', 'segmentation.ipynb'), 'utf8');
    const dir = folder({});
    copyFileSync(join(ROOT, 'examples', 'notebooks', 'segmentation.ipynb'), join(dir, 'segmentation.ipynb'));
    const result = await run(['--fix', 'segmentation.ipynb'], dir);
    const fixed = readFileSync(join(dir, 'segmentation.ipynb'), 'utf8');
    expect(fixed).toBe(
      original
        .replace('"loss = nn.BCELoss()(logits, masks', '"loss = nn.BCEWithLogitsLoss()(logits, masks')
        .replace('"loss = weighted(scores.softmax(dim=1), masks)', '"loss = weighted(scores, masks)'),
    );
    expect(() => JSON.parse(fixed)).not.toThrow();
    expect(result.stdout.trim().split('\n').at(-1)).toBe('Fixed 2 findings (0 remaining).');

    await run(['--fix', 'segmentation.ipynb'], dir);
    expect(readFileSync(join(dir, 'segmentation.ipynb'), 'utf8')).toBe(fixed);
  });

  it('rewrites a cell whose source is one string, past a magic, keeping the notebook’s own layout', async () => {
    const source = 'import torch\r\nimport torch.nn.functional as F\r\n%matplotlib inline\r\nlogits = torch.randn(4, 3)\r\nprobs = F.softmax(logits)\r\n';
    const notebook = [
      '{',
      '    "nbformat_minor": 5,',
      '    "cells": [',
      '        {"cell_type": "markdown", "metadata": {}, "source": "# Caf\\u00e9"},',
      `        {"source": ${JSON.stringify(source)}, "cell_type": "code", "outputs": [{"data": {"text/plain": ["F.softmax(logits)"]}}], "metadata": {"tags": []}, "execution_count": 3}`,
      '    ],',
      '    "metadata": {"language_info": {"name": "python"}},',
      '    "nbformat": 4',
      '}',
    ].join('\n');
    const dir = folder({ 'explore.ipynb': notebook });
    await run(['--fix', 'explore.ipynb'], dir);
    const fixed = readFileSync(join(dir, 'explore.ipynb'), 'utf8');
    expect(fixed).toBe(notebook.replace('probs = F.softmax(logits)\\r\\n", "cell_type"', 'probs = F.softmax(logits, dim=1)\\r\\n", "cell_type"'));
    expect(JSON.parse(fixed).cells[1].source).toBe(source.replace('F.softmax(logits)', 'F.softmax(logits, dim=1)'));
  });

  it('applies an edit only within one cell, and never on a magic', () => {
    const notebook = new NotebookText(
      JSON.stringify({
        cells: [
          { cell_type: 'code', source: ['x = 1\n', '%time y = 2\n'] },
          { cell_type: 'code', source: 'z = 3' },
        ],
        metadata: {},
        nbformat: 4,
      }),
    );
    // The program: "x = 1\n" + "           \n" (the magic, blanked) + "z = 3\n".
    expect(notebook.fits({ start: 4, end: 5, newText: '10' })).toBe(true);
    expect(notebook.fits({ start: 14, end: 15, newText: '20' })).toBe(false);
    expect(notebook.fits({ start: 4, end: 19, newText: '' })).toBe(false);
    expect(notebook.fits({ start: 22, end: 23, newText: '30' })).toBe(true);
  });

  it('writes lines a fix adds as strings of their own, between the strings it keeps', () => {
    const json = '{\n "cells": [\n  {\n   "cell_type": "code",\n   "source": [\n    "a = 1\\n",\n    "b = 2\\n",\n    "c = 3"\n   ]\n  }\n ]\n}';
    const notebook = new NotebookText(json);
    const cells = notebook.editCells([{ start: 6, end: 11, newText: 'b = 2\n# two' }]);
    expect(cells).toEqual([{ index: 0, before: 'a = 1\nb = 2\nc = 3', after: 'a = 1\nb = 2\n# two\nc = 3' }]);
    expect(notebook.withCells(cells)).toBe(json.replace('"b = 2\\n",', '"b = 2\\n",\n    "# two\\n",'));
  });
});

describe('losslens check --diff', () => {
  it('prints what --fix would change, writes nothing, exits 1', async () => {
    const dir = folder({ 'train.py': TRAIN });
    const result = await run(['--diff', 'train.py'], dir);
    expect(result.code).toBe(1);
    expect(readFileSync(join(dir, 'train.py'), 'utf8')).toBe(TRAIN);
    expect(result.stdout).toBe(
      [
        '--- train.py',
        '+++ train.py',
        '@@ -4,8 +4,8 @@',
        ' ',
        ' head = nn.Linear(16, 10)',
        ' x = torch.randn(8, 16)',
        ' labels = torch.randint(0, 10, (8,))',
        '-loss = F.cross_entropy(F.softmax(head(x), dim=1), labels)',
        '-probs = F.softmax(head(x))',
        '+loss = F.cross_entropy(head(x), labels)',
        '+probs = F.softmax(head(x), dim=1)',
        ' ce = nn.CrossEntropyLoss()',
        ' swapped = ce(labels, head(x))',
        '',
      ].join('\n'),
    );
    expect(result.stderr).toBe('Would fix 2 findings.\n');
  });

  it('shows a notebook’s changes per cell', async () => {
    const dir = folder({});
    copyFileSync(join(ROOT, 'examples', 'notebooks', 'segmentation.ipynb'), join(dir, 'segmentation.ipynb'));
    const result = await run(['--diff', 'segmentation.ipynb'], dir);
    expect(result.stdout).toMatch(/^--- segmentation\.ipynb:cell 4\n\+\+\+ segmentation\.ipynb:cell 4\n@@ -1,6 \+1,6 @@\n/);
    expect(result.stdout).toContain('\n-loss = nn.BCELoss()(logits, masks.unsqueeze(1).float())  # expect: LL001\n+loss = nn.BCEWithLogitsLoss()(');
  });

  it('prints nothing and exits 0 when there is nothing to fix', async () => {
    const dir = folder({ 'train.py': SAFELY_FIXED });
    const result = await run(['--diff', 'train.py'], dir);
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'No fixes to apply.\n' });
  });
});
