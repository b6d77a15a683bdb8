/** 1-based positions, in UTF-16 code units for columns (as editors count them). */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Offset → 1-based line and column, the line starts found once (every lookup is a binary
 * search: positions of many findings cost the text once, not once each). Lines end at `\n`;
 * the text analysed has no lone `\r` (see `normalizeNewlines`).
 */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  position(offset: number): Position {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }

  line(offset: number): number {
    return this.position(offset).line;
  }
}

/** The index of the last of sorted `starts` at or before `offset` (-1 when none is): a binary search. */
export function lastAtOrBefore(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (starts[middle]! <= offset) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}
