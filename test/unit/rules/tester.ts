import { describe, expect, it } from 'vitest';
import { LineIndex } from '../../../src/analysis/lines';
import { isPlace, type MessageArg, type MessageData } from '../../../src/analysis/messages';
import type { Rule } from '../../../src/analysis/rules';
import type { Finding } from '../../../src/analysis/types';
import { analyzeScript } from '../../../src/analysis/script/analyze';
import { analyzeFresh } from '../helpers/analysis';

/** A message value as a test states it: a place as its line (and column), a phrase as its id and values. */
type ExpectedArg = string | number | { readonly line: number; readonly column?: number } | { readonly phrase: string; readonly data?: ExpectedData };
type ExpectedData = Readonly<Record<string, ExpectedArg>>;

/** A case in TypeScript (TensorFlow.js): analysed by the TypeScript / JavaScript front end. */
export interface ScriptCase {
  readonly code: string;
  readonly language: 'typescript';
}

export interface InvalidCase {
  readonly code: string;
  readonly language?: 'python' | 'typescript';
  /** Each finding, in order: its line (and column), message id, and the values its message names (those given). */
  readonly errors: ReadonlyArray<{ readonly line: number; readonly column?: number; readonly messageId: string; readonly data?: ExpectedData }>;
  /** The code after applying the first finding's fix; `null` when there must be no fix. */
  readonly output?: string | null;
  readonly safety?: 'safe' | 'unsafe';
}

export async function findingsOf(rule: Rule, code: string, language: 'python' | 'typescript' = 'python'): Promise<Finding[]> {
  const options = {
    select: [rule.meta.code],
    onInternalError: (_rule: string, error: unknown) => {
      throw error;
    },
  };
  if (language === 'typescript') {
    const result = analyzeScript(code, options);
    expect(result.skipped).toBeUndefined();
    return [...result.findings];
  }
  return [...(await analyzeFresh(code, options)).findings];
}

/** A finding's message values with places as lines and columns of `code`: what tests compare. */
function readableData(data: MessageData, code: string): Record<string, unknown> {
  const lines = new LineIndex(code);
  const readable = (arg: MessageArg): unknown => {
    if (typeof arg === 'string' || typeof arg === 'number') return arg;
    if (isPlace(arg)) return lines.position(arg.offset);
    return { phrase: arg.phrase, data: readableData(arg.data, code) };
  };
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, readable(value)]));
}

function applyFix(code: string, finding: Finding): string {
  const edits = [...(finding.fix?.edits ?? [])].sort((a, b) => b.span.start - a.span.start);
  let result = code;
  for (const edit of edits) result = result.slice(0, edit.span.start) + edit.newText + result.slice(edit.span.end);
  return result;
}

/**
 * Rule tests as data, the typescript-eslint way: `valid` code must not report; each `invalid`
 * case must report exactly the listed errors (line, column, message id and values) and, when
 * `output` is given, its first fix must turn the code into `output`.
 */
export function ruleTester(rule: Rule, cases: { valid: ReadonlyArray<string | ScriptCase>; invalid: readonly InvalidCase[] }): void {
  describe(`${rule.meta.code} ${rule.meta.name}`, () => {
    it.each(
      cases.valid.map((entry) => {
        const code = typeof entry === 'string' ? entry : entry.code;
        const title =
          code
            .split('\n')
            .find((line) => line.trim() && !line.startsWith('import'))
            ?.trim() ?? code;
        return [title, code, typeof entry === 'string' ? 'python' : entry.language] as const;
      }),
    )('valid: %s', async (_title, code, language) => {
      expect((await findingsOf(rule, code, language)).map((finding) => finding.messageId)).toEqual([]);
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
      const findings = await findingsOf(rule, entry.code, entry.language);
      const lines = new LineIndex(entry.code);
      expect(findings.map((finding) => lines.position(finding.span.start).line)).toEqual(entry.errors.map((error) => error.line));
      entry.errors.forEach((error, index) => {
        const finding = findings[index]!;
        if (error.column !== undefined) expect(lines.position(finding.span.start).column).toBe(error.column);
        expect(finding.code).toBe(rule.meta.code);
        expect(finding.messageId).toBe(error.messageId);
        expect(Object.keys(rule.meta.messages)).toContain(finding.messageId);
        if (error.data) expect(readableData(finding.data, entry.code)).toMatchObject(error.data);
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

/** A TypeScript case (TensorFlow.js), its lines joined. */
export const ts = (...lines: string[]): ScriptCase => ({ code: `${lines.join('\n')}\n`, language: 'typescript' });
