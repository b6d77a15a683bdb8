import type { TextChange } from './parser';

/**
 * Where the offsets of one version of a file are in a later version: a shift for each run of
 * text, the runs cut where edits fell. It is meant for offsets in text no edit since touched
 * (statements that survived every edit, which the caller checks): what it gives for an offset
 * inside replaced text is the shift of a run beside it, not an error.
 *
 * Checks carried over an edit keep the offsets of the version they were made in, and one map per
 * such version says where those offsets are now: an edit moves a few maps, not every finding.
 */
export class OffsetMap {
  static readonly identity = new OffsetMap([0], [0]);

  private constructor(
    /** Where each run starts, ascending, the first at 0. */
    private readonly starts: readonly number[],
    /** What is added to the offsets of each run. */
    private readonly shifts: readonly number[],
  ) {}

  /** How many runs: an edit cuts the runs its end falls in (one, or more beside text replaced before). */
  get runs(): number {
    return this.starts.length;
  }

  apply(offset: number): number {
    const starts = this.starts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return offset + this.shifts[low]!;
  }

  /** This map, then `change` (given in the offsets this map leads to). */
  then(change: TextChange): OffsetMap {
    const delta = change.newEnd - change.oldEnd;
    if (delta === 0) return this;
    const starts: number[] = [];
    const shifts: number[] = [];
    const push = (start: number, shift: number) => {
      if (shifts.length > 0 && shifts[shifts.length - 1] === shift) return;
      starts.push(start);
      shifts.push(shift);
    };
    for (let index = 0; index < this.starts.length; index++) {
      const start = this.starts[index]!;
      const end = index + 1 < this.starts.length ? this.starts[index + 1]! : Infinity;
      const shift = this.shifts[index]!;
      // The run is [start + shift, end + shift) in the later offsets: the part from the end of the
      // replaced text on moves by the change's length (the replaced text itself has no place).
      const cut = change.oldEnd - shift;
      if (start < Math.min(end, cut)) push(start, shift);
      if (Math.max(start, cut) < end) push(Math.max(start, cut), shift + delta);
    }
    return new OffsetMap(starts, shifts);
  }
}
