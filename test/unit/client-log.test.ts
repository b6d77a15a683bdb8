import type * as vscode from 'vscode';
import { describe, expect, it } from 'vitest';
import { levelledChannel } from '../../src/extension/clientLog';

/** A log channel that writes down what reaches each level. */
function recordingLog(): { log: vscode.LogOutputChannel; lines: Array<[string, string]> } {
  const lines: Array<[string, string]> = [];
  const at = (level: string) => (message: string) => void lines.push([level, message]);
  const log = {
    name: 'LossLens',
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  } as unknown as vscode.LogOutputChannel;
  return { log, lines };
}

describe("the language client's lines in the LossLens log", () => {
  it('go to the level the client named, without its level and time', () => {
    const { log, lines } = recordingLog();
    const channel = levelledChannel(log);
    channel.appendLine('[Info  - 3:12:24 AM] Settings changed; LossLens reloaded them.');
    channel.appendLine('[Warn  - 15:02:11] A request failed.');
    channel.appendLine('[Error - 3:12:25 PM] The server crashed.\nStack: at x');
    channel.appendLine('[Debug - 3:12:25 AM] detail');
    channel.appendLine('[Trace - 3:12:25 AM] Sending request');
    expect(lines).toEqual([
      ['info', 'Settings changed; LossLens reloaded them.'],
      ['warn', 'A request failed.'],
      ['error', 'The server crashed.\nStack: at x'],
      ['debug', 'detail'],
      ['trace', 'Sending request'],
    ]);
  });

  it('keeps a line without the prefix (data the client logs under a message) as it is', () => {
    const { log, lines } = recordingLog();
    levelledChannel(log).appendLine('{ "code": -32603 }');
    expect(lines).toEqual([['info', '{ "code": -32603 }']]);
  });
});
