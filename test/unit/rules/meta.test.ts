import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/analysis/rules';
import { ruleDocPage, ruleIndexPage } from '../../../src/analysis/rules/docs';
import { findingsOf } from './tester';

const root = join(__dirname, '..', '..', '..');
const HEADINGS = ['## What it does', '## Why is this bad?', '## Example', '## Use instead', '## Fix safety', '## References'];

describe('the rule registry and the rule files agree', () => {
  it('codes are unique, in order, and formatted LLnnn; names are kebab-case without a no- prefix', () => {
    const codes = RULES.map((rule) => rule.meta.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codes);
    for (const rule of RULES) {
      expect(rule.meta.code).toMatch(/^LL\d{3}$/);
      expect(rule.meta.name).toMatch(/^(?!no-)[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  it('every rule file in src/analysis/rules is registered, named after its rule', () => {
    const files = readdirSync(join(root, 'src', 'analysis', 'rules')).filter(
      (file) => file.endsWith('.ts') && !['index.ts', 'rule.ts', 'docs.ts', 'run.ts'].includes(file),
    );
    expect(files.sort()).toEqual(RULES.map((rule) => `${rule.meta.name}.ts`).sort());
  });

  it('a rule reads activation calls exactly when it declares which (statements with no activation a rule reads are not parsed for them)', () => {
    for (const rule of RULES) {
      const source = readFileSync(join(root, 'src', 'analysis', 'rules', `${rule.meta.name}.ts`), 'utf8');
      expect(source.includes('context.activations'), rule.meta.code).toBe(!!rule.meta.activations?.length);
    }
  });

  it('every message a rule defines is asserted by its test table (no unused message ids)', () => {
    for (const rule of RULES) {
      const source = readFileSync(join(root, 'test', 'unit', 'rules', `${rule.meta.code}.test.ts`), 'utf8');
      for (const id of Object.keys(rule.meta.messages)) expect(source, `${rule.meta.code} ${id}`).toContain(`messageId: '${id}'`);
    }
  });

  it('every rule has a test table with valid and invalid cases', () => {
    for (const rule of RULES) {
      const path = join(root, 'test', 'unit', 'rules', `${rule.meta.code}.test.ts`);
      expect(existsSync(path), path).toBe(true);
      const source = readFileSync(path, 'utf8');
      expect(source).toMatch(/valid: \[\s*\S/);
      expect(source).toMatch(/invalid: \[\s*\{/);
    }
  });
});

describe('docs/rules pages', () => {
  it.each(RULES.map((rule) => [rule.meta.code, rule] as const))(
    '%s is generated from the rule (run `npm run docs:rules`) and has every heading',
    (code, rule) => {
      const page = readFileSync(join(root, 'docs', 'rules', `${code}.md`), 'utf8');
      expect(page).toBe(ruleDocPage(rule));
      for (const heading of HEADINGS) expect(page).toContain(`\n${heading}\n`);
      expect(rule.meta.docs.references.length).toBeGreaterThan(0);
    },
  );

  it('the index lists every rule', () => {
    expect(readFileSync(join(root, 'docs', 'rules', 'README.md'), 'utf8')).toBe(ruleIndexPage(RULES));
  });

  it.each(RULES.map((rule) => [rule.meta.code, rule] as const))('%s: the "Example" reports and "Use instead" does not', async (_code, rule) => {
    expect((await findingsOf(rule, rule.meta.docs.example)).length).toBeGreaterThan(0);
    expect((await findingsOf(rule, rule.meta.docs.useInstead)).map((finding) => finding.messageId)).toEqual([]);
  });
});

describe('rule pages in Simplified Chinese (l10n/rules.zh-cn.json)', () => {
  const translations = JSON.parse(readFileSync(join(root, 'l10n', 'rules.zh-cn.json'), 'utf8')) as Record<string, Record<string, string>>;
  const spans = (text: string) => [...text.matchAll(/`[^`]+`/g)].map((match) => match[0]).sort();

  it('translate every rule, and no rule that does not exist', () => {
    expect(Object.keys(translations).sort()).toEqual(RULES.map((rule) => rule.meta.code).sort());
  });

  it.each(RULES.map((rule) => [rule.meta.code, rule] as const))('%s: every text, with the same code in it as the English', (code, rule) => {
    const { references: _references, ...docs } = rule.meta.docs;
    const english: Record<string, string> = { summary: rule.meta.summary, ...docs };
    for (const field of ['summary', 'whatItDoes', 'whyIsThisBad', 'fixSafety']) {
      const translated = translations[code]![field];
      expect(translated, `${code}.${field}`).toMatch(/[\u4e00-\u9fff]/);
      expect(spans(translated!), `${code}.${field}`).toEqual(spans(english[field]!));
    }
  });
});
