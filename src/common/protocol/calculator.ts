/**
 * Messages between the extension host and the calculator and explanation webviews. Each message
 * is a valibot schema: its TypeScript type is inferred from it, and both sides validate what they
 * receive against it (a webview is another process, and a stale one may speak an older version).
 */

import * as v from 'valibot';

/** The longest tensor text the calculator takes (5 MB): a webview says so before sending more. */
export const MAX_TENSOR_TEXT = 5_000_000;

/** What the user typed into the calculator: the loss, each tensor's text, each option's value. */
export const CalculatorForm = v.object({
  loss: v.pipe(v.string(), v.maxLength(100)),
  /** Tensor texts by the torch parameter name (`input`, `target`, `input1` ...). */
  tensors: v.record(v.string(), v.pipe(v.string(), v.maxLength(MAX_TENSOR_TEXT))),
  /** Options by their torch keyword: enum and number options as text, booleans as booleans, tensors as text. */
  options: v.record(v.string(), v.union([v.pipe(v.string(), v.maxLength(MAX_TENSOR_TEXT)), v.boolean()])),
});
export type CalculatorForm = v.InferOutput<typeof CalculatorForm>;

/** A number as JSON carries it: non-finite values as the strings of the JSONL contract. */
const Num = v.union([v.number(), v.picklist(['nan', 'inf', '-inf'])]);
export type Num = v.InferOutput<typeof Num>;

/** A tensor for a table: its shape, its first elements (row-major) and how PyTorch prints them. */
const TensorView = v.object({
  shape: v.array(v.number()),
  values: v.array(Num),
  /** Each shown element as PyTorch prints it within this tensor (same width, same mode). */
  cells: v.array(v.string()),
  /** How many elements the tensor has (more than `values` when cut for display). */
  numel: v.number(),
  printed: v.string(),
});
export type TensorView = v.InferOutput<typeof TensorView>;

const ChartSeries = v.object({
  label: v.string(),
  style: v.picklist(['bar', 'line', 'points']),
  /** `[x, y]` pairs for lines and points; one y per category label for bars. */
  data: v.array(v.union([v.number(), v.null(), v.tuple([v.number(), v.number()])])),
  /** Per bar: whether it is marked (the target class, the largest loss). */
  marked: v.optional(v.array(v.boolean())),
});

export const ChartSpec = v.object({
  id: v.string(),
  title: v.string(),
  /** A sentence a screen reader reads instead of the canvas. */
  summary: v.string(),
  kind: v.picklist(['bar', 'xy']),
  xLabel: v.string(),
  yLabel: v.string(),
  /** Category labels of a bar chart. */
  labels: v.optional(v.array(v.string())),
  series: v.array(ChartSeries),
  /** Fixed y range, e.g. [0, 1] for probabilities. */
  yRange: v.optional(v.tuple([v.number(), v.number()])),
  note: v.optional(v.string()),
});
export type ChartSpec = v.InferOutput<typeof ChartSpec>;

export const CalculatorResult = v.object({
  loss: v.string(),
  /** The value as PyTorch prints it: `tensor(1.5081)`. */
  printed: v.string(),
  warnings: v.array(v.string()),
  /** The loss of each element (`reduction='none'`), when the loss reduces. */
  elements: v.optional(TensorView),
  /** Flat indices of the largest elements, largest first. */
  largest: v.array(v.number()),
  steps: v.array(v.object({ id: v.string(), title: v.string(), tensor: TensorView })),
  /** The last step, from the per-element losses to the value: `mean: 6.0323 / 4 = 1.5081`. */
  reduction: v.optional(v.string()),
  charts: v.array(ChartSpec),
  /** The same computation as PyTorch (or Keras) code; absent for tensors too large to write out. */
  code: v.optional(v.string()),
});
export type CalculatorResult = v.InferOutput<typeof CalculatorResult>;

/** Why a form could not be computed: the field and, for a tensor that does not parse, where. */
export const FormError = v.object({
  message: v.string(),
  /** `tensor:input`, `option:weight` ... or absent for an error of the whole computation. */
  field: v.optional(v.string()),
  line: v.optional(v.number()),
  column: v.optional(v.number()),
  offset: v.optional(v.number()),
  code: v.optional(v.string()),
});
export type FormError = v.InferOutput<typeof FormError>;

const TensorInfo = v.object({
  name: v.string(),
  space: v.string(),
  shapes: v.array(v.string()),
  dtype: v.string(),
  description: v.string(),
});

