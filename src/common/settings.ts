import { MAX_ELEMENTS_CAP } from '../losses/evaluate';
/**
 * The settings LossLens reads, as plain data. `src/extension/config.ts` fills this from
 * `vscode.workspace.getConfiguration`; the CLI fills it from flags. Normalisation lives here so both
 * agree on what a malformed value means.
 */
export interface LossLensSettings {
  readonly enable: boolean;
  /** Rule codes to run; empty means every rule. */
  readonly select: readonly string[];
  /** Rule codes never to report; wins over `select`. */
  readonly ignore: readonly string[];
  readonly maxFileSizeBytes: number;
  /**
   * At most this many findings of one document are published as diagnostics (the most severe
   * first, as VS Code, which shows at most 1,000 a file, picks them); a note counts the rest.
   */
  readonly maxDiagnosticsPerFile: number;
  readonly evaluatorMaxElements: number;
  /** Show `= tensor(...)` after loss calls whose tensors are literals. */
  readonly inlineValues: boolean;
  /** The severity findings of a rule are shown with, where it differs from the rule's own. */
  readonly severity: Readonly<Record<string, RuleSeverity>>;
  /** Analyse as the text changes (`onType`) or when it is saved (`onSave`). */
  readonly run: 'onType' | 'onSave';
  /**
   * Why a document under these settings is not analysed, when it is not: the project's
   * configuration excludes it, or cannot be read (the language server's, per document).
   */
  readonly skip?: string;
}

export type RuleSeverity = 'error' | 'warning' | 'information' | 'hint';
const SEVERITIES: readonly string[] = ['error', 'warning', 'information', 'hint'];

export const DEFAULT_SETTINGS: LossLensSettings = {
  enable: true,
  select: [],
  ignore: [],
  maxFileSizeBytes: 2048 * 1024,
  maxDiagnosticsPerFile: 1000,
  evaluatorMaxElements: 50_000_000,
  inlineValues: true,
  severity: {},
  run: 'onType',
};

const RULE_CODE = /^LL\d{3}$/;

export interface RawSettings {
  readonly enable?: unknown;
  readonly select?: unknown;
  readonly ignore?: unknown;
  readonly maxFileSizeKB?: unknown;
  readonly maxDiagnosticsPerFile?: unknown;
  readonly 'evaluator.maxElements'?: unknown;
  readonly inlineValues?: unknown;
  readonly severity?: unknown;
  readonly run?: unknown;
}

export interface SettingsProblem {
  readonly key: string;
  readonly value: unknown;
}

/**
 * Turns raw configuration values into settings. A value of the wrong type falls back to its default
 * and is reported, so the caller can tell the user which setting it ignored instead of failing.
 */
export function normalizeSettings(raw: RawSettings): { settings: LossLensSettings; problems: SettingsProblem[] } {
  const problems: SettingsProblem[] = [];
  const flag = (key: keyof RawSettings, fallback: boolean): boolean => {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value === 'boolean') return value;
    problems.push({ key, value });
    return fallback;
  };
  const codes = (key: 'select' | 'ignore'): string[] => {
    const value = raw[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      problems.push({ key, value });
      return [];
    }
    const result: string[] = [];
    for (const item of value) {
      const code = typeof item === 'string' ? item.trim().toUpperCase() : '';
      if (RULE_CODE.test(code)) {
        if (!result.includes(code)) result.push(code);
      } else {
        problems.push({ key, value: item });
      }
    }
    return result;
  };
  const positiveInteger = (key: keyof RawSettings, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= max) return value;
    problems.push({ key, value });
    return fallback;
  };
  const severities = (): Record<string, RuleSeverity> => {
    const value = raw.severity;
    const result: Record<string, RuleSeverity> = Object.create(null) as Record<string, RuleSeverity>;
    if (value === undefined) return result;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.push({ key: 'severity', value });
      return result;
    }
    for (const [code, level] of Object.entries(value)) {
      if (RULE_CODE.test(code) && typeof level === 'string' && SEVERITIES.includes(level)) result[code] = level as RuleSeverity;
      else problems.push({ key: 'severity', value: { [code]: level } });
    }
    return result;
  };
  const runMode = (): 'onType' | 'onSave' => {
    const value = raw.run;
    if (value === undefined) return DEFAULT_SETTINGS.run;
    if (value === 'onType' || value === 'onSave') return value;
    problems.push({ key: 'run', value });
    return DEFAULT_SETTINGS.run;
  };
  const settings: LossLensSettings = {
    enable: flag('enable', DEFAULT_SETTINGS.enable),
    select: codes('select'),
    ignore: codes('ignore'),
    maxFileSizeBytes: positiveInteger('maxFileSizeKB', DEFAULT_SETTINGS.maxFileSizeBytes / 1024) * 1024,
    maxDiagnosticsPerFile: positiveInteger('maxDiagnosticsPerFile', DEFAULT_SETTINGS.maxDiagnosticsPerFile),
    evaluatorMaxElements: positiveInteger('evaluator.maxElements', DEFAULT_SETTINGS.evaluatorMaxElements, MAX_ELEMENTS_CAP),
    inlineValues: flag('inlineValues', DEFAULT_SETTINGS.inlineValues),
    severity: severities(),
    run: runMode(),
  };
  return { settings, problems };
}

/** Whether findings of `code` are reported under these settings. */
export function isRuleEnabled(settings: Pick<LossLensSettings, 'select' | 'ignore'>, code: string): boolean {
  if (settings.ignore.includes(code)) return false;
  return settings.select.length === 0 || settings.select.includes(code);
}
