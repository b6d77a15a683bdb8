import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeDocument } from '../../src/analysis/document';
import { SourceFile } from '../../src/analysis/python/source-file';
import type { AnalysisResult } from '../../src/analysis/types';
import { analyzeFresh, host } from './helpers/analysis';
import { cellAt, notebookProgram, NotebookError } from '../../src/analysis/notebook';
import { suppressions } from '../../src/analysis/suppression';

const BUG = 'loss = F.cross_entropy(F.softmax(head(x), dim=1), labels)';
const PRELUDE = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  'head = nn.Linear(4, 3)',
  'x = torch.randn(2, 4)',
  'labels = torch.tensor([0, 2])',
];
const program = (...lines: string[]) => `${[...PRELUDE, ...lines].join('\n')}\n`;

async function codes(text: string): Promise<string[]> {
  const result = await analyzeFresh(text);
  return result.findings.map((finding) => finding.code);
}

describe('suppression comments', () => {
  it.each([
    [[`${BUG}  # losslens: ignore[LL003]`], []],
    [[`${BUG}  # losslens: ignore[LL001, LL003]`], []],
    [[`${BUG}  # losslens: ignore`], []],
    [['# losslens: ignore[LL003]', BUG], []],
    [[`${BUG}  # noqa: LL003`], []],
    [[`${BUG}  # noqa`], []],
    [[`${BUG}  # losslens: ignore[LL001]`], ['LL003']],
    [[`${BUG}  # noqa: E501`], ['LL003']],
    [['# losslens: ignore[LL003]', '', BUG], ['LL003']],
    [['# losslens: ignore-file', BUG], []],
  ])('%j -> %j', async (lines, expected) => {
    expect(await codes(program(...lines))).toEqual(expected);
  });

  it('a trailing ignore comment covers only its own line', () => {
    const marks = suppressions('x = 1  # losslens: ignore[LL001]\ny = 2\n');
    expect(marks.isSuppressed('LL001', 1)).toBe(true);
    expect(marks.isSuppressed('LL001', 2)).toBe(false);
  });
});

describe('notebooks', () => {
  const notebook = (cells: unknown[]) => JSON.stringify({ cells, metadata: { kernelspec: { language: 'python' } }, nbformat: 4 });

  it('joins code cells in order, blanks magics, and maps offsets back to cells', () => {
    const text = notebook([
      { cell_type: 'code', source: ['import torch\n', '%load_ext autoreload'] },
      { cell_type: 'markdown', source: 'text' },
      { cell_type: 'raw', source: 'raw' },
      { cell_type: 'code', source: '!pip install x\ny = 2' },
      { cell_type: 'code' },
    ]);
    const joined = notebookProgram(text);
    expect(joined.cells.map((cell) => cell.index)).toEqual([0, 3, 4]);
    expect(joined.text).toBe(`import torch\n${' '.repeat(20)}\n${' '.repeat(14)}\ny = 2\n\n`);
    expect(cellAt(joined, joined.text.indexOf('y = 2'))).toMatchObject({ cell: { index: 3 }, offset: 15 });
  });

  it('keeps a line starting with % inside brackets or after a backslash: it is the formatting operator, not a magic', async () => {
    const source = [
      "print('Epoch: %03d | Cost: %.4f'",
      '      %(epoch, cost))',
      "message = 'loss %.3f' \\",
      '    % loss',
      '%matplotlib inline',
      "s = '(' # (",
      '%time x = 1',
    ].join('\n');
    const program = notebookProgram(notebook([{ cell_type: 'code', source }]));
    const lines = program.text.split('\n');
    expect(lines[1]).toBe('      %(epoch, cost))');
    expect(lines[3]).toBe('    % loss');
    expect(lines[4]!.trim()).toBe('');
    expect(lines[6]!.trim()).toBe('');
    const result = await analyzeDocument(new SourceFile(host), 'notebook', notebook([{ cell_type: 'code', source }]));
    expect(result.partial).toBeUndefined();
  });

  it.each(['{', '[]', '{"cells": 3}', 'null'])('refuses %s with a NotebookError', (text) => {
    expect(() => notebookProgram(text)).toThrow(NotebookError);
  });

  it('analyses the cells as one program: names defined in one cell reach a loss in another', async () => {
    const text = notebook([
      { cell_type: 'code', source: PRELUDE.join('\n') },
      { cell_type: 'code', source: BUG },
    ]);
    const result = await analyzeDocument(new SourceFile(host), 'notebook', text);
    expect(result.findings.map((finding) => [finding.code, finding.cell, finding.start.line, finding.start.column])).toEqual([['LL003', 1, 1, 24]]);
  });

  it('honours a file-level suppression in the first code cell only', async () => {
    const first = notebook([
      { cell_type: 'code', source: `# losslens: ignore-file\n${PRELUDE.join('\n')}` },
      { cell_type: 'code', source: BUG },
    ]);
    expect((await analyzeDocument(new SourceFile(host), 'notebook', first)).findings).toEqual([]);
    const later = notebook([
      { cell_type: 'code', source: PRELUDE.join('\n') },
      { cell_type: 'code', source: `# losslens: ignore-file\n${BUG}` },
    ]);
    expect((await analyzeDocument(new SourceFile(host), 'notebook', later)).findings.map((finding) => finding.code)).toEqual(['LL003']);
  });

  it('reads Keras and optax code in notebooks: a model defined in one cell, compiled in another', async () => {
    const text = notebook([
      { cell_type: 'code', source: ['import keras\n', 'import jax\n', 'import optax\n', 'from keras import layers'] },
      { cell_type: 'code', source: 'model = keras.Sequential([layers.Dense(32, activation="relu"), layers.Dense(10)])' },
      { cell_type: 'markdown', source: 'Compile it:' },
      { cell_type: 'code', source: 'model.compile(optimizer="adam", loss="categorical_crossentropy")' },
      { cell_type: 'code', source: 'loss = optax.softmax_cross_entropy(jax.nn.softmax(logits), labels)' },
    ]);
    const result = await analyzeDocument(new SourceFile(host), 'notebook', text);
    expect(result.findings.map((finding) => [finding.code, finding.cell, finding.start.line])).toEqual([
      ['LL005', 3, 1],
      ['LL003', 4, 1],
    ]);
  });

  it('skips notebooks of other languages', async () => {
    const r = JSON.stringify({ cells: [{ cell_type: 'code', source: 'x <- 1' }], metadata: { language_info: { name: 'R' } } });
    expect((await analyzeDocument(new SourceFile(host), 'notebook', r)).skipped).toBe('skipped: a r notebook, not Python');
  });
});

