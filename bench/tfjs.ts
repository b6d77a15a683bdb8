/**
 * `npm run bench`, TensorFlow.js part: LossLens over a TypeScript/JavaScript corpus (`--tfjs=PATH`,
 * e.g. a local copy of tensorflow/tfjs-examples, or a generated one shaped like it) against
 * typescript-estree parsing the same files alone, in the same run. LossLens runs the way
 * `losslens check` does (`analyzeDocument`): what it skips without parsing counts in its favour, as
 * it does for a user.
 */
import { readFileSync } from 'node:fs';
import { parse } from '@typescript-eslint/typescript-estree';
import { analyzeDocument } from '../src/analysis/document';
import { AnalysisHost } from '../src/analysis/host';
import { SourceFile } from '../src/analysis/python/source-file';
import { collectFiles } from '../src/cli/files';
import { generated } from './corpus-generator';

const RUNS = 3;

async function best(run: () => unknown): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/** A training script in TensorFlow.js, different for each index: models, losses, activations. */
function trainingScript(index: number): string {
  const units = 2 + (index % 9);
  const activation = ['softmax', 'sigmoid', 'relu', 'linear'][index % 4];
  const lines = [
    "import * as tf from '@tensorflow/tfjs';",
    '',
    `export async function train${index}(xs: tf.Tensor, ys: tf.Tensor): Promise<number> {`,
    '  const model = tf.sequential();',
    `  model.add(tf.layers.dense({ units: ${16 + index}, activation: 'relu', inputShape: [${8 + (index % 5)}] }));`,
    '  model.add(tf.layers.dropout({ rate: 0.2 }));',
    `  model.add(tf.layers.dense({ units: ${units}, activation: '${activation}' }));`,
    `  model.compile({ optimizer: tf.train.adam(0.00${1 + (index % 9)}), loss: '${index % 2 ? 'categoricalCrossentropy' : 'binaryCrossentropy'}', metrics: ['accuracy'] });`,
    '  const history = await model.fit(xs, ys, { epochs: 10, batchSize: 32, validationSplit: 0.1 });',
    '  const logits = model.predict(xs) as tf.Tensor;',
    '  const loss = tf.tidy(() => tf.losses.softmaxCrossEntropy(ys, logits));',
    '  const probs = tf.softmax(logits);',
    '  const top = probs.argMax(-1).dataSync();',
    `  for (let epoch = 0; epoch < ${3 + (index % 4)}; epoch++) {`,
    '    const batch = tf.randomNormal([32, 8]);',
    '    const out = model.apply(batch) as tf.Tensor;',
    '    console.log(epoch, out.shape, top.length);',
    '  }',
    '  return (await loss.data())[0] + history.history.loss.length;',
    '}',
    '',
  ];
  // Utility code around it, as real files have.
  for (let i = 0; i < 40; i++)
    lines.push(`export const helper${index}_${i} = (values: number[]): number => values.reduce((a, b) => a + b * ${i}, 0) / Math.max(1, values.length);`);
  return lines.join('\n');
}

/** Code that uses TensorFlow.js without a loss: data loading and tensors, as in an example's `data.js`. */
function tensorCode(index: number): string {
  const lines = ["import * as tf from '@tensorflow/tfjs';", ''];
  for (let i = 0; i < 6; i++) {
    lines.push(
      `export function batch${index}_${i}(images: Float32Array, size: number): { xs: tf.Tensor; ys: tf.Tensor } {`,
      '  return tf.tidy(() => {',
      `    const xs = tf.tensor2d(images, [size, ${8 + i}]).div(255);`,
      `    const ys = tf.tensor1d(new Int32Array(size).map((_, k) => k % ${2 + i}), 'int32');`,
      '    return { xs: xs.reshape([size, -1]), ys };',
      '  });',
      '}',
      '',
    );
  }
  return lines.join('\n');
}

/** Code with no TensorFlow.js at all: a page's UI, a build script. */
function plainCode(index: number): string {
  const lines = ["import { Chart } from './chart';", ''];
  for (let i = 0; i < 8; i++) {
    lines.push(
      `export function render${index}_${i}(element: HTMLElement, values: number[]): void {`,
      "  const table = document.createElement('table');",
      '  for (const [row, value] of values.entries()) {',
      '    const cell = table.insertRow().insertCell();',
      `    cell.textContent = \`\${row}: \${value.toFixed(${i % 4})}\`;`,
      '  }',
      '  element.replaceChildren(table);',
      `  new Chart(element, { label: 'series ${i}', values });`,
      '}',
      '',
    );
  }
  return lines.join('\n');
}

/**
 * A repository shaped like tensorflow/tfjs-examples (of its 248 script files, 138 import
 * TensorFlow.js and 28 name a loss): one file in nine a training script, four in nine tensor code
 * without a loss, the rest no TensorFlow.js at all.
 */
function repositoryFile(index: number): string {
  const kind = index % 9;
  return kind === 0 ? trainingScript(index) : kind <= 4 ? tensorCode(index) : plainCode(index);
}

function corpus(path: string | undefined): { name: string; files: string[] } {
  if (!path) return { name: 'generated (shaped like tfjs-examples)', files: generated(repositoryFile, 50_000) };
  const { files } = collectFiles([path]);
  return {
    name: path,
    files: files.filter((file) => /\.(ts|tsx|js|mjs|cjs)$/.test(file) && !file.includes('node_modules')).map((file) => readFileSync(file, 'utf8')),
  };
}

async function compare(name: string, files: readonly string[], target: boolean): Promise<boolean> {
  const lines = files.reduce((total, text) => total + text.split('\n').length, 0);
  const host = new AnalysisHost();
  let findings = 0;
  const losslens = await best(async () => {
    findings = 0;
    for (const text of files) findings += (await analyzeDocument(new SourceFile(host), 'javascript', text)).findings.length;
  });
  const parsing = await best(() => {
    for (const text of files) {
      try {
        parse(text, { range: true });
      } catch {
        // A file that does not parse is skipped by both.
      }
    }
  });
  const ratio = losslens / parsing;
  console.log(`TensorFlow.js, corpus ${name}: ${files.length.toLocaleString('en-US')} files, ${lines.toLocaleString('en-US')} lines (best of ${RUNS})`);
  console.log(`  LossLens check          ${losslens.toFixed(0).padStart(5)} ms  (${findings} findings)`);
  console.log(
    `  typescript-estree parse ${parsing.toFixed(0).padStart(5)} ms: LossLens takes ${ratio.toFixed(2)}x parsing alone${target ? ' [target ≤ 1x]' : ''}`,
  );
  return !target || ratio <= 1;
}

export async function runTfjsBench(path: string | undefined): Promise<boolean> {
  const { name, files } = corpus(path);
  const met = await compare(name, files, true);
  // The dense case, for the record: every file a training script, each parsed in full.
  if (!path) await compare('generated (training scripts only)', generated(trainingScript, 50_000), false);
  return met;
}
