import { klDivMeanReduction } from '../../../src/analysis/rules/kl-div-mean-reduction';
import { py, ruleTester } from './tester';

ruleTester(klDivMeanReduction, {
  valid: [
    py('import torch.nn as nn', "criterion = nn.KLDivLoss(reduction='batchmean')"),
    py('import torch.nn.functional as F', 'def f(p, q):', "    return F.kl_div(p, q, reduction='sum')"),
    py('import torch.nn as nn', 'criterion = nn.KLDivLoss(size_average=False)'),
  ],
  invalid: [
    {
      code: py('import torch.nn as nn', 'criterion = nn.KLDivLoss()'),
      errors: [{ line: 2, messageId: 'meanDefault', data: { function: 'nn.KLDivLoss' } }],
      output: py('import torch.nn as nn', "criterion = nn.KLDivLoss(reduction='batchmean')"),
      safety: 'unsafe',
    },
    {
      code: py('import torch.nn as nn', 'criterion = nn.KLDivLoss(reduction="mean", log_target=True)'),
      errors: [{ line: 2, column: 36, messageId: 'meanGiven' }],
      output: py('import torch.nn as nn', 'criterion = nn.KLDivLoss(reduction="batchmean", log_target=True)'),
    },
    {
      code: py('import torch.nn.functional as F', 'def f(p, q):', '    return F.kl_div(p, q)'),
      errors: [{ line: 3, messageId: 'meanDefault' }],
      output: py('import torch.nn.functional as F', 'def f(p, q):', "    return F.kl_div(p, q, reduction='batchmean')"),
    },
  ],
});
