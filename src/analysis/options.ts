import * as l10n from '@vscode/l10n';
import { utf8Bytes } from './source-text';
import type { ScriptResult } from './script/analyze';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface AnalyzeOptions {
  /** Rule codes to run; empty or absent: all. */
  readonly select?: readonly string[];
  readonly ignore?: readonly string[];
  readonly maxFileBytes?: number;
  /** Called when a rule fails internally; the other rules still run. */
  readonly onInternalError?: (rule: string, error: unknown) => void;
  /** Ignore `# losslens: ignore-file` in the text (notebooks decide it from their first cell). */
  readonly ignoreFileComments?: boolean;
  /** Parse every statement, not only those that can reach a loss (to test that both agree). */
  readonly parseEverything?: boolean;
  /** Also describe every loss site with its facts (for hovers and the calculator). */
  readonly sites?: boolean;
  /**
   * Give the thread back after slices of this many milliseconds (an editor, where typing and
   * hovers run on the same thread); absent: run to the end at once.
   */
  readonly sliceMs?: number;
  /**
   * Runs the TensorFlow.js analyzer elsewhere than on this thread (the language server's worker,
   * `src/server/tfjs.ts`); absent: here, loaded the first time a file needs it.
   */
  readonly tfjs?: (
    text: string,
    options: {
      readonly select?: readonly string[];
      readonly ignore?: readonly string[];
      readonly sites?: boolean;
      readonly path?: string;
      readonly jsx: boolean;
    },
  ) => Promise<ScriptResult>;
}

export function ruleEnabled(code: string, options: AnalyzeOptions): boolean {
  if (options.ignore?.includes(code)) return false;
  return !options.select || options.select.length === 0 || options.select.includes(code);
}

/** Why a text is not analysed, if it is not: too large (in UTF-8 bytes, as on disk), or binary. */
export function skipReason(text: string, options: AnalyzeOptions): string | undefined {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  // A text of more characters than the limit is over it in bytes too; fewer need counting.
  if (text.length > limit || utf8Bytes(text) > limit) return l10n.t('skipped: larger than {0} KB', Math.round(limit / 1024));
  if (text.includes('\u0000')) return l10n.t('skipped: contains NUL bytes (binary file)');
  return undefined;
}
