import * as l10n from '@vscode/l10n';
import { spanOf, stringLiteral } from '../ir/syntax';
import { addKeyword } from './helpers/edits';
import { isPyTorch } from '../engine/sites';
import { createRule } from './rule';

export const klDivMeanReduction = createRule({
  meta: {
    code: 'LL022',
    name: 'kl-div-mean-reduction',
    severity: 'warning',
    summary: "KL divergence with reduction='mean' (the default) instead of 'batchmean'.",
    fixable: true,
    docs: {
      whatItDoes: "Checks `nn.KLDivLoss` and `F.kl_div` with `reduction='mean'`, which is also their default.",
      whyIsThisBad:
        "`'mean'` divides the summed divergence by the number of elements, batch size times classes, so it is not the KL divergence: it is that divided by the number of classes. PyTorch warns at run time; `'batchmean'` divides by the batch size only and gives the real value.",
      example: ['import torch.nn as nn', '', 'criterion = nn.KLDivLoss()'].join('\n'),
      useInstead: ['import torch.nn as nn', '', "criterion = nn.KLDivLoss(reduction='batchmean')"].join('\n'),
      fixSafety: "Unsafe: `'batchmean'` scales the loss up by the number of classes, so a tuned learning rate or loss weight may need adjusting.",
      references: ['https://pytorch.org/docs/stable/generated/torch.nn.KLDivLoss.html'],
    },
    messages: {
      meanGiven: () =>
        l10n.t(
          "reduction='mean' divides the KL divergence by the number of classes as well as the batch size. Use reduction='batchmean' for the true KL divergence.",
        ),
      meanDefault: (d: { readonly function: string }) =>
        l10n.t(
          "`{0}` defaults to reduction='mean', which divides the KL divergence by the number of classes as well as the batch size. Use reduction='batchmean'.",
          d.function,
        ),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.api.loss !== 'kl_div' || !isPyTorch(site)) continue;
      if (site.kind === 'application' && site.construction) continue;
      if (site.options.has('size_average') || site.options.has('reduce')) continue;
      const reduction = site.options.get('reduction');
      if (reduction && stringLiteral(reduction) !== 'mean') continue;
      const edit = reduction
        ? { span: spanOf(reduction), newText: `${reduction.text[0] === '"' ? '"batchmean"' : "'batchmean'"}` }
        : addKeyword(site.call, "reduction='batchmean'");
      context.report({
        span: spanOf(reduction ?? site.call),
        messageId: reduction ? 'meanGiven' : 'meanDefault',
        data: reduction ? {} : { function: site.call.childForFieldName('function')!.text },
        evidence: [],
        ...(edit ? { fix: { title: l10n.t("Use reduction='batchmean'"), safety: 'unsafe' as const, edits: [edit] } } : {}),
      });
    }
  },
});
