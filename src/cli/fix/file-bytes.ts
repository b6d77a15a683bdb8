import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { decodeSource } from '../../analysis/source-text';

/** A source file's bytes, the text they decode to, and the way back to bytes in the same encoding. */
export interface SourceBytes {
  readonly bytes: Buffer;
  readonly text: string;
  /** `text` in the file's encoding (its byte order mark kept); `undefined` when that encoding cannot hold it. */
  encode(text: string): Buffer | undefined;
}

/** The encodings a source file can be written back in, each with its byte order mark if any. */
const ENCODERS: ReadonlyArray<(text: string) => Buffer> = [
  (text) => Buffer.from(text, 'utf8'),
  (text) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]),
  (text) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
  (text) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]),
  (text) => Buffer.from(text, 'latin1'),
];

/**
 * The bytes of a file as `losslens check` read them (`decodeSource`), with the encoding that
 * gives exactly these bytes back; `undefined` when none does (bytes that are not valid in the
 * encoding, an encoding LossLens cannot write): such a file is not rewritten.
 */
export function sourceBytes(bytes: Buffer): SourceBytes | undefined {
  const text = decodeSource(bytes);
  const encoder = ENCODERS.find((encode) => encode(text).equals(bytes));
  if (!encoder) return undefined;
  return {
    bytes,
    text,
    encode: (fixed) => {
      const encoded = encoder(fixed);
      return decodeSource(encoded) === fixed ? encoded : undefined;
    },
  };
}

/** A regular file's bytes (a FIFO or device put in its place is not read: it could block). */
export function readRegularFile(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces a file's bytes all at once: written to a temporary file beside it (through a
 * symbolic link, beside its target), with its mode, flushed, then renamed over it; a reader
 * sees the old bytes or the new, never part of them.
 */
export function writeAtomically(path: string, bytes: Uint8Array): void {
  const target = realpathSync(path);
  const mode = statSync(target).mode & 0o7777;
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.losslens-fix`);
  const fd = openSync(temporary, 'wx', mode);
  try {
    try {
      writeFileSync(fd, bytes);
      // The mode asked of `open` is narrowed by the umask.
      fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
