import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { EditLog } from '../../src/server/edits';

/** A change as LSP sends it, by offsets into the text it applies to (turned into a range there). */
const change = fc.record({ from: fc.nat(), length: fc.nat({ max: 6 }), text: fc.string({ unit: fc.constantFrom('a', 'b', '\n', ' ', 'é'), maxLength: 8 }) });

function apply(log: EditLog, document: TextDocument, changes: ReadonlyArray<{ from: number; length: number; text: string }>, version: number): TextDocument {
  // Each change is read in the text the ones before it made, as LSP orders them.
  let probe = TextDocument.create(document.uri, 'python', version, document.getText());
  const events = changes.map(({ from, length, text }) => {
    const start = Math.min(from, probe.getText().length);
    const end = Math.min(start + length, probe.getText().length);
    const range = { start: probe.positionAt(start), end: probe.positionAt(end) };
    probe = TextDocument.update(probe, [{ range, text }], version);
    return { range, text };
  });
  return log.update(document, events, version);
}

describe('EditLog: offsets of an analysed version in the document now', () => {
  it('maps a span untouched by the edits to the same text, and an offset back to the same character (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('x', 'y', '\n', '(', ')'), minLength: 1, maxLength: 60 }),
        fc.array(fc.array(change, { minLength: 1, maxLength: 3 }), { maxLength: 5 }),
        fc.nat(),
        fc.nat({ max: 10 }),
        (original, versions, at, width) => {
          const log = new EditLog();
          let document = TextDocument.create('file:///a.py', 'python', 1, original);
          versions.forEach((changes, index) => {
            document = apply(log, document, changes, index + 2);
          });
          const now = document.getText();
          const mapping = log.mapping(document.uri, 1)!;
          const start = at % (original.length + 1);
          const span = { start, end: Math.min(original.length, start + width) };
          const moved = mapping.toNew(span);
          if (versions.length === 0) expect(moved).toEqual(span);
          if (moved) expect(now.slice(moved.start, moved.end)).toBe(original.slice(span.start, span.end));
          for (let offset = 0; offset < now.length; offset++) {
            const old = mapping.toOld(offset);
            if (old !== undefined) expect(original[old]).toBe(now[offset]);
          }
        },
      ),
    );
  });

  it('knows nothing of a version before a change of the whole text, or of edits already analysed away', () => {
    const log = new EditLog();
    let document = TextDocument.create('file:///a.py', 'python', 1, 'loss = criterion(x, y)\n');
    document = log.update(document, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# typed\n' }], 2);
    expect(log.mapping(document.uri, 1)!.toNew({ start: 7, end: 16 })).toEqual({ start: 15, end: 24 });
    expect(log.mapping(document.uri, 1)!.toOld(3)).toBeUndefined();
    document = log.update(document, [{ text: 'x = 1\n' }], 3);
    expect(log.mapping(document.uri, 2)).toBeUndefined();
    expect(log.mapping(document.uri, 3)!.toNew({ start: 0, end: 1 })).toEqual({ start: 0, end: 1 });
    document = log.update(document, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: 'yy' }], 4);
    log.analysed(document.uri, 4);
    expect(log.mapping(document.uri, 4)!.toNew({ start: 0, end: 2 })).toEqual({ start: 0, end: 2 });
    expect(document.getText()).toBe('yy = 1\n');
  });
});
