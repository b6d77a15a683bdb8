import { mkdirSync, mkdtempSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RULES } from '../../src/analysis/rules';
import { ConfigError, isConfigFileName, ProjectConfig, type ProjectConfigOptions, renderSettings } from '../../src/config';

const ALL = RULES.map((rule) => rule.meta.code);
const roots: string[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A temporary folder holding `files` (path under it -> text); its real path. */
function tree(files: Record<string, string>): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'losslens-config-')));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) write(root, path, text);
  return root;
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A `ProjectConfig` whose messages name paths relative to `root`. */
function configIn(root: string, options: ProjectConfigOptions = {}): ProjectConfig {
  return new ProjectConfig({ cwd: root, ...options });
}

/** The error `run` throws, which must be a `ConfigError`. */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('no ConfigError was thrown');
}

describe('finding the configuration of a file', () => {
  it('takes the nearest configuration file and does not merge it with those above', () => {
    const root = tree({
      'pyproject.toml': '[tool.losslens]\nselect = ["LL001", "LL002"]\nseverity = { LL001 = "hint" }\n',
      'sub/losslens.toml': 'select = ["LL003"]\n',
    });
    const config = configIn(root);
    expect(config.settingsFor(join(root, 'train.py'))).toMatchObject({ rules: ['LL001', 'LL002'], severity: { LL001: 'hint' } });
    expect(config.settingsFor(join(root, 'sub', 'deep', 'train.py'))).toMatchObject({ rules: ['LL003'], severity: {} });
    expect(config.configFileFor(join(root, 'sub', 'deep', 'train.py'))).toBe(join(root, 'sub', 'losslens.toml'));
  });

  it('prefers .losslens.toml, then losslens.toml, then pyproject.toml in one folder', () => {
    const root = tree({
      '.losslens.toml': 'select = ["LL001"]\n',
      'losslens.toml': 'select = ["LL002"]\n',
      'pyproject.toml': '[tool.losslens]\nselect = ["LL003"]\n',
    });
    const config = configIn(root);
    const file = join(root, 'train.py');
    expect(config.settingsFor(file).rules).toEqual(['LL001']);
    unlinkSync(join(root, '.losslens.toml'));
    config.invalidate(join(root, '.losslens.toml'));
    expect(config.settingsFor(file).rules).toEqual(['LL002']);
    unlinkSync(join(root, 'losslens.toml'));
    config.invalidate(join(root, 'losslens.toml'));
    expect(config.settingsFor(file).rules).toEqual(['LL003']);
  });

  it('passes over a pyproject.toml without a [tool.losslens] table, even a broken one', () => {
    const root = tree({
      'losslens.toml': 'select = ["LL004"]\n',
      'a/pyproject.toml': '[tool.black]\nline-length = 100\n',
      'a/b/pyproject.toml': '[tool.black\n',
    });
    const file = join(root, 'a', 'b', 'train.py');
    expect(configIn(root).settingsFor(file).rules).toEqual(['LL004']);
    expect(configIn(root).configFileFor(file)).toBe(join(root, 'losslens.toml'));
  });

  it('gives every rule and no configuration file when none is found', () => {
    const root = tree({ 'pyproject.toml': '[project]\nname = "demo"\n' });
    const settings = configIn(root).settingsFor(join(root, 'train.py'));
    expect(settings).toMatchObject({ select: [], ignore: [], rules: ALL, severity: {}, perFileIgnores: [] });
    expect(settings.maxFileBytes).toBeUndefined();
    expect(settings.sources.file).toBeUndefined();
  });

  it('reads a changed configuration file again after invalidate, and only then', () => {
    const root = tree({ 'losslens.toml': 'select = ["LL001"]\n' });
    const config = configIn(root);
    const file = join(root, 'train.py');
    expect(config.settingsFor(file).rules).toEqual(['LL001']);
    write(root, 'losslens.toml', 'select = ["LL002"]\n');
    expect(config.settingsFor(file).rules).toEqual(['LL001']);
    config.invalidate(join(root, 'losslens.toml'));
    expect(config.settingsFor(file).rules).toEqual(['LL002']);
    write(root, 'sub/.losslens.toml', 'select = ["LL005"]\n');
    config.invalidate(join(root, 'sub', '.losslens.toml'));
    expect(config.settingsFor(join(root, 'sub', 'x.py')).rules).toEqual(['LL005']);
  });

  it('tells configuration file names from other files', () => {
    expect(['/p/pyproject.toml', '/p/losslens.toml', '/p/.losslens.toml'].map(isConfigFileName)).toEqual([true, true, true]);
    expect(['/p/ruff.toml', '/p/losslens.toml.bak', '/p/setup.cfg'].map(isConfigFileName)).toEqual([false, false, false]);
  });
});

