import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { briefJson } from '../common/brief';
import * as v from 'valibot';
import type { WorkspaceFolder } from 'vscode-languageserver';
import type { ServerInitializationOptions } from '../common/protocol/server';
import { DEFAULT_SETTINGS, normalizeSettings, type LossLensSettings, type RawSettings } from '../common/settings';
import type { LossTextTable } from '../losses/texts';
import { pathOfUri } from './analyses';

/** What the server reads from its client once, at `initialize`, and from its settings: each value checked, the defaults kept for what is not valid. */

/** Where the server finds what ships beside it. */
export interface ServerPaths {
  /** The folder of the bundles (`dist/`): the evaluator's worker. */
  readonly dist: string;
  /** The translations (`l10n/`). */
  readonly l10n: string;
  readonly version: string;
}

type Log = { error(message: string): void };

/** Each `initializationOptions` field on its own: one of the wrong type is dropped (and logged), not the others. */
const INITIALIZATION_OPTIONS = {
  client: v.literal('vscode'),
  l10nBundle: v.record(v.string(), v.string()),
  ruleDocs: v.pipe(v.string(), v.includes('{code}')),
  settings: v.unknown(),
} satisfies Record<keyof ServerInitializationOptions, v.GenericSchema>;

/**
 * The client's `initializationOptions`, validated field by field: a field that is not valid is logged
 * and left out, so its default holds (a `ruleDocs` that is not a string used to make every analysis
 * fail, which left the documents without diagnostics); fields LossLens does not know are logged too.
 */
export function readInitializationOptions(raw: unknown, log: Log): ServerInitializationOptions {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    log.error(l10n.t('Ignoring the initialization options {0}: they must be an object, so the defaults are used.', briefJson(raw)));
    return {};
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const schema = Object.hasOwn(INITIALIZATION_OPTIONS, key) ? INITIALIZATION_OPTIONS[key as keyof ServerInitializationOptions] : undefined;
    if (!schema) {
      log.error(l10n.t('Ignoring the initialization option "{0}": LossLens has no option of that name.', key));
    } else if (v.is(schema, value)) {
      options[key] = value;
    } else {
      log.error(l10n.t('Ignoring the value {0} of the initialization option "{1}": it is not valid, so the default is used.', briefJson(value), key));
    }
  }
  return options as ServerInitializationOptions;
}

/** Settings from the client, under the extension's names; what is not valid falls back to its default, and is logged. */
export function readSettings(raw: unknown, log: Log): LossLensSettings {
  if (raw === null) return DEFAULT_SETTINGS;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    log.error(l10n.t('Ignoring the settings {0}: they must be an object, so the defaults are used.', briefJson(raw)));
    return DEFAULT_SETTINGS;
  }
  const object = raw as Record<string, unknown>;
  // VS Code (and LSP clients after it) nest dotted names: `evaluator.maxElements` is `{evaluator: {maxElements}}`.
  const evaluator = object.evaluator as Record<string, unknown> | undefined;
  const flat: Record<string, unknown> = { ...object };
  if (evaluator && typeof evaluator === 'object' && 'maxElements' in evaluator) flat['evaluator.maxElements'] = evaluator.maxElements;
  const { settings, problems } = normalizeSettings(flat as RawSettings);
  for (const problem of problems) {
    log.error(
      l10n.t('Ignoring the value {0} of the setting "{1}": it is not valid, so the default is used.', JSON.stringify(problem.value), `losslens.${problem.key}`),
    );
  }
  return settings;
}

/** The folders on disk imports resolve under: the workspace folders (or the root the client names). */
export function rootsOf(folders: readonly WorkspaceFolder[] | null | undefined, rootUri: string | null, log: Log): string[] {
  const uris = folders?.map((folder) => folder.uri) ?? (rootUri ? [rootUri] : []);
  return uris.flatMap((uri) => {
    const path = pathOfUri(uri);
    if (path !== undefined) return [path];
    // One folder LossLens cannot read from disk never fails `initialize`: its open documents are
    // still analysed, from their text.
    log.error(l10n.t('Imports are not resolved under the workspace folder {0}: it names no folder on this machine.', uri));
    return [];
  });
}

/** The translations: the bundle the client gave, else the one for the locale it named; none for English. */
export function l10nBundle(locale: string | undefined, options: ServerInitializationOptions, paths: ServerPaths): Record<string, string> | undefined {
  if (options.l10nBundle) return options.l10nBundle;
  if (!locale?.toLowerCase().startsWith('zh')) return undefined;
  try {
    return JSON.parse(readFileSync(join(paths.l10n, 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
  } catch {
    // Without the bundle, English.
    return undefined;
  }
}

/** The loss names and descriptions in the locale the client named; none for English. */
export function localLossTexts(locale: string | undefined, paths: ServerPaths): LossTextTable | null {
  if (!locale?.toLowerCase().startsWith('zh')) return null;
  try {
    return JSON.parse(readFileSync(join(paths.l10n, 'losses.zh-cn.json'), 'utf8')) as LossTextTable;
  } catch {
    return null;
  }
}
