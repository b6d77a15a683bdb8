import * as l10n from '@vscode/l10n';
import { readFileSync, type Stats, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import picomatch from 'picomatch';
import { RULES } from '../analysis/rules';
import type { RuleSeverity } from '../common/settings';
import { CONFIG_FILE_NAMES, DEFAULT_EXCLUDE, VIRTUAL_ENVIRONMENT_MARKER } from './defaults';
import { ConfigError } from './errors';
import { Gitignores } from './gitignore';
import { type ConfigFileSettings, configErrorAt, type Located, parseConfigText, type PerFileIgnore, type SettingPlace } from './parse';
import { pathUnder, shownPath } from './paths';

export interface ProjectConfigOptions {
  /** `--config PATH`: this file's settings for every path (its globs still relative to its folder). */
  readonly configFile?: string;
  /** `--isolated`: read no configuration file; every path gets the defaults. */
  readonly isolated?: boolean;
  /** `--no-respect-gitignore` (false) or `--respect-gitignore` (true): wins over `respect-gitignore` in files. */
  readonly respectGitignore?: boolean;
  /**
   * The folder `configFile` is resolved from, paths in messages are relative to, and the project
   * root where no configuration file applies (Ruff's); the process's by default.
   */
  readonly cwd?: string;
}

/** Where a value comes from: LossLens's default, the caller's options (the command line), or a file and line. */
export type SettingSource = 'default' | 'option' | SettingPlace;

interface Sourced<T> {
  readonly value: T;
  readonly source: SettingSource;
}

/** One `select`, `extend-select` or `ignore` of a file, in the order they apply. */
interface RuleSelectionStep {
  readonly key: 'select' | 'extend-select' | 'ignore';
  readonly codes: readonly string[];
  readonly source: SettingPlace;
}

/** A configuration file merged with the files it extends: what every file it governs starts from. */
export interface Configuration {
  /** The configuration file, absolute; absent: none applies and these are the defaults. */
  readonly file?: string;
  /** The files it extends, nearest first. */
  readonly extends: readonly string[];
  /**
   * Every `select`, `extend-select` and `ignore` of the chain, the base file's first. They apply in
   * order from every rule (Ruff's layering): a `select` starts the set again, `extend-select` adds,
   * `ignore` removes; within a file in that order whatever order they are written in.
   */
  readonly ruleSelection: readonly RuleSelectionStep[];
  readonly perFileIgnores: Sourced<readonly PerFileIgnore[]>;
  /** `DEFAULT_EXCLUDE` (and virtual environments) unless a file sets `exclude`. */
  readonly exclude: Sourced<readonly string[]>;
  /** Every `extend-exclude` of the chain: they add up. */
  readonly extendExclude: readonly Located<readonly string[]>[];
  readonly respectGitignore: Sourced<boolean>;
  /** By rule code: a file's entries override those of the file it extends, code by code. */
  readonly severity: Readonly<Record<string, Located<RuleSeverity>>>;
  readonly maxFileSizeKb?: Located<number>;
}

/** The settings that apply to one file. */
export interface FileSettings {
  /** Rule codes to run; empty means every rule (the shape of `LossLensSettings.select`). */
  readonly select: readonly string[];
  /** Rule codes never to report; wins over `select`. */
  readonly ignore: readonly string[];
  /** What `select` and `ignore` come to: the rules that run on this file, in code order. */
  readonly rules: readonly string[];
  /** Only the rules whose severity the configuration changes. */
  readonly severity: Readonly<Record<string, RuleSeverity>>;
  /** Absent: the configuration sets no limit (the caller's applies). */
  readonly maxFileBytes?: number;
  /** Why the file is not to be checked (`excluded by extend-exclude "data/**" in pyproject.toml:4`), when it is not. */
  readonly excluded?: string;
  /** The `per-file-ignores` entries that match this file. */
  readonly perFileIgnores: readonly PerFileIgnore[];
  /** Where each value comes from. */
  readonly sources: Configuration;
}

/** A glob of `exclude`, `extend-exclude` or `per-file-ignores`, compiled, with the folder it is relative to. */
interface Glob {
  readonly pattern: string;
  /** Written with a `/`: matched against the path under `folder`; else against names. */
  readonly anchored: boolean;
  readonly matches: (path: string) => boolean;
  /** Absent for the defaults, which are relative to the project root of each path. */
  readonly folder?: string;
  /** The key that wrote it, and where; absent for the defaults. */
  readonly key?: 'exclude' | 'extend-exclude';
  readonly source?: SettingPlace;
}

/** A configuration with its globs compiled, as cached. */
interface Resolved {
  readonly configuration: Configuration;
  readonly excludes: readonly Glob[];
  readonly perFileIgnores: ReadonlyArray<{ readonly entry: PerFileIgnore; readonly glob: Glob }>;
}

const ALL_CODES: readonly string[] = RULES.map((rule) => rule.meta.code);

/**
 * The project configuration of a tree, Ruff's way: each path gets the nearest `.losslens.toml`,
 * `losslens.toml` or `pyproject.toml` with a `[tool.losslens]` table above it (no merging of
 * ancestors, only `extend`). Reads files synchronously and keeps what it read until `invalidate`
 * or `clear`, so a language server and each worker thread can hold one. Every mistake in a file is
 * a `ConfigError`, thrown each time a path it governs is asked about.
 */
export class ProjectConfig {
  private readonly cwd: string;
  private readonly configFile: string | undefined;
  /** Each configuration file read, by path: its settings, undefined for a pyproject.toml without the table, or its error. */
  private readonly files = new Map<string, ConfigFileSettings | undefined | ConfigError>();
  /** By configuration file. */
  private readonly resolved = new Map<string, Resolved | ConfigError>();
  /** The configuration file nearest each folder asked about; null: none up to the root. */
  private readonly nearest = new Map<string, string | null>();
  /** The nearest folder holding `.git` at or above each folder; null: none. */
  private readonly gitRoots = new Map<string, string | null>();
  private readonly virtualEnvironments = new Map<string, boolean>();
  private readonly gitignores = new Gitignores();
  private defaults: Resolved | undefined;
  private readonly display = (path: string): string => shownPath(path, this.cwd);

  constructor(private readonly options: ProjectConfigOptions = {}) {
    this.cwd = options.cwd ?? process.cwd();
    this.configFile = options.configFile === undefined ? undefined : resolve(this.cwd, options.configFile);
  }

  /** The settings for `path` (relative to `cwd`, or absolute). Throws `ConfigError` when the configuration that governs it is wrong. */
  settingsFor(path: string): FileSettings {
    const file = resolve(this.cwd, path);
    const resolved = this.resolvedFor(file);
    const { configuration } = resolved;
    // Ruff's way: a glob without a slash matches the file's name, one with a slash its path (or a folder on the way).
    const perFileIgnores = resolved.perFileIgnores
      .filter(({ glob }) => (glob.anchored ? matchesPath(glob, pathUnder(glob.folder!, file)) : glob.matches(basename(file))))
      .map(({ entry }) => entry);
    const rules = ruleSet(configuration.ruleSelection, perFileIgnores);
    const severity: Record<string, RuleSeverity> = {};
    for (const [code, level] of Object.entries(configuration.severity)) severity[code] = level.value;
    const maxFileSizeKb = configuration.maxFileSizeKb?.value;
    const excluded = this.exclusion(resolved, file, false);
    return {
      ...rules,
      severity,
      ...(maxFileSizeKb === undefined ? {} : { maxFileBytes: maxFileSizeKb * 1024 }),
      ...(excluded === undefined ? {} : { excluded }),
      perFileIgnores,
      sources: configuration,
    };
  }

  /**
   * Why `path` (a file or a folder, relative to `cwd` or absolute) is not to be checked, or undefined: an `exclude` or
   * `extend-exclude` glob (or a default), else a `.gitignore` when they are respected. For a
   * folder, whether to enter it at all.
   */
  excludedReason(path: string, isFolder: boolean): string | undefined {
    const absolute = resolve(this.cwd, path);
    return this.exclusion(this.resolvedFor(absolute), absolute, isFolder);
  }

  /** The configuration file that governs `path`, absolute; undefined when the defaults do. */
  configFileFor(path: string): string | undefined {
    return this.resolvedFor(resolve(this.cwd, path)).configuration.file;
  }

  /**
   * Forgets what was read from `path`: a configuration file (or one another extends), a
   * `.gitignore`, a `.git` or a `pyvenv.cfg` created, changed or deleted.
   */
  invalidate(path: string): void {
    const absolute = resolve(this.cwd, path);
    this.files.delete(absolute);
    // Which folders and configurations saw the file is not recorded: they are cheap to find again.
    this.resolved.clear();
    this.nearest.clear();
    if (basename(absolute) === '.gitignore') this.gitignores.invalidate(absolute);
    if (basename(absolute) === '.git') this.gitRoots.clear();
    if (basename(absolute) === VIRTUAL_ENVIRONMENT_MARKER) this.virtualEnvironments.clear();
  }

  /** Forgets everything read. */
  clear(): void {
    this.files.clear();
    this.resolved.clear();
    this.nearest.clear();
    this.gitRoots.clear();
    this.virtualEnvironments.clear();
    this.gitignores.clear();
  }

  /** `path`: absolute. */
  private resolvedFor(path: string): Resolved {
    if (this.options.isolated) return this.defaultResolved();
    if (this.configFile !== undefined) return this.resolve(this.configFile, []);
    const file = this.nearestConfigFile(dirname(path));
    return file === undefined ? this.defaultResolved() : this.resolve(file, []);
  }

  private nearestConfigFile(folder: string): string | undefined {
    const visited: string[] = [];
    let found: string | null | undefined;
    for (let current = folder; found === undefined; current = dirname(current)) {
      found = this.nearest.get(current);
      if (found !== undefined) break;
      visited.push(current);
      found = CONFIG_FILE_NAMES.map((name) => join(current, name)).find((candidate) => isFile(candidate) && this.read(candidate) !== undefined);
      if (found === undefined && dirname(current) === current) found = null;
    }
    for (const current of visited) this.nearest.set(current, found);
    return found ?? undefined;
  }

  /** A configuration file's own settings; undefined for a pyproject.toml without `[tool.losslens]`. */
  private read(file: string): ConfigFileSettings | undefined {
    let settings = this.files.get(file);
    if (!this.files.has(file)) {
      try {
        settings = parseConfigText(readFileSync(file, 'utf8'), file, this.display);
      } catch (error) {
        if (error instanceof ConfigError) settings = error;
        else {
          const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? l10n.t('no such file') : String((error as Error).message);
          settings = new ConfigError(`${this.display(file)}: ${l10n.t('cannot read it: {0}', reason)}`, file);
        }
      }
      this.files.set(file, settings);
    }
    if (settings instanceof ConfigError) throw settings;
    return settings;
  }

  /** `file` merged with what it extends. `extendedFrom`: the files that extend it, on the way here. */
  private resolve(file: string, extendedFrom: readonly string[]): Resolved {
    const cached = this.resolved.get(file);
    if (cached instanceof ConfigError) throw cached;
    if (cached) return cached;
    try {
      const settings = this.read(file);
      if (!settings) throw new ConfigError(`${this.display(file)}: ${l10n.t('it has no [tool.losslens] table')}`, file);
      let base = this.defaultResolved();
      if (settings.extend) base = this.resolveExtended(settings.extend, [...extendedFrom, file]);
      const resolved = this.compile(merge(base.configuration, settings, this.options.respectGitignore));
      this.resolved.set(file, resolved);
      return resolved;
    } catch (error) {
      if (error instanceof ConfigError) this.resolved.set(file, error);
      throw error;
    }
  }

  private resolveExtended(extend: Located<string>, chain: readonly string[]): Resolved {
    const target = extend.value;
    const fail = (message: string): ConfigError => configErrorAt(extend.source, 'extend', message, this.display);
    if (chain.includes(target)) throw fail(l10n.t('"extend" makes a cycle: {0}', [...chain, target].map(this.display).join(' -> ')));
    if (!isFile(target)) throw fail(l10n.t('"extend" names {0}, which does not exist', this.display(target)));
    if (this.read(target) === undefined) throw fail(l10n.t('"extend" names {0}, which has no [tool.losslens] table', this.display(target)));
    return this.resolve(target, chain);
  }

  private defaultResolved(): Resolved {
    this.defaults ??= this.compile({
      extends: [],
      ruleSelection: [],
      perFileIgnores: { value: [], source: 'default' },
      exclude: { value: DEFAULT_EXCLUDE, source: 'default' },
      extendExclude: [],
      respectGitignore:
        this.options.respectGitignore === undefined ? { value: true, source: 'default' } : { value: this.options.respectGitignore, source: 'option' },
      severity: {},
    });
    return this.defaults;
  }

  private compile(configuration: Configuration): Resolved {
    const { exclude, extendExclude, perFileIgnores } = configuration;
    const written = (key: 'exclude' | 'extend-exclude', patterns: readonly string[], source: SettingPlace): Glob[] =>
      patterns.map((pattern) => ({ ...compileGlob(pattern), folder: dirname(source.file), key, source }));
    return {
      configuration,
      excludes: [
        ...(typeof exclude.source === 'string' ? exclude.value.map(compileGlob) : written('exclude', exclude.value, exclude.source)),
        ...extendExclude.flatMap(({ value, source }) => written('extend-exclude', value, source)),
      ],
      perFileIgnores: perFileIgnores.value.map((entry) => ({ entry, glob: { ...compileGlob(entry.pattern), folder: dirname(entry.source.file) } })),
    };
  }

  private exclusion(resolved: Resolved, path: string, isFolder: boolean): string | undefined {
    const { configuration } = resolved;
    const projectRoot = configuration.file === undefined ? this.cwd : dirname(configuration.file);
    for (const glob of resolved.excludes) {
      const under = pathUnder(glob.folder ?? projectRoot, path);
      // A glob without a slash matches a name anywhere: the path's own or a folder's on the way to it.
      const matched = glob.anchored ? matchesPath(glob, under) : (under?.split('/') ?? [basename(path)]).some((name) => glob.matches(name));
      if (!matched) continue;
      if (glob.source === undefined) return l10n.t('excluded by the default exclude "{0}"', glob.pattern);
      return l10n.t('excluded by {0} "{1}" in {2}', glob.key!, glob.pattern, `${this.display(glob.source.file)}:${glob.source.line}`);
    }
    if (configuration.exclude.source === 'default') {
      const environment = this.virtualEnvironmentAround(projectRoot, path, isFolder);
      if (environment) return l10n.t('excluded by default: {0} is a virtual environment (it holds {1})', this.display(environment), VIRTUAL_ENVIRONMENT_MARKER);
    }
    if (configuration.respectGitignore.value) {
      const root = this.gitRoot(dirname(path)) ?? projectRoot;
      const match = this.gitignores.match(root, path, isFolder);
      if (match) return l10n.t('ignored by "{0}" in {1}', match.pattern, `${this.display(match.file)}:${match.line}`);
    }
    return undefined;
  }

  /** The virtual environment `path` is in (or is), below `root`; outside it, only the path's own folder counts. */
  private virtualEnvironmentAround(root: string, path: string, isFolder: boolean): string | undefined {
    const folders: string[] = [];
    for (let folder = isFolder ? path : dirname(path); folder !== root && dirname(folder) !== folder; folder = dirname(folder)) {
      folders.push(folder);
      if (pathUnder(root, folder) === undefined) break;
    }
    return folders.find((folder) => {
      let holds = this.virtualEnvironments.get(folder);
      if (holds === undefined) {
        holds = isFile(join(folder, VIRTUAL_ENVIRONMENT_MARKER));
        this.virtualEnvironments.set(folder, holds);
      }
      return holds;
    });
  }

  private gitRoot(folder: string): string | undefined {
    const visited: string[] = [];
    let root: string | null | undefined;
    for (let current = folder; root === undefined; current = dirname(current)) {
      root = this.gitRoots.get(current);
      if (root !== undefined) break;
      visited.push(current);
      if (exists(join(current, '.git'))) root = current;
      else if (dirname(current) === current) root = null;
    }
    for (const current of visited) this.gitRoots.set(current, root);
    return root ?? undefined;
  }
}

/** `base` overridden by what `settings` writes, key by key (`extend-exclude` and rule selection add up). */
function merge(base: Configuration, settings: ConfigFileSettings, respectGitignore: boolean | undefined): Configuration {
  const steps: RuleSelectionStep[] = [];
  if (settings.select) steps.push({ key: 'select', codes: settings.select.value, source: settings.select.source });
  if (settings.extendSelect) steps.push({ key: 'extend-select', codes: settings.extendSelect.value, source: settings.extendSelect.source });
  if (settings.ignore) steps.push({ key: 'ignore', codes: settings.ignore.value, source: settings.ignore.source });
  const maxFileSizeKb = settings.maxFileSizeKb ?? base.maxFileSizeKb;
  return {
    file: settings.file,
    extends: base.file === undefined ? [] : [base.file, ...base.extends],
    ruleSelection: [...base.ruleSelection, ...steps],
    perFileIgnores: settings.perFileIgnores ?? base.perFileIgnores,
    exclude: settings.exclude ?? base.exclude,
    extendExclude: settings.extendExclude ? [...base.extendExclude, settings.extendExclude] : base.extendExclude,
    // The caller's choice (the command line) wins over every file.
    respectGitignore: respectGitignore === undefined ? (settings.respectGitignore ?? base.respectGitignore) : { value: respectGitignore, source: 'option' },
    severity: { ...base.severity, ...settings.severity },
    ...(maxFileSizeKb === undefined ? {} : { maxFileSizeKb }),
  };
}

/**
 * The rules that run, and the same as `select` and `ignore` the way `LossLensSettings` holds them:
 * a configuration that never selects keeps `select` empty (every rule) and names what it turns off.
 */
function ruleSet(steps: readonly RuleSelectionStep[], perFileIgnores: readonly PerFileIgnore[]): Pick<FileSettings, 'select' | 'ignore' | 'rules'> {
  const enabled = new Set(ALL_CODES);
  for (const step of steps) {
    if (step.key === 'select') enabled.clear();
    for (const code of step.codes) {
      if (step.key === 'ignore') enabled.delete(code);
      else enabled.add(code);
    }
  }
  for (const entry of perFileIgnores) for (const code of entry.codes) enabled.delete(code);
  const rules = ALL_CODES.filter((code) => enabled.has(code));
  const off = ALL_CODES.filter((code) => !enabled.has(code));
  // An empty `select` would mean every rule: with none enabled, every rule is ignored instead.
  if (rules.length === 0 || !steps.some((step) => step.key === 'select')) return { select: [], ignore: off, rules };
  return { select: rules, ignore: [], rules };
}

/**
 * Ruff's glob forms: with a `/` (`data/**`, `/build`, `./x.py`) relative to the configuration's
 * folder; without one (`*.ipynb`, `build/`), a name anywhere.
 */
function compileGlob(pattern: string): Glob {
  const trimmed = pattern.replace(/\/+$/, '');
  const anchored = trimmed.includes('/');
  return { pattern, anchored, matches: picomatch(trimmed.replace(/^\.?\//, ''), { dot: true }) };
}

/** Whether an anchored glob matches `path` (relative, `/`-separated) or a folder on the way to it. */
function matchesPath(glob: Glob, path: string | undefined): boolean {
  if (path === undefined) return false;
  const parts = path.split('/');
  return parts.some((_, index) => glob.matches(parts.slice(0, index + 1).join('/')));
}

function isFile(path: string): boolean {
  return stat(path)?.isFile() ?? false;
}

function exists(path: string): boolean {
  return stat(path) !== undefined;
}

/** What is at `path`; undefined when nothing is, or nothing this process may look at. */
function stat(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}
