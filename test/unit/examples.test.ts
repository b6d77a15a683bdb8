import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../src/analysis/lines';
import { analyzeDocument } from '../../src/analysis/document';
import { SourceFile } from '../../src/analysis/python/source-file';
import { analyzeFresh, host } from './helpers/analysis';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** The `# expect: LLxxx` marks of an example, as "line: code". */
function expectations(text: string): string[] {
  return text.split('\n').flatMap((line, index) => {
    const match = /(?:#|\/\/) expect: (LL\d{3})/.exec(line);
    return match ? [`${index + 1}: ${match[1]}`] : [];
  });
}

async function found(text: string, file = 'x.py'): Promise<string[]> {
  if (/\.[jt]s$/.test(file)) {
    const result = await analyzeDocument(new SourceFile(host), 'javascript', text);
    expect(result.skipped).toBeUndefined();
    return result.findings.map((finding) => `${finding.start.line}: ${finding.code}`);
  }
  const lines = new LineIndex(text);
  return (await analyzeFresh(text)).findings.map((finding) => `${lines.position(finding.span.start).line}: ${finding.code}`);
}

/**
 * The examples of each framework LossLens reads (the PyTorch ones are also checked end to end in
 * the editor): every marked line gets its finding and nothing else is reported; the corrected
 * counterpart gets none.
 */
describe('examples', () => {
  it.each([
    'pytorch/classifier_bugs.py',
    'pytorch/train_through_calls.py',
    'keras/train_bugs.py',
    'jax/optax_bugs.py',
    'tfjs/train-bugs.ts',
    'tfjs/script-tag.js',
  ])('%s: exactly the `expect:` lines', async (file) => {
    const text = readFileSync(join(EXAMPLES, file), 'utf8');
    expect(expectations(text).length).toBeGreaterThan(0);
    expect(await found(text, file)).toEqual(expectations(text));
  });

  it.each([
    'pytorch/classifier_fixed.py',
    'jax/optax_fixed.py',
    'keras/train_fixed.py',
    'keras/reference_values.py',
    'keras/tensorflow_reference_values.py',
    'jax/reference_values.py',
    'tfjs/train-fixed.ts',
    'tfjs/reference_values.ts',
  ])('%s: no findings', async (file) => {
    expect(await found(readFileSync(join(EXAMPLES, file), 'utf8'), file)).toEqual([]);
  });
});

describe('TypeScript and JavaScript files', () => {
  const analyze = (text: string) => analyzeDocument(new SourceFile(host), 'javascript', text);

  it('a file that imports no TensorFlow.js is analysed and has no findings (the parser is not even loaded for it)', async () => {
    expect(await analyze('export const softmax = (x: number[]) => x;\n')).toEqual({ findings: [] });
  });

  it('a syntax error is a reason to skip, with its line, never a crash', async () => {
    const result = await analyze(
      "import * as tf from '@tensorflow/tfjs';\nconst model = tf.sequential(\nexport const = ;\nmodel.compile({ loss: 'binaryCrossentropy' });\n",
    );
    expect(result.findings).toEqual([]);
    expect(result.skipped).toMatch(/^skipped: a syntax error at line \d+; LossLens reads the file again once it parses$/);
  });

  it('`// losslens: ignore[LL003]` and `// losslens: ignore-file` silence TensorFlow.js findings', async () => {
    const base = [
      "import * as tf from '@tensorflow/tfjs';",
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: "softmax", inputShape: [4] })] });',
    ];
    const bug = "model.compile({ optimizer: 'adam', loss: tf.losses.softmaxCrossEntropy });";
    expect((await analyze([...base, bug].join('\n'))).findings.map((finding) => finding.code)).toEqual(['LL003']);
    expect((await analyze([...base, `${bug} // losslens: ignore[LL003]`].join('\n'))).findings).toEqual([]);
    expect((await analyze(['// losslens: ignore-file', ...base, bug].join('\n'))).findings).toEqual([]);
  });
});
