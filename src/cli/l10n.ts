import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';

/** Locales with a bundle in `l10n/`; English needs none. */
const BUNDLED_LOCALES = ['zh-cn'] as const;

/**
 * The CLI's locale: `LOSSLENS_LOCALE`, else the POSIX locale variables (`zh_CN.UTF-8` -> `zh-cn`).
 * Returns undefined for English or any locale without a bundle.
 */
export function cliLocale(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env.LOSSLENS_LOCALE || env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  const tag = raw.split('.')[0]!.replace('_', '-').toLowerCase();
  if (tag.startsWith('zh')) return 'zh-cn';
  return (BUNDLED_LOCALES as readonly string[]).includes(tag) ? tag : undefined;
}

/** Loads the bundle for the CLI's locale; `l10nDir` is the extension's `l10n/` folder. */
export function configureCliL10n(l10nDir: string, env: NodeJS.ProcessEnv = process.env): void {
  const locale = cliLocale(env);
  if (!locale) return;
  const bundle = join(l10nDir, `bundle.l10n.${locale}.json`);
  if (existsSync(bundle)) l10n.config({ fsPath: bundle });
}
