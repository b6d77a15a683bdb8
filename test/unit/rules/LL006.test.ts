import { klDivInputNotLogProbabilities } from '../../../src/analysis/rules/kl-div-input-not-log-probabilities';
import { py, ruleTester } from './tester';

const head = ['import torch', 'import torch.nn as nn', 'import torch.nn.functional as F', '', 'student = torch.randn(8, 10)', 'teacher = torch.randn(8, 10)'];

ruleTester(klDivInputNotLogProbabilities, {
  valid: [
    py(...head, 'loss = F.kl_div(F.log_softmax(student, dim=1), F.softmax(teacher, dim=1), reduction="batchmean")'),
    py(...head, 'loss = F.kl_div(F.log_softmax(student, dim=1), F.log_softmax(teacher, dim=1), reduction="batchmean", log_target=True)'),
    py(...head, 'kl = nn.KLDivLoss(reduction="batchmean", log_target=True)', 'loss = kl(student.log_softmax(1), teacher.log_softmax(1))'),
    py('import torch.nn.functional as F', 'def distill(p, q):', '    return F.kl_div(p, q, reduction="batchmean")'),
  ],
  invalid: [
    {
      code: py(...head, 'loss = F.kl_div(F.softmax(student, dim=1), F.softmax(teacher, dim=1), reduction="batchmean")'),
      errors: [
        {
          line: 7,
          column: 17,
          messageId: 'probabilityInput',
          data: { loss: '`F.kl_div`', source: { phrase: 'alreadyActivated', data: { argument: 'F.softmax(student, dim=1)', activation: 'softmax' } } },
        },
      ],
      output: py(...head, 'loss = F.kl_div(F.log_softmax(student, dim=1), F.softmax(teacher, dim=1), reduction="batchmean")'),
      safety: 'safe',
    },
    {
      code: py(...head, 'loss = F.kl_div(F.log_softmax(student, dim=1), F.log_softmax(teacher, dim=1), reduction="batchmean")'),
      errors: [
        {
          line: 7,
          messageId: 'logTargetMissing',
          data: { loss: '`F.kl_div`', source: { phrase: 'alreadyActivated', data: { argument: 'F.log_softmax(teacher, dim=1)', activation: 'log_softmax' } } },
        },
      ],
      output: py(...head, 'loss = F.kl_div(F.log_softmax(student, dim=1), F.log_softmax(teacher, dim=1), reduction="batchmean", log_target=True)'),
      safety: 'unsafe',
    },
    {
      code: py(...head, 'kl = nn.KLDivLoss(reduction="batchmean", log_target=True)', 'loss = kl(student.log_softmax(1), teacher.softmax(1))'),
      errors: [
        {
          line: 8,
          messageId: 'logTargetWrong',
          data: {
            loss: { phrase: 'lossModule', data: { name: 'kl', loss: 'nn.KLDivLoss', place: { line: 7, column: 6 } } },
            source: { phrase: 'alreadyActivated', data: { argument: 'teacher.softmax(1)', activation: 'softmax' } },
          },
        },
      ],
      output: py(...head, 'kl = nn.KLDivLoss(reduction="batchmean", log_target=False)', 'loss = kl(student.log_softmax(1), teacher.softmax(1))'),
    },
  ],
});
