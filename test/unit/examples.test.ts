import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/analysis/lines';
import { analyzeFresh } from './helpers/analysis';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** The `# expect: LLxxx` marks of an example, as "line: code". */
function expectations(text: string): string[] {
  return text.split('\n').flatMap((line, index) => {
    const match = /# expect: (LL\d{3})/.exec(line);
    return match ? [`${index + 1}: ${match[1]}`] : [];
  });
}

async function found(text: string): Promise<string[]> {
  const lines = new LineIndex(text);
  return (await analyzeFresh(text)).findings.map((finding) => `${lines.position(finding.span.start).line}: ${finding.code}`);
}

/**
 * The examples of each framework LossLens reads (the PyTorch ones are also checked end to end in
 * the editor): every marked line gets its finding and nothing else is reported; the corrected
 * counterpart gets none.
 */
describe('examples', () => {
  it.each(['pytorch/classifier_bugs.py', 'keras/train_bugs.py', 'jax/optax_bugs.py'])('%s: exactly the `expect:` lines', async (file) => {
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    expect(expectations(text).length).toBeGreaterThan(0);
    expect(await found(text)).toEqual(expectations(text));
  });

  it.each(['pytorch/classifier_fixed.py', 'jax/optax_fixed.py', 'keras/train_fixed.py'])('%s: no findings', async (file) => {
    expect(await found(readFileSync(join(EXAMPLES, file), 'utf8'))).toEqual([]);
  });
});
