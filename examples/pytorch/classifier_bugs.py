"""A binary and a multi-class classifier with the loss bugs that silently ruin training."""
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

bce = nn.BCELoss()
loss = bce(binary_logits, is_positive.unsqueeze(1))  # expect: LL001 (logits into BCELoss)

bce_logits = nn.BCEWithLogitsLoss()
loss = bce_logits(torch.sigmoid(binary_logits), is_positive.unsqueeze(1))  # expect: LL002

ce = nn.CrossEntropyLoss()
loss = ce(F.softmax(class_logits, dim=1), labels)  # expect: LL003

nll = nn.NLLLoss()
loss = nll(class_logits, labels)  # expect: LL004

kl = nn.KLDivLoss(reduction="batchmean")
teacher = F.softmax(torch.randn(32, 10), dim=1)
loss = kl(F.softmax(class_logits, dim=1), teacher)  # expect: LL006

loss = ce(labels, class_logits)  # expect: LL007 (target first)

log_probs = torch.log(F.softmax(class_logits, dim=1))  # expect: LL008

mse = nn.MSELoss()
loss = mse(binary_logits, is_positive)  # expect: LL010 ((32, 1) vs (32,))

loss = ce(class_logits, labels.float())  # expect: LL011 (float class indices)

loss = F.cross_entropy(binary_logits, labels)  # expect: LL012 (softmax over one unit)

old_style = nn.CrossEntropyLoss(size_average=False)  # expect: LL020

probs = F.softmax(class_logits)  # expect: LL021

kl_mean = nn.KLDivLoss(reduction="mean")  # expect: LL022
