/**
 * A deterministic corpus of real-world-style PyTorch code for the analyzer bench when no corpus
 * path is given: model classes, data pipelines, training and evaluation loops, utilities, with a
 * few loss bugs among them. Roughly 200 lines a file.
 */

function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const LOSSES = [
  ['nn.CrossEntropyLoss()', 'logits', 'labels'],
  ['nn.BCEWithLogitsLoss()', 'logits', 'targets.float()'],
  ['nn.MSELoss()', 'predictions', 'targets'],
  ['nn.NLLLoss()', 'F.log_softmax(logits, dim=1)', 'labels'],
  ['nn.SmoothL1Loss(beta=0.5)', 'predictions', 'targets'],
] as const;

const BUGS = ['F.softmax(logits, dim=1)', 'torch.sigmoid(logits)', 'logits'];

export function generatedFile(index: number): string {
  const next = random(index * 7919 + 17);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const width = pick([64, 128, 256, 512]);
  const classes = pick([2, 5, 10, 100, 1000]);
  const name = `Model${index}`;
  const [loss, input, target] = pick(LOSSES);
  const buggy = next() < 0.15;
  const lines: string[] = [
    `"""Training script ${index}: ${name} on a synthetic task."""`,
    'import argparse',
    'import math',
    'import os',
    '',
    'import torch',
    'import torch.nn as nn',
    'import torch.nn.functional as F',
    'from torch.utils.data import DataLoader, TensorDataset',
    '',
    '',
    `class Block${index}(nn.Module):`,
    '    """A residual MLP block."""',
    '',
    '    def __init__(self, width, dropout=0.1):',
    '        super().__init__()',
    '        self.norm = nn.LayerNorm(width)',
    '        self.fc1 = nn.Linear(width, width * 4)',
    '        self.fc2 = nn.Linear(width * 4, width)',
    '        self.drop = nn.Dropout(dropout)',
    '',
    '    def forward(self, x):',
    '        h = self.fc1(self.norm(x))',
    '        h = F.gelu(h)',
    '        h = self.drop(self.fc2(h))',
    '        return x + h',
    '',
    '',
    `class ${name}(nn.Module):`,
    `    def __init__(self, in_features=${width}, classes=${classes}, depth=4):`,
    '        super().__init__()',
    `        self.stem = nn.Linear(in_features, ${width})`,
    `        self.blocks = nn.ModuleList([Block${index}(${width}) for _ in range(depth)])`,
    `        self.head = nn.Linear(${width}, classes)`,
    '',
    '    def forward(self, x):',
    '        x = self.stem(x)',
    '        for block in self.blocks:',
    '            x = block(x)',
    '        return self.head(x)',
    '',
    '',
    'def make_loader(n, features, classes, batch_size=32, seed=0):',
    '    generator = torch.Generator().manual_seed(seed)',
    '    x = torch.randn(n, features, generator=generator)',
    '    y = torch.randint(0, classes, (n,), generator=generator)',
    '    return DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True)',
    '',
  ];
  for (let helper = 0; helper < 14; helper++) {
    lines.push(
      '',
      `def schedule_${helper}(step, warmup=${100 * (helper + 1)}, total=10000, base_lr=3e-4):`,
      '    """Cosine schedule with linear warmup."""',
      '    if step < warmup:',
      '        return base_lr * step / max(1, warmup)',
      '    progress = (step - warmup) / max(1, total - warmup)',
      `    # helper ${helper}: keep a floor so the learning rate never reaches zero`,
      '    return base_lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress)))',
      '',
    );
  }
  lines.push(
    '',
    `criterion = ${loss}`,
    '',
    '',
    'def train(args):',
    `    model = ${name}()`,
    '    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr)',
    `    loader = make_loader(1024, ${width}, ${classes})`,
    '    model.train()',
    '    for epoch in range(args.epochs):',
    '        total = 0.0',
    '        for step, (inputs, labels) in enumerate(loader):',
    '            optimizer.zero_grad()',
    '            logits = model(inputs)',
    '            predictions = logits',
    '            targets = labels',
    `            loss = criterion(${buggy ? pick(BUGS) : input}, ${target})`,
    '            loss.backward()',
    '            optimizer.step()',
    '            total += loss.item()',
    '        print(f"epoch {epoch}: {total / len(loader):.4f}")',
    '    return model',
    '',
    '',
    '@torch.no_grad()',
    'def evaluate(model, loader):',
    '    model.eval()',
    '    correct = 0',
    '    for inputs, labels in loader:',
    '        probs = F.softmax(model(inputs), dim=-1)',
    '        correct += (probs.argmax(dim=-1) == labels).sum().item()',
    '    return correct / len(loader.dataset)',
    '',
    '',
    'def main():',
    '    parser = argparse.ArgumentParser()',
    "    parser.add_argument('--lr', type=float, default=3e-4)",
    "    parser.add_argument('--epochs', type=int, default=3)",
    "    parser.add_argument('--out', default=os.environ.get('OUT', 'model.pt'))",
    '    args = parser.parse_args()',
    '    model = train(args)',
    '    torch.save(model.state_dict(), args.out)',
    '',
    '',
    "if __name__ == '__main__':",
    '    main()',
    '',
  );
  return lines.join('\n');
}
