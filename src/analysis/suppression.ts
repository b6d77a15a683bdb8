/**
 * Suppression comments: `# losslens: ignore[LL001, LL003]` (or `// ...`) on the line of a finding
 * or the line above it, `# noqa: LL001` on the line itself (a bare `# noqa` silences every rule
 * there), and `# losslens: ignore-file` anywhere on a line of its own for the whole file.
 */

const IGNORE = /(?:#|\/\/)\s*losslens:\s*ignore(?!-file)(?:\[([^\]]*)\])?/i;
const NOQA = /#\s*noqa(?::\s*([A-Z]+\d+(?:\s*,\s*[A-Z]+\d+)*))?/i;
const IGNORE_FILE = /^\s*(?:#|\/\/)\s*losslens:\s*ignore-file\b/im;

export interface Suppressions {
  readonly file: boolean;
  isSuppressed(code: string, line: number): boolean;
}

function codes(list: string | undefined): string[] | 'all' {
  if (list === undefined || list.trim() === '') return 'all';
  return list
    .split(',')
    .map((code) => code.trim().toUpperCase())
    .filter(Boolean);
}

export function suppressions(text: string): Suppressions {
  const byLine = new Map<number, { sameLine: string[] | 'all' | undefined; nextLine: string[] | 'all' | undefined }>();
  // Only the lines that say `losslens` or `noqa` are read; the rest are counted.
  let index = 0;
  let counted = 0;
  const hint = /losslens|noqa/gi;
  for (let hit = hint.exec(text); hit; hit = hint.exec(text)) {
    const start = text.lastIndexOf('\n', hit.index) + 1;
    let end = text.indexOf('\n', hit.index);
    if (end < 0) end = text.length;
    hint.lastIndex = end;
    for (let at = text.indexOf('\n', counted); at >= 0 && at < start; at = text.indexOf('\n', at + 1)) index++;
    counted = start;
    const line = text.slice(start, end);
    const ignore = IGNORE.exec(line);
    const noqa = NOQA.exec(line);
    if (!ignore && !noqa) continue;
    const own = line.trim().startsWith('#') || line.trim().startsWith('//');
    const entry = byLine.get(index + 1) ?? { sameLine: undefined, nextLine: undefined };
    if (ignore) {
      // A comment on its own line covers the next line; at the end of code, its own line.
      if (own) entry.nextLine = codes(ignore[1]);
      else entry.sameLine = codes(ignore[1]);
    }
    if (noqa && !own) entry.sameLine = codes(noqa[1]);
    byLine.set(index + 1, entry);
  }
  const covers = (set: string[] | 'all' | undefined, code: string) => set === 'all' || (Array.isArray(set) && set.includes(code));
  return {
    file: /ignore-file/i.test(text) && IGNORE_FILE.test(text),
    isSuppressed(code, line) {
      if (covers(byLine.get(line)?.sameLine, code)) return true;
      return covers(byLine.get(line - 1)?.nextLine, code);
    },
  };
}
