import * as vscode from 'vscode';
import { normalizeSettings, type LossLensSettings, type RawSettings } from '../common/settings';

const SECTION = 'losslens';

const KEYS = ['enable', 'select', 'ignore', 'maxFileSizeKB', 'maxDiagnosticsPerFile', 'evaluator.maxElements', 'inlineValues', 'severity', 'run'] as const;

/**
 * Reads LossLens settings for a resource (or the window). Values of the wrong type fall back to
 * their defaults and are logged once per read, naming the setting.
 */
export function readSettings(log: vscode.LogOutputChannel, scope?: vscode.ConfigurationScope): LossLensSettings {
  const configuration = vscode.workspace.getConfiguration(SECTION, scope);
  const raw: Record<string, unknown> = {};
  for (const key of KEYS) raw[key] = configuration.get(key);
  const { settings, problems } = normalizeSettings(raw as RawSettings);
  for (const problem of problems) {
    log.warn(
      vscode.l10n.t(
        'Ignoring the value {0} of the setting "{1}": it is not valid, so the default is used.',
        JSON.stringify(problem.value),
        `${SECTION}.${problem.key}`,
      ),
    );
  }
  return settings;
}

export function affectsLossLens(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(SECTION);
}
