import type { MessageData } from './messages';

/**
 * What analysis hands to the editor and the CLI: plain data with offsets into the analysed text.
 * The extension turns these into diagnostics, code actions and hovers; nothing here knows VS Code.
 */

export type Severity = 'error' | 'warning' | 'information';

/** A half-open range of UTF-16 offsets into the analysed text. */
export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

export interface Fix {
  readonly title: string;
  /** `safe`: the meaning of the program is unchanged apart from the bug; `unsafe`: it may change behaviour. */
  readonly safety: 'safe' | 'unsafe';
  readonly edits: readonly TextEdit[];
}

/** A step of the evidence chain: the code seen, where, and what it means. */
export interface Evidence {
  /** The statement, as written (first line). */
  readonly text: string;
  readonly span: Span;
  /** What this step contributes: "sigmoid applied", "nn.Linear with 1 output, no activation after it". */
  readonly note?: string;
  /** Set when the step is in another file (an imported module); `span` is then an offset in that file. */
  readonly file?: { readonly path: string; readonly line: number };
}

/**
 * What a rule reported: plain data with offsets into the analysed text. The message is its id in
 * the rule's `meta.messages` and the values it names; `publish` (document.ts) renders it.
 */
export interface Finding {
  readonly code: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly messageId: string;
  readonly data: MessageData;
  readonly span: Span;
  readonly evidence: readonly Evidence[];
  readonly fix?: Fix;
  /**
   * The call that makes the loss wrong, when the function around it is called with different
   * models or losses (only this call passes what the finding is about): its text and place.
   */
  readonly via?: { readonly text: string; readonly span: Span; readonly file?: { readonly path: string; readonly line: number } };
}

export type Space = 'logits' | 'probabilities' | 'log-probabilities' | 'unknown';
export type FactDType = 'float' | 'int' | 'bool' | 'unknown';
export type Origin = 'model' | 'label' | 'literal' | 'unknown';
/** A dimension: a size, a named symbol (`N`), or unknown. */
export type Dim = number | string | undefined;

/** What LossLens knows about a value that reaches a loss. Unknown means silent. */
export interface Fact {
  readonly space: Space;
  /** The activation that made the space, when there is one: its call and its input, for fixes. */
  readonly activation?: {
    readonly fn: 'sigmoid' | 'softmax' | 'log_softmax' | 'logsigmoid';
    readonly dim?: number;
    readonly call?: Span;
    /** Where the value before the activation is written (`x` in `torch.sigmoid(x)`). */
    readonly input?: Span;
    /** Whether the activation is a layer of the model (`nn.Softmax()` in a Sequential), not a call at the site. */
    readonly inModel?: boolean;
  };
  /**
   * Undefined when nothing is known; a suffix after `'...'` when only the last dims are known
   * (`['...', 1]` is "anything by 1").
   */
  readonly shape?: readonly Dim[];
  /** Scores per example when they come from a known layer (`nn.Linear(64, 10)` gives 10). */
  readonly classes?: number;
  /**
   * The value is (derived from) parameter `param` of the enclosing function; a shape starting with
   * `'param'` is that parameter's leading dims followed by the dims listed, filled in at each call.
   */
  readonly param?: number;
  /** One-hot labels (`F.one_hot`): class indices spread over a class dim. */
  readonly oneHot?: boolean;
  /**
   * The interval an activation keeps the values in when it is neither [0, 1] nor every number
   * (`relu`: [0, ∞), `tanh`: (-1, 1)), moved by arithmetic on them (`(tanh(x) + 1) / 2` is in
   * [0, 1]: probabilities, no longer a range).
   */
  readonly range?: ValueRange;
  /**
   * The value itself, when it is a tensor written in the code (`torch.tensor([[0.6, 0.1]])`,
   * `np.array(...)`, through assignments): source text the evaluator's literal parser reads.
   * Anything that computes a new value from it (indexing, reshaping, a dtype change) drops it.
   */
  readonly literal?: string;
  readonly dtype: FactDType;
  readonly origin: Origin;
  /** How this was concluded: the root cause first, then the steps that carried it to the site. */
  readonly evidence: readonly Evidence[];
}

export interface ValueRange {
  /** The activation that bounds the values: `relu`, `tanh`, `softplus` ... */
  readonly fn: string;
  /** The bounds; absent is infinite. */
  readonly low?: number;
  readonly high?: number;
  /** How the activation's own interval is written (`[0, ∞)`), when arithmetic has not moved it. */
  readonly interval?: string;
  /** A Keras or TensorFlow.js `activation: 'relu'` string in this file, when that is where it comes from: what a fix can change. */
  readonly written?: Span;
}

export interface LossSite {
  readonly framework: 'torch' | 'keras' | 'tensorflow' | 'jax' | 'tfjs';
  /** The API as written and resolved, e.g. `torch.nn.CrossEntropyLoss`. */
  readonly api: string;
  /** The evaluator's loss id (`cross_entropy`), when it has one. */
  readonly loss?: string;
  readonly kind: 'construction' | 'application';
  readonly span: Span;
  /** Options given in the code, by keyword, as source text. */
  readonly options: Readonly<Record<string, string>>;
  /** The tensor arguments of an application, by the loss's parameter names. */
  readonly arguments: Readonly<Record<string, SiteArgument>>;
  /** For an application of a loss module, where the module is constructed. */
  readonly construction?: Span;
  readonly input?: Fact;
  readonly target?: Fact;
  /** Whether every tensor argument is a literal, so the site can be evaluated statically. */
  readonly literal: boolean;
}

interface SiteArgument {
  /**
   * The parameter's name in the API called, where it differs from the role it is filed under:
   * `logits` for optax's and TensorFlow's prediction (filed as `input`), `labels` for the target.
   */
  readonly name?: string;
  /** The argument as written. */
  readonly text: string;
  readonly span: Span;
  /** Its value as a literal the evaluator can read, when it resolves to one (see `Fact.literal`). */
  readonly literal?: string;
}

/** Which findings come first, and how many are wanted. */
export interface FindingRanking {
  readonly count: number;
  readonly rank: (finding: Finding) => number;
}

export interface AnalysisResult {
  readonly findings: readonly Finding[];
  /**
   * The same findings, the first `count` by `rank` only (the lowest rank first, each rank in the
   * order of the text), given in the order of the text, with the first left out and how many
   * there are in all; an analysis that keeps findings across edits moves only these to where
   * they are now.
   */
  readonly firstFindings?: (limit: FindingRanking) => { readonly findings: readonly Finding[]; readonly next?: Finding; readonly total: number };
  /** Every loss site with its facts, when asked for (`AnalyzeOptions.sites`). */
  readonly sites?: readonly LossSite[];
  /** Why the file was not analysed (too large, binary), when it was not. */
  readonly skipped?: string;
  /** Where the text has syntax errors, read only as far as it parses; the rest was analysed. */
  readonly syntaxErrors?: readonly Span[];
}
