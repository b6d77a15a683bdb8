import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitUntil, workspaceFile } from './helpers';

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

    await vscode.commands.executeCommand('losslens.showStatus');
    await waitUntil(() => statusTabs().length === 1, 'the status panel is open');
    assert.equal(statusTabs()[0]!.label, 'LossLens Status');

    await vscode.commands.executeCommand('losslens.showStatus');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(statusTabs().length, 1, 'a second Show Status opened another panel');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('"LossLens: Show Log" runs without error', async () => {
    await vscode.commands.executeCommand('losslens.showLog');
  });
});

suite('notebooks', () => {
  test('a Jupyter notebook opens with its code cells as Python documents', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceFile('notebooks/segmentation.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    const code = notebook.getCells().filter((cell) => cell.kind === vscode.NotebookCellKind.Code);
    assert.ok(code.length >= 3, `expected the example's code cells, got ${code.length}`);
    for (const cell of code) {
      assert.equal(cell.document.languageId, 'python');
      assert.equal(cell.document.uri.scheme, 'vscode-notebook-cell');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
