import { join } from 'node:path';
import { it } from 'vitest';
import { version } from '../../package.json';
import { copyExamplesWorkspace, ensureToolchain, launchChromium, REPO_ROOT, startCodeServer, Workbench } from './harness';

it('scratch', async () => {
  const server = await startCodeServer({
    toolchain: ensureToolchain(),
    vsix: join(REPO_ROOT, `losslens-${version}.vsix`),
    workspace: copyExamplesWorkspace(),
    settings: {},
  });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (m) => console.log('CONSOLE', m.type(), m.text().slice(0, 300)));
    const wb = new Workbench(page);
    await wb.open(server.url);
    await wb.openFile('pytorch/reference_values.py');
    await page.waitForTimeout(3000);
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget .quick-input-box input').fill('>LossLens');
    await page.waitForTimeout(1500);
    await wb.screenshot('scratch-1');
    await page.keyboard.press('Escape');
    await wb.runCommand('LossLens: Explain Loss', { asks: true });
    await page.waitForTimeout(1000);
    await wb.pick(/LL003/);
    await page.waitForTimeout(5000);
    await wb.screenshot('scratch-2');
  } finally {
    await browser.close();
    await server.stop();
  }
});
