import * as l10n from '@vscode/l10n';
import { DEFAULT_MAX_FILE_BYTES } from '../analysis/options';
import { RULES } from '../analysis/rules';
import { VIRTUAL_ENVIRONMENT_MARKER } from './defaults';
import { shownPath } from './paths';
import type { FileSettings, SettingSource } from './project';

/**
 * `losslens check --show-settings FILE`: every key with the value that applies to `file` and where
 * it comes from, one per line, written as TOML would write it (`severity.LL003 = "hint"`) with the
 * source as a comment. Above them, as comments, the configuration file, whether the file is
 * excluded, and the rules that run on it.
 */
export function renderSettings(file: string, settings: FileSettings, cwd = process.cwd()): string {
  const display = (path: string): string => shownPath(path, cwd);
  const from = (source: SettingSource): string => {
    if (source === 'default') return l10n.t('default');
    if (source === 'option') return l10n.t('command line');
    return `${display(source.file)}:${source.line}`;
  };
  const { sources } = settings;
  const lines: string[] = [];
  const setting = (key: string, value: string, source: SettingSource, note?: string): void => {
    lines.push(`${key} = ${value}  # ${from(source)}${note ? ` ${note}` : ''}`);
  };

  const configuration =
    sources.file === undefined
      ? l10n.t('none (defaults)')
      : sources.extends.length === 0
        ? display(sources.file)
        : l10n.t('{0}, extending {1}', display(sources.file), sources.extends.map(display).join(', '));
  const allCodes = RULES.map((rule) => rule.meta.code);
  const rules =
    settings.rules.length === allCodes.length
      ? l10n.t('all {0}', allCodes.length)
      : settings.rules.length === 0
        ? l10n.t('none')
        : l10n.t('{0} ({1} of {2})', settings.rules.join(', '), settings.rules.length, allCodes.length);
  lines.push(
    `# ${l10n.t('Settings for {0}', display(file))}`,
    `# ${l10n.t('configuration file: {0}', configuration)}`,
    `# ${l10n.t('excluded: {0}', settings.excluded ?? l10n.t('no'))}`,
    `# ${l10n.t('rules run: {0}', rules)}`,
  );

  const selection = sources.ruleSelection;
  if (!selection.some((step) => step.key === 'select')) setting('select', toml(allCodes), 'default');
  for (const key of ['extend-select', 'ignore'] as const) {
    if (!selection.some((step) => step.key === key)) setting(key, '[]', 'default');
  }
  for (const step of selection) setting(step.key, toml(step.codes), step.source);

  const { perFileIgnores } = sources;
  if (perFileIgnores.value.length === 0) setting('per-file-ignores', '{}', perFileIgnores.source);
  for (const entry of perFileIgnores.value) {
    const note = settings.perFileIgnores.includes(entry) ? l10n.t('(matches this file)') : undefined;
    setting(`per-file-ignores.${JSON.stringify(entry.pattern)}`, toml(entry.codes), entry.source, note);
  }

  const defaultExclude = sources.exclude.source === 'default' ? l10n.t('(and every folder holding a {0})', VIRTUAL_ENVIRONMENT_MARKER) : undefined;
  setting('exclude', toml(sources.exclude.value), sources.exclude.source, defaultExclude);
  if (sources.extendExclude.length === 0) setting('extend-exclude', '[]', 'default');
  for (const extendExclude of sources.extendExclude) setting('extend-exclude', toml(extendExclude.value), extendExclude.source);

  setting('respect-gitignore', toml(sources.respectGitignore.value), sources.respectGitignore.source);

  const severities = Object.entries(sources.severity);
  if (severities.length === 0) setting('severity', '{}', 'default');
  for (const [code, level] of severities) setting(`severity.${code}`, toml(level.value), level.source);

  if (sources.maxFileSizeKb) setting('max-file-size-kb', toml(sources.maxFileSizeKb.value), sources.maxFileSizeKb.source);
  else setting('max-file-size-kb', toml(DEFAULT_MAX_FILE_BYTES / 1024), 'default');
  return `${lines.join('\n')}\n`;
}

/** A value as TOML writes it inline. */
function toml(value: string | number | boolean | readonly string[]): string {
  if (Array.isArray(value)) return `[${value.map((item: string) => JSON.stringify(item)).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
