"""Cases for tests/test_expansions.py, one module per module of threepio/expansions: each
defines ``CASES = {name: (reference, [(args, kwargs), ...])}``, the reference being the ATen op
(or a PyTorch function) the expansion replaces."""

import torch


def tri(n, batch=(), upper=False, seed=0):
    """A well-conditioned triangular matrix."""
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(*batch, n, n, generator=g) + n * torch.eye(n)
    return a.triu() if upper else a.tril()


def rhs(n, k, batch=(), seed=1):
    return torch.randn(*batch, n, k, generator=torch.Generator().manual_seed(seed))


def well(n, batch=(), seed=2):
    """A well-conditioned square matrix."""
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*batch, n, n, generator=g) + n * torch.eye(n)
