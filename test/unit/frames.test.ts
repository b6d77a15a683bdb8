import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ResilientMessageReader } from '../../src/cli/frames';

/** The language server's reader of standard input: every malformed frame is said and skipped, and the next valid one read. */
const frame = (message: object) => {
  const body = Buffer.from(JSON.stringify(message));
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
};
const ping = (id: number) => frame({ jsonrpc: '2.0', id, method: 'ping' });

function read(chunks: readonly Buffer[]): { ids: unknown[]; bad: string[] } {
  const input = new PassThrough();
  const ids: unknown[] = [];
  const bad: string[] = [];
  new ResilientMessageReader(input, (reason) => bad.push(reason)).listen((message) => ids.push((message as { id?: unknown }).id));
  for (const chunk of chunks) input.write(chunk);
  return { ids, bad };
}

describe('a malformed message frame is skipped, and the next valid one answered', () => {
  it.each([
    ['a length that is not a number', 'Content-Length: abc\r\n\r\n{}', /not a length/],
    ['a negative length', 'Content-Length: -5\r\n\r\n{}', /not a length/],
    ['no length', 'Content-Type: x\r\n\r\n{}', /before a Content-Length header/],
    ['a length too large', 'Content-Length: 99999999999\r\n\r\n{}', /more than 268435456/],
    ['LF-only headers', 'Content-Length: 2\n\n{}', /LF alone/],
    ['two different lengths', 'Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}', /two different Content-Length/],
    ['a body that is not JSON', 'Content-Length: 3\r\n\r\n{x}', /not JSON/],
  ])('%s', (_what, bad, reason) => {
    const result = read([ping(1), Buffer.from(bad), ping(2)]);
    expect(result.ids).toEqual([1, 2]);
    expect(result.bad[0]).toMatch(reason);
  });

  it('binary noise, then a frame', () => {
    const noise = Buffer.alloc(20_000, 0xab);
    const result = read([noise, ping(3)]);
    expect(result.ids).toEqual([3]);
    expect(result.bad.length).toBeGreaterThan(0);
  });

  it('frames split at every byte are read whole', () => {
    const bytes = Buffer.concat([ping(1), ping(2)]);
    const result = read([...bytes].map((byte) => Buffer.from([byte])));
    expect(result).toEqual({ ids: [1, 2], bad: [] });
  });

  it('the same length given twice is one length', () => {
    const body = '{"jsonrpc":"2.0","id":4,"method":"ping"}';
    const result = read([Buffer.from(`Content-Length: ${body.length}\r\nContent-Length: ${body.length}\r\n\r\n${body}`)]);
    expect(result).toEqual({ ids: [4], bad: [] });
  });
});
