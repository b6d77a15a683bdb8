import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv from 'ajv-draft-04';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io';
import { main } from '../../src/cli/main';
import sarifSchema from '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json';
import { runCli } from './helpers/cli';

const ROOT = join(__dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');

/** The CLI bundled, as `dist/cli.js` is, into `dir` (for a run under another user). */
async function bundleCliTo(cli: string): Promise<void> {
  const { bundleCli } = (await import('../../scripts/bundles.mjs')) as { bundleCli: (outdir: string) => Promise<void> };
  await bundleCli(dirname(cli));
}

const run = (argv: string[], cwd: string) => runCli(argv, cwd);

const BUGGY = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  '',
  'head = nn.Linear(16, 10)',
  'x = torch.randn(8, 16)',
  'labels = torch.randint(0, 10, (8,))',
  'loss = F.cross_entropy(F.softmax(head(x), dim=1), labels)',
  'probs = F.softmax(head(x))',
  '',
].join('\n');

/** A model whose forward ends in `nn.Linear(features, 1)`: raw scores. */
const scorer = (name: string, features: number) =>
  [
    'import torch.nn as nn',
    '',
    `class ${name}(nn.Module):`,
    '    def __init__(self):',
    '        super().__init__()',
    `        self.head = nn.Linear(${features}, 1)`,
    '',
    '    def forward(self, x):',
    '        return self.head(x)',
    '',
  ].join('\n');

function notebook(cells: Array<{ cell_type: string; source: string | string[] }>): string {
  return JSON.stringify({
    cells: cells.map((cell) => ({ metadata: {}, ...cell })),
    metadata: { language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  });
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'losslens-check-'));
  mkdirSync(join(dir, 'pkg'));
  writeFileSync(join(dir, 'pkg', 'train.py'), BUGGY);
  writeFileSync(join(dir, 'pkg', 'clean.py'), 'import torch\nprint(torch.__version__)\n');
  writeFileSync(
    join(dir, 'pkg', 'explore.ipynb'),
    notebook([
      { cell_type: 'markdown', source: '# Notes' },
      { cell_type: 'code', source: ['import torch\n', 'import torch.nn.functional as F\n', '%matplotlib inline\n'] },
      { cell_type: 'code', source: 'logits = torch.randn(4, 3)\nprobs = F.softmax(logits)\n' },
    ]),
  );
  writeFileSync(join(dir, 'pkg', 'model.ts'), 'export const x = 1;\n');
});

