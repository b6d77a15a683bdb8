import { PythonModule } from '../src/analysis/python/binder';
import { pythonParser } from '../src/analysis/python/parser';
(async () => {
  const code = `import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.layers = nn.Linear(2, 2)\n    def forward(self, x):\n        return self.layers(x)\n`;
  const p = await pythonParser(); const tree = p.parse(code)!;
  const m = new PythonModule(code, tree);
  const off = code.indexOf('self.layers(x)');
  const n = tree.rootNode.descendantForIndex(off, off + 4)!;
  const scope = m.scopeOf(n);
  console.log(n.type, n.text, scope.kind, scope.fn?.name, scope.fn?.cls?.name);
  const c = tree.rootNode.walk();
  while (c.gotoFirstChildForIndex(off)) console.log(' ', c.nodeType, c.startIndex, c.endIndex);
})();
