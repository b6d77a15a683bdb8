import { describe, expect, it } from 'vitest';
import { analyzeDocument } from '../../src/analysis/document';
import { SourceFile } from '../../src/analysis/python/source-file';
import { analyzeFresh, host } from './helpers/analysis';

const net = (last: string) =>
  [
    'import torch',
    'import torch.nn as nn',
    '',
    'class Net(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(16, 10)',
    `        self.out = ${last}`,
    '',
    '    def forward(self, x):',
    '        return self.out(self.fc(x))',
    '',
  ].join('\n');

const codes = async (text: string) => (await analyzeFresh(text)).findings.map((finding) => finding.code);

/** Models and losses handed to a training function as arguments: followed from the calls in the file. */
describe('values passed through function calls', () => {
  const train = [
    'def train(net, objective, optimizer, loader):',
    '    for x, y in loader:',
    '        loss = objective(net(x), y)',
    '        loss.backward()',
    '',
  ].join('\n');

  it('binds the parameters from the one call: a softmax model and cross entropy built in main()', async () => {
    const text = `${net('nn.Softmax(dim=1)')}\n${train}\ndef main():\n    model = Net()\n    criterion = nn.CrossEntropyLoss()\n    train(model, criterion, None, [])\n`;
    const { findings } = await analyzeFresh(text);
    expect(findings.map((finding) => finding.code)).toEqual(['LL003']);
    // The evidence names the call that passed the model.
    expect(findings[0]!.evidence.map((entry) => `${entry.text} (${entry.note ?? ''})`)).toContain(
      'train(model, criterion, None, []) (passes `model` as `net`)',
    );
  });

  it('by keyword, and the loss left to its default', async () => {
    const fit = [
      'def fit(network, x, y, objective=nn.CrossEntropyLoss()):',
      '    return objective(network(x), y)',
      '',
      'fit(network=Net(), x=torch.randn(4, 16), y=torch.randint(0, 10, (4,)))',
    ].join('\n');
    expect(await codes(`${net('nn.Softmax(dim=1)')}\n${fit}\n`)).toEqual(['LL003']);
  });

  it('positions filled from `*args` when they are a tuple the code writes', async () => {
    const text = `${net('nn.Softmax(dim=1)')}\n${train}\nargs = (Net(), nn.CrossEntropyLoss())\ntrain(*args, None, [])\n`;
    const { findings } = await analyzeFresh(text);
    expect(findings.map((finding) => finding.code)).toEqual(['LL003']);
    expect(findings[0]!.evidence.map((entry) => entry.note)).toContain('passes `*args[0]` as `net`');
  });

  it('tuple returns, indexed and unpacked', async () => {
    const text = [
      'import torch',
      'import torch.nn as nn',
      '',
      'class Discriminator(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.real_fake = nn.Sequential(nn.Linear(64, 1), nn.Sigmoid())',
      '        self.aux = nn.Linear(64, 10)',
      '',
      '    def forward(self, x):',
      '        return self.real_fake(x), self.aux(x)',
      '',
      'disc = Discriminator()',
      'x = torch.randn(8, 64)',
      'adversarial = nn.BCEWithLogitsLoss()',
      'loss = adversarial(disc(x)[0], torch.ones(8, 1))',
      'validity, _ = disc(x)',
      'loss = adversarial(validity, torch.ones(8, 1))',
      'loss = nn.CrossEntropyLoss()(disc(x)[1], torch.randint(0, 10, (8,)))',
    ].join('\n');
    expect(await codes(text)).toEqual(['LL002', 'LL002']);
  });

  it('keyword arguments that construct the loss in the call', async () => {
    const fit = [
      'def fit(network, objective):',
      '    return objective(network(torch.randn(4, 16)), torch.randint(0, 10, (4,)))',
      '',
      'fit(network=Net(), objective=nn.CrossEntropyLoss())',
    ].join('\n');
    expect(await codes(`${net('nn.Softmax(dim=1)')}\n${fit}\n`)).toEqual(['LL003']);
  });

  it.each([
    ['a logits model passed to the one call', 'nn.Identity()', 'train(Net(), nn.CrossEntropyLoss(), None, [])'],
    ['no call in the file', 'nn.Softmax(dim=1)', ''],
    [
      'calls that pass different models, none of which makes the loss wrong',
      'nn.Identity()',
      'class Plain(nn.Module):\n    def forward(self, x):\n        return x\n\ntrain(Net(), nn.CrossEntropyLoss(), None, [])\ntrain(Plain(), nn.CrossEntropyLoss(), None, [])',
    ],
    ['an argument list built elsewhere', 'nn.Softmax(dim=1)', 'def go(args):\n    train(*args)'],
    ['keywords from a dict', 'nn.Softmax(dim=1)', 'kwargs = {"net": Net()}\ntrain(objective=nn.CrossEntropyLoss(), optimizer=None, loader=[], **kwargs)'],
  ])('stays silent for %s', async (_, last, calls) => {
    expect(await codes(`${net(last)}\n${train}\n${calls}\n`)).toEqual([]);
  });
});

