import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../../src/analysis/lines';
import { RULES } from '../../../src/analysis/rules';
import { findingsOf } from './tester';

const DIR = join(__dirname, '..', '..', 'fixtures', 'rules');

/** Rules about Keras alone: no PyTorch fixture. */
const KERAS_ONLY: ReadonlySet<string> = new Set(['LL005']);

/**
 * Every rule has `test/fixtures/rules/<code>.py`: realistic code in two halves. Above `# OK`
 * (after `# Errors`), each line ending in `# error: <code>` must get a finding of that rule and no
 * other line may; below `# OK`, nothing may be reported.
 */
describe('rule fixtures (test/fixtures/rules)', () => {
  it('every rule has a fixture: PyTorch in test/fixtures/rules, Keras-only rules in test/fixtures/keras', () => {
    const keras = readdirSync(join(DIR, '..', 'keras'));
    expect(
      readdirSync(DIR)
        .filter((file) => file.endsWith('.py'))
        .sort(),
    ).toEqual(
      RULES.filter((rule) => !KERAS_ONLY.has(rule.meta.code))
        .map((rule) => `${rule.meta.code}.py`)
        .sort(),
    );
    for (const code of KERAS_ONLY) expect(keras).toContain(`${code}.py`);
  });

  it.each(RULES.filter((rule) => !KERAS_ONLY.has(rule.meta.code)).map((rule) => [rule.meta.code, rule] as const))('%s', async (code, rule) => {
    await expectFixture(join(DIR, `${code}.py`), code, rule);
  });
});

/** Fixtures of the other Python frameworks: `test/fixtures/<framework>/<code>.py`, for the rules that apply there. */
describe.each(['keras', 'tensorflow', 'jax'])('rule fixtures for %s', (framework) => {
  const dir = join(__dirname, '..', '..', 'fixtures', framework);
  it.each(readdirSync(dir).filter((file) => /^LL\d{3}\.py$/.test(file)))('%s', async (file) => {
    const code = file.slice(0, 5);
    const rule = RULES.find((candidate) => candidate.meta.code === code);
    expect(rule, `${file} names a rule`).toBeDefined();
    await expectFixture(join(dir, file), code, rule!);
  });
});

async function expectFixture(path: string, code: string, rule: (typeof RULES)[number]): Promise<void> {
  {
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n');
    const errorsAt = lines.findIndex((line) => line.trim() === '# Errors') + 1;
    const okAt = lines.findIndex((line) => line.trim() === '# OK') + 1;
    expect(errorsAt, 'a "# Errors" line').toBeGreaterThan(0);
    expect(okAt, 'an "# OK" line after it').toBeGreaterThan(errorsAt);
    const expected = lines.flatMap((line, index) => (line.includes(`# error: ${code}`) ? [index + 1] : []));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.every((line) => line > errorsAt && line < okAt)).toBe(true);
    const index = new LineIndex(text);
    const found = (await findingsOf(rule, text)).map((finding) => index.position(finding.span.start).line);
    expect(found).toEqual(expected);
  }
}

/** TensorFlow.js fixtures: `test/fixtures/tfjs/<code>.ts`, the same layout with `//` comments. */
describe('rule fixtures for tfjs', () => {
  const dir = join(__dirname, '..', '..', 'fixtures', 'tfjs');
  it.each(readdirSync(dir).filter((file) => /^LL\d{3}\.ts$/.test(file)))('%s', async (file) => {
    const { analyzeScript } = await import('../../../src/analysis/script/analyze');
    const code = file.slice(0, 5);
    const text = readFileSync(join(dir, file), 'utf8');
    const lines = text.split('\n');
    const errorsAt = lines.findIndex((line) => line.trim() === '// Errors') + 1;
    const okAt = lines.findIndex((line) => line.trim() === '// OK') + 1;
    expect(errorsAt, 'a "// Errors" line').toBeGreaterThan(0);
    expect(okAt, 'an "// OK" line after it').toBeGreaterThan(errorsAt);
    const expected = lines.flatMap((line, index) => (line.includes(`// error: ${code}`) ? [index + 1] : []));
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.every((line) => line > errorsAt && line < okAt)).toBe(true);
    const index = new LineIndex(text);
    const result = analyzeScript(text, { select: [code] });
    expect(result.skipped).toBeUndefined();
    expect(result.findings.map((finding) => index.position(finding.span.start).line)).toEqual(expected);
  });
});
