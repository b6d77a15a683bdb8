"""The same classifiers as classifier_bugs.py, with each loss used the way PyTorch expects."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Classifier(nn.Module):
    def __init__(self, features: int = 64, classes: int = 10):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(features, 128), nn.ReLU())
        self.binary_head = nn.Linear(128, 1)
        self.class_head = nn.Linear(128, classes)

    def forward(self, x):
        h = self.body(x)
        return self.binary_head(h), self.class_head(h)


model = Classifier()
x = torch.randn(32, 64)
is_positive = torch.randint(0, 2, (32,)).float()
labels = torch.randint(0, 10, (32,))
binary_logits, class_logits = model(x)

bce_logits = nn.BCEWithLogitsLoss()
loss = bce_logits(binary_logits, is_positive.unsqueeze(1))

bce = nn.BCELoss()
loss = bce(torch.sigmoid(binary_logits), is_positive.unsqueeze(1))

ce = nn.CrossEntropyLoss()
loss = ce(class_logits, labels)

nll = nn.NLLLoss()
loss = nll(F.log_softmax(class_logits, dim=1), labels)

kl = nn.KLDivLoss(reduction="batchmean")
teacher = F.softmax(torch.randn(32, 10), dim=1)
loss = kl(F.log_softmax(class_logits, dim=1), teacher)

log_probs = F.log_softmax(class_logits, dim=1)

mse = nn.MSELoss()
loss = mse(binary_logits.squeeze(1), is_positive)

summed = nn.CrossEntropyLoss(reduction="sum")

probs = F.softmax(class_logits, dim=1)
accuracy = (probs.argmax(dim=1) == labels).float().mean()
