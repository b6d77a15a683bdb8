import { PythonAnalyzer } from '../src/analysis/analyze';
(async () => {
  const code = `import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\nstudent = torch.randn(8, 10)\nteacher = torch.randn(8, 10)\nkl = nn.KLDivLoss(reduction="batchmean", log_target=True)\nloss = kl(student.log_softmax(1), teacher.softmax(1))\n`;
  const r = await new PythonAnalyzer().analyze(code);
  console.log(JSON.stringify(r.sites.map(s => ({ kind: s.kind, api: s.api, input: s.input?.space, target: s.target?.space, opts: s.options })), null, 1));
  console.log(r.findings.map(f => f.code + ' ' + f.message));
})();
