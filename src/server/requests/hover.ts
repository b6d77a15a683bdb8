import { MarkupKind } from 'vscode-languageserver';
import type { LossSite, Span } from '../../analysis/types';
import type { DiagnosedFinding } from '../diagnostics';
import { lossHover } from '../hovers';
import type { Session } from '../session';

/**
 * `textDocument/hover`: the loss call or argument under the pointer (`hovers.ts` writes it). From
 * the last analysis when the text it read around the pointer is unchanged: in a large document
 * being typed in, waiting for the next analysis would take seconds. Its findings are those the
 * editor shows meanwhile. Not for a value: the tensors of a call may be written on lines edited
 * since, so a loss with a value waits for the analysis of the text as it is.
 */
export function registerHover(session: Session): void {
  session.connection.onHover(async (params, token) => {
    const document = session.textOf(params.textDocument.uri);
    if (!document) return null;
    const offset = document.offsetAt(params.position);
    const current = await session.settings(document.uri);
    const hover = async (sites: readonly LossSite[], entries: readonly DiagnosedFinding[], at: number) =>
      lossHover(
        {
          sites,
          findings: entries.map((entry) => ({
            code: entry.finding.code,
            message: entry.finding.message,
            span: { start: entry.finding.span.start - entry.offset, end: entry.finding.span.end - entry.offset },
          })),
          value: (site) => session.evaluations.value(site, current.evaluatorMaxElements, token),
          lossTexts: session.lossTexts,
          vscode: session.profile.vscode,
        },
        at,
      );
    let answer: { markdown: string; span: Span } | undefined;
    const recent = session.analyses.recent(document.uri);
    const before = recent?.mapping.toOld(offset);
    if (recent && before !== undefined) {
      const around = recent.sites.filter((site) => site.span.start <= before && before <= site.span.end);
      const unchanged = around.every(
        (site) =>
          (!site.literal || recent.version === document.version) &&
          recent.mapping.toNew(site.span) &&
          (!site.construction || recent.mapping.toNew(site.construction)),
      );
      const old = around.length > 0 && unchanged ? await hover(around, recent.entries, before) : undefined;
      const span = old && recent.mapping.toNew(old.span);
      if (old && span) answer = { markdown: old.markdown, span };
    }
    if (!answer) {
      const { sites } = await session.analyses.currentSites(document.uri);
      if (token.isCancellationRequested || sites.length === 0) return null;
      answer = await hover(sites, await session.analyses.current(document.uri), offset);
    }
    if (!answer || token.isCancellationRequested) return null;
    return {
      contents: { kind: MarkupKind.Markdown, value: answer.markdown },
      range: { start: document.positionAt(answer.span.start), end: document.positionAt(answer.span.end) },
    };
  });
}