const OptionInfo = v.object({
  name: v.string(),
  kind: v.picklist(['enum', 'number', 'boolean', 'tensor']),
  values: v.optional(v.array(v.string())),
  default: v.union([v.string(), v.number(), v.boolean(), v.null()]),
  integer: v.optional(v.boolean()),
});

export const LossInfo = v.object({
  name: v.string(),
  framework: v.string(),
  /** What the framework group is called in the picker: PyTorch, torchvision, Keras. */
  group: v.string(),
  title: v.string(),
  /** How people call it: `nn.BCELoss`, `F.binary_cross_entropy` ... */
  apis: v.array(v.string()),
  formula: v.string(),
  tensors: v.array(TensorInfo),
  options: v.array(OptionInfo),
  /** The loss computing the same on raw scores (`binary_cross_entropy_with_logits`), and back. */
  logitsTwin: v.optional(v.object({ loss: v.string(), inputIsLogits: v.boolean() })),
  example: v.optional(CalculatorForm),
});
export type LossInfo = v.InferOutput<typeof LossInfo>;

export const HostToCalculator = v.variant('type', [
  v.object({ type: v.literal('catalog'), losses: v.array(LossInfo), prefill: v.optional(CalculatorForm) }),
  v.object({ type: v.literal('progress'), id: v.number(), fraction: v.number() }),
  v.object({ type: v.literal('result'), id: v.number(), result: CalculatorResult }),
  v.object({ type: v.literal('failed'), id: v.number(), error: FormError }),
]);
export type HostToCalculator = v.InferOutput<typeof HostToCalculator>;

export const CalculatorToHost = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('evaluate'), id: v.number(), form: CalculatorForm }),
  v.object({ type: v.literal('cancel'), id: v.number() }),
  v.object({ type: v.literal('copyCode'), code: v.pipe(v.string(), v.maxLength(20_000_000)) }),
  v.object({ type: v.literal('explain'), loss: v.string() }),
]);
export type CalculatorToHost = v.InferOutput<typeof CalculatorToHost>;

/** What the calculator keeps across hiding and reloading (`setState`, the panel serializer). */
export const CalculatorState = v.object({ form: v.optional(CalculatorForm) });
export type CalculatorState = v.InferOutput<typeof CalculatorState>;

/** One run of the evaluator shown in an explanation: the call, and what it gave. */
const DemoRow = v.object({
  label: v.string(),
  code: v.string(),
  printed: v.optional(v.string()),
  error: v.optional(v.string()),
});
export type DemoRowData = v.InferOutput<typeof DemoRow>;

export const ExplanationSection = v.variant('kind', [
  v.object({ kind: v.literal('text'), heading: v.string(), paragraphs: v.array(v.string()) }),
  v.object({ kind: v.literal('code'), heading: v.string(), code: v.string() }),
  v.object({ kind: v.literal('demo'), heading: v.string(), intro: v.string(), rows: v.array(DemoRow) }),
  v.object({ kind: v.literal('table'), heading: v.string(), columns: v.array(v.string()), rows: v.array(v.array(v.string())) }),
  v.object({ kind: v.literal('chart'), heading: v.string(), chart: ChartSpec }),
]);
export type ExplanationSection = v.InferOutput<typeof ExplanationSection>;

export const Explanation = v.object({
  /** `LL003` or a loss name: what the panel explains. */
  topic: v.string(),
  title: v.string(),
  subtitle: v.string(),
  sections: v.array(ExplanationSection),
  /** A loss the calculator can open with this explanation's example. */
  calculator: v.optional(CalculatorForm),
  /** A rule whose documentation page can be opened. */
  rule: v.optional(v.string()),
});
export type Explanation = v.InferOutput<typeof Explanation>;

export const HostToExplain = v.variant('type', [
  v.object({ type: v.literal('explanation'), explanation: Explanation }),
  v.object({ type: v.literal('failed'), message: v.string() }),
]);
export type HostToExplain = v.InferOutput<typeof HostToExplain>;

export const ExplainToHost = v.variant('type', [
  v.object({ type: v.literal('ready') }),
  v.object({ type: v.literal('openCalculator'), form: CalculatorForm }),
  v.object({ type: v.literal('showDocs'), code: v.pipe(v.string(), v.regex(/^LL\d{3}$/)) }),
]);
export type ExplainToHost = v.InferOutput<typeof ExplainToHost>;

export const ExplainState = v.object({ topic: v.optional(v.string()) });
export type ExplainState = v.InferOutput<typeof ExplainState>;
