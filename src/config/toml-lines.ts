/**
 * Where keys are written in a TOML text. The parser gives values without places, so a message about
 * a key finds its line here: a scan of headers and `key =` lines that steps over strings, comments
 * and values spanning lines (an array of codes written one per line).
 */

/** A key's place: the line it is written on and the last line of its value (1-based). */
interface KeyPlace {
  readonly line: number;
  readonly endLine: number;
}

/** The places of every table header and key of `text`, by dotted path (parts joined with NUL). */
export class TomlPlaces {
  private readonly places = new Map<string, KeyPlace>();
  private readonly lines: readonly string[];

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
    this.scan();
  }

  /** The line of `path`, or of its nearest ancestor written in the text (a table header); 1 when none is. */
  lineOf(path: readonly string[]): number {
    return this.placeOf(path)?.line ?? 1;
  }

  /**
   * The line where the value of `path` holds `item` as a string (a code in a list written one per
   * line), or the key's own line.
   */
  lineOfItem(path: readonly string[], item: string): number {
    const place = this.placeOf(path);
    if (!place) return 1;
    const spellings = [JSON.stringify(item), `'${item}'`];
    for (let line = place.line; line <= place.endLine; line++) {
      if (spellings.some((spelling) => this.lines[line - 1]!.includes(spelling))) return line;
    }
    return place.line;
  }

  private placeOf(path: readonly string[]): KeyPlace | undefined {
    for (let length = path.length; length > 0; length--) {
      const place = this.places.get(path.slice(0, length).join('\0'));
      if (place) return place;
    }
    return undefined;
  }

  private record(path: readonly string[], place: KeyPlace): void {
    for (let length = 1; length <= path.length; length++) {
      const key = path.slice(0, length).join('\0');
      if (!this.places.has(key)) this.places.set(key, length === path.length ? place : { line: place.line, endLine: place.line });
    }
  }

  private scan(): void {
    let table: readonly string[] = [];
    const value = new ValueScanner();
    let open: { path: readonly string[]; line: number } | undefined;
    this.lines.forEach((text, index) => {
      const line = index + 1;
      if (value.inside()) {
        value.scan(text, 0);
      } else {
        const trimmed = text.trimStart();
        const indent = text.length - trimmed.length;
        if (trimmed.startsWith('[')) {
          const array = trimmed.startsWith('[[');
          const key = readDottedKey(trimmed, array ? 2 : 1);
          if (key) {
            table = key.parts;
            this.record(table, { line, endLine: line });
          }
          return;
        }
        const key = readDottedKey(trimmed, 0);
        if (!key || trimmed[key.end] !== '=') return;
        open = { path: [...table, ...key.parts], line };
        value.scan(text, indent + key.end + 1);
      }
      if (open && !value.inside()) {
        this.record(open.path, { line: open.line, endLine: line });
        open = undefined;
      }
    });
    if (open) this.record(open.path, { line: open.line, endLine: this.lines.length });
  }
}

/** Follows a value across lines: open brackets and multi-line strings. */
class ValueScanner {
  private depth = 0;
  private multiLineString: string | undefined;

  inside(): boolean {
    return this.depth > 0 || this.multiLineString !== undefined;
  }

  scan(text: string, from: number): void {
    let at = from;
    while (at < text.length) {
      if (this.multiLineString) {
        const close = findClosing(text, at, this.multiLineString);
        if (close < 0) return;
        at = close + 3;
        this.multiLineString = undefined;
        continue;
      }
      const char = text[at]!;
      if (char === '#') return;
      if (text.startsWith('"""', at) || text.startsWith("'''", at)) {
        this.multiLineString = text.slice(at, at + 3);
        at += 3;
      } else if (char === '"' || char === "'") {
        const close = findClosing(text, at + 1, char);
        at = close < 0 ? text.length : close + 1;
      } else {
        if (char === '[' || char === '{') this.depth++;
        else if ((char === ']' || char === '}') && this.depth > 0) this.depth--;
        at++;
      }
    }
  }
}

/** Where `quote` closes a string from `from` on, skipping escapes in basic strings; -1 when not on this line. */
function findClosing(text: string, from: number, quote: string): number {
  for (let at = from; at < text.length; at++) {
    if (quote.startsWith('"') && text[at] === '\\') at++;
    else if (text.startsWith(quote, at)) return at;
  }
  return -1;
}

/** A dotted key (`a."b.c".d`) from `start`, its parts unquoted, and where the text after it begins. */
function readDottedKey(text: string, start: number): { parts: string[]; end: number } | undefined {
  const parts: string[] = [];
  let at = start;
  for (;;) {
    while (text[at] === ' ' || text[at] === '\t') at++;
    const quote = text[at];
    if (quote === '"' || quote === "'") {
      const close = findClosing(text, at + 1, quote);
      if (close < 0) return undefined;
      const raw = text.slice(at, close + 1);
      parts.push(quote === '"' ? unescapeBasic(raw) : raw.slice(1, -1));
      at = close + 1;
    } else {
      const bare = /^[A-Za-z0-9_-]+/.exec(text.slice(at));
      if (!bare) return undefined;
      parts.push(bare[0]);
      at += bare[0].length;
    }
    while (text[at] === ' ' || text[at] === '\t') at++;
    if (text[at] !== '.') return { parts, end: at };
    at++;
  }
}

/** A basic string's content; TOML's escapes are JSON's but for `\U` and `\e`, kept as written. */
function unescapeBasic(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}
