import { describe, expect, it } from 'vitest';
import { PythonAnalyzer } from '../../../src/analysis/analyze';
import { LineIndex } from '../../../src/analysis/document';
import type { Rule } from '../../../src/analysis/rules';
import type { Finding } from '../../../src/analysis/types';

export interface InvalidCase {
  readonly code: string;
  readonly errors: ReadonlyArray<{ readonly line: number; readonly column?: number; readonly message?: string | RegExp }>;
  /** The code after applying the first finding's fix; `null` when there must be no fix. */
  readonly output?: string | null;
  readonly safety?: 'safe' | 'unsafe';
}

export async function findingsOf(rule: Rule, code: string): Promise<Finding[]> {
  const analyzer = new PythonAnalyzer();
  try {
    const result = await analyzer.analyze(code, {
      select: [rule.code],
      onInternalError: (_rule, error) => {
        throw error;
      },
    });
    return [...result.findings];
  } finally {
    analyzer.dispose();
  }
}

export function applyFix(code: string, finding: Finding): string {
  const edits = [...(finding.fix?.edits ?? [])].sort((a, b) => b.span.start - a.span.start);
  let result = code;
  for (const edit of edits) result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
  return result;
}

/**
 * Rule tests as data, the typescript-eslint way: `valid` code must not report; each `invalid`
 * case must report exactly the listed errors (line, column, message) and, when `output` is
 * given, its first fix must turn the code into `output`.
 */
export function ruleTester(rule: Rule, cases: { valid: readonly string[]; invalid: readonly InvalidCase[] }): void {
  describe(`${rule.code} ${rule.name}`, () => {
    it.each(
      cases.valid.map(
        (code) =>
          [
            code
              .split('\n')
              .find((line) => line.trim() && !line.startsWith('import'))
              ?.trim() ?? code,
            code,
          ] as const,
      ),
    )('valid: %s', async (_title, code) => {
      expect((await findingsOf(rule, code)).map((finding) => finding.message)).toEqual([]);
    });
    it.each(
      cases.invalid.map(
        (entry) =>
          [
            entry.code
              .split('\n')
              .filter((line) => line.trim())
              .at(-1)!
              .trim(),
            entry,
          ] as const,
      ),
    )('invalid: %s', async (_title, entry) => {
      const findings = await findingsOf(rule, entry.code);
      const lines = new LineIndex(entry.code);
      expect(findings.map((finding) => lines.position(finding.span.start).line)).toEqual(entry.errors.map((error) => error.line));
      entry.errors.forEach((error, index) => {
        const finding = findings[index]!;
        if (error.column !== undefined) expect(lines.position(finding.span.start).column).toBe(error.column);
        if (error.message instanceof RegExp) expect(finding.message).toMatch(error.message);
        else if (error.message !== undefined) expect(finding.message).toContain(error.message);
        expect(finding.code).toBe(rule.code);
      });
      if (entry.output === null) expect(findings[0]!.fix).toBeUndefined();
      else if (entry.output !== undefined) {
        expect(findings[0]!.fix, 'expected a fix').toBeDefined();
        expect(applyFix(entry.code, findings[0]!)).toBe(entry.output);
        if (entry.safety) expect(findings[0]!.fix!.safety).toBe(entry.safety);
      }
    });
  });
}

/** Joins lines: test cases read as code. */
export const py = (...lines: string[]) => `${lines.join('\n')}\n`;
