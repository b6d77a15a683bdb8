import * as l10n from '@vscode/l10n';
import { passPreActivation } from './helpers/activation';
import { chain, comesFrom, inputSpan, lossReference, siteFacts } from './helpers/describe';
import { fromLogitsFix } from './helpers/edits';
import { createRule } from './rule';

export const softmaxBeforeCrossEntropy = createRule({
  meta: {
    code: 'LL003',
    name: 'softmax-before-cross-entropy',
    severity: 'warning',
    summary: 'Cross entropy, which applies log-softmax itself, receives softmax or log-softmax output.',
    fixable: true,
    docs: {
      whatItDoes:
        "Checks for `nn.CrossEntropyLoss` and `F.cross_entropy` whose input has been through a softmax (or a log-softmax); likewise for Keras' categorical cross entropies with `from_logits=True` on a model ending in a softmax, `tf.nn.softmax_cross_entropy_with_logits` (sparse, `_v2` and TF1 forms) and `optax.softmax_cross_entropy` (and `_with_integer_labels`). In TensorFlow.js: `tf.losses.softmaxCrossEntropy` on a softmax output.",
      whyIsThisBad:
        '`CrossEntropyLoss` applies `log_softmax` to its input. After a softmax the input lies in [0, 1], so the second softmax flattens it: with 10 classes a perfectly confident prediction still gets probability 0.23, the loss stays high and gradients are tiny. PyTorch does not warn (pytorch/pytorch#55902). A log-softmax before it is harmless but redundant: `log_softmax` of log-probabilities gives them back.',
      example: [
        'import torch',
        'import torch.nn as nn',
        'import torch.nn.functional as F',
        '',
        'head = nn.Linear(16, 10)',
        'x = torch.randn(8, 16)',
        'labels = torch.randint(0, 10, (8,))',
        'loss = F.cross_entropy(F.softmax(head(x), dim=1), labels)',
      ].join('\n'),
      useInstead: [
        'import torch',
        'import torch.nn as nn',
        'import torch.nn.functional as F',
        '',
        'head = nn.Linear(16, 10)',
        'x = torch.randn(8, 16)',
        'labels = torch.randint(0, 10, (8,))',
        'loss = F.cross_entropy(head(x), labels)',
      ].join('\n'),
      fixSafety:
        'Removing a softmax written inside the loss call is safe. Passing the pre-softmax variable is unsafe: that name must still hold the same scores where the loss is computed. A softmax inside the model has no automatic fix.',
      references: ['https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html', 'https://github.com/pytorch/pytorch/issues/55902'],
    },
    messages: {
      redundantLogSoftmax: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t(
          '{0} applies log_softmax itself, and {1}: the log_softmax is redundant (the loss is the same). Remove it, or use NLLLoss on log-probabilities.',
          d.loss,
          d.source,
        ),
      softmaxTwice: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t(
          '{0} applies log_softmax itself, but {1}: softmax is applied twice, which flattens the predictions and stalls training. Pass the raw scores (logits).',
          d.loss,
          d.source,
        ),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind !== 'application' || site.api.loss !== 'cross_entropy') continue;
      const { inputNode, input } = siteFacts(context.interpreter, site);
      if (!inputNode || !input) continue;
      const fn = input.activation?.fn;
      if (!(input.space === 'probabilities' && fn === 'softmax') && !(input.space === 'log-probabilities' && fn === 'log_softmax')) continue;
      // A Keras loss with from_logits=True on an activation inside the model: from_logits=False.
      const fix = passPreActivation(inputNode, input, context.text) ?? (site.api.framework === 'keras' ? fromLogitsFix(site, false) : undefined);
      const redundant = fn === 'log_softmax';
      context.report({
        span: inputSpan(site, inputNode),
        severity: redundant ? 'information' : 'warning',
        messageId: redundant ? 'redundantLogSoftmax' : 'softmaxTwice',
        data: redundant
          ? { loss: lossReference(site), source: comesFrom(inputNode, input) }
          : { loss: lossReference(site), source: comesFrom(inputNode, input) },
        evidence: chain(input),
        ...(fix ? { fix } : {}),
      });
    }
  },
});
