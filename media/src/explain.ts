import * as l10n from '@vscode/l10n';
import type { Chart } from 'chart.js';
import * as v from 'valibot';
import { HostToExplain, type Explanation, type ExplainState, type ExplainToHost, type ExplanationSection } from '../../src/common/protocol/calculator';
import { chartFigure, followTheme } from './charts';
import { bootstrap, el, vscodeApi } from './vscodeApi';

/** The explanation webview: its state lives in this closure, one per page load. */
function main(): void {
  bootstrap();
  const vscode = vscodeApi<ExplainState, ExplainToHost>();
  const app = document.getElementById('app') as HTMLElement;
  let charts: Chart[] = [];
  let shown: Explanation | undefined;

  /** Text with `code` spans, as the rule documentation writes them (never parsed as HTML). */
  function inlineCode(text: string): Node[] {
    return text.split(/(`[^`]+`)/).map((piece) => (/^`[^`]+`$/.test(piece) ? el('code', { text: piece.slice(1, -1) }) : document.createTextNode(piece)));
  }

  function section(part: ExplanationSection): HTMLElement {
    const heading = el('h2', { text: part.heading });
    switch (part.kind) {
      case 'text':
        return el('section', {}, heading, ...part.paragraphs.map((text) => el('p', {}, ...inlineCode(text))));
      case 'code':
        return el('section', {}, heading, el('pre', { className: 'code', text: part.code }));
      case 'demo': {
        const table = el('table', { className: 'demo' });
        table.append(el('tr', {}, ...[l10n.t('what'), l10n.t('call'), l10n.t('PyTorch gives')].map((text) => el('th', { text, attrs: { scope: 'col' } }))));
        for (const row of part.rows) {
          const outcome = row.error
            ? el('td', { className: 'raise' }, el('strong', { text: l10n.t('raises:') }), el('span', { text: ` ${row.error}` }))
            : el('td', {}, el('pre', { text: row.printed ?? '' }));
          table.append(el('tr', {}, el('td', { text: row.label }), el('td', {}, el('code', { text: row.code })), outcome));
        }
        return el('section', {}, heading, el('p', { className: 'muted', text: part.intro }), el('div', { className: 'table-wrap' }, table));
      }
      case 'table': {
        const table = el('table', { className: 'facts' });
        table.append(el('tr', {}, ...part.columns.map((text) => el('th', { text, attrs: { scope: 'col' } }))));
        for (const row of part.rows) table.append(el('tr', {}, ...row.map((text) => el('td', { text }))));
        return el('section', {}, heading, el('div', { className: 'table-wrap' }, table));
      }
      case 'chart':
        return el('section', {}, chartFigure(part.chart, charts));
    }
  }

  function render(explanation: Explanation): void {
    shown = explanation;
    for (const chart of charts) chart.destroy();
    charts = [];
    const actions = el('div', { className: 'actions' });
    if (explanation.calculator) {
      const open = el('button', { text: l10n.t('Open in the calculator') });
      const form = explanation.calculator;
      open.addEventListener('click', () => vscode.postMessage({ type: 'openCalculator', form }));
      actions.append(open);
    }
    if (explanation.rule) {
      const code = explanation.rule;
      const docs = el('button', { className: 'secondary', text: l10n.t('Open the documentation of {0}', code) });
      docs.addEventListener('click', () => vscode.postMessage({ type: 'showDocs', code }));
      actions.append(docs);
    }
    app.replaceChildren(
      el('h1', { text: explanation.title }),
      el('p', { className: 'subtitle', text: explanation.subtitle }),
      ...explanation.sections.map(section),
      actions,
    );
  }

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = v.safeParse(HostToExplain, event.data);
    if (!parsed.success) return;
    const message = parsed.output;
    if (message.type === 'explanation') {
      vscode.setState({ topic: message.explanation.topic });
      render(message.explanation);
    } else {
      app.replaceChildren(el('p', { className: 'error', attrs: { role: 'alert' }, text: message.message }));
    }
  });

  followTheme(() => {
    if (shown) render(shown);
  });

  app.replaceChildren(el('p', { className: 'muted', text: l10n.t('Computing the explanation…') }));
  vscode.postMessage({ type: 'ready' });
}

main();