describe('robustness (fast-check)', () => {
  const analyzer = new SourceFile(host);
  const seeds = [
    program(BUG, 'probs = F.softmax(head(x))', 'criterion = nn.BCELoss(size_average=False)', 'y = criterion(head(x), labels.float())'),
    [
      'import torch.nn as nn',
      'class M(nn.Module):',
      '    def __init__(self):',
      '        self.a = nn.Sequential(nn.Linear(2, 2), nn.Softmax(dim=1))',
      '    def forward(self, x):',
      '        return self.a(x), self.forward(x)',
      'm = M()',
      'for i, (x, y) in enumerate(loader):',
      '    out, _ = m(x)',
      '    loss = nn.CrossEntropyLoss()(out, y)',
    ].join('\n'),
  ];

  it('never throws or hangs on mutated Python', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...seeds), fc.nat(), fc.nat({ max: 30 }), fc.string({ maxLength: 12 }), async (seed, at, cut, insert) => {
        const position = at % (seed.length + 1);
        const text = seed.slice(0, position) + insert + seed.slice(position + cut);
        const result = await analyzer.analyze(text, {
          onInternalError: (_rule, error) => {
            throw error;
          },
        });
        expect(Array.isArray(result.findings)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('never throws on random text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }).map((text) => `import torch.nn as nn\n${text}\nnn.CrossEntropyLoss()(a, b)\n`),
        async (text) => {
          const result = await analyzer.analyze(text, {
            onInternalError: (_rule, error) => {
              throw error;
            },
          });
          expect(Array.isArray(result.findings)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('terminates on self-referential definitions', async () => {
    const text = [
      'import torch.nn as nn',
      'a = b',
      'b = a',
      'def f(x):',
      '    return f(x)',
      'class C:',
      '    def forward(self, x):',
      '        return self(x)',
      'nn.BCELoss()(f(a), C()(b))',
    ].join('\n');
    expect((await analyzer.analyze(text)).findings).toEqual([]);
  });
});

describe('demand-driven parsing', () => {
  it('blanks only what cannot matter: every fixture and example gives the same findings parsed whole', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const files = [
      ...readdirSync(join(__dirname, '..', 'fixtures', 'rules')).map((file) => join(__dirname, '..', 'fixtures', 'rules', file)),
      join(__dirname, '..', '..', 'examples', 'pytorch', 'classifier_bugs.py'),
      join(__dirname, '..', '..', 'examples', 'pytorch', 'classifier_fixed.py'),
    ];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const reduced = await analyzeFresh(text);
      const whole = await analyzeFresh(text, { parseEverything: true });
      expect(summary(reduced), file).toEqual(summary(whole));
    }
  });

  it('counts aliases of losses and activations as mentions, and no other alias', async () => {
    const { scanMentions } = await import('../../src/analysis/python/select');
    const text = [
      'import numpy as np',
      'import torch.nn as nn',
      'from torch.nn import (CrossEntropyLoss as CE,',
      '    Linear as Dense)',
      'from torch.nn.functional import softmax as sm',
      'a = np.zeros(3)',
      'b = Dense(4, 2)',
      'c = CE()',
      'd = sm(b(a), dim=1)',
    ].join('\n');
    const named = scanMentions(text).words.map(([offset, length]) => text.slice(offset, offset + length));
    expect(named).toEqual(['CrossEntropyLoss', 'CE', 'softmax', 'sm', 'CE', 'sm']);
  });

  it('leaves unrelated code that uses aliased modules unparsed, and still finds aliased losses', async () => {
    const { scanMentions, select } = await import('../../src/analysis/python/select');
    const { topLevelStatements } = await import('../../src/analysis/python/statements');
    const text = [
      'import numpy as np',
      'import torch.nn as nn',
      'from torch.nn import BCELoss as Criterion',
      'def normalise(a):',
      '    return np.asarray(a) / 255',
      'class Block(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.fc = nn.Linear(4, 1)',
      'head = nn.Linear(4, 1)',
      'criterion = Criterion()',
      'def step(x, y):',
      '    return criterion(head(x), y)',
    ].join('\n');
    const spans = select(text, scanMentions(text), topLevelStatements(text), [])!.spans!;
    const parsed = spans.map((span) => text.slice(span.start, span.end)).join('');
    expect(parsed).not.toContain('def normalise');
    expect(parsed).not.toContain('class Block');
    expect(parsed).toContain('head = nn.Linear(4, 1)');
    expect(parsed).toContain('def step(x, y):');
    const { findings } = await analyzeFresh(text);
    expect(findings.map((finding) => finding.code)).toEqual(['LL001']);
  });

  it('gives the findings of a whole parse on random programs (fast-check)', async () => {
    // Top-level statements that define, change and use the names losses depend on, in every order.
    const pool = [
      'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F',
      'from torch.nn import CrossEntropyLoss as CE, Sigmoid',
      'head = nn.Linear(8, 1)',
      'head = nn.Linear(8, 3)',
      'model = nn.Sequential(nn.Linear(8, 4))',
      "model.add_module('out', nn.Linear(4, 1))",
      'model.append(Sigmoid())',
      'if torch.cuda.is_available():\n    head = nn.Sequential(nn.Linear(8, 1), nn.Sigmoid())',
      'if True:\n    head = nn.Linear(8, 2)\nelse:\n    model = nn.Sequential(nn.Linear(8, 1))',
      'with open(path) as f:\n    x = torch.randn(4, 8)',
      'if True:\n    scorer = nn.Linear(8, 1)',
      'bce = nn.BCELoss()(scorer(x), y)',
      'gate = torch.sigmoid(scorer(x))',
      'lp = torch.log(torch.sigmoid(head(x)))',
      'class Gate(nn.Module):\n    def forward(self, x):\n        return x * x.sigmoid()\n    def score(self, x):\n        return x.sigmoid().log()',
      'ls = nn.LogSigmoid()(x) + F.softmax(head(x)).log()',
      'try:\n    criterion = nn.BCELoss()\nexcept ImportError:\n    pass',
      'criterion = CE()',
      'criterion = nn.NLLLoss(size_average=False)',
      'x = torch.randn(4, 8)',
      'x += 1',
      'y = torch.rand(4, 1)',
      'labels = torch.tensor([0, 2, 1, 0])',
      'for x, y in loader:\n    out = head(x)',
      'def forward(x):\n    return F.softmax(head(x), dim=1)',
      'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(8, 1)\n    def forward(self, x):\n        return self.fc(x)',
      'net = Net()',
      'def step(x, y):\n    return criterion(head(x), y)',
      'def train():\n    return criterion(net(x), y), criterion(forward(x), labels)',
      'loss = criterion(model(x), y)',
      'with torch.no_grad():\n    probs = torch.sigmoid(head(x))',
      'total = nn.BCEWithLogitsLoss()(probs, y)',
      'print(F.cross_entropy(forward(x), labels))',
      '# one\n# two\n\n# three\n# four\n# five',
      'def commented(x):\n    # a\n    # b\n    # c\n        # d, deeper\n    # e\n    return torch.sigmoid(head(x))',
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 14 }), async (statements) => {
        const text = `${statements.join('\n')}\n`;
        const reduced = await analyzeFresh(text);
        const whole = await analyzeFresh(text, { parseEverything: true });
        expect(summary(reduced)).toEqual(summary(whole));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps offsets: blanked statements become spaces, newlines stay', async () => {
    const { blankOutside, parseSpans } = await import('../../src/analysis/python/select');
    const { topLevelStatements } = await import('../../src/analysis/python/statements');
    const text = 'import torch\n\ndef unrelated():\n    """doc\nwith lines"""\n    return [1,\n2]\n\nloss = torch.nn.CrossEntropyLoss()\n';
    const reduced = blankOutside(
      text,
      parseSpans(
        [...text.matchAll(/Loss/g)].map((match) => match.index!),
        topLevelStatements(text),
      )!,
    );
    expect(reduced.length).toBe(text.length);
    expect(reduced.split('\n').length).toBe(text.split('\n').length);
    expect(reduced).toContain('import torch');
    expect(reduced).toContain('loss = torch.nn.CrossEntropyLoss()');
    expect(reduced).not.toContain('unrelated');
  });
});

describe('the pre-parse filter', () => {
  /** Every call a whole-tree walk finds (the oracle) that the analyzer's selection does not. */
  async function missed(text: string): Promise<string[]> {
    const { sitesBySelection, sitesByWalk } = await import('../../bench/site-walk');
    const parser = await host.parser();
    const found = new Set(sitesBySelection(parser, text));
    return sitesByWalk(parser, text).filter((site) => !found.has(site));
  }

  it('never drops a loss or activation call that a walk over the whole tree finds: random programs (fast-check)', async () => {
    const pool = [
      'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F',
      'from torch.nn import CrossEntropyLoss as CE, Sigmoid',
      'from torch.nn.functional import binary_cross_entropy as bce, softmax',
      'from torch.special import expit',
      'import torch.nn.modules.loss as losses',
      'head = nn.Linear(8, 1)',
      'x = torch.randn(4, 8)',
      'y = torch.rand(4, 1)',
      'criterion = CE()',
      'criterion = nn.BCELoss(reduction="sum").to(device)',
      'mse_loss = nn.MSELoss()',
      'kl = losses.KLDivLoss()',
      'z = mse_loss(head(x), y)',
      'w = kl(F.log_softmax(head(x), dim=1), y)',
      'v = criterion(head(x), y)',
      'crit = criterion',
      'o = crit(head(x), y)',
      'u = bce(torch.special.expit(head(x)), y)',
      'p = expit(head(x)).log()',
      't = softmax(head(x), dim=-1)',
      'q = head(x).sigmoid().log()',
      's = nn.Softmax2d()(x)',
      'r = nn.functional.sigmoid(x)',
      'print(F.cross_entropy(head(x), y), F.nll_loss(x, y))',
      'class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.loss_fn = nn.HuberLoss()\n        self.act = Sigmoid()\n    def forward(self, x):\n        return self.loss_fn(self.act(x), x)',
      'def train(model):\n    for a, b in loader:\n        yield criterion(model(a), b)',
      'if True:\n    criterion = nn.SmoothL1Loss()\nelse:\n    pass',
      'text = "nn.BCELoss()(a, b)"  # F.softmax(x) in a comment',
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 12 }), async (statements) => {
        expect(await missed(`${statements.join('\n')}\n`)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('never drops one in the examples, the rule fixtures and a generated repository-shaped corpus', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { generatedFile } = await import('../../bench/corpus-generator');
    const fixtures = join(__dirname, '..', 'fixtures', 'rules');
    const examples = join(__dirname, '..', '..', 'examples', 'pytorch');
    const texts = [
      ...readdirSync(fixtures).map((file) => readFileSync(join(fixtures, file), 'utf8')),
      ...readdirSync(examples).map((file) => readFileSync(join(examples, file), 'utf8')),
      ...Array.from({ length: 45 }, (_unused, index) => generatedFile(index)),
    ];
    for (const text of texts) expect(await missed(text), text.slice(0, 200)).toEqual([]);
  });
});

/**
 * Applies `edits` (offset taken modulo the length, characters cut, text inserted) one after the
 * other, analysing each version incrementally and from scratch: the sites and findings agree
 * (and slicing the incremental analysis changes nothing).
 */
async function sameAsFresh(base: string, edits: ReadonlyArray<readonly [number, number, string]>): Promise<void> {
  const incremental = new SourceFile(host);
  let text = base;
  await incremental.analyze(text);
  for (const [step, [at, cut, insert]] of edits.entries()) {
    const position = at % (text.length + 1);
    text = text.slice(0, position) + insert + text.slice(position + cut);
    // Every other version in slices as small as they go (a pause at every pause point), as in an editor.
    const cached = await incremental.analyze(text, { sites: true, ...(step % 2 === 0 ? { sliceMs: 0 } : {}) });
    const fresh = await analyzeFresh(text, { sites: true });
    expect(JSON.stringify(cached.sites)).toBe(JSON.stringify(fresh.sites));
    expect(JSON.stringify(cached.findings)).toBe(JSON.stringify(fresh.findings));
    expectFirstFindings(cached, fresh.findings);
  }
  incremental.dispose();
}

/**
 * `firstFindings` gives what ranking `findings` would: the first half by a rank (one rule
 * before the others, as a server ranks by severity), in the order of the text, and the next one.
 */
function expectFirstFindings(result: AnalysisResult, findings: AnalysisResult['findings']): void {
  const rank = (finding: { code: string }) => (finding.code === 'LL003' ? 0 : 1);
  const count = Math.floor(findings.length / 2);
  const ordered = [...findings.filter((finding) => rank(finding) === 0), ...findings.filter((finding) => rank(finding) === 1)];
  // An analysis that ends early (no loss named, a skipped file) has none: its findings are all.
  if (!result.firstFindings) return expect(findings.length).toBe(0);
  const first = result.firstFindings({ count, rank });
  expect(first.total).toBe(findings.length);
  expect(JSON.stringify(first.findings)).toBe(JSON.stringify(findings.filter((finding) => ordered.indexOf(finding) < count)));
  expect(JSON.stringify(first.next)).toBe(JSON.stringify(findings.length > count ? ordered[count] : undefined));
}

describe('re-analysis after edits reuses the findings of untouched statements', () => {
  it('carries findings over a hundred edits in as many places (offset maps retired past 64 runs), as a fresh analysis finds them', async () => {
    const calls = Array.from({ length: 120 }, (_unused, index) =>
      index % 2 ? `loss${index} = criterion(F.softmax(z${index}, dim=1), t)` : `l${index} = nll(F.softmax(x${index}, dim=1), y)`,
    );
    let text = ['import torch.nn as nn', 'import torch.nn.functional as F', 'criterion = nn.CrossEntropyLoss()', 'nll = nn.NLLLoss()', ...calls, ''].join('\n');
    const incremental = new SourceFile(host);
    await incremental.analyze(text);
    // A comment line above every other call, from the last call up: each edit moves what follows it.
    for (let index = calls.length - 1; index >= 0; index -= 1) {
      const at = text.indexOf(calls[index]!);
      text = `${text.slice(0, at)}# note ${index}\n${text.slice(at)}`;
      const cached = await incremental.analyze(text, { sites: true });
      if (index % 20 !== 0) continue;
      const fresh = await analyzeFresh(text, { sites: true });
      expect(cached.findings.length).toBe(calls.length);
      expect(JSON.stringify(cached.findings)).toBe(JSON.stringify(fresh.findings));
      expect(JSON.stringify(cached.sites)).toBe(JSON.stringify(fresh.sites));
      expectFirstFindings(cached, fresh.findings);
    }
    incremental.dispose();
  });

  it('gives the same findings as a fresh analysis through syntax errors the narrowed parse alone would not see (cases fast-check found)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { trainingScript } = await import('../../bench/corpus-generator');
    const engine = (file: string) => readFileSync(join(__dirname, '..', 'fixtures', 'engine', file), 'utf8');
    // A definition typed into the middle of another (`def sche` + `def train(...)`): a syntax error in a
    // statement with no loss, which only the whole selection parsed.
    await sameAsFresh(`${trainingScript(0)}\n${trainingScript(10)}`, [
      [1582870393, 12, '\ndef train(args):\n    return 1\n'],
      [0, 0, ''],
    ]);
    // The first line's `# One` cut: the comment becomes an indented line outside every statement.
    await sameAsFresh(engine('helper-called-both-ways.py'), [
      [0, 5, ''],
      [743393052, 0, 'nn.CrossEntropyLoss()'],
      [0, 0, ''],
    ]);
    // `if calibrated:` loses its colon: the indented `model = ...` under it joins the statement before,
    // which binds `model` too.
    await sameAsFresh(engine('branches-disagree.py'), [
      [65141455, 2, '\nt.use_loss(nn.BCELoss())\n'],
      [160459894, 1, ''],
      [0, 0, ''],
    ]);
  });

  it('gives the same findings as a fresh analysis, edit after edit (fast-check)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { trainingScript } = await import('../../bench/corpus-generator');
    const bases = [
      readFileSync(join(__dirname, '..', '..', 'examples', 'pytorch', 'classifier_bugs.py'), 'utf8'),
      // Two training scripts in one module: every name defined twice, `model.train()` beside `def train`.
      `${trainingScript(0)}\n${trainingScript(10)}`,
    ];
    const snippets = [
      '',
      'x',
      ' * 2',
      'F.softmax(class_logits)',
      'torch.sigmoid(binary_logits)',
      'torch.sigmoid(logits)',
      '  # losslens: ignore',
      'nn.BCELoss()',
      '.float()',
      '(',
      ')',
      '\ndef train(args):\n    return 1\n',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bases),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...snippets)), { minLength: 1, maxLength: 6 }),
        (base, edits) => sameAsFresh(base, edits),
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 150) },
    );
  });
  it('gives the same findings as a fresh analysis when calls, setters and stores that reach a loss change (fast-check)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const engine = join(__dirname, '..', 'fixtures', 'engine');
    const bases = ['helper-receives-softmax.py', 'helper-called-both-ways.py', 'loss-set-by-method.py', 'branches-agree.py', 'branches-disagree.py'].map(
      (file) => readFileSync(join(engine, file), 'utf8'),
    );
    const snippets = [
      '',
      'x',
      'nn.CrossEntropyLoss()',
      'nn.LogSoftmax(dim=1)',
      'torch.softmax(net(x), dim=1)',
      'net(x)',
      '\nt.use_loss(nn.BCELoss())\n',
      '(',
      ')',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...bases),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...snippets)), { minLength: 1, maxLength: 5 }),
        (base, edits) => sameAsFresh(base, edits),
      ),
      { numRuns: Number(process.env.FC_RUNS ?? 80) },
    );
  });

  it('checks a method again when the call that hands it its loss changes', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const text = readFileSync(join(__dirname, '..', 'fixtures', 'engine', 'loss-set-by-method.py'), 'utf8');
    const at = text.indexOf('nn.NLLLoss()');
    const softmaxAt = text.indexOf('nn.Softmax(dim=1)');
    await sameAsFresh(text, [
      [at, 'nn.NLLLoss()'.length, 'nn.CrossEntropyLoss()'],
      [softmaxAt, 'nn.Softmax(dim=1)'.length, 'nn.LogSoftmax(dim=1)'],
    ]);
  });

  // Lines being typed leave syntax errors that tree-sitter recovers from, in ways that can reach
  // statements far from the edit (regressions found by the property above).
  it.each([
    [
      'a binding hidden by one error and read by the next (seed -1822491361)',
      'scripts',
      [
        [212225839, 6, '.float()'],
        [1102783097, 11, 'x'],
        [1694611230, 0, 'x'],
      ],
    ],
    [
      'statements read differently by an error of the last version (seed 1608688069)',
      'classifier',
      [
        [0, 8, ''],
        [1494829505, 2, '\ndef train(args):\n    return 1\n'],
        [0, 8, 'F.softmax(class_logits)'],
        [0, 10, '  # losslens: ignore'],
        [1303214206, 5, ')'],
      ],
    ],
    [
      'findings of a version with an error are not carried into the next, clean one',
      'scripts',
      [
        [2109119791, 6, '  # losslens: ignore'],
        [489491738, 4, 'torch.sigmoid(logits)'],
        [782563104, 9, ''],
      ],
    ],
    [
      'two statements glued without a newline, an error in neither (seed 1655019630)',
      'classifier',
      [
        [1655019630, 9, ')'],
        [2009054924, 0, '\ndef train(args):\n    return 1\n'],
      ],
    ],
  ] as const)('gives the same findings while a line is being typed: %s', async (_, base, edits) => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { trainingScript } = await import('../../bench/corpus-generator');
    const text =
      base === 'scripts'
        ? `${trainingScript(0)}\n${trainingScript(10)}`
        : readFileSync(join(__dirname, '..', '..', 'examples', 'pytorch', 'classifier_bugs.py'), 'utf8');
    await sameAsFresh(text, edits);
  });
  it('gives the same findings when the parsed spans glue a broken statement to a tuple assignment (regression, fast-check seed 1670213088)', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    let text = readFileSync(join(__dirname, '..', '..', 'examples', 'pytorch', 'classifier_bugs.py'), 'utf8');
    const incremental = new SourceFile(host);
    await incremental.analyze(text);
    const position = 1967719713 % (text.length + 1);
    text = text.slice(0, position) + '\ndef train(args):\n    return 1\n' + text.slice(position);
    const cached = await incremental.analyze(text, { sites: true });
    const fresh = await analyzeFresh(text, { sites: true });
    const codes = (result: AnalysisResult) => result.findings.map((finding) => `${finding.code}@${finding.span.start}`);
    expect(codes(cached)).toEqual(codes(fresh));
    incremental.dispose();
  });
});