describe('losslens check', () => {
  it('--format json follows the contract: 1-based positions, a cell field for notebooks, exit 1', async () => {
    const result = await run(['check', '--format', 'json', 'pkg'], dir);
    expect(result.code).toBe(1);
    const output = JSON.parse(result.stdout);
    expect(Object.keys(output)).toEqual(['version', 'files', 'findings']);
    expect(output.version).toBe(1);
    // model.ts is analysed too: it imports no TensorFlow.js, so it has no TensorFlow.js loss.
    expect(output.files).toBe(4);
    expect(result.stderr).toBe('');
    const summary = output.findings.map((finding: Record<string, unknown>) => [finding.file, finding.code, finding.line, finding.column, finding.cell]);
    expect(summary).toEqual([
      ['pkg/explore.ipynb', 'LL021', 2, 9, 2],
      ['pkg/train.py', 'LL003', 8, 24, undefined],
      ['pkg/train.py', 'LL021', 9, 9, undefined],
    ]);
    const first = output.findings.find((finding: Record<string, unknown>) => finding.code === 'LL003');
    expect(first).toMatchObject({ endLine: 8, endColumn: 49, rule: 'softmax-before-cross-entropy', severity: 'warning', fix: { safety: 'safe' } });
    expect(first.message).toContain('softmax is applied twice');
  });

  it('says per language what it analysed', async () => {
    const result = await run(['check', 'pkg'], dir);
    expect(result.stdout.trim().split('\n').at(-1)).toMatch(/^Checked 4 files \[2 Python, 1 notebook, 1 TypeScript\/JavaScript\]: 3 findings\./);
  });

  it('--select and --ignore choose the rules', async () => {
    const selected = JSON.parse((await run(['check', '--format', 'json', '--select', 'LL003', 'pkg'], dir)).stdout);
    expect(selected.findings.map((finding: { code: string }) => finding.code)).toEqual(['LL003']);
    const ignored = JSON.parse((await run(['check', '--format', 'json', '--ignore', 'LL021,LL003', 'pkg'], dir)).stdout);
    expect(ignored.findings).toEqual([]);
  });

  it('--exit-zero exits 0 even with findings; text output is path:line:col: code message', async () => {
    const result = await run(['check', '--exit-zero', 'pkg/train.py'], dir);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^pkg\/train\.py:8:24: LL003 \[\*\] /);
    expect(lines.at(-1)).toContain('Checked 1 file: 2 findings.');
  });

  it('--format sarif validates against the SARIF 2.1.0 schema and describes every rule', async () => {
    const result = await run(['check', '--format', 'sarif', 'pkg'], dir);
    const log = JSON.parse(result.stdout);
    // The schema's language-tag pattern is not valid with the u flag, so match the way its draft-04 validators did.
    const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(sarifSchema);
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((rule: { id: string }) => rule.id)).toContain('LL001');
    expect(rules[0].helpUri).toMatch(/docs\/rules\/LL001\.md$/);
    expect(log.runs[0].results).toHaveLength(3);
    expect(log.runs[0].results[0].properties).toEqual({ notebookCell: 2 });
  });

  it('skips files over 2 MB and binary files with a note, never a crash', async () => {
    const big = mkdtempSync(join(tmpdir(), 'losslens-big-'));
    writeFileSync(join(big, 'huge.py'), `x = 1\n${'# filler\n'.repeat(300_000)}`);
    writeFileSync(join(big, 'blob.py'), 'import torch\u0000\u0001\u0002');
    writeFileSync(join(big, 'broken.ipynb'), '{"cells": [');
    const result = await run(['check', big], big);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('huge.py: skipped: larger than 2048 KB');
    expect(result.stderr).toContain('blob.py: skipped: contains NUL bytes (binary file)');
    expect(result.stderr).toContain('broken.ipynb: skipped: not a valid notebook (JSON)');
  });

  it('measures the 2 MB limit on the bytes of the file, not on its text in UTF-8', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'losslens-encoded-'));
    // 1.4 MB on disk each; their text is 2.8 MB (latin-1 é) and 2.1 MB (UTF-16 CJK) in UTF-8.
    writeFileSync(
      join(folder, 'latin1.py'),
      Buffer.concat([Buffer.from(`# -*- coding: latin-1 -*-\n${BUGGY}`, 'latin1'), Buffer.alloc(1_400_000, '#\xe9\n', 'latin1')]),
    );
    const utf16 = `${BUGGY}${'# 损失\n'.repeat(140_000)}`;
    writeFileSync(join(folder, 'utf16.py'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]));
    const result = await run(['check', '--no-cache', '--format', 'json', folder], folder);
    expect(result.stderr).toBe('');
    const findings = (JSON.parse(result.stdout) as { findings: Array<{ file: string; code: string }> }).findings;
    expect(findings.map((finding) => `${finding.file} ${finding.code}`).sort()).toEqual([
      'latin1.py LL003',
      'latin1.py LL021',
      'utf16.py LL003',
      'utf16.py LL021',
    ]);
  });

  it('runs at most one worker thread per core, and says so when more are asked for', async () => {
    const result = await run(['check', '--no-cache', '--jobs', '1000', join(EXAMPLES, 'pytorch', 'classifier_bugs.py')], process.cwd());
    expect(result.stderr).toBe(`--jobs 1000: using ${availableParallelism()}, the number of cores this machine has.\n`);
    expect(result.code).toBe(1);
  });

  it('notes a folder it cannot list, as a person without the permission runs it, and counts it as skipped', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'losslens-locked-'));
    mkdirSync(join(folder, 'locked'));
    writeFileSync(join(folder, 'locked', 'train.py'), BUGGY);
    writeFileSync(join(folder, 'ok.py'), BUGGY);
    chmodSync(folder, 0o755);
    chmodSync(join(folder, 'locked'), 0o000);
    let stdout: string;
    let stderr: string;
    if (process.getuid?.() === 0) {
      // Root lists any folder: the CLI runs as nobody, as an ordinary user would.
      const cli = join(ROOT, 'node_modules', '.cache', 'losslens-check-test', 'cli.js');
      await bundleCliTo(cli);
      const child = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cli, 'check', '--no-cache', '.'], {
        cwd: folder,
        encoding: 'utf8',
      });
      ({ stdout, stderr } = child);
    } else {
      ({ stdout, stderr } = await run(['check', '--no-cache', '.'], folder));
    }
    chmodSync(join(folder, 'locked'), 0o755);
    expect(stderr).toBe('locked: skipped: a folder LossLens cannot list: permission denied\n');
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^Checked 1 file \(1 skipped\): 2 findings\./);
  });

  it('a file with syntax errors is analysed as far as it parses', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'losslens-broken-'));
    writeFileSync(join(broken, 'half.py'), `${BUGGY}\ndef unfinished(:\n    return (\n`);
    const result = JSON.parse((await run(['check', '--format', 'json', 'half.py'], broken)).stdout);
    expect(result.findings.map((finding: { code: string }) => finding.code)).toEqual(['LL003', 'LL021']);
  });
});

