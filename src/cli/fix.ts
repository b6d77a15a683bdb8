import * as l10n from '@vscode/l10n';
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import type { DocumentKind } from '../analysis/document';
import { AnalysisHost } from '../analysis/host';
import { decodeSource } from '../analysis/source-text';
import { CheckCache, type CachedResult } from './cache';
import { printablePath } from './files';
import { type CliIO, UsageError } from './io';
import { applyEdits, chooseFixes, type TextEdit } from './fix/edits';
import { readRegularFile, sourceBytes, writeAtomically, type SourceBytes } from './fix/file-bytes';
import { NotebookText } from './fix/notebook';

/**
 * `losslens check --fix | --diff`, as Ruff fixes: every safe fix (and the unsafe ones with
 * `--unsafe-fixes`) is applied, the file checked again and fixed again until no fix applies
 * (fixes that overlap wait for the next round), at most `MAX_ROUNDS` times; then the file is
 * written, or with `--diff` the change is shown instead.
 */

/** Rounds of fixing and checking again, at most, per file. */
const MAX_ROUNDS = 10;

/** What `--fix`, `--unsafe-fixes` and `--diff` ask for; `--diff` writes nothing, with or without `--fix`. */
export interface FixMode {
  readonly unsafe: boolean;
  readonly diff: boolean;
}

/** The fix mode of `losslens check`'s options; `undefined` when it only reports. */
export function fixMode(values: { readonly fix?: unknown; readonly 'unsafe-fixes'?: unknown; readonly diff?: unknown }): FixMode | undefined {
  const unsafe = values['unsafe-fixes'] === true;
  if (values.fix !== true && values.diff !== true) {
    if (unsafe) throw new UsageError(l10n.t('--unsafe-fixes goes with --fix or --diff.'));
    return undefined;
  }
  return { unsafe, diff: values.diff === true };
}

/** Where tests step in: `beforeWrite` runs right before a fixed file's bytes are compared with those read, then replaced. */
export interface FixHooks {
  beforeWrite?(file: string): void;
}

/** A file of the run, as the fix step needs it: how it was analysed (the SHA-256 of its text) and what that gave. */
export interface FixableFile {
  readonly path: string;
  readonly file?: string;
  readonly kind?: DocumentKind;
  readonly hash?: string;
  readonly result?: CachedResult;
}

/** Checks one file's text again, as `losslens check` does (`checkFile`), on the fix step's host. */
export type Recheck = (
  host: AnalysisHost,
  job: { readonly file: string; readonly path: string; readonly kind: DocumentKind; readonly text: string },
) => Promise<{ readonly result: CachedResult; readonly notes: readonly string[] }>;

/** What the fix step did: how many findings it fixed (with `--diff`: would fix), and the diff of every change. */
export interface FixSummary {
  readonly fixed: number;
  readonly diff: string;
}

/**
 * Fixes the files of a run. Each written file's result becomes that of its final check, in
 * place in `files`, so the report that follows shows what remains; with `--diff` nothing is
 * written and the results stay. Whatever keeps a file from being fixed is said on stderr.
 */
export async function applyFixes(files: FixableFile[], mode: FixMode, roots: readonly string[], recheck: Recheck, io: CliIO & FixHooks): Promise<FixSummary> {
  let fixed = 0;
  let diff = '';
  const host = new AnalysisHost(roots);
  try {
    for (const [index, entry] of files.entries()) {
      const { file, kind, hash, result } = entry;
      if (!file || !kind || !hash || !result || result.skipped || chooseFixes(result.findings, mode.unsafe, () => true).fixed === 0) continue;
      const target: FixTarget = { file, path: entry.path, kind, hash, result };
      const done = await fixFile(target, mode, (text) => recheck(host, { file, path: entry.path, kind, text }), io);
      if (!done) continue;
      fixed += done.fixed;
      diff += done.diff;
      if (!mode.diff) files[index] = { ...entry, result: done.result };
    }
  } finally {
    host.dispose();
  }
  return { fixed, diff };
}

/** "Fixed 2 findings (1 remaining)." */
export function fixedLine(summary: FixSummary, remaining: number): string {
  return summary.fixed === 1 ? l10n.t('Fixed 1 finding ({0} remaining).', remaining) : l10n.t('Fixed {0} findings ({1} remaining).', summary.fixed, remaining);
}

/** `--diff`: the changes `--fix` would make on stdout, how many findings they fix on stderr; whether there are any. */
export function printDiff(summary: FixSummary, io: CliIO): boolean {
  io.stdout(summary.diff);
  const would =
    summary.fixed === 0
      ? l10n.t('No fixes to apply.')
      : summary.fixed === 1
        ? l10n.t('Would fix 1 finding.')
        : l10n.t('Would fix {0} findings.', summary.fixed);
  io.stderr(`${would}\n`);
  return summary.diff.length > 0;
}

