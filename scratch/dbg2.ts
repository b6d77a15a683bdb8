import { PythonModule } from '../src/analysis/python/binder';
import { Evaluator } from '../src/analysis/python/evaluator';
import { pythonParser } from '../src/analysis/python/parser';
(async () => {
  const code = `import torch\nimport torch.nn as nn\nkl = nn.KLDivLoss(reduction="batchmean", log_target=True)\nloss = kl(torch.randn(2), torch.randn(2))\n`;
  const p = await pythonParser(); const tree = p.parse(code)!;
  const m = new PythonModule(code, tree); const ev = new Evaluator(m);
  const off = code.indexOf('kl(');
  const n = tree.rootNode.descendantForIndex(off, off + 2)!;
  console.log(n.type, n.text, n.parent?.type);
  console.log(ev.value(n));
  console.log(m.scope.lookup('kl', off));
})();