describe('facts across files', () => {
  it('follows an import of a workspace module to the model class it defines', async () => {
    const project = mkdtempSync(join(tmpdir(), 'losslens-imports-'));
    mkdirSync(join(project, 'pkg'));
    writeFileSync(join(project, 'pkg', '__init__.py'), '');
    writeFileSync(join(project, 'pkg', 'models.py'), `import torch\n${scorer('Scorer', 32)}`);
    writeFileSync(
      join(project, 'train.py'),
      [
        'import torch.nn as nn',
        'from pkg.models import Scorer',
        'from pkg import models',
        '',
        'model = Scorer()',
        'other = models.Scorer()',
        'criterion = nn.BCELoss()',
        '',
        'def step(x, y):',
        '    return criterion(model(x), y) + criterion(other(x), y)',
        '',
      ].join('\n'),
    );
    const result = JSON.parse((await run(['check', '--format', 'json', 'train.py'], project)).stdout);
    expect(result.findings.map((finding: { code: string; line: number; column: number }) => [finding.code, finding.line, finding.column])).toEqual([
      ['LL001', 10, 22],
      ['LL001', 10, 47],
    ]);
    expect(result.findings[0].message).toContain('`self.head = nn.Linear(32, 1)` (models.py, line 7: nn.Linear with 1 output, no activation after it)');
  });
});

describe('losslens check --shard I/N', () => {
  let tree: string;
  beforeAll(() => {
    tree = mkdtempSync(join(tmpdir(), 'losslens-shard-'));
    for (let index = 0; index < 24; index++) {
      mkdirSync(join(tree, `pkg${index % 3}`), { recursive: true });
      writeFileSync(join(tree, `pkg${index % 3}`, `script_${index}.py`), BUGGY);
    }
  });
  const filesOf = async (shard: string) => {
    const result = await run(['check', '--format', 'json', '--shard', shard, '.'], tree);
    expect(result.stderr).toBe('');
    return new Set((JSON.parse(result.stdout) as { findings: Array<{ file: string }> }).findings.map((finding) => finding.file));
  };

  it('splits the tree into disjoint shares that together are every file, the same way each time', async () => {
    const all = await filesOf('1/1');
    expect(all.size).toBe(24);
    const shares = [await filesOf('1/3'), await filesOf('2/3'), await filesOf('3/3')];
    expect(shares.reduce((total, share) => total + share.size, 0)).toBe(24);
    expect(new Set(shares.flatMap((share) => [...share]))).toEqual(all);
    // Not everything in one shard, and the same shares on a second run.
    expect(shares.every((share) => share.size < 24)).toBe(true);
    expect(await filesOf('2/3')).toEqual(shares[1]);
  });

  it.each(['0/3', '4/3', '1/0', 'two/3', '1'])('refuses --shard %s with a usage error', async (shard) => {
    const result = await run(['check', '--shard', shard, '.'], tree);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--shard takes I/N');
  });
});