describe('diffText', () => {
  it('finds the smallest change between two texts: common prefix and suffix, longest first (fast-check)', async () => {
    const { diffText } = await import('../../src/analysis/python/parser');
    const texts = fc.tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 60 }), fc.string({ maxLength: 8 }), fc.nat(), fc.nat({ max: 10 }));
    fc.assert(
      fc.property(texts, ([unit, times, insert, at, cut]) => {
        const before = unit.repeat(times);
        const position = at % (before.length + 1);
        const after = before.slice(0, position) + insert + before.slice(position + cut);
        const change = diffText(before, after);
        expect(before.slice(0, change.start) + after.slice(change.start, change.newEnd) + before.slice(change.oldEnd)).toBe(after);
        expect(change.oldEnd - change.start).toBe(before.length - change.start - (after.length - change.newEnd));
        // Nothing more in common at either end of the change.
        const inner = Math.min(change.oldEnd, change.newEnd) - change.start;
        if (inner > 0) {
          expect(before[change.start]).not.toBe(after[change.start]);
          expect(before[change.oldEnd - 1]).not.toBe(after[change.newEnd - 1]);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('topLevelStatements', () => {
  /** The statement starts by the plain rules, one character at a time: the oracle for the fast scanner. */
  function reference(text: string): number[] {
    const starts: number[] = [];
    let depth = 0;
    let lineStart = true;
    let decorator = false;
    let open = false;
    for (let i = 0; i < text.length;) {
      const c = text[i]!;
      if (lineStart) {
        lineStart = false;
        if (depth === 0 && !' \t\n\r#\f'.includes(c)) {
          const continues = /^(?:else|elif|except|finally)\b/.test(text.slice(i, i + 8));
          if (!open || (!decorator && !continues)) starts.push(i);
          open = true;
          decorator = c === '@';
        }
      }
      if (c === '\n') {
        lineStart = true;
        i++;
      } else if (c === '#') {
        const end = text.indexOf('\n', i);
        i = end < 0 ? text.length : end;
      } else if (c === '\\') {
        i += text[i + 1] === '\n' ? 2 : 1;
      } else if (c === '"' || c === "'") {
        const delimiter = text.startsWith(c.repeat(3), i) ? c.repeat(3) : c;
        i += delimiter.length;
        while (i < text.length) {
          if (text[i] === '\\') i += 2;
          else if (delimiter.length === 1 && text[i] === '\n') break;
          else if (text.startsWith(delimiter, i)) {
            i += delimiter.length;
            break;
          } else i++;
        }
      } else {
        if ('([{'.includes(c)) depth++;
        else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
        i++;
      }
    }
    return starts;
  }

  it('reads the names a statement uses outside strings, comments and numbers', async () => {
    const { topLevelStatements } = await import('../../src/analysis/python/statements');
    const text = 'def f(a):\n    b = g(a, 1e5, 0x1F, 2j)  # h(i)\n    return \'j\' + """k\nl""" + m.n\nx = 1\n';
    const [first, second] = topLevelStatements(text);
    expect([...first!.uses].sort()).toEqual(['a', 'b', 'def', 'f', 'g', 'm', 'n', 'return']);
    expect([...second!.uses]).toEqual(['x']);
  });

  it('splits where the plain character-by-character rules split (fast-check)', async () => {
    const { topLevelStatements } = await import('../../src/analysis/python/statements');
    const piece = fc.constantFrom(
      '\n',
      ' ',
      '    ',
      'x = 1',
      'def f():',
      'else:',
      '@d',
      '(',
      ')',
      '[',
      '}',
      '#',
      "'",
      '"',
      '"""',
      "'''",
      '\\',
      '\\\n',
      'f"',
      'a',
      'class C:',
      'except E:',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(topLevelStatements(text).map((chunk) => chunk.start)).toEqual(reference(text));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('topLevelStatements after an edit', () => {
  it('reads only around the change and agrees with a fresh split, edit after edit (fast-check)', async () => {
    const { topLevelStatements } = await import('../../src/analysis/python/statements');
    const { diffText } = await import('../../src/analysis/python/parser');
    const seed = [
      'import torch',
      '@torch.no_grad()',
      'def f(x):',
      '    """doc',
      'x = 1',
      '"""',
      '    return (x +',
      '1)',
      'if x:',
      '    y = 2',
      'else:',
      '    y = 3',
      "s = 'a # not a comment'",
      'class C:',
      '    pass',
      'z = [1,',
      '2] \\',
      '  + [3]',
    ].join('\n');
    const pieces = fc.constantFrom(
      '\n',
      ' ',
      'x',
      '"""',
      "'",
      '(',
      ')',
      '[',
      ']',
      '#',
      '\\',
      '@d\n',
      'else:',
      'try:\n',
      'except E:\n',
      'def g():\n  pass\n',
      'v = 0\n',
      '  # c\n# c\n\n# c\n    # c\n',
    );
    const edit = fc.tuple(
      fc.nat(),
      fc.nat({ max: 12 }),
      fc.array(pieces, { maxLength: 3 }).map((parts) => parts.join('')),
    );
    const shape = (statements: ReturnType<typeof topLevelStatements>) =>
      statements.map((statement) => [
        statement.start,
        statement.end,
        statement.defines.join(','),
        statement.isImport,
        [...statement.uses].sort().join(','),
        JSON.stringify(statement.commentRuns),
      ]);
    await fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 8 }), (edits) => {
        let text = seed;
        let statements = topLevelStatements(text);
        for (const [at, cut, insert] of edits) {
          const position = at % (text.length + 1);
          const next = text.slice(0, position) + insert + text.slice(position + cut);
          statements = topLevelStatements(next, { statements, change: diffText(text, next) });
          text = next;
          expect(shape(statements)).toEqual(shape(topLevelStatements(text)));
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('scopes', () => {
  it('finds the innermost function or class of every name by offsets, as the parent chain says', async () => {
    const { BoundModule } = await import('../../src/analysis/engine/binder');
    const { parsePython } = await import('../../src/analysis/python/parser');
    const text = [
      'import torch',
      'class Outer:',
      '    """',
      'def not_a_function(): this line is in a docstring',
      '    class not_a_class',
      '    """',
      '    size = 3',
      '    class Inner:',
      '        def method(self, x=size):',
      '            def helper(y):',
      '                return y + x',
      '            return helper(x)',
      '    @staticmethod',
      '    async def fetch(a):',
      '        return [b for b in a]',
      'def top(z):',
      '    if z:',
      '        def nested():',
      '            return z',
      '    lam = lambda q: q + z',
      '    return nested',
      'class_count = 2; define = 3',
      'print(class_count, define)',
    ].join('\n');
    const tree = parsePython(await host.parser(), text);
    const module = new BoundModule(text, tree);
    const expected = (node: NonNullable<ReturnType<typeof tree.rootNode.descendantForIndex>>): string => {
      for (let current = node.parent; current; current = current.parent) {
        if (current.type === 'function_definition' || current.type === 'class_definition') return current.childForFieldName('name')!.text;
      }
      return '<module>';
    };
    const names = tree.rootNode.descendantsOfType('identifier').filter((node) => !!node);
    expect(names.length).toBeGreaterThan(30);
    for (const node of names) {
      const scope = module.scopeOf(node!);
      const actual = scope.kind === 'module' ? '<module>' : scope.body.parent!.childForFieldName('name')!.text;
      expect(`${node!.text}@${node!.startIndex}: ${actual}`).toBe(`${node!.text}@${node!.startIndex}: ${expected(node!)}`);
    }
    tree.delete();
  });
});

/** Findings as comparable text: code, place, message id and values. */
function summary(result: AnalysisResult): string[] {
  return result.findings.map((finding) => `${finding.code}@${finding.span.start}:${finding.messageId}:${JSON.stringify(finding.data)}`);
}
