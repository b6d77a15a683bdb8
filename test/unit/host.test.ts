import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AnalysisHost } from '../../src/analysis/host';
import { analyzeDocument } from '../../src/analysis/document';
import { SourceFile } from '../../src/analysis/python/source-file';

const MODEL = (head: string) =>
  [
    'import torch.nn as nn',
    '',
    'class Scorer(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.head = ${head}`,
    '',
    '    def forward(self, x):',
    '        return self.head(x)',
    '',
  ].join('\n');
const TRAIN = [
  'import torch.nn as nn',
  'from models import Scorer',
  '',
  'model = Scorer()',
  'criterion = nn.BCELoss()',
  '',
  'def step(x, y):',
  '    return criterion(model(x), y)',
  '',
].join('\n');

function project(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'losslens-host-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  return folder;
}

describe('AnalysisHost: imported workspace modules', () => {
  const hosts: AnalysisHost[] = [];
  const newHost = (roots: string[]) => {
    const host = new AnalysisHost(roots);
    hosts.push(host);
    return host;
  };
  afterEach(() => {
    for (const host of hosts.splice(0)) host.dispose();
  });

  it('follows a model into the module it is defined in, and reads that module once while it is unchanged', async () => {
    const folder = project({ 'models.py': MODEL('nn.Linear(32, 1)'), 'train.py': TRAIN });
    const host = newHost([folder]);
    const train = new SourceFile(host, join(folder, 'train.py'));
    const first = await train.analyze(TRAIN);
    expect(first.findings.map((finding) => finding.code)).toEqual(['LL001']);
    expect(first.findings[0]!.evidence[0]!.file).toEqual({ path: join(folder, 'models.py'), line: 6 });
    const parser = await host.parser();
    const module = host.module(join(folder, 'models.py'), parser);
    expect(module).toBeDefined();
    await train.analyze(`${TRAIN}\n`);
    expect(host.module(join(folder, 'models.py'), parser)).toBe(module);
    // Another file importing it shares the same parse.
    await new SourceFile(host, join(folder, 'other.py')).analyze(TRAIN);
    expect(host.module(join(folder, 'models.py'), parser)).toBe(module);
  });

  it('reads the module again when it changes on disk, and the finding follows', async () => {
    const folder = project({ 'models.py': MODEL('nn.Linear(32, 1)'), 'train.py': TRAIN });
    const host = newHost([folder]);
    const train = new SourceFile(host, join(folder, 'train.py'));
    expect((await train.analyze(TRAIN)).findings.map((finding) => finding.code)).toEqual(['LL001']);
    writeFileSync(join(folder, 'models.py'), MODEL('nn.Sequential(nn.Linear(32, 1), nn.Sigmoid())'));
    // A later modification time than the first write, whatever the file system's resolution.
    utimesSync(join(folder, 'models.py'), new Date(), new Date(Date.now() + 5000));
    expect((await train.analyze(TRAIN)).findings).toEqual([]);
  });

  it("follows imports at any depth: a package's __init__.py re-exporting the model, and a change two modules away", async () => {
    const folder = project({ 'models.py': MODEL('nn.Linear(32, 1)'), 'train.py': TRAIN.replace('from models import Scorer', 'from pkg import Scorer') });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(folder, 'pkg'));
    writeFileSync(join(folder, 'pkg', '__init__.py'), 'from .nets import Scorer\n');
    writeFileSync(join(folder, 'pkg', 'nets.py'), 'from models import Scorer\n');
    const host = newHost([folder]);
    const text = TRAIN.replace('from models import Scorer', 'from pkg import Scorer');
    const train = new SourceFile(host, join(folder, 'train.py'));
    const found = await train.analyze(text);
    expect(found.findings.map((finding) => finding.code)).toEqual(['LL001']);
    expect(found.findings[0]!.evidence[0]!.file).toEqual({ path: join(folder, 'models.py'), line: 6 });
    expect(host.dependencies(join(folder, 'train.py'), text)).toEqual(
      [join(folder, 'models.py'), join(folder, 'pkg', '__init__.py'), join(folder, 'pkg', 'nets.py')].sort(),
    );
    writeFileSync(join(folder, 'models.py'), MODEL('nn.Sequential(nn.Linear(32, 1), nn.Sigmoid())'));
    utimesSync(join(folder, 'models.py'), new Date(), new Date(Date.now() + 5000));
    expect((await train.analyze(text)).findings).toEqual([]);
  });

  it('reads star imports: of a workspace module, and of a library', async () => {
    const folder = project({ 'models.py': MODEL('nn.Linear(32, 1)') });
    const host = newHost([folder]);
    const text = ['from torch.nn import BCELoss', 'from models import *', '', 'model = Scorer()', 'loss = BCELoss()(model(x), y)', ''].join('\n');
    const result = await new SourceFile(host, join(folder, 'train.py')).analyze(text);
    expect(result.findings.map((finding) => finding.code)).toEqual(['LL001']);
    const library = ['from torch.nn import *', '', 'head = Linear(32, 1)', 'loss = BCELoss()(head(x), y)', ''].join('\n');
    expect((await new SourceFile(host).analyze(library)).findings.map((finding) => finding.code)).toEqual(['LL001']);
  });

  it('keeps an imported module alive for an analysis paused between slices while another reads its new version', async () => {
    const folder = project({ 'models.py': MODEL('nn.Linear(32, 1)'), 'train.py': TRAIN });
    const host = newHost([folder]);
    const train = new SourceFile(host, join(folder, 'train.py'));
    const other = new SourceFile(host, join(folder, 'other.py'));
    await train.analyze(TRAIN);
    // Paused between slices once it has read the module as it was (its third pause: after
    // parsing and binding, a turn each)...
    let settled = false;
    const paused = train.analyze(`${TRAIN}\n`, { sliceMs: 0 }).finally(() => (settled = true));
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    writeFileSync(join(folder, 'models.py'), MODEL('nn.Sequential(nn.Linear(32, 1), nn.Sigmoid())'));
    utimesSync(join(folder, 'models.py'), new Date(), new Date(Date.now() + 5000));
    // ...while another file's analysis reads the new version.
    expect((await other.analyze(TRAIN)).findings).toEqual([]);
    expect((await paused).findings.map((finding) => finding.code)).toEqual(['LL001']);
    expect((await train.analyze(TRAIN)).findings).toEqual([]);
  });

  it('frees the tree of a replaced module only once no analysis is under way', async () => {
    const folder = project({ 'models.py': MODEL('nn.Linear(32, 1)') });
    const host = newHost([folder]);
    const parser = await host.parser();
    const path = join(folder, 'models.py');
    const old = host.module(path, parser) as unknown as { tree: { delete(): void } };
    const freed = vi.spyOn(old.tree, 'delete');
    host.enter();
    host.enter();
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    expect(host.module(path, parser)).not.toBe(old);
    host.leave();
    expect(freed).not.toHaveBeenCalled();
    host.leave();
    expect(freed).toHaveBeenCalledTimes(1);
  });

  it('resolves a module created later once told that files changed', async () => {
    const folder = project({ 'train.py': TRAIN });
    const host = newHost([folder]);
    const train = new SourceFile(host, join(folder, 'train.py'));
    expect((await train.analyze(TRAIN)).findings).toEqual([]);
    writeFileSync(join(folder, 'models.py'), MODEL('nn.Linear(32, 1)'));
    expect((await train.analyze(TRAIN)).findings).toEqual([]);
    host.filesChanged();
    expect((await train.analyze(TRAIN)).findings.map((finding) => finding.code)).toEqual(['LL001']);
  });

  it('does not read what is not a regular file or is too large', async () => {
    const folder = project({ 'train.py': TRAIN, 'models.py': `${MODEL('nn.Linear(32, 1)')}# ${'x'.repeat(600 * 1024)}\n` });
    const host = newHost([folder]);
    expect((await new SourceFile(host, join(folder, 'train.py')).analyze(TRAIN)).findings).toEqual([]);
    expect(host.module(folder, await host.parser())).toBeUndefined();
  });
});

