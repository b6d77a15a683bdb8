import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { analysisOf, nextAnalysis, workspaceFile } from './helpers';

/** LossLens's hover at a position (other providers' hovers are not LossLens's). */
async function lossLensHover(document: vscode.TextDocument, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hovers
    .flatMap((hover) => hover.contents.map((content) => (typeof content === 'string' ? content : content.value)))
    .filter((text) => text.includes('Expects:') || text.includes(', which expects '))
    .join('\n');
}

async function inlineValues(document: vscode.TextDocument): Promise<string[]> {
  const range = new vscode.Range(0, 0, document.lineCount, 0);
  const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>('vscode.executeInlayHintProvider', document.uri, range);
  return hints.map((hint) => `${hint.position.line + 1}: ${typeof hint.label === 'string' ? hint.label : hint.label.map((part) => part.value).join('')}`);
}

suite('hovers and inline values', () => {
  test('a loss on tensors written in the code shows its value, as PyTorch prints it', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/reference_values.py'));
    await vscode.window.showTextDocument(document);
    await analysisOf(document);
    const line = document.lineAt(6).text;
    const hover = await lossLensHover(document, new vscode.Position(6, line.indexOf('BCELoss') + 2));
    assert.match(hover, /tensor\(1\.5081\)/);
    assert.match(hover, /Binary cross entropy/);
    assert.match(hover, /`input`: probabilities/);
  });

  test('a buggy call shows the finding and what LossLens knows of its arguments', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    await vscode.window.showTextDocument(document);
    await analysisOf(document);
    const line = document.lineAt(25).text;
    const hover = await lossLensHover(document, new vscode.Position(25, line.indexOf('bce(') + 1));
    assert.match(hover, /LL001/);
    assert.match(hover, /`input` = `binary_logits`: logits \(raw scores\) from `self\.binary_head = nn\.Linear\(128, 1\)`, shape \(32, 1\), float/);
    assert.match(hover, /No value here/);
  });

  test('an activation written as the input of a loss says what it makes and what the loss expects', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/classifier_bugs.py'));
    await vscode.window.showTextDocument(document);
    await analysisOf(document);
    const line = document.lineAt(28).text;
    const hover = await lossLensHover(document, new vscode.Position(28, line.indexOf('sigmoid') + 1));
    assert.match(hover, /probabilities, written in the code|probabilities from/);
    assert.match(hover, /The `input` of `nn\.BCEWithLogitsLoss`, which expects logits \(raw scores\)/);
    assert.match(hover, /LL002/);
  });

  test('a regression loss names what it expects in words, and computes its value', async () => {
    const content = 'import torch\nimport torch.nn.functional as F\n\nerror = F.mse_loss(torch.tensor([1., 2.]), torch.tensor([1.5, 2.]))\n';
    const document = await vscode.workspace.openTextDocument({ language: 'python', content });
    await vscode.window.showTextDocument(document);
    await analysisOf(document);
    const line = document.lineAt(3).text;
    const hover = await lossLensHover(document, new vscode.Position(3, line.indexOf('mse_loss') + 1));
    assert.match(hover, /tensor\(0\.1250\)/);
    assert.match(hover, /`input`: real values/);
    assert.doesNotMatch(hover, /`input`: values,/);
    const argument = await lossLensHover(document, new vscode.Position(3, line.indexOf('[1.5') + 1));
    assert.match(argument, /The `target` of `F\.mse_loss`, which expects real values/);
  });

  test('inline values follow the calls, and the setting turns them off and on', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceFile('pytorch/reference_values.py'));
    await vscode.window.showTextDocument(document);
    await analysisOf(document);
    assert.deepEqual(await inlineValues(document), ['7: = tensor(1.5081)', '12: = tensor(0.8518)', '15: = tensor(-6.)', '22: = tensor(1.1617)']);
    const config = vscode.workspace.getConfiguration('losslens');
    try {
      await nextAnalysis(document.uri, () => config.update('inlineValues', false, vscode.ConfigurationTarget.Workspace));
      assert.deepEqual(await inlineValues(document), []);
    } finally {
      await nextAnalysis(document.uri, () => config.update('inlineValues', undefined, vscode.ConfigurationTarget.Workspace));
    }
    assert.equal((await inlineValues(document)).length, 4);
  });
});
