import * as l10n from '@vscode/l10n';
import type { IrNode } from '../ir/node';
import { spanOf } from '../ir/syntax';
import type { Fix } from '../types';
import { LOG_FUNCTIONS, stableLog } from '../frameworks/apis';
import { tfjsNamespace } from '../frameworks/tfjs';
import { createRule, type RuleContext } from './rule';

/** The call applying `log` to `activation`, when written inline: `torch.log(act)`, `tf.math.log(act)` or `act.log()`. */
function logAround(context: RuleContext, activation: IrNode): IrNode | undefined {
  // The text first: reading `parent` costs the depth of the tree (thousands in a nested expression)
  // where the way down to the activation did not note it.
  // A call of a bare name may be a log imported under another one (`from torch import log as ln`).
  const before = context.text.slice(Math.max(0, activation.startIndex - 64), activation.startIndex);
  const after = context.text.slice(activation.endIndex, activation.endIndex + 64);
  if (!/^\s*\.\s*log\b/.test(after) && !/(?:\blog|(?:^|[^\w.])[A-Za-z_]\w*)\s*\(\s*$/.test(before)) return undefined;
  const parent = context.module.parentOf(activation);
  const grandparent = () => (parent ? context.module.parentOf(parent) : null);
  // act.log()
  if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'log' && grandparent()?.type === 'call') return grandparent()!;
  // torch.log(act), jnp.log(act), tf.math.log(act)
  if (parent?.type === 'argument_list' && parent.namedChildren.filter((child) => child && child.type !== 'comment').length === 1) {
    const call = grandparent();
    const callee = call?.childForFieldName('function');
    const qualified = callee ? context.module.qualify(callee) : undefined;
    if (call && qualified && LOG_FUNCTIONS.has(qualified)) return call;
  }
  return undefined;
}

/** How to call `torch.nn.functional` in this file: its local name, if it is imported. */
function functionalName(context: RuleContext, at: number): string | undefined {
  for (const [name, qualified] of [
    ['F', 'torch.nn.functional'],
    ['torch', 'torch'],
  ] as const) {
    const found = context.module.scopeOf(context.module.tree.rootNode.descendantForIndex(at)!).lookup(name, at);
    if (found?.binding.kind === 'import' && found.binding.qualified === qualified) return name === 'F' ? 'F' : 'torch.nn.functional';
  }
  return undefined;
}

export const logOfSoftmax = createRule({
  meta: {
    code: 'LL008',
    name: 'log-of-softmax',
    severity: 'warning',
    summary: 'log is taken of a softmax or sigmoid output instead of using log_softmax or logsigmoid.',
    fixable: true,
    activations: [{ kinds: ['softmax', 'sigmoid'], near: /\blog\s*\(/ }],
    docs: {
      whatItDoes:
        'Checks for `torch.log(softmax(x))`, `softmax(x).log()`, `torch.log(torch.sigmoid(x))` and the like, and their TensorFlow, JAX and TensorFlow.js forms: `tf.math.log(tf.nn.softmax(x))`, `jnp.log(jax.nn.sigmoid(x))`, `tf.log(tf.softmax(x))`.',
      whyIsThisBad:
        'A softmax or sigmoid rounds small probabilities to exactly 0 in floating point, and log(0) is -inf: the loss becomes inf or nan and the gradients with it. `log_softmax` and `logsigmoid` compute the same values from the logits directly, without the underflow.',
      example: ['import torch', '', 'logits = torch.randn(8, 10)', 'log_probs = torch.log(torch.softmax(logits, dim=1))'].join('\n'),
      useInstead: ['import torch', '', 'logits = torch.randn(8, 10)', 'log_probs = torch.log_softmax(logits, dim=1)'].join('\n'),
      fixSafety: 'Safe: the fix computes the same values, more accurately.',
      references: [
        'https://pytorch.org/docs/stable/generated/torch.nn.functional.log_softmax.html',
        'https://pytorch.org/docs/stable/generated/torch.nn.functional.logsigmoid.html',
      ],
    },
    messages: {
      logOfSoftmax: (d: { readonly stable: string }) =>
        l10n.t('log of a softmax underflows to -inf for small probabilities. Use {0}, which computes the same values stably.', d.stable),
      logOfSigmoid: (d: { readonly stable: string }) =>
        l10n.t('log of a sigmoid underflows to -inf for large negative scores. Use {0}, which computes the same values stably.', d.stable),
    },
  },
  check(context) {
    for (const activation of context.activations) {
      if (activation.kind !== 'softmax' && activation.kind !== 'sigmoid') continue;
      if (activation.form === 'module') continue;
      const logCall = logAround(context, activation.call);
      if (!logCall) continue;
      const callee = activation.call.childForFieldName('function')!;
      const argsText = activation.call.childForFieldName('arguments')?.text ?? '()';
      // The framework spells the stable form: `tf.nn.log_softmax`, `jax.nn.log_sigmoid`, TF.js's `logSoftmax` ...
      const written = activation.form === 'method' ? undefined : context.module.qualify(callee);
      const stable = stableLog(written, activation.kind, activation.form === 'method' ? (tfjsNamespace(context.module) ? 'tfjs' : 'python') : undefined);
      let replacement: string | undefined;
      if (activation.kind === 'softmax') {
        replacement = callee.type === 'attribute' && stable.rename ? `${callee.childForFieldName('object')!.text}.${stable.rename}${argsText}` : undefined;
      } else {
        const functional = written?.startsWith('torch.') || activation.form === 'method' ? functionalName(context, activation.call.startIndex) : undefined;
        const input = activation.form === 'method' ? callee.childForFieldName('object')!.text : activation.args.positional[0]?.text;
        if (functional && input) replacement = `${functional}.logsigmoid(${input})`;
      }
      const fix: Fix | undefined = replacement
        ? {
            title: l10n.t('Use {0}', activation.kind === 'softmax' ? stable.rename! : 'logsigmoid'),
            safety: 'safe',
            edits: [{ span: spanOf(logCall), newText: replacement }],
          }
        : undefined;
      context.report({
        span: spanOf(logCall),
        messageId: activation.kind === 'softmax' ? 'logOfSoftmax' : 'logOfSigmoid',
        data: { stable: `\`${stable.name}\`` },
        evidence: [{ text: activation.call.text, span: spanOf(activation.call) }],
        ...(fix ? { fix } : {}),
      });
    }
  },
});
