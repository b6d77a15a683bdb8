/**
 * TensorFlow.js in TypeScript and JavaScript: imports and `require` of `@tensorflow/tfjs*`,
 * `tf.sequential` / `model.add` / `tf.model` with `apply` chains, `model.compile({loss})`,
 * `tf.losses.*` and `tf.metrics.*` (labels first), `tf.softmax` / `tf.sigmoid` / `x.softmax()`,
 * `model.predict` / `apply` outputs and `tf.tidy` bodies. The same rule codes, messages and
 * fixes as the Python analyzer; unknown stays silent.
 *
 * Bundled on its own (`dist/tfjs/analyze.js`, with the TypeScript parser): the language server and
 * the CLI load it the first time a file imports TensorFlow.js (the server on a worker thread of its
 * own, `src/server/tfjs.ts`).
 */

import { parse, simpleTraverse, type TSESTree } from '@typescript-eslint/typescript-estree';
import * as l10n from '@vscode/l10n';
import { LineIndex } from '../lines';
import { place, type MessageArg } from '../messages';
import { ruleEnabled, type AnalyzeOptions } from '../options';
import { ruleByCode } from '../rules';
import { phrase } from '../rules/helpers/describe';
import { suppressions } from '../suppression';
import type { Evidence, Fact, Finding, Fix, Span } from '../types';

type Node = TSESTree.Node;
type Expression = TSESTree.Expression;

const PACKAGE = /^@tensorflow\/tfjs(?:-node(?:-gpu)?|-core|-layers)?$/;

export interface TfjsResult {
  readonly findings: readonly Finding[];
  readonly skipped?: string;
}

/** The findings of one TypeScript or JavaScript file; never throws for bad input. */
export function analyzeTfjs(text: string, options: AnalyzeOptions & { readonly jsx?: boolean } = {}): TfjsResult {
  // Every finding is about a loss named in the file: without one of their names, there is none to find.
  if (!LOSS_NAME.test(text)) return { findings: [] };
  let program: TSESTree.Program;
  try {
    program = parseEither(text, options.jsx ?? false);
  } catch (error) {
    const line = error && typeof error === 'object' && 'lineNumber' in error ? Number((error as { lineNumber: unknown }).lineNumber) : NaN;
    return {
      findings: [],
      skipped: Number.isFinite(line)
        ? l10n.t('skipped: a syntax error at line {0}; LossLens reads the file again once it parses', line)
        : l10n.t('skipped: a syntax error; LossLens reads the file again once it parses'),
    };
  }
  const file = new TfjsFile(text, program);
  const marks = suppressions(text);
  if (marks.file) return { findings: [] };
  const findings: Finding[] = [];
  const lines = new LineIndex(text);
  for (const found of file.check()) {
    const rule = ruleByCode(found.code);
    if (!rule || !ruleEnabled(found.code, options)) continue;
    if (marks.isSuppressed(found.code, lines.line(found.span.start))) continue;
    findings.push({
      code: found.code,
      rule: rule.meta.name,
      severity: rule.meta.severity,
      messageId: found.messageId,
      data: found.data,
      span: found.span,
      evidence: found.evidence,
      ...(found.fix ? { fix: found.fix } : {}),
    });
  }
  return { findings: findings.sort((a, b) => a.span.start - b.span.start) };
}

/** Parses as TSX or not, by the file's name; a file that only parses the other way (JSX in `.js`) is read so. */
function parseEither(text: string, jsx: boolean): TSESTree.Program {
  try {
    return parse(text, { range: true, loc: false, jsx, comment: false });
  } catch (error) {
    try {
      return parse(text, { range: true, loc: false, jsx: !jsx, comment: false });
    } catch {
      throw error;
    }
  }
}

interface Found {
  readonly code: string;
  readonly messageId: string;
  readonly data: Readonly<Record<string, MessageArg>>;
  readonly span: Span;
  readonly evidence: readonly Evidence[];
  readonly fix?: Fix;
}

const UNKNOWN: Fact = { space: 'unknown', dtype: 'unknown', origin: 'unknown', evidence: [] };