describe('losslens check keeps results in .losslens_cache', () => {
  const MODEL = (head: string) => ['import torch.nn as nn', '', `head = ${head}`, ''].join('\n');
  const TRAIN = [
    'import torch',
    'import torch.nn as nn',
    'from models import head',
    '',
    'loss = nn.BCELoss()(head(torch.randn(8, 16)), torch.rand(8, 1))',
    '',
  ].join('\n');
  const project = () => {
    const folder = mkdtempSync(join(tmpdir(), 'losslens-cache-'));
    writeFileSync(join(folder, 'models.py'), MODEL('nn.Linear(16, 1)'));
    writeFileSync(join(folder, 'train.py'), TRAIN);
    writeFileSync(join(folder, 'buggy.py'), BUGGY);
    return folder;
  };
  const codes = async (folder: string, ...options: string[]) => {
    const result = await run(['check', '--format', 'json', ...options, '.'], folder);
    return (JSON.parse(result.stdout) as { findings: Array<{ file: string; code: string }> }).findings
      .map((finding) => `${finding.file} ${finding.code}`)
      .sort();
  };
  const cacheFile = (folder: string) => join(folder, '.losslens_cache', 'check.json');
  /** Marks every kept result, so a run that reuses one shows it. */
  const mark = (folder: string) => {
    const stored = JSON.parse(readFileSync(cacheFile(folder), 'utf8')) as { entries: Record<string, { result: { findings: Array<{ message: string }> } }> };
    for (const entry of Object.values(stored.entries)) for (const finding of entry.result.findings) finding.message = 'from the cache';
    writeFileSync(cacheFile(folder), JSON.stringify(stored));
  };
  const messages = async (folder: string) =>
    (JSON.parse((await run(['check', '--format', 'json', '.'], folder)).stdout) as { findings: Array<{ file: string; message: string }> }).findings.map(
      (finding) => `${finding.file} ${finding.message === 'from the cache' ? 'kept' : 'checked'}`,
    );

  it('reuses every result on a second run over an unchanged tree, with a .gitignore beside them', async () => {
    const folder = project();
    const first = await codes(folder);
    expect(first).toEqual(['buggy.py LL003', 'buggy.py LL021', 'train.py LL001']);
    expect(readFileSync(join(folder, '.losslens_cache', '.gitignore'), 'utf8')).toContain('*');
    mark(folder);
    expect(await messages(folder)).toEqual(['buggy.py kept', 'buggy.py kept', 'train.py kept']);
  });

  it('checks again a file whose text changed, and one whose imported module changed', async () => {
    const folder = project();
    await codes(folder);
    mark(folder);
    writeFileSync(join(folder, 'buggy.py'), `${BUGGY}\n# changed\n`);
    writeFileSync(join(folder, 'models.py'), MODEL('nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())'));
    utimesSync(join(folder, 'models.py'), new Date(), new Date(Date.now() + 5000));
    expect(await messages(folder)).toEqual(['buggy.py checked', 'buggy.py checked']);
  });

  it('checks everything again when a file is added, and with --no-cache keeps nothing', async () => {
    const folder = project();
    await codes(folder);
    mark(folder);
    writeFileSync(join(folder, 'extra.py'), 'x = 1\n');
    expect(await messages(folder)).toEqual(['buggy.py checked', 'buggy.py checked', 'train.py checked']);
    const other = project();
    await codes(other, '--no-cache');
    expect(existsSync(join(other, '.losslens_cache'))).toBe(false);
  });

  it('starts anew from a cache that cannot be read', async () => {
    const folder = project();
    mkdirSync(join(folder, '.losslens_cache'));
    writeFileSync(cacheFile(folder), '{ not json');
    expect(await codes(folder)).toEqual(['buggy.py LL003', 'buggy.py LL021', 'train.py LL001']);
    expect(() => JSON.parse(readFileSync(cacheFile(folder), 'utf8'))).not.toThrow();
  });
});

