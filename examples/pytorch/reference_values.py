"""Losses on tensors written in the code: hover a loss to see its value, as PyTorch computes it."""
import torch
import torch.nn as nn
import torch.nn.functional as F

# Binary cross entropy on probabilities (each row: two independent labels).
bce = nn.BCELoss()(torch.tensor([[0.6, 0.1], [0.3, 0.8]]), torch.tensor([[0., 1.], [1., 0.]]))

# The same scores as logits: the loss applies the sigmoid itself.
scores = torch.tensor([[0.6, 0.1], [0.3, 0.8]])
labels = torch.tensor([[0., 1.], [1., 0.]])
with_logits = F.binary_cross_entropy_with_logits(scores, labels)

# NLLLoss picks -x[target] and averages: on raw numbers it can go negative.
nll = F.nll_loss(torch.tensor([[2., 3., 1.], [3., 7., 9.]]), torch.tensor([1, 2]))

# Cross entropy over 2 classes at each of 2 positions, with class weights against imbalance.
weighted = F.cross_entropy(
    torch.tensor([[[1., 2.], [3., 5.]], [[4., 7.], [4., 6.]]]),
    torch.tensor([[0, 0], [1, 1]]),
    weight=torch.tensor([1.0, 9.0]),
)
