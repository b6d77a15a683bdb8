import * as vscode from 'vscode';

/** The getting-started sample: a classifier trained with BCELoss on raw scores, and a loss on literal tensors. */
const SAMPLE = [
  'import torch',
  'import torch.nn as nn',
  '',
  '',
  'class Classifier(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.head = nn.Linear(16, 1)',
  '',
  '    def forward(self, x):',
  '        return self.head(x)',
  '',
  '',
  'model = Classifier()',
  'criterion = nn.BCELoss()',
  '',
  '',
  'def train_step(x, y):',
  '    return criterion(model(x), y)',
  '',
  '',
  '# A loss on tensors written in the code: hover it, or see its value at the end of the line.',
  'value = nn.BCELoss()(torch.tensor([[0.6, 0.1], [0.3, 0.8]]), torch.tensor([[0., 1.], [1., 0.]]))',
  '',
].join('\n');

/** Opens the sample as an unsaved Python document of its own name (nothing is written to disk). */
export async function openSample(): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'untitled', path: 'losslens-sample.py' }));
  const editor = await vscode.window.showTextDocument(document);
  if (document.getText() === '') await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), SAMPLE));
  if (document.languageId !== 'python') await vscode.languages.setTextDocumentLanguage(document, 'python');
  return editor;
}
