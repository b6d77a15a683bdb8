import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { analyzeFresh } from './helpers/analysis';
it('scratch', async () => {
  const text = readFileSync(process.env.SCRATCH!, 'utf8');
  for (const parseEverything of [false, true]) {
    const result = await analyzeFresh(text, { onInternalError: (rule, error) => console.log(rule, error), sites: true, parseEverything });
    console.log(parseEverything, JSON.stringify(result.findings.map((f) => [f.code, f.span.start, f.messageId])), JSON.stringify(result.sites?.map((s) => [s.api, s.kind, s.input?.space])));
  }
});
