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

describe('syntax errors', () => {
  it('a Python file is read as far as it parses, and the lines tree-sitter could not read are named', async () => {
    const text = ['import torch.nn as nn', 'head = nn.Linear(4, 1)', 'broken = (1 +', 'def f(x, y):', '    return nn.BCELoss()(head(x), y)', ''].join('\n');
    const result = await analyzeDocument(new SourceFile(host), 'python', text);
    expect(result.partial).toMatch(/^skipped lines 3(–\d)? \(a syntax error\); the rest of the file was analysed$/);
  });

  it('a notebook names the cell', async () => {
    const notebook = JSON.stringify({
      cells: [
        { cell_type: 'code', source: ['import torch.nn as nn\n', 'head = nn.Linear(4, 1)'] },
        { cell_type: 'code', source: ['loss = nn.BCELoss()(head(x), y\n'] },
      ],
      metadata: { language_info: { name: 'python' } },
    });
    const result = await analyzeDocument(new SourceFile(host), 'notebook', notebook);
    expect(result.partial).toMatch(/^skipped cell 1, lines 1(–\d)? \(a syntax error\); the rest of the notebook was analysed$/);
  });

  it('says nothing when there is none', async () => {
    const result = await analyzeDocument(new SourceFile(host), 'python', 'import torch.nn as nn\nloss = nn.BCELoss()(x, y)\n');
    expect(result.partial).toBeUndefined();
  });
});