/** Loss functions by name under `tf.`, with the space their prediction argument must be in. */
const LOSSES: Readonly<Record<string, { readonly expects: 'logits' | 'probabilities'; readonly kind: 'softmax' | 'sigmoid' | 'categorical' | 'binary' }>> = {
  'tf.losses.softmaxCrossEntropy': { expects: 'logits', kind: 'softmax' },
  'tf.losses.sigmoidCrossEntropy': { expects: 'logits', kind: 'sigmoid' },
  'tf.losses.logLoss': { expects: 'probabilities', kind: 'binary' },
  'tf.metrics.binaryCrossentropy': { expects: 'probabilities', kind: 'binary' },
  'tf.metrics.categoricalCrossentropy': { expects: 'probabilities', kind: 'categorical' },
};

/** The loss strings `compile({loss})` takes: all on probabilities. */
const LOSS_STRINGS: Readonly<Record<string, 'binary' | 'categorical'>> = {
  binaryCrossentropy: 'binary',
  categoricalCrossentropy: 'categorical',
  sparseCategoricalCrossentropy: 'categorical',
};

/**
 * The names every finding starts from (a loss call, or a loss given to `compile`): a file that
 * spells none of them has no finding, and is not parsed.
 */
const LOSS_NAME = new RegExp([...Object.keys(LOSSES).map((name) => name.slice(name.lastIndexOf('.') + 1)), ...Object.keys(LOSS_STRINGS)].join('|'));

class TfjsFile {
  /** Local names bound to a TensorFlow.js package (`tf`), and to one of its exports (`losses`). */
  private readonly namespaces = new Set<string>();
  private readonly named = new Map<string, string>();
  /** What each name is assigned (declarations and assignments), in order. */
  private readonly assigned = new Map<string, Expression[]>();
  /** `model.add(layer)` calls, by the receiver's name. */
  private readonly added = new Map<string, Expression[]>();
  private readonly calls: TSESTree.CallExpression[] = [];

  constructor(
    private readonly text: string,
    program: TSESTree.Program,
  ) {
    let bindsTf = false;
    simpleTraverse(program, {
      enter: (node, parent) => {
        switch (node.type) {
          case 'Identifier':
            if (node.name === 'tf' && parent && binds(parent, node)) bindsTf = true;
            return;
          case 'ImportDeclaration':
            if (PACKAGE.test(String(node.source.value))) {
              for (const specifier of node.specifiers) {
                if (specifier.type === 'ImportSpecifier') {
                  this.named.set(specifier.local.name, specifier.imported.type === 'Identifier' ? specifier.imported.name : String(specifier.imported.value));
                } else this.namespaces.add(specifier.local.name);
              }
            }
            return;
          case 'VariableDeclarator':
            if (node.id.type === 'Identifier' && node.init) {
              if (isRequire(node.init)) this.namespaces.add(node.id.name);
              else this.assign(node.id.name, node.init);
            } else if (node.id.type === 'ObjectPattern' && node.init && isRequire(node.init)) {
              for (const property of node.id.properties) {
                if (property.type === 'Property' && property.key.type === 'Identifier' && property.value.type === 'Identifier')
                  this.named.set(property.value.name, property.key.name);
              }
            }
            return;
          case 'AssignmentExpression':
            if (node.left.type === 'Identifier' && node.operator === '=') this.assign(node.left.name, node.right);
            return;
          case 'CallExpression': {
            this.calls.push(node);
            const callee = node.callee;
            if (
              callee.type === 'MemberExpression' &&
              callee.property.type === 'Identifier' &&
              callee.property.name === 'add' &&
              callee.object.type === 'Identifier'
            ) {
              const layer = node.arguments[0];
              if (layer && layer.type !== 'SpreadElement') this.added.set(callee.object.name, [...(this.added.get(callee.object.name) ?? []), layer]);
            }
            return;
          }
        }
      },
    });
    // A script loaded after TensorFlow.js's `<script>` tag uses its global `tf`, imported nowhere.
    if (this.namespaces.size === 0 && this.named.size === 0 && !bindsTf) this.namespaces.add('tf');
  }

  private assign(name: string, value: Expression): void {
    this.assigned.set(name, [...(this.assigned.get(name) ?? []), value]);
  }