describe('rule selection', () => {
  it('lets ignore win over select and extend-select within a file', () => {
    const root = tree({ 'losslens.toml': 'ignore = ["LL002"]\nselect = ["LL001", "LL002"]\nextend-select = ["LL003"]\n' });
    expect(configIn(root).settingsFor(join(root, 'x.py'))).toMatchObject({ select: ['LL001', 'LL003'], ignore: [], rules: ['LL001', 'LL003'] });
  });

  it('keeps select empty (every rule) and lists what is turned off when nothing selects', () => {
    const root = tree({ 'losslens.toml': 'ignore = ["LL010", "LL002"]\n' });
    const settings = configIn(root).settingsFor(join(root, 'x.py'));
    expect(settings.select).toEqual([]);
    expect(settings.ignore).toEqual(['LL002', 'LL010']);
    expect(settings.rules).toEqual(ALL.filter((code) => code !== 'LL002' && code !== 'LL010'));
  });

  it('runs no rule for select = [] (an empty select would mean every rule, so every rule is ignored)', () => {
    const root = tree({ 'losslens.toml': 'select = []\n' });
    expect(configIn(root).settingsFor(join(root, 'x.py'))).toMatchObject({ select: [], ignore: ALL, rules: [] });
  });
});

describe('extend', () => {
  it('inherits the extended file, its own keys overriding and severity merged code by code', () => {
    const root = tree({
      'base/base.toml': [
        'select = ["LL001", "LL002", "LL004"]',
        'ignore = ["LL004"]',
        'max-file-size-kb = 10',
        'respect-gitignore = false',
        'extend-exclude = ["data/**"]',
        '[severity]',
        'LL001 = "hint"',
        'LL002 = "error"',
        '',
      ].join('\n'),
      'project/pyproject.toml': [
        '[tool.losslens]',
        'extend = "../base/base.toml"',
        'extend-select = ["LL003"]',
        'max-file-size-kb = 20',
        'extend-exclude = ["scratch/**"]',
        'severity = { LL002 = "warning" }',
        '',
      ].join('\n'),
    });
    const config = configIn(root);
    const settings = config.settingsFor(join(root, 'project', 'train.py'));
    expect(settings).toMatchObject({ rules: ['LL001', 'LL002', 'LL003'], severity: { LL001: 'hint', LL002: 'warning' }, maxFileBytes: 20 * 1024 });
    expect(settings.sources.extends).toEqual([join(root, 'base', 'base.toml')]);
    expect(settings.sources.respectGitignore).toEqual({ value: false, source: { file: join(root, 'base', 'base.toml'), line: 4 } });
    expect(settings.sources.severity.LL002!.source).toEqual({ file: join(root, 'project', 'pyproject.toml'), line: 6 });
    // Each extend-exclude is relative to the file that writes it, and both apply.
    const given = configIn(root, { configFile: 'project/pyproject.toml' });
    expect(given.excludedReason(join(root, 'base', 'data', 'x.py'), false)).toBe('excluded by extend-exclude "data/**" in base/base.toml:5');
    expect(given.excludedReason(join(root, 'project', 'data', 'x.py'), false)).toBeUndefined();
    expect(config.excludedReason(join(root, 'project', 'scratch', 'x.py'), false)).toBe('excluded by extend-exclude "scratch/**" in project/pyproject.toml:5');
  });

  it('follows a chain, and a select in the extending file starts the selection again', () => {
    const root = tree({
      'a.toml': 'ignore = ["LL001"]\nseverity = { LL005 = "hint" }\n',
      'b.toml': 'extend = "a.toml"\nextend-select = ["LL001"]\nignore = ["LL002"]\n',
      'losslens.toml': 'extend = "b.toml"\nselect = ["LL002", "LL003"]\n',
    });
    const settings = configIn(root).settingsFor(join(root, 'x.py'));
    expect(settings.rules).toEqual(['LL002', 'LL003']);
    expect(settings.severity).toEqual({ LL005: 'hint' });
    expect(settings.sources.extends).toEqual([join(root, 'b.toml'), join(root, 'a.toml')]);
    expect(configIn(root, { configFile: 'b.toml' }).settingsFor(join(root, 'x.py')).rules).toEqual(ALL.filter((code) => code !== 'LL002'));
  });

  it('reports a cycle at the extend that closes it', () => {
    const root = tree({ '.losslens.toml': 'extend = "other.toml"\n', 'other.toml': 'select = ["LL001"]\n\nextend = ".losslens.toml"\n' });
    const error = configError(() => configIn(root).settingsFor(join(root, 'x.py')));
    expect(error.message).toBe('other.toml:3: "extend" makes a cycle: .losslens.toml -> other.toml -> .losslens.toml');
    expect([error.file, error.line, error.key]).toEqual([join(root, 'other.toml'), 3, 'extend']);
  });

  it('reports an extended file that does not exist, or a pyproject.toml without the table', () => {
    const missing = tree({ 'pyproject.toml': '[tool.losslens]\nselect = ["LL001"]\nextend = "nowhere/base.toml"\n' });
    expect(configError(() => configIn(missing).settingsFor(join(missing, 'x.py'))).message).toBe(
      'pyproject.toml:3: [tool.losslens] "extend" names nowhere/base.toml, which does not exist',
    );
    const tableless = tree({ 'losslens.toml': 'extend = "other/pyproject.toml"\n', 'other/pyproject.toml': '[tool.black]\n' });
    expect(configError(() => configIn(tableless).settingsFor(join(tableless, 'x.py'))).message).toBe(
      'losslens.toml:1: "extend" names other/pyproject.toml, which has no [tool.losslens] table',
    );
  });
});

