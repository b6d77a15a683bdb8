import * as l10n from '@vscode/l10n';
import { AbstractMessageReader, Disposable, type DataCallback, type Message } from 'vscode-languageserver/node';

/** A message body longer than this is refused (its bytes are read as noise, up to the next header). */
const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;
/** Bytes before a header's end: more than this and it is not a header. */
const MAX_HEADER_BYTES = 8 * 1024;

const CRLF2 = Buffer.from('\r\n\r\n');
const LENGTH = Buffer.from('Content-Length:');

/**
 * The language server's reader of standard input: LSP's `Content-Length` frames, read so that a
 * malformed one (a length that is not a number, negative, missing, larger than 256 MB, given twice
 * with different values, LF-only headers, binary noise, a body that is not JSON) is reported
 * through `onBad` and skipped, and the next valid frame is read as usual. vscode-jsonrpc's own
 * reader stops reading at the first such frame, leaving the server alive but deaf.
 */
export class ResilientMessageReader extends AbstractMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private callback: DataCallback | undefined;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly onBad: (reason: string) => void,
  ) {
    super();
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    const onData = (chunk: Buffer | string) => this.receive(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    const onEnd = () => this.fireClose();
    const onError = (error: Error) => this.fireError(error);
    this.input.on('data', onData);
    this.input.on('end', onEnd);
    this.input.on('error', onError);
    return Disposable.create(() => {
      this.input.off('data', onData);
      this.input.off('end', onEnd);
      this.input.off('error', onError);
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length > 0 && this.next());
  }

  /** Reads one frame (or skips one bad one) from the buffer; false when more bytes are needed. */
  private next(): boolean {
    // A frame starts at a `Content-Length` header: anything before it is noise.
    const start = this.buffer.indexOf(LENGTH);
    if (start < 0) {
      if (this.buffer.length > MAX_HEADER_BYTES) {
        this.onBad(l10n.t('bytes that are not a message (no Content-Length header)'));
        this.buffer = this.buffer.subarray(this.buffer.length - LENGTH.length);
      }
      return false;
    }
    if (start > 0) {
      if (this.buffer.subarray(0, start).some((byte) => byte !== 0x0d && byte !== 0x0a)) this.onBad(l10n.t('bytes before a Content-Length header'));
      this.buffer = this.buffer.subarray(start);
    }
    const end = this.buffer.indexOf(CRLF2);
    const lfOnly = this.buffer.indexOf('\n\n');
    if (end < 0 || end > MAX_HEADER_BYTES || (lfOnly >= 0 && lfOnly < end)) {
      if (lfOnly >= 0 && (end < 0 || lfOnly < end)) return this.bad(l10n.t('headers ended by LF alone (LSP needs CRLF)'), lfOnly + 2);
      if (end > MAX_HEADER_BYTES || (end < 0 && this.buffer.length > MAX_HEADER_BYTES)) return this.bad(l10n.t('a header without an end'), LENGTH.length);
      return false;
    }
    const headers = this.buffer.subarray(0, end).toString('ascii').split('\r\n');
    const lengths = headers.filter((line) => /^content-length:/i.test(line)).map((line) => line.slice(line.indexOf(':') + 1).trim());
    const bodyStart = end + CRLF2.length;
    if (new Set(lengths).size !== 1) return this.bad(l10n.t('two different Content-Length headers'), bodyStart);
    if (!/^\d+$/.test(lengths[0]!)) return this.bad(l10n.t('a Content-Length that is not a length ({0})', JSON.stringify(lengths[0]!.slice(0, 20))), bodyStart);
    const length = Number(lengths[0]);
    // Too long to be a message LossLens reads: its body, if it comes, is skipped as noise up to the next header.
    if (length > MAX_MESSAGE_BYTES) return this.bad(l10n.t('a Content-Length of {0} bytes, more than {1}', length, MAX_MESSAGE_BYTES), bodyStart);
    if (this.buffer.length < bodyStart + length) return false;
    const body = this.buffer.subarray(bodyStart, bodyStart + length).toString('utf8');
    this.buffer = this.buffer.subarray(bodyStart + length);
    let message: unknown;
    try {
      message = JSON.parse(body);
    } catch {
      this.onBad(l10n.t('a body that is not JSON'));
      return true;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.onBad(l10n.t('a body that is not a JSON-RPC message'));
      return true;
    }
    this.callback?.(message as Message);
    return true;
  }

  /** Reports a bad frame and drops its first `length` bytes. */
  private bad(reason: string, length: number): boolean {
    this.onBad(reason);
    this.buffer = this.buffer.subarray(length);
    return true;
  }
}