  /** `tf.losses.softmaxCrossEntropy` for a member chain rooted at a TensorFlow.js name. */
  private qualify(node: Node): string | undefined {
    const parts: string[] = [];
    let current: Node = node;
    while (current.type === 'MemberExpression' && !current.computed && current.property.type === 'Identifier') {
      parts.unshift(current.property.name);
      current = current.object;
    }
    if (current.type !== 'Identifier') return undefined;
    if (this.namespaces.has(current.name)) return ['tf', ...parts].join('.');
    const named = this.named.get(current.name);
    return named ? ['tf', named, ...parts].join('.') : undefined;
  }

  /** The one value a name is given in the file; undefined when it is given several or none. */
  private valueOf(name: string): Expression | undefined {
    const values = this.assigned.get(name);
    return values?.length === 1 ? values[0] : undefined;
  }

  private evidence(node: Node, note?: string): Evidence {
    const line = this.text.slice(node.range[0], node.range[1]).split('\n')[0]!.trim();
    return { text: line.length > 80 ? `${line.slice(0, 77)}...` : line, span: span(node), ...(note ? { note } : {}) };
  }

  /** What a value is, as far as losses care: the activation that made it, where it comes from. */
  factOf(node: Node, depth = 0): Fact {
    if (depth > 24) return UNKNOWN;
    switch (node.type) {
      case 'Identifier': {
        const value = this.valueOf(node.name);
        if (!value) return UNKNOWN;
        const fact = this.factOf(value, depth + 1);
        return fact.space === 'unknown' && fact.origin === 'unknown' ? fact : { ...fact, evidence: [...fact.evidence, this.evidence(value.parent ?? value)] };
      }
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TSSatisfiesExpression':
        return this.factOf(node.expression, depth + 1);
      case 'AwaitExpression':
        return this.factOf(node.argument, depth + 1);
      case 'CallExpression':
        return this.callFact(node, depth);
      default:
        return UNKNOWN;
    }
  }

  private callFact(call: TSESTree.CallExpression, depth: number): Fact {
    const callee = call.callee;
    const qualified = this.qualify(callee);
    const first = call.arguments[0];
    const argument = first && first.type !== 'SpreadElement' ? first : undefined;
    if (qualified) {
      const activation = ACTIVATIONS[qualified];
      if (activation) return this.activated(activation, call, argument, depth);
      if (qualified === 'tf.oneHot')
        return { ...UNKNOWN, dtype: 'int', origin: 'label', oneHot: true, evidence: [this.evidence(call, l10n.t('one-hot labels'))] };
      if (/^tf\.tensor(?:[1-6]d)?$/.test(qualified)) {
        // `tf.tensor1d([0, 2, 1], 'int32')`: the dtype is a string argument.
        const dtype = call.arguments.find((arg): arg is TSESTree.StringLiteral => arg.type === 'Literal' && typeof arg.value === 'string');
        const kind = dtype?.value === 'int32' ? 'int' : dtype?.value === 'bool' ? 'bool' : dtype ? 'float' : 'unknown';
        return { ...UNKNOWN, dtype: kind, evidence: kind === 'int' ? [this.evidence(call, l10n.t('integer labels'))] : [] };
      }
      if (qualified === 'tf.tidy' && argument && (argument.type === 'ArrowFunctionExpression' || argument.type === 'FunctionExpression')) {
        const body = argument.body;
        if (body.type !== 'BlockStatement') return this.factOf(body, depth + 1);
        const returned = body.body.filter((statement): statement is TSESTree.ReturnStatement => statement.type === 'ReturnStatement');
        return returned.length === 1 && returned[0]!.argument ? this.factOf(returned[0]!.argument, depth + 1) : UNKNOWN;
      }
      return UNKNOWN;
    }
    if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return UNKNOWN;
    const method = callee.property.name;
    // `x.softmax()`: a tensor method, on a value known to be a tensor of TensorFlow.js.
    const methodActivation = METHOD_ACTIVATIONS[method];
    if (methodActivation) {
      const object = this.factOf(callee.object, depth + 1);
      return object.space === 'unknown' && object.origin === 'unknown' ? UNKNOWN : this.activated(methodActivation, call, callee.object, depth);
    }
    // `model.predict(x)`, `model.apply(x)`, `layer.apply(x)`: the model's or layer's output.
    if (method === 'predict' || method === 'apply' || method === 'predictOnBatch') {
      const output = this.modelOutput(callee.object, depth + 1);
      if (output) return { ...output, origin: 'model' };
    }
    return UNKNOWN;
  }