describe('per-file-ignores', () => {
  const root = (): string =>
    tree({
      'project/pyproject.toml': [
        '[tool.losslens.per-file-ignores]',
        '"test_*.py" = ["LL001"]',
        '"scripts/**" = ["LL002", "LL003"]',
        '"notebooks/*.py" = ["LL004"]',
        '',
      ].join('\n'),
    });

  it('matches a glob without a slash against the file name in any folder', () => {
    const project = join(root(), 'project');
    const settings = configIn(project).settingsFor(join(project, 'tests', 'unit', 'test_loss.py'));
    expect(settings.rules).toEqual(ALL.filter((code) => code !== 'LL001'));
    expect(settings.ignore).toEqual(['LL001']);
    expect(settings.perFileIgnores.map((entry) => [entry.pattern, entry.source.line])).toEqual([['test_*.py', 2]]);
    expect(configIn(project).settingsFor(join(project, 'tests', 'loss_test.py')).rules).toEqual(ALL);
  });

  it('matches a glob with a slash against the path under the configuration file', () => {
    const project = join(root(), 'project');
    const config = configIn(project);
    expect(config.settingsFor(join(project, 'scripts', 'a', 'run.py')).ignore).toEqual(['LL002', 'LL003']);
    expect(config.settingsFor(join(project, 'src', 'scripts', 'run.py')).ignore).toEqual([]);
    expect(config.settingsFor(join(project, 'notebooks', 'nb.py')).ignore).toEqual(['LL004']);
    expect(config.settingsFor(join(dirname(project), 'scripts', 'run.py')).ignore).toEqual([]);
  });

  it('are replaced, not merged, by an extending file', () => {
    const base = tree({
      'base.toml': '[per-file-ignores]\n"*.py" = ["LL001"]\n',
      'losslens.toml': 'extend = "base.toml"\nper-file-ignores = { "x.py" = ["LL002"] }\n',
    });
    expect(configIn(base).settingsFor(join(base, 'x.py')).ignore).toEqual(['LL002']);
    expect(configIn(base).settingsFor(join(base, 'y.py')).ignore).toEqual([]);
  });
});

