import { parseArgs, type ParseArgsConfig } from 'node:util';
import * as l10n from '@vscode/l10n';
import { UsageError } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `util.parseArgs` in strict mode, with its errors turned into usage errors a person can act on. */
export function parseCommandArgs(argv: readonly string[], options: Options) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const detail = error instanceof Error ? error.message : String(error);
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const option = /'([^']+)'/.exec(detail)?.[1] ?? detail;
      throw new UsageError(l10n.t('Unknown option {0}.', option));
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const option = /'([^']+)'/.exec(detail)?.[1] ?? detail;
      throw new UsageError(l10n.t('The option {0} needs a value.', option));
    }
    throw new UsageError(detail);
  }
}
