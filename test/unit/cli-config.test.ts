import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

const run = (argv: string[], cwd: string) => runCli(argv, cwd);

/** The findings of a JSON report, as `file code severity` lines. */
async function findings(argv: string[], cwd: string): Promise<string[]> {
  const result = await run(['check', '--format', 'json', '--no-cache', ...argv], cwd);
  expect(result.code, result.stderr).toBeLessThan(2);
  return (JSON.parse(result.stdout) as { findings: Array<{ file: string; code: string; severity: string }> }).findings.map(
    (finding) => `${finding.file} ${finding.code} ${finding.severity}`,
  );
}

describe("losslens check reads the project's configuration file", () => {
  let project: string;
  let everything: string[];
  beforeEach(async () => {
    project = mkdtempSync(join(tmpdir(), 'losslens-config-'));
    cpSync(join(EXAMPLES, 'pytorch'), join(project, 'pytorch'), { recursive: true });
    cpSync(join(EXAMPLES, 'keras'), join(project, 'keras'), { recursive: true });
    everything = await findings(['.'], project);
    expect(everything.some((line) => line.includes(' LL001 '))).toBe(true);
  });

  it('ignores rules, per file too, and changes severities, as pyproject.toml says', async () => {
    writeFileSync(
      join(project, 'pyproject.toml'),
      '[project]\nname = "x"\n\n[tool.losslens]\nignore = ["LL001"]\nper-file-ignores = { "keras/*" = ["LL003"] }\n\n[tool.losslens.severity]\nLL002 = "error"\n',
    );
    const found = await findings(['.'], project);
    const expected = everything
      .filter((line) => !line.includes(' LL001 ') && !(line.startsWith('keras/') && line.includes(' LL003 ')))
      .map((line) => (line.includes(' LL002 ') ? line.replace(/ \w+$/, ' error') : line));
    expect(found).toEqual(expected);
    expect(found.some((line) => line.startsWith('pytorch/') && line.includes(' LL003 '))).toBe(true);
  });

  it('takes the nearest file: losslens.toml in a folder wins over pyproject.toml above it, and extends it when it says so', async () => {
    writeFileSync(join(project, 'pyproject.toml'), '[tool.losslens]\nignore = ["LL001"]\n');
    writeFileSync(join(project, 'keras', 'losslens.toml'), 'select = ["LL005"]\n');
    const nearest = await findings(['.'], project);
    expect(nearest.filter((line) => line.startsWith('keras/')).every((line) => line.includes(' LL005 '))).toBe(true);
    expect(nearest.some((line) => line.startsWith('pytorch/') && line.includes(' LL001 '))).toBe(false);
    writeFileSync(join(project, 'keras', 'losslens.toml'), 'extend = "../pyproject.toml"\n[severity]\nLL005 = "information"\n');
    const extended = await findings(['.'], project);
    expect(extended.filter((line) => line.startsWith('keras/'))).toEqual(
      everything
        .filter((line) => line.startsWith('keras/') && !line.includes(' LL001 '))
        .map((line) => (line.includes(' LL005 ') ? line.replace(/ \w+$/, ' information') : line)),
    );
  });

  it('leaves out what exclude and .gitignore name when walking folders, and checks a file named on the command line', async () => {
    writeFileSync(join(project, 'pyproject.toml'), '[tool.losslens]\nextend-exclude = ["keras"]\n');
    mkdirSync(join(project, '.git'));
    writeFileSync(join(project, '.gitignore'), 'pytorch/classifier_bugs.py\n');
    const walked = await findings(['.'], project);
    expect(walked.some((line) => line.startsWith('keras/'))).toBe(false);
    expect(walked.some((line) => line.startsWith('pytorch/classifier_bugs.py'))).toBe(false);
    expect(walked.length).toBeGreaterThan(0);
    const respected = await findings(['--no-respect-gitignore', '.'], project);
    expect(respected.some((line) => line.startsWith('pytorch/classifier_bugs.py'))).toBe(true);
    const named = await findings(['keras/train_bugs.py', '.'], project);
    expect(named.some((line) => line.startsWith('keras/train_bugs.py'))).toBe(true);
  });

  it('uses --config for every file, and no file at all with --isolated', async () => {
    writeFileSync(join(project, 'pyproject.toml'), '[tool.losslens]\nignore = ["LL001"]\n');
    writeFileSync(join(project, 'strict.toml'), 'select = ["LL001"]\n');
    expect(new Set((await findings(['--config', 'strict.toml', '.'], project)).map((line) => line.split(' ')[1]))).toEqual(new Set(['LL001']));
    expect(await findings(['--isolated', '.'], project)).toEqual(everything);
    const both = await run(['check', '--config', 'strict.toml', '--isolated', '.'], project);
    expect(both.code).toBe(2);
  });

  it('keeps no result checked under other rules: a changed configuration is checked again', async () => {
    const cached = (argv: string[]) => run(['check', '--format', 'json', ...argv, '.'], project);
    const before = JSON.parse((await cached([])).stdout) as { findings: unknown[] };
    writeFileSync(join(project, 'pyproject.toml'), '[tool.losslens]\nselect = ["LL001"]\n');
    const after = JSON.parse((await cached([])).stdout) as { findings: Array<{ code: string }> };
    expect(after.findings.length).toBeLessThan(before.findings.length);
    expect(new Set(after.findings.map((finding) => finding.code))).toEqual(new Set(['LL001']));
  });

  it.each([
    ['an unknown key', '[tool.losslens]\nignore = ["LL001"]\nselct = ["LL002"]\n', /^losslens check: pyproject\.toml:3: .*"selct"/],
    ['a code that is no rule', '[tool.losslens]\nselect = [\n  "LL001",\n  "LL999",\n]\n', /^losslens check: pyproject\.toml:4: .*LL999/],
    ['a severity that is none', '[tool.losslens.severity]\nLL001 = "fatal"\n', /^losslens check: pyproject\.toml:2: .*"fatal"/],
    ['a size that is no number', '[tool.losslens]\nmax-file-size-kb = "big"\n', /^losslens check: pyproject\.toml:2: .*max-file-size-kb/],
    ['broken TOML', '[tool.losslens]\nselect = ["LL001"\n', /^losslens check: pyproject\.toml:\d+(:\d+)?: /],
  ])('stops with exit 2 at %s, naming the file, the line and the key, without the usage', async (_name, text, message) => {
    writeFileSync(join(project, 'pyproject.toml'), text);
    const result = await run(['check', '.'], project);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('Usage:');
  });

  it('prints the settings of a file and where each comes from (--show-settings)', async () => {
    writeFileSync(join(project, 'pyproject.toml'), '[tool.losslens]\nignore = ["LL001"]\n\n[tool.losslens.severity]\nLL003 = "hint"\n');
    const result = await run(['check', '--show-settings', 'pytorch/classifier_bugs.py'], project);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ignore = \["LL001"\]\s+# pyproject\.toml:2$/m);
    expect(result.stdout).toMatch(/^severity\.LL003 = "hint"\s+# pyproject\.toml:5$/m);
    expect(result.stdout).toMatch(/^max-file-size-kb = 2048\s+# default$/m);
  });
});
