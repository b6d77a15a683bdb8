import { readFileSync } from 'node:fs';
import { PythonAnalyzer } from '../src/analysis/analyze';
import { lineOf } from '../src/analysis/python/syntax';
(async () => {
  for (const file of process.argv.slice(2)) {
    const text = readFileSync(file, 'utf8');
    const t = performance.now();
    const result = await new PythonAnalyzer().analyze(text, { onInternalError: (r, e) => console.log('INTERNAL', r, e) });
    console.log(file, (performance.now() - t).toFixed(1), 'ms', result.sites.length, 'sites');
    for (const f of result.findings) console.log(`  ${lineOf(text, f.span.start)}: ${f.code} ${f.message}${f.fix ? `  [fix ${f.fix.safety}: ${f.fix.title}]` : ''}`);
  }
})();
