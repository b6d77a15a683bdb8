import type { CallKind } from '../frameworks/apis';
import type { Interpreter } from '../engine/interpreter';
import type { BoundModule } from '../engine/binder';
import type { ActivationSite, PythonLossSite } from '../engine/sites';
import type { MessageArg, MessageTemplate } from '../messages';
import type { Evidence, Fix, Severity, Span } from '../types';
import type { SiteIndex } from './run';

/** A rule's documentation: the headings of every docs page (`docs/rules/LLxxx.md`), Ruff's model. */
interface RuleDocs {
  readonly whatItDoes: string;
  readonly whyIsThisBad: string;
  /** Python code that the rule reports (tested: it must report). */
  readonly example: string;
  /** The same code done right (tested: it must not report). */
  readonly useInstead: string;
  readonly fixSafety: string;
  readonly references: readonly string[];
}

/** A rule's messages: each id's template, typed by the values it names. */
type Templates = Readonly<Record<string, (data: never) => string>>;

/** The values a template names, each as a message argument (text, number, place or phrase). */
type DataOf<T> = T extends (data: infer D) => string ? { readonly [K in keyof D]: MessageArg } : never;

export interface RuleMeta<M extends Templates = Templates> {
  readonly code: string;
  /** kebab-case, names the pattern. */
  readonly name: string;
  readonly severity: Severity;
  /** One sentence: the docs title and SARIF's short description. */
  readonly summary: string;
  readonly docs: RuleDocs;
  /** Messages by id, as English templates given to `l10n.t` (the values positional, `{0}`...). */
  readonly messages: M;
  /** Whether the rule offers a fix for some of its findings. */
  readonly fixable: boolean;
  /** Its findings are uses of a deprecated API (editors strike them through: LSP's `DiagnosticTag.Deprecated`). */
  readonly deprecated?: boolean;
  /**
   * The activation calls the rule reads (from `context.activations`), each with the text the
   * top-level statement around it must contain for the rule to report anything (`log(` around a
   * sigmoid). A statement mentioning only activations that no enabled rule reads is not parsed
   * on their account.
   */
  readonly activations?: ReadonlyArray<{ readonly kinds: readonly CallKind[]; readonly near?: RegExp }>;
}

interface Report<M extends Templates = Templates, Id extends keyof M = keyof M> {
  readonly span: Span;
  readonly messageId: Id;
  readonly data: DataOf<M[Id]>;
  readonly evidence?: readonly Evidence[];
  readonly fix?: Fix;
  readonly severity?: Severity;
}

export interface RuleContext<M extends Templates = Templates> {
  readonly text: string;
  readonly module: BoundModule;
  readonly interpreter: Interpreter;
  /** The sites to check in this run (one statement's, when results of the others are reused). */
  readonly losses: readonly PythonLossSite[];
  readonly activations: readonly ActivationSite[];
  /** What is known of the file's loss sites as a whole (a loss's other uses). */
  readonly sites: SiteIndex;
  report<Id extends keyof M & string>(report: Report<M, Id>): void;
}

/** A rule as the registry holds it: metadata and a check, its message types erased. */
export interface Rule {
  readonly meta: RuleMeta<Readonly<Record<string, MessageTemplate>>>;
  check(context: RuleContext): void;
}

/** Defines a rule, typescript-eslint's way: `meta` says what it is and says, `check` reports. */
export function createRule<M extends Templates>(rule: { readonly meta: RuleMeta<M>; check(context: RuleContext<M>): void }): Rule {
  return rule as unknown as Rule;
}
