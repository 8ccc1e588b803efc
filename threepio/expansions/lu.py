"""LU factorization with partial pivoting (LAPACK's getrf) and what is built on it: P, L, U,
unpacking, LU solves (getrs), solve, inverse, determinants. Elementary ops unrolled over the
static sizes (one elimination step per column): for TF.js, which has no LU kernel, and for TF,
whose LU permutation does not convert to LAPACK's pivots without replaying the swaps.

getrf's conventions, followed exactly: the pivot of column j is the first row at or below j of
largest magnitude (isamax); the whole rows are swapped (the multipliers already stored too);
pivots are 1-based int32; a zero pivot leaves its (all-zero) column as it is, the elimination
goes on, and ``info`` is the 1-based index of the first zero pivot (0 if none).

Exactness: float32 elimination in another order than PyTorch's LAPACK rounds differently, by at
most a few units of ``n u max(|A|, |U|)`` per entry. That is within tolerance wherever the
decisions (which pivot, is it zero) are the same; they are required (a guard of the plan) to be:
every pivot is either clear of zero by ``2 n u max(|A|, |U|)`` (no rounding makes it zero) or
exactly zero by structure (every term that makes it, an entry of A and the products l_ik u_kj,
is zero, so every order of the sums gives zero). Non-finite inputs are refused: LAPACK's
pivoting on NaN and inf is its own.
"""

from __future__ import annotations

import torch

from . import expansion, require

_U32 = 2.0 ** -24   # float32's unit roundoff (also for float64, which TF.js computes in float32)


def _finite(*xs):
    for x in xs:
        require(torch.isfinite(x).all(), "the expansion is exact for finite inputs only; "
                                         "LAPACK's pivoting on inf and NaN is its own")


def _getrf(A):
    """(LU packed, pivots (..., k) int64 0-based, info int32, (pivots decided, ties decided)
    bool per matrix: see _decided)."""
    m, n = A.shape[-2:]
    k = min(m, n)
    batch = A.shape[:-2]
    info = torch.zeros(batch, dtype=torch.int32)
    if A.numel() == 0:      # nothing to eliminate (and no slices of empty tensors)
        yes = torch.ones(batch, dtype=torch.bool)
        return (torch.zeros(A.shape, dtype=A.dtype), torch.zeros((*batch, k), dtype=torch.int64),
                info, (yes, yes))
    a = A
    rows = torch.arange(m)
    pivs, runner_up = [], []
    for j in range(k):
        c = a[..., j:, j].abs()
        p = torch.argmax(c, dim=-1, keepdim=True)                               # (..., 1)
        if j > 0 and m - j > 1:     # candidates computed (rounded): the largest and the next
            top = torch.gather(c, -1, p)
            nxt = torch.where(rows[:m - j] == p, torch.zeros_like(c), c).amax(-1, keepdim=True)
            runner_up.append((top, nxt))
        p = p + j
        pivs.append(p)
        rj = a[..., j:j + 1, :]
        rp = torch.gather(a, -2, p[..., None].expand(*batch, 1, n))             # pivot row
        rest = torch.where(rows[j + 1:, None] == p[..., None], rj, a[..., j + 1:, :])
        d = rp[..., :, j:j + 1]
        zero = d == 0
        col = rest[..., :, j:j + 1] / torch.where(zero, torch.ones_like(d), d)
        upd = rest[..., :, j + 1:] - col * rp[..., :, j + 1:]
        rest = _cat([rest[..., :, :j], col, upd], -1)
        a = _cat([a[..., :j, :], rp, rest], -2)
        info = torch.where((info == 0) & zero[..., 0, 0], j + 1, info)
    piv = torch.cat(pivs, -1) if k else torch.zeros((*batch, 0), dtype=torch.int64)
    return a, piv, info, _decided(A, a, piv, runner_up)


def _cat(parts, dim):
    """torch.cat of the non-empty parts (TF.js's concat trips on empty pieces)."""
    parts = [t for t in parts if t.shape[dim] > 0]
    return parts[0] if len(parts) == 1 else torch.cat(parts, dim)


def _perm(piv, m, reverse=False):
    """The row order of LAPACK's swaps ``piv`` (0-based): ``P^T X == X[perm]`` for P of
    ``P L U == A``; with ``reverse``, ``P X == X[perm]``."""
    batch = piv.shape[:-1]
    rows = torch.arange(m)
    v = rows.expand(*batch, m)
    steps = range(piv.shape[-1] if piv.numel() else 0)
    for j in (reversed(steps) if reverse else steps):
        p = piv[..., j:j + 1]
        vp = torch.gather(v, -1, p)
        vj = v[..., j:j + 1]
        v = torch.where(rows == j, vp, torch.where(rows == p, vj, v))
    return v


