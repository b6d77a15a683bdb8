import type { Dim } from '../../types';

export function formatShape(shape: readonly Dim[]): string {
  const dims = shape.map((dim) => (dim === undefined ? '?' : String(dim)));
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

/** Whether two dims can be the same size (unknown and symbolic dims can). */
function compatible(a: Dim, b: Dim): boolean {
  return a === undefined || b === undefined || typeof a === 'string' || typeof b === 'string' || a === b;
}

/** Whether `input` is `target` with a trailing 1 added: (N, 1) against (N,). */
export function trailingOneAgainst(input: readonly Dim[], target: readonly Dim[]): boolean {
  return input.length === target.length + 1 && input[input.length - 1] === 1 && target.every((dim, i) => compatible(dim, input[i]));
}
