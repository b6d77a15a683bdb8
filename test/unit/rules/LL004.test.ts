import { nllLossWithoutLogSoftmax } from '../../../src/analysis/rules/nll-loss-without-log-softmax';
import { py, ruleTester } from './tester';

const head = [
  'import torch',
  'import torch.nn as nn',
  'import torch.nn.functional as F',
  '',
  'head = nn.Linear(16, 10)',
  'x = torch.randn(8, 16)',
  'labels = torch.randint(0, 10, (8,))',
];

ruleTester(nllLossWithoutLogSoftmax, {
  valid: [
    py(...head, 'loss = F.nll_loss(F.log_softmax(head(x), dim=1), labels)'),
    py(...head, 'loss = nn.NLLLoss()(head(x).log_softmax(dim=1), labels)'),
    py(...head, 'loss = F.nll_loss(torch.log(F.softmax(head(x), dim=1)), labels)'),
    py('import torch.nn as nn', 'def step(log_probs, y):', '    return nn.NLLLoss()(log_probs, y)'),
  ],
  invalid: [
    {
      code: py(...head, 'criterion = nn.NLLLoss()', 'loss = criterion(head(x), labels)'),
      errors: [
        {
          line: 9,
          messageId: 'logits',
          data: {
            loss: { phrase: 'lossModule', data: { name: 'criterion', loss: 'nn.NLLLoss', place: { line: 8, column: 13 } } },
            source: {
              phrase: 'comesFrom',
              data: {
                argument: 'head(x)',
                root: {
                  phrase: 'rootWithNote',
                  data: { code: 'head = nn.Linear(16, 10)', place: { line: 5, column: 1 }, note: 'nn.Linear with 10 outputs, no activation after it' },
                },
              },
            },
          },
        },
      ],
      output: py(...head, 'criterion = nn.CrossEntropyLoss()', 'loss = criterion(head(x), labels)'),
      safety: 'safe',
    },
    {
      code: py(...head, 'loss = F.nll_loss(head(x), labels)'),
      errors: [{ line: 8, messageId: 'logits' }],
      output: py(...head, 'loss = F.cross_entropy(head(x), labels)'),
    },
    {
      code: py(...head, 'loss = F.nll_loss(F.softmax(head(x), dim=1), labels)'),
      errors: [
        {
          line: 8,
          messageId: 'probabilities',
          data: { loss: '`F.nll_loss`', source: { phrase: 'alreadyActivated', data: { argument: 'F.softmax(head(x), dim=1)', activation: 'softmax' } } },
        },
      ],
      output: py(...head, 'loss = F.nll_loss(F.log_softmax(head(x), dim=1), labels)'),
      safety: 'safe',
    },
    {
      code: py(
        'import torch',
        'from torch.nn import NLLLoss, Linear',
        'head = Linear(4, 3)',
        'loss = NLLLoss()(head(torch.randn(2, 4)), torch.tensor([0, 2]))',
      ),
      errors: [{ line: 4, messageId: 'logits' }],
      output: py(
        'import torch',
        'from torch.nn import NLLLoss, Linear',
        'head = Linear(4, 3)',
        'loss = NLLLoss()(head(torch.randn(2, 4)).log_softmax(dim=1), torch.tensor([0, 2]))',
      ),
      safety: 'unsafe',
    },
  ],
});