describe('losslens check on worker threads', () => {
  let worker: string;
  beforeAll(async () => {
    // Inside the project, where the bundle finds tree-sitter's WebAssembly in node_modules, as dist/ does.
    worker = join(process.cwd(), 'node_modules', '.cache', 'losslens-tests', 'check-worker.js');
    const { bundleCheckWorker } = await import('../../scripts/bundles.mjs');
    await bundleCheckWorker(worker);
  }, 60_000);

  it('finds on N threads exactly what one thread finds, in the same order', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'losslens-jobs-'));
    for (let index = 0; index < 320; index++) writeFileSync(join(tree, `script_${index}.py`), index % 40 === 0 ? BUGGY : 'import torch\nx = torch.ones(2)\n');
    writeFileSync(join(tree, 'broken.py'), 'def f(:\n');
    const runWith = async (jobs: string) => {
      let stdout = '';
      let stderr = '';
      const io: CliIO = { cwd: tree, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text), checkWorker: worker };
      const code = await main(['check', '--no-cache', '--jobs', jobs, '.'], io);
      return { code, stdout, stderr };
    };
    const one = await runWith('1');
    // Threads are at most the cores (CI has two).
    const several = await runWith(String(availableParallelism()));
    expect(one.stdout).toContain('Checked 321 files: 16 findings.');
    expect(several).toEqual(one);
  });

  it.skipIf(availableParallelism() < 2)('hands the files to the worker script past 100 files a thread, and keeps them below', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'losslens-jobs-'));
    for (let index = 0; index < 199; index++) writeFileSync(join(tree, `script_${index}.py`), 'x = 1\n');
    // Outside the tree: it would be a file to check.
    const failing = join(mkdtempSync(join(tmpdir(), 'losslens-worker-')), 'failing-worker.js');
    writeFileSync(failing, 'throw new Error("the worker ran");\n');
    const io: CliIO = { cwd: tree, stdout: () => undefined, stderr: () => undefined, checkWorker: failing };
    expect(await main(['check', '--no-cache', '--jobs', '2', '.'], io)).toBe(0);
    writeFileSync(join(tree, 'script_199.py'), 'x = 1\n');
    await expect(main(['check', '--no-cache', '--jobs', '2', '.'], io)).rejects.toThrow('the worker ran');
  });

  it.each(['0', 'two', '1.5'])('refuses --jobs %s with a usage error', async (jobs) => {
    const result = await run(['check', '--jobs', jobs, '.'], mkdtempSync(join(tmpdir(), 'losslens-jobs-')));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--jobs takes a whole number');
  });
});

describe('losslens check --format sarif: the evidence as related locations', () => {
  it('lists where each fact a finding rests on comes from, and the JSON contract stays as it was', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'losslens-sarif-'));
    writeFileSync(join(folder, 'models.py'), scorer('Net', 16));
    writeFileSync(
      join(folder, 'train.py'),
      [
        'import torch',
        'import torch.nn as nn',
        'from models import Net',
        '',
        'model = Net()',
        'loss = nn.BCELoss()(model(torch.randn(4, 16)), torch.rand(4, 1))',
        '',
      ].join('\n'),
    );
    const sarif = JSON.parse((await run(['check', '--format', 'sarif', '--no-cache', 'train.py'], folder)).stdout);
    const [result] = sarif.runs[0].results;
    expect(result.ruleId).toBe('LL001');
    const places = result.relatedLocations.map(
      (place: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; message: { text: string } }) => [
        place.physicalLocation.artifactLocation.uri,
        place.physicalLocation.region.startLine,
        place.message.text,
      ],
    );
    expect(places).toEqual([
      ['models.py', 6, 'self.head = nn.Linear(16, 1) — nn.Linear with 1 output, no activation after it'],
      ['train.py', 6, 'loss = nn.BCELoss()(model(torch.randn(4, 16)), torch.rand(4, 1))'],
    ]);
    const json = JSON.parse((await run(['check', '--format', 'json', '--no-cache', 'train.py'], folder)).stdout);
    expect(Object.keys(json.findings[0]).sort()).toEqual(['code', 'column', 'endColumn', 'endLine', 'file', 'fix', 'line', 'message', 'rule', 'severity']);
  });
});
