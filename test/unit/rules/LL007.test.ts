import { swappedLossArguments } from '../../../src/analysis/rules/swapped-loss-arguments';
import { py, ruleTester } from './tester';

const model = ['import torch', 'import torch.nn as nn', '', 'model = nn.Linear(16, 10)'];

ruleTester(swappedLossArguments, {
  valid: [
    py(
      ...model,
      'criterion = nn.CrossEntropyLoss()',
      'def train(loader):',
      '    for inputs, labels in loader:',
      '        loss = criterion(model(inputs), labels)',
    ),
    py(...model, 'def train(loader):', '    for i, (inputs, labels) in enumerate(loader):', '        loss = nn.MSELoss()(model(inputs), labels)'),
    // Two model outputs (distillation): no label evidence.
    py(...model, 'teacher = nn.Linear(16, 10)', 'def step(x):', '    return nn.MSELoss()(model(x), teacher(x))'),
    // The loop does not iterate a data loader (range): no label evidence.
    py(...model, 'def step(xs, ys):', '    for i in range(3):', '        loss = nn.MSELoss()(ys, model(xs))'),
  ],
  invalid: [
    {
      code: py(
        ...model,
        'criterion = nn.MSELoss()',
        'def train(loader):',
        '    for inputs, labels in loader:',
        '        outputs = model(inputs)',
        '        loss = criterion(labels, outputs)',
      ),
      errors: [{ line: 9, column: 26, message: 'takes (prediction, target), but `labels` is a label' }],
      output: py(
        ...model,
        'criterion = nn.MSELoss()',
        'def train(loader):',
        '    for inputs, labels in loader:',
        '        outputs = model(inputs)',
        '        loss = criterion(outputs, labels)',
      ),
      safety: 'unsafe',
    },
    {
      code: py(...model, 'def train(loader):', '    for step, (x, y) in enumerate(loader):', '        loss = nn.CrossEntropyLoss()(y, model(x))'),
      errors: [{ line: 7 }],
    },
    {
      code: py(...model, 'labels = torch.randint(0, 10, (8,))', 'loss = nn.CrossEntropyLoss()(labels, model(torch.randn(8, 16)))'),
      errors: [{ line: 6, message: '`labels` is a label (`labels = torch.randint(0, 10, (8,))`' }],
    },
  ],
});
