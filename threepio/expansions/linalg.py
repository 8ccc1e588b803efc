"""Dense linear algebra from elementary ops, unrolled over static shapes (for TF.js, which has
no triangular solve, LU or Cholesky kernel). Each function takes the ATen op's arguments."""

from __future__ import annotations

import torch

from . import expansion, require


def _finite(*xs):
    for x in xs:
        require(torch.isfinite(x).all(), "the expansion is exact for finite inputs only; "
                                         "LAPACK's handling of inf/NaN entries is its own")


@expansion("linalg_solve_triangular")
def solve_triangular(A, B, *, upper, left=True, unitriangular=False):
    """aten.linalg_solve_triangular: X with A X = B (left) or X A = B, by substitution."""
    if not left:
        return solve_triangular(A.mT, B.mT, upper=not upper, unitriangular=unitriangular).mT
    _finite(A, B)
    n, k = A.shape[-1], B.shape[-1]
    batch = torch.broadcast_shapes(A.shape[:-2], B.shape[:-2])
    A, B = A.expand(*batch, n, n), B.expand(*batch, n, k)
    rows: list = [None] * n
    for i in (range(n - 1, -1, -1) if upper else range(n)):
        r = B[..., i:i + 1, :]
        done = range(i + 1, n) if upper else range(i)
        if len(done):
            lo, hi = done[0], done[-1] + 1
            r = r - A[..., i:i + 1, lo:hi] @ torch.cat(rows[lo:hi], -2)
        if not unitriangular:
            r = r / A[..., i:i + 1, i:i + 1]
        rows[i] = r
    return torch.cat(rows, -2) if n else B.clone()
