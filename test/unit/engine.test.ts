import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeDocument } from '../../src/analysis/document';
import { SourceFile } from '../../src/analysis/python/source-file';
import { host } from './helpers/analysis';

const DIR = join(__dirname, '..', 'fixtures', 'engine');

/** The `# expect: LLxxx` (or `// expect:`) marks of a fixture, as "line: code". */
function expectations(text: string): string[] {
  return text.split('\n').flatMap((line, index) => {
    const match = /(?:#|\/\/) expect: (LL\d{3})/.exec(line);
    return match ? [`${index + 1}: ${match[1]}`] : [];
  });
}

/**
 * What the engine follows, one file per construct (test/fixtures/engine), in Python and
 * TypeScript alike: each marked line gets its finding and no other line does; a file with no
 * mark is a silent counterpart, and must stay silent.
 */
describe('the engine on the constructs real code uses', () => {
  it.each(readdirSync(DIR).sort())('%s', async (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    const source = new SourceFile(host);
    try {
      const result = await analyzeDocument(source, file.endsWith('.py') ? 'python' : 'javascript', text);
      expect(result.skipped).toBeUndefined();
      expect(result.findings.map((finding) => `${finding.start.line}: ${finding.code}`)).toEqual(expectations(text));
    } finally {
      source.dispose();
    }
  });
});
