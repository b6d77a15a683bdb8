import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitUntil, workspaceFile } from './helpers';

/** Lines marked `# expect: LLxxx` in an example file, as [line (0-based), code]. */
function expectations(document: vscode.TextDocument): Array<[number, string]> {
  const found: Array<[number, string]> = [];
  for (let line = 0; line < document.lineCount; line++) {
    const match = /# expect: (LL\d{3})/.exec(document.lineAt(line).text);
    if (match) found.push([line, match[1]!]);
  }
  return found;
}

async function diagnosticsOf(uri: vscode.Uri, count?: number): Promise<vscode.Diagnostic[]> {
  await waitUntil(
    () => {
      const current = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LossLens');
      return count === undefined ? current.length > 0 : current.length === count;
    },
    `LossLens diagnostics on ${uri.path}`,
    20_000,
  );
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'LossLens');
}

function codeOf(diagnostic: vscode.Diagnostic): string {
  return typeof diagnostic.code === 'object' ? String(diagnostic.code.value) : String(diagnostic.code);
}

suite('diagnostics', () => {
  test('every `expect:` line of the PyTorch example gets its finding, and nothing else is reported', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    await vscode.window.showTextDocument(document);
    const expected = expectations(document);
    const diagnostics = await diagnosticsOf(document.uri, expected.length);
    const actual = diagnostics.map((d) => [d.range.start.line, codeOf(d)] as [number, string]).sort((a, b) => a[0] - b[0]);
    assert.deepEqual(actual, expected);
    const ll001 = diagnostics.find((d) => codeOf(d) === 'LL001')!;
    assert.equal(ll001.severity, vscode.DiagnosticSeverity.Error);
    assert.match(String((ll001.code as { target: vscode.Uri }).target), /docs\/rules\/LL001\.md$/);
    assert.ok(
      ll001.relatedInformation?.some((info) => info.message.includes('nn.Linear(128, 1)')),
      'evidence as related information',
    );
  });

  test('the corrected example gets no findings', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_fixed.py'));
    await vscode.window.showTextDocument(document);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(
      vscode.languages.getDiagnostics(document.uri).filter((d) => d.source === 'LossLens'),
      [],
    );
  });

  test('the preferred quick fix removes the softmax and the finding goes away', async () => {
    const original = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: original.getText() });
    await vscode.window.showTextDocument(document);
    const diagnostics = await diagnosticsOf(document.uri);
    const ll003 = diagnostics.find((d) => codeOf(d) === 'LL003')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      ll003.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const preferred = actions.find((action) => action.isPreferred && action.title.includes('LL003'));
    assert.ok(preferred, `no preferred fix among ${actions.map((action) => action.title).join(' | ')}`);
    assert.ok(actions.some((action) => action.title === 'Ignore LL003 on this line'));
    assert.ok(await vscode.workspace.applyEdit(preferred.edit!));
    assert.match(document.lineAt(ll003.range.start.line).text, /loss = ce\(class_logits, labels\)/);
    await waitUntil(() => !vscode.languages.getDiagnostics(document.uri).some((d) => codeOf(d) === 'LL003'), 'LL003 is gone', 20_000);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('notebook cells get diagnostics, with the evidence in another cell', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceFile('notebooks/segmentation.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    const buggy = notebook.getCells().find((cell) => cell.document.getText().includes('expect: LL001'))!;
    const diagnostics = await diagnosticsOf(buggy.document.uri, 2);
    assert.deepEqual(diagnostics.map(codeOf).sort(), ['LL001', 'LL003']);
    const ll001 = diagnostics.find((d) => codeOf(d) === 'LL001')!;
    const evidenceCell = ll001.relatedInformation?.[0]?.location.uri;
    assert.ok(evidenceCell && evidenceCell.toString() !== buggy.document.uri.toString(), 'evidence points into the cell defining the model');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('losslens.select narrows the rules', async () => {
    const config = vscode.workspace.getConfiguration('losslens');
    await config.update('select', ['LL001'], vscode.ConfigurationTarget.Workspace);
    try {
      const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
      await waitUntil(
        () => {
          const codes = vscode.languages
            .getDiagnostics(document.uri)
            .filter((d) => d.source === 'LossLens')
            .map(codeOf);
          return codes.length === 1 && codes[0] === 'LL001';
        },
        'only LL001 is reported',
        20_000,
      );
    } finally {
      await config.update('select', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
