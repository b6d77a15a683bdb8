import * as l10n from '@vscode/l10n';
import { boolLiteral, spanOf } from '../ir/syntax';
import { chain, comesFrom, lossReference, siteFacts } from './helpers/describe';
import { addKeyword, renameCallee } from './helpers/edits';
import type { Fix } from '../types';
import { isPyTorch } from '../engine/sites';
import { createRule } from './rule';

export const klDivInputNotLogProbabilities = createRule({
  meta: {
    code: 'LL006',
    name: 'kl-div-input-not-log-probabilities',
    severity: 'error',
    summary: 'KL divergence receives probabilities as its input, or a target that disagrees with log_target.',
    fixable: true,
    docs: {
      whatItDoes:
        'Checks `nn.KLDivLoss` and `F.kl_div` for an input that went through softmax or sigmoid (it must be log-probabilities), and for a target whose form disagrees with `log_target`: log-probabilities with `log_target=False`, or probabilities with `log_target=True`.',
      whyIsThisBad:
        '`kl_div(input, target)` computes `target · (log target − input)`: it treats `input` as log-probabilities. Given probabilities, the "divergence" can be negative and its minimum is not at the target distribution, so distillation or VAE training optimises the wrong objective, silently.',
      example: [
        'import torch',
        'import torch.nn.functional as F',
        '',
        'student = torch.randn(8, 10)',
        'teacher = torch.randn(8, 10)',
        'loss = F.kl_div(F.softmax(student, dim=1), F.softmax(teacher, dim=1), reduction="batchmean")',
      ].join('\n'),
      useInstead: [
        'import torch',
        'import torch.nn.functional as F',
        '',
        'student = torch.randn(8, 10)',
        'teacher = torch.randn(8, 10)',
        'loss = F.kl_div(F.log_softmax(student, dim=1), F.softmax(teacher, dim=1), reduction="batchmean")',
      ].join('\n'),
      fixSafety:
        'Turning a softmax written in the call into `log_softmax` is safe. Setting `log_target` to match the target is unsafe when the construction is shared by other calls.',
      references: ['https://pytorch.org/docs/stable/generated/torch.nn.KLDivLoss.html'],
    },
    messages: {
      probabilityInput: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t('{0} expects log-probabilities as its input, but {1}: probabilities. Use log_softmax for the input.', d.loss, d.source),
      logTargetMissing: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t('{0} has log_target=False, but {1}: log-probabilities. Pass log_target=True, or give probabilities.', d.loss, d.source),
      logTargetWrong: (d: { readonly loss: string; readonly source: string }) =>
        l10n.t('{0} has log_target=True, but {1}: probabilities. Drop log_target, or give log-probabilities.', d.loss, d.source),
    },
  },
  check(context) {
    for (const site of context.losses) {
      if (site.kind !== 'application' || site.api.loss !== 'kl_div' || !isPyTorch(site)) continue;
      const { inputNode, input, targetNode, target } = siteFacts(context.interpreter, site);
      if (inputNode && input?.space === 'probabilities') {
        let fix: Fix | undefined;
        if (input.activation?.fn === 'softmax' && input.activation.call?.start === inputNode.startIndex && !input.activation.inModel) {
          const edit = renameCallee(inputNode, 'log_softmax');
          if (edit) fix = { title: l10n.t('Use log_softmax instead of softmax'), safety: 'safe', edits: [edit] };
        }
        context.report({
          span: spanOf(inputNode),
          messageId: 'probabilityInput',
          data: { loss: lossReference(site), source: comesFrom(inputNode, input) },
          evidence: chain(input),
          ...(fix ? { fix } : {}),
        });
      }
      if (!targetNode || !target || target.space === 'unknown' || target.space === 'logits') continue;
      const logTargetNode = site.options.get('log_target');
      const logTarget = logTargetNode ? boolLiteral(logTargetNode) : false;
      if (logTarget === undefined) continue;
      const targetIsLog = target.space === 'log-probabilities';
      if (targetIsLog === logTarget) continue;
      const owner = site.construction ?? site.call;
      // A loss made in another file is not edited from this one.
      const fix: Fix | undefined =
        logTargetNode && !site.constructionFile
          ? {
              title: l10n.t('Set log_target={0}', targetIsLog ? 'True' : 'False'),
              safety: 'unsafe',
              edits: [{ span: spanOf(logTargetNode), newText: targetIsLog ? 'True' : 'False' }],
            }
          : (() => {
              const edit = addKeyword(owner, 'log_target=True');
              return edit ? { title: l10n.t('Set log_target={0}', 'True'), safety: 'unsafe' as const, edits: [edit] } : undefined;
            })();
      context.report({
        span: spanOf(targetNode),
        messageId: targetIsLog ? 'logTargetMissing' : 'logTargetWrong',
        data: targetIsLog
          ? { loss: lossReference(site), source: comesFrom(targetNode, target) }
          : { loss: lossReference(site), source: comesFrom(targetNode, target) },
        evidence: chain(target),
        ...(fix ? { fix } : {}),
      });
    }
  },
});
