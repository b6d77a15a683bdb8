import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import { copyExamplesWorkspace, ensureToolchain, launchChromium, recordMetric, REPO_ROOT, startCodeServer, Workbench, type CodeServer } from './harness';

const VSIX = join(REPO_ROOT, `losslens-${version}.vsix`);

let server: CodeServer | undefined;
let browser: Browser | undefined;
let workbench: Workbench;

beforeAll(async () => {
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run "npm run package" first (npm run test:e2e does).`);
  const started = Date.now();
  server = await startCodeServer({ toolchain: ensureToolchain(), vsix: VSIX, workspace: copyExamplesWorkspace() });
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

  it('lists its commands in the command palette', async () => {
    const entries = await workbench.paletteEntries('LossLens');
    expect(entries).toEqual(expect.arrayContaining([expect.stringContaining('LossLens: Show Status'), expect.stringContaining('LossLens: Show Log')]));
  });

  it('"LossLens: Show Status" shows version, settings and the open Python file, and its button opens the log', async () => {
    await workbench.runCommand('LossLens: Show Status');
    const text = await workbench.readWebviewText('LossLens status');
    expect(text).toMatch(new RegExp(`Version\\s+${version.replace(/\./g, '\\.')}`));
    expect(text).toMatch(/Activation time\s+[\d.]+ ms/);
    expect(text).toMatch(/Selected rules\s+all/);
    expect(text).toContain('python: 1 open');
    await workbench.screenshot('03-status-webview');

    await workbench.webview().getByRole('button', { name: 'Open the LossLens log' }).click();
    expect(await workbench.readOutput(/activated in/)).toContain('LossLens');
  });

  it("reads a hover at a position (VS Code's TypeScript hover on the TF.js example)", async () => {
    await workbench.openFile('tfjs/train-fixed.ts');
    const hover = await workbench.hoverAt(4, 8);
    expect(hover).toMatch(/const model/);
    await workbench.screenshot('05-hover');
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

  it('opens the example notebook in the notebook editor', async () => {
    await workbench.openFile('notebooks/segmentation.ipynb');
    const cells = workbench.page.locator('.notebook-editor .code-cell-row');
    await cells.filter({ hasText: 'class SegHead' }).first().waitFor({ timeout: 60_000 });
    await expect.poll(() => cells.count()).toBeGreaterThanOrEqual(2);
    await workbench.screenshot('06-notebook');
  });
});
