"""The federated example's training step: the MNIST MLP step of ``examples/mnist.py`` (same
model, same softmax cross-entropy, explicit ``torch.autograd.grad`` backward, SGD, accuracy)
with the learning rate as a plan input, so the server chooses it and a few steps show a
visible loss curve (``mnist.mlp_step`` bakes in 0.005)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mnist  # noqa: E402

OUTPUTS = ("loss", "accuracy", "W1_next", "b1_next", "W2_next", "b2_next")
WEIGHTS = ("W1", "b1", "W2", "b2")


def train_step(X, y, lr, W1, b1, W2, b2):
    """One SGD step on a batch: returns loss, accuracy and the updated weights."""
    params = (W1, b1, W2, b2)
    logits = F.linear(F.relu(F.linear(X, W1, b1)), W2, b2)
    loss = mnist.softmax_cross_entropy_with_logits(logits, y, mnist.BATCH)
    grads = torch.autograd.grad(loss, params)
    updated = [p - lr * g for p, g in zip(params, grads)]
    accuracy = (logits.argmax(dim=1) == y.argmax(dim=1)).float().mean()
    return (loss, accuracy, *updated)


def initial_weights(seed: int = 0) -> list[np.ndarray]:
    """The global model before round 0 (the MLP's default initialisation)."""
    return [np.asarray(w) for w in mnist.mlp_step_example(seed)[2:]]


def train_step_example():
    X, y, *weights = mnist.mlp_step_example()
    return (X, y, torch.tensor(0.5), *weights)


def replay(weights, X, y, lr: float):
    """PyTorch eager, the reference: ``len(X)`` steps from ``weights`` on batches ``X``, ``y``.
    Returns (losses, accuracies, final weights as NumPy arrays)."""
    ws = [torch.from_numpy(np.array(w)) for w in weights]
    losses, accuracies = [], []
    for xb, yb in zip(X, y):
        params = [w.requires_grad_() for w in ws]
        loss, acc, *ws = train_step(torch.from_numpy(xb), torch.from_numpy(yb),
                                    torch.tensor(lr, dtype=torch.float32), *params)
        ws = [w.detach() for w in ws]
        losses.append(float(loss.detach()))
        accuracies.append(float(acc.detach()))
    return losses, accuracies, [w.numpy() for w in ws]