describe('exclude and extend-exclude', () => {
  it('excludes the default folders and virtual environments under the project', () => {
    const root = tree({ 'losslens.toml': 'extend-exclude = ["data/**"]\n', 'env/pyvenv.cfg': 'home = /usr/bin\n' });
    const config = configIn(root);
    expect(config.settingsFor(join(root, 'node_modules', 'pkg', 'a.py')).excluded).toBe('excluded by the default exclude "node_modules"');
    expect(config.settingsFor(join(root, 'src', '.ipynb_checkpoints', 'a.py')).excluded).toBe('excluded by the default exclude ".ipynb_checkpoints"');
    expect(config.settingsFor(join(root, 'env', 'lib', 'a.py')).excluded).toBe('excluded by default: env is a virtual environment (it holds pyvenv.cfg)');
    expect(config.settingsFor(join(root, 'data', 'raw', 'a.py')).excluded).toBe('excluded by extend-exclude "data/**" in losslens.toml:1');
    expect(config.excludedReason(join(root, 'node_modules'), true)).toBe('excluded by the default exclude "node_modules"');
    expect(config.settingsFor(join(root, 'src', 'train.py')).excluded).toBeUndefined();
  });

  it('replaces the defaults with exclude; a name without a slash matches a folder anywhere', () => {
    const root = tree({ 'losslens.toml': 'exclude = ["build/", "/legacy"]\n', 'env/pyvenv.cfg': '' });
    const config = configIn(root);
    expect(config.settingsFor(join(root, 'src', 'build', 'gen.py')).excluded).toBe('excluded by exclude "build/" in losslens.toml:1');
    expect(config.settingsFor(join(root, 'legacy', 'old.py')).excluded).toBe('excluded by exclude "/legacy" in losslens.toml:1');
    expect(config.settingsFor(join(root, 'src', 'legacy', 'old.py')).excluded).toBeUndefined();
    expect(config.settingsFor(join(root, 'node_modules', 'a.py')).excluded).toBeUndefined();
    expect(config.settingsFor(join(root, 'env', 'a.py')).excluded).toBeUndefined();
  });

  it('matches only below the configuration folder, not the folders above it', () => {
    const root = tree({ 'build/project/losslens.toml': 'exclude = ["build"]\n' });
    expect(configIn(root).settingsFor(join(root, 'build', 'project', 'train.py')).excluded).toBeUndefined();
  });
});

describe('.gitignore', () => {
  const repository = (): string =>
    tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': '# generated\n*.gen.py\nout/\n',
      'src/.gitignore': '!keep.gen.py\n',
      'proj/losslens.toml': 'select = ["LL001"]\n',
    });

  it('excludes what a .gitignore between the git root and the file ignores, the deepest deciding', () => {
    const root = repository();
    const config = configIn(root);
    expect(config.settingsFor(join(root, 'src', 'a.gen.py')).excluded).toBe('ignored by "*.gen.py" in .gitignore:2');
    expect(config.settingsFor(join(root, 'src', 'keep.gen.py')).excluded).toBeUndefined();
    expect(config.settingsFor(join(root, 'out', 'keep.gen.py')).excluded).toBe('ignored by "out/" in .gitignore:3');
    expect(config.settingsFor(join(root, 'src', 'train.py')).excluded).toBeUndefined();
    // The git root is above the configuration file's folder: its .gitignore still applies.
    expect(config.settingsFor(join(root, 'proj', 'out', 'x.py')).excluded).toBe('ignored by "out/" in .gitignore:3');
  });

  it('without a git root, reads .gitignore files from the configuration folder down only', () => {
    const root = tree({ '.gitignore': 'ignored/\n', 'proj/losslens.toml': '', 'proj/.gitignore': 'local/\n' });
    const config = configIn(root);
    expect(config.settingsFor(join(root, 'proj', 'ignored', 'x.py')).excluded).toBeUndefined();
    expect(config.settingsFor(join(root, 'proj', 'local', 'x.py')).excluded).toBe('ignored by "local/" in proj/.gitignore:1');
  });

  it('is not consulted with respect-gitignore = false, or when the caller says so', () => {
    const root = repository();
    const file = join(root, 'out', 'x.py');
    write(root, 'losslens.toml', 'respect-gitignore = false\n');
    expect(configIn(root).settingsFor(file).excluded).toBeUndefined();
    write(root, 'losslens.toml', 'respect-gitignore = true\n');
    const settings = configIn(root, { respectGitignore: false }).settingsFor(file);
    expect(settings.excluded).toBeUndefined();
    expect(settings.sources.respectGitignore).toEqual({ value: false, source: 'option' });
    expect(configIn(root, { isolated: true, respectGitignore: false }).settingsFor(file).excluded).toBeUndefined();
    expect(configIn(root, { isolated: true }).settingsFor(file).excluded).toBe('ignored by "out/" in .gitignore:3');
  });

  it('reads each .gitignore once, until it is invalidated', () => {
    const root = repository();
    const config = configIn(root);
    const file = join(root, 'src', 'new.py');
    expect(config.settingsFor(file).excluded).toBeUndefined();
    write(root, 'src/.gitignore', 'new.py\n');
    expect(config.settingsFor(file).excluded).toBeUndefined();
    config.invalidate(join(root, 'src', '.gitignore'));
    expect(config.settingsFor(file).excluded).toBe('ignored by "new.py" in src/.gitignore:1');
  });
});

