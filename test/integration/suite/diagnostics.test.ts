import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analysisOf, codeOf, lossLensDiagnostics, nextAnalysis, workspaceFile } from './helpers';

/** Lines marked `# expect: LLxxx` in an example file, as [line (0-based), code]. */
function expectations(document: vscode.TextDocument): Array<[number, string]> {
  const found: Array<[number, string]> = [];
  for (let line = 0; line < document.lineCount; line++) {
    const match = /(?:#|\/\/) expect: (LL\d{3})/.exec(document.lineAt(line).text);
    if (match) found.push([line, match[1]!]);
  }
  return found;
}

function lineCodes(diagnostics: readonly vscode.Diagnostic[]): Array<[number, string]> {
  return diagnostics.map((d) => [d.range.start.line, codeOf(d)] as [number, string]).sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
}

suite('diagnostics', () => {
  test('every `expect:` line of the PyTorch example gets its finding, and nothing else is reported', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    await vscode.window.showTextDocument(document);
    const analysis = await analysisOf(document);
    const expected = expectations(document);
    assert.deepEqual(
      analysis.findings.map((finding) => [finding.start.line - 1, finding.code]),
      expected,
    );
    const diagnostics = lossLensDiagnostics(document.uri);
    assert.deepEqual(lineCodes(diagnostics), expected);
    const ll001 = diagnostics.find((d) => codeOf(d) === 'LL001')!;
    assert.equal(ll001.severity, vscode.DiagnosticSeverity.Error);
    // The code links to the rule's page, served by the extension itself (offline).
    const page = await vscode.workspace.openTextDocument((ll001.code as { target: vscode.Uri }).target);
    assert.match(page.getText(), /^# LL001 probabilities-loss-on-logits\n/);
    assert.ok(
      ll001.relatedInformation?.some((info) => info.message.includes('nn.Linear(128, 1)')),
      'evidence as related information',
    );
  });

  test('every `expect:` line of the TensorFlow.js example gets its finding, with its quick fixes', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('tfjs/train-bugs.ts'));
    await vscode.window.showTextDocument(document);
    const analysis = await analysisOf(document);
    assert.equal(analysis.skipped, undefined, 'the file was analysed');
    const expected = expectations(document);
    assert.deepEqual(lineCodes(lossLensDiagnostics(document.uri)), expected);
    const ll001 = lossLensDiagnostics(document.uri).find((d) => codeOf(d) === 'LL001')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, ll001.range);
    const titles = actions.map((action) => action.title);
    assert.ok(titles.includes('Use tf.losses.sigmoidCrossEntropy (LL001)'), titles.join(' | '));
    assert.ok(titles.includes('Ignore LL001 on this line'), titles.join(' | '));
    // The suppression is a `//` comment in TypeScript, and the finding goes away.
    const ignore = actions.find((action) => action.title === 'Ignore LL001 on this line')!;
    const after = await nextAnalysis(document.uri, () => vscode.workspace.applyEdit(ignore.edit!));
    assert.match(document.lineAt(ll001.range.start.line).text, /\/\/ losslens: ignore\[LL001\]$/);
    assert.deepEqual(
      after.findings.map((finding) => finding.code),
      ['LL003', 'LL007'],
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('the corrected example gets no findings', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_fixed.py'));
    await vscode.window.showTextDocument(document);
    const analysis = await analysisOf(document);
    assert.equal(analysis.skipped, undefined, 'the file was analysed');
    assert.deepEqual(analysis.findings, []);
    assert.deepEqual(lossLensDiagnostics(document.uri), []);
  });

  test('a line added above findings moves them down with it', async () => {
    const original = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: original.getText() });
    await vscode.window.showTextDocument(document);
    const first = await analysisOf(document);
    const firstLines = first.findings.map((finding): [number, string] => [finding.start.line - 1, finding.code]);
    assert.ok(firstLines.length > 10, 'the example has findings');
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(24, 0), '# a comment, and one line more\n');
    const after = await nextAnalysis(document.uri, () => vscode.workspace.applyEdit(edit));
    assert.equal(after.version, document.version);
    assert.deepEqual(
      after.findings.map((finding) => [finding.start.line - 1, finding.code]),
      firstLines.map(([line, code]) => [line >= 24 ? line + 1 : line, code]),
    );
    assert.deepEqual(
      lineCodes(lossLensDiagnostics(document.uri)),
      after.findings.map((finding) => [finding.start.line - 1, finding.code]),
    );
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('the preferred quick fix removes the softmax and the finding goes away', async () => {
    const original = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    const document = await vscode.workspace.openTextDocument({ language: 'python', content: original.getText() });
    await vscode.window.showTextDocument(document);
    await analysisOf(document);
    const ll003 = lossLensDiagnostics(document.uri).find((d) => codeOf(d) === 'LL003')!;
    assert.ok(ll003, 'LL003 is reported');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      ll003.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const preferred = actions.find((action) => action.isPreferred && action.title.includes('LL003'));
    assert.ok(preferred, `no preferred fix among ${actions.map((action) => action.title).join(' | ')}`);
    assert.ok(actions.some((action) => action.title === 'Ignore LL003 on this line'));
    const after = await nextAnalysis(document.uri, () => vscode.workspace.applyEdit(preferred.edit!));
    assert.match(document.lineAt(ll003.range.start.line).text, /loss = ce\(class_logits, labels\)/);
    assert.ok(!after.findings.some((finding) => finding.code === 'LL003'), 'LL003 is gone after the fix');
    assert.ok(!lossLensDiagnostics(document.uri).some((d) => codeOf(d) === 'LL003'));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('notebook cells get diagnostics, with the evidence in another cell', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceFile('notebooks/segmentation.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    const analysis = await analysisOf(notebook);
    const buggy = notebook.getCells().find((cell) => cell.document.getText().includes('expect: LL001'))!;
    assert.deepEqual(analysis.findings.map((finding) => [finding.cell, finding.code]).sort(), [
      [buggy.index, 'LL001'],
      [buggy.index, 'LL003'],
    ]);
    const diagnostics = lossLensDiagnostics(buggy.document.uri);
    assert.deepEqual(diagnostics.map(codeOf).sort(), ['LL001', 'LL003']);
    const ll001 = diagnostics.find((d) => codeOf(d) === 'LL001')!;
    const evidenceCell = ll001.relatedInformation?.[0]?.location.uri;
    assert.ok(evidenceCell && evidenceCell.toString() !== buggy.document.uri.toString(), 'evidence points into the cell defining the model');

    // A line added at the top of the cell moves its findings down, and names the same cell.
    const lines = (event: typeof analysis) => event.findings.map((finding) => [finding.cell, finding.start.line, finding.code]);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(buggy.document.uri, new vscode.Position(0, 0), '# one line more\n');
    const after = await nextAnalysis(notebook.uri, () => vscode.workspace.applyEdit(edit));
    assert.deepEqual(
      lines(after),
      lines(analysis).map(([cell, line, code]) => [cell, (line as number) + 1, code]),
    );
    // Places in messages are said as cells: the model is defined in another cell.
    assert.match(after.findings.find((finding) => finding.code === 'LL001')!.message, /\(cell \d+, line \d+: /);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test("losslens.severity shows a rule's findings at the severity set for it", async () => {
    const config = vscode.workspace.getConfiguration('losslens');
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    try {
      await nextAnalysis(document.uri, () => config.update('severity', { LL003: 'hint' }, vscode.ConfigurationTarget.Workspace));
      const severities = new Map(lossLensDiagnostics(document.uri).map((d) => [codeOf(d), d.severity]));
      assert.equal(severities.get('LL003'), vscode.DiagnosticSeverity.Hint);
      assert.equal(severities.get('LL001'), vscode.DiagnosticSeverity.Error);
    } finally {
      await nextAnalysis(document.uri, () => config.update('severity', undefined, vscode.ConfigurationTarget.Workspace));
    }
  });

  test('losslens.select narrows the rules', async () => {
    const config = vscode.workspace.getConfiguration('losslens');
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    try {
      const narrowed = await nextAnalysis(document.uri, () => config.update('select', ['LL001'], vscode.ConfigurationTarget.Workspace));
      assert.deepEqual(
        narrowed.findings.map((finding) => finding.code),
        ['LL001'],
      );
      assert.deepEqual(lossLensDiagnostics(document.uri).map(codeOf), ['LL001']);
    } finally {
      await nextAnalysis(document.uri, () => config.update('select', undefined, vscode.ConfigurationTarget.Workspace));
    }
  });

  test("a pyproject.toml that ignores LL001 in the examples' PyTorch folder changes what VS Code shows; a workspace setting wins where it is set", async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    await vscode.window.showTextDocument(document);
    const before = await analysisOf(document);
    assert.ok(before.findings.some((finding) => finding.code === 'LL001'));
    const pyproject = workspaceFile('pyproject.toml');
    const config = vscode.workspace.getConfiguration('losslens');
    const text =
      '[project]\nname = "examples"\n\n[tool.losslens]\nper-file-ignores = { "pytorch/*" = ["LL001"] }\n\n[tool.losslens.severity]\nLL003 = "information"\n';
    const codes = (findings: readonly { code: string }[]) => findings.map((finding) => finding.code);
    const severityOf = (code: string) => lossLensDiagnostics(document.uri).find((d) => codeOf(d) === code)?.severity;
    try {
      const configured = await nextAnalysis(document.uri, () => vscode.workspace.fs.writeFile(pyproject, Buffer.from(text)));
      assert.deepEqual(
        codes(configured.findings),
        codes(before.findings).filter((code) => code !== 'LL001'),
      );
      assert.ok(!lossLensDiagnostics(document.uri).some((d) => codeOf(d) === 'LL001'), 'LL001 gone from the Problems panel');
      assert.equal(severityOf('LL003'), vscode.DiagnosticSeverity.Information);
      // Set in the workspace's settings, `losslens.severity` decides instead of the file; the
      // file's per-file ignores, which the settings do not set, still hold.
      const overridden = await nextAnalysis(document.uri, () => config.update('severity', { LL003: 'hint' }, vscode.ConfigurationTarget.Workspace));
      assert.deepEqual(codes(overridden.findings), codes(configured.findings));
      assert.equal(severityOf('LL003'), vscode.DiagnosticSeverity.Hint);
    } finally {
      await nextAnalysis(document.uri, () => config.update('severity', undefined, vscode.ConfigurationTarget.Workspace));
      const after = await nextAnalysis(document.uri, () => vscode.workspace.fs.delete(pyproject));
      assert.ok(
        after.findings.some((finding) => finding.code === 'LL001'),
        'LL001 back once the file is gone',
      );
    }
  });
});
