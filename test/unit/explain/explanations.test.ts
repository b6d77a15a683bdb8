import { describe, expect, it } from 'vitest';
import { RULES } from '../../../src/analysis/rules';
import { EXPLAINED_RULES, explainLoss, explainRule } from '../../../src/explain/explanations';
import { LOSSES } from '../../../src/losses/registry';

describe('explanations', () => {
  it('exist for every rule, with a numeric demonstration computed by the evaluator and the fix', () => {
    expect([...EXPLAINED_RULES].sort()).toEqual(RULES.map((rule) => rule.meta.code).sort());
    for (const code of EXPLAINED_RULES) {
      const explanation = explainRule(code)!;
      const kinds = explanation.sections.map((section) => section.kind);
      expect(kinds, code).toContain('demo');
      expect(
        explanation.sections.some((section) => section.kind === 'code' && section.heading === 'The fix'),
        code,
      ).toBe(true);
      for (const section of explanation.sections) {
        if (section.kind !== 'demo') continue;
        for (const row of section.rows) expect(row.printed ?? row.error, `${code}: ${row.code}`).toBeTruthy();
      }
    }
  });

  it('LL003 shows softmax flattening the distribution, in numbers and in a chart', () => {
    const explanation = explainRule('LL003')!;
    const demo = explanation.sections.find((section) => section.kind === 'demo')!;
    if (demo.kind !== 'demo') throw new Error('no demo');
    expect(demo.rows.map((row) => row.printed)).toEqual(['tensor(0.1291)', 'tensor(0.6333)', 'tensor(0.5514)']);
    const chart = explanation.sections.find((section) => section.kind === 'chart' && section.chart.id === 'LL003');
    if (chart?.kind !== 'chart') throw new Error('no chart');
    const [once, twice] = chart.chart.series.map((series) => series.data as number[]);
    expect(once![0]).toBeCloseTo(0.8789, 4);
    expect(twice![0]).toBeLessThan(once![0]! - 0.3);
  });

  it("LL010 shows (N, 1) against (N,) broadcasting to an N × N matrix, with PyTorch's warning", () => {
    const explanation = explainRule('LL010')!;
    const table = explanation.sections.find((section) => section.kind === 'table');
    if (table?.kind !== 'table') throw new Error('no table');
    expect(table.rows).toHaveLength(4);
    expect(table.rows[0]).toHaveLength(5);
    const demo = explanation.sections.find((section) => section.kind === 'demo');
    if (demo?.kind !== 'demo') throw new Error('no demo');
    expect(demo.rows[0]!.printed).toMatch(/warning: .*target size/i);
  });

  it("has the reference article's worked numbers in the loss explanations", () => {
    const printed = (name: string) =>
      explainLoss(name)!
        .sections.flatMap((section) => (section.kind === 'demo' ? section.rows : []))
        .map((row) => row.printed);
    expect(printed('binary_cross_entropy')).toEqual(['tensor(1.5081)', 'tensor(0.8518)', 'tensor(0.8518)']);
    expect(printed('nll_loss')).toEqual(['tensor(-6.)', 'tensor(-4.)']);
    const ce = printed('cross_entropy');
    expect(ce.slice(0, 2)).toEqual(['tensor(1.7955)', 'tensor(1.1617)']);
    // Sigmoid on z and a two-class softmax on [0, z] are the same loss.
    expect(ce[2]).toBe(ce[3]);
  });

  it('exists for every loss, with its shapes and dtypes table', () => {
    for (const loss of LOSSES) {
      const explanation = explainLoss(loss.name)!;
      const table = explanation.sections.find((section) => section.kind === 'table');
      expect(table, loss.name).toBeDefined();
    }
  });
});