describe('--config and --isolated', () => {
  it('uses the given file for every path, its globs relative to its own folder', () => {
    const root = tree({
      'project/losslens.toml': 'select = ["LL001"]\n',
      'ci/lint.toml': 'select = ["LL005", "LL006"]\nper-file-ignores = { "pkg/*.py" = ["LL006"] }\nextend-exclude = ["gen/**"]\n',
    });
    const config = configIn(root, { configFile: 'ci/lint.toml' });
    expect(config.settingsFor(join(root, 'project', 'pkg', 'a.py')).rules).toEqual(['LL005', 'LL006']);
    expect(config.settingsFor(join(root, 'ci', 'pkg', 'a.py')).rules).toEqual(['LL005']);
    expect(config.settingsFor(join(root, 'ci', 'gen', 'a.py')).excluded).toBe('excluded by extend-exclude "gen/**" in ci/lint.toml:3');
    expect(config.configFileFor(join(root, 'project', 'a.py'))).toBe(join(root, 'ci', 'lint.toml'));
  });

  it('reports a given file that does not exist or has no LossLens table', () => {
    const root = tree({ 'pyproject.toml': '[project]\nname = "demo"\n' });
    const missing = configError(() => configIn(root, { configFile: 'nope.toml' }).settingsFor(join(root, 'x.py')));
    expect(missing.message).toBe('nope.toml: cannot read it: no such file');
    expect(missing.line).toBeUndefined();
    expect(configError(() => configIn(root, { configFile: 'pyproject.toml' }).settingsFor(join(root, 'x.py'))).message).toBe(
      'pyproject.toml: it has no [tool.losslens] table',
    );
  });

  it('reads no file at all when isolated', () => {
    const root = tree({ 'losslens.toml': 'select = ["LL001"\n', 'node_modules/.keep': '' });
    const config = configIn(root, { isolated: true });
    expect(config.settingsFor(join(root, 'x.py')).rules).toEqual(ALL);
    expect(config.configFileFor(join(root, 'x.py'))).toBeUndefined();
    expect(config.excludedReason(join(root, 'node_modules'), true)).toBe('excluded by the default exclude "node_modules"');
  });
});

