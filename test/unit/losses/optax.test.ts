import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/losses/evaluate';
import { Tensor } from '../../../src/tensor/tensor';

/** optax's losses refuse what jax refuses, with its words; their values are checked in golden.test.ts. */
const floats = (values: number[], shape = [values.length]) => new Tensor(Float64Array.from(values), shape);
const ints = (values: number[], shape = [values.length]) => new Tensor(Float64Array.from(values), shape, 'int');

describe("optax's losses refuse", () => {
  it('arrays that do not broadcast, as jnp says it', () => {
    expect(() => evaluate({ loss: 'optax.l2_loss', args: { predictions: floats([1, 2, 3]), targets: floats([1, 2]) } })).toThrow(
      'optax.l2_loss: Incompatible shapes for broadcasting: shapes=[(3,), (2,)]',
    );
  });

  it('integer logits, as chex.assert_type does', () => {
    expect(() => evaluate({ loss: 'optax.sigmoid_binary_cross_entropy', args: { logits: ints([1, 2]), labels: floats([1, 0]) } })).toThrow(
      'logits must be a floating-point array, got int32',
    );
  });

  it('integer labels outside the classes, and labels that are not the logits without their last axis', () => {
    const logits = floats([1, 2, 3, 4, 5, 6], [2, 3]);
    const loss = 'optax.softmax_cross_entropy_with_integer_labels';
    expect(() => evaluate({ loss, args: { logits, labels: ints([0, 3]) } })).toThrow('label 3 is not a class in [0, 3)');
    expect(() => evaluate({ loss, args: { logits, labels: ints([0, 1], [2, 1]) } })).toThrow(
      'labels of shape (2, 1) must have the shape of logits (2, 3) without its last axis',
    );
    expect(() => evaluate({ loss, args: { logits, labels: floats([0.5, 1], [2]) } })).toThrow('must be an integer array');
  });

  it('and give one value per example of the cross entropies, over the last axis', () => {
    const value = evaluate({ loss: 'optax.softmax_cross_entropy', args: { logits: floats([0, 0, 0, 0], [2, 2]), labels: floats([1, 0, 0, 1], [2, 2]) } }).value;
    expect(value.shape).toEqual([2]);
    expect(Array.from(value.data)).toEqual([Math.LN2, Math.LN2]);
  });
});
