import * as vscode from 'vscode';
import { shortApi } from '../analysis/site-request';
import type { LossSite } from '../analysis/types';
import type { CalculatorForm, LossInfo } from '../common/protocol/calculator';
import { lossCatalog } from '../explain/calculate';
import { selectedTensor, splitArguments } from '../explain/selection';
import { ParseError, parseTensor } from '../tensor/parse';
import type { Ctx } from './ctx';
import type { LossLensClient } from './client';
import { localLossTexts } from './ruleDocs';

/**
 * "LossLens: Evaluate Loss for Selection": a selected loss call (or the one at the cursor) is
 * computed with its tensors as written; one or two selected tensors are computed with a loss the
 * user picks. What cannot be inferred is asked for; the value is shown with an offer to open the
 * calculator filled in.
 */
export async function evaluateSelection(ctx: Ctx, server: LossLensClient): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a file and select a loss call or one or two tensors to evaluate.'));
    return;
  }
  const { document, selection } = editor;
  const site = document.languageId === 'python' ? await siteInSelection(server, document, selection) : undefined;
  const form = site ? await formFromSite(site, ctx) : await formFromTensors(document, selection, ctx);
  if (!form) return;
  await showValue(ctx, form, site ? shortApi(site.api) : form.loss);
}

/** The loss call the selection holds (or the cursor is in), innermost first. */
async function siteInSelection(server: LossLensClient, document: vscode.TextDocument, selection: vscode.Selection): Promise<LossSite | undefined> {
  const start = document.offsetAt(selection.start);
  const end = document.offsetAt(selection.end);
  const sites = (await server.currentSites(document)).filter((site) => site.kind === 'application' && site.loss);
  const within = sites.filter((site) =>
    selection.isEmpty ? site.span.start <= start && start <= site.span.end : site.span.start >= start && site.span.end <= end,
  );
  const around = selection.isEmpty ? [] : sites.filter((site) => site.span.start <= start && end <= site.span.end);
  const candidates = within.length ? within : around;
  return candidates.sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start))[0];
}

