import * as l10n from '@vscode/l10n';
import { chain, comesFrom, inputSpan, lossReference, siteFacts } from './helpers/describe';
import { fromLogitsFix, renameCallee, tfjsLogitsFix } from './helpers/edits';
import { isPyTorch } from '../engine/sites';
import { createRule } from './rule';

const WITH_LOGITS: Record<string, string> = {
  'torch.nn.BCELoss': 'BCEWithLogitsLoss',
  'torch.nn.functional.binary_cross_entropy': 'binary_cross_entropy_with_logits',
};

export const probabilitiesLossOnLogits = createRule({
  meta: {
    code: 'LL001',
    name: 'probabilities-loss-on-logits',
    severity: 'error',
    summary: 'A loss that expects probabilities receives raw logits.',
    fixable: true,
    docs: {
      whatItDoes:
        "Checks for `nn.BCELoss` and `F.binary_cross_entropy` whose input comes straight from a layer with no sigmoid after it, such as a final `nn.Linear`; for Keras' `BinaryCrossentropy` (class, function or `'binary_crossentropy'`) with `from_logits=False` on a model whose last layer has no activation; and for TF1's `tf.compat.v1.losses.log_loss` on raw scores. In TensorFlow.js: `'binaryCrossentropy'` and `tf.metrics.binaryCrossentropy` on a model whose last layer has no sigmoid, and `tf.losses.logLoss` on raw scores.",
      whyIsThisBad:
        '`BCELoss` computes `-(y·log x + (1-y)·log(1-x))` and needs `x` in [0, 1]. Raw scores are not probabilities: PyTorch raises "all elements of input should be between 0 and 1" as soon as one leaves that range, and until then the loss is meaningless. `BCEWithLogitsLoss` applies the sigmoid itself, in a numerically stable form.',
      example: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 1)',
        'x = torch.randn(8, 16)',
        'y = torch.randint(0, 2, (8, 1)).float()',
        'criterion = nn.BCELoss()',
        'loss = criterion(head(x), y)',
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
        'The fix switches to the with-logits loss. It is safe when every use of the loss gets raw scores straight from the model; it is unsafe when some use could be given probabilities, which would then be passed through a second sigmoid.',
      references: [
        'https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html',
        'https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html',
      ],
    },
    messages: {
      logits: (d: { readonly loss: string; readonly source: string; readonly replacement: string }) =>
        l10n.t(
          '{0} expects probabilities, but {1}: raw scores with no sigmoid. Use {2}, which applies the sigmoid itself, stably.',
          d.loss,
          d.source,
          d.replacement,
        ),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind !== 'application' || (site.api.loss !== 'binary_cross_entropy' && site.api.loss !== 'binary_crossentropy')) continue;
      const { inputNode, input } = siteFacts(context.interpreter, site);
      if (!inputNode || input?.space !== 'logits') continue;
      const ctorOrCall = site.construction ?? site.call;
      const keras = site.api.framework === 'keras';
      const replacement = keras ? 'from_logits=True' : (WITH_LOGITS[site.qualified] ?? site.api.withLogits);
      const tfjsFix = tfjsLogitsFix(site, context.module);
      // TensorFlow's counterpart takes other argument names: named, not renamed.
      // A loss made in another file is not edited from this one.
      const rename = replacement && isPyTorch(site) && !site.constructionFile ? renameCallee(ctorOrCall, replacement) : undefined;
      // Safe only when every application of this loss gets logits.
      const allLogits = context.sites.everyApplicationGets(site, 'logits');
      context.report({
        span: inputSpan(site, inputNode),
        messageId: 'logits',
        data: { loss: lossReference(site), source: comesFrom(inputNode, input), replacement: replacement ? `\`${replacement}\`` : '`BCEWithLogitsLoss`' },
        evidence: chain(input),
        ...(keras && fromLogitsFix(site, true)
          ? { fix: fromLogitsFix(site, true)! }
          : tfjsFix
            ? { fix: tfjsFix }
            : rename
              ? {
                  fix: {
                    title: l10n.t('Use {0}', replacement!),
                    safety: allLogits && input.origin === 'model' ? ('safe' as const) : ('unsafe' as const),
                    edits: [rename],
                  },
                }
              : {}),
      });
    }
  },
});
