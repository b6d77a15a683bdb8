import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, analysisOf, losslens, nextAnalysis, waitUntil, workspaceFile } from './helpers';

suite('activation', () => {
  test('stays inactive until a Python document opens, then activates', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed in this host`);
    assert.equal(extension.isActive, false, 'LossLens activated before any document it watches was opened');

    const opened = performance.now();
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'python');
    await waitUntil(() => extension.isActive, 'LossLens is active');
    const wallMs = performance.now() - opened;

    const api = extension.exports as { activationMs: number };
    assert.ok(api.activationMs > 0 && api.activationMs < 2000, `activationMs = ${api.activationMs}`);
    // The language server starts after activation returns, not inside it.
    assert.ok(api.activationMs < 50, `activation took ${api.activationMs.toFixed(1)} ms (the bar is 50 ms)`);
    // Activation started the language server for the document, which analysed it.
    await analysisOf(document);
    assert.equal((await losslens()).languageServer(), 'running');
    console.log(`METRIC activation.openToActiveMs ${wallMs.toFixed(1)}`);
    console.log(`METRIC activation.activateMs ${api.activationMs.toFixed(1)}`);
  });

  test('registers every command its manifest contributes', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const contributed = (extension.packageJSON.contributes.commands as Array<{ command: string }>).map((entry) => entry.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((id) => !registered.has(id)),
      [],
      'commands in package.json without a handler',
    );
    const ours = [...registered].filter((id) => id.startsWith('losslens.'));
    assert.deepEqual(ours.filter((id) => !contributed.includes(id)).sort(), [], 'handlers missing from package.json');
  });
});

suite('commands', () => {
  test('"LossLens: Show Status" opens the status webview, and a second run reuses it', async () => {
    const statusTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((group) => group.tabs)
        .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('losslens.status'));

    const first = await vscode.commands.executeCommand<vscode.WebviewPanel>('losslens.showStatus');
    assert.equal(first.title, 'LossLens Status');
    await waitUntil(() => statusTabs().length === 1, 'the status panel is open');
    assert.equal(statusTabs()[0]!.label, 'LossLens Status');

    const second = await vscode.commands.executeCommand<vscode.WebviewPanel>('losslens.showStatus');
    assert.equal(second, first, 'a second Show Status made another panel');
    assert.equal(statusTabs().length, 1);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('"LossLens: Show Log" runs without error', async () => {
    await vscode.commands.executeCommand('losslens.showLog');
  });
});

suite('the analysis API', () => {
  test('a document that turns binary loses its findings at once, and says why', async () => {
    const bug = ['import torch.nn as nn', 'head = nn.Linear(16, 1)', 'def step(x, y):', '    return nn.BCELoss()(head(x), y)', ''].join('\n');
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: bug });
    await vscode.window.showTextDocument(document);
    const first = await analysisOf(document);
    assert.deepEqual(
      first.findings.map((finding) => finding.code),
      ['LL001'],
    );
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(0, 0), '\u0000');
    const binary = await nextAnalysis(document.uri, () => vscode.workspace.applyEdit(edit));
    assert.deepEqual(binary.findings, []);
    assert.match(binary.skipped ?? '', /binary/);
    assert.deepEqual(
      vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'LossLens'),
      [],
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('says when a document was not analysed, and why', async () => {
    const config = vscode.workspace.getConfiguration('losslens');
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: 'import torch.nn as nn\nloss = nn.BCELoss()\n' });
    await vscode.window.showTextDocument(document);
    // The analysis the opening started finishes first: the next one is the one the setting causes.
    await analysisOf(document);
    try {
      const off = await nextAnalysis(
        document.uri,
        () => config.update('enable', false, vscode.ConfigurationTarget.Workspace),
        (event) => event.skipped !== undefined,
      );
      assert.deepEqual(off.findings, []);
      assert.match(off.skipped ?? '', /turned off/);
    } finally {
      const on = await nextAnalysis(
        document.uri,
        () => config.update('enable', undefined, vscode.ConfigurationTarget.Workspace),
        (event) => event.skipped === undefined,
      );
      assert.equal(on.skipped, undefined);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});

suite('getting started', () => {
  test("the walkthrough's sample opens, unsaved, and gets its finding", async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const walkthroughs = extension.packageJSON.contributes.walkthroughs as Array<{ steps: Array<{ media: { markdown?: string } }> }>;
    for (const step of walkthroughs[0]!.steps) assert.ok(step.media.markdown, 'every step has its text');
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('losslens.openSample');
    assert.equal(editor.document.isUntitled, true);
    const analysis = await analysisOf(editor.document);
    assert.deepEqual(
      analysis.findings.map((finding) => finding.code),
      ['LL001'],
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
