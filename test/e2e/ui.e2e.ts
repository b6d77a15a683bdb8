import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import { copyExamplesWorkspace, ensureToolchain, launchChromium, recordMetric, REPO_ROOT, startCodeServer, Workbench, type CodeServer } from './harness';

const VSIX = join(REPO_ROOT, `losslens-${version}.vsix`);

let server: CodeServer | undefined;
let browser: Browser | undefined;
let workbench: Workbench;
let workspace: string;

beforeAll(async () => {
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run "npm run package" first (npm run test:e2e does).`);
  const started = Date.now();
  workspace = copyExamplesWorkspace();
  server = await startCodeServer({
    toolchain: ensureToolchain(),
    vsix: VSIX,
    workspace,
    // Saving applies every safe LossLens fix (the last test); files are saved only when a test
    // saves them (code-server saves after a delay by default, which would race the tests).
    settings: { 'editor.codeActionsOnSave': { 'source.fixAll.losslens': 'explicit' }, 'files.autoSave': 'off' },
  });
  browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  workbench = new Workbench(page);
  await workbench.open(server.url);
  recordMetric('ui.startupMs', Date.now() - started);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the packaged extension in code-server, as a person sees it', () => {
  it('activates when a Python file opens and says so in its log', async () => {
    await workbench.openFile('pytorch/classifier_bugs.py');
    await workbench.screenshot('01-python-file-open');

    await workbench.runCommand('LossLens: Show Log');
    const log = await workbench.readOutput(/LossLens \S+ activated in [\d.]+ ms/);
    expect(log).toContain(`LossLens ${version} activated in`);
    expect(log).toContain('Active document: pytorch/classifier_bugs.py (python).');
    recordMetric('ui.activationMs', Number(/activated in ([\d.]+) ms/.exec(log)![1]));
    await workbench.screenshot('02-log-after-activation');
  });

  it('ships as a VSIX under 2 MB, charts and webviews included', () => {
    expect(statSync(VSIX).size).toBeLessThan(2 * 1024 * 1024);
  });

  it('lists its commands in the command palette', async () => {
    const entries = await workbench.paletteEntries('LossLens');
    // The titles users and docs rely on (docs/ARCHITECTURE.md, Contracts).
    for (const title of ['Open Loss Calculator', 'Evaluate Loss for Selection', 'Explain Loss', 'Show Loss Sites', 'Show Status', 'Show Log'])
      expect(entries).toContainEqual(expect.stringContaining(`LossLens: ${title}`));
  });

  it('"LossLens: Show Status" shows version, settings and the open Python file, and its button opens the log', async () => {
    await workbench.runCommand('LossLens: Show Status');
    const text = await workbench.readWebviewText('LossLens status');
    expect(text).toMatch(new RegExp(`Version\\s+${version.replace(/\./g, '\\.')}`));
    expect(text).toMatch(/Activation time\s+[\d.]+ ms/);
    expect(text).toMatch(/Selected rules\s+all/);
    expect(text).toMatch(new RegExp(`Language server\\s+running \\(${version.replace(/\./g, '\\.')}\\)`));
    expect(text).toContain('python: 1 open');
    await workbench.screenshot('03-status-webview');

    await workbench.webview().getByRole('button', { name: 'Open the LossLens log' }).click();
    expect(await workbench.readOutput(/activated in/)).toContain('LossLens');
  });

  it("says in the status bar's language area what LossLens found in this file", async () => {
    await workbench.openFile('pytorch/classifier_bugs.py');
    await workbench.page.locator('.statusbar-item[id*="status.languageStatus"]').first().click();
    const status = workbench.page.locator('.monaco-hover .language-status-hover, .context-view .hover-language-status').first();
    await status.getByText(/LossLens: 13 findings/).waitFor({ timeout: 30_000 });
    await workbench.screenshot('04-language-status');
    await workbench.page.keyboard.press('Escape');
  });

  it('shows LossLens findings in the Problems panel, with the evidence', async () => {
    await workbench.openFile('pytorch/classifier_bugs.py');
    const problems = await workbench.readProblems((rows) => rows.some((row) => row.text.includes('LL003')));
    const text = problems.problems.map((problem) => problem.text).join('\n');
    expect(text).toContain('softmax is applied twice');
    for (const code of ['LL001', 'LL002', 'LL003', 'LL004', 'LL006', 'LL007', 'LL008', 'LL010', 'LL011', 'LL012', 'LL020', 'LL021', 'LL022'])
      expect(text).toContain(code);
    await workbench.screenshot('05-problems-panel');
  });

  // The value of a loss on tensors written in the code, as each framework computes it: in the hover,
  // and inline after the call. PyTorch's from the golden set; Keras's as its documentation gives
  // it (0.815); TensorFlow.js's as tfjs-core computes it (0.8035216); optax's unreduced, one per example.
  it.each([
    {
      framework: 'PyTorch',
      file: 'pytorch/reference_values.py',
      at: [7, 12],
      hover: ['Binary cross entropy', 'tensor(1.5081)'],
      inline: '= tensor(1.5081)',
      shots: ['09-hover-value', 'hover-value', '10-inline-values'],
    },
    {
      framework: 'Keras, on plain lists',
      file: 'keras/reference_values.py',
      at: [8, 8],
      hover: ['Value, as Keras computes it:', 'tensor(0.8149)'],
      inline: '= tensor(1.1769)',
      shots: ['20-hover-keras-value', 'hover-keras-value', '21-inline-keras-values'],
    },
    {
      framework: 'TensorFlow.js, on tf.tensor literals',
      file: 'tfjs/reference_values.ts',
      at: [4, 34],
      hover: ['Value, as TensorFlow.js computes it:', 'tensor(0.8035)'],
      inline: '= tensor(0.8393)',
      shots: ['22-hover-tfjs-value', 'hover-tfjs-value', '23-inline-tfjs-values'],
    },
    {
      framework: 'optax, unreduced',
      file: 'jax/reference_values.py',
      at: [10, 16],
      hover: ['Value, as optax computes it (unreduced):', 'tensor([0.4076, 1.0986])'],
      inline: '= tensor([0.6931, 2.1269])',
      shots: ['24-hover-optax-value', 'hover-optax-value', '25-inline-optax-values'],
    },
  ])(
    'hovering a loss on tensors written in the code shows its value ($framework), and the call shows it inline',
    async ({ file, at, hover, inline, shots }) => {
      await workbench.openFile(file);
      const text = await workbench.hoverAt(at[0]!, at[1]!);
      for (const expected of hover) expect(text).toContain(expected);
      await workbench.screenshot(shots[0]!);
      await workbench.screenshotHover(shots[1]!);
      await workbench.page.keyboard.press('Escape');
      await expect.poll(() => workbench.editorText(), { timeout: 30_000 }).toContain(inline);
      await workbench.screenshot(shots[2]!);
    },
  );

  it('hovering a buggy call shows the finding and what is known of its arguments, in light and dark themes', async () => {
    await workbench.openFile('pytorch/classifier_bugs.py');
    const hover = await workbench.hoverAt(26, 9);
    expect(hover).toContain('LL001');
    expect(hover).toContain('logits (raw scores) from self.binary_head = nn.Linear(128, 1)');
    await workbench.screenshot('11-hover-finding-light');
    await workbench.screenshotHover('hover-finding');
    await workbench.page.keyboard.press('Escape');
    const settings = join(workspace, '.vscode', 'settings.json');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(settings, JSON.stringify({ 'workbench.colorTheme': 'Default Dark Modern' }));
    try {
      await workbench.page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 30_000 });
      expect(await workbench.hoverAt(26, 9)).toContain('LL001');
      await workbench.screenshot('12-hover-finding-dark');
    } finally {
      rmSync(settings);
      await workbench.page.keyboard.press('Escape');
      await workbench.page.locator('.monaco-workbench.vs').waitFor({ timeout: 30_000 });
    }
  });

  it('shows the findings of a notebook in the Problems panel, under its cells', async () => {
    await workbench.openFile('notebooks/segmentation.ipynb');
    const problems = await workbench.readProblems((rows) => rows.some((row) => row.text.includes('LL001') && row.text.includes('cell 2, line 4')));
    const text = problems.problems.map((problem) => problem.text).join('\n');
    expect(text).toContain('`nn.BCELoss` expects probabilities');
    expect(text).toContain('LL003');
    await workbench.screenshot('06-notebook-problems');
  });

  it("opens a rule's documentation offline, from the light bulb menu", async () => {
    await workbench.openFile('pytorch/classifier_bugs.py');
    // The light bulb needs this file's LL003 (the notebook has one too).
    await workbench.readProblems((rows) => rows.some((row) => row.text.includes('`F.softmax(class_logits, dim=1)` is already a softmax output')));
    await workbench.quickFix(32, 12, /Show documentation for LL003/);
    const page = await workbench.readWebviewText('What it does');
    expect(page).toContain('LL003 softmax-before-cross-entropy');
    expect(page).toContain('Why is this bad?');
    await workbench.screenshot('13-rule-docs');
    await workbench.runCommand('View: Close Editor');
  });

  it("the loss calculator computes the article's BCE example, switches to with-logits, and shows a bad tensor's error at its place", async () => {
    await workbench.openFile('pytorch/reference_values.py');
    await workbench.runCommand('View: Close All Editors');
    await workbench.runCommand('LossLens: Open Loss Calculator');
    const view = workbench.webview();
    await view.locator('#loss').selectOption('binary_cross_entropy');
    await view.locator('#field-input').fill('[[0.6, 0.1], [0.3, 0.8]]');
    await view.locator('#field-target').fill('torch.tensor([[0., 1.], [1., 0.]])');
    await view.locator('[data-testid="value"]', { hasText: 'tensor(1.5081)' }).waitFor({ timeout: 30_000 });
    const text = await workbench.readWebviewText('tensor(1.5081)');
    expect(text).toContain("Loss of each element (reduction='none')");
    expect(await view.locator('td.largest').allInnerTexts()).toEqual(['2.3026', '1.6094']);
    await expect.poll(() => workbench.paintedPixels('canvas[data-chart="curve"]'), { timeout: 30_000 }).toBeGreaterThan(500);
    await workbench.screenshot('15-calculator-light');
    await workbench.screenshotWebview('calculator');
    await view.locator('canvas[data-chart="curve"]').scrollIntoViewIfNeeded();
    await workbench.screenshotWebview('calculator-charts');

    await view.getByLabel(/The input holds logits/).check();
    await view.locator('[data-testid="value"]', { hasText: 'tensor(0.8518)' }).waitFor({ timeout: 30_000 });
    expect(await view.locator('#loss').inputValue()).toBe('binary_cross_entropy_with_logits');

    await view.locator('#field-input').fill('[[0.6, 0.1],\n [0.3, 0.8]]]');
    const error = view.locator('#field-input-error');
    await error.getByText('Line 2, column 13: Unexpected "]" after the tensor').waitFor({ timeout: 30_000 });
    expect(await error.locator('pre.caret').innerText()).toBe(` [0.3, 0.8]]]\n${' '.repeat(12)}^`);
    expect(await view.locator('#field-input').getAttribute('aria-invalid')).not.toBeNull();
    await workbench.screenshot('16-calculator-parse-error');
    await view.locator('#field-input').fill('[[0.6, 0.1], [0.3, 0.8]]');
    await view.locator('[data-testid="value"]', { hasText: 'tensor(0.8518)' }).waitFor({ timeout: 30_000 });

    const settings = join(workspace, '.vscode', 'settings.json');
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(settings, JSON.stringify({ 'workbench.colorTheme': 'Default Dark Modern' }));
    try {
      await workbench.page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 30_000 });
      await view.locator('body.vscode-dark').waitFor({ timeout: 30_000 });
      await expect.poll(() => workbench.paintedPixels('canvas[data-chart="curve"]'), { timeout: 30_000 }).toBeGreaterThan(500);
      await workbench.screenshot('17-calculator-dark');
      await workbench.screenshotWebview('calculator-dark');
    } finally {
      rmSync(settings);
      await workbench.page.locator('.monaco-workbench.vs').waitFor({ timeout: 30_000 });
    }
  });

  it('the calculator keeps its tensors and value when the window reloads', async () => {
    await workbench.reload();
    const view = workbench.webview();
    await view.locator('[data-testid="value"]', { hasText: 'tensor(0.8518)' }).waitFor({ timeout: 60_000 });
    expect(await view.locator('#field-target').inputValue()).toBe('torch.tensor([[0., 1.], [1., 0.]])');
    await workbench.runCommand('View: Close All Editors');
  });

  it('"Evaluate Loss for Selection" on a selected loss call shows its value and opens the calculator filled in', async () => {
    await workbench.openFile('pytorch/reference_values.py');
    await workbench.selectToLineEnd(7, 7);
    await workbench.runCommand('LossLens: Evaluate Loss for Selection');
    const toast = await workbench.notification(/tensor\(1\.5081\)/);
    expect(toast).toContain('nn.BCELoss: tensor(1.5081)');
    await workbench.screenshot('18-evaluate-selection');
    await workbench.notificationAction(/tensor\(1\.5081\)/, 'Open in Calculator');
    const view = workbench.webview();
    await view.locator('[data-testid="value"]', { hasText: 'tensor(1.5081)' }).waitFor({ timeout: 30_000 });
    expect(await view.locator('#field-input').inputValue()).toContain('[[0.6, 0.1], [0.3, 0.8]]');
    await workbench.runCommand('View: Close All Editors');
  });

  it("a loss hover's links explain the loss and open the calculator with the call's tensors", async () => {
    await workbench.openFile('pytorch/reference_values.py');
    const hover = await workbench.hoverAt(7, 12);
    expect(hover).toContain('Explain binary_cross_entropy');
    await workbench.page.locator('.monaco-hover:not(.hidden) a', { hasText: 'Evaluate in the calculator' }).click();
    const view = workbench.webview();
    await view.locator('[data-testid="value"]', { hasText: 'tensor(1.5081)' }).waitFor({ timeout: 30_000 });
    expect(await view.locator('#loss').inputValue()).toBe('binary_cross_entropy');
    await workbench.runCommand('View: Close All Editors');
  });

  it('"Explain LL003" from the light bulb menu opens the explanation, with its numbers and its chart', async () => {
    await workbench.openFile('pytorch/classifier_bugs.py');
    // This file's LL003 (the notebook has one too): the light bulb needs its diagnostic.
    await workbench.readProblems((rows) => rows.some((row) => row.text.includes('`F.softmax(class_logits, dim=1)` is already a softmax output')));
    const offered = await workbench.quickFix(32, 12, /Explain LL003/);
    expect(offered).toContain('Explain LL003');
    const text = await workbench.readWebviewText('LL003 softmax-before-cross-entropy');
    expect(text).toContain('What goes wrong');
    expect(text).toMatch(/on softmax\(x\) \(the bug\)\s+F\.cross_entropy\(F\.softmax\(x, dim=1\), y\)\s+tensor\(0\.6333\)/);
    await expect.poll(() => workbench.paintedPixels('canvas[data-chart="LL003"]'), { timeout: 30_000 }).toBeGreaterThan(500);
    await workbench.screenshot('19-explain-LL003-light');
    await workbench.webview().locator('canvas[data-chart="LL003"]').scrollIntoViewIfNeeded();
    await workbench.screenshotWebview('explain-LL003');
    await workbench.runCommand('View: Close All Editors');
  });

  it('"LossLens: Show Loss Sites" lists the examples\' losses with their status, and goes to one', async () => {
    await workbench.runCommand('LossLens: Show Loss Sites', { asks: true });
    // Every framework's losses are listed, each named as such.
    await workbench.filterQuickPick('optax');
    expect((await workbench.quickPickRows(/line 13/)).join('\n')).toMatch(/optax\.softmax_cross_entropy\s*line 13 JAX · applied · finding: LL003/);
    await workbench.filterQuickPick('categorical_crossentropy');
    expect((await workbench.quickPickRows(/line 31/)).join('\n')).toMatch(/categorical_crossentropy\s*line 31 Keras · applied · finding: LL005/);
    await workbench.filterQuickPick('BCELoss');
    const rows = (await workbench.quickPickRows(/cell 4, line 2/)).join('\n');
    expect(rows).toMatch(/torch\.nn\.BCELoss\s*cell 4, line 2 PyTorch · applied · finding: LL001/);
    expect(rows).toMatch(/torch\.nn\.BCELoss\s*cell 4, line 2 PyTorch · constructed · ok/);
    // Filtered, the list shows no file separators: the line and the status say which site it is.
    expect(rows).toMatch(/torch\.nn\.BCELoss\s*line 25 PyTorch · constructed · ok/);
    await workbench.screenshot('14-loss-sites');
    await workbench.screenshotQuickPick('loss-sites');
    await workbench.filterQuickPick('nll_loss');
    expect((await workbench.quickPickRows(/line 15/)).join('\n')).toMatch(/torch\.nn\.functional\.nll_loss\s*line 15 PyTorch · applied · ok/);
    await workbench.pick(/nll_loss\s*line 15/);
    await workbench.page.locator('.tab.active[aria-label*="reference_values.py"]').waitFor({ timeout: 30_000 });
  });

  it('applies a quick fix picked from the light bulb menu, and the finding goes away', async () => {
    await workbench.openFile('pytorch/classifier_bugs.py');
    await workbench.readProblems((rows) => rows.some((row) => row.text.includes('`F.softmax(class_logits, dim=1)` is already a softmax output')));
    const offered = await workbench.quickFix(32, 12, /Remove the softmax/);
    expect(offered).toEqual(expect.arrayContaining([expect.stringMatching(/^Remove the softmax: pass `class_logits` \(LL003\)/), 'Ignore LL003 on this line']));
    expect(await workbench.editorText()).toContain('loss = ce(class_logits, labels)  # expect: LL003');
    await workbench.screenshot('07-quick-fix-applied');
    // The notebook's findings are listed too: this file's LL003 is the one about `F.softmax(class_logits, dim=1)`.
    const softmaxTwice = '`F.softmax(class_logits, dim=1)` is already a softmax output: softmax is applied twice';
    const problems = await workbench.readProblems(
      (rows) => rows.some((row) => row.text.includes('LL001')) && !rows.some((row) => row.text.includes(softmaxTwice)),
    );
    expect(problems.problems.map((problem) => problem.text).join('\n')).not.toContain(softmaxTwice);
    await workbench.runCommand('File: Revert File');
  });

  it('saving applies every safe fix (source.fixAll.losslens on save) and changes the file on disk', async () => {
    const path = join(workspace, 'pytorch', 'classifier_bugs.py');
    const before = readFileSync(path, 'utf8');
    expect(before).toContain('loss = ce(F.softmax(class_logits, dim=1), labels)');
    await workbench.openFile('pytorch/classifier_bugs.py');
    // An edit just before saving: the fixes must apply to the text as it is now.
    await workbench.goTo(1, 1);
    await workbench.type('# saved with every safe fix\n');
    await workbench.save();
    await expect.poll(() => readFileSync(path, 'utf8'), { timeout: 30_000 }).toContain('# saved with every safe fix\n');
    const after = readFileSync(path, 'utf8');
    expect(after).toContain('loss = ce(class_logits, labels)  # expect: LL003');
    expect(after).toContain('bce = nn.BCEWithLogitsLoss()');
    // Unsafe fixes are never part of fix-all: the swapped arguments stay.
    expect(after).toContain('loss = ce(labels, class_logits)  # expect: LL007');
    // And the editor agrees: the fixed findings leave the Problems panel, the unsafe one stays.
    const problems = await workbench.readProblems((rows) => !rows.some((row) => row.text.includes('`bce` (`nn.BCELoss`')));
    expect(problems.problems.map((problem) => problem.text).join('\n')).toContain('LL007');
    await workbench.screenshot('08-fix-all-on-save');
  });
});
