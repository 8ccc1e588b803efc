"""The MNIST models of the original federated-learning demo, as plain PyTorch.

Used by ``make demo``, the tests and the benchmarks. Each ``*_example()`` function returns the
example inputs for the function of the same stem: this is how ``threepio trace FILE.py:NAME``
finds inputs (``threepio trace examples/mnist.py:mlp_step`` calls ``mlp_step_example()``).
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 64
LR = 0.005
MLP_STEP_OUTPUTS = ("loss", "accuracy", "W1_next", "b1_next", "W2_next", "b2_next")


class MLP(nn.Module):
    """784-392-10 perceptron of the PySyft/syft.js MNIST demo."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 392)
        self.fc2 = nn.Linear(392, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(x)))


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def softmax_cross_entropy_with_logits(logits, targets, batch_size):
    """The demo's loss: one-hot ``targets``, numerically stabilised log-softmax."""
    norm_logits = logits - logits.max()
    log_probs = norm_logits - norm_logits.exp().sum(dim=1, keepdim=True).log()
    return -(targets * log_probs).sum() / batch_size


def mlp_step(X, y, W1, b1, W2, b2):
    """One training step of the demo: forward, loss, explicit backward, SGD, accuracy."""
    params = (W1, b1, W2, b2)
    logits = F.linear(F.relu(F.linear(X, W1, b1)), W2, b2)
    loss = softmax_cross_entropy_with_logits(logits, y, BATCH)
    grads = torch.autograd.grad(loss, params)
    updated = [p - LR * g for p, g in zip(params, grads)]
    accuracy = (logits.argmax(dim=1) == y.argmax(dim=1)).float().mean()
    return (loss, accuracy, *updated)


def mlp_step_labels(X, labels, W1, b1, W2, b2):
    """The same step with integer class labels (int64) and F.cross_entropy."""
    params = (W1, b1, W2, b2)
    logits = F.linear(F.relu(F.linear(X, W1, b1)), W2, b2)
    loss = F.cross_entropy(logits, labels)
    grads = torch.autograd.grad(loss, params)
    updated = [p - LR * g for p, g in zip(params, grads)]
    correct = (logits.argmax(dim=1) == labels).sum()
    return (loss, correct, *updated)


_LENET = LeNet5()
_LENET_NAMES = [n for n, _ in _LENET.named_parameters()]


def lenet_step(x, labels, *params):
    """LeNet-5 training step with its parameters as inputs (conv and max-pool backward)."""
    out = torch.func.functional_call(_LENET, dict(zip(_LENET_NAMES, params)), (x,))
    loss = F.cross_entropy(out, labels)
    grads = torch.autograd.grad(loss, params)
    return (loss, *[p - 0.01 * g for p, g in zip(params, grads)])


def _mlp_params(seed=0):
    torch.manual_seed(seed)
    m = MLP()
    return [m.fc1.weight.detach(), m.fc1.bias.detach(), m.fc2.weight.detach(),
            m.fc2.bias.detach()]


def mlp_step_example(seed=0):
    g = torch.Generator().manual_seed(seed + 1)
    X = torch.rand(BATCH, 784, generator=g)
    y = F.one_hot(torch.randint(0, 10, (BATCH,), generator=g), 10).float()
    return (X, y, *_mlp_params(seed))


def mlp_step_labels_example(seed=0):
    g = torch.Generator().manual_seed(seed + 1)
    X = torch.rand(BATCH, 784, generator=g)
    return (X, torch.randint(0, 10, (BATCH,), generator=g), *_mlp_params(seed))


def lenet_step_example(seed=0, batch=8):
    torch.manual_seed(seed)
    params = [p.detach() for p in LeNet5().parameters()]
    g = torch.Generator().manual_seed(seed + 1)
    x = torch.rand(batch, 1, 28, 28, generator=g)
    return (x, torch.randint(0, 10, (batch,), generator=g), *params)


def mlp_example(seed=0):
    return (torch.rand(BATCH, 784, generator=torch.Generator().manual_seed(seed)),)


def lenet_example(seed=0, batch=8):
    return (torch.rand(batch, 1, 28, 28, generator=torch.Generator().manual_seed(seed)),)
