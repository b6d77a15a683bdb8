import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/losses/evaluate';
import { formatTensor } from '../../../src/tensor/format';
import { parseTensor } from '../../../src/tensor/parse';

const t = (text: string) => parseTensor(text);
const printed = (loss: string, args: Record<string, string>, kwargs: Record<string, unknown> = {}) =>
  formatTensor(evaluate({ loss, args: Object.fromEntries(Object.entries(args).map(([k, v]) => [k, t(v)])), kwargs }).value);

/** The worked numbers of the article on loss functions LossLens grew from, as PyTorch prints them (the tests keep their own copy). */
describe('the reference article, as PyTorch prints it', () => {
  const probabilities = '[[0.6, 0.1], [0.3, 0.8]]';
  const labels = '[[0, 1], [1, 0]]';

  it('BCELoss on probabilities: 1.5081', () => {
    expect(printed('binary_cross_entropy', { input: probabilities, target: labels })).toBe('tensor(1.5081)');
  });

  it('BCELoss after sigmoid and BCEWithLogitsLoss on the same scores agree: 0.8518', () => {
    const sigmoid = `[${[
      [0.6, 0.1],
      [0.3, 0.8],
    ]
      .map((row) => `[${row.map((x) => 1 / (1 + Math.exp(-x))).join(', ')}]`)
      .join(', ')}]`;
    expect(printed('binary_cross_entropy', { input: sigmoid, target: labels })).toBe('tensor(0.8518)');
    expect(printed('binary_cross_entropy_with_logits', { input: probabilities, target: labels })).toBe('tensor(0.8518)');
  });

  it('NLLLoss picks and negates: -6.', () => {
    expect(printed('nll_loss', { input: '[[2, 3, 1], [3, 7, 9]]', target: '[1, 2]' })).toBe('tensor(-6.)');
  });

  it('NLLLoss over a spatial dim: -4.', () => {
    expect(printed('nll_loss', { input: '[[[2, 3], [1, 5]], [[3, 7], [1, 9]]]', target: '[[1, 1], [0, 0]]' })).toBe('tensor(-4.)');
  });

  it('CrossEntropyLoss = log_softmax + NLLLoss over a spatial dim: 1.7955, and 1.1617 with class weights [1, 9]', () => {
    const args = { input: '[[[1, 2], [3, 5]], [[4, 7], [4, 6]]]', target: '[[0, 0], [1, 1]]' };
    expect(printed('cross_entropy', args)).toBe('tensor(1.7955)');
    expect(printed('cross_entropy', args, { weight: t('[1.0, 9.0]') })).toBe('tensor(1.1617)');
  });

  it('multi-label BCE summed over classes: ≈0.41 for a good prediction, ≈3.1 for a bad one', () => {
    const good = evaluate({ loss: 'binary_cross_entropy', args: { input: t('[0.95, 0.73, 0.05]'), target: t('[1, 1, 0]') }, kwargs: { reduction: 'sum' } });
    const bad = evaluate({ loss: 'binary_cross_entropy', args: { input: t('[0.3, 0.5, 0.7]'), target: t('[1, 1, 0]') }, kwargs: { reduction: 'sum' } });
    // The article rounds down: −(ln 0.95 + ln 0.73 + ln 0.95) = 0.4173.
    expect(Math.abs(good.value.item() - 0.41)).toBeLessThan(0.01);
    expect(Math.abs(bad.value.item() - 3.1)).toBeLessThan(0.01);
  });

  it('softmax([3, 1, -3]) is [0.88, 0.12, 0.00], shown as a step of cross_entropy', () => {
    const result = evaluate({ loss: 'cross_entropy', args: { input: t('[3., 1., -3.]'), target: t('0') } }, { recordSteps: true });
    const softmax = result.steps.find((step) => step.id === 'softmax')!;
    expect(Array.from(softmax.tensor.data).map((p) => Number(p.toFixed(2)))).toEqual([0.88, 0.12, 0]);
  });
});

/** The examples of Keras' own documentation, with the values it prints. */
describe('Keras documentation examples', () => {
  const keras = (loss: string, yTrue: string, yPred: string, kwargs: Record<string, unknown> = {}) =>
    evaluate({ loss, args: { y_true: t(yTrue), y_pred: t(yPred) }, kwargs }).value;

  it('BinaryCrossentropy(from_logits=True): 0.865', () => {
    expect(keras('binary_crossentropy', '[0, 1, 0, 0]', '[-18.6, 0.51, 2.94, -12.8]', { from_logits: true }).item()).toBeCloseTo(0.865, 3);
  });

  it('BinaryCrossentropy on probabilities: 0.815', () => {
    expect(keras('binary_crossentropy', '[[0, 1], [0, 0]]', '[[0.6, 0.4], [0.4, 0.6]]').item()).toBeCloseTo(0.815, 3);
  });

  it('CategoricalCrossentropy and SparseCategoricalCrossentropy: 1.177', () => {
    const yPred = '[[0.05, 0.95, 0], [0.1, 0.8, 0.1]]';
    expect(keras('categorical_crossentropy', '[[0, 1, 0], [0, 0, 1]]', yPred).item()).toBeCloseTo(1.177, 3);
    expect(keras('sparse_categorical_crossentropy', '[1, 2]', yPred).item()).toBeCloseTo(1.177, 3);
  });

  it('keras.backend categorical_crossentropy per sample: [0.10536 0.11653 0.06188]', () => {
    const value = keras('categorical_crossentropy', '[[1, 0, 0], [0, 1, 0], [0, 0, 1]]', '[[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]]', {
      reduction: 'none',
    });
    expect(Array.from(value.data).map((v) => Number(v.toFixed(5)))).toEqual([0.10536, 0.11653, 0.06188]);
  });

  it('Keras and PyTorch disagree on a confident mistake: Keras clips at 1e-7, PyTorch clamps the log at -100', () => {
    const kerasValue = keras('binary_crossentropy', '[1]', '[0.0]').item();
    const torchValue = evaluate({ loss: 'binary_cross_entropy', args: { input: t('[0.0]'), target: t('[1]') } }).value.item();
    expect(kerasValue).toBeCloseTo(-Math.log(1e-7), 6);
    expect(torchValue).toBe(100);
  });
});
