import { MarkupKind } from 'vscode-languageserver';
import type { Session } from '../session';

/**
 * `textDocument/inlayHint`: `= tensor(...)` after each loss call on tensors written in the code,
 * the value the evaluator computes (its first line; all of it in the tooltip).
 */
export function registerInlayHints(session: Session): void {
  session.connection.languages.inlayHint.on(async (params, token) => {
    const document = session.textOf(params.textDocument.uri);
    if (!document) return [];
    const current = await session.settings(document.uri);
    if (!current.inlineValues) return [];
    const start = document.offsetAt(params.range.start);
    const end = document.offsetAt(params.range.end);
    const { sites } = await session.analyses.currentSites(document.uri);
    const hints = [];
    for (const site of sites) {
      if (site.kind !== 'application' || !site.literal || site.span.end < start || site.span.start > end) continue;
      const value = await session.evaluations.value(site, current.evaluatorMaxElements, token);
      if (token.isCancellationRequested) return [];
      if (value.kind !== 'value') continue;
      // A 0-d value on one line; a tensor's first line, with the rest in the tooltip.
      const [first, ...rest] = value.printed.split('\n');
      hints.push({
        position: document.positionAt(site.span.end),
        label: `= ${first}${rest.length > 0 ? ' …' : ''}`,
        paddingLeft: true,
        tooltip: { kind: MarkupKind.Markdown, value: `\`\`\`python\n${value.printed}\n\`\`\`` },
      });
    }
    return hints;
  });
}