describe('mistakes in a configuration file', () => {
  const codes = ALL.join(', ');
  const severities = '"error", "warning", "information", "hint"';
  it.each([
    {
      mistake: 'an unknown key',
      file: 'pyproject.toml',
      text: '[project]\nname = "demo"\n\n[tool.losslens]\nselect = ["LL001"]\nselct = ["LL002"]\n',
      message:
        'pyproject.toml:6: [tool.losslens] unknown key "selct"; known keys: extend, select, extend-select, ignore, per-file-ignores, exclude, extend-exclude, respect-gitignore, severity, max-file-size-kb',
      key: 'selct',
    },
    {
      mistake: 'an unknown key written as a dotted key',
      file: 'pyproject.toml',
      text: '[tool]\nlosslens.select = ["LL001"]\nlosslens."extend_select" = ["LL002"]\n',
      message: /^pyproject\.toml:3: \[tool\.losslens\] unknown key "extend_select"; known keys: /,
      key: 'extend_select',
    },
    {
      mistake: 'select not a list',
      file: 'losslens.toml',
      text: '# rules\nselect = "LL001"\n',
      message: 'losslens.toml:2: "select" must be a list of rule codes, not "LL001"',
      key: 'select',
    },
    {
      mistake: 'a number in a list of codes',
      file: '.losslens.toml',
      text: 'ignore = ["LL001", 2]\n',
      message: '.losslens.toml:1: "ignore" must be a list of rule codes, not a list holding 2',
      key: 'ignore',
    },
    {
      mistake: 'an unknown code, on its own line of the list',
      file: 'losslens.toml',
      text: 'extend-select = [\n  "LL001",\n  "LL999",  # typo\n]\n',
      message: `losslens.toml:3: unknown rule code "LL999" in "extend-select"; known codes: ${codes}`,
      key: 'extend-select',
    },
    {
      mistake: 'a bad severity',
      file: 'pyproject.toml',
      text: '[tool.losslens]\nselect = ["LL001"]\n\n[tool.losslens.severity]\nLL002 = "warning"\nLL001 = "loud"\n',
      message: `pyproject.toml:6: [tool.losslens.severity] "LL001" must be one of ${severities}, not "loud"`,
      key: 'severity.LL001',
    },
    {
      mistake: 'an unknown code given a severity',
      file: 'losslens.toml',
      text: 'severity = { LL042 = "hint" }\n',
      message: `losslens.toml:1: [severity] unknown rule code "LL042"; known codes: ${codes}`,
      key: 'severity.LL042',
    },
    {
      mistake: 'max-file-size-kb = 0',
      file: 'losslens.toml',
      text: 'select = ["LL001"]\nmax-file-size-kb = 0\n',
      message: 'losslens.toml:2: "max-file-size-kb" must be a positive whole number of kilobytes, not 0',
      key: 'max-file-size-kb',
    },
    {
      mistake: 'max-file-size-kb = "x"',
      file: 'losslens.toml',
      text: 'max-file-size-kb = "x"\n',
      message: 'losslens.toml:1: "max-file-size-kb" must be a positive whole number of kilobytes, not "x"',
      key: 'max-file-size-kb',
    },
    {
      mistake: 'max-file-size-kb = 1.5',
      file: 'pyproject.toml',
      text: '[tool.losslens]\n"max-file-size-kb" = 1.5\n',
      message: 'pyproject.toml:2: [tool.losslens] "max-file-size-kb" must be a positive whole number of kilobytes, not 1.5',
      key: 'max-file-size-kb',
    },
    {
      mistake: 'a per-file-ignores value not a list',
      file: 'pyproject.toml',
      text: '[tool.losslens]\nselect = ["LL001"]\n[tool.losslens.per-file-ignores]\n"tests/*" = ["LL001"]\n"scripts/*" = "LL002"\n',
      message: 'pyproject.toml:5: [tool.losslens.per-file-ignores] "scripts/*" must be a list of rule codes, not "LL002"',
      key: 'per-file-ignores.scripts/*',
    },
    {
      mistake: 'per-file-ignores not a table',
      file: 'losslens.toml',
      text: 'per-file-ignores = ["tests/*"]\n',
      message: 'losslens.toml:1: "per-file-ignores" must be a table of glob patterns to lists of rule codes, not a list',
      key: 'per-file-ignores',
    },
    {
      mistake: 'exclude holding an empty pattern',
      file: 'losslens.toml',
      text: 'exclude = ["build", ""]\n',
      message: 'losslens.toml:1: "exclude" must be a list of glob patterns, not a list holding ""',
      key: 'exclude',
    },
    {
      mistake: 'respect-gitignore not a boolean',
      file: 'losslens.toml',
      text: 'respect-gitignore = "yes"\n',
      message: 'losslens.toml:1: "respect-gitignore" must be true or false, not "yes"',
      key: 'respect-gitignore',
    },
    {
      mistake: '[tool.losslens] not a table',
      file: 'pyproject.toml',
      text: '[tool]\nlosslens = true\n',
      message: 'pyproject.toml:2: "tool.losslens" must be a table, not true',
      key: undefined,
    },
    {
      mistake: 'a TOML syntax error',
      file: 'losslens.toml',
      text: 'select = ["LL001"\nignore = []\n',
      message: 'losslens.toml:2:1: TOML syntax error: expected comma or end of structure',
      key: undefined,
    },
  ])('$mistake: a ConfigError naming the file, the line and the key', ({ file, text, message, key }) => {
    const root = tree({ [file]: text });
    const config = configIn(root);
    const error = configError(() => config.settingsFor(join(root, 'train.py')));
    if (typeof message === 'string') expect(error.message).toBe(message);
    else expect(error.message).toMatch(message);
    const line = Number(/^[^:]+:(\d+):/.exec(error.message)![1]);
    expect([error.file, error.line, error.key]).toEqual([join(root, file), line, key]);
    // Asked again, the same mistake: never a silent default.
    expect(configError(() => config.settingsFor(join(root, 'other.py'))).message).toBe(error.message);
  });

  it('names the file by its absolute path when it is outside the working folder', () => {
    const root = tree({ 'losslens.toml': 'selct = []\n' });
    const error = configError(() => new ProjectConfig({ cwd: join(root, 'elsewhere') }).settingsFor(join(root, 'x.py')));
    expect(error.message.startsWith(`${join(root, 'losslens.toml')}:1: unknown key "selct"`)).toBe(true);
  });
});

