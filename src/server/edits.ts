import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Span } from '../analysis/types';

/** One change of a document: `[start, end)` of the text before it was replaced by `length` characters. */
interface Edit {
  /** The version the change made. */
  readonly version: number;
  readonly start: number;
  readonly end: number;
  readonly length: number;
}

/**
 * Where an analysed version's offsets are in the document as it is now. An offset inside text an
 * edit replaced has no place: the analysis did not see that text.
 */
export interface OffsetMapping {
  /** An offset of the document now, in the analysed version; `undefined` inside edited text. */
  toOld(offset: number): number | undefined;
  /** A span of the analysed version, in the document now; `undefined` when an edit touched its inside. */
  toNew(span: Span): Span | undefined;
}

/** Edits kept per document while no analysis catches up: past this, the oldest analysis is not mapped. */
const MAX_EDITS = 10_000;

/**
 * The edits of each open document since its last analysis, so an answer that cannot wait for the
 * next analysis of a large document (a hover, inline values, typing at 150 ms a key in a file that
 * takes a second to analyse) is given from the last one, at the places its text moved to. The
 * server's `TextDocuments` records every change here as it applies it (`update`).
 */
export class EditLog {
  private readonly edits = new Map<string, Edit[]>();
  /** Per document: versions below this lost their edits (a full-text change, or too many edits), so they cannot be mapped. */
  private readonly floors = new Map<string, number>();

  /** `TextDocument.update`, recording each change in the offsets of the text it applied to. */
  update(document: TextDocument, changes: readonly TextDocumentContentChangeEvent[], version: number): TextDocument {
    let current = document;
    for (const change of changes) {
      if ('range' in change) {
        const start = current.offsetAt(change.range.start);
        const end = current.offsetAt(change.range.end);
        this.record(current.uri, { version, start, end, length: change.text.length });
      } else {
        this.floors.set(current.uri, version);
        this.edits.delete(current.uri);
      }
      current = TextDocument.update(current, [change], version);
    }
    return current;
  }

  /** The edits before `version` (included) are no longer needed: an analysis of it is published. */
  analysed(uri: string, version: number): void {
    const edits = this.edits.get(uri);
    if (!edits) return;
    const kept = edits.filter((edit) => edit.version > version);
    if (kept.length > 0) this.edits.set(uri, kept);
    else this.edits.delete(uri);
  }

  forget(uri: string): void {
    this.edits.delete(uri);
    this.floors.delete(uri);
  }

  /** From the analysed `version` to the document now; `undefined` where the edits since are not all known. */
  mapping(uri: string, version: number): OffsetMapping | undefined {
    if (version < (this.floors.get(uri) ?? -Infinity)) return undefined;
    const edits = (this.edits.get(uri) ?? []).filter((edit) => edit.version > version);
    return {
      toOld: (offset) => {
        let position = offset;
        for (let index = edits.length - 1; index >= 0; index--) {
          const edit = edits[index]!;
          if (position < edit.start) continue;
          if (position < edit.start + edit.length) return undefined;
          position -= edit.length - (edit.end - edit.start);
        }
        return position;
      },
      toNew: (span) => {
        let { start, end } = span;
        for (const edit of edits) {
          if (end <= edit.start && start < edit.start) continue;
          if (start < edit.end) return undefined;
          const shift = edit.length - (edit.end - edit.start);
          start += shift;
          end += shift;
        }
        return { start, end };
      },
    };
  }

  private record(uri: string, edit: Edit): void {
    let edits = this.edits.get(uri);
    if (!edits) this.edits.set(uri, (edits = []));
    edits.push(edit);
    if (edits.length > MAX_EDITS) {
      this.floors.set(uri, edit.version);
      this.edits.delete(uri);
    }
  }
}
