import type * as vscode from 'vscode';

/**
 * The log as the language client writes to it: the client prefixes each line with its own level
 * and time (`[Info  - 3:12:24 AM] ...`); the log channel has both already, so each line goes to the
 * channel's method for that level without the prefix.
 */
export function levelledChannel(log: vscode.LogOutputChannel): vscode.OutputChannel {
  const write = (line: string): void => {
    const match = /^\[(Trace|Debug|Info|Warn|Error)\s*- [^\]]*\] ([\s\S]*)$/.exec(line);
    if (!match) return log.info(line);
    const message = match[2]!;
    switch (match[1]) {
      case 'Trace':
        return log.trace(message);
      case 'Debug':
        return log.debug(message);
      case 'Warn':
        return log.warn(message);
      case 'Error':
        return log.error(message);
      default:
        return log.info(message);
    }
  };
  return {
    name: log.name,
    append: write,
    appendLine: write,
    replace: (value) => log.replace(value),
    clear: () => log.clear(),
    show: (column?: vscode.ViewColumn | boolean, preserveFocus?: boolean) => (typeof column === 'boolean' ? log.show(column) : log.show(preserveFocus)),
    hide: () => log.hide(),
    // The log is the extension's; the client does not close it.
    dispose: () => undefined,
  };
}
