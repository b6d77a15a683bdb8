import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { StatusPanel } from './statusPanel';

type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

/** Every command of `contributes.commands`, by id. A meta-test keeps this table and the manifest in step. */
const COMMANDS: Readonly<Record<string, CommandFactory>> = {
  'losslens.showStatus': (ctx) => () => StatusPanel.show(ctx),
  'losslens.showLog': (ctx) => () => ctx.log.show(true),
};

export function registerCommands(ctx: Ctx): void {
  for (const [id, factory] of Object.entries(COMMANDS)) {
    const handler = factory(ctx);
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
