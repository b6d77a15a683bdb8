import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import type { DiagnosticsController } from './diagnostics';
import type { SiteEvaluations } from './evaluations';

/**
 * `= tensor(1.5081)` after a loss call whose tensors are written in the code, computed on a
 * worker thread. The setting `losslens.inlineValues` turns them off (and on) at once.
 */
export class LossInlayHints implements vscode.InlayHintsProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;

  constructor(
    private readonly ctx: Ctx,
    private readonly diagnostics: DiagnosticsController,
    private readonly evaluations: SiteEvaluations,
  ) {}

  /** Settings or documents changed: VS Code asks again. */
  refresh(): void {
    this.changed.fire();
  }

  async provideInlayHints(document: vscode.TextDocument, range: vscode.Range, token: vscode.CancellationToken): Promise<vscode.InlayHint[]> {
    if (!this.ctx.settings.inlineValues) return [];
    const start = document.offsetAt(range.start);
    const end = document.offsetAt(range.end);
    const sites = (await this.diagnostics.currentSites(document)).filter(
      (site) => site.kind === 'application' && site.literal && site.span.end >= start && site.span.start <= end,
    );
    const hints: vscode.InlayHint[] = [];
    for (const site of sites) {
      const value = await this.evaluations.value(site, token);
      if (token.isCancellationRequested) return [];
      if (value.kind !== 'value') continue;
      // A 0-d value on one line; a tensor's first line, with the rest in the tooltip.
      const [first, ...rest] = value.printed.split('\n');
      const hint = new vscode.InlayHint(document.positionAt(site.span.end), `= ${first}${rest.length > 0 ? ' …' : ''}`);
      hint.paddingLeft = true;
      hint.tooltip = new vscode.MarkdownString().appendCodeblock(value.printed, 'python');
      hints.push(hint);
    }
    return hints;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
