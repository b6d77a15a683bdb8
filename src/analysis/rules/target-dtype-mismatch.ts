import * as l10n from '@vscode/l10n';
import { spanOf } from '../ir/syntax';
import { isKnownRank } from '../engine/values';
import { chain, lossReference, rootCause, siteFacts } from './helpers/describe';
import type { IrNode } from '../ir/node';
import type { TextEdit } from '../types';
import { appendAfter, isPrimary, renameCallee } from './helpers/edits';
import { isPyTorch } from '../engine/sites';
import { createRule } from './rule';
import { findLoss } from '../../losses/registry';

/** `.float()` → `.long()` when the target is itself a conversion, else `.long()` appended. */
function convert(target: IrNode, to: 'long' | 'float', from: readonly string[]): TextEdit[] {
  const method = target.type === 'call' ? target.childForFieldName('function')?.childForFieldName('attribute')?.text : undefined;
  if (method && from.includes(method) && (target.childForFieldName('arguments')?.namedChildCount ?? 0) === 0) {
    const rename = renameCallee(target, to);
    if (rename) return [rename];
  }
  return appendAfter(target, `.${to}()`, !isPrimary(target));
}

export const targetDtypeMismatch = createRule({
  meta: {
    code: 'LL011',
    name: 'target-dtype-mismatch',
    severity: 'error',
    summary: 'Class indices are floats, or binary targets are integers.',
    fixable: true,
    docs: {
      whatItDoes:
        "Checks the dtype of targets where it is known: float class indices for `CrossEntropyLoss` / `NLLLoss` (class indices must be int64), and integer targets for `BCELoss` / `BCEWithLogitsLoss` (they must be floats); for every other PyTorch loss, what its dtype contract (the one LossLens's evaluator checks) says PyTorch refuses: integer targets for `kl_div` and torchvision's `sigmoid_focal_loss`, float class indices for `MultiMarginLoss` and `MultiLabelMarginLoss` (the regression and other margin losses promote integer targets without a word, and are not reported); likewise float labels for `tf.nn.sparse_softmax_cross_entropy_with_logits` and `optax.softmax_cross_entropy_with_integer_labels`, and integer labels for `tf.nn.sigmoid_cross_entropy_with_logits`. Keras losses are not checked: they cast `y_true` to the prediction's dtype (to integers for the sparse cross entropy), so a mismatch does not fail there.",
      whyIsThisBad:
        'PyTorch refuses both at run time ("expected scalar type Long but found Float", "Found dtype Long but expected Float") — after data loading, often minutes into a job. A float target of the same shape as the logits is read by cross entropy as class probabilities instead, which is a different loss.',
      example: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 1)',
        'x = torch.randn(8, 16)',
        'y = torch.randint(0, 2, (8, 1))',
        'loss = nn.BCEWithLogitsLoss()(head(x), y)',
      ].join('\n'),
      useInstead: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 1)',
        'x = torch.randn(8, 16)',
        'y = torch.randint(0, 2, (8, 1))',
        'loss = nn.BCEWithLogitsLoss()(head(x), y.float())',
      ].join('\n'),
      fixSafety: 'Safe: the fix converts the target with `.long()` or `.float()`, which keeps whole-number values.',
      references: [
        'https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html',
        'https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html',
      ],
    },
    messages: {
      floatIndices: (d: { readonly loss: string; readonly target: string; readonly source: string }) =>
        l10n.t(
          '{0} takes class indices as int64, but `{1}` is a float tensor ({2}). PyTorch raises "expected scalar type Long". Convert it with .long().',
          d.loss,
          d.target,
          d.source,
        ),
      integerTargets: (d: { readonly loss: string; readonly target: string; readonly source: string }) =>
        l10n.t(
          '{0} needs float targets, but `{1}` is an integer tensor ({2}). PyTorch raises "Found dtype Long but expected Float". Convert it with .float().',
          d.loss,
          d.target,
          d.source,
        ),
      contract: (d: {
        readonly loss: string;
        readonly target: string;
        readonly dtype: string;
        readonly source: string;
        readonly pytorch: string;
        readonly convert: string;
      }) => l10n.t('{0}: `{1}` is {2} ({3}). PyTorch raises “{4}”. Convert it with .{5}().', d.loss, d.target, d.dtype, d.source, d.pytorch, d.convert),
      tfFloatIndices: (d: { readonly loss: string; readonly target: string; readonly source: string }) =>
        l10n.t(
          '{0} takes integer class labels, but `{1}` is a float tensor ({2}). TensorFlow raises an error. Cast it to an integer type (tf.int32 or tf.int64).',
          d.loss,
          d.target,
          d.source,
        ),
      jaxFloatIndices: (d: { readonly loss: string; readonly target: string; readonly source: string }) =>
        l10n.t(
          '{0} takes integer class labels, but `{1}` is a float array ({2}). JAX refuses float indices. Cast it with .astype(jnp.int32).',
          d.loss,
          d.target,
          d.source,
        ),
      tfIntegerTargets: (d: { readonly loss: string; readonly target: string; readonly source: string }) =>
        l10n.t(
          '{0} needs float labels of the same dtype as the logits, but `{1}` is an integer tensor ({2}). TensorFlow raises a dtype error. Cast it with tf.cast(..., tf.float32).',
          d.loss,
          d.target,
          d.source,
        ),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind === 'application' && site.api.framework === 'jax') {
        // optax's integer-label cross entropy indexes with its labels: they must be integers.
        const { targetNode, target } = siteFacts(context.interpreter, site);
        if (!targetNode || !target || site.api.labels !== 'indices' || target.dtype !== 'float' || target.oneHot) continue;
        const data = { loss: lossReference(site), target: targetNode.text, source: rootCause(target) };
        context.report({ span: spanOf(targetNode), messageId: 'jaxFloatIndices', data, evidence: chain(target) });
        continue;
      }
      if (site.kind === 'application' && site.api.framework === 'tensorflow') {
        // TensorFlow: sparse cross entropies take integer labels; sigmoid ones float labels.
        const { targetNode, target } = siteFacts(context.interpreter, site);
        if (!targetNode || !target) continue;
        const data = { loss: lossReference(site), target: targetNode.text, source: rootCause(target) };
        if (site.api.labels === 'indices' && target.dtype === 'float' && !target.oneHot) {
          context.report({ span: spanOf(targetNode), messageId: 'tfFloatIndices', data, evidence: chain(target) });
        } else if (site.api.loss === 'binary_cross_entropy_with_logits' && (target.dtype === 'int' || target.dtype === 'bool')) {
          context.report({ span: spanOf(targetNode), messageId: 'tfIntegerTargets', data, evidence: chain(target) });
        }
        continue;
      }
      if (site.kind !== 'application' || !isPyTorch(site)) continue;
      const loss = site.api.loss;
      if (loss !== 'cross_entropy' && loss !== 'nll_loss' && loss !== 'binary_cross_entropy' && loss !== 'binary_cross_entropy_with_logits') {
        // Every other loss: its dtype contract (`src/losses/shapes.ts`), the one the evaluator checks.
        const contract = findLoss(loss)?.dtypes;
        if (!contract) continue;
        const facts = new Map([...site.args].map(([name, node]) => [name, context.interpreter.factOf(node)] as const));
        const dtypes = Object.fromEntries([...facts].map(([name, fact]) => [name, fact.dtype === 'unknown' || fact.oneHot ? undefined : fact.dtype]));
        const shapes = Object.fromEntries([...facts].flatMap(([name, fact]) => (isKnownRank(fact.shape) ? [[name, fact.shape]] : [])));
        const fault = contract(dtypes, shapes)[0];
        const node = fault ? site.args.get(fault.tensor) : undefined;
        const fact = fault ? facts.get(fault.tensor) : undefined;
        if (fault && node && fact) {
          context.report({
            span: spanOf(node),
            messageId: 'contract',
            data: {
              loss: lossReference(site),
              target: node.text,
              dtype: fact.dtype === 'float' ? l10n.t('a float tensor') : fact.dtype === 'bool' ? l10n.t('a bool tensor') : l10n.t('an integer tensor'),
              source: rootCause(fact),
              pytorch: fault.message.replace(/\.$/, ''),
              convert: fault.convert,
            },
            evidence: chain(fact),
            fix: {
              title: l10n.t('Convert `{0}` with .{1}()', node.text, fault.convert),
              safety: 'safe',
              edits: convert(node, fault.convert, fault.convert === 'long' ? ['float', 'double', 'half'] : ['long', 'int', 'bool']),
            },
          });
        }
        continue;
      }
      const { inputNode, input, targetNode, target } = siteFacts(context.interpreter, site);
      if (!targetNode || !target || !inputNode || !input) continue;
      if ((loss === 'cross_entropy' || loss === 'nll_loss') && target.dtype === 'float') {
        // Only when the target cannot be class probabilities: one dim fewer than the input.
        const inputRank = isKnownRank(input.shape) ? input.shape.length : undefined;
        const targetRank = isKnownRank(target.shape) ? target.shape.length : undefined;
        const indexShaped =
          targetRank !== undefined &&
          ((inputRank !== undefined && targetRank === inputRank - 1) ||
            (inputRank === undefined && targetRank === 1 && input.classes !== undefined && input.classes > 1 && target.shape?.[0] !== input.classes));
        if (!indexShaped && loss !== 'nll_loss') continue;
        if (loss === 'nll_loss' && targetRank === undefined) continue;
        context.report({
          span: spanOf(targetNode),
          messageId: 'floatIndices',
          data: { loss: lossReference(site), target: targetNode.text, source: rootCause(target) },
          evidence: chain(target),
          fix: { title: l10n.t('Convert the target with .long()'), safety: 'safe', edits: convert(targetNode, 'long', ['float', 'double', 'half']) },
        });
      }
      if ((loss === 'binary_cross_entropy' || loss === 'binary_cross_entropy_with_logits') && (target.dtype === 'int' || target.dtype === 'bool')) {
        context.report({
          span: spanOf(targetNode),
          messageId: 'integerTargets',
          data: { loss: lossReference(site), target: targetNode.text, source: rootCause(target) },
          evidence: chain(target),
          fix: { title: l10n.t('Convert the target with .float()'), safety: 'safe', edits: convert(targetNode, 'float', ['long', 'int', 'bool']) },
        });
        continue;
      }
    }
  },
});
