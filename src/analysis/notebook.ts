import { statSync } from 'node:fs';
import * as l10n from '@vscode/l10n';
import { normalizeNewlines, readSourceText, type SourceRead } from './source-text';

/**
 * How much larger than the size limit a notebook's file may be: the limit is on its code, and its
 * outputs (plots, tables) are often megabytes more.
 */
const NOTEBOOK_FILE_FACTOR = 32;

/** A file's size in bytes; 0 when it cannot be read (reading it then says why). */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * Reads a file to analyse, under the size limit: a notebook by the code in its cells (its file may
 * be up to 32 times the limit), anything else by its bytes. A notebook that does not read as one
 * is returned as it is: its analysis says why.
 */
export function readAnalysable(path: string, maxBytes: number): SourceRead {
  if (!path.toLowerCase().endsWith('.ipynb')) return readSourceText(path, maxBytes);
  const fileLimit = maxBytes * NOTEBOOK_FILE_FACTOR;
  if (fileSize(path) > fileLimit) {
    return {
      skipped: l10n.t(
        'skipped: a notebook file larger than {0} KB ({1} times the size limit, which applies to its code)',
        Math.round(fileLimit / 1024),
        NOTEBOOK_FILE_FACTOR,
      ),
    };
  }
  const read = readSourceText(path, fileLimit);
  if (!('text' in read)) return read;
  let code: string;
  try {
    code = notebookProgram(read.text).text;
  } catch {
    return read;
  }
  if (Buffer.byteLength(code, 'utf8') > maxBytes) return { skipped: l10n.t('skipped: its code cells hold more than {0} KB', Math.round(maxBytes / 1024)) };
  return read;
}

/**
 * Jupyter notebooks: the code cells, in order, analysed as one program. Offsets in the joined
 * program map back to a cell and a position within it.
 */

export interface NotebookCell {
  readonly index: number;
  /** Offset of the cell's first character in the joined program. */
  readonly start: number;
  readonly source: string;
}

export interface NotebookProgram {
  readonly text: string;
  readonly cells: readonly NotebookCell[];
  readonly language: string;
}

export class NotebookError extends Error {
  override readonly name = 'NotebookError';
}

/**
 * IPython magics and shell escapes are not Python: blank them, keeping offsets. Only a line that
 * starts a statement is one: a `%` starting a line inside brackets or after a backslash is the
 * formatting operator of the line before (`print('%d' \n % (n,))`).
 */
function blankMagics(source: string): string {
  const lines = source.split('\n');
  let depth = 0;
  let continued = false;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const magic = /^([ \t]*)([%!].*)$/.exec(line);
    if (magic && depth === 0 && !continued) {
      lines[index] = magic[1]! + ' '.repeat(magic[2]!.length);
      continue;
    }
    ({ depth, continued } = bracketsAfter(line, depth));
  }
  return lines.join('\n');
}

/** The bracket depth after a line, and whether it ends in a backslash (strings and comments skipped; a string left open ends with the line). */
function bracketsAfter(line: string, depth: number): { depth: number; continued: boolean } {
  let quote = '';
  for (let at = 0; at < line.length; at++) {
    const char = line[at]!;
    if (quote) {
      if (char === '\\') at++;
      else if (line.startsWith(quote, at)) {
        at += quote.length - 1;
        quote = '';
      }
      continue;
    }
    if (char === '#') break;
    if (char === '"' || char === "'") quote = line.startsWith(char.repeat(3), at) ? char.repeat(3) : char;
    else if (char === '(' || char === '[' || char === '{') depth++;
    else if ((char === ')' || char === ']' || char === '}') && depth > 0) depth--;
  }
  return { depth, continued: line.trimEnd().endsWith('\\') };
}

/** Joins code cells (already extracted, as VS Code's notebook API gives them) into one program. */
export function programFromCells(cells: ReadonlyArray<{ index: number; source: string }>, language = 'python'): NotebookProgram {
  const joined: NotebookCell[] = [];
  let text = '';
  for (const cell of cells) {
    const { index } = cell;
    // Every line ending Python accepts, as `\n` (same length: positions stay the cell's).
    const source = normalizeNewlines(cell.source);
    const cleaned = blankMagics(source);
    joined.push({ index, start: text.length, source });
    text += cleaned.endsWith('\n') ? cleaned : `${cleaned}\n`;
  }
  return { text, cells: joined, language };
}

export function notebookProgram(json: string): NotebookProgram {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new NotebookError(`not a valid notebook (JSON): ${(error as Error).message}`);
  }
  const notebook = data as { cells?: unknown; metadata?: { language_info?: { name?: unknown }; kernelspec?: { language?: unknown } } };
  if (typeof notebook !== 'object' || notebook === null || !Array.isArray(notebook.cells)) {
    throw new NotebookError('not a notebook: no "cells" list (nbformat 4 is supported)');
  }
  // Metadata that is not a string (an object, a number) says nothing: the next one, or Python.
  const named = [notebook.metadata?.language_info?.name, notebook.metadata?.kernelspec?.language].find((value) => typeof value === 'string');
  const language = ((named as string | undefined) ?? 'python').toLowerCase();
  const cells: Array<{ index: number; source: string }> = [];
  notebook.cells.forEach((cell: unknown, index: number) => {
    const entry = cell as { cell_type?: unknown; source?: unknown };
    if (typeof entry !== 'object' || entry === null || entry.cell_type !== 'code') return;
    const source = Array.isArray(entry.source)
      ? entry.source.filter((part) => typeof part === 'string').join('')
      : typeof entry.source === 'string'
        ? entry.source
        : '';
    cells.push({ index, source });
  });
  return programFromCells(cells, language);
}

/** The cell holding a program offset, with the 0-based offset inside that cell (a binary search). */
export function cellAt(program: NotebookProgram, offset: number): { cell: NotebookCell; offset: number } | undefined {
  const cells = program.cells;
  let low = 0;
  let high = cells.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (cells[middle]!.start <= offset) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  const cell = cells[found];
  return cell ? { cell, offset: offset - cell.start } : undefined;
}
