import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { ARTIFACTS_DIR } from './paths';

const TIMEOUT = 30_000;

export interface Problem {
  /** The row's accessible label, as a screen reader would read it. */
  readonly label: string;
  /** The row's visible text: message, source, code and position. */
  readonly text: string;
  /** 1 for a file row, 2 for a problem under it. */
  readonly level: number;
}

/**
 * What a person does in VS Code, in Playwright terms: open a file by name, run a command from the
 * palette, read the Problems panel, hover at a position, read a webview or an output channel, take
 * a screenshot. Everything goes through the UI, nothing through VS Code's API.
 */
export class Workbench {
  constructor(
    readonly page: Page,
    private readonly artifacts: string = ARTIFACTS_DIR,
  ) {
    mkdirSync(artifacts, { recursive: true });
  }

  /** Opens the workbench at `url` and waits until its editor area is usable. */
  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.part.editor').waitFor({ timeout: TIMEOUT });
    // The explorer lists the workspace once the file service is ready.
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  /** Opens a workspace file through Quick Open (Ctrl+P), as a person types its name. */
  async openFile(relativePath: string): Promise<void> {
    const name = relativePath.split('/').pop()!;
    // A hover or a peek left open would keep the keyboard.
    await this.page.keyboard.press('Escape');
    await this.quickInput('Control+p', relativePath);
    // Files of one name in several folders (`pytorch/reference_values.py`, `keras/...`): the row whose description names the folder.
    const folder = relativePath.split('/').slice(0, -1).join('/');
    const rows = this.page.locator('.quick-input-list .monaco-list-row', { hasText: name });
    const row = (folder ? rows.filter({ hasText: folder }) : rows).first();
    await row.waitFor({ timeout: TIMEOUT });
    await row.click();
    await this.page.locator(`.tab.active[aria-label*="${name}"]`).waitFor({ timeout: TIMEOUT });
    // And its folder in the editor's breadcrumbs: another file of that name may have been the active one.
    if (folder)
      await this.page
        .locator('.breadcrumbs-control .monaco-breadcrumb-item', { hasText: folder.split('/').pop()! })
        .first()
        .waitFor({ timeout: TIMEOUT });
  }

