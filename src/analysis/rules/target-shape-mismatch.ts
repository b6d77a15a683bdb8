import * as l10n from '@vscode/l10n';
import { spanOf, stringLiteral } from '../ir/syntax';
import { isKnownRank } from '../engine/values';
import { chain, looksSwapped, lossReference, siteFacts } from './helpers/describe';
import { appendAfter, isPrimary, renameCallee } from './helpers/edits';
import { formatShape, trailingOneAgainst } from './helpers/shapes';
import type { Interpreter } from '../engine/interpreter';
import { isPyTorch, type PythonLossSite } from '../engine/sites';
import { tfjsCategoricalString } from '../frameworks/tfjs';
import type { Fact, Fix, TextEdit } from '../types';
import { createRule } from './rule';
import { findLoss } from '../../losses/registry';
import { broadcastShape, type SymShape } from '../../losses/shapes';

const BROADCASTING: ReadonlySet<string> = new Set(['mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss']);

export const targetShapeMismatch = createRule({
  meta: {
    code: 'LL010',
    name: 'target-shape-mismatch',
    severity: 'error',
    summary: 'The target cannot fit the input for this loss, or fits it only by silent broadcasting.',
    fixable: true,
    docs: {
      whatItDoes:
        "Checks the shapes of a loss's tensors where they are known, against the loss's shape contract: the same contract LossLens's evaluator checks before computing a value (`src/losses/shapes.ts`), reported in PyTorch's own words. Among them: a `(N, 1)` input against an `(N,)` target for MSE / L1 / Smooth L1 / Huber (silent broadcasting to `(N, N)`, with a fix), and the reverse; different shapes for BCE; class-index targets of the wrong shape for cross entropy and NLL, including K-dimensional ones (an `(N, 1, H, W)` mask against `(N, C, H, W)` logits, an `(N, d, 1)` target against `(N, C, d)`); class probabilities for another number of classes; KL-div, triplet and L1/MSE inputs of different widths; a 2-D target to `cosine_embedding_loss`; margin ranking inputs of different ranks; an `(N,)` multi-label target against `(N, C)` scores; one-hot labels given to cross entropy. A size LossLens does not know (a parameter, a dataset) is never a fault. For Keras, the labels given to `model.fit()` against the compiled loss (one-hot labels for `sparse_categorical_crossentropy`, integer labels for `categorical_crossentropy`); for TensorFlow and optax, integer labels given to a one-hot cross entropy and one-hot labels to a sparse one. In TensorFlow.js: labels given to `model.fit` that do not fit the compiled `'sparseCategoricalCrossentropy'` or `'categoricalCrossentropy'`.",
      whyIsThisBad:
        'For regression losses PyTorch broadcasts `(N, 1)` against `(N,)` to `(N, N)` and averages N² differences, with only a warning: the model trains towards the mean of the batch. The other faults make PyTorch raise at run time, after the data pipeline and often an epoch of training have run.',
      example: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 1)',
        'x = torch.randn(8, 16)',
        'y = torch.randn(8)',
        'loss = nn.MSELoss()(head(x), y)',
      ].join('\n'),
      useInstead: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 1)',
        'x = torch.randn(8, 16)',
        'y = torch.randn(8)',
        'loss = nn.MSELoss()(head(x).squeeze(1), y)',
      ].join('\n'),
      fixSafety:
        "For a `(N, 1)` input against an `(N,)` target the fix squeezes the input's last dim. It is unsafe: it changes which values are compared, which is the point.",
      references: ['https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html', 'https://pytorch.org/docs/stable/notes/broadcasting.html'],
    },
    messages: {
      broadcast: (d: {
        readonly loss: string;
        readonly input: string;
        readonly inputShape: string;
        readonly target: string;
        readonly targetShape: string;
        readonly broadcastShape: string;
      }) =>
        l10n.t(
          "{0}: the input `{1}` has shape {2} and the target `{3}` has shape {4}. PyTorch broadcasts them to {5} and compares every prediction with every target. Squeeze the input's last dim.",
          d.loss,
          d.input,
          d.inputShape,
          d.target,
          d.targetShape,
          d.broadcastShape,
        ),
      contract: (d: { readonly loss: string; readonly shapes: string; readonly pytorch: string; readonly hint: string }) =>
        l10n.t('{0}: {1}. PyTorch raises “{2}” at run time.{3}', d.loss, d.shapes, d.pytorch, d.hint ? ` ${d.hint}` : ''),
      contractWarning: (d: { readonly loss: string; readonly shapes: string; readonly pytorch: string; readonly broadcastShape: string }) =>
        l10n.t(
          '{0}: {1}. PyTorch warns “{2}” and broadcasts them to {3}, comparing every prediction with every target.',
          d.loss,
          d.shapes,
          d.pytorch,
          d.broadcastShape,
        ),
      oneHot: (d: { readonly loss: string; readonly target: string }) =>
        l10n.t(
          '{0} takes class indices, but `{1}` holds one-hot labels (int64). Pass the class indices (`{1}.argmax(dim=1)`, or the labels before one_hot).',
          d.loss,
          d.target,
        ),
      kerasOneHot: (d: { readonly loss: string; readonly target: string }) =>
        l10n.t(
          '{0} takes integer class labels, but `{1}` holds one-hot labels: the model is trained against the wrong classes or Keras raises a shape error. Use categorical_crossentropy, or pass the labels before one-hot encoding.',
          d.loss,
          d.target,
        ),
      integerLabelsToOneHot: (d: { readonly loss: string; readonly target: string; readonly sparse: string }) =>
        l10n.t(
          '{0} takes one-hot labels (or class probabilities), but `{1}` holds integer class labels. Use {2}, which takes class indices.',
          d.loss,
          d.target,
          d.sparse,
        ),
      oneHotToSparse: (d: { readonly loss: string; readonly target: string; readonly dense: string }) =>
        l10n.t(
          '{0} takes integer class labels, but `{1}` holds one-hot labels. Use {2}, which takes one-hot labels, or pass the labels before one-hot encoding.',
          d.loss,
          d.target,
          d.dense,
        ),
      kerasIntegers: (d: { readonly loss: string; readonly target: string }) =>
        l10n.t(
          '{0} takes one-hot labels, but `{1}` holds integer class labels. Use sparse_categorical_crossentropy, or one-hot encode the labels.',
          d.loss,
          d.target,
        ),
      classDim: (d: { readonly loss: string; readonly target: string; readonly targetShape: string }) =>
        l10n.t(
          '{0}: the class indices `{1}` have shape {2}, with a class dim of 1; with (N, C) scores the target must be (N,). Squeeze it: `{1}.squeeze(1)`.',
          d.loss,
          d.target,
          d.targetShape,
        ),
    },
  },
  check(context) {
    const reportContract = (site: PythonLossSite) => {
      const found = contractFault(context.interpreter, site);
      if (!found) return;
      if (found.fault.severity === 'error') {
        context.report({
          span: found.span,
          messageId: 'contract',
          data: { loss: lossReference(site), shapes: found.shapes, pytorch: found.fault.message, hint: found.fault.hint ?? '' },
          evidence: found.evidence,
        });
      } else if (found.broadcastShape) {
        context.report({
          span: spanOf(site.call),
          messageId: 'contractWarning',
          data: { loss: lossReference(site), shapes: found.shapes, pytorch: found.fault.message, broadcastShape: found.broadcastShape },
          evidence: found.evidence,
        });
      }
    };
    for (const site of context.losses) {
      if (site.fitted) {
        const found = kerasLabels(context.interpreter, site);
        if (!found) continue;
        // TensorFlow.js spells its losses otherwise: the message names the other one as it is written.
        if (site.api.framework === 'tfjs') {
          const other = `\`'${tfjsCategoricalString(found.sparse ? 'categorical' : 'sparse')}'\``;
          if (found.sparse) context.report({ ...found.report, messageId: 'oneHotToSparse', data: { ...found.report.data, dense: other } });
          else context.report({ ...found.report, messageId: 'integerLabelsToOneHot', data: { ...found.report.data, sparse: other } });
        } else if (found.sparse) context.report({ ...found.report, messageId: 'kerasOneHot' });
        else context.report({ ...found.report, messageId: 'kerasIntegers' });
        continue;
      }
      if (site.kind === 'application' && site.api.labels && (site.api.framework === 'tensorflow' || site.api.framework === 'jax')) {
        const { targetNode, target } = siteFacts(context.interpreter, site);
        const twin = SPARSE_TWINS[site.qualified];
        if (!targetNode || !target || !twin) continue;
        const integers = target.dtype === 'int' && !target.oneHot && (!isKnownRank(target.shape) || target.shape.length === 1);
        const rename = twin.rename ? renameCallee(site.call, twin.other.slice(twin.other.lastIndexOf('.') + 1)) : undefined;
        const fix = rename ? { fix: { title: l10n.t('Use {0}', twin.other), safety: 'safe' as const, edits: [rename] } } : {};
        if (site.api.labels === 'one-hot' && integers) {
          context.report({
            span: spanOf(targetNode),
            messageId: 'integerLabelsToOneHot',
            data: { loss: lossReference(site), target: targetNode.text, sparse: `\`${twin.other}\`` },
            evidence: chain(target),
            ...fix,
          });
        } else if (site.api.labels === 'indices' && target.oneHot) {
          context.report({
            span: spanOf(targetNode),
            messageId: 'oneHotToSparse',
            data: { loss: lossReference(site), target: targetNode.text, dense: `\`${twin.other}\`` },
            evidence: chain(target),
            ...fix,
          });
        }
        continue;
      }
      if (site.kind !== 'application' || !isPyTorch(site)) continue;
      const loss = site.api.loss;
      const { inputNode, input, targetNode, target } = siteFacts(context.interpreter, site);
      if (!inputNode || !targetNode || !input || !target) {
        reportContract(site);
        continue;
      }
      const inputShape = input.shape;
      const targetShape = target.shape;
      // (N, 1) scores against (N,) targets: broadcast to (N, N), with a fix.
      if (BROADCASTING.has(loss) && isKnownRank(inputShape) && isKnownRank(targetShape) && trailingOneAgainst(inputShape, targetShape)) {
        context.report({
          span: spanOf(site.call),
          messageId: 'broadcast',
          data: {
            loss: lossReference(site),
            input: inputNode.text,
            inputShape: formatShape(inputShape),
            target: targetNode.text,
            targetShape: formatShape(targetShape),
            broadcastShape: formatShape([...targetShape, targetShape[targetShape.length - 1]]),
          },
          evidence: [...chain(input), ...chain(target)],
          fix: {
            title: l10n.t('Squeeze the input: `{0}.squeeze(-1)`', inputNode.text),
            safety: 'unsafe',
            edits: appendAfter(inputNode, '.squeeze(-1)', !isPrimary(inputNode)),
          },
        });
        continue;
      }
      if (loss === 'cross_entropy' || loss === 'nll_loss') {
        // One-hot int labels of the input's shape: PyTorch would read them as probabilities, and refuse the int dtype.
        if (target.oneHot) {
          context.report({
            span: spanOf(targetNode),
            messageId: 'oneHot',
            data: { loss: lossReference(site), target: targetNode.text },
            evidence: chain(target),
          });
          continue;
        }
        // (N, 1) class indices against (N, C) scores (the scores' rank may be unknown when a layer gives C).
        const inputRank = isKnownRank(inputShape) ? inputShape.length : undefined;
        if (
          isKnownRank(targetShape) &&
          target.dtype === 'int' &&
          targetShape.length === 2 &&
          targetShape[1] === 1 &&
          (inputRank === 2 || (inputRank === undefined && (input.classes ?? 0) > 1))
        ) {
          context.report({
            span: spanOf(targetNode),
            messageId: 'classDim',
            data: { loss: lossReference(site), target: targetNode.text, targetShape: formatShape(targetShape) },
            evidence: chain(target),
            fix: {
              title: l10n.t('Squeeze the target: `{0}.squeeze(1)`', targetNode.text),
              safety: 'safe',
              edits: appendAfter(targetNode, '.squeeze(1)', !isPrimary(targetNode)),
            },
          });
          continue;
        }
      }
      reportContract(site);
    }
  },
});

