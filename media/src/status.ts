import * as l10n from '@vscode/l10n';
import * as v from 'valibot';
import { HostToStatus, StatusState, type StatusSnapshot, type StatusToHost } from '../../src/common/protocol/status';
import { bootstrap, el, vscodeApi } from './vscodeApi';

bootstrap();
const vscode = vscodeApi<StatusState, StatusToHost>();
const app = document.getElementById('app') as HTMLElement;

function render(status: StatusSnapshot): void {
  const rows: Array<[string, string]> = [
    [l10n.t('Version'), status.version],
    [l10n.t('VS Code'), status.vscodeVersion],
    [l10n.t('Display language'), status.uiLanguage],
    [l10n.t('Activation time'), l10n.t('{0} ms', status.activationMs.toFixed(1))],
    [l10n.t('Language server'), serverText(status.languageServer)],
    [l10n.t('Enabled'), status.settings.enable ? l10n.t('yes') : l10n.t('no')],
    [l10n.t('Selected rules'), status.settings.select.length ? status.settings.select.join(', ') : l10n.t('all')],
    [l10n.t('Ignored rules'), status.settings.ignore.length ? status.settings.ignore.join(', ') : l10n.t('none')],
    [l10n.t('Largest file analysed'), l10n.t('{0} KB', String(status.settings.maxFileSizeKB))],
    [l10n.t('Evaluator element limit'), status.settings.evaluatorMaxElements.toLocaleString()],
  ];
  const table = el('table', { className: 'facts' });
  for (const [label, value] of rows) {
    table.append(el('tr', {}, el('th', { text: label, attrs: { scope: 'row' } }), el('td', { text: value })));
  }

  const documents = Object.entries(status.watchedDocuments);
  const watched = documents.length
    ? el('ul', {}, ...documents.map(([language, count]) => el('li', { text: l10n.t('{0}: {1} open', language, String(count)) })))
    : el('p', { className: 'muted', text: l10n.t('No Python, notebook, TypeScript or JavaScript documents are open.') });

  const showLog = el('button', { text: l10n.t('Open the LossLens log') });
  showLog.addEventListener('click', () => vscode.postMessage({ type: 'showLog' }));
  const refresh = el('button', { text: l10n.t('Refresh'), className: 'secondary' });
  refresh.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));

  app.replaceChildren(
    el('h1', { text: l10n.t('LossLens status') }),
    table,
    el('h2', { text: l10n.t('Documents LossLens watches') }),
    watched,
    el('div', { className: 'actions' }, showLog, refresh),
  );
}

/** "running (0.1.0)", or why not. */
function serverText(server: StatusSnapshot['languageServer']): string {
  switch (server.state) {
    case 'running':
      return server.version ? l10n.t('running ({0})', server.version) : l10n.t('running');
    case 'starting':
      return l10n.t('starting');
    case 'stopped':
      return l10n.t('stopped (see the LossLens log)');
    case 'not started':
      return l10n.t('not started: it starts with the first Python, notebook, TypeScript or JavaScript document');
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = v.safeParse(HostToStatus, event.data);
  if (!parsed.success) return;
  const message = parsed.output;
  vscode.setState({ status: message.status });
  render(message.status);
});

const state = v.safeParse(StatusState, vscode.getState());
const saved = state.success ? state.output.status : undefined;
if (saved) render(saved);
else app.replaceChildren(el('p', { className: 'muted', text: l10n.t('Loading…') }));
vscode.postMessage({ type: 'ready' });
