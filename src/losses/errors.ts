/** Why a loss could not be computed; `code` is stable (the JSONL protocol carries it), the message is for people. */
export type LossErrorCode =
  'unknown-loss' | 'invalid-argument' | 'missing-argument' | 'shape-mismatch' | 'dtype-mismatch' | 'out-of-range' | 'too-large' | 'cancelled' | 'parse-error';

export class LossError extends Error {
  override readonly name = 'LossError';
  constructor(
    readonly code: LossErrorCode,
    message: string,
    /** About how the loss was called (an argument it does not take), not about the values given. */
    readonly aboutTheCall = false,
  ) {
    super(message);
  }
}