def _rows(x, perm):
    """``x[..., perm, :]`` per batch (perm broadcast against x's batch)."""
    batch = torch.broadcast_shapes(x.shape[:-2], perm.shape[:-1])
    x = x.expand(*batch, *x.shape[-2:])
    perm = perm.expand(*batch, perm.shape[-1])
    return torch.gather(x, -2, perm[..., None].expand(*batch, perm.shape[-1], x.shape[-1]))


def _pivots(pivots, m, why):
    """1-based int32 pivots -> 0-based int64, required to be rows of the matrix."""
    piv = pivots - 1                    # int32, as PyTorch's kernels read them
    require(((piv >= 0) & (piv < m)).all(), f"a pivot is not a row of the matrix: {why}")
    return piv.clamp(0, max(m - 1, 0)).to(torch.int64)


def _unpack(lu):
    m, n = lu.shape[-2:]
    k = min(m, n)
    if lu.numel() == 0:
        return (lu.new_zeros(*lu.shape[:-2], m, k), lu.new_zeros(*lu.shape[:-2], k, n))
    eye = torch.eye(m, k, dtype=lu.dtype)
    low = torch.tril(lu[..., :, :k], -1) + eye
    return low, torch.triu(lu[..., :k, :])


def _decided(A, lu, piv, runner_up):
    """Per matrix, (every pivot clear of zero (|u_jj| > tol = 2 n u max(|A|, |U|)) or zero by
    structure (A's candidate entries and every product l_ik u_kj making them are zero); at
    every step after the first (whose candidates are A's own entries, exact), the largest
    candidate larger than the next by more than tol, or zero)."""
    m, n = A.shape[-2:]
    k = min(m, n)
    yes = torch.ones(A.shape[:-2], dtype=torch.bool)
    if k == 0:
        return yes, yes
    low, up = _unpack(lu)
    d = torch.diagonal(lu, 0, -2, -1).abs()
    big = torch.maximum(A.abs().amax((-2, -1)), up.abs().amax((-2, -1)))
    tol = (2 * max(m, n) * _U32) * big[..., None]
    clear = d > tol
    # column j of P^T |A| + |L| |U|, rows j and below: zero iff every term is zero
    terms = _rows(A.abs(), _perm(piv, m)) + low.abs() @ up.abs()
    below = torch.tril(torch.ones(m, k, dtype=torch.bool))
    structural = (terms[..., :, :k] * below).amax(-2) == 0
    ties = yes
    if runner_up:
        top = torch.cat([t for t, _ in runner_up], -1)
        nxt = torch.cat([x for _, x in runner_up], -1)
        ties = ((top - nxt > tol) | (top == 0)).all(-1)
    return (clear | structural).all(-1), ties


def _factor(A):
    """getrf with its guards: (LU, pivots 0-based int64, info int32)."""
    _finite(A)
    lu, piv, info, (ok, ties) = _getrf(A)
    require(ok, "a pivot of the LU factorization is within float32 rounding of zero without "
                "being zero by structure: PyTorch's LAPACK, eliminating in another order, "
                "could find it zero (info > 0) or not, or choose another pivot after it")
    require(ties, "two candidates for a pivot (after the first column) are equal in magnitude "
                  "to within float32 rounding: PyTorch's LAPACK, eliminating in another "
                  "order, could choose the other row")
    return lu, piv, info


@expansion("linalg_lu_factor_ex")
def linalg_lu_factor_ex(A, *, pivot=True, check_errors=False):
    """aten.linalg_lu_factor_ex: (LU, pivots int32 1-based, info int32), as getrf."""
    lu, piv, info = _factor(A)
    if check_errors:
        require(info == 0, "the matrix is singular (LAPACK's info > 0): PyTorch raises")
    return lu, (piv + 1).to(torch.int32), info


@expansion("linalg_lu")
def linalg_lu(A, *, pivot=True):
    """aten.linalg_lu: (P, L, U) with A == P @ L @ U."""
    m = A.shape[-2]
    lu, piv, _ = _factor(A)
    low, up = _unpack(lu)
    perm = _perm(piv, m)
    p = (perm[..., None, :] == torch.arange(m)[:, None]).to(A.dtype)
    return p, low, up


@expansion("lu_unpack")
def lu_unpack(LU_data, LU_pivots, unpack_data=True, unpack_pivots=True):
    """aten.lu_unpack: (P, L, U) from getrf's packed LU and 1-based pivots."""
    m = LU_data.shape[-2]
    if unpack_pivots:
        piv = _pivots(LU_pivots, m, "PyTorch raises")
        perm = _perm(piv, m)
        p = (perm[..., None, :] == torch.arange(m)[:, None]).to(LU_data.dtype)
    else:
        p = LU_data.new_zeros(0)
    if unpack_data:
        low, up = _unpack(LU_data)
    else:
        low = up = LU_data.new_zeros(0)
    return p, low, up