  /**
   * Runs a command from the command palette by its title, e.g. "LossLens: Show Status". A command
   * that asks with a quick pick of its own (`asks`) leaves the quick input open for `quickPickRows`.
   */
  async runCommand(title: string, options: { asks?: boolean } = {}): Promise<void> {
    await this.quickInput('F1', title);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: TIMEOUT });
    await row.click();
    if (options.asks) return;
    try {
      await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: TIMEOUT });
    } catch (error) {
      // What was left open says why: a picture of it for the artifacts.
      await this.screenshot(`failed-command-${title.replace(/[^\w]+/g, '-')}`).catch(() => undefined);
      throw error;
    }
  }

  /** The command palette's entries matching `filter`, as listed. */
  async paletteEntries(filter: string): Promise<string[]> {
    await this.quickInput('F1', filter);
    const rows = this.page.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: TIMEOUT });
    const labels = await rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-label') ?? ''));
    await this.page.keyboard.press('Escape');
    return labels;
  }

  /**
   * Opens the Problems panel and returns its rows as shown (file rows, then each problem under its
   * file), or the panel's message when it lists none; waits until `until` accepts the rows.
   */
  async readProblems(until: (problems: Problem[]) => boolean = () => true): Promise<{ problems: Problem[]; emptyMessage?: string }> {
    await this.runCommand('View: Focus Problems');
    const panel = this.page.locator('.markers-panel');
    await panel.waitFor({ timeout: TIMEOUT });
    // The list renders only the rows in view: give it the whole window while reading.
    const maximized = await this.page.locator('.part.panel.maximized, .monaco-workbench.maximized-panel').count();
    if (maximized === 0) await this.runCommand('View: Toggle Maximized Panel');
    try {
      return await this.readProblemRows(panel, until);
    } finally {
      if (maximized === 0) await this.runCommand('View: Toggle Maximized Panel');
    }
  }

  private async readProblemRows(
    panel: ReturnType<Page['locator']>,
    until: (problems: Problem[]) => boolean,
  ): Promise<{ problems: Problem[]; emptyMessage?: string }> {
    const rows = panel.locator('.monaco-list-row');
    const message = panel.locator('.message-box-container').filter({ hasText: /\S/ });
    const deadline = Date.now() + TIMEOUT;
    for (;;) {
      await rows.first().or(message).first().waitFor({ timeout: TIMEOUT });
      if ((await rows.count()) === 0) {
        if (until([]) || Date.now() > deadline) return { problems: [], emptyMessage: (await message.innerText()).trim() };
      } else {
        const problems = await rows.evaluateAll((elements) =>
          elements.map((element) => ({
            label: element.getAttribute('aria-label') ?? '',
            text: (element as HTMLElement).innerText,
            level: Number(element.getAttribute('aria-level') ?? '1'),
          })),
        );
        if (until(problems) || Date.now() > deadline) return { problems };
      }
      await this.page.waitForTimeout(250);
    }
  }

  /**
   * Moves the mouse over a 1-based line and column of the active editor, as a person pointing at a
   * token, and returns the text of the hover that appears. The cursor is first put there with
   * Go to Line (Ctrl+G) so the position is exact; language servers that are still starting get
   * more chances: the pointer leaves and comes back until the hover has content.
   */
  async hoverAt(line: number, column: number, timeoutMs = TIMEOUT): Promise<string> {
    await this.goTo(line, column);
    const cursor = this.page.locator('.editor-instance .monaco-editor.focused .cursor').first();
    await cursor.waitFor({ timeout: TIMEOUT });
    const box = (await cursor.boundingBox())!;
    const hover = this.page.locator('.monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content').first();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.page.mouse.move(box.x + 4, box.y + box.height / 2);
      try {
        await hover.waitFor({ timeout: 3000 });
        const text = (await hover.innerText()).trim();
        if (text && !/^Loading/.test(text)) return text;
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`no hover appeared at ${line}:${column}`);
      await this.page.mouse.move(0, 0);
      await this.page.waitForTimeout(500);
    }
  }

  /** Puts the cursor at a 1-based line and column of the active editor, with Go to Line (Ctrl+G). */
  async goTo(line: number, column: number): Promise<void> {
    // Go to Line works in the editor: give it the focus first (a panel may have it). An Enter that
    // comes before the widget has read the typed position leaves it open: start again (three
    // times at most), as a person would.
    const widget = this.page.locator('.quick-input-widget');
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+1');
      await this.quickInput('Control+g', `${line}:${column}`);
      await this.page.keyboard.press('Enter');
      try {
        await widget.waitFor({ state: 'hidden', timeout: attempt < 3 ? 5000 : TIMEOUT });
        return;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  /**
   * Opens the quick fix menu (Ctrl+.) at a 1-based line and column of the active editor, as a
   * person does, picks the first action whose title matches `choose`, and returns every title the
   * menu offered.
   */
  async quickFix(line: number, column: number, choose: RegExp): Promise<string[]> {
    await this.goTo(line, column);
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    // Ctrl+. pressed before the editor has its code actions shows "No code actions available" and
    // nothing more: ask again (three times at most), as a person would.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('Control+.');
      try {
        await rows.first().waitFor({ timeout: attempt < 3 ? 10_000 : TIMEOUT });
        break;
      } catch (error) {
        if (attempt >= 3) throw error;
        await this.goTo(line, column);
      }
    }
    const titles = await rows.evaluateAll((elements) => elements.map((element) => (element as HTMLElement).innerText.trim()));
    await rows.filter({ hasText: choose }).first().click();
    await rows.first().waitFor({ state: 'hidden', timeout: TIMEOUT });
    return titles;
  }

  /** The rows of the quick pick on screen, once one matches `expected`, as shown (label, description, detail). */
  async quickPickRows(expected: RegExp): Promise<string[]> {
    const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.filter({ hasText: expected }).first().waitFor({ timeout: 60_000 });
    return rows.evaluateAll((elements) => elements.map((element) => (element as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
  }

  /** Types into the open quick pick's box, as a person narrows its list. */
  async filterQuickPick(text: string): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-box input').fill(text);
  }

  /** Picks the quick pick row that matches `text`. */
  async pick(text: RegExp): Promise<void> {
    await this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first().click();
  }

  /** The text of the active editor's lines in view, as shown. */
  async editorText(): Promise<string> {
    const lines = this.page.locator('.editor-instance .monaco-editor .view-lines').first();
    await lines.waitFor({ timeout: TIMEOUT });
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /** Types at the cursor of the active editor. */
  async type(text: string): Promise<void> {
    await this.page.keyboard.type(text);
  }

  /** Saves the active editor (Ctrl+S): save participants such as code actions on save run. */
  async save(): Promise<void> {
    await this.page.keyboard.press('Control+s');
  }

  /** The frame of the active webview's content (VS Code nests it in two iframes). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').last().frameLocator('#active-frame');
  }

  /** The visible text of the active webview once `expected` appears in it. */
  async readWebviewText(expected: string | RegExp): Promise<string> {
    const body = this.webview().locator('body');
    await body.getByText(expected).first().waitFor({ timeout: TIMEOUT });
    return body.innerText();
  }

  /** The text of the notification toast that matches `expected`, once it appears. */
  async notification(expected: RegExp): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: expected }).first();
    await toast.waitFor({ timeout: TIMEOUT });
    return (await toast.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Clicks a button of the notification toast that matches `expected`. */
  async notificationAction(expected: RegExp, button: string): Promise<void> {
    const toast = this.page.locator('.notifications-toasts .notification-toast', { hasText: expected }).first();
    await toast.getByRole('button', { name: button }).click();
  }

  /** Selects from a 1-based line and column to the end of that line, as Shift+End does. */
  async selectToLineEnd(line: number, column: number): Promise<void> {
    await this.goTo(line, column);
    await this.page.keyboard.press('Shift+End');
  }

  /** How many pixels of a canvas in the active webview are painted: more than none means the chart drew. */
  async paintedPixels(selector: string): Promise<number> {
    const canvas = this.webview().locator(selector).first();
    await canvas.waitFor({ timeout: TIMEOUT });
    return canvas.evaluate((element) => {
      const context = (element as HTMLCanvasElement).getContext('2d');
      if (!context) return 0;
      const { data } = context.getImageData(0, 0, (element as HTMLCanvasElement).width, (element as HTMLCanvasElement).height);
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
      return painted;
    });
  }

  /** A picture of the active webview's content alone (for the README). */
  async screenshotWebview(name: string): Promise<string> {
    const path = join(this.artifacts, `${name}.png`);
    await this.page.locator('iframe.webview.ready').last().screenshot({ path });
    return path;
  }

  /**
   * Reloads the window with "Developer: Reload Window", as a person does (VS Code saves its state,
   * webview states included, before it goes), and waits for the workbench to come back.
   */
  async reload(): Promise<void> {
    const navigated = this.page.waitForEvent('framenavigated', { predicate: (frame) => frame === this.page.mainFrame(), timeout: 60_000 });
    await this.runCommand('Developer: Reload Window');
    await navigated;
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.part.editor').waitFor({ timeout: TIMEOUT });
  }

  /** The text of the output channel shown in the Output panel, once `expected` appears in it. */
  async readOutput(expected: RegExp): Promise<string> {
    const lines = this.page.locator('.part.panel .output-view .view-lines, .part.panel [id="workbench.panel.output"] .view-lines').first();
    await lines.waitFor({ timeout: TIMEOUT });
    await this.page.waitForFunction(
      ({ pattern, flags }) => {
        const element = document.querySelector('.part.panel .view-lines');
        return !!element && new RegExp(pattern, flags).test((element as HTMLElement).innerText.replace(/\u00a0/g, ' '));
      },
      { pattern: expected.source, flags: expected.flags },
      { timeout: TIMEOUT },
    );
    return (await lines.innerText()).replace(/\u00a0/g, ' ');
  }

  /** A picture of the quick pick on screen alone (for the README). */
  async screenshotQuickPick(name: string): Promise<string> {
    const path = join(this.artifacts, `${name}.png`);
    await this.page.locator('.quick-input-widget').first().screenshot({ path });
    return path;
  }

  /** A picture of the hover on screen alone (for the README). */
  async screenshotHover(name: string): Promise<string> {
    const path = join(this.artifacts, `${name}.png`);
    await this.page.locator('.monaco-editor .monaco-hover:not(.hidden)').first().screenshot({ path });
    return path;
  }

  async screenshot(name: string): Promise<string> {
    const path = join(this.artifacts, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  private async quickInput(shortcut: string, text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await this.page.keyboard.press(shortcut);
    await input.waitFor({ timeout: TIMEOUT });
    const prefix = shortcut === 'F1' ? '>' : shortcut === 'Control+g' ? ':' : '';
    await input.fill(`${prefix}${text}`);
  }
}