  private activated(fn: Activation, call: TSESTree.CallExpression, input: Node | undefined, depth: number): Fact {
    const inner = input ? this.factOf(input, depth + 1) : UNKNOWN;
    return {
      space: fn === 'log_softmax' ? 'log-probabilities' : 'probabilities',
      dtype: 'float',
      origin: inner.origin,
      activation: { fn, call: span(call), ...(input ? { input: span(input) } : {}) },
      evidence: [this.evidence(call, l10n.t('{0} applied', fn))],
    };
  }

  /** The output of the model or layer a value holds: `tf.sequential`, `tf.model`, a layer. */
  modelOutput(node: Node, depth = 0): Fact | undefined {
    if (depth > 24) return undefined;
    if (node.type === 'Identifier') {
      const value = this.valueOf(node.name);
      if (!value) return undefined;
      // `const model = tf.sequential(); model.add(...)`: the layers added to the name count too.
      if (value.type === 'CallExpression' && this.qualify(value.callee) === 'tf.sequential')
        return this.sequentialOutput(value, this.added.get(node.name) ?? []);
      return this.modelOutput(value, depth + 1);
    }
    if (node.type === 'TSAsExpression' || node.type === 'TSNonNullExpression') return this.modelOutput(node.expression, depth + 1);
    if (node.type !== 'CallExpression') return undefined;
    const qualified = this.qualify(node.callee);
    const options = objectArgument(node);
    if (qualified === 'tf.model') {
      const outputs = options?.get('outputs');
      if (!outputs || outputs.type === 'ArrayExpression') return undefined;
      return this.factOf(outputs, depth + 1);
    }
    if (qualified === 'tf.sequential') return this.sequentialOutput(node, []);
    const layer = qualified ? this.layer(qualified, node) : undefined;
    return layer ? layer(UNKNOWN) : undefined;
  }

  /** A `tf.sequential(...)` call's output: its `layers`, then the layers `add`ed to its name. */
  private sequentialOutput(value: Expression, added: readonly Expression[]): Fact | undefined {
    if (value.type !== 'CallExpression' || this.qualify(value.callee) !== 'tf.sequential') return undefined;
    const listed = objectArgument(value)?.get('layers');
    const layers: Expression[] = [];
    if (listed) {
      if (listed.type !== 'ArrayExpression') return undefined;
      for (const element of listed.elements) {
        if (!element || element.type === 'SpreadElement') return undefined;
        layers.push(element);
      }
    }
    layers.push(...added);
    if (layers.length === 0) return undefined;
    let fact: Fact = UNKNOWN;
    for (const layerNode of layers) {
      const layer = layerNode.type === 'CallExpression' ? this.layer(this.qualify(layerNode.callee), layerNode) : undefined;
      if (!layer) return undefined;
      fact = layer(fact);
    }
    return fact;
  }

  /** A layer as a map from its input's fact to its output's; undefined for a layer not known. */
  private layer(qualified: string | undefined, call: TSESTree.CallExpression): ((input: Fact) => Fact) | undefined {
    const options = objectArgument(call);
    switch (qualified) {
      case 'tf.layers.dense': {
        const activation = options?.get('activation');
        const name = activation === undefined ? 'linear' : activation.type === 'Literal' && typeof activation.value === 'string' ? activation.value : undefined;
        if (name === 'linear') {
          const evidence = this.evidence(call, l10n.t('Dense with no activation: raw scores (logits)'));
          return () => ({ space: 'logits', dtype: 'float', origin: 'model', evidence: [evidence] });
        }
        return name === 'softmax' || name === 'sigmoid' ? this.activationLayer(name, call) : () => UNKNOWN;
      }
      case 'tf.layers.activation': {
        const activation = options?.get('activation');
        const name = activation?.type === 'Literal' && typeof activation.value === 'string' ? activation.value : undefined;
        return name === 'softmax' || name === 'sigmoid' ? this.activationLayer(name, call) : name === 'linear' ? (input) => input : () => UNKNOWN;
      }
      case 'tf.layers.softmax':
        return this.activationLayer('softmax', call);
      case 'tf.layers.dropout':
        return (input) => input;
      default:
        return qualified?.startsWith('tf.layers.') ? () => UNKNOWN : undefined;
    }
  }

