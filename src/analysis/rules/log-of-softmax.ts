import * as l10n from '@vscode/l10n';
import type { IrNode } from '../ir/node';
import { spanOf } from '../ir/syntax';
import type { Fix } from '../types';
import { LOG_FUNCTIONS, stableLog } from '../frameworks/apis';
import { tfjsNamespace } from '../frameworks/tfjs';
import type { ActivationSite } from '../engine/sites';
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

/** The rule's messages, as its helpers report them. */
interface Messages {
  readonly [id: string]: (data: { readonly stable: string }) => string;
  readonly logOfSoftmax: (data: { readonly stable: string }) => string;
  readonly logOfSigmoid: (data: { readonly stable: string }) => string;
}

/**
 * `torch.log(probs)` where `probs` holds a softmax or sigmoid output made elsewhere: a name, a
 * model ending in one (`prob = D(x)`). The log written around the activation itself is the case
 * above, with its fix; this one has no fix (the log and the activation are apart).
 */
function logOfHeld(context: RuleContext<Messages>, log: ActivationSite): void {
  const argument = log.form === 'method' ? log.call.childForFieldName('function')?.childForFieldName('object') : log.args.positional[0];
  if (!argument || log.args.open || log.args.positional.length + log.args.keywords.size !== (log.form === 'method' ? 0 : 1)) return;
  // Written around the activation itself: reported with its fix by the check of the activation.
  if (argument.type === 'call' && heldActivation(context, argument)) return;
  // A value changed in place somewhere (`probs.clamp_(min=1e-8)`, `probs[probs < eps] = eps`, a
  // model's last layer replaced): the interpreter does not follow that, so nothing is said.
  if (namesIn(argument).some((name) => changedInPlace(context.text, name))) return;
  const fact = context.interpreter.factOf(argument);
  const fn = fact.space === 'probabilities' ? fact.activation?.fn : undefined;
  if (fn !== 'softmax' && fn !== 'sigmoid') return;
  const written = log.qualified;
  const stable = stableLog(written, fn, log.form === 'method' ? (tfjsNamespace(context.module) ? 'tfjs' : 'python') : undefined);
  context.report({
    span: spanOf(log.call),
    messageId: fn === 'softmax' ? 'logOfSoftmax' : 'logOfSigmoid',
    data: { stable: `\`${stable.name}\`` },
    evidence: fact.evidence,
  });
}

/** The names an expression reads (`D` and `x` in `D(x)`). */
function namesIn(node: IrNode): string[] {
  const names: string[] = [];
  const stack = [node];
  while (stack.length > 0 && names.length < 32) {
    const next = stack.pop()!;
    if (next.type === 'identifier') names.push(next.text);
    for (const child of next.namedChildren) if (child) stack.push(child);
  }
  return names;
}

/** Whether the text changes `name` in place anywhere: an in-place method (`clamp_`), an item or slice stored or deleted, an augmented assignment. */
function changedInPlace(text: string, name: string): boolean {
  return new RegExp(`\\b${name}\\s*(?:\\.\\s*\\w+_\\s*\\(|\\[[^\\]\\n]*\\]\\s*=(?!=)|[-+*/]=)|\\bdel\\s+${name}\\s*\\[`).test(text);
}

/** Whether a call is a softmax or sigmoid itself (`torch.log(torch.softmax(x, 1))`). */
function heldActivation(context: RuleContext, call: IrNode): boolean {
  return context.activations.some((activation) => activation.call.id === call.id && (activation.kind === 'softmax' || activation.kind === 'sigmoid'));
}

export const logOfSoftmax = createRule({
  meta: {
    code: 'LL008',
    name: 'log-of-softmax',
    severity: 'warning',
    summary: 'log is taken of a softmax or sigmoid output instead of using log_softmax or logsigmoid.',
    fixable: true,
    activations: [{ kinds: ['softmax', 'sigmoid'], near: /\blog\s*\(/ }, { kinds: ['log'] }],
    docs: {
      whatItDoes:
        'Checks for `torch.log(softmax(x))`, `softmax(x).log()`, `torch.log(torch.sigmoid(x))` and the like, and their TensorFlow, JAX and TensorFlow.js forms: `tf.math.log(tf.nn.softmax(x))`, `jnp.log(jax.nn.sigmoid(x))`, `tf.log(tf.softmax(x))`; also the log of a name holding such an output, or of a model whose last layer is a softmax or sigmoid (`prob = D(x); torch.log(prob)`, a cross entropy written by hand).',
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
      if (activation.kind === 'log') {
        logOfHeld(context, activation);
        continue;
      }
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
