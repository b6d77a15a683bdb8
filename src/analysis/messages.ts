/**
 * Messages as data: an id and the values it names, rendered to text only when a finding is
 * published. A place in the analysed text is kept as an offset, not as "line 12", so a finding
 * kept across an edit that adds lines above it, or read in a notebook cell, still says where.
 */

/** An offset in the analysed text that a message names; rendered as "line 12" or "cell 3, line 2". */
export interface Place {
  readonly offset: number;
}

/** A part of a message that is a message itself: a phrase with its own id and values. */
export interface Phrase {
  readonly phrase: string;
  readonly data: MessageData;
}

export type MessageArg = string | number | Place | Phrase;
export type MessageData = Readonly<Record<string, MessageArg>>;

/** A message's text, given its values as text; it calls `l10n.t` with the English template. */
export type MessageTemplate = (data: Readonly<Record<string, string>>) => string;

export function place(offset: number): Place {
  return { offset };
}

export function isPlace(arg: MessageArg): arg is Place {
  return typeof arg === 'object' && 'offset' in arg;
}

/** Renders values for a template: places through `locate`, phrases through `phrases`. */
export function renderData(data: MessageData, locate: (offset: number) => string, phrases: (id: string) => MessageTemplate): Record<string, string> {
  const rendered: Record<string, string> = {};
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string') rendered[key] = value;
    else if (typeof value === 'number') rendered[key] = String(value);
    else if (isPlace(value)) rendered[key] = locate(value.offset);
    else rendered[key] = phrases(value.phrase)(renderData(value.data, locate, phrases));
  }
  return rendered;
}

/** The same values with every place moved by `move`; undefined when one cannot be moved. */
export function moveData(data: MessageData, move: (offset: number) => number | undefined): MessageData | undefined {
  const moved: Record<string, MessageArg> = {};
  // The data itself when no place in it moved (no copy).
  let changed = false;
  for (const [key, value] of Object.entries(data)) {
    if (typeof value === 'string' || typeof value === 'number') moved[key] = value;
    else if (isPlace(value)) {
      const offset = move(value.offset);
      if (offset === undefined) return undefined;
      moved[key] = offset === value.offset ? value : { offset };
      changed ||= offset !== value.offset;
    } else {
      const inner = moveData(value.data, move);
      if (!inner) return undefined;
      moved[key] = inner === value.data ? value : { phrase: value.phrase, data: inner };
      changed ||= inner !== value.data;
    }
  }
  return changed ? moved : data;
}