  private activationLayer(fn: 'softmax' | 'sigmoid', call: TSESTree.CallExpression): (input: Fact) => Fact {
    const evidence = this.evidence(call, l10n.t('{0} applied', fn));
    return () => ({ space: 'probabilities', dtype: 'float', origin: 'model', activation: { fn, call: span(call), inModel: true }, evidence: [evidence] });
  }

  /** Every finding of the file. */
  check(): Found[] {
    const found: Found[] = [];
    for (const call of this.calls) {
      const qualified = this.qualify(call.callee);
      const loss = qualified ? LOSSES[qualified] : undefined;
      if (loss && qualified) {
        this.checkLossCall(call, loss, found);
        continue;
      }
      const callee = call.callee;
      if (callee.type === 'MemberExpression' && callee.property.type === 'Identifier' && callee.property.name === 'compile') this.checkCompile(call, found);
      if (callee.type === 'MemberExpression' && callee.property.type === 'Identifier' && callee.property.name === 'fit') this.checkFit(call, found);
    }
    return found;
  }

  /** `model.fit(xs, ys)`: one-hot labels for the sparse loss the model was compiled with, or integers for the categorical one. */
  private checkFit(call: TSESTree.CallExpression, found: Found[]): void {
    const callee = call.callee as TSESTree.MemberExpression;
    const labelsNode = call.arguments[1];
    if (callee.object.type !== 'Identifier' || !labelsNode || labelsNode.type === 'SpreadElement') return;
    const receiver = callee.object.name;
    const compile = this.calls
      .filter(
        (candidate) =>
          candidate.range[0] < call.range[0] &&
          candidate.callee.type === 'MemberExpression' &&
          candidate.callee.object.type === 'Identifier' &&
          candidate.callee.object.name === receiver &&
          candidate.callee.property.type === 'Identifier' &&
          candidate.callee.property.name === 'compile',
      )
      .at(-1);
    const lossNode = compile ? objectArgument(compile)?.get('loss') : undefined;
    if (lossNode?.type !== 'Literal' || (lossNode.value !== 'sparseCategoricalCrossentropy' && lossNode.value !== 'categoricalCrossentropy')) return;
    const labels = this.factOf(labelsNode);
    const sparse = lossNode.value === 'sparseCategoricalCrossentropy';
    const other = sparse ? 'categoricalCrossentropy' : 'sparseCategoricalCrossentropy';
    const quote = this.source(lossNode)[0] ?? "'";
    const fix: Fix = { title: l10n.t('Compile with {0}', other), safety: 'safe', edits: [{ span: span(lossNode), newText: `${quote}${other}${quote}` }] };
    const data = { loss: `\`${this.source(lossNode)}\``, target: this.source(labelsNode) };
    if (sparse && labels.oneHot) {
      found.push({
        code: 'LL010',
        messageId: 'oneHotToSparse',
        data: { ...data, dense: `\`'${other}'\`` },
        span: span(labelsNode),
        evidence: labels.evidence,
        fix,
      });
    } else if (!sparse && labels.dtype === 'int' && !labels.oneHot) {
      found.push({
        code: 'LL010',
        messageId: 'integerLabelsToOneHot',
        data: { ...data, sparse: `\`'${other}'\`` },
        span: span(labelsNode),
        evidence: labels.evidence,
        fix,
      });
    }
  }

