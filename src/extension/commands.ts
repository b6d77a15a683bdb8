import * as v from 'valibot';
import * as vscode from 'vscode';
import { CalculatorForm } from '../common/protocol/calculator';
import type { Ctx } from './ctx';
import type { LossLensClient } from './client';
import { evaluateSelection } from './evaluateSelection';
import { explainLoss } from './explainLoss';
import type { Panels } from './panelHost';
import { showLossSites } from './lossSites';
import { openSample } from './walkthrough';
import { showRuleDocs } from './ruleDocs';

/** What commands use besides the activation's state. */
export interface Services {
  readonly server: LossLensClient;
  readonly panels: Panels;
}

type CommandFactory = (ctx: Ctx, services: Services) => (...args: unknown[]) => unknown;

/** Every command of `contributes.commands`, by id. A meta-test keeps this table and the manifest in step. */
const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  'losslens.showStatus':
    (_ctx, { panels }) =>
    () =>
      panels.status.show(),
  'losslens.showLog': (ctx) => () => ctx.log.show(true),
  'losslens.showRuleDocs': () => (code: unknown) => showRuleDocs(code),
  'losslens.showLossSites':
    (_ctx, { server }) =>
    () =>
      showLossSites(server),
  'losslens.openSample': () => () => openSample(),
  'losslens.openCalculator':
    (_ctx, { panels }) =>
    (form: unknown) =>
      panels.calculator.show(v.is(CalculatorForm, form) ? form : undefined),
  'losslens.evaluateSelection':
    (ctx, { server }) =>
    () =>
      evaluateSelection(ctx, server),
  'losslens.explainLoss':
    (ctx, { server, panels }) =>
    (topic: unknown) =>
      explainLoss(ctx, server, panels, topic),
};

export function registerCommands(ctx: Ctx, services: Services): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    const handler = factory(ctx, services);
    ctx.pushDisposable(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          return await handler(...args);
        } catch (error) {
          const detail = error instanceof Error ? error.message : String(error);
          ctx.log.error(vscode.l10n.t('The command {0} failed: {1}', id, detail));
          void vscode.window.showErrorMessage(vscode.l10n.t('LossLens could not run {0}: {1}', id, detail));
          return undefined;
        }
      }),
    );
  }
}