/**
 * The other cross entropy of each TensorFlow and optax pair (one-hot ↔ class indices), and
 * whether renaming the call is a fix (the same argument names; TF1's `onehot_labels` is not).
 */
const SPARSE_TWINS: Readonly<Record<string, { readonly other: string; readonly rename: boolean }>> = {
  'tensorflow.nn.softmax_cross_entropy_with_logits': { other: 'tf.nn.sparse_softmax_cross_entropy_with_logits', rename: true },
  'tensorflow.nn.softmax_cross_entropy_with_logits_v2': { other: 'tf.nn.sparse_softmax_cross_entropy_with_logits', rename: false },
  'tensorflow.nn.sparse_softmax_cross_entropy_with_logits': { other: 'tf.nn.softmax_cross_entropy_with_logits', rename: true },
  'tensorflow.compat.v1.losses.softmax_cross_entropy': { other: 'tf.compat.v1.losses.sparse_softmax_cross_entropy', rename: false },
  'tensorflow.losses.softmax_cross_entropy': { other: 'tf.compat.v1.losses.sparse_softmax_cross_entropy', rename: false },
  'tensorflow.compat.v1.losses.sparse_softmax_cross_entropy': { other: 'tf.compat.v1.losses.softmax_cross_entropy', rename: false },
  'tensorflow.losses.sparse_softmax_cross_entropy': { other: 'tf.compat.v1.losses.softmax_cross_entropy', rename: false },
  'optax.softmax_cross_entropy': { other: 'optax.softmax_cross_entropy_with_integer_labels', rename: true },
  'optax.losses.softmax_cross_entropy': { other: 'optax.losses.softmax_cross_entropy_with_integer_labels', rename: true },
  'optax.softmax_cross_entropy_with_integer_labels': { other: 'optax.softmax_cross_entropy', rename: true },
  'optax.losses.softmax_cross_entropy_with_integer_labels': { other: 'optax.losses.softmax_cross_entropy', rename: true },
};