def _lu_solve(lu, piv, B, left, adjoint):
    """X with A X = B (A^T X = B when adjoint; X A = B when not left), A == P L U packed as
    getrf returns it, ``piv`` 0-based; the triangular solves are aten.linalg_solve_triangular."""
    n = lu.shape[-1]
    if not left:
        return _lu_solve(lu, piv, B.mT, True, not adjoint).mT
    if not adjoint:     # L U X = P^T B
        y = torch.linalg.solve_triangular(lu, _rows(B, _perm(piv, n)), upper=False,
                                          unitriangular=True)
        return torch.linalg.solve_triangular(lu, y, upper=True)
    # U^T L^T (P^T X) = B
    y = torch.linalg.solve_triangular(lu.mT, B, upper=False)
    y = torch.linalg.solve_triangular(lu.mT, y, upper=True, unitriangular=True)
    return _rows(y, _perm(piv, n, reverse=True))


@expansion("linalg_lu_solve")
def linalg_lu_solve(LU, pivots, B, *, left=True, adjoint=False):
    """aten.linalg_lu_solve: getrs (row swaps, then two triangular solves)."""
    n = LU.shape[-1]
    piv = _pivots(pivots, n, "LAPACK's getrs reads it without a check")
    _finite(LU, B)
    require((torch.diagonal(LU, 0, -2, -1) != 0).all(),
            "U has a zero on its diagonal: LAPACK's substitutions then make inf and NaN in an "
            "order of their own")
    batch = torch.broadcast_shapes(LU.shape[:-2], piv.shape[:-1], B.shape[:-2])
    if B.numel() == 0 or n == 0:
        return B.new_zeros(*batch, *B.shape[-2:])
    return _lu_solve(LU, piv, B, left, adjoint).expand(*batch, *B.shape[-2:]).clone()


@expansion("linalg_solve_ex")
def linalg_solve_ex(A, B, *, left=True, check_errors=False):
    """aten._linalg_solve_ex: (X, LU, pivots, info): getrf of A, then getrs."""
    n = A.shape[-1]
    vector = B.dim() == 1 or (B.dim() == A.dim() - 1 and B.shape == A.shape[:-1])
    g = B[..., None] if vector else B
    lu, piv, info = _factor(A)
    require(info == 0, "the matrix is singular (a zero pivot, LAPACK's info > 0): PyTorch's "
                       "substitutions then make inf and NaN in an order of their own")
    _finite(g)
    batch = torch.broadcast_shapes(A.shape[:-2], g.shape[:-2])
    if n == 0 or g.numel() == 0:
        x = g.new_zeros(*batch, *g.shape[-2:])
    else:
        x = _lu_solve(lu, piv, g, left, False).expand(*batch, *g.shape[-2:]).clone()
    return (x[..., 0] if vector else x), lu, (piv + 1).to(torch.int32), info


@expansion("linalg_inv_ex")
def linalg_inv_ex(A, *, check_errors=False):
    """aten.linalg_inv_ex: (inverse, info), as PyTorch computes it: solve_ex(A, I)."""
    n = A.shape[-1]
    eye = torch.eye(n, dtype=A.dtype).expand(A.shape)
    x, _, _, info = linalg_solve_ex(A, eye)
    return x, info


def _det_parts(A):
    """getrf of A^T (PyTorch factors the transpose of a contiguous A for det and slogdet)."""
    lu, piv, info = _factor(A.mT)
    k = piv.shape[-1]
    swaps = (piv != torch.arange(k)).sum(-1)
    sign = 1 - 2 * (swaps % 2).to(A.dtype)
    return lu, piv, sign, torch.diagonal(lu, 0, -2, -1)


@expansion("linalg_det")
def linalg_det(A):
    """aten._linalg_det: (det, LU, pivots) from the LU of A^T."""
    lu, piv, sign, d = _det_parts(A)
    if A.shape[-1] == 0:    # TF.js (wasm) reduces an empty dimension to garbage
        return torch.ones(A.shape[:-2], dtype=A.dtype), lu, (piv + 1).to(torch.int32)
    return sign * d.prod(-1), lu, (piv + 1).to(torch.int32)


@expansion("linalg_slogdet")
def linalg_slogdet(A):
    """aten._linalg_slogdet: (sign, log|det|, LU, pivots) from the LU of A^T."""
    lu, piv, sign, d = _det_parts(A)
    if A.shape[-1] == 0:    # TF.js (wasm) reduces an empty dimension to garbage
        return (torch.ones(A.shape[:-2], dtype=A.dtype), torch.zeros(A.shape[:-2], dtype=A.dtype),
                lu, (piv + 1).to(torch.int32))
    return (sign * d.sign().prod(-1), d.abs().log().sum(-1), lu,
            (piv + 1).to(torch.int32))
