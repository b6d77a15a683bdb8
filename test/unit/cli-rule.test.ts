import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/analysis/rules';

const ROOT = join(__dirname, '..', '..');
const CODES = RULES.map((rule) => rule.meta.code);
const page = (code: string) => readFileSync(join(ROOT, 'docs', 'rules', `${code}.md`), 'utf8');

const run = (argv: string[]) => runCli(argv, ROOT);

describe('losslens rule', () => {
  it('prints the page docs/rules holds for the rule, whatever the case of its code', async () => {
    for (const argv of [
      ['rule', 'LL001'],
      ['rule', 'll001'],
    ]) {
      const result = await run(argv);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe(page('LL001'));
    }
  });

  it('--all prints every page, in code order, between thematic breaks', async () => {
    const result = await run(['rule', '--all']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n---\n\n')).toEqual(CODES.map(page));
  });

  it('prints several rules named together', async () => {
    const result = await run(['rule', 'LL003', 'LL021']);
    expect(result.stdout).toBe(`${page('LL003')}\n---\n\n${page('LL021')}`);
  });

  it('is a usage error, listing the codes, without a rule or with one that does not exist', async () => {
    const codes = CODES.join(', ');
    const none = await run(['rule']);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe(
      `losslens rule: Name a rule, such as LL001, or give --all. Rules: ${codes}.\nUsage: losslens rule [--format text|json] (LL001... | --all)\n`,
    );
    const unknown = await run(['rule', 'LL999']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`There is no rule "LL999". Rules: ${codes}.`);
    expect((await run(['rule', '--all', 'LL001'])).stderr).toContain('Give rule codes or --all, not both.');
    expect((await run(['rule', '--format', 'xml', 'LL001'])).stderr).toContain('Unknown format "xml": use text or json.');
  });

  it('--format json prints the rule metadata: one rule as an object, --all as an array', async () => {
    const one = JSON.parse((await run(['rule', '--format', 'json', 'LL003'])).stdout);
    expect(one).toMatchObject({ code: 'LL003', name: 'softmax-before-cross-entropy', severity: 'warning', fixable: true, deprecated: false });
    expect(one.summary).toBe(RULES.find((rule) => rule.meta.code === 'LL003')!.meta.summary);
    expect(one.fixSafety).toMatch(/safe/);
    expect(one.explanation).toBe(page('LL003'));
    const all = JSON.parse((await run(['rule', '--format', 'json', '--all'])).stdout);
    expect(all.map((rule: { code: string }) => rule.code)).toEqual(CODES);
    expect(all.find((rule: { code: string }) => rule.code === 'LL020').deprecated).toBe(true);
  });

  it('is listed in the help', async () => {
    const result = await run(['--help']);
    expect(result.stdout).toContain('  rule    Print the documentation of a rule');
    expect(result.stdout).toContain('losslens rule [--format text|json] (LL001... | --all)');
  });

  it('prints the page in Simplified Chinese from the bundled CLI, in that locale', async () => {
    // As installed: dist/cli.js with l10n/ beside dist/, and no docs/.
    const root = mkdtempSync(join(tmpdir(), 'losslens-rule-'));
    const { bundleCli } = (await import('../../scripts/bundles.mjs')) as { bundleCli: (outdir: string) => Promise<void> };
    await bundleCli(join(root, 'dist'));
    symlinkSync(join(ROOT, 'l10n'), join(root, 'l10n'));
    const chinese = JSON.parse(readFileSync(join(ROOT, 'l10n', 'rules.zh-cn.json'), 'utf8')).LL003;
    const child = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'rule', 'LL003'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LOSSLENS_LOCALE: 'zh-cn' },
    });
    expect(child.status).toBe(0);
    expect(child.stdout.split('\n').slice(0, 5)).toEqual(['# LL003 softmax-before-cross-entropy', '', chinese.summary, '', '严重程度：警告。修复：有。']);
    expect(child.stdout).toContain(`## 检查什么\n\n${chinese.whatItDoes}\n`);
    const english = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'rule', 'LL003'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LOSSLENS_LOCALE: 'en', LC_ALL: '', LC_MESSAGES: '', LANG: '' },
    });
    expect(english.stdout).toBe(page('LL003'));
  }, 60_000);
});
