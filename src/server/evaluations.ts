import * as l10n from '@vscode/l10n';
import { siteRequest } from '../analysis/site-request';
import type { LossSite } from '../analysis/types';
import { evaluateInBackground } from '../losses/background';
import { LossError } from '../losses/errors';
import { formatTensor } from '../tensor/format';

/** What evaluating a loss site gave: its value as PyTorch prints it, PyTorch's error, or why it has none. */
export type SiteValue =
  | { readonly kind: 'value'; readonly printed: string; readonly warnings: readonly string[] }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'none'; readonly reason: string };

/** How many values are remembered: each is small, and a file has few literal loss calls. */
const CACHE_SIZE = 200;

export interface SiteEvaluationOptions {
  /** The bundled worker script (`dist/evaluator-worker.js`). */
  readonly workerPath: string;
  readonly l10nBundle?: Record<string, string>;
  readonly onError: (error: unknown) => void;
}

/**
 * Computes the values of loss sites whose tensors are written in the code, on a worker thread
 * (never on the server's own, which answers every document), within the element limit in
 * settings. Values are kept by what they depend on — the loss, its arguments and options as
 * written — so hovers and inline values of unchanged calls cost nothing after an edit.
 */
export class SiteEvaluations {
  private readonly cache = new Map<string, Promise<SiteValue>>();

  constructor(private readonly options: SiteEvaluationOptions) {}

  /** The value of `site`; `cancelled` gives up waiting (the run goes on for whoever else asked). */
  value(site: LossSite, maxElements: number, cancelled?: { onCancellationRequested(listener: () => void): unknown }): Promise<SiteValue> {
    const built = siteRequest(site, maxElements);
    if ('reason' in built) return Promise.resolve({ kind: 'none', reason: built.reason });
    const key = JSON.stringify([site.loss, site.arguments, site.options, maxElements]);
    let pending = this.cache.get(key);
    if (!pending) {
      pending = evaluateInBackground(built.request, {
        workerPath: this.options.workerPath,
        maxElements,
        ...(this.options.l10nBundle ? { l10nBundle: this.options.l10nBundle } : {}),
      }).then(
        (result): SiteValue => ({ kind: 'value', printed: formatTensor(result.value), warnings: result.warnings }),
        (error: unknown): SiteValue => {
          // PyTorch's errors are as lasting as values; a cancelled or failed run is tried again.
          if (error instanceof LossError && error.code !== 'cancelled') return { kind: 'error', message: error.message };
          this.cache.delete(key);
          if (error instanceof LossError) return { kind: 'none', reason: error.message };
          this.options.onError(error);
          return { kind: 'none', reason: l10n.t('LossLens could not evaluate it (see the LossLens log)') };
        },
      );
      this.cache.set(key, pending);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    if (!cancelled) return pending;
    return Promise.race([
      pending,
      new Promise<SiteValue>((resolve) => cancelled.onCancellationRequested(() => resolve({ kind: 'none', reason: l10n.t('not needed any more') }))),
    ]);
  }
}