/**
 * Labels given to a compiled Keras model's `fit()`: one-hot labels for a sparse categorical cross
 * entropy, or integer labels (rank 1) for a categorical one. The fix switches the loss.
 */
function kerasLabels(interpreter: Interpreter, site: PythonLossSite) {
  const labelsNode = site.args.get('target');
  const kind = site.api.keras;
  if (!labelsNode || !site.fitted || (kind !== 'sparse' && kind !== 'categorical')) return undefined;
  const labels = interpreter.factOf(labelsNode);
  const integers = labels.dtype === 'int' && !labels.oneHot && (!isKnownRank(labels.shape) || labels.shape.length === 1);
  const mismatch = kind === 'sparse' ? labels.oneHot === true : integers;
  if (!mismatch) return undefined;
  const replacement = switchedLoss(site, kind === 'sparse' ? 'categorical' : 'sparse');
  const report = {
    span: spanOf(labelsNode),
    data: { loss: `\`${site.fitted.loss.text.replace(/\s+/g, ' ')}\``, target: labelsNode.text },
    evidence: chain(labels),
    ...(replacement ? { fix: replacement } : {}),
  };
  return { sparse: kind === 'sparse', report };
}

/** The compiled loss switched to the other categorical cross entropy, where it is written in the compile. */
function switchedLoss(site: PythonLossSite, to: 'categorical' | 'sparse'): Fix | undefined {
  const loss = site.fitted!.loss;
  const names =
    site.api.framework === 'tfjs'
      ? [tfjsCategoricalString(to), tfjsCategoricalString(to)]
      : to === 'sparse'
        ? ['sparse_categorical_crossentropy', 'SparseCategoricalCrossentropy']
        : ['categorical_crossentropy', 'CategoricalCrossentropy'];
  const text = stringLiteral(loss);
  let edit: TextEdit | undefined;
  if (text !== undefined) {
    const snake = /^[a-z_]+$/.test(text) || site.api.framework === 'tfjs';
    const quote = loss.text[0] === "'" ? "'" : '"';
    edit = { span: spanOf(loss), newText: `${quote}${snake ? names[0] : names[1]}${quote}` };
  } else if (site.fitted!.lossCall && site.fitted!.lossCall.startIndex === loss.startIndex) {
    edit = renameCallee(site.fitted!.lossCall, names[1]!);
  }
  return edit ? { title: l10n.t('Compile with {0}', names[0]!), safety: 'safe', edits: [edit] } : undefined;
}