  /** `tf.losses.softmaxCrossEntropy(labels, logits)` and the like: labels first. */
  private checkLossCall(call: TSESTree.CallExpression, loss: (typeof LOSSES)[string], found: Found[]): void {
    const [labelsNode, predictionNode] = call.arguments;
    if (!labelsNode || !predictionNode || labelsNode.type === 'SpreadElement' || predictionNode.type === 'SpreadElement') return;
    const prediction = this.factOf(predictionNode);
    const labels = this.factOf(labelsNode);
    const name = `\`${this.text.slice(call.callee.range[0], call.callee.range[1])}\``;
    // Labels in the prediction slot and the model output in the labels slot.
    if (labels.origin === 'model' && (prediction.origin === 'label' || prediction.oneHot)) {
      found.push({
        code: 'LL007',
        messageId: 'swappedLabelsFirst',
        data: {
          loss: name,
          label: predictionNode.type === 'Identifier' ? predictionNode.name : this.source(predictionNode),
          labelSource: root(prediction),
          output: this.source(labelsNode),
          outputSource: root(labels),
        },
        span: { start: labelsNode.range[0], end: predictionNode.range[1] },
        evidence: [...prediction.evidence, ...labels.evidence],
        fix: {
          title: l10n.t('Swap `{0}` and `{1}`', this.source(labelsNode), this.source(predictionNode)),
          safety: 'unsafe',
          edits: [
            { span: span(labelsNode), newText: this.source(predictionNode) },
            { span: span(predictionNode), newText: this.source(labelsNode) },
          ],
        },
      });
      return;
    }
    const finding = lossFinding(
      loss,
      prediction,
      name,
      this.comesFrom(predictionNode, prediction),
      span(predictionNode),
      this.removeActivation(predictionNode, prediction),
    );
    if (finding) found.push(finding);
  }

  /** `model.compile({loss: ...})` on a model whose output is known. */
  private checkCompile(call: TSESTree.CallExpression, found: Found[]): void {
    const callee = call.callee as TSESTree.MemberExpression;
    const lossNode = objectArgument(call)?.get('loss');
    if (!lossNode) return;
    const output = this.modelOutput(callee.object);
    if (!output) return;
    const modelName = this.source(callee.object);
    const source = phrase('comesFrom', { argument: modelName, root: root(output) });
    const name = `\`${this.source(lossNode)}\``;
    if (lossNode.type === 'Literal' && typeof lossNode.value === 'string') {
      const kind = LOSS_STRINGS[lossNode.value];
      if (!kind || output.space !== 'logits') return;
      const namespace = [...this.namespaces][0];
      const replacement =
        kind === 'binary' ? 'losses.sigmoidCrossEntropy' : lossNode.value === 'categoricalCrossentropy' ? 'losses.softmaxCrossEntropy' : undefined;
      const fix: Fix | undefined =
        replacement && namespace
          ? {
              title: l10n.t('Use {0}', `${namespace}.${replacement}`),
              safety: 'safe',
              edits: [{ span: span(lossNode), newText: `${namespace}.${replacement}` }],
            }
          : undefined;
      const finding = lossFinding({ kind, expects: 'probabilities' }, output, name, source, span(lossNode), fix);
      if (finding) found.push(finding);
      return;
    }
    const qualified = this.qualify(lossNode);
    const loss = qualified ? LOSSES[qualified] : undefined;
    const finding = loss ? lossFinding(loss, output, name, source, span(lossNode)) : undefined;
    if (finding) found.push(finding);
  }

  /** "`probs` comes from `tf.softmax(logits)` (line 16: softmax applied)", or "`tf.softmax(x)` is already a softmax output". */
  private comesFrom(argument: Node, fact: Fact): MessageArg {
    const activation = fact.activation;
    if (activation?.call && !activation.inModel && activation.call.start >= argument.range[0] && activation.call.end <= argument.range[1]) {
      return phrase('alreadyActivated', { argument: short(this.source(argument)), activation: activation.fn });
    }
    return phrase('comesFrom', { argument: short(this.source(argument)), root: root(fact) });
  }

  /** The fix for an activation written inside the argument: pass what it was applied to. */
  private removeActivation(argument: Node, fact: Fact): Fix | undefined {
    const activation = fact.activation;
    if (!activation?.call || !activation.input || activation.inModel) return undefined;
    if (activation.call.start !== argument.range[0] || activation.call.end !== argument.range[1]) return undefined;
    const before = this.text.slice(activation.input.start, activation.input.end);
    return { title: l10n.t('Remove the {0}: pass `{1}`', activation.fn, before), safety: 'safe', edits: [{ span: span(argument), newText: before }] };
  }

  private source(node: Node): string {
    return this.text.slice(node.range[0], node.range[1]);
  }
}

