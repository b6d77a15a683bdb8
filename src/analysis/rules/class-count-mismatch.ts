import * as l10n from '@vscode/l10n';
import type { Interpreter } from '../engine/interpreter';
import type { IrNode } from '../ir/node';
import { canonical } from '../frameworks/apis';
import { callArguments, intLiteral, spanOf, unparen } from '../ir/syntax';
import { isKnownRank } from '../engine/values';
import { parseTensor } from '../../tensor/parse';
import type { Tensor } from '../../tensor/tensor';
import type { Fact } from '../types';
import { chain, comesFrom, inputSpan, lossReference, rootCause, siteFacts } from './helpers/describe';
import { isPyTorch } from '../engine/sites';
import { createRule } from './rule';

export const classCountMismatch = createRule({
  meta: {
    code: 'LL012',
    name: 'class-count-mismatch',
    severity: 'error',
    summary: 'A softmax-based loss over a single output unit, class weights of the wrong length, or class indices beyond the classes.',
    fixable: false,
    activations: [{ kinds: ['softmax', 'log_softmax'] }],
    docs: {
      whatItDoes:
        "Checks `CrossEntropyLoss` / `NLLLoss` and softmax over an input with one output unit (a final `nn.Linear(..., 1)`), and — in every framework — a model ending in a softmax over one unit (`Dense(1, activation='softmax')` in Keras or TensorFlow.js), and `weight` / `pos_weight` tensors whose length differs from the number of classes the model produces. The unit is the last dim: a softmax is reported only when it runs over that dim (`dim=-1`, or a dim that is the last for a known rank), so attention scores `(batch, time, 1)` normalised over time are not. And class indices that reach past the classes of the input: drawn with `torch.randint(low, high, ...)`, counted with `torch.arange(end)`, or written out (`torch.tensor([0, 3, 7])`, leaving out `ignore_index`) — literals, in the call or the one assignment of the target.",
      whyIsThisBad:
        'A softmax over one value is always 1, so cross entropy is always 0: nothing is learned, and nothing fails. A binary classifier with one output needs `BCEWithLogitsLoss`; with two outputs it can use cross entropy. A weight of the wrong length raises at run time, or — for `pos_weight` of length 1 where per-class weights were meant — weights every class alike. A class index at or past the number of classes makes PyTorch raise `Target 9 is out of bounds.` (on a GPU, a device-side assert that ends the process).',
      example: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 1)',
        'x = torch.randn(8, 16)',
        'labels = torch.randint(0, 2, (8,))',
        'loss = nn.CrossEntropyLoss()(head(x), labels)',
      ].join('\n'),
      useInstead: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 2)',
        'x = torch.randn(8, 16)',
        'labels = torch.randint(0, 2, (8,))',
        'loss = nn.CrossEntropyLoss()(head(x), labels)',
      ].join('\n'),
      fixSafety: 'No automatic fix: the right change (more output units, or a binary loss) is a modelling decision.',
      references: ['https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html'],
    },
    messages: {
      singleUnit: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t(
          '{0} normalises over the classes, but {1}: a single output unit. The softmax of one value is always 1, so the loss is always 0. Use BCEWithLogitsLoss for one output, or give the layer one output per class.',
          d.loss,
          d.source,
        ),
      weightLength: (d: { readonly loss: string; readonly weight: string; readonly length: string; readonly classes: string; readonly source: string }) =>
        l10n.t('{0}: `{1}` has {2} entries, but the model produces {3} classes ({4}).', d.loss, d.weight, d.length, d.classes, d.source),
      indexRange: (d: { readonly loss: string; readonly target: string; readonly high: string; readonly classes: string; readonly source: string }) =>
        l10n.t(
          '{0}: `{1}` draws class indices up to {2}, but the input has {3} classes ({4}). PyTorch raises "Target {2} is out of bounds." for any index from {3} on.',
          d.loss,
          d.target,
          d.high,
          d.classes,
          d.source,
        ),
      indexValues: (d: { readonly loss: string; readonly target: string; readonly high: string; readonly classes: string; readonly source: string }) =>
        l10n.t(
          '{0}: `{1}` holds class indices up to {2}, but the input has {3} classes ({4}). PyTorch raises "Target {2} is out of bounds." for any index from {3} on.',
          d.loss,
          d.target,
          d.high,
          d.classes,
          d.source,
        ),
      softmaxOfOne: (d: { readonly activation: string; readonly value: string; readonly source: string }) =>
        l10n.t('{0} over a single output unit is always {1}: {2}.', d.activation, d.value, d.source),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind !== 'application') continue;
      // In every framework: a model whose last layer is a softmax over one unit (`Dense(1,
      // activation='softmax')`) outputs 1 whatever its input, whatever the loss.
      const output = siteFacts(context.interpreter, site);
      const activation = output.input?.activation;
      if (output.inputNode && output.input && activation?.inModel && activation.fn === 'softmax' && output.input.classes === 1 && overLastDim(output.input)) {
        context.report({
          span: inputSpan(site, output.inputNode),
          messageId: 'softmaxOfOne',
          data: { activation: 'softmax', value: '1', source: comesFrom(output.inputNode, output.input) },
          evidence: chain(output.input),
        });
        continue;
      }
      if (!isPyTorch(site)) continue;
      const loss = site.api.loss;
      const { inputNode, input } = siteFacts(context.interpreter, site);
      if (!inputNode || !input) continue;
      // The classes are on dim 1 (dim 0 unbatched); `input.classes` is the size of the last dim
      // (a final `nn.Linear`'s outputs): the same dim when the rank is 1 or 2. With the rank
      // unknown, a width other than 1 is taken as the classes (for weights and index ranges),
      // but a width of 1 is not: scores of shape (batch, time, 1) are not one class.
      const rank = isKnownRank(input.shape) ? input.shape.length : undefined;
      const classDim = rank !== undefined && rank >= 2 && typeof input.shape![1] === 'number' ? input.shape![1] : undefined;
      const lastIsClassDim = rank === 1 || rank === 2 || (rank === undefined && input.classes !== 1);
      const classes = classDim ?? (lastIsClassDim ? input.classes : undefined);
      if ((loss === 'cross_entropy' || loss === 'nll_loss') && classes === 1 && input.space === 'logits') {
        context.report({
          span: spanOf(inputNode),
          messageId: 'singleUnit',
          data: { loss: lossReference(site), source: comesFrom(inputNode, input) },
          evidence: chain(input),
        });
        continue;
      }
      const drawn =
        (loss === 'cross_entropy' || loss === 'nll_loss') && classes !== undefined
          ? drawnIndices(context.interpreter, site.args.get('target'), site.options.get('ignore_index'))
          : undefined;
      if (drawn && drawn.high > classes!) {
        context.report({
          span: spanOf(site.args.get('target')!),
          messageId: drawn.drawn ? 'indexRange' : 'indexValues',
          data: {
            loss: lossReference(site),
            target: drawn.call.text.length > 40 ? `${drawn.call.text.slice(0, 37)}...` : drawn.call.text,
            high: drawn.high - 1,
            classes: classes!,
            source: rootCause(input),
          },
          evidence: [context.interpreter.evidence(drawn.call, l10n.t('class indices from {0} to {1}', drawn.low, drawn.high - 1)), ...chain(input)],
        });
        continue;
      }
      const weightName = loss === 'binary_cross_entropy_with_logits' ? 'pos_weight' : loss === 'cross_entropy' || loss === 'nll_loss' ? 'weight' : undefined;
      const weightNode = weightName ? site.options.get(weightName) : undefined;
      if (!weightNode || classes === undefined) continue;
      const weight = context.interpreter.factOf(weightNode);
      if (!isKnownRank(weight.shape) || weight.shape.length !== 1 || typeof weight.shape[0] !== 'number') continue;
      const length = weight.shape[0];
      if (length === classes || (weightName === 'pos_weight' && length === 1)) continue;
      context.report({
        span: spanOf(weightNode),
        messageId: 'weightLength',
        data: { loss: lossReference(site), weight: weightName!, length, classes, source: rootCause(input) },
        evidence: [...chain(weight), ...chain(input)],
      });
    }
    for (const activation of context.activations) {
      if (activation.kind !== 'softmax' && activation.kind !== 'log_softmax') continue;
      if (activation.form === 'module') continue;
      const inputNode =
        activation.form === 'method' ? activation.call.childForFieldName('function')?.childForFieldName('object') : activation.args.positional[0];
      if (!inputNode) continue;
      const input = context.interpreter.factOf(inputNode);
      if (input.classes !== 1 || input.space !== 'logits') continue;
      // Only a softmax over the unit's own dim (the last) is over one value: `dim=-1`, or a dim
      // that is the last for the known rank (PyTorch's implicit dim is 0 for ranks 0, 1 and 3, else
      // 1). Attention scores `(batch, time, 1)` normalised over time are not.
      const rank = isKnownRank(input.shape) ? input.shape.length : undefined;
      const given = intLiteral(activation.args.keywords.get('dim') ?? activation.args.positional[activation.form === 'method' ? 0 : 1]);
      const dim = given ?? (rank === undefined ? undefined : rank <= 1 || rank === 3 ? 0 : 1);
      if (dim === undefined || (dim !== -1 && (rank === undefined || (dim !== rank - 1 && dim !== -1)))) continue;
      context.report({
        span: spanOf(activation.call),
        messageId: 'softmaxOfOne',
        data: { activation: activation.kind, value: activation.kind === 'softmax' ? '1' : '0', source: comesFrom(inputNode, input) },
        evidence: chain(input),
      });
    }
  },
});

