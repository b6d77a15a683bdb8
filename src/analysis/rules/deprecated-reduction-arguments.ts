import * as l10n from '@vscode/l10n';
import type { IrNode } from '../ir/node';
import { boolLiteral, spanOf } from '../ir/syntax';
import type { TextEdit } from '../types';
import { isPyTorch } from '../engine/sites';
import { createRule } from './rule';

/** PyTorch's `legacy_get_string`: what size_average / reduce mean as a reduction. */
function legacyReduction(sizeAverage: boolean, reduce: boolean): string {
  if (!reduce) return 'none';
  return sizeAverage ? 'mean' : 'sum';
}

/** Deletes a keyword argument with the comma that separates it from the previous argument. */
function deleteArgument(node: IrNode, text: string): TextEdit {
  const list = node.parent!;
  const siblings = list.namedChildren.filter((child): child is IrNode => !!child && child.type !== 'comment');
  const index = siblings.findIndex((child) => child.startIndex === node.startIndex);
  if (index > 0) return { span: { start: siblings[index - 1]!.endIndex, end: node.endIndex }, newText: '' };
  const next = siblings[index + 1];
  if (next) return { span: { start: node.startIndex, end: next.startIndex }, newText: '' };
  void text;
  return { span: spanOf(node), newText: '' };
}

export const deprecatedReductionArguments = createRule({
  meta: {
    code: 'LL020',
    name: 'deprecated-reduction-arguments',
    severity: 'warning',
    summary: 'size_average= or reduce= instead of reduction=.',
    fixable: true,
    deprecated: true,
    docs: {
      whatItDoes: 'Checks loss constructions and functional calls for the `size_average` and `reduce` arguments, deprecated since PyTorch 0.4.1.',
      whyIsThisBad:
        'They are deprecated and override `reduction` when given, which hides what the loss computes: `size_average=False` means a sum, `reduce=False` means no reduction at all whatever `size_average` says.',
      example: ['import torch.nn as nn', '', 'criterion = nn.CrossEntropyLoss(size_average=False)'].join('\n'),
      useInstead: ['import torch.nn as nn', '', "criterion = nn.CrossEntropyLoss(reduction='sum')"].join('\n'),
      fixSafety: 'Safe when both values are literal True/False: the fix writes the `reduction` PyTorch derives from them. No fix otherwise.',
      references: ['https://pytorch.org/docs/stable/nn.html#loss-functions'],
    },
    messages: {
      known: (d: { readonly argument: string; readonly reduction: string }) =>
        l10n.t("`{0}` is deprecated and overrides `reduction`. Write reduction='{1}', which is what it means.", d.argument, d.reduction),
      unknown: (d: { readonly argument: string }) => l10n.t('`{0}` is deprecated and overrides `reduction`. Use reduction= instead.', d.argument),
    },
  },
  check(context) {
    for (const site of context.losses) {
      // Options belong to the construction for modules, to the call for functions.
      if ((site.kind === 'application' && site.construction) || !isPyTorch(site)) continue;
      const sizeAverageNode = site.options.get('size_average');
      const reduceNode = site.options.get('reduce');
      if (!sizeAverageNode && !reduceNode) continue;
      const sizeAverage = sizeAverageNode ? boolLiteral(sizeAverageNode) : true;
      const reduce = reduceNode ? boolLiteral(reduceNode) : true;
      const first = (sizeAverageNode ?? reduceNode)!.parent!;
      let edits: TextEdit[] | undefined;
      let reduction: string | undefined;
      if (sizeAverage !== undefined && reduce !== undefined) {
        reduction = legacyReduction(sizeAverage, reduce);
        const nodes = [sizeAverageNode?.parent, reduceNode?.parent, site.options.get('reduction')?.parent]
          .filter((node): node is IrNode => !!node)
          .sort((a, b) => a.startIndex - b.startIndex);
        edits = [{ span: spanOf(nodes[0]!), newText: `reduction='${reduction}'` }, ...nodes.slice(1).map((node) => deleteArgument(node, context.text))];
      }
      context.report({
        span: spanOf(first),
        messageId: reduction ? 'known' : 'unknown',
        data: reduction ? { argument: first.text, reduction } : { argument: first.text },
        evidence: [],
        ...(edits ? { fix: { title: l10n.t("Use reduction='{0}'", reduction!), safety: 'safe' as const, edits } } : {}),
      });
    }
  },
});