interface FixTarget {
  readonly file: string;
  readonly path: string;
  readonly kind: DocumentKind;
  readonly hash: string;
  readonly result: CachedResult;
}

/** A document's text as fixes see it: which edits fit it, and the text with some applied. */
interface Editable {
  fits(edit: TextEdit): boolean;
  apply(edits: readonly TextEdit[]): string;
}

function editable(kind: DocumentKind, text: string): Editable {
  if (kind !== 'notebook')
    return { fits: (edit) => edit.start >= 0 && edit.start <= edit.end && edit.end <= text.length, apply: (edits) => applyEdits(text, edits) };
  const notebook = new NotebookText(text);
  return { fits: (edit) => notebook.fits(edit), apply: (edits) => notebook.withCells(notebook.editCells(edits)) };
}

/**
 * Fixes one file, round after round, from its bytes on disk (which must be those analysed);
 * `undefined` when it is left as it is, said on stderr. A round whose fixes would make a
 * syntax error is not applied (a rule's bug, not the user's).
 */
async function fixFile(
  target: FixTarget,
  mode: FixMode,
  recheck: (text: string) => ReturnType<Recheck>,
  io: CliIO & FixHooks,
): Promise<{ fixed: number; diff: string; result: CachedResult } | undefined> {
  const say = (message: string) => io.stderr(`${printablePath(target.path)}: ${message}\n`);
  const leave = (message: string) => {
    say(message);
    return undefined;
  };
  const changed = () => leave(l10n.t('not fixed: it changed on disk during the run'));
  let read: SourceBytes | undefined;
  try {
    const bytes = readRegularFile(target.file);
    if (CheckCache.hash(decodeSource(bytes)) !== target.hash) return changed();
    read = sourceBytes(bytes);
  } catch (error) {
    return leave(l10n.t('not fixed: cannot read it again ({0})', describe(error)));
  }
  if (!read) return leave(l10n.t('not fixed: its bytes do not decode and encode back unchanged (UTF-8, UTF-16 and Latin-1 can be written)'));

  let text = read.text;
  let result = target.result;
  let fixed = 0;
  try {
    for (let round = 1; ; round++) {
      const document = editable(target.kind, text);
      const chosen = chooseFixes(result.findings, mode.unsafe, (edit) => document.fits(edit));
      if (chosen.fixed === 0) break;
      if (round > MAX_ROUNDS) {
        say(l10n.t('fixes still apply after {0} rounds of fixing and checking again; stopped there', MAX_ROUNDS));
        break;
      }
      const next = document.apply(chosen.edits);
      const checked = await recheck(next);
      for (const note of checked.notes) say(note);
      const broken = checked.result.skipped ?? (result.partial ? undefined : checked.result.partial);
      if (broken) {
        say(l10n.t('the fixes of round {0} were not applied: the file would no longer parse ({1}); please report it', round, broken));
        break;
      }
      text = next;
      result = checked.result;
      fixed += chosen.fixed;
    }
  } catch (error) {
    return leave(l10n.t('not fixed: {0}', describe(error)));
  }
  if (text === read.text) return undefined;

  const bytes = read.encode(text);
  if (!bytes) return leave(l10n.t('not fixed: the fixed text cannot be written in the file’s encoding'));
  if (mode.diff) return { fixed, diff: fileDiff(target, read.text, text), result };
  io.beforeWrite?.(target.file);
  try {
    if (!readRegularFile(target.file).equals(read.bytes)) return changed();
    writeAtomically(target.file, bytes);
  } catch (error) {
    return leave(l10n.t('not fixed: cannot write it ({0})', describe(error)));
  }
  return { fixed, diff: '', result };
}

/** The unified diff of a fix: of the file, or of a notebook each changed cell (`path:cell 3`). */
function fileDiff(target: FixTarget, before: string, after: string): string {
  const patch = (name: string, old: string, next: string) =>
    createTwoFilesPatch(name, name, old, next, undefined, undefined, { headerOptions: FILE_HEADERS_ONLY });
  if (target.kind !== 'notebook') return patch(target.path, before, after);
  const cells = new Map(new NotebookText(before).program.cells.map((cell) => [cell.index, cell.source]));
  return new NotebookText(after).program.cells
    .filter((cell) => cells.get(cell.index) !== cell.source)
    .map((cell) => patch(`${target.path}:cell ${cell.index}`, cells.get(cell.index) ?? '', cell.source))
    .join('');
}

function describe(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}