describe('calls that pass different models or losses', () => {
  const train = ['def train(net, objective, x, y):', '    return objective(net(x), y)', ''].join('\n');
  const plain = [
    'class Plain(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.fc = nn.Linear(16, 10)',
    '',
    '    def forward(self, x):',
    '        return self.fc(x)',
    '',
  ].join('\n');

  it('checks the loss once per call, and the finding names the call that makes it wrong', async () => {
    const calls = ['def main(x, y):', '    train(Plain(), nn.CrossEntropyLoss(), x, y)', '    train(Net(), nn.CrossEntropyLoss(), x, y)', ''].join('\n');
    const text = `${net('nn.Softmax(dim=1)')}\n${plain}\n${train}\n${calls}`;
    const { findings } = await analyzeDocument(new SourceFile(host), 'python', text);
    expect(findings.map((finding) => finding.code)).toEqual(['LL003']);
    const call = text.indexOf('train(Net()');
    expect(findings[0]!.via).toEqual({ text: 'train(Net(), nn.CrossEntropyLoss(), x, y)', span: { start: call, end: text.indexOf('\n', call) } });
    const line = text.slice(0, call).split('\n').length;
    expect(findings[0]!.message).toContain(`This is through the call \`train(Net(), nn.CrossEntropyLoss(), x, y)\` (line ${line})`);
  });

  it('reports the finding once when several calls make it', async () => {
    const calls = [
      'train(Net(), nn.CrossEntropyLoss(), None, None)',
      'train(Plain(), nn.CrossEntropyLoss(), None, None)',
      'train(Net(), nn.CrossEntropyLoss(), None, None)',
    ].join('\n');
    const { findings } = await analyzeFresh(`${net('nn.Softmax(dim=1)')}\n${plain}\n${train}\n${calls}\n`);
    expect(findings.map((finding) => [finding.code, finding.via?.text])).toEqual([['LL003', 'train(Net(), nn.CrossEntropyLoss(), None, None)']]);
  });

  it('stays silent when the calls disagree on something not followed', async () => {
    const calls = ['train(Net(), nn.CrossEntropyLoss(), None, None)', 'train(make_model(), nn.CrossEntropyLoss(), None, None)'].join('\n');
    expect(await codes(`${net('nn.Softmax(dim=1)')}\n${train}\n${calls}\n`)).toEqual([]);
  });
});

describe('nn.ModuleList and nn.ModuleDict with alike members', () => {
  const heads = (members: string) => ['import torch', 'import torch.nn as nn', '', `heads = ${members}`, 'x = torch.randn(8, 16)', ''].join('\n');

  it.each([
    ['indexed', 'nn.ModuleList([nn.Linear(16, 1) for _ in range(3)])', 'loss = nn.BCELoss()(heads[0](x), torch.rand(8, 1))'],
    ['iterated', 'nn.ModuleList([nn.Linear(16, 1), nn.Linear(16, 1)])', 'for head in heads:\n    loss = nn.BCELoss()(head(x), torch.rand(8, 1))'],
    ['a dict, by key', 'nn.ModuleDict({"a": nn.Linear(16, 1), "b": nn.Linear(16, 1)})', 'loss = nn.BCELoss()(heads["a"](x), torch.rand(8, 1))'],
    [
      'a dict, by its values',
      'nn.ModuleDict({k: nn.Linear(16, 1) for k in "abc"})',
      'for head in heads.values():\n    loss = nn.BCELoss()(head(x), torch.rand(8, 1))',
    ],
  ])('follows a member: %s', async (_, members, use) => {
    const { findings } = await analyzeFresh(`${heads(members)}${use}\n`);
    expect(findings.map((finding) => finding.code)).toEqual(['LL001']);
    expect(findings[0]!.evidence.some((entry) => entry.note === 'its members are all alike')).toBe(true);
  });

  it.each([
    [
      'members that differ',
      'nn.ModuleList([nn.Linear(16, 1), nn.Sequential(nn.Linear(16, 1), nn.Sigmoid())])',
      'loss = nn.BCELoss()(heads[0](x), torch.rand(8, 1))',
    ],
    ['members added later', 'nn.ModuleList()', 'heads.append(nn.Linear(16, 1))\nloss = nn.BCELoss()(heads[0](x), torch.rand(8, 1))'],
    [
      'probabilities from every member',
      'nn.ModuleList([nn.Sequential(nn.Linear(16, 1), nn.Sigmoid()) for _ in range(2)])',
      'loss = nn.BCELoss()(heads[1](x), torch.rand(8, 1))',
    ],
  ])('stays silent for %s', async (_, members, use) => {
    expect(await codes(`${heads(members)}${use}\n`)).toEqual([]);
  });
});

