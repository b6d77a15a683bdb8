import * as vscode from 'vscode';
import { siteRequest } from '../analysis/site-request';
import type { LossSite } from '../analysis/types';
import { evaluateInBackground } from '../losses/background';
import { LossError } from '../losses/errors';
import { formatTensor } from '../tensor/format';
import type { Ctx } from './ctx';

/** What evaluating a loss site gave: its value as PyTorch prints it, PyTorch's error, or why it has none. */
export type SiteValue =
  | { readonly kind: 'value'; readonly printed: string; readonly warnings: readonly string[] }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'none'; readonly reason: string };

/** How many values are remembered: each is small, and a file has few literal loss calls. */
const CACHE_SIZE = 200;

/**
 * Computes the values of loss sites whose tensors are written in the code, on a worker thread
 * (never on the extension host's own), within the element limit in settings. Values are kept by
 * what they depend on — the loss, its arguments and options as written — so hovers and inline
 * values of unchanged calls cost nothing after an edit.
 */
export class SiteEvaluations {
  private readonly cache = new Map<string, Promise<SiteValue>>();

  constructor(private readonly ctx: Ctx) {}

  value(site: LossSite, token?: vscode.CancellationToken): Promise<SiteValue> {
    const maxElements = this.ctx.settings.evaluatorMaxElements;
    const built = siteRequest(site, maxElements);
    if ('reason' in built) return Promise.resolve({ kind: 'none', reason: built.reason });
    const key = JSON.stringify([site.loss, site.arguments, site.options, maxElements]);
    const cached = this.cache.get(key);
    if (cached) return cached;
    // Shared by every hover and inline value that asks: one caller giving up does not cancel it
    // for the others (the worker is off the extension host's thread, and bounded by maxElements).
    const pending = evaluateInBackground(built.request, {
      workerPath: vscode.Uri.joinPath(this.ctx.extensionUri, 'dist', 'evaluator-worker.js').fsPath,
      maxElements,
      ...(vscode.l10n.bundle ? { l10nBundle: vscode.l10n.bundle } : {}),
    }).then(
      (result): SiteValue => ({ kind: 'value', printed: formatTensor(result.value), warnings: result.warnings }),
      (error: unknown): SiteValue => {
        // PyTorch's errors are as lasting as values; a cancelled or failed run is tried again.
        if (error instanceof LossError && error.code !== 'cancelled') return { kind: 'error', message: error.message };
        this.cache.delete(key);
        if (error instanceof LossError) return { kind: 'none', reason: error.message };
        this.ctx.log.error(vscode.l10n.t('Evaluation failed: {0}', error instanceof Error ? (error.stack ?? error.message) : String(error)));
        return { kind: 'none', reason: vscode.l10n.t('LossLens could not evaluate it (see the LossLens log)') };
      },
    );
    this.cache.set(key, pending);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    if (!token) return pending;
    return Promise.race([
      pending,
      new Promise<SiteValue>((resolve) => token.onCancellationRequested(() => resolve({ kind: 'none', reason: vscode.l10n.t('not needed any more') }))),
    ]);
  }
}
