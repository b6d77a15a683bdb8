import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import { copyExamplesWorkspace, ensureToolchain, launchChromium, REPO_ROOT, startCodeServer, Workbench, type CodeServer } from './harness';

const VSIX = join(REPO_ROOT, `losslens-${version}.vsix`);

let server: CodeServer | undefined;
let browser: Browser | undefined;
let workbench: Workbench;

// VS Code with Simplified Chinese as its display language (the harness registers the language
// the way an installed pack does; VS Code's own strings stay English, LossLens's are its own).
beforeAll(async () => {
  if (!existsSync(VSIX)) throw new Error(`${VSIX} is missing: run "npm run package" first (npm run test:e2e does).`);
  server = await startCodeServer({ toolchain: ensureToolchain(), vsix: VSIX, workspace: copyExamplesWorkspace(), locale: 'zh-cn' });
  browser = await launchChromium();
  workbench = new Workbench(await browser.newPage({ viewport: { width: 1400, height: 900 } }));
  await workbench.open(server.url);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the packaged extension, with VS Code in Simplified Chinese', () => {
  it('names its commands in Chinese (package.nls.zh-cn.json)', async () => {
    await workbench.openFile('pytorch/classifier_bugs.py');
    const entries = await workbench.paletteEntries('LossLens');
    expect(entries).toContain('LossLens: 显示日志');
    expect(entries).not.toContain('LossLens: Show Log');
  });

  it("reports the analyzer's findings in Chinese (the analyzer's own l10n bundle, handed to it by the extension)", async () => {
    await workbench.openFile('pytorch/classifier_bugs.py');
    const problems = await workbench.readProblems((rows) => rows.some((row) => row.text.includes('LL003')));
    const text = problems.problems.map((problem) => problem.text).join('\n');
    await workbench.screenshot('zh-cn-problems-panel');
    expect(text).toContain('softmax 被做了两次');
    expect(text).not.toContain('softmax is applied twice');
  });

  it('shows the calculator and its errors in Chinese (the webview gets the l10n bundle)', async () => {
    await workbench.runCommand('LossLens: 打开损失计算器');
    const view = workbench.webview();
    await view.locator('#field-input').fill('[[0.6, 0.1], [0.3, 0.8]]');
    await view.locator('#field-target').fill('[[0., 1.], [1., 0.]]');
    await view.locator('[data-testid="value"]', { hasText: 'tensor(1.5081)' }).waitFor({ timeout: 30_000 });
    const text = await workbench.readWebviewText('损失计算器');
    expect(text).toContain('每个元素的损失');
    expect(text).toContain('复制为 PyTorch 代码');
    await view.locator('#field-input').fill('[[0.6, 0.1],\n [0.3, 0.8]]]');
    await view.locator('#field-input-error').getByText('第 2 行，第 13 列：张量之后出现了多余的 "]"').waitFor({ timeout: 30_000 });
    await workbench.screenshot('zh-cn-calculator');
  });

  it('hovers in Chinese: the loss title, the value and the links', async () => {
    await workbench.runCommand('View: Close All Editors');
    await workbench.openFile('pytorch/reference_values.py');
    const hover = await workbench.hoverAt(7, 12);
    expect(hover).toContain('tensor(1.5081)');
    expect(hover).toContain('二元交叉熵');
    expect(hover).toContain('在计算器中计算');
    await workbench.screenshotHover('zh-cn-hover');
    await workbench.page.keyboard.press('Escape');
  });
});
