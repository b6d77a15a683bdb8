// `npm run demo`: the terminal tour of LossLens. Builds the CLI, checks examples/, then computes the
// losses of the examples' worked numbers exactly as PyTorch (and Keras) would.
import { execFileSync } from 'node:child_process';

execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
const cli = (...args) => execFileSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' }).trimEnd();

console.log('$ losslens check examples');
console.log(cli('check', '--exit-zero', 'examples'));

const evals = [
  ['BCELoss on probabilities', ['--loss', 'binary_cross_entropy', '--input', '[[0.6, 0.1], [0.3, 0.8]]', '--target', '[[0, 1], [1, 0]]']],
  [
    'BCEWithLogitsLoss on the same numbers as logits',
    ['--loss', 'binary_cross_entropy_with_logits', '--input', '[[0.6, 0.1], [0.3, 0.8]]', '--target', '[[0, 1], [1, 0]]'],
  ],
  [
    'CrossEntropyLoss over a 2x2 segmentation map',
    ['--loss', 'cross_entropy', '--input', '[[[1, 2], [3, 5]], [[4, 7], [4, 6]]]', '--target', '[[0, 0], [1, 1]]'],
  ],
  [
    '... with class weights [1, 9]',
    ['--loss', 'cross_entropy', '--input', '[[[1, 2], [3, 5]], [[4, 7], [4, 6]]]', '--target', '[[0, 0], [1, 1]]', '--weight', '[1.0, 9.0]'],
  ],
  [
    'softmax applied twice: what CrossEntropyLoss computes on probabilities',
    ['--loss', 'cross_entropy', '--input', '[[0.88, 0.12, 0.0]]', '--target', '[0]', '--steps'],
  ],
  ['A confident mistake in PyTorch (log clamped at -100)', ['--loss', 'binary_cross_entropy', '--input', '[0.0]', '--target', '[1.0]']],
  ['The same in Keras (probabilities clipped at 1e-7)', ['--loss', 'binary_crossentropy', '--input', '[0.0]', '--target', '[1.0]']],
];
for (const [title, args] of evals) {
  console.log(`\n# ${title}\n$ losslens eval ${args.map((arg) => (/[\s[\]]/.test(arg) ? `'${arg}'` : arg)).join(' ')}`);
  console.log(cli('eval', ...args));
}
