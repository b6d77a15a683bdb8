import { classCountMismatch } from '../../../src/analysis/rules/class-count-mismatch';
import { py, ruleTester } from './tester';

const head = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '', 'x = torch.randn(8, 16)', 'labels = torch.randint(0, 3, (8,))'];

ruleTester(classCountMismatch, {
  valid: [
    py(...head, 'loss = F.cross_entropy(nn.Linear(16, 3)(x), labels)'),
    py(...head, 'loss = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 4.0]))(nn.Linear(16, 3)(x), labels)'),
    py(...head, 'loss = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0]))(nn.Linear(16, 4)(x), torch.rand(8, 4))'),
    py(...head, 'probs = torch.sigmoid(nn.Linear(16, 1)(x))'),
  ],
  invalid: [
    {
      code: py(...head, 'loss = F.cross_entropy(nn.Linear(16, 1)(x), labels)'),
      errors: [{ line: 7, message: 'a single output unit. The softmax of one value is always 1, so the loss is always 0' }],
      output: null,
    },
    {
      code: py(...head, 'criterion = nn.CrossEntropyLoss(weight=torch.tensor([1.0, 9.0]))', 'loss = criterion(nn.Linear(16, 3)(x), labels)'),
      errors: [{ line: 7, message: '`weight` has 2 entries, but the model produces 3 classes' }],
    },
    {
      code: py(...head, 'loss = F.binary_cross_entropy_with_logits(nn.Linear(16, 4)(x), torch.rand(8, 4), pos_weight=torch.ones(3))'),
      errors: [{ line: 7, message: '`pos_weight` has 3 entries, but the model produces 4 classes' }],
    },
    {
      code: py(...head, 'probs = F.softmax(nn.Linear(16, 1)(x), dim=1)'),
      errors: [{ line: 7, message: 'softmax over a single output unit is always 1' }],
    },
  ],
});