describe('calls written out and values read from the module', () => {
  const head = [
    'import torch',
    'import torch.nn as nn',
    '',
    'model = nn.Sequential(nn.Linear(16, 10), nn.Softmax(dim=1))',
    'criterion = nn.CrossEntropyLoss()',
    '',
  ];

  it('`.forward(...)` on a loss object and on a model', async () => {
    expect(await codes([...head, 'def step(x, y):', '    return criterion.forward(model.forward(x), y)'].join('\n'))).toEqual(['LL003']);
  });

  it('a module-level model and loss read inside a function', async () => {
    expect(await codes([...head, 'def step(x, y):', '    return criterion(model(x), y)'].join('\n'))).toEqual(['LL003']);
  });

  it('the return of a helper that takes the model', async () => {
    const text = [
      ...head,
      'def predict(net, x):',
      '    return torch.sigmoid(net(x))',
      '',
      'bce = nn.BCEWithLogitsLoss()',
      'loss = bce(predict(nn.Linear(16, 1), torch.randn(4, 16)), torch.rand(4, 1))',
    ].join('\n');
    expect(await codes(text)).toEqual(['LL002']);
  });

  it('`.forward` of something that is not a loss stays silent', async () => {
    expect(await codes([...head, 'def step(x, y, metric):', '    return metric.forward(model(x), y)'].join('\n'))).toEqual([]);
  });
});

/** Where no call says what a parameter holds, its annotation may: jaxtyping and `Annotated`. */
describe('tensor annotations', () => {
  const head = [
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'from jaxtyping import Float, Int',
    'from torch import Tensor',
    'from typing import Annotated',
    '',
  ];
  const check = async (...lines: string[]) => (await analyzeFresh([...head, ...lines, ''].join('\n'))).findings;

  it('named dims: an (N, 1, H, W) mask against (N, C, H, W) logits', async () => {
    const findings = await check(
      'def segmentation_loss(logits: Float[Tensor, "batch classes h w"], mask: Int[Tensor, "batch 1 h w"]):',
      '    return F.cross_entropy(logits, mask)',
    );
    expect(findings.map((finding) => [finding.code, finding.messageId, finding.data.shapes])).toEqual([
      ['LL010', 'contract', '`mask` (batch, 1, h, w), `logits` (batch, classes, h, w)'],
    ]);
    expect(findings[0]!.evidence.map((entry) => entry.note)).toContain('annotated `Int[Tensor, "batch 1 h w"]`');
  });

  it('a class dim of 1 on class indices, and float class indices', async () => {
    const findings = await check(
      'def step(logits: Float[Tensor, "batch classes"], labels: Int[Tensor, "batch 1"], soft: Float[Tensor, "batch"]):',
      '    loss = F.cross_entropy(logits, labels)',
      '    return F.cross_entropy(logits, soft)',
    );
    expect(findings.map((finding) => [finding.code, finding.messageId])).toEqual([
      ['LL010', 'classDim'],
      ['LL011', findings[1]!.messageId],
    ]);
  });

  it('`Annotated` with jaxtyping dims, and a return annotation of forward', async () => {
    expect(
      (await check('def regress(pred: Annotated[Tensor, "batch 1"], y: Annotated[Tensor, "batch"]):', '    return F.mse_loss(pred, y)')).map(
        (finding) => finding.messageId,
      ),
    ).toEqual(['broadcast']);
    const model = [
      'class Regressor(nn.Module):',
      '    def forward(self, x) -> Float[Tensor, "batch 1"]:',
      '        return self.net(x)',
      '',
      'def step(model: Regressor, x, y: Float[Tensor, "batch"]):',
      '    return F.mse_loss(Regressor()(x), y)',
    ];
    expect((await check(...model)).map((finding) => finding.messageId)).toEqual(['broadcast']);
  });

  it.each([
    ['dims of different names (they may be the same size)', 'logits: Float[Tensor, "n c"], labels: Int[Tensor, "m"]'],
    ['variadic dims', 'logits: Float[Tensor, "*batch classes"], labels: Int[Tensor, "*batch 1"]'],
    ["a `Float` that is not jaxtyping's", 'logits: "Float[Tensor, \'b c\']", labels: Tensor'],
    ['class indices of the right shape', 'logits: Float[Tensor, "batch classes h w"], labels: Int[Tensor, "batch h w"]'],
  ])('stays silent for %s', async (_, parameters) => {
    expect(await check(`def step(${parameters}):`, '    return F.cross_entropy(logits, labels)')).toEqual([]);
  });
});