/** A training function in one file, called with a model and a loss from the files that import it. */
describe('calls from the workspace files that import a module', () => {
  const ENGINE = [
    'def train(model, criterion, loader):',
    '    for x, y in loader:',
    '        loss = criterion(model(x), y)',
    '        loss.backward()',
    '',
  ].join('\n');
  const NETS = [
    'import torch.nn as nn',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(16, 4)',
    '        self.out = nn.Softmax(dim=1)',
    '',
    '    def forward(self, x):',
    '        return self.out(self.fc(x))',
    '',
    'class Plain(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(16, 4)',
    '',
    '    def forward(self, x):',
    '        return self.fc(x)',
    '',
  ].join('\n');
  const main = (calls: string[]) =>
    ['import torch.nn as nn', 'from engine import train', 'from nets import Net, Plain', '', 'def main():', ...calls.map((call) => `    ${call}`), ''].join(
      '\n',
    );
  const hosts: AnalysisHost[] = [];
  afterEach(() => {
    for (const host of hosts.splice(0)) host.dispose();
  });
  const analyse = async (files: Record<string, string>) => {
    const folder = project(files);
    const host = new AnalysisHost([folder]);
    hosts.push(host);
    const engine = new SourceFile(host, join(folder, 'engine.py'));
    return { folder, host, engine, result: await analyzeDocument(engine, 'python', ENGINE) };
  };

  it('reads what the importing file passes: a softmax model and cross entropy made in main.py', async () => {
    const { folder, result } = await analyse({ 'engine.py': ENGINE, 'nets.py': NETS, 'main.py': main(['train(Net(), nn.CrossEntropyLoss(), [])']) });
    expect(result.findings.map((finding) => finding.code)).toEqual(['LL003']);
    const [finding] = result.findings;
    expect(finding!.message).toContain('`criterion` (`nn.CrossEntropyLoss`, main.py, line 6)');
    expect(finding!.evidence.map((entry) => [entry.file?.path, entry.note])).toContainEqual([join(folder, 'main.py'), 'passes `Net()` as `model`']);
  });

  it('names the importing call that makes the loss wrong when the calls disagree', async () => {
    const { folder, result } = await analyse({
      'engine.py': ENGINE,
      'nets.py': NETS,
      'main.py': main(['train(Plain(), nn.CrossEntropyLoss(), [])', 'train(Net(), nn.CrossEntropyLoss(), [])']),
    });
    expect(result.findings.map((finding) => [finding.code, finding.via?.text, finding.via?.file])).toEqual([
      ['LL003', 'train(Net(), nn.CrossEntropyLoss(), [])', { path: join(folder, 'main.py'), line: 7 }],
    ]);
    expect(result.findings[0]!.message).toContain('This is through the call `train(Net(), nn.CrossEntropyLoss(), [])` (main.py, line 7)');
  });

  it('does not edit a loss made in another file: the finding has no rename fix there', async () => {
    const folder = project({
      'fit.py': ['def fit(model, loss_fn, x, y):', '    return loss_fn(model(x), y)', ''].join('\n'),
      'run.py': ['import torch.nn as nn', 'from fit import fit', '', 'fit(nn.Linear(16, 1), nn.BCELoss(), None, None)', ''].join('\n'),
    });
    const host = new AnalysisHost([folder]);
    hosts.push(host);
    const { findings } = await new SourceFile(host, join(folder, 'fit.py')).analyze(
      ['def fit(model, loss_fn, x, y):', '    return loss_fn(model(x), y)', ''].join('\n'),
    );
    expect(findings.map((finding) => finding.code)).toEqual(['LL001']);
    expect(findings[0]!.fix).toBeUndefined();
  });

  it('stays silent for a logits model, and follows the importing file when it changes on disk', async () => {
    const { folder, host, engine, result } = await analyse({
      'engine.py': ENGINE,
      'nets.py': NETS,
      'main.py': main(['train(Plain(), nn.CrossEntropyLoss(), [])']),
    });
    expect(result.findings).toEqual([]);
    writeFileSync(join(folder, 'main.py'), main(['train(Net(), nn.CrossEntropyLoss(), [])']));
    utimesSync(join(folder, 'main.py'), new Date(), new Date(Date.now() + 5000));
    host.filesChanged();
    expect((await analyzeDocument(engine, 'python', ENGINE)).findings.map((finding) => finding.code)).toEqual(['LL003']);
  });

  it('finds a file that starts importing the module once told it changed', async () => {
    const { folder, host, engine, result } = await analyse({ 'engine.py': ENGINE, 'nets.py': NETS, 'main.py': 'print("not yet")\n' });
    expect(result.findings).toEqual([]);
    writeFileSync(join(folder, 'main.py'), main(['train(Net(), nn.CrossEntropyLoss(), [])']));
    host.fileChanged(join(folder, 'main.py'));
    expect((await analyzeDocument(engine, 'python', ENGINE)).findings.map((finding) => finding.code)).toEqual(['LL003']);
  });

  it('is silent without a path (an unsaved document has no importers)', async () => {
    const host = new AnalysisHost([project({ 'main.py': main(['train(Net(), nn.CrossEntropyLoss(), [])']) })]);
    hosts.push(host);
    expect((await new SourceFile(host).analyze(ENGINE)).findings).toEqual([]);
  });
});