describe('--show-settings', () => {
  it('shows every key with its value and where it comes from', () => {
    const root = tree({
      'base.toml': 'ignore = ["LL010"]\n[severity]\nLL001 = "hint"\n',
      'pyproject.toml': [
        '[tool.losslens]',
        'extend = "base.toml"',
        'extend-select = ["LL004"]',
        'extend-exclude = ["data/**"]',
        '',
        '[tool.losslens.per-file-ignores]',
        '"test_*.py" = ["LL002", "LL003"]',
        '"scripts/**" = ["LL005"]',
        '',
      ].join('\n'),
    });
    const file = join(root, 'tests', 'test_loss.py');
    const config = configIn(root, { respectGitignore: false });
    const rules = ALL.filter((code) => !['LL002', 'LL003', 'LL010'].includes(code));
    expect(renderSettings(file, config.settingsFor(file), root)).toBe(
      [
        '# Settings for tests/test_loss.py',
        '# configuration file: pyproject.toml, extending base.toml',
        '# excluded: no',
        `# rules run: ${rules.join(', ')} (${rules.length} of ${ALL.length})`,
        `select = [${ALL.map((code) => `"${code}"`).join(', ')}]  # default`,
        'ignore = ["LL010"]  # base.toml:1',
        'extend-select = ["LL004"]  # pyproject.toml:3',
        'per-file-ignores."test_*.py" = ["LL002", "LL003"]  # pyproject.toml:7 (matches this file)',
        'per-file-ignores."scripts/**" = ["LL005"]  # pyproject.toml:8',
        'exclude = ["node_modules", ".git", ".hg", ".svn", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".losslens_cache", ".ipynb_checkpoints", "site-packages"]  # default (and every folder holding a pyvenv.cfg)',
        'extend-exclude = ["data/**"]  # pyproject.toml:4',
        'respect-gitignore = false  # command line',
        'severity.LL001 = "hint"  # base.toml:3',
        'max-file-size-kb = 2048  # default',
        '',
      ].join('\n'),
    );
  });

  it('shows the defaults and why a file is excluded', () => {
    const root = tree({});
    const file = join(root, 'node_modules', 'x.py');
    const shown = renderSettings(file, configIn(root, { isolated: true }).settingsFor(file), root).split('\n');
    expect(shown.slice(0, 3)).toEqual([
      '# Settings for node_modules/x.py',
      '# configuration file: none (defaults)',
      '# excluded: excluded by the default exclude "node_modules"',
    ]);
    expect(shown).toContain('severity = {}  # default');
    expect(shown).toContain('per-file-ignores = {}  # default');
  });
});
