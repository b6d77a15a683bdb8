import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import * as l10n from '@vscode/l10n';

/** What reading a source file gave: its text, or why it was not read. */
export type SourceRead = { readonly text: string } | { readonly skipped: string };

/**
 * Reads a source file the one guarded way (`losslens check`, imported workspace modules): only a
 * regular file — never a FIFO, device or socket, which could block or never end — whose size in
 * bytes is checked before anything is read, decoded as Python decodes it.
 */
export function readSourceText(path: string, maxBytes: number): SourceRead {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return { skipped: l10n.t('skipped: not a regular file (a folder, pipe, device or socket)') };
    size = stat.size;
  } catch (error) {
    return { skipped: l10n.t('skipped: cannot read it ({0})', describeError(error)) };
  }
  if (size > maxBytes) return { skipped: tooLarge(maxBytes) };
  let fd: number | undefined;
  try {
    // Non-blocking, and checked again once open: the path may have been swapped since.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    if (!fstatSync(fd).isFile()) return { skipped: l10n.t('skipped: not a regular file (a folder, pipe, device or socket)') };
    const buffer = Buffer.alloc(Math.min(maxBytes, size) + 1);
    let length = 0;
    for (let read = 1; read > 0 && length < buffer.length; length += read) read = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) return { skipped: tooLarge(maxBytes) };
    return { text: decodeSource(buffer.subarray(0, length)) };
  } catch (error) {
    return { skipped: l10n.t('skipped: cannot read it ({0})', describeError(error)) };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tooLarge(maxBytes: number): string {
  return l10n.t('skipped: larger than {0} KB', Math.round(maxBytes / 1024));
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return l10n.t('a loop of symbolic links');
  if (code === 'EACCES' || code === 'EPERM') return l10n.t('permission denied');
  return code ?? String(error);
}

/**
 * Source bytes as text, the way Python reads them: a UTF-8 byte order mark is dropped, UTF-16
 * with a byte order mark is decoded as such, a PEP 263 coding declaration in the first two lines
 * (`# -*- coding: latin-1 -*-`) names the encoding, and everything else is UTF-8.
 */
export function decodeSource(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 400));
  const declared = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/m.exec(
    head
      .split(/\r\n|\r|\n/)
      .slice(0, 2)
      .join('\n'),
  )?.[1];
  if (declared && !/^utf[-_]?8/i.test(declared)) {
    try {
      return new TextDecoder(whatwgLabel(declared)).decode(bytes);
    } catch {
      // An encoding Node does not know: read as UTF-8, as far as it goes.
    }
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/** Python's name of an encoding as the Encoding Standard spells it (`latin-1` is `latin1` there). */
function whatwgLabel(python: string): string {
  const name = python.toLowerCase().replace(/_/g, '-');
  return /^(latin-?1|iso-?8859-1|l1)$/.test(name) ? 'latin1' : name.replace(/^iso8859-/, 'iso-8859-');
}

/**
 * The text with every line ending Python accepts made `\n`: a lone `\r` (old Mac files) becomes
 * `\n`, and `\r\n` stays (the `\r` is whitespace to the parser). Lengths and offsets are unchanged.
 */
export function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** The size of a text in UTF-8 bytes, as it would be on disk. */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
