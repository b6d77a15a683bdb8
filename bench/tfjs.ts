/**
 * `npm run bench`, TensorFlow.js part: LossLens over a TypeScript corpus (`--tfjs=PATH`, e.g. a local
 * copy of tensorflow/tfjs-examples, or a generated one) against typescript-estree parsing the same
 * files alone, in the same run.
 */
import { readFileSync } from 'node:fs';
import { parse } from '@typescript-eslint/typescript-estree';
import { analyzeTfjs } from '../src/analysis/tfjs/analyze';
import { collectFiles } from '../src/cli/files';

const RUNS = 3;

function best(run: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

/** A training script in TensorFlow.js, different for each index: models, losses, activations. */
function generatedFile(index: number): string {
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

function corpus(path: string | undefined): { name: string; files: string[] } {
  if (path) {
    const { files } = collectFiles([path]);
    return {
      name: path,
      files: files.filter((file) => /\.(ts|tsx|js|mjs|cjs)$/.test(file) && !file.includes('node_modules')).map((file) => readFileSync(file, 'utf8')),
    };
  }
  const files: string[] = [];
  let lines = 0;
  for (let index = 0; lines < 50_000; index++) {
    const text = generatedFile(index);
    files.push(text);
    lines += text.split('\n').length;
  }
  return { name: 'generated (TensorFlow.js training scripts)', files };
}

export function runTfjsBench(path: string | undefined): boolean {
  const { name, files } = corpus(path);
  const lines = files.reduce((total, text) => total + text.split('\n').length, 0);
  let findings = 0;
  const losslens = best(() => {
    findings = 0;
    for (const text of files) findings += analyzeTfjs(text).findings.length;
  });
  const parsing = best(() => {
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
  console.log(`  typescript-estree parse ${parsing.toFixed(0).padStart(5)} ms: LossLens takes ${ratio.toFixed(2)}x parsing alone [target ≤ 1x]`);
  return ratio <= 1;
}
