"""A training script whose model and loss are built in main() and handed to train(): LossLens
follows them through the call."""
import torch
import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, features: int = 64, classes: int = 10):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(features, 128), nn.ReLU(), nn.Linear(128, classes))
        self.probabilities = nn.Softmax(dim=1)

    def forward(self, x):
        return self.probabilities(self.body(x))


class Detector(nn.Module):
    def __init__(self, features: int = 64):
        super().__init__()
        self.score = nn.Linear(features, 1)

    def forward(self, x):
        return self.score(x)


def train(network, objective, optimizer, loader, epochs=3):
    for _ in range(epochs):
        for inputs, targets in loader:
            optimizer.zero_grad()
            loss = objective(network(inputs), targets)  # expect: LL003 (softmax model into cross entropy)
            loss.backward()
            optimizer.step()


def fit_detector(model, inputs, targets, loss_fn=nn.BCELoss()):
    return loss_fn(model(inputs), targets)  # expect: LL001 (raw scores into BCELoss, the default)


def main():
    model = Classifier()
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = [(torch.randn(32, 64), torch.randint(0, 10, (32,)))]
    train(model, criterion, optimizer, loader)
    fit_detector(Detector(), torch.randn(32, 64), torch.rand(32, 1))


if __name__ == '__main__':
    main()
