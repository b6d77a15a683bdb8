import { ruleEnabled, type AnalyzeOptions } from '../options';
import type { BoundModule, Scope } from '../engine/binder';
import type { Interpreter } from '../engine/interpreter';
import type { ActivationSite, PythonLossSite } from '../engine/sites';
import { spanOf } from '../ir/syntax';
import type { Steps } from '../slices';
import type { Suppressions } from '../suppression';
import type { Fact, Finding, Span } from '../types';
import { RULES } from '.';
import type { ActivationReader } from '../python/select';

/** What the enabled rules read besides loss sites (for phase 1, select). */
export function activationReaders(options: AnalyzeOptions): ActivationReader[] {
  return RULES.filter((rule) => rule.meta.activations && ruleEnabled(rule.meta.code, options)).flatMap((rule) => rule.meta.activations!);
}

export interface RuleInput {
  readonly text: string;
  readonly module: BoundModule;
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
    /**
     * Applications in statements not parsed this time (their findings carried over from the
     * version before), with the space of the input they get: by their construction's span.
     */
    private readonly elsewhere?: (construction: Span) => ReadonlyArray<Fact['space'] | undefined>,
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
      answer =
        (this.applicationsOf(site.construction.id) ?? []).every((other) => this.inputSpace(other) === space) &&
        (this.elsewhere?.({ start: site.construction.startIndex, end: site.construction.endIndex }) ?? []).every((other) => other === space);
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

  /** What an application of a loss module gives `everyApplicationGets`, kept with its statement's findings. */
  application(site: PythonLossSite): { readonly construction: Span; readonly space: Fact['space'] | undefined } | undefined {
    if (site.kind !== 'application' || !site.construction) return undefined;
    return { construction: { start: site.construction.startIndex, end: site.construction.endIndex }, space: this.inputSpace(site) };
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

/**
 * Findings that appear only when the function around the sites is read with one of its calls:
 * its calls pass different models or losses (which leaves those parameters unknown, and the
 * rules silent), and this call makes the loss wrong. Each is reported once, naming the first
 * call that makes it (`via`); at most `MAX_CALLERS` calls are tried, one function deep, pausing
 * after each.
 */
export function* findingsThroughCalls(
  input: RuleInput,
  siteIndex: (interpreter: Interpreter) => SiteIndex,
  losses: readonly PythonLossSite[],
  activations: readonly ActivationSite[],
  found: readonly Finding[],
): Steps<Finding[]> {
  const first = losses[0]?.call ?? activations[0]?.call;
  if (!first) return [];
  let scope: Scope | undefined = input.module.scopeOf(first);
  while (scope && scope.kind !== 'function') scope = scope.parent;
  const fn = scope?.fn;
  const calls = fn ? input.interpreter.disagreeingCalls(fn) : undefined;
  if (!fn || !calls) return [];
  const key = (finding: Finding) => `${finding.code}:${finding.span.start}:${finding.span.end}:${finding.messageId}`;
  const seen = new Set(found.map(key));
  const extra: Finding[] = [];
  for (const site of calls) {
    yield;
    const pinned = input.interpreter.pinned(fn, site);
    for (const finding of runRules({ ...input, interpreter: pinned }, siteIndex(pinned), losses, activations)) {
      if (seen.has(key(finding))) continue;
      seen.add(key(finding));
      const text = site.call.text.split('\n')[0]!.trim();
      // A call in a file importing this one is named by that file and line.
      const file =
        site.interpreter.path && site.interpreter !== input.interpreter
          ? { path: site.interpreter.path, line: site.interpreter.module.line(site.call.startIndex) }
          : undefined;
      extra.push({ ...finding, via: { text: text.length > 80 ? `${text.slice(0, 79)}…` : text, span: spanOf(site.call), ...(file ? { file } : {}) } });
    }
  }
  return extra;
}

/** A finding as `uniqueBy` compares it: where it is, and its data as JSON text (made only for findings alike in the rest). */
interface FindingKey {
  readonly code: string;
  readonly messageId: string;
  readonly start: number;
  readonly end: number;
  dataText(): string;
}

/** The same finding can come from two statements (one weight, two uses of the loss): each once, in order. */
export function uniqueFindings(findings: readonly Finding[]): Finding[] {
  const keyed = findings.map((finding) => ({
    finding,
    code: finding.code,
    messageId: finding.messageId,
    start: finding.span.start,
    end: finding.span.end,
    dataText: () => JSON.stringify(finding.data),
  }));
  return uniqueBy(keyed).map((item) => item.finding);
}

/**
 * The first `count` items by `rank` (the lowest first, each rank in the given order), kept in the
 * given order, and the first item left out: the findings a client shows when it shows only so many.
 */
export function firstByRank<T>(items: readonly T[], count: number, rank: (item: T) => number): { kept: T[]; next: T | undefined } {
  if (items.length <= count) return { kept: [...items], next: undefined };
  const byRank = new Map<number, T[]>();
  for (const item of items) {
    const key = rank(item);
    const group = byRank.get(key);
    if (group) group.push(item);
    else byRank.set(key, [item]);
  }
  const ordered = [...byRank.keys()].sort((a, b) => a - b).flatMap((key) => byRank.get(key)!);
  const chosen = new Set(ordered.slice(0, count));
  return { kept: items.filter((item) => chosen.has(item)), next: ordered[count] };
}

/** `uniqueFindings` for findings read through a key (a finding not yet moved to where it is). */
export function uniqueBy<T extends FindingKey>(findings: readonly T[]): T[] {
  // Findings are alike only when their code, span and message are: the data (a JSON text) is
  // compared only between findings alike in the rest, so tens of thousands stay cheap.
  const byPlace = new Map<string, T[]>();
  const unique: T[] = [];
  for (const finding of findings) {
    const key = `${finding.code}:${finding.start}:${finding.end}:${finding.messageId}`;
    const alike = byPlace.get(key);
    if (!alike) {
      byPlace.set(key, [finding]);
      unique.push(finding);
      continue;
    }
    const data = finding.dataText();
    const same = alike.findIndex((other) => other.dataText() === data);
    // The last of equal findings is kept, where it stands.
    if (same < 0) {
      alike.push(finding);
      unique.push(finding);
    } else {
      unique[unique.indexOf(alike[same]!)] = finding;
      alike[same] = finding;
    }
  }
  const order = (a: T, b: T) => a.start - b.start || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  // Statement by statement, they mostly come in order already.
  return unique.every((finding, index) => index === 0 || order(unique[index - 1]!, finding) <= 0) ? unique : unique.sort(order);
}
