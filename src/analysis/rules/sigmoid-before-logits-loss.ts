import * as l10n from '@vscode/l10n';
import { passPreActivation } from './helpers/activation';
import { chain, comesFrom, inputSpan, lossReference, siteFacts } from './helpers/describe';
import { fromLogitsFix } from './helpers/edits';
import { createRule } from './rule';

const LOGITS_LOSSES: ReadonlySet<string> = new Set(['binary_cross_entropy_with_logits', 'sigmoid_focal_loss']);

export const sigmoidBeforeLogitsLoss = createRule({
  meta: {
    code: 'LL002',
    name: 'sigmoid-before-logits-loss',
    severity: 'warning',
    summary: 'A loss that applies its own sigmoid receives sigmoid output.',
    fixable: true,
    docs: {
      whatItDoes:
        "Checks for `nn.BCEWithLogitsLoss`, `F.binary_cross_entropy_with_logits` and torchvision's `sigmoid_focal_loss` whose input has already been through a sigmoid; likewise for Keras' `BinaryCrossentropy(from_logits=True)` on a model ending in a sigmoid, `tf.nn.sigmoid_cross_entropy_with_logits` (and the weighted and TF1 forms) and `optax.sigmoid_binary_cross_entropy`. In TensorFlow.js: `tf.losses.sigmoidCrossEntropy` on a sigmoid output.",
      whyIsThisBad:
        'These losses apply the sigmoid themselves. A second sigmoid squeezes every prediction into (0.5, 0.73) for positive scores and (0.27, 0.5) for negative ones: the loss can no longer reach low values, gradients shrink, and training stalls without an error.',
      example: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 1)',
        'x = torch.randn(8, 16)',
        'y = torch.randint(0, 2, (8, 1)).float()',
        'criterion = nn.BCEWithLogitsLoss()',
        'loss = criterion(torch.sigmoid(head(x)), y)',
      ].join('\n'),
      useInstead: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 1)',
        'x = torch.randn(8, 16)',
        'y = torch.randint(0, 2, (8, 1)).float()',
        'criterion = nn.BCEWithLogitsLoss()',
        'loss = criterion(head(x), y)',
      ].join('\n'),
      fixSafety:
        'Removing a sigmoid written inside the loss call is safe. Passing the pre-sigmoid variable instead of a variable holding the sigmoid output is unsafe: that name must still hold the same scores where the loss is computed. A sigmoid inside the model has no automatic fix.',
      references: ['https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html'],
    },
    messages: {
      sigmoidOutput: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t('{0} applies a sigmoid itself, but {1}: the scores go through two sigmoids. Pass the raw scores.', d.loss, d.source),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind !== 'application' || !LOGITS_LOSSES.has(site.api.loss)) continue;
      const inputName = site.api.loss === 'sigmoid_focal_loss' ? 'inputs' : 'input';
      const { inputNode, input } = siteFacts(context.interpreter, site, inputName);
      if (!inputNode || input?.space !== 'probabilities' || input.activation?.fn !== 'sigmoid') continue;
      // A Keras loss with from_logits=True on an activation inside the model: from_logits=False.
      const fix = passPreActivation(inputNode, input, context.text) ?? (site.api.framework === 'keras' ? fromLogitsFix(site, false) : undefined);
      context.report({
        span: inputSpan(site, inputNode),
        messageId: 'sigmoidOutput',
        data: { loss: lossReference(site), source: comesFrom(inputNode, input) },
        evidence: chain(input),
        ...(fix ? { fix } : {}),
      });
    }
  },
});
