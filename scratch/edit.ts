import { generatedFile } from '../bench/corpus-generator';
import { relevantSpans } from '../src/analysis/python/relevant';
import { mentions } from '../src/analysis/python/sites';
import { parsePython, pythonParser } from '../src/analysis/python/parser';
import { PythonAnalyzer } from '../src/analysis/analyze';
(async () => {
  let big = ''; for (let i = 0; big.split('\n').length < 5000; i++) big += generatedFile(10000 + i) + '\n';
  big = big.split('\n').slice(0, 5000).join('\n');
  const p = await pythonParser();
  for (let r = 0; r < 3; r++) {
    let t = performance.now(); const m = mentions(big); const t1 = performance.now() - t;
    t = performance.now(); const sp = relevantSpans(big, m.map(x => x[0])); const t2 = performance.now() - t;
    t = performance.now(); const tree = parsePython(p, big, undefined, sp); const t3 = performance.now() - t;
    t = performance.now(); const treeFull = parsePython(p, big); const t4 = performance.now() - t;
    const blank = 1 - (sp ?? []).reduce((a, s) => a + s.end - s.start, 0) / big.length;
    t = performance.now(); const a = new PythonAnalyzer(); await a.analyze(big); const t5 = performance.now() - t;
    const mid = big.indexOf('total += loss.item()', big.length / 2);
    const edited = big.slice(0, mid) + 'total += loss.item() * 1.0' + big.slice(mid + 20);
    t = performance.now(); await a.analyze(edited); const t6 = performance.now() - t;
    const sp2 = relevantSpans(edited, mentions(edited).map(x => x[0]));
    t = performance.now(); const inc = parsePython(p, edited, { text: big, tree }, sp2); const t7 = performance.now() - t;
    console.log(`mentions ${t1.toFixed(1)} relevant ${t2.toFixed(1)} parseReduced ${t3.toFixed(1)} parseFull ${t4.toFixed(1)} spaces ${(blank*100).toFixed(0)}% analyze ${t5.toFixed(1)} edit ${t6.toFixed(1)} incparse ${t7.toFixed(1)}`);
    tree.delete(); treeFull.delete(); inc.delete(); a.dispose();
  }
})();
