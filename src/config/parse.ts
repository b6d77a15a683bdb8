import * as l10n from '@vscode/l10n';
import { basename, dirname, resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { RULES } from '../analysis/rules';
import type { RuleSeverity } from '../common/settings';
import { ConfigError } from './errors';
import { TomlPlaces } from './toml-lines';

/** Where a value is written: a configuration file, absolute, and a 1-based line. */
export interface SettingPlace {
  readonly file: string;
  readonly line: number;
}

/** A value and where it is written. */
export interface Located<T> {
  readonly value: T;
  readonly source: SettingPlace;
}

/** One `per-file-ignores` entry: the codes not reported in files matching `pattern`. */
export interface PerFileIgnore {
  readonly pattern: string;
  readonly codes: readonly string[];
  readonly source: SettingPlace;
}

/** The LossLens settings one file writes, checked; each with its place. Absent: not written there. */
export interface ConfigFileSettings {
  readonly file: string;
  /** The file it extends, absolute. */
  readonly extend?: Located<string>;
  readonly select?: Located<readonly string[]>;
  readonly extendSelect?: Located<readonly string[]>;
  readonly ignore?: Located<readonly string[]>;
  readonly perFileIgnores?: Located<readonly PerFileIgnore[]>;
  readonly exclude?: Located<readonly string[]>;
  readonly extendExclude?: Located<readonly string[]>;
  readonly respectGitignore?: Located<boolean>;
  /** By rule code, each where it is written. */
  readonly severity?: Readonly<Record<string, Located<RuleSeverity>>>;
  readonly maxFileSizeKb?: Located<number>;
}

/** The keys of the LossLens table, as written. */
const CONFIG_KEYS = [
  'extend',
  'select',
  'extend-select',
  'ignore',
  'per-file-ignores',
  'exclude',
  'extend-exclude',
  'respect-gitignore',
  'severity',
  'max-file-size-kb',
] as const;

const SEVERITIES: readonly RuleSeverity[] = ['error', 'warning', 'information', 'hint'];

/** The table `pyproject.toml` keeps LossLens settings in. */
const PYPROJECT_TABLE: readonly string[] = ['tool', 'losslens'];

/**
 * Reads the LossLens settings of a configuration file's text: `[tool.losslens]` of a
 * `pyproject.toml`, the top level of any other file. Undefined for a `pyproject.toml` without that
 * table (it is not a LossLens configuration). `display` names files in messages.
 */
export function parseConfigText(text: string, file: string, display: (path: string) => string): ConfigFileSettings | undefined {
  const isPyproject = basename(file) === 'pyproject.toml';
  // Another tool's pyproject.toml, even a broken one, is none of LossLens's business.
  if (isPyproject && !text.includes('losslens')) return undefined;
  let document: Record<string, unknown>;
  try {
    document = parse(text);
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const detail = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new ConfigError(`${display(file)}:${error.line}:${error.column}: ${l10n.t('TOML syntax error: {0}', detail)}`, file, error.line);
  }
  const reader = new SettingsReader(file, new TomlPlaces(text), isPyproject ? PYPROJECT_TABLE : [], display);
  if (!isPyproject) return reader.read(document);
  const tool = document.tool;
  if (!isTable(tool) || tool.losslens === undefined) return undefined;
  if (!isTable(tool.losslens)) throw reader.fail([], l10n.t('"{0}" must be a table, not {1}', 'tool.losslens', describe(tool.losslens)));
  return reader.read(tool.losslens);
}

/** A `ConfigError` about `key` of the LossLens table of `place.file`, at `place.line`. */
export function configErrorAt(place: SettingPlace, key: string, message: string, display: (path: string) => string): ConfigError {
  const section = basename(place.file) === 'pyproject.toml' ? `[${PYPROJECT_TABLE.join('.')}] ` : '';
  return new ConfigError(`${display(place.file)}:${place.line}: ${section}${message}`, place.file, place.line, key);
}

/** Checks one LossLens table key by key; every mistake is a `ConfigError` at its line. */
class SettingsReader {
  private readonly knownCodes = RULES.map((rule) => rule.meta.code);

  constructor(
    private readonly file: string,
    private readonly places: TomlPlaces,
    /** Where the LossLens table sits in the document. */
    private readonly table: readonly string[],
    private readonly display: (path: string) => string,
  ) {}

  read(table: Record<string, unknown>): ConfigFileSettings {
    const known: readonly string[] = CONFIG_KEYS;
    for (const key of Object.keys(table)) {
      if (!known.includes(key)) throw this.fail([key], l10n.t('unknown key "{0}"; known keys: {1}', key, CONFIG_KEYS.join(', ')));
    }
    const located = <T>(key: string, check: (value: unknown) => T): Located<T> | undefined =>
      table[key] === undefined ? undefined : { value: check(table[key]), source: this.place([key]) };
    return {
      file: this.file,
      extend: located('extend', (value) => this.path('extend', value)),
      select: located('select', (value) => this.codes(['select'], value)),
      extendSelect: located('extend-select', (value) => this.codes(['extend-select'], value)),
      ignore: located('ignore', (value) => this.codes(['ignore'], value)),
      perFileIgnores: located('per-file-ignores', (value) => this.perFileIgnores(value)),
      exclude: located('exclude', (value) => this.patterns('exclude', value)),
      extendExclude: located('extend-exclude', (value) => this.patterns('extend-exclude', value)),
      respectGitignore: located('respect-gitignore', (value) => this.flag('respect-gitignore', value)),
      severity: table.severity === undefined ? undefined : this.severity(table.severity),
      maxFileSizeKb: located('max-file-size-kb', (value) => this.kilobytes('max-file-size-kb', value)),
    };
  }

  /** A `ConfigError` at `key` (a path under the LossLens table), at the line of `item` in its value when given. */
  fail(key: readonly string[], message: string, item?: string): ConfigError {
    const path = [...this.table, ...key];
    const line = item === undefined ? this.places.lineOf(path) : this.places.lineOfItem(path, item);
    // The table the key is in, as a header would name it; the top level of losslens.toml has none.
    const section = key.length > 1 || (key.length === 1 && this.table.length > 0) ? `[${[...this.table, ...key.slice(0, -1)].join('.')}] ` : '';
    return new ConfigError(`${this.display(this.file)}:${line}: ${section}${message}`, this.file, line, key.join('.') || undefined);
  }

  private place(key: readonly string[]): SettingPlace {
    return { file: this.file, line: this.places.lineOf([...this.table, ...key]) };
  }

  private path(key: string, value: unknown): string {
    if (typeof value !== 'string' || value.trim() === '') {
      throw this.fail([key], l10n.t('"{0}" must be the path of a configuration file, not {1}', key, describe(value)));
    }
    return resolve(dirname(this.file), value);
  }

  /** Rule codes, each once, in the order written. */
  private codes(key: readonly string[], value: unknown): string[] {
    const name = key[key.length - 1]!;
    if (!Array.isArray(value)) throw this.fail(key, l10n.t('"{0}" must be a list of rule codes, not {1}', name, describe(value)));
    const codes: string[] = [];
    for (const item of value) {
      if (typeof item !== 'string') {
        throw this.fail(key, l10n.t('"{0}" must be a list of rule codes, not {1}', name, l10n.t('a list holding {0}', describe(item))));
      }
      if (!this.knownCodes.includes(item)) {
        throw this.fail(key, l10n.t('unknown rule code "{0}" in "{1}"; known codes: {2}', item, name, this.knownCodes.join(', ')), item);
      }
      if (!codes.includes(item)) codes.push(item);
    }
    return codes;
  }

  private patterns(key: string, value: unknown): string[] {
    const wrong = (what: string): ConfigError => this.fail([key], l10n.t('"{0}" must be a list of glob patterns, not {1}', key, what));
    if (!Array.isArray(value)) throw wrong(describe(value));
    for (const item of value) {
      if (typeof item !== 'string' || item.trim() === '') throw wrong(l10n.t('a list holding {0}', describe(item)));
    }
    return value as string[];
  }

  private perFileIgnores(value: unknown): PerFileIgnore[] {
    const key = 'per-file-ignores';
    if (!isTable(value)) throw this.fail([key], l10n.t('"{0}" must be a table of glob patterns to lists of rule codes, not {1}', key, describe(value)));
    return Object.entries(value).map(([pattern, codes]) => {
      if (pattern.trim() === '') throw this.fail([key, pattern], l10n.t('a glob pattern cannot be empty'));
      return { pattern, codes: this.codes([key, pattern], codes), source: this.place([key, pattern]) };
    });
  }

  private flag(key: string, value: unknown): boolean {
    if (typeof value !== 'boolean') throw this.fail([key], l10n.t('"{0}" must be true or false, not {1}', key, describe(value)));
    return value;
  }

  private kilobytes(key: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw this.fail([key], l10n.t('"{0}" must be a positive whole number of kilobytes, not {1}', key, describe(value)));
    }
    return value;
  }

  private severity(value: unknown): Record<string, Located<RuleSeverity>> {
    const key = 'severity';
    if (!isTable(value)) throw this.fail([key], l10n.t('"{0}" must be a table of rule codes to severities, not {1}', key, describe(value)));
    const severity: Record<string, Located<RuleSeverity>> = {};
    for (const [code, level] of Object.entries(value)) {
      if (!this.knownCodes.includes(code)) throw this.fail([key, code], l10n.t('unknown rule code "{0}"; known codes: {1}', code, this.knownCodes.join(', ')));
      if (typeof level !== 'string' || !(SEVERITIES as readonly string[]).includes(level)) {
        const choices = SEVERITIES.map((choice) => `"${choice}"`).join(', ');
        throw this.fail([key, code], l10n.t('"{0}" must be one of {1}, not {2}', code, choices, describe(level)));
      }
      severity[code] = { value: level as RuleSeverity, source: this.place([key, code]) };
    }
    return severity;
  }
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A TOML value as a message shows it: scalars as written, the others by their kind. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return l10n.t('a list');
  if (value instanceof Date) return l10n.t('a date');
  return l10n.t('a table');
}
