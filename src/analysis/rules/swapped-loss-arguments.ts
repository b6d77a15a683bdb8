import * as l10n from '@vscode/l10n';
import { spanOf } from '../ir/syntax';
import { chain, looksSwapped, lossReference, rootCause, siteFacts } from './helpers/describe';
import { roles } from '../engine/sites';
import { createRule } from './rule';

export const swappedLossArguments = createRule({
  meta: {
    code: 'LL007',
    name: 'swapped-loss-arguments',
    severity: 'error',
    summary: 'The labels are passed where the loss expects predictions, and the predictions where it expects labels.',
    fixable: true,
    docs: {
      whatItDoes:
        "Checks loss calls whose prediction slot holds a label — the target of a `for inputs, labels in loader` batch, or integer class indices — and whose label slot holds a model output. PyTorch losses take `(input, target)`: predictions first; TensorFlow's `tf.nn.*_with_logits` and Keras losses take `(labels, logits)` and `(y_true, y_pred)`: labels first. TensorFlow.js's `tf.losses.*` take the labels first too.",
      whyIsThisBad:
        'With the arguments swapped the loss differentiates with respect to the labels, the model gets no useful gradient, and for some losses (cross entropy with class indices) the call fails only at run time with a confusing shape or dtype error.',
      example: [
        'import torch.nn as nn',
        '',
        'model = nn.Linear(16, 10)',
        'criterion = nn.MSELoss()',
        '',
        'def train(loader):',
        '    for inputs, labels in loader:',
        '        outputs = model(inputs)',
        '        loss = criterion(labels, outputs)',
      ].join('\n'),
      useInstead: [
        'import torch.nn as nn',
        '',
        'model = nn.Linear(16, 10)',
        'criterion = nn.MSELoss()',
        '',
        'def train(loader):',
        '    for inputs, labels in loader:',
        '        outputs = model(inputs)',
        '        loss = criterion(outputs, labels)',
      ].join('\n'),
      fixSafety: 'The fix swaps the two arguments. It is unsafe: it changes what the loss computes, which is the point, but deserves a look.',
      references: ['https://pytorch.org/docs/stable/nn.html#loss-functions'],
    },
    messages: {
      swapped: (d: { readonly loss: string; readonly label: string; readonly labelSource: string; readonly output: string; readonly outputSource: string }) =>
        l10n.t(
          '{0} takes (prediction, target), but `{1}` is a label ({2}) and `{3}` is the model output ({4}). Swap them.',
          d.loss,
          d.label,
          d.labelSource,
          d.output,
          d.outputSource,
        ),
      swappedLabelsFirst: (d: {
        readonly loss: string;
        readonly label: string;
        readonly labelSource: string;
        readonly output: string;
        readonly outputSource: string;
      }) =>
        l10n.t(
          '{0} takes the labels first, then the predictions. But `{3}` is the model output ({4}) and `{1}` is a label ({2}). Swap them.',
          d.loss,
          d.label,
          d.labelSource,
          d.output,
          d.outputSource,
        ),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind !== 'application') continue;
      const [first, second] = roles(site);
      const { inputNode, input, targetNode, target } = siteFacts(context.interpreter, site, first, second);
      if (!inputNode || !targetNode || !input || !target || !looksSwapped(input, target)) continue;
      // TensorFlow and Keras take the labels first: the message says which order the API wants.
      const labelsFirst = site.api.parameters[0] === 'target';
      context.report({
        span: { start: Math.min(inputNode.startIndex, targetNode.startIndex), end: Math.max(inputNode.endIndex, targetNode.endIndex) },
        messageId: labelsFirst ? 'swappedLabelsFirst' : 'swapped',
        data: { loss: lossReference(site), label: inputNode.text, labelSource: rootCause(input), output: targetNode.text, outputSource: rootCause(target) },
        evidence: [...chain(input), ...chain(target)],
        fix: {
          title: l10n.t('Swap `{0}` and `{1}`', inputNode.text, targetNode.text),
          safety: 'unsafe',
          edits: [
            { span: spanOf(inputNode), newText: targetNode.text },
            { span: spanOf(targetNode), newText: inputNode.text },
          ],
        },
      });
    }
  },
});