/** A form for a loss call: the tensors written in the code; the others asked for. */
async function formFromSite(site: LossSite, ctx: Ctx): Promise<CalculatorForm | undefined> {
  const loss = lossCatalog(localLossTexts(ctx.extensionUri)).find((entry) => entry.name === site.loss);
  if (!loss) return undefined;
  const tensors: Record<string, string> = {};
  for (const parameter of loss.tensors) {
    const argument = site.arguments[parameter.name];
    const text = argument?.literal ?? (await askTensor(parameter.name, loss, argument?.text, ctx));
    if (text === undefined) return undefined;
    tensors[parameter.name] = text;
  }
  const options: Record<string, string | boolean> = {};
  for (const [name, text] of Object.entries(site.options)) {
    const source = text.trim();
    const quoted = /^(['"])(.*)\1$/.exec(source);
    options[name] = quoted ? quoted[2]! : source === 'True' ? true : source === 'False' ? false : source;
  }
  return { loss: loss.name, tensors, options };
}

/** A form for one or two selected tensors and a loss the user picks. */
async function formFromTensors(document: vscode.TextDocument, selection: vscode.Selection, ctx: Ctx): Promise<CalculatorForm | undefined> {
  const text = document.getText(selection);
  const parts = splitArguments(text);
  if (parts.length === 0 || parts.length > 2) {
    void vscode.window.showWarningMessage(
      parts.length === 0
        ? vscode.l10n.t('Select a loss call, or one or two tensors (literals, or names assigned a literal above).')
        : vscode.l10n.t('The selection holds {0} values: select a loss call, or one or two tensors.', parts.length),
    );
    return undefined;
  }
  const before = document.getText(new vscode.Range(new vscode.Position(0, 0), selection.start));
  const max = ctx.settings.evaluatorMaxElements;
  const tensors = parts.map((part) => selectedTensor(part, before, max));
  const bad = tensors.find((tensor) => 'error' in tensor);
  if (bad && 'error' in bad) {
    void vscode.window.showWarningMessage(vscode.l10n.t('`{0}` is not a tensor LossLens can read: {1}', bad.source, bad.error));
    return undefined;
  }
  const loss = await pickLoss(ctx);
  if (!loss) return undefined;
  const form: Record<string, string> = {};
  const texts = tensors.map((tensor) => ('text' in tensor ? tensor.text : ''));
  const names = loss.tensors.map((tensor) => tensor.name);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const given = texts[i];
    const value = given ?? (await askTensor(name, loss, undefined, ctx));
    if (value === undefined) return undefined;
    form[name] = value;
  }
  return { loss: loss.name, tensors: form, options: {} };
}

async function pickLoss(ctx: Ctx): Promise<LossInfo | undefined> {
  type Item = vscode.QuickPickItem & { loss?: LossInfo };
  const items: Item[] = [];
  let group = '';
  for (const loss of lossCatalog(localLossTexts(ctx.extensionUri))) {
    if (loss.group !== group) {
      group = loss.group;
      items.push({ label: group, kind: vscode.QuickPickItemKind.Separator });
    }
    items.push({ label: loss.name, description: loss.title, detail: loss.apis.join(' · '), loss });
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Evaluate Loss for Selection'),
    placeHolder: vscode.l10n.t('Which loss? (the selection gives the input first, then the target)'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.loss;
}

/** Asks for a tensor the code does not spell out, validating it as it is typed. */
async function askTensor(name: string, loss: LossInfo, written: string | undefined, ctx: Ctx): Promise<string | undefined> {
  const contract = loss.tensors.find((tensor) => tensor.name === name);
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Evaluate Loss for Selection'),
    prompt: written
      ? vscode.l10n.t('`{0}` is not written in the code: enter the {1} of {2} ({3}).', written, name, loss.name, contract?.shapes.join(' or ') ?? '')
      : vscode.l10n.t('Enter the {0} of {1} ({2}).', name, loss.name, contract?.shapes.join(' or ') ?? ''),
    placeHolder: '[[0.6, 0.1], [0.3, 0.8]]',
    ignoreFocusOut: true,
    validateInput: (value) => {
      if (!value.trim()) return vscode.l10n.t('Enter a tensor.');
      try {
        parseTensor(value, { maxElements: ctx.settings.evaluatorMaxElements });
        return undefined;
      } catch (error) {
        return error instanceof ParseError ? error.message : String(error);
      }
    },
  });
}

async function showValue(ctx: Ctx, form: CalculatorForm, what: string): Promise<void> {
  const controller = new AbortController();
  const outcome = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('LossLens: evaluating {0}', what), cancellable: true },
    (progress, token) => {
      token.onCancellationRequested(() => controller.abort());
      let reported = 0;
      return ctx.jobs.run(
        { kind: 'calculate', form, maxElements: ctx.settings.evaluatorMaxElements },
        {
          signal: controller.signal,
          onProgress: (fraction) => {
            progress.report({ increment: (fraction - reported) * 100 });
            reported = fraction;
          },
        },
      );
    },
  );
  const open = vscode.l10n.t('Open in Calculator');
  if (outcome.kind === 'problem') {
    if (outcome.error.code === 'cancelled') return;
    const choice = await vscode.window.showWarningMessage(vscode.l10n.t('{0}: PyTorch would raise: {1}', what, outcome.error.message), open);
    if (choice === open) void vscode.commands.executeCommand('losslens.openCalculator', form);
    return;
  }
  if (outcome.kind !== 'calculated') return;
  const copy = vscode.l10n.t('Copy as PyTorch code');
  const warnings = outcome.result.warnings.length ? ` ${vscode.l10n.t('PyTorch warns: {0}', outcome.result.warnings.join(' '))}` : '';
  const code = outcome.result.code;
  const actions = code ? [open, copy] : [open];
  const choice = await vscode.window.showInformationMessage(`${what}: ${outcome.result.printed.replace(/\n\s*/g, ' ')}${warnings}`, ...actions);
  if (choice === open) void vscode.commands.executeCommand('losslens.openCalculator', form);
  else if (choice === copy && code) await vscode.env.clipboard.writeText(code);
}
