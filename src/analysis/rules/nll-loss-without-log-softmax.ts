import * as l10n from '@vscode/l10n';
import { spanOf } from '../ir/syntax';
import { chain, comesFrom, lossReference, siteFacts } from './helpers/describe';
import { appendAfter, isPrimary, renameCallee } from './helpers/edits';
import type { Fix, TextEdit } from '../types';
import { isPyTorch } from '../engine/sites';
import { createRule } from './rule';

const CROSS_ENTROPY: Record<string, string> = {
  'torch.nn.NLLLoss': 'CrossEntropyLoss',
  'torch.nn.functional.nll_loss': 'cross_entropy',
};

export const nllLossWithoutLogSoftmax = createRule({
  meta: {
    code: 'LL004',
    name: 'nll-loss-without-log-softmax',
    severity: 'error',
    summary: 'NLLLoss receives logits or probabilities instead of log-probabilities.',
    fixable: true,
    docs: {
      whatItDoes: 'Checks for `nn.NLLLoss` and `F.nll_loss` whose input is raw scores (logits) or softmax probabilities.',
      whyIsThisBad:
        '`NLLLoss` only picks `-input[target]`: it expects log-probabilities from `log_softmax`. On logits it rewards making the target score large without bound and ignores every other class; on probabilities it is minimised at -1, not 0. Training runs, and learns the wrong thing.',
      example: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 10)',
        'x = torch.randn(8, 16)',
        'labels = torch.randint(0, 10, (8,))',
        'criterion = nn.NLLLoss()',
        'loss = criterion(head(x), labels)',
      ].join('\n'),
      useInstead: [
        'import torch',
        'import torch.nn as nn',
        '',
        'head = nn.Linear(16, 10)',
        'x = torch.randn(8, 16)',
        'labels = torch.randint(0, 10, (8,))',
        'criterion = nn.NLLLoss()',
        'loss = criterion(head(x).log_softmax(dim=1), labels)',
      ].join('\n'),
      fixSafety:
        'On logits, the fix switches to `CrossEntropyLoss` (log_softmax and NLLLoss in one); it is safe when every use of the loss gets logits, unsafe otherwise. On softmax written in the call, it becomes `log_softmax` (safe). Elsewhere it appends `.log_softmax(dim=1)` to the input (unsafe: the class dim is assumed to be 1).',
      references: ['https://pytorch.org/docs/stable/generated/torch.nn.NLLLoss.html'],
    },
    messages: {
      logits: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t('{0} expects log-probabilities, but {1}: raw scores. Apply log_softmax first, or use CrossEntropyLoss, which does both.', d.loss, d.source),
      probabilities: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t('{0} expects log-probabilities, but {1}: probabilities, not their logarithm. Use log_softmax instead of softmax.', d.loss, d.source),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind !== 'application' || site.api.loss !== 'nll_loss' || !isPyTorch(site)) continue;
      const { inputNode, input } = siteFacts(context.interpreter, site);
      if (!inputNode || !input) continue;
      const isLogits = input.space === 'logits';
      const isSoftmax = input.space === 'probabilities' && input.activation?.fn === 'softmax';
      if (!isLogits && !isSoftmax && !(input.space === 'probabilities' && input.activation?.fn === 'sigmoid')) continue;

      let fix: Fix | undefined;
      if (isLogits) {
        const ctorOrCall = site.construction ?? site.call;
        const replacement = CROSS_ENTROPY[site.qualified];
        // A loss made in another file is not edited from this one.
        const rename = replacement && !site.constructionFile ? renameCallee(ctorOrCall, replacement) : undefined;
        const allLogits = context.sites.everyApplicationGets(site, 'logits');
        if (rename) fix = { title: l10n.t('Use {0}', replacement!), safety: allLogits ? 'safe' : 'unsafe', edits: [rename] };
        else
          fix = {
            title: l10n.t('Apply log_softmax(dim=1) to the input'),
            safety: 'unsafe',
            edits: appendAfter(inputNode, '.log_softmax(dim=1)', !isPrimary(inputNode)),
          };
      } else if (isSoftmax && input.activation?.call && !input.activation.inModel) {
        const call = context.module.tree.rootNode.descendantForIndex(input.activation.call.start, input.activation.call.end);
        const edit: TextEdit | undefined = call?.type === 'call' ? renameCallee(call, 'log_softmax') : undefined;
        if (edit && inputNode.startIndex === input.activation.call.start)
          fix = { title: l10n.t('Use log_softmax instead of softmax'), safety: 'safe', edits: [edit] };
      }
      context.report({
        span: spanOf(inputNode),
        messageId: isLogits ? 'logits' : 'probabilities',
        data: isLogits
          ? { loss: lossReference(site), source: comesFrom(inputNode, input) }
          : { loss: lossReference(site), source: comesFrom(inputNode, input) },
        evidence: chain(input),
        ...(fix ? { fix } : {}),
      });
    }
  },
});
