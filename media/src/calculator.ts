import * as l10n from '@vscode/l10n';
import type { Chart } from 'chart.js';
import * as v from 'valibot';
import {
  HostToCalculator,
  MAX_TENSOR_TEXT,
  type CalculatorForm,
  type CalculatorResult,
  type CalculatorState,
  type CalculatorToHost,
  type FormError,
  type LossInfo,
  type TensorView,
} from '../../src/common/protocol/calculator';
import { ParseError, parseTensor } from '../../src/tensor/parse';
import { chartFigure, followTheme } from './charts';
import { bootstrap, el, vscodeApi } from './vscodeApi';

/** The loss calculator webview: its state lives in this closure, one per page load. */
function main(): void {
  bootstrap();
  const vscode = vscodeApi<CalculatorState, CalculatorToHost>();
  const app = document.getElementById('app') as HTMLElement;

  let losses: LossInfo[] = [];
  let form: CalculatorForm = vscode.getState()?.form ?? { loss: 'binary_cross_entropy', tensors: {}, options: {} };
  let nextId = 1;
  let pending: number | undefined;
  let lastResult: CalculatorResult | undefined;
  let debounce: number | undefined;
  let charts: Chart[] = [];

  const formArea = el('section', { className: 'form', attrs: { 'aria-label': l10n.t('Loss and tensors') } });
  const status = el('div', { className: 'status', attrs: { role: 'status' } });
  const resultArea = el('section', { className: 'result', attrs: { 'aria-label': l10n.t('Result'), 'aria-live': 'polite' } });

  app.replaceChildren(el('h1', { text: l10n.t('Loss Calculator') }), formArea, status, resultArea);

  function loss(): LossInfo | undefined {
    return losses.find((entry) => entry.name === form.loss);
  }

  function save(): void {
    vscode.setState({ form });
  }

  /** The loss picker: a filter box over a list grouped by framework. */
  function lossPicker(): HTMLElement {
    const filter = el('input', {
      className: 'filter',
      attrs: { type: 'search', id: 'loss-filter', placeholder: l10n.t('Filter losses (name, API)'), 'aria-label': l10n.t('Filter losses') },
    });
    const select = el('select', { attrs: { id: 'loss', 'aria-label': l10n.t('Loss') } });
    const fill = () => {
      const words = filter.value.trim().toLowerCase();
      const groups = new Map<string, HTMLOptGroupElement>();
      select.replaceChildren();
      for (const entry of losses) {
        const haystack = `${entry.name} ${entry.title} ${entry.apis.join(' ')}`.toLowerCase();
        if (words && !haystack.includes(words) && entry.name !== form.loss) continue;
        let group = groups.get(entry.group);
        if (!group) {
          group = el('optgroup', { attrs: { label: entry.group } });
          groups.set(entry.group, group);
          select.append(group);
        }
        const option = el('option', { text: `${entry.name} — ${entry.title}`, attrs: { value: entry.name } });
        option.selected = entry.name === form.loss;
        group.append(option);
      }
    };
    fill();
    filter.addEventListener('input', fill);
    filter.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowDown' && event.key !== 'Enter') return;
      event.preventDefault();
      const first = Array.from(select.options).find((option) => option.value !== form.loss);
      if (event.key === 'Enter' && first && filter.value.trim()) switchLoss(first.value, { keepFilter: filter.value });
      else select.focus();
    });
    select.addEventListener('change', () => switchLoss(select.value));
    return el(
      'div',
      { className: 'field loss-field' },
      el('label', { text: l10n.t('Loss'), attrs: { for: 'loss' } }),
      el('div', { className: 'picker' }, filter, select),
    );
  }

  function switchLoss(name: string, options: { keepFilter?: string } = {}): void {
    if (name === form.loss) return;
    // Tensors carry over by name (input, target), so switching between related losses keeps them.
    form = { loss: name, tensors: form.tensors, options: {} };
    save();
    renderForm(options.keepFilter);
    schedule();
  }

  function tensorField(
    name: string,
    label: string,
    hint: string,
    value: string,
    onChange: (text: string) => void,
    rows = 3,
    placeholder = '[[0.6, 0.1], [0.3, 0.8]]',
  ): HTMLElement {
    const id = `field-${name}`;
    const area = el('textarea', {
      attrs: { id, rows: String(rows), spellcheck: 'false', 'aria-describedby': `${id}-hint ${id}-error`, placeholder },
    });
    area.value = value;
    const error = el('div', { className: 'error', attrs: { id: `${id}-error`, role: 'alert' } });
    const check = () => {
      const problem = validate(area.value);
      showError(error, area, problem);
    };
    let pendingCheck: number | undefined;
    area.addEventListener('input', () => {
      onChange(area.value);
      // A pasted tensor of millions of numbers takes a while to read: check it once typing pauses.
      if (pendingCheck !== undefined) clearTimeout(pendingCheck);
      if (area.value.length < 100_000) check();
      else pendingCheck = window.setTimeout(check, 250);
    });
    if (value) check();
    return el(
      'div',
      { className: 'field', attrs: { 'data-field': name } },
      el('label', { text: label, attrs: { for: id } }),
      area,
      el('div', { className: 'hint', text: hint, attrs: { id: `${id}-hint` } }),
      error,
    );
  }

  /** Where a tensor text fails to parse, checked as the user types (the host checks again). */
  function validate(text: string): { message: string; line?: number; column?: number } | undefined {
    if (!text.trim()) return undefined;
    if (text.length > MAX_TENSOR_TEXT)
      return {
        message: l10n.t(
          'This tensor is {0} MB of text; the calculator reads at most {1} MB per tensor.',
          (text.length / 1e6).toFixed(1),
          MAX_TENSOR_TEXT / 1e6,
        ),
      };
    try {
      parseTensor(text);
      return undefined;
    } catch (error) {
      if (error instanceof ParseError) return { message: error.reason, line: error.line, column: error.column };
      throw error;
    }
  }

  /** The error under its field: the message, and the offending line with a caret at the column. */
  function showError(box: HTMLElement, field: HTMLElement, problem: { message: string; line?: number; column?: number } | undefined): void {
    field.toggleAttribute('aria-invalid', !!problem);
    if (!problem) {
      box.replaceChildren();
      return;
    }
    const where = problem.line !== undefined && problem.column !== undefined ? l10n.t('Line {0}, column {1}: ', problem.line, problem.column) : '';
    const children: Node[] = [el('span', { text: `${where}${problem.message}` })];
    if (problem.line !== undefined && problem.column !== undefined && field instanceof HTMLTextAreaElement) {
      const line = field.value.split('\n')[problem.line - 1] ?? '';
      children.push(el('pre', { className: 'caret', text: `${line}\n${' '.repeat(Math.max(0, problem.column - 1))}^` }));
    }
    box.replaceChildren(...children);
  }

  function optionField(info: LossInfo['options'][number]): HTMLElement {
    const id = `option-${info.name}`;
    const current = form.options[info.name];
    const set = (value: string | boolean) => {
      form = { ...form, options: { ...form.options, [info.name]: value } };
      save();
      schedule();
    };
    const label = el('label', { text: info.name, attrs: { for: id } });
    switch (info.kind) {
      case 'enum': {
        const select = el('select', { attrs: { id } });
        for (const value of info.values ?? []) {
          const option = el('option', { text: value, attrs: { value } });
          option.selected = (current ?? info.default) === value;
          select.append(option);
        }
        select.addEventListener('change', () => set(select.value));
        return el('div', { className: 'field option', attrs: { 'data-field': `option:${info.name}` } }, label, select);
      }
      case 'boolean': {
        const box = el('input', { attrs: { id, type: 'checkbox' } });
        box.checked = typeof current === 'boolean' ? current : info.default === true;
        box.addEventListener('change', () => set(box.checked));
        return el('div', { className: 'field option checkbox', attrs: { 'data-field': `option:${info.name}` } }, box, label);
      }
      case 'number': {
        const input = el('input', { attrs: { id, type: 'text', inputmode: 'decimal', placeholder: String(info.default) } });
        input.value = typeof current === 'string' ? current : '';
        input.addEventListener('input', () => set(input.value));
        const error = el('div', { className: 'error', attrs: { role: 'alert' } });
        return el('div', { className: 'field option', attrs: { 'data-field': `option:${info.name}` } }, label, input, error);
      }
      case 'tensor': {
        const field = tensorField(
          `option-${info.name}`,
          info.name,
          l10n.t('optional tensor'),
          typeof current === 'string' ? current : '',
          (text) => {
            form = { ...form, options: { ...form.options, [info.name]: text } };
            save();
            schedule();
          },
          1,
          'None',
        );
        field.classList.add('option');
        field.setAttribute('data-field', `option:${info.name}`);
        return field;
      }
    }
  }

  function renderForm(filterText = ''): void {
    const info = loss();
    const picker = lossPicker();
    const filter = picker.querySelector('input') as HTMLInputElement;
    filter.value = filterText;
    const children: Node[] = [picker];
    if (info) {
      children.push(
        el('p', { className: 'muted about', text: `${info.title} · ${info.apis.join(' · ')}` }),
        el('pre', { className: 'formula', text: info.formula }),
      );
      if (info.logitsTwin) {
        const box = el('input', { attrs: { id: 'with-logits', type: 'checkbox' } });
        box.checked = info.logitsTwin.inputIsLogits;
        box.addEventListener('change', () => switchLoss(info.logitsTwin!.loss));
        children.push(
          el(
            'div',
            { className: 'field checkbox twin' },
            box,
            el('label', {
              text: l10n.t('The input holds logits (raw scores): {0}', info.logitsTwin.inputIsLogits ? info.name : info.logitsTwin.loss),
              attrs: { for: 'with-logits' },
            }),
          ),
        );
      }
      const tensors = el('div', { className: 'tensors' });
      for (const tensor of info.tensors) {
        tensors.append(
          tensorField(
            tensor.name,
            tensor.name,
            `${tensor.shapes.join(' · ')} · ${tensor.dtype === 'int' ? 'int64' : tensor.dtype} · ${tensor.description}`,
            form.tensors[tensor.name] ?? '',
            (text) => {
              form = { ...form, tensors: { ...form.tensors, [tensor.name]: text } };
              save();
              schedule();
            },
          ),
        );
      }
      children.push(tensors);
      if (info.options.length) {
        children.push(el('h2', { text: l10n.t('Options') }), el('div', { className: 'options' }, ...info.options.map(optionField)));
      }
      const actions = el('div', { className: 'actions' });
      const compute = el('button', { text: l10n.t('Compute') });
      compute.addEventListener('click', () => evaluateNow());
      actions.append(compute);
      if (info.example) {
        const example = el('button', { className: 'secondary', text: l10n.t('Load the worked example') });
        example.addEventListener('click', () => {
          form = structuredClone(info.example!);
          save();
          renderForm();
          evaluateNow();
        });
        actions.append(example);
      }
      const copy = el('button', {
        className: 'secondary',
        text: l10n.t('Copy as {0} code', info.group === 'torchvision' ? 'PyTorch' : info.group),
        attrs: { id: 'copy-code' },
      });
      copy.disabled = !lastResult?.code || lastResult.loss !== info.name;
      copy.addEventListener('click', () => {
        if (lastResult?.code) vscode.postMessage({ type: 'copyCode', code: lastResult.code });
      });
      const explain = el('button', { className: 'secondary', text: l10n.t('Explain this loss') });
      explain.addEventListener('click', () => vscode.postMessage({ type: 'explain', loss: info.name }));
      actions.append(copy, explain);
      children.push(actions);
    }
    formArea.replaceChildren(...children);
    if (filterText) filter.focus();
  }

  function schedule(): void {
    if (debounce !== undefined) clearTimeout(debounce);
    debounce = window.setTimeout(evaluateNow, 300);
  }

  function evaluateNow(): void {
    if (debounce !== undefined) clearTimeout(debounce);
    debounce = undefined;
    const info = loss();
    if (!info) return;
    // Nothing to compute until every tensor is there and parses; the fields already say why.
    if (info.tensors.some((tensor) => !form.tensors[tensor.name]?.trim() || validate(form.tensors[tensor.name]!))) {
      status.replaceChildren(el('span', { className: 'muted', text: l10n.t('Enter every tensor to compute the loss.') }));
      return;
    }
    if (pending !== undefined) vscode.postMessage({ type: 'cancel', id: pending });
    const id = nextId++;
    pending = id;
    vscode.postMessage({ type: 'evaluate', id, form });
    // A progress bar only for computations that take a while.
    window.setTimeout(() => {
      if (pending === id) showProgress(id, 0);
    }, 200);
  }

  function showProgress(id: number, fraction: number): void {
    const bar = el('progress', { attrs: { max: '1', 'aria-label': l10n.t('Computing') } });
    bar.value = fraction;
    const cancel = el('button', { className: 'secondary', text: l10n.t('Cancel') });
    cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel', id }));
    status.replaceChildren(el('span', { text: l10n.t('Computing…') }), bar, cancel);
  }

  function clearFieldErrors(): void {
    for (const box of formArea.querySelectorAll<HTMLElement>('.field[data-field^="option:"] .error')) box.replaceChildren();
  }

  function showFailure(error: FormError): void {
    status.replaceChildren();
    clearFieldErrors();
    const field = error.field ? formArea.querySelector<HTMLElement>(`[data-field="${CSS.escape(error.field.replace(/^tensor:/, ''))}"]`) : null;
    const box = field?.querySelector<HTMLElement>('.error');
    if (box && field) {
      const input = field.querySelector<HTMLElement>('textarea, input, select') ?? field;
      showError(box, input, error);
      resultArea.replaceChildren(
        el('p', { className: 'error', text: l10n.t('Not computed: {0} is not valid.', error.field!.replace(/^(tensor|option):/, '')) }),
      );
    } else if (error.code === 'cancelled') {
      resultArea.replaceChildren(el('p', { className: 'muted', text: error.message }));
    } else {
      resultArea.replaceChildren(
        el(
          'div',
          { className: 'raise', attrs: { role: 'alert' } },
          el('strong', { text: l10n.t('PyTorch would raise:') }),
          el('span', { text: ` ${error.message}` }),
        ),
      );
    }
  }

  function tensorTable(view: TensorView, largest: readonly number[] = []): HTMLElement {
    const marked = new Set(largest);
    const table = el('table', { className: 'tensor' });
    const shape = view.shape;
    const cell = (index: number) => {
      const td = el('td', { text: view.cells[index] ?? '' });
      if (marked.has(index)) {
        td.classList.add('largest');
        td.setAttribute('title', l10n.t('One of the largest contributions'));
      }
      return td;
    };
    if (shape.length === 2 && shape[1]! <= 32) {
      const columns = shape[1]!;
      table.append(el('tr', {}, el('th', {}), ...Array.from({ length: columns }, (_unused, j) => el('th', { text: String(j), attrs: { scope: 'col' } }))));
      for (let i = 0; i * columns < view.values.length; i++) {
        table.append(
          el('tr', {}, el('th', { text: String(i), attrs: { scope: 'row' } }), ...Array.from({ length: columns }, (_unused, j) => cell(i * columns + j))),
        );
      }
    } else {
      const strides = shape.map((_size, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
      for (let k = 0; k < view.values.length; k++) {
        const index = shape.length === 0 ? '' : `[${strides.map((stride, d) => Math.floor(k / stride) % shape[d]!).join(', ')}]`;
        table.append(el('tr', {}, el('th', { text: index || '·', attrs: { scope: 'row' } }), cell(k)));
      }
    }
    const wrapper = el('div', { className: 'table-wrap' }, table);
    if (view.numel > view.values.length)
      wrapper.append(el('p', { className: 'muted', text: l10n.t('The first {0} of {1} elements.', view.values.length, view.numel) }));
    return wrapper;
  }

  function showResult(result: CalculatorResult): void {
    status.replaceChildren();
    clearFieldErrors();
    lastResult = result;
    const copy = formArea.querySelector<HTMLButtonElement>('#copy-code');
    if (copy) {
      copy.disabled = !result.code;
      copy.title = result.code ? '' : l10n.t('These tensors are too large to write out as code.');
    }
    for (const chart of charts) chart.destroy();
    charts = [];
    const children: Node[] = [
      el(
        'div',
        { className: 'value' },
        el('span', { className: 'value-label', text: l10n.t('Value') }),
        el('pre', { className: 'value-text', text: result.printed, attrs: { 'data-testid': 'value' } }),
      ),
    ];
    for (const warning of result.warnings) children.push(el('p', { className: 'warning', text: l10n.t('PyTorch warns: {0}', warning) }));
    if (result.charts.length) {
      children.push(el('h2', { text: l10n.t('Charts') }), el('div', { className: 'charts' }, ...result.charts.map((spec) => chartFigure(spec, charts))));
    }
    if (result.elements) {
      children.push(
        el('h2', { text: l10n.t("Loss of each element (reduction='none')") }),
        el('p', { className: 'muted', text: l10n.t('The largest contributions are highlighted.') }),
        tensorTable(result.elements, result.largest),
      );
    }
    if (result.steps.length || result.reduction) {
      const steps = el('ol', { className: 'steps' });
      for (const step of result.steps) steps.append(el('li', {}, el('h3', { text: step.title }), tensorTable(step.tensor)));
      if (result.reduction) steps.append(el('li', {}, el('h3', { text: l10n.t('Reduction') }), el('p', { className: 'reduction', text: result.reduction })));
      children.push(el('h2', { text: l10n.t('Steps') }), steps);
    }
    resultArea.replaceChildren(...children);
  }

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const parsed = v.safeParse(HostToCalculator, event.data);
    if (!parsed.success) return;
    const message = parsed.output;
    switch (message.type) {
      case 'catalog':
        losses = message.losses;
        if (message.prefill) form = message.prefill;
        if (!loss()) form = { loss: losses[0]!.name, tensors: {}, options: {} };
        save();
        renderForm();
        evaluateNow();
        return;
      case 'progress':
        if (message.id === pending) showProgress(message.id, message.fraction);
        return;
      case 'result':
        if (message.id !== pending) return;
        pending = undefined;
        showResult(message.result);
        return;
      case 'failed':
        if (message.id !== pending) return;
        pending = undefined;
        showFailure(message.error);
        return;
    }
  });

  followTheme(() => {
    if (lastResult && resultArea.isConnected) showResult(lastResult);
  });

  formArea.replaceChildren(el('p', { className: 'muted', text: l10n.t('Loading…') }));
  vscode.postMessage({ type: 'ready' });
}

main();
