import type { Evaluator } from '../python/evaluator';
import type { PythonModule } from '../python/binder';
import type { ActivationKind } from '../python/apis';
import type { ActivationSite, PythonLossSite } from '../python/sites';
import type { Evidence, Fix, Severity, Span } from '../types';

/** A rule's documentation: the headings of every docs page (`docs/rules/LLxxx.md`), Ruff's model. */
export interface RuleDocs {
  readonly whatItDoes: string;
  readonly whyIsThisBad: string;
  /** Python code that the rule reports (tested: it must report). */
  readonly example: string;
  /** The same code done right (tested: it must not report). */
  readonly useInstead: string;
  readonly fixSafety: string;
  readonly references: readonly string[];
}

export interface Report {
  readonly span: Span;
  readonly message: string;
  readonly evidence?: readonly Evidence[];
  readonly fix?: Fix;
  readonly severity?: Severity;
}

export interface RuleContext {
  readonly text: string;
  /** Where an offset is, in words ("line 12", "cell 3, line 2"), for messages. */
  readonly locate: (offset: number) => string;
  readonly module: PythonModule;
  readonly evaluator: Evaluator;
  /** The sites to check in this run (one statement's, when results of the others are reused). */
  readonly losses: readonly PythonLossSite[];
  readonly activations: readonly ActivationSite[];
  /** Every loss site of the file, for checks that look at a loss's other uses. */
  readonly allLosses: readonly PythonLossSite[];
  report(report: Report): void;
}

export interface Rule {
  readonly code: string;
  /** kebab-case, names the pattern. */
  readonly name: string;
  readonly severity: Severity;
  /** One sentence: the docs title and SARIF's short description. */
  readonly summary: string;
  readonly docs: RuleDocs;
  /** Whether the rule offers a fix for some of its findings. */
  readonly fixable: boolean;
  /**
   * The activation calls the rule reads (from `context.activations`), each with the text the
   * top-level statement around it must contain for the rule to report anything (`log(` around a
   * sigmoid). A statement mentioning only activations that no enabled rule reads is not parsed
   * on their account.
   */
  readonly activations?: ReadonlyArray<{ readonly kinds: readonly ActivationKind[]; readonly near?: RegExp }>;
  check(context: RuleContext): void;
}
