import * as l10n from '@vscode/l10n';
import { broadcastMessage, broadcastShapes, expandTo } from '../tensor/broadcast';
import { sameShape, torchSize, type Shape, type Tensor } from '../tensor/tensor';
import { LossError } from './errors';

const DTYPE_NAMES = { float: 'float', int: 'int64', bool: 'bool' } as const;

/**
 * The values of a tensor that must be floating point (inputs, probability targets). Weak integers
 * (`[1, 0]` typed without decimals) are read as floats; an integer or bool dtype that was written
 * out is refused, as PyTorch refuses it.
 */
export function floats(tensor: Tensor, argument: string, loss: string): Float64Array {
  if (tensor.dtype !== 'float' && !tensor.weak) {
    throw new LossError(
      'dtype-mismatch',
      l10n.t('{0}: {1} must be a floating-point tensor, got {2}. Convert it with .float().', loss, argument, DTYPE_NAMES[tensor.dtype]),
    );
  }
  return tensor.data;
}

/**
 * Class indices: integer tensors, or weak ones whose values are whole numbers. A float dtype that
 * was written out (`[1., 2.]`, `.float()`) is refused the way `nll_loss` refuses it.
 */
export function classIndices(tensor: Tensor, argument: string, loss: string): Float64Array {
  if (tensor.dtype === 'int') return tensor.data;
  if (tensor.weak) {
    for (const value of tensor.data) {
      if (!Number.isInteger(value)) {
        throw new LossError('dtype-mismatch', l10n.t('{0}: {1} holds class indices, so its values must be integers; got {2}.', loss, argument, String(value)));
      }
    }
    return tensor.data;
  }
  throw new LossError(
    'dtype-mismatch',
    l10n.t(
      '{0}: expected scalar type Long but found {1} for {2}. Class indices must be integers: convert them with .long(), or pass class probabilities with the same shape as the input.',
      loss,
      tensor.dtype === 'bool' ? 'Bool' : 'Float',
      argument,
    ),
  );
}

/** The broadcast shape of two tensors, or PyTorch's error. */
export function broadcastOrThrow(a: Shape, b: Shape): number[] {
  const result = broadcastShapes(a, b);
  if ('mismatch' in result) throw new LossError('shape-mismatch', broadcastMessage(result.mismatch));
  return result.shape;
}

/**
 * `torch.broadcast_tensors(input, target)` for the regression losses: `(N, 1)` against `(N,)`
 * silently becomes `(N, N)` (the shape contract, `regressionShapes`, has warned). The dtypes are
 * the loss's dtype contract's business, checked before: integers and bools are promoted as values.
 */
export function broadcastPair(input: Tensor, target: Tensor): { shape: number[]; input: Float64Array; target: Float64Array } {
  const x = input.data;
  const y = target.data;
  if (sameShape(input.shape, target.shape)) return { shape: [...input.shape], input: x, target: y };
  const shape = broadcastOrThrow(input.shape, target.shape);
  return { shape, input: expandTo(x, input.shape, shape), target: expandTo(y, target.shape, shape) };
}

/** Values of `tensor` expanded to `shape`, or the broadcast error. */
export function expandOrThrow(tensor: Tensor, shape: Shape, argument: string, loss: string): Float64Array {
  const result = broadcastShapes(tensor.shape, shape);
  if ('mismatch' in result || !sameShape(result.shape, shape)) {
    throw new LossError(
      'shape-mismatch',
      l10n.t('{0}: {1} of shape {2} cannot be broadcast to {3}.', loss, argument, torchSize(tensor.shape), torchSize(shape)),
    );
  }
  return expandTo(tensor.data, tensor.shape, shape);
}

/** Two tensors broadcast against each other without a warning, as PyTorch's elementwise ops do (their dtypes checked before). */
export function broadcastFloats(a: Tensor, b: Tensor): { shape: number[]; a: Float64Array; b: Float64Array } {
  const x = a.data;
  const y = b.data;
  if (sameShape(a.shape, b.shape)) return { shape: [...a.shape], a: x, b: y };
  const shape = broadcastOrThrow(a.shape, b.shape);
  return { shape, a: expandTo(x, a.shape, shape), b: expandTo(y, b.shape, shape) };
}
