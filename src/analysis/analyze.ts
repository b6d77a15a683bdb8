import * as l10n from '@vscode/l10n';
import { PythonModule } from './python/binder';
import { Evaluator } from './python/evaluator';
import { parsePython, pythonParser, type Tree } from './python/parser';
import { relevantSpans } from './python/relevant';
import { findSites, mentions } from './python/sites';
import { lineOf } from './python/syntax';
import { RULES } from './rules';
import { lineLocator } from './rules/helpers/describe';
import type { Report } from './rules/rule';
import { suppressions } from './suppression';
import type { AnalysisResult, Finding, LossSite } from './types';

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

export interface AnalyzeOptions {
  /** Rule codes to run; empty or absent: all. */
  readonly select?: readonly string[];
  readonly ignore?: readonly string[];
  readonly maxFileBytes?: number;
  /** Called when a rule fails internally; the other rules still run. */
  readonly onInternalError?: (rule: string, error: unknown) => void;
  /** Ignore `# losslens: ignore-file` in the text (notebooks decide it from their first cell). */
  readonly ignoreFileComments?: boolean;
  /** Where an offset is, in words; "line N" by default (notebooks say which cell). */
  readonly locate?: (offset: number) => string;
  /** Parse every statement, not only those that can reach a loss (to test that both agree). */
  readonly parseEverything?: boolean;
}

function enabled(code: string, options: AnalyzeOptions): boolean {
  if (options.ignore?.includes(code)) return false;
  return !options.select || options.select.length === 0 || options.select.includes(code);
}

/** Why a text is not analysed, if it is not: too large, or binary. */
export function skipReason(text: string, options: AnalyzeOptions): string | undefined {
  const limit = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (text.length > limit) return l10n.t('skipped: larger than {0} KB', Math.round(limit / 1024));
  if (text.includes('\u0000')) return l10n.t('skipped: contains NUL bytes (binary file)');
  return undefined;
}

/**
 * Analyses Python source. One instance per document keeps the last tree, so the next version is
 * parsed incrementally.
 */
export class PythonAnalyzer {
  private previous: { text: string; tree: Tree } | undefined;

  async analyze(text: string, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    const skipped = skipReason(text, options);
    if (skipped) return { findings: [], sites: [], skipped };
    const marks = suppressions(text);
    const found = mentions(text);
    if ((marks.file && !options.ignoreFileComments) || found.length === 0) return { findings: [], sites: [] };
    const parser = await pythonParser();
    // Only the statements that can reach a loss are parsed; offsets stay those of `text`.
    const spans = options.parseEverything ? undefined : relevantSpans(text, found.map(([offset]) => offset));
    const tree = parsePython(parser, text, this.previous, spans);
    this.previous?.tree.delete();
    this.previous = { text, tree };
    return analyzeTree(text, tree, options, marks, found);
  }

  dispose(): void {
    this.previous?.tree.delete();
    this.previous = undefined;
  }
}

function analyzeTree(text: string, tree: Tree, options: AnalyzeOptions, marks: ReturnType<typeof suppressions>, found: ReadonlyArray<[number, number]>): AnalysisResult {
  const module = new PythonModule(text, tree);
  const evaluator = new Evaluator(module);
  const { losses, activations } = findSites(module, evaluator, found);
  const locate = options.locate ?? lineLocator(text);
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (!enabled(rule.code, options)) continue;
    const report = (entry: Report) => {
      if (marks.isSuppressed(rule.code, lineOf(text, entry.span.start))) return;
      findings.push({
        code: rule.code,
        rule: rule.name,
        severity: entry.severity ?? rule.severity,
        message: entry.message,
        span: entry.span,
        evidence: entry.evidence ?? [],
        ...(entry.fix ? { fix: entry.fix } : {}),
      });
    };
    try {
      rule.check({ text, locate, module, evaluator, losses, activations, report });
    } catch (error) {
      options.onInternalError?.(rule.code, error);
    }
  }
  findings.sort((a, b) => a.span.start - b.span.start || a.code.localeCompare(b.code));
  const sites: LossSite[] = losses.map((site) => {
    const input = site.args.get(site.api.parameters[0]!);
    const target = site.args.get(site.api.parameters[1] ?? '');
    const inputFact = input ? evaluator.factOf(input) : undefined;
    const targetFact = target ? evaluator.factOf(target) : undefined;
    const literal = [...site.args.values()].length > 0 && [...site.args.values()].every((node) => evaluator.factOf(node).origin === 'literal');
    return {
      framework: 'torch',
      api: site.qualified,
      loss: site.api.loss,
      kind: site.kind,
      span: { start: site.call.startIndex, end: site.call.endIndex },
      options: Object.fromEntries([...site.options].map(([key, node]) => [key, node.text])),
      ...(inputFact ? { input: inputFact } : {}),
      ...(targetFact ? { target: targetFact } : {}),
      literal: site.kind === 'application' && literal,
    };
  });
  return { findings, sites };
}
