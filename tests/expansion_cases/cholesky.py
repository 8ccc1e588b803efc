"""Cases for threepio/expansions/cholesky.py."""

import torch

from . import rhs

aten = torch.ops.aten


def spd(n, batch=(), seed=4):
    """A symmetric positive-definite matrix X X^T + I (its other triangle is garbage below:
    potrf reads one triangle only)."""
    x = torch.randn(*batch, n, n, generator=torch.Generator().manual_seed(seed))
    return x @ x.mT + torch.eye(n)


def one_sided(n, upper, seed=5):
    """spd with the triangle potrf does not read overwritten."""
    a = spd(n, seed=seed)
    read = torch.ones(n, n, dtype=torch.bool)
    return torch.where(read.triu() if upper else read.tril(), a, torch.full((n, n), 7.0))


def chol(n, batch=(), seed=4, upper=False):
    return torch.linalg.cholesky(spd(n, batch, seed), upper=upper)


CASES = {
    "linalg_cholesky_ex": (aten.linalg_cholesky_ex.default, [
        ((spd(5),), {}), ((spd(5),), {"upper": True}), ((spd(4, (2, 1)),), {}),
        ((one_sided(4, False),), {}), ((one_sided(4, True),), {"upper": True}),
        ((torch.tensor([[4.0]]),), {}), ((spd(0),), {}), ((spd(3, (0,)),), {"upper": True}),
        ((spd(12, (2,)),), {}),
    ]),
    "cholesky": (aten.cholesky.default, [
        ((spd(5),), {}), ((spd(5, (2,)),), {"upper": True}), ((one_sided(3, True),),
                                                              {"upper": True}),
        ((torch.tensor([[2.0]]),), {}), ((spd(0, (2,)),), {}),
    ]),
    "cholesky_solve": (aten.cholesky_solve.default, [
        ((rhs(5, 3), chol(5)), {}), ((rhs(5, 3), chol(5, upper=True)), {"upper": True}),
        ((rhs(4, 2, (2,)), chol(4)), {}),                 # broadcast factor
        ((rhs(4, 2), chol(4, (3,))), {"upper": False}),   # broadcast right-hand side
        ((rhs(1, 1), torch.tensor([[3.0]])), {}),
        ((rhs(0, 2), torch.zeros(0, 0)), {}), ((rhs(3, 0), chol(3)), {}),
    ]),
    "cholesky_inverse": (aten.cholesky_inverse.default, [
        ((chol(5),), {}), ((chol(5, upper=True),), {"upper": True}),
        ((chol(4, (2,)),), {}), ((torch.tensor([[2.0]]),), {}), ((torch.zeros(0, 0),), {}),
        ((torch.zeros(2, 0, 0),), {"upper": True}),
    ]),
}
