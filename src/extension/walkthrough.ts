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

/** Opens the sample as a new, unsaved Python document (nothing is written to disk). */
export async function openSample(): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: 'python', content: SAMPLE });
  return vscode.window.showTextDocument(document);
}
