import { ruleEnabled, type AnalyzeOptions } from '../options';
import type { PythonModule } from '../python/binder';
import type { Interpreter } from '../python/interpreter';
import type { ActivationSite, PythonLossSite } from '../python/sites';
import type { Suppressions } from '../suppression';
import type { Fact, Finding } from '../types';
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
}

/**
 * What rules ask of a file's loss sites as a whole, answered once per analysis: every site asking
 * about all the others would make a file of many losses quadratic.
 */
export class SiteIndex {
  private applications: Map<number, PythonLossSite[]> | undefined;
  private readonly answers = new Map<string, boolean>();

  constructor(
    private readonly allLosses: () => readonly PythonLossSite[],
    private readonly interpreter: Interpreter,
  ) {}

  /**
   * Whether every application of the same loss (every call of the module a site constructs, or
   * the site itself for a function) gets an input in `space`: the condition for a rename to be safe.
   */
  everyApplicationGets(site: PythonLossSite, space: Fact['space']): boolean {
    if (!site.construction) return this.inputSpace(site) === space;
    const key = `${site.construction.id}:${space}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = (this.applicationsOf(site.construction.id) ?? []).every((other) => this.inputSpace(other) === space);
      this.answers.set(key, answer);
    }
    return answer;
  }

  private applicationsOf(construction: number): readonly PythonLossSite[] | undefined {
    if (!this.applications) {
      this.applications = new Map();
      for (const site of this.allLosses()) {
        if (site.kind !== 'application' || !site.construction) continue;
        const list = this.applications.get(site.construction.id);
        if (list) list.push(site);
        else this.applications.set(site.construction.id, [site]);
      }
    }
    return this.applications.get(construction);
  }

  private inputSpace(site: PythonLossSite): Fact['space'] | undefined {
    const node = site.args.get(site.api.parameters[0]!);
    return node ? this.interpreter.factOf(node).space : undefined;
  }
}

/**
 * Phase 5, rules: every enabled rule over the sites of one top-level statement. A finding on a
 * suppressed line is dropped; a rule that fails is reported through `onInternalError` and the
 * others still run.
 */
export function runRules(input: RuleInput, sites: SiteIndex, losses: readonly PythonLossSite[], activations: readonly ActivationSite[]): Finding[] {
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
        sites,
        report(entry) {
          if (marks.isSuppressed(code, module.line(entry.span.start))) return;
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
