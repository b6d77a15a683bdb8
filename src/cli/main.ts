import * as l10n from '@vscode/l10n';
import { runCheck, CHECK_USAGE } from './check';
import { EVAL_USAGE, runEval } from './eval';
import { EXIT, type CliIO, UsageError } from './io';
import { RULE_USAGE, runRule } from './rule';
import { runServer, SERVER_USAGE } from './server';
import { version } from '../../package.json';

interface Command {
  readonly usage: string;
  readonly summary: () => string;
  readonly run: (argv: readonly string[], io: CliIO) => number | Promise<number>;
}

/** The subcommands, by name. */
const COMMANDS: Readonly<Record<string, Command>> = {
  check: {
    usage: CHECK_USAGE,
    summary: () => l10n.t('Report loss-function bugs in Python files, notebooks and TypeScript/JavaScript files.'),
    run: runCheck,
  },
  eval: {
    usage: EVAL_USAGE,
    summary: () => l10n.t('Compute a loss value exactly as PyTorch (or Keras) would.'),
    run: (argv, io) => runEval(argv, io),
  },
  rule: {
    usage: RULE_USAGE,
    summary: () => l10n.t('Print the documentation of a rule, or of every rule: what it finds, why it is a bug, the fix.'),
    run: runRule,
  },
  server: {
    usage: SERVER_USAGE,
    summary: () => l10n.t('Run the language server (LSP) for editors: diagnostics, fixes, hovers and loss values.'),
    run: runServer,
  },
};

function helpText(): string {
  const lines = [
    l10n.t('LossLens: catches loss-function bugs in ML code and computes loss values.'),
    '',
    l10n.t('Usage: losslens <command> [options]'),
    '',
    l10n.t('Commands:'),
    ...Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(8)}${command.summary()}\n            ${command.usage}`),
    '',
    l10n.t('Options:'),
    `  --version   ${l10n.t('Print the version and exit.')}`,
    `  --help      ${l10n.t('Print this help and exit.')}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Runs the CLI with `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(helpText());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`${version}\n`);
    return EXIT.ok;
  }
  // The name is the user's: only the table's own entries count (`toString` is no command).
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!command) {
    io.stderr(`${l10n.t('Unknown command "{0}". Commands: {1}.', first, Object.keys(COMMANDS).join(', '))}\n`);
    io.stderr(l10n.t('Run "losslens --help" for usage.') + '\n');
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.summary()}\n\n${l10n.t('Usage:')} ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`losslens ${first}: ${error.message}\n${error.showUsage ? `${l10n.t('Usage:')} ${command.usage}\n` : ''}`);
      return EXIT.usage;
    }
    throw error;
  }
}
