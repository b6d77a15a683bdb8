import * as l10n from '@vscode/l10n';
import { fileURLToPath } from 'node:url';
import { ConfigError, type FileSettings, type ProjectConfig } from '../config';
import { RULES } from '../analysis/rules';
import type { LossLensSettings } from '../common/settings';

/** The settings a project's configuration file can set too; a client sends only those someone set. */
const PROJECT_KEYS = ['select', 'ignore', 'severity', 'maxFileSizeKB'] as const;
export type ProjectKey = (typeof PROJECT_KEYS)[number];

/** The project keys a client's `losslens` section sets. */
export function explicitProjectKeys(raw: unknown): ReadonlySet<ProjectKey> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return new Set();
  const section = raw as Record<string, unknown>;
  return new Set(PROJECT_KEYS.filter((key) => section[key] !== undefined && section[key] !== null));
}

/**
 * The file on disk a document's settings are looked up for: a `file:` document's, or a notebook
 * cell's notebook (`vscode-notebook-cell:/path/nb.ipynb#cell`); `undefined` for the others.
 */
export function settingsPath(uri: string): string | undefined {
  const file = uri.startsWith('vscode-notebook-cell:') ? `file:${uri.slice('vscode-notebook-cell:'.length).replace(/#.*$/, '')}` : uri;
  if (!file.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(file);
  } catch {
    return undefined;
  }
}

/**
 * A document's settings: the client's, with the project's configuration file (`pyproject.toml`,
 * `losslens.toml`) where the client sets nothing. A file the configuration excludes is not
 * analysed, and one that cannot be read leaves the document unanalysed too, with the error.
 */
export function withProjectSettings(
  client: LossLensSettings,
  explicit: ReadonlySet<ProjectKey>,
  project: ProjectConfig,
  path: string | undefined,
  onError: (error: ConfigError) => void,
): LossLensSettings {
  if (path === undefined) return client;
  let file: FileSettings;
  try {
    file = project.settingsFor(path);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    onError(error);
    return { ...client, skip: l10n.t('not analysed: the project configuration cannot be read: {0}', error.message) };
  }
  if (file.excluded !== undefined) return { ...client, skip: l10n.t('not analysed: {0}', file.excluded) };
  const all = RULES.map((rule) => rule.meta.code);
  const selected = explicit.has('select') ? client.select : file.select;
  const ignored = new Set(explicit.has('ignore') ? client.ignore : file.ignore);
  for (const entry of file.perFileIgnores) for (const code of entry.codes) ignored.add(code);
  const running = (selected.length > 0 ? selected : all).filter((code) => !ignored.has(code));
  return {
    ...client,
    select: [],
    ignore: all.filter((code) => !running.includes(code)),
    severity: explicit.has('severity') ? { ...file.severity, ...client.severity } : { ...file.severity },
    maxFileSizeBytes: explicit.has('maxFileSizeKB') || file.maxFileBytes === undefined ? client.maxFileSizeBytes : file.maxFileBytes,
  };
}
