import { describe, expect, it } from 'vitest';
import { analyzeFresh } from './helpers/analysis';

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
      'calls that pass different models',
      'nn.Softmax(dim=1)',
      'class Plain(nn.Module):\n    def forward(self, x):\n        return x\n\ntrain(Net(), nn.CrossEntropyLoss(), None, [])\ntrain(Plain(), nn.CrossEntropyLoss(), None, [])',
    ],
    ['an open argument list', 'nn.Softmax(dim=1)', 'args = (Net(), nn.CrossEntropyLoss(), None, [])\ntrain(*args)'],
  ])('stays silent for %s', async (_, last, calls) => {
    expect(await codes(`${net(last)}\n${train}\n${calls}\n`)).toEqual([]);
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
