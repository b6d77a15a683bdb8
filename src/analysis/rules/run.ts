import { ruleEnabled, type AnalyzeOptions } from '../options';
import type { PythonModule } from '../python/binder';
import type { Interpreter } from '../python/interpreter';
import type { ActivationSite, PythonLossSite } from '../python/sites';
import { lineOf } from '../python/syntax';
import type { Suppressions } from '../suppression';
import type { Finding } from '../types';
import { RULES } from '.';
import type { ActivationReader } from '../python/select';

/** What the enabled rules read besides loss sites (for phase 1, select). */
export function activationReaders(options: AnalyzeOptions): ActivationReader[] {
  return RULES.filter((rule) => rule.meta.activations && ruleEnabled(rule.meta.code, options)).flatMap((rule) => rule.meta.activations!);
}

export interface RuleInput {
  readonly text: string;
  readonly module: PythonModule;
  readonly interpreter: Interpreter;
  readonly marks: Suppressions;
  readonly options: AnalyzeOptions;
  /** Every loss site of the file, found when a rule first asks. */
  readonly allLosses: () => readonly PythonLossSite[];
}

/**
 * Phase 5, rules: every enabled rule over the sites of one top-level statement. A finding on a
 * suppressed line is dropped; a rule that fails is reported through `onInternalError` and the
 * others still run.
 */
export function runRules(input: RuleInput, losses: readonly PythonLossSite[], activations: readonly ActivationSite[]): Finding[] {
  const findings: Finding[] = [];
  if (losses.length === 0 && activations.length === 0) return findings;
  const { text, module, interpreter, marks, options } = input;
  for (const rule of RULES) {
    const { code, name, severity } = rule.meta;
    if (!ruleEnabled(code, options)) continue;
    try {
      rule.check({
        text,
        module,
        interpreter,
        losses,
        activations,
        get allLosses() {
          return input.allLosses();
        },
        report(entry) {
          if (marks.isSuppressed(code, lineOf(text, entry.span.start))) return;
          findings.push({
            code,
            rule: name,
            severity: entry.severity ?? severity,
            messageId: entry.messageId,
            data: entry.data,
            span: entry.span,
            evidence: entry.evidence ?? [],
            ...(entry.fix ? { fix: entry.fix } : {}),
          });
        },
      });
    } catch (error) {
      options.onInternalError?.(code, error);
    }
  }
  return findings;
}
