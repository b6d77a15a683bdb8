import * as l10n from '@vscode/l10n';
import { spanOf } from '../ir/syntax';
import { isKnownRank } from '../engine/values';
import { addKeyword } from './helpers/edits';
import { createRule } from './rule';

export const softmaxImplicitDim = createRule({
  meta: {
    code: 'LL021',
    name: 'softmax-implicit-dim',
    severity: 'warning',
    summary: 'softmax or log_softmax without dim.',
    fixable: true,
    activations: [{ kinds: ['softmax', 'log_softmax'] }],
    docs: {
      whatItDoes: 'Checks `F.softmax`, `F.log_softmax`, `nn.Softmax()` and `nn.LogSoftmax()` called without `dim`.',
      whyIsThisBad:
        'Without `dim` PyTorch guesses: dim 0 for 0-, 1- and 3-dimensional inputs, dim 1 otherwise, with a deprecation warning. For a batch of sequences `(N, T, C)` it normalises over the batch, and the model trains on nonsense without an error.',
      example: ['import torch', 'import torch.nn.functional as F', '', 'logits = torch.randn(8, 10)', 'probs = F.softmax(logits)'].join('\n'),
      useInstead: ['import torch', 'import torch.nn.functional as F', '', 'logits = torch.randn(8, 10)', 'probs = F.softmax(logits, dim=1)'].join('\n'),
      fixSafety:
        "The fix adds `dim=1` (`dim=-1` for 1-D inputs). It is safe when the input's rank is known and PyTorch's guess is that same dim; otherwise it is unsafe.",
      references: ['https://pytorch.org/docs/stable/generated/torch.nn.functional.softmax.html'],
    },
    messages: {
      implicitDim: (d: { readonly function: string; readonly dim: string }) =>
        l10n.t(
          "`{0}` without dim: PyTorch guesses the dim from the input's rank (0 for 1-D and 3-D inputs). Say which dim holds the classes: dim={1}.",
          d.function,
          d.dim,
        ),
    },
  },
  check(context) {
    for (const activation of context.activations) {
      if (activation.kind !== 'softmax' && activation.kind !== 'log_softmax') continue;
      if (activation.form === 'method') continue;
      // TensorFlow's and JAX's softmax default to the last axis: only PyTorch's implicit dim is a guess.
      if (activation.qualified && !activation.qualified.startsWith('torch.')) continue;
      const position = activation.form === 'function' ? 1 : 0;
      if (activation.args.open || activation.args.keywords.has('dim') || activation.args.positional[position]) continue;
      let dim = 1;
      let safe = false;
      if (activation.form === 'function') {
        const input = activation.args.positional[0];
        const shape = input ? context.interpreter.factOf(input).shape : undefined;
        if (isKnownRank(shape)) {
          const implicit = shape.length === 0 || shape.length === 1 || shape.length === 3 ? 0 : 1;
          dim = shape.length === 1 ? -1 : shape.length === 3 ? -1 : 1;
          safe = shape.length === 1 ? true : implicit === dim;
        }
      }
      const edit = addKeyword(activation.call, `dim=${dim}`);
      context.report({
        span: spanOf(activation.call),
        messageId: 'implicitDim',
        data: { function: activation.call.childForFieldName('function')!.text, dim },
        evidence: [],
        ...(edit ? { fix: { title: l10n.t('Add dim={0}', dim), safety: safe ? ('safe' as const) : ('unsafe' as const), edits: [edit] } } : {}),
      });
    }
  },
});
