import { PythonAnalyzer } from '../src/analysis/analyze';
import { generatedFile } from '../bench/corpus-generator';
(async () => {
  const files: string[] = []; for (let i = 0; i < 453; i++) files.push(generatedFile(i));
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    for (const text of files) { const a = new PythonAnalyzer(); await a.analyze(text); a.dispose(); }
    console.log((performance.now() - t).toFixed(0));
  }
})();
