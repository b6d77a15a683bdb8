import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OffsetMap } from '../../src/analysis/python/offset-map';

/**
 * An offset map composed edit by edit against the offsets followed one at a time: every offset of
 * the first version that no edit replaced is where the edits put it.
 */
describe('OffsetMap', () => {
  it('puts every offset no edit replaced where the edits moved it (fast-check)', () => {
    const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 8 }), insert: fc.nat({ max: 8 }) });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.array(edit, { maxLength: 40 }), (length, edits) => {
        // Where each offset of the first version is now; -1 once an edit replaced it.
        let now = Array.from({ length }, (_unused, offset) => offset);
        let size = length;
        let map = OffsetMap.identity;
        for (const { at, cut, insert } of edits) {
          const start = at % (size + 1);
          const oldEnd = Math.min(size, start + cut);
          const delta = insert - (oldEnd - start);
          map = map.then({ start, oldEnd, newEnd: oldEnd + delta });
          now = now.map((offset) => (offset < 0 || offset < start ? offset : offset < oldEnd ? -1 : offset + delta));
          size += delta;
        }
        now.forEach((offset, original) => {
          if (offset >= 0) expect(map.apply(original)).toBe(offset);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('leaves offsets before an edit where they are, and keeps its runs for an edit of the same length', () => {
    const map = OffsetMap.identity.then({ start: 10, oldEnd: 10, newEnd: 13 });
    expect([map.apply(0), map.apply(9), map.apply(10), map.apply(50)]).toEqual([0, 9, 13, 53]);
    expect(map.then({ start: 2, oldEnd: 4, newEnd: 4 })).toBe(map);
  });
});