/**
 * What a loss makes of its prediction: a softmax or sigmoid before a loss that applies its own
 * (LL003, LL002), or raw scores given to one that reads probabilities (LL001, LL005).
 */
function lossFinding(
  loss: { readonly kind: 'softmax' | 'sigmoid' | 'categorical' | 'binary'; readonly expects: 'logits' | 'probabilities' },
  prediction: Fact,
  name: string,
  source: MessageArg,
  at: Span,
  fix?: Fix,
): Found | undefined {
  const withFix = fix ? { fix } : {};
  if (loss.kind === 'softmax' && prediction.activation?.fn === 'softmax') {
    return { code: 'LL003', messageId: 'softmaxTwice', data: { loss: name, source }, span: at, evidence: prediction.evidence, ...withFix };
  }
  if (loss.kind === 'sigmoid' && prediction.activation?.fn === 'sigmoid') {
    return { code: 'LL002', messageId: 'sigmoidOutput', data: { loss: name, source }, span: at, evidence: prediction.evidence, ...withFix };
  }
  if (loss.expects !== 'probabilities' || prediction.space !== 'logits') return undefined;
  return loss.kind === 'binary'
    ? {
        code: 'LL001',
        messageId: 'logits',
        data: { loss: name, source, replacement: '`tf.losses.sigmoidCrossEntropy`' },
        span: at,
        evidence: prediction.evidence,
        ...withFix,
      }
    : { code: 'LL005', messageId: 'logits', data: { loss: name, source }, span: at, evidence: prediction.evidence, ...withFix };
}

type Activation = 'softmax' | 'sigmoid' | 'log_softmax';

const ACTIVATIONS: Readonly<Record<string, Activation>> = {
  'tf.softmax': 'softmax',
  'tf.sigmoid': 'sigmoid',
  'tf.logSoftmax': 'log_softmax',
};

const METHOD_ACTIVATIONS: Readonly<Record<string, Activation>> = { softmax: 'softmax', sigmoid: 'sigmoid', logSoftmax: 'log_softmax' };

/** Whether `identifier` is declared by `parent` (a variable, parameter, import, class, catch clause). */
function binds(parent: Node, identifier: TSESTree.Identifier): boolean {
  switch (parent.type) {
    case 'VariableDeclarator':
    case 'ClassDeclaration':
    case 'TSImportEqualsDeclaration':
      return parent.id === identifier;
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
      return parent.id === identifier || parent.params.includes(identifier);
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
      return parent.local === identifier;
    case 'CatchClause':
      return parent.param === identifier;
    case 'AssignmentPattern':
      return parent.left === identifier;
    case 'ArrayPattern':
    case 'RestElement':
      return true;
    case 'Property':
      // `{ tf }` in a pattern binds it; in an object literal it reads it: either way, not the global for sure.
      return parent.value === identifier;
    default:
      return false;
  }
}

function isRequire(node: Expression): boolean {
  return (
    node.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    node.arguments[0]?.type === 'Literal' &&
    PACKAGE.test(String(node.arguments[0].value))
  );
}

/** The properties of a call's first argument when it is an object literal: `{units: 10, activation: 'softmax'}`. */
function objectArgument(call: TSESTree.CallExpression): Map<string, Expression> | undefined {
  const first = call.arguments[0];
  if (first?.type !== 'ObjectExpression') return undefined;
  const properties = new Map<string, Expression>();
  for (const property of first.properties) {
    if (property.type !== 'Property' || property.computed) continue;
    const key = property.key.type === 'Identifier' ? property.key.name : property.key.type === 'Literal' ? String(property.key.value) : undefined;
    if (key) properties.set(key, property.value as Expression);
  }
  return properties;
}

function span(node: Node): Span {
  return { start: node.range[0], end: node.range[1] };
}

function root(fact: Fact): MessageArg {
  const first = fact.evidence[0];
  if (!first) return '';
  return first.note
    ? phrase('rootWithNote', { code: first.text, place: place(first.span.start), note: first.note })
    : phrase('root', { code: first.text, place: place(first.span.start) });
}

function short(code: string, limit = 40): string {
  const line = code.replace(/\s+/g, ' ');
  return line.length > limit ? `${line.slice(0, limit - 3)}...` : line;
}
