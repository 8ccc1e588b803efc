"""Cholesky factorization, solve and inverse from elementary ops, unrolled over static shapes
(for TF.js, which has no Cholesky kernel).

The factor is LAPACK's unblocked potf2 (left-looking, one column at a time: the pivot
``d = a_jj - L[j, :j] L[j, :j]^T``, ``L[j, j] = sqrt(d)``, the column below scaled by
``1 / L[j, j]``), reading the lower triangle (``upper``: the upper one, giving ``U = L^T``).

Where a pivot is not positive, potrf stops (``info`` = its 1-based index) and PyTorch returns
the partial factor; whether a float32 potrf stops, and where, depends on its rounding near
zero. The expansions accept only matrices that float32's potrf provably factors completely:
every element of the read triangle finite and ``λmin(H) > n γ_{n+1} / (1 - n γ_{n+1})``
(Higham, Accuracy and Stability of Numerical Algorithms, Thm 10.7; ``H = D^-1/2 A D^-1/2``
has a unit diagonal, ``γ_k = k u / (1 - k u)``), with ``1 / λmin(H) <= trace(H^-1) =
sum_ij (L^-1)_ij^2 a_jj`` computed from the factor, and a factor 2 for that computation's own
rounding. Other inputs are refused when the plan runs (require); on them ``info`` would be
nonzero or undecidable, so ``info`` is 0 on every accepted input.
"""

from __future__ import annotations

import torch

from . import expansion, require
from .linalg import solve_triangular


def _lower(a, upper):
    """The lower triangle LAPACK reads (``upper``: the upper one, transposed)."""
    return a.mT if upper else a


def _potf2(a):
    """L (lower) by potf2's column steps from the lower triangle of ``a``, and the pivots
    ``d`` (..., n)."""
    n = a.shape[-1]
    piv, low = [], None                                  # low: the columns done so far
    for j in range(n):
        d = a[..., j:j + 1, j:j + 1]
        if j:
            row = low[..., j:j + 1, :]                   # L[j, :j]
            d = d - row @ row.mT
        piv.append(d)
        r = torch.sqrt(d)
        parts = [torch.zeros_like(a[..., :j, :1])] if j else []
        parts.append(r)
        if j < n - 1:
            below = a[..., j + 1:, j:j + 1]
            if j:
                below = below - low[..., j + 1:, :] @ row.mT
            parts.append(below * (1 / r))
        col = torch.cat(parts, -2) if len(parts) > 1 else r
        low = col if low is None else torch.cat([low, col], -1)
    return low, torch.cat(piv, -1).squeeze(-2) if n > 1 else piv[0].squeeze(-2)


def _proven(a, low, piv):
    """Per matrix: float32 potrf provably completes (see the module's docstring)."""
    n = a.shape[-1]
    u = torch.finfo(a.dtype).eps / 2
    fin = torch.isfinite(low).all(-1).all(-1)      # the read triangle finite (and no overflow)
    good = fin & (piv > 0).all(-1)
    eye = torch.eye(n, dtype=a.dtype).expand(a.shape)
    safe = torch.where(good[..., None, None], low, eye)
    inv = solve_triangular(safe, eye, upper=False)
    diag = torch.where(good[..., None], torch.diagonal(a, dim1=-2, dim2=-1),
                       torch.ones_like(piv))
    trace = ((inv * inv) * diag[..., None, :]).sum(-1).sum(-1)
    gamma = (n + 1) * u / (1 - (n + 1) * u)
    return good & (2 * trace * (n * gamma) < 1 - n * gamma)


def _factor(self, upper):
    a = _lower(self, upper)
    low, piv = _potf2(a)
    ok = _proven(a, low, piv)
    require(ok, "the matrix is not positive definite by a margin that proves float32's "
                "Cholesky (PyTorch's LAPACK potrf) completes: it needs lambda_min(H) > "
                "n*gamma(n+1)/(1 - n*gamma(n+1)) for H the matrix scaled to a unit diagonal "
                "(Higham, Thm 10.7), with every element of the read triangle finite; where "
                "potrf stops, its info and partial factor depend on its rounding")
    return low.mT if upper else low


@expansion("linalg_cholesky_ex")
def linalg_cholesky_ex(self, *, upper=False, check_errors=False):
    """aten.linalg_cholesky_ex: (L, info) on the matrices potrf provably factors (info 0)."""
    info = torch.zeros(self.shape[:-2], dtype=torch.int32)
    if self.numel() == 0:
        return self.clone(), info
    return _factor(self, upper), info


@expansion("cholesky")
def cholesky(self, upper=False):
    """aten.cholesky (deprecated torch.cholesky): the factor; PyTorch raises where potrf
    fails, and those inputs are refused."""
    if self.numel() == 0:
        return self.clone()
    return _factor(self, upper)


def _triangle_ok(t):
    """The factor's triangle finite (the solves require it) and no zero on its diagonal
    (a division by zero gives inf and NaN in an order each implementation picks)."""
    require((torch.diagonal(t, dim1=-2, dim2=-1) != 0).all(),
            "the Cholesky factor has a zero on its diagonal: LAPACK's substitutions divide by "
            "it and produce inf and NaN in an order of their own")


@expansion("cholesky_solve")
def cholesky_solve(self, input2, upper=False):
    """aten.cholesky_solve: X with A X = self for A = L L^T (upper: U^T U), L = input2's
    triangle, by forward then back substitution (LAPACK's potrs)."""
    batch = torch.broadcast_shapes(self.shape[:-2], input2.shape[:-2])
    n, k = input2.shape[-1], self.shape[-1]
    if self.numel() == 0 or input2.numel() == 0 or len(batch) and 0 in batch:
        return torch.zeros(*batch, n, k, dtype=self.dtype)
    _triangle_ok(input2)
    if upper:
        y = solve_triangular(input2.mT, self, upper=False)
        return solve_triangular(input2, y, upper=True)
    y = solve_triangular(input2, self, upper=False)
    return solve_triangular(input2.mT, y, upper=True)


@expansion("cholesky_inverse")
def cholesky_inverse(self, upper=False):
    """aten.cholesky_inverse: the inverse of A = L L^T (upper: U^T U) from the factor's
    triangle (LAPACK's potri): L^-T L^-1 (upper: U^-1 U^-T)."""
    n = self.shape[-1]
    if self.numel() == 0:
        return torch.zeros_like(self)
    _triangle_ok(self)
    eye = torch.eye(n, dtype=self.dtype).expand(self.shape)
    inv = solve_triangular(self, eye, upper=upper)
    return inv @ inv.mT if upper else inv.mT @ inv