/** Whether a fact's activation runs over its last dim (where a layer's units are). */
function overLastDim(fact: Fact): boolean {
  const dim = fact.activation?.dim;
  if (dim === -1) return true;
  return dim !== undefined && isKnownRank(fact.shape) && dim === fact.shape.length - 1;
}

/**
 * The range a class-index target is drawn from, when it is drawn right there: written as
 * `torch.randint(low, high, size)` (or `randint(high, size)`) with integer literals, in the
 * call or in the one assignment of the name passed. `high` is exclusive.
 */
function drawnIndices(
  interpreter: Interpreter,
  node: IrNode | undefined,
  ignoreIndexNode: IrNode | undefined,
): { low: number; high: number; call: IrNode; drawn: boolean } | undefined {
  if (!node) return undefined;
  // PyTorch skips the positions holding `ignore_index` (-100 unless given): a value that is not a literal leaves them unknown.
  const ignoreIndex = ignoreIndexNode ? intLiteral(ignoreIndexNode) : -100;
  if (ignoreIndex === undefined) return undefined;
  // Values written out: `torch.tensor([0, 3, 7])`, through assignments (the literal the facts carry).
  const literal = interpreter.factOf(node).literal;
  if (literal !== undefined) {
    let values: Tensor;
    try {
      values = parseTensor(literal, { maxElements: 100_000 });
    } catch {
      return undefined;
    }
    if (values.dtype !== 'int' && !(values.weak && values.data.every(Number.isInteger))) return undefined;
    const indices = [...values.data].filter((value) => value !== ignoreIndex);
    if (indices.length === 0 || indices.some((value) => value < 0)) return undefined;
    return { low: Math.min(...indices), high: Math.max(...indices) + 1, call: node, drawn: false };
  }
  let current = unparen(node);
  if (current.type === 'identifier') {
    const scope = interpreter.module.scopeOf(current);
    const found = scope.lookup(current.text, current.startIndex);
    if (found?.binding.kind !== 'assign' || found.binding.path.length > 0 || found.scope.bindings(current.text).length !== 1) return undefined;
    current = unparen(found.binding.value);
  }
  if (current.type !== 'call') return undefined;
  const callee = current.childForFieldName('function');
  const qualified = callee ? interpreter.module.qualify(callee) : undefined;
  const args = callArguments(current);
  if (!qualified || args.open) return undefined;
  const [first, second, third] = args.positional;
  // `torch.arange(end)`, `torch.arange(start, end)`, with a step of 1: every index below end.
  if (canonical(qualified) === 'torch.arange') {
    const step = args.keywords.get('step') ?? third;
    if (step && intLiteral(step) !== 1) return undefined;
    const startNode = args.keywords.get('start') ?? (second || args.keywords.has('end') ? first : undefined);
    const endNode = args.keywords.get('end') ?? (startNode === first && first ? second : first);
    const low = startNode ? intLiteral(startNode) : 0;
    const high = endNode ? intLiteral(endNode) : undefined;
    return low !== undefined && high !== undefined && high > low && low >= 0 ? { low, high, call: current, drawn: false } : undefined;
  }
  if (canonical(qualified) !== 'torch.randint') return undefined;
  const lowNode = args.keywords.get('low') ?? (third || (second && args.keywords.has('size')) ? first : undefined);
  const highNode = args.keywords.get('high') ?? (lowNode === first && first ? second : first);
  const low = lowNode ? intLiteral(lowNode) : 0;
  const high = highNode ? intLiteral(highNode) : undefined;
  return low !== undefined && high !== undefined && high > low ? { low, high, call: current, drawn: true } : undefined;
}
