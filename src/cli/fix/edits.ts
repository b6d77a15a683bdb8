import type { CheckFinding } from '../findings';

/** One replacement, by offsets into the text as analysed. */
export type TextEdit = NonNullable<CheckFinding['fix']>['edits'][number];

/** What one round of fixing takes: the edits, and how many findings they fix. */
export interface ChosenFixes {
  readonly edits: readonly TextEdit[];
  readonly fixed: number;
}

/**
 * The fixes one round applies, as Ruff picks them: in the order of their first edit, every fix
 * whose edits touch neither one another nor an edit already taken (the rest wait for the next
 * round, on the re-checked text). Two findings of one mistake often carry the same fix: it is
 * applied once and fixes both. `fits` says whether an edit may be applied at all.
 */
export function chooseFixes(findings: readonly CheckFinding[], unsafe: boolean, fits: (edit: TextEdit) => boolean): ChosenFixes {
  const fixes = new Map<string, { edits: readonly TextEdit[]; findings: number }>();
  for (const finding of findings) {
    const fix = finding.fix;
    if (!fix || fix.edits.length === 0 || (fix.safety === 'unsafe' && !unsafe)) continue;
    const edits = [...fix.edits].sort((a, b) => a.start - b.start || a.end - b.end);
    const key = JSON.stringify(edits.map(({ start, end, newText }) => [start, end, newText]));
    const same = fixes.get(key);
    if (same) same.findings++;
    else fixes.set(key, { edits, findings: 1 });
  }
  const taken: TextEdit[] = [];
  let fixed = 0;
  for (const fix of [...fixes.values()].sort((a, b) => a.edits[0]!.start - b.edits[0]!.start)) {
    const own = fix.edits.every((edit, index) => fix.edits.slice(index + 1).every((other) => !clash(edit, other)));
    if (!own || !fix.edits.every(fits) || fix.edits.some((edit) => taken.some((other) => clash(edit, other)))) continue;
    taken.push(...fix.edits);
    fixed += fix.findings;
  }
  return { edits: taken, fixed };
}

/**
 * Whether two edits cannot both be applied: their ranges overlap, or they start at one offset
 * (two insertions there, or an insertion and a replacement, have no defined order).
 */
function clash(a: TextEdit, b: TextEdit): boolean {
  return a.start === b.start || (a.start < b.end && b.start < a.end);
}

/**
 * `text` with `edits` (none clashing, all within it) applied, each line break they insert
 * written as the text's own: a CRLF file stays CRLF.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ending = lineEnding(text);
  let result = '';
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    result += text.slice(at, edit.start) + edit.newText.replace(/\r\n|\r|\n/g, ending);
    at = edit.end;
  }
  return result + text.slice(at);
}

/** The line ending a text uses: its first one, or `\n` when it has none. */
function lineEnding(text: string): string {
  return /\r\n|\r|\n/.exec(text)?.[0] ?? '\n';
}
