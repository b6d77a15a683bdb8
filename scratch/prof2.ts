import { generatedFile } from '../bench/corpus-generator';
import { PythonAnalyzer } from '../src/analysis/analyze';
(async () => {
  let big = ''; for (let i = 0; big.split('\n').length < 5000; i++) big += generatedFile(10000 + i) + '\n';
  big = big.split('\n').slice(0, 5000).join('\n');
  const a = new PythonAnalyzer();
  await a.analyze(big);
  const mid = big.indexOf('total += loss.item()', big.length / 2);
  for (let r = 0; r < 60; r++) {
    const edited = big.slice(0, mid) + 'total += loss.item()' + (r % 2 ? ' * 1.0' : '') + big.slice(mid + 20);
    await a.analyze(edited);
  }
})();
