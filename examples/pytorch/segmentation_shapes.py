"""Shapes that only fail (or silently broadcast) once training runs: LossLens checks each loss's
shape contract, the one its calculator uses, in PyTorch's own words."""
import torch
import torch.nn as nn
import torch.nn.functional as F


model = nn.Sequential(
    nn.Conv2d(3, 16, kernel_size=3, padding=1),
    nn.ReLU(),
    nn.Conv2d(16, 3, kernel_size=1),
)
images = torch.randn(4, 3, 64, 64)
masks = torch.randint(0, 3, (4, 1, 64, 64))
criterion = nn.CrossEntropyLoss()
loss = criterion(model(images), masks)  # expect: LL010 (the mask keeps its channel dim: squeeze(1))
loss = criterion(model(images), masks.squeeze(1))

tagger = nn.Linear(128, 6)
features = torch.randn(4, 128)
tags = torch.randint(0, 2, (4,)).float()
loss = nn.BCEWithLogitsLoss()(tagger(features), tags)  # expect: LL010 (one label per example for six scores)

depth = nn.Conv2d(16, 1, kernel_size=1)
target_depth = torch.rand(4, 64, 64)
loss = F.l1_loss(depth(torch.randn(4, 16, 64, 64)), target_depth)  # expect: LL010 ((4, 1, 64, 64) against (4, 64, 64))