/**
 * The loss's shape contract (`src/losses/shapes.ts`, the one the evaluator checks) on the shapes
 * inferred for its tensors: the fault PyTorch would meet first, with the tensors it names (the
 * first is where the finding goes), their shapes as the message says them and their evidence.
 */
function contractFault(interpreter: Interpreter, site: PythonLossSite) {
  const contract = findLoss(site.api.loss)?.shapes;
  if (!contract) return undefined;
  const facts = new Map<string, Fact>();
  const shapes: Record<string, SymShape> = {};
  for (const [name, node] of site.args) {
    const fact = interpreter.factOf(node);
    facts.set(name, fact);
    if (isKnownRank(fact.shape)) shapes[name] = fact.shape;
  }
  // Labels as the input and the model's output as the target: swapped arguments (LL007 says so),
  // whose shapes cannot fit either.
  const [input, target] = [facts.get('input'), facts.get('target')];
  if (input && target && looksSwapped(input, target)) return undefined;
  const dtypes = Object.fromEntries([...facts].map(([name, fact]) => [name, fact.dtype === 'unknown' ? undefined : fact.dtype]));
  const faults = contract(shapes, {}, dtypes);
  const fault = faults.find((each) => each.severity === 'error') ?? faults[0];
  if (!fault) return undefined;
  const involved = [...new Set(fault.tensors)].filter((name) => site.args.has(name) && shapes[name]);
  return {
    fault,
    span: spanOf(site.args.get(involved[0] ?? '') ?? site.call),
    shapes: involved.map((name) => `\`${site.args.get(name)!.text}\` ${formatShape(shapes[name]!)}`).join(', '),
    broadcastShape: involved.length >= 2 ? formatShape(broadcastShape(shapes[involved[0]!]!, shapes[involved[1]!]!)) : '',
    evidence: involved.flatMap((name) => chain(facts.get(name)!)),
  };
}
