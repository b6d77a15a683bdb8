// `npm run docs:rules`: writes docs/rules/<code>.md and docs/rules/README.md from the rules' metadata.
// test/unit/rules/meta.test.ts fails when the committed pages and the rules disagree.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { watPlugin } from './wat.mjs';

const out = join(mkdtempSync(join(tmpdir(), 'losslens-docs-')), 'docs.cjs');
await esbuild.build({
  stdin: {
    contents: "export { RULES } from './src/analysis/rules'; export { ruleDocPage, ruleIndexPage } from './src/analysis/rules/docs';",
    resolveDir: process.cwd(),
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: out,
  logLevel: 'warning',
  plugins: [watPlugin],
});
const { RULES, ruleDocPage, ruleIndexPage } = createRequire(import.meta.url)(out);
mkdirSync('docs/rules', { recursive: true });
for (const rule of RULES) writeFileSync(join('docs/rules', `${rule.meta.code}.md`), ruleDocPage(rule));
writeFileSync('docs/rules/README.md', ruleIndexPage(RULES));
console.log(`wrote ${RULES.length} rule pages to docs/rules`);
