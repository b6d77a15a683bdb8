import { deprecatedReductionArguments } from '../../../src/analysis/rules/deprecated-reduction-arguments';
import { py, ruleTester } from './tester';

ruleTester(deprecatedReductionArguments, {
  valid: [
    py('import torch.nn as nn', "criterion = nn.CrossEntropyLoss(reduction='sum')"),
    py('import torch.nn.functional as F', 'def f(x, y):', "    return F.mse_loss(x, y, reduction='none')"),
    py('import torch.nn as nn', 'def size_average(x):', '    return x', 'criterion = nn.MSELoss()'),
  ],
  invalid: [
    {
      code: py('import torch.nn as nn', 'criterion = nn.CrossEntropyLoss(size_average=False)'),
      errors: [{ line: 2, column: 33, messageId: 'known', data: { argument: 'size_average=False', reduction: 'sum' } }],
      output: py('import torch.nn as nn', "criterion = nn.CrossEntropyLoss(reduction='sum')"),
      safety: 'safe',
    },
    {
      code: py('import torch.nn as nn', 'criterion = nn.MSELoss(size_average=True, reduce=False)'),
      errors: [{ line: 2, messageId: 'known', data: { argument: 'size_average=True', reduction: 'none' } }],
      output: py('import torch.nn as nn', "criterion = nn.MSELoss(reduction='none')"),
    },
    {
      code: py('import torch.nn as nn', 'import torch', "criterion = nn.NLLLoss(weight=torch.ones(3), reduce=True, reduction='sum')"),
      errors: [{ line: 3, messageId: 'known', data: { argument: 'reduce=True', reduction: 'mean' } }],
      output: py('import torch.nn as nn', 'import torch', "criterion = nn.NLLLoss(weight=torch.ones(3), reduction='mean')"),
    },
    {
      code: py('import torch.nn.functional as F', 'def f(x, y, flag):', '    return F.l1_loss(x, y, size_average=flag)'),
      errors: [{ line: 3, messageId: 'unknown', data: { argument: 'size_average=flag' } }],
      output: null,
    },
  ],
});
