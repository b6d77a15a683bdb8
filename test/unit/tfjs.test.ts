import { describe, expect, it } from 'vitest';
import { analyzeDocument } from '../../src/analysis/document';
import { SourceFile } from '../../src/analysis/python/source-file';
import { analyzeScript } from '../../src/analysis/script/analyze';
import { host } from './helpers/analysis';

/** A browser script: TensorFlow.js comes from a `<script>` tag as the global `tf`. */
const script = (prefix: string): string =>
  [
    prefix,
    'const model = tf.sequential();',
    "model.add(tf.layers.dense({ units: 3, inputShape: [4], activation: 'softmax' }));",
    "model.compile({ optimizer: 'adam', loss: tf.losses.softmaxCrossEntropy });",
  ].join('\n');

const codes = (text: string): string[] => analyzeScript(text).findings.map((finding) => finding.code);

describe('TensorFlow.js: the global tf of a script tag', () => {
  it('reads a script that uses tf without importing it', () => {
    expect(codes(script('// <script src="https://cdn.jsdelivr.net/npm/@tensorflow/tfjs"></script> loads tf.'))).toEqual(['LL003']);
  });

  it.each([
    ['a parameter', 'function train(tf) {', '}'],
    ['an arrow parameter', 'const train = (tf) => {', '};'],
    ['a local variable', "const tf = require('./not-tfjs');", ''],
    ['a default parameter', 'function train(tf = makeFake()) {', '}'],
    ['a destructured parameter', 'function train({ tf }) {', '}'],
    ['an import of another library', "import * as tf from 'not-tfjs';", ''],
  ])('does not take tf for TensorFlow.js when it is %s', (_, before, after) => {
    expect(codes(`${script(before)}\n${after}`)).toEqual([]);
  });

  it('takes the imported name, not a global, when the file imports TensorFlow.js', () => {
    expect(codes(script("import * as tfjs from '@tensorflow/tfjs';"))).toEqual([]);
    expect(codes(script("import * as tfjs from '@tensorflow/tfjs';").replaceAll('tf.', 'tfjs.'))).toEqual(['LL003']);
  });
});

describe('TensorFlow.js: files with no loss', () => {
  it('are not parsed: a syntax error in a file that names no loss is not a reason to skip it', () => {
    expect(analyzeScript("import * as tf from '@tensorflow/tfjs';\nconst x = tf.tensor([1, 2]) +;")).toEqual({ findings: [] });
  });

  it('a statement with a syntax error is left out and said so; the rest of the file is analysed', async () => {
    const text = [
      "import * as tf from '@tensorflow/tfjs';",
      'const x = tf.losses.logLoss(a, b) +;',
      'const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });',
      "model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });",
    ].join('\n');
    const result = await analyzeDocument(new SourceFile(host), 'javascript', text);
    expect(result.partial).toBe('skipped lines 2 (a syntax error); the rest of the file was analysed');
    expect(result.findings.map((finding) => finding.code)).toEqual(['LL001']);
  });

  it('a broken statement spanning lines is named by its first and last line', async () => {
    const text = ["import * as tf from '@tensorflow/tfjs';", 'function broken(', '  a, b {', '  return tf.losses.logLoss(a, b);', '}'].join('\n');
    const result = await analyzeDocument(new SourceFile(host), 'javascript', text);
    expect(result.skipped).toBeUndefined();
    expect(result.partial).toMatch(/^skipped lines 2–5 /);
  });

  it('losses reached through a named import are still found', () => {
    const text = [
      "import { losses, layers, sequential } from '@tensorflow/tfjs';",
      "const model = sequential({ layers: [layers.dense({ units: 1, inputShape: [4], activation: 'sigmoid' })] });",
      'const x = losses.sigmoidCrossEntropy(y, model.predict(xs));',
    ].join('\n');
    expect(codes(text)).toEqual(['LL002']);
  });
});

describe('TensorFlow.js: hostile input', () => {
  it('expressions nested thousands deep are skipped with a reason, never a crash', () => {
    const text = `import * as tf from '@tensorflow/tfjs';\nexport const l = tf.losses.logLoss(a, ${'tf.sigmoid('.repeat(3000)}x${')'.repeat(3000)});\n`;
    expect(analyzeScript(text)).toEqual({ findings: [], skipped: 'skipped: expressions nested too deeply to read' });
  });
});

describe('TensorFlow.js: models and helpers imported from other files of the workspace', () => {
  it('follows relative imports at any depth (re-exports too), and says which files the findings depend on', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const folder = mkdtempSync(join(tmpdir(), 'losslens-tfjs-'));
    writeFileSync(
      join(folder, 'model.ts'),
      [
        "import * as tf from '@tensorflow/tfjs';",
        'export function createModel(): tf.Sequential {',
        '  const model = tf.sequential();',
        '  model.add(tf.layers.dense({ units: 10, inputShape: [784] }));',
        '  return model;',
        '}',
        '',
      ].join('\n'),
    );
    writeFileSync(join(folder, 'models.ts'), "export { createModel } from './model';\n");
    const index = [
      "import { createModel } from './models';",
      '',
      'const model = createModel();',
      "model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });",
      '',
    ].join('\n');
    writeFileSync(join(folder, 'index.ts'), index);
    const result = await analyzeDocument(new SourceFile(host, join(folder, 'index.ts')), 'javascript', index);
    expect(result.findings.map((finding) => `${finding.start.line}: ${finding.code}`)).toEqual(['4: LL005']);
    expect(result.findings[0]!.evidence[0]!.file).toEqual({ path: join(folder, 'model.ts'), line: 4 });
    expect(result.dependencies).toEqual([join(folder, 'model.ts'), join(folder, 'models.ts')]);
  });
});
