"""NumPy kernels for PyTorch's dense linear algebra (``npx.linalg.*``, rules in
``mappings/numpy/linalg.yaml``).

``np.linalg`` has no triangular solve, LU factorization, Householder application or batched
least squares. Each kernel here computes in float64 and rounds its results to the input's dtype
once: PyTorch's float32 LAPACK result then differs from it only by PyTorch's own rounding.
Batch dimensions broadcast as in PyTorch. Only real inputs are handled (the rules refuse
complex dtypes).

Nothing here picks signs: singular vectors are never returned (their signs differ between
LAPACK implementations), and the QR kernels follow LAPACK's Householder convention (see
``geqrf``).
"""

from __future__ import annotations

import numpy as np


def _f64(x):
    return np.asarray(x).astype(np.float64)


def svdvals(a):
    """The singular values of every matrix of ``a`` (``[*, m, n]``), descending."""
    a = np.asarray(a)
    return np.linalg.svd(_f64(a), compute_uv=False).astype(a.dtype)


def svd_empty(a, full_matrices):
    """``(U, S, Vh)`` of matrices with no element: ``U`` and ``Vh`` are identities when
    ``full_matrices`` (their only orthonormal bases, as PyTorch returns them), else empty."""
    a = np.asarray(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    um, vn = (m, n) if full_matrices else (k, k)
    u = np.broadcast_to(np.eye(m, um, dtype=a.dtype), batch + (m, um)).copy()
    vh = np.broadcast_to(np.eye(vn, n, dtype=a.dtype), batch + (vn, n)).copy()
    return u, np.zeros(batch + (k,), a.dtype), vh


def _tri(t, upper, unit):
    t = np.triu(t) if upper else np.tril(t)
    if unit:
        n = t.shape[-1]
        t = t.copy()
        t[..., np.arange(n), np.arange(n)] = 1.0
    return t


def _trisolve(t, b, upper):
    """``x`` with ``t @ x == b`` for triangular ``t`` (the other triangle is zero), by back or
    forward substitution, one row at a time for every batch and column at once."""
    n = t.shape[-1]
    shape = np.broadcast_shapes(t.shape[:-2], b.shape[:-2])
    t = np.broadcast_to(t, shape + t.shape[-2:])
    b = np.broadcast_to(b, shape + b.shape[-2:])
    x = np.zeros(b.shape, np.float64)
    for i in (range(n - 1, -1, -1) if upper else range(n)):
        s = b[..., i, :] - np.einsum("...j,...jk->...k", t[..., i, :], x)
        x[..., i, :] = s / t[..., i, i][..., None]
    return x


def solve_triangular(a, b, upper, left=True, unitriangular=False):
    """``torch.linalg.solve_triangular``: ``x`` with ``a @ x == b`` (``left``) or ``x @ a ==
    b``, reading only the ``upper`` or lower triangle of ``a`` (and 1 for its diagonal when
    ``unitriangular``)."""
    dtype = np.result_type(a, b)
    t = _tri(_f64(a), upper, unitriangular)
    if left:
        return _trisolve(t, _f64(b), upper).astype(dtype)
    x = _trisolve(np.swapaxes(t, -1, -2), np.swapaxes(_f64(b), -1, -2), not upper)
    return np.swapaxes(x, -1, -2).astype(dtype)


def lu_factor(a):
    """``torch.linalg.lu_factor_ex`` with partial pivoting, as LAPACK's getrf: ``(LU, pivots,
    info)``. The pivot of column j is the first row of largest magnitude at or below j
    (1-based in ``pivots``); a zero pivot leaves its column unscaled and sets ``info`` to
    j + 1 for the first such column."""
    a = np.asarray(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    lu = _f64(a).reshape((int(np.prod(batch)), m, n)).copy()
    nb = lu.shape[0]
    piv = np.zeros((nb, k), np.int32)
    info = np.zeros(nb, np.int32)
    rows = np.arange(nb)
    for j in range(k):
        p = j + np.argmax(np.abs(lu[:, j:, j]), axis=1)
        piv[:, j] = p + 1
        top = lu[rows, j].copy()
        lu[rows, j] = lu[rows, p]
        lu[rows, p] = top
        d = lu[:, j, j]
        zero = d == 0
        info = np.where(zero & (info == 0), j + 1, info).astype(np.int32)
        below = lu[:, j + 1:, j]
        col = np.where(zero[:, None], below, below / np.where(zero, 1.0, d)[:, None])
        lu[:, j + 1:, j] = col
        lu[:, j + 1:, j + 1:] -= col[:, :, None] * lu[:, j, None, j + 1:]
    return (lu.reshape(a.shape).astype(a.dtype), piv.reshape(batch + (k,)),
            info.reshape(batch))


def _perm(pivots, m):
    """The row order ``perm`` (``P^T A == A[perm]``) of LAPACK's row swaps ``pivots``."""
    piv = np.asarray(pivots).astype(np.int64) - 1
    batch = piv.shape[:-1]
    piv = piv.reshape((int(np.prod(batch)), piv.shape[-1]))
    perm = np.tile(np.arange(m), (piv.shape[0], 1))
    rows = np.arange(piv.shape[0])
    for j in range(piv.shape[1]):
        p = piv[:, j]
        top = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p]
        perm[rows, p] = top
    return perm.reshape(batch + (m,))


def lu(a):
    """``torch.linalg.lu``: ``(P, L, U)`` with ``a == P @ L @ U`` from ``lu_factor``."""
    a = np.asarray(a)
    m, n = a.shape[-2:]
    k = min(m, n)
    packed, piv, _ = lu_factor(a)
    perm = _perm(piv, m)
    p = (perm[..., None, :] == np.arange(m)[:, None]).astype(a.dtype)
    lower = np.tril(packed[..., :, :k], -1)
    lower[..., np.arange(k), np.arange(k)] = 1
    return p, lower.astype(a.dtype), np.triu(packed[..., :k, :])


def lu_solve(packed, pivots, b, left=True, adjoint=False):
    """``torch.linalg.lu_solve``: ``x`` with ``A @ x == b`` (``A^T`` when ``adjoint``; ``x @ A``
    when not ``left``) for ``P @ L @ U == A`` packed as ``lu_factor`` returns it."""
    dtype = np.result_type(packed, b)
    n = np.asarray(packed).shape[-1]
    f = _f64(packed)
    lower, upper = _tri(f, False, True), _tri(f, True, False)
    perm = _perm(pivots, n)
    b = _f64(b)
    if not left:  # x A = b  <=>  A^T x^T = b^T
        b = np.swapaxes(b, -1, -2)
        adjoint = not adjoint
    shape = np.broadcast_shapes(perm.shape[:-1], b.shape[:-2])
    perm = np.broadcast_to(perm, shape + perm.shape[-1:])
    b = np.broadcast_to(b, shape + b.shape[-2:])
    if not adjoint:  # L U x = P^T b = b[perm]
        pb = np.take_along_axis(b, perm[..., :, None], axis=-2)
        x = _trisolve(upper, _trisolve(lower, pb, False), True)
    else:  # U^T L^T P^T x = b
        y = _trisolve(np.swapaxes(lower, -1, -2),
                      _trisolve(np.swapaxes(upper, -1, -2), b, False), True)
        x = np.zeros_like(y)
        np.put_along_axis(x, perm[..., :, None], y, axis=-2)
    if not left:
        x = np.swapaxes(x, -1, -2)
    return x.astype(dtype)


def qr(a, mode="reduced"):
    """``torch.linalg.qr`` by LAPACK's geqrf/orgqr (NumPy's own LAPACK), whose Householder
    convention PyTorch's LAPACK shares: R's diagonal is -sign(alpha) * norm, or alpha itself
    where the column below it is zero. ``mode`` "r" returns an empty Q, like PyTorch."""
    a = np.asarray(a)
    if mode == "r":
        return np.zeros((0,), a.dtype), np.linalg.qr(_f64(a), mode="r").astype(a.dtype)
    q, r = np.linalg.qr(_f64(a), mode=mode)
    return q.astype(a.dtype), r.astype(a.dtype)


def geqrf(a):
    """``torch.geqrf``: LAPACK's packed QR (R on and above the diagonal, the Householder
    vectors below it) and the reflectors' scales ``tau``."""
    a = np.asarray(a)
    m, n = a.shape[-2:]
    if a.size == 0:
        return np.zeros(a.shape, a.dtype), np.zeros(a.shape[:-2] + (min(m, n),), a.dtype)
    h, tau = np.linalg.qr(_f64(a), mode="raw")
    return np.swapaxes(h, -1, -2).astype(a.dtype), tau.astype(a.dtype)


def _reflector(h, i, size):
    """The i-th Householder vector of geqrf's packed ``h`` (1 at i, zeros above)."""
    v = np.zeros(h.shape[:-2] + (size,), np.float64)
    v[..., i] = 1.0
    v[..., i + 1:] = h[..., i + 1:size, i]
    return v


def ormqr(h, tau, c, left=True, transpose=False):
    """``torch.ormqr``: ``Q @ c`` (``Q^T`` when ``transpose``; ``c @ Q`` when not ``left``) for
    ``Q = H_1 ... H_k``, ``H_i = I - tau_i v_i v_i^T`` given as geqrf returns them."""
    dtype = np.result_type(h, c)
    h, tau, c = _f64(h), _f64(tau), _f64(c)
    shape = np.broadcast_shapes(h.shape[:-2], tau.shape[:-1], c.shape[:-2])
    h = np.broadcast_to(h, shape + h.shape[-2:])
    tau = np.broadcast_to(tau, shape + tau.shape[-1:])
    c = np.broadcast_to(c, shape + c.shape[-2:]).copy()
    k = tau.shape[-1]
    size = c.shape[-2] if left else c.shape[-1]
    forward = left == transpose  # Q^T c and c Q apply H_1 first
    for i in (range(k) if forward else range(k - 1, -1, -1)):
        v = _reflector(h, i, size)
        t = tau[..., i][..., None, None]
        if left:
            c = c - t * v[..., :, None] * np.einsum("...i,...ij->...j", v, c)[..., None, :]
        else:
            c = c - t * np.einsum("...ij,...j->...i", c, v)[..., :, None] * v[..., None, :]
    return c.astype(dtype)


def pinv(a, atol=None, rtol=None, hermitian=False):
    """``torch.linalg.pinv``: singular values (hermitian: eigenvalues of the lower triangle,
    by magnitude) above ``max(atol, rtol * largest)`` are inverted, the others dropped.
    ``rtol`` defaults to eps * max(m, n), or to 0 where ``atol`` is given and positive."""
    a = np.asarray(a)
    m, n = a.shape[-2:]
    out = np.zeros(a.shape[:-2] + (n, m), a.dtype)
    if a.size == 0:
        return out
    eps = float(np.finfo(a.dtype).eps) * max(m, n)
    at = np.zeros(()) if atol is None else _f64(atol)
    rt = (_f64(rtol) if rtol is not None else
          np.where(at > 0, 0.0, eps) if atol is not None else np.full((), eps))
    f = _f64(a)
    if hermitian:
        low = np.tril(f)
        sym = low + np.swapaxes(np.tril(f, -1), -1, -2)
        w, v = np.linalg.eigh(sym)
        big = np.max(np.abs(w), axis=-1, keepdims=True)
        tol = np.maximum(at[..., None], rt[..., None] * big)
        inv = np.where(np.abs(w) > tol, 1.0 / np.where(w == 0, 1.0, w), 0.0)
        return ((v * inv[..., None, :]) @ np.swapaxes(v, -1, -2)).astype(a.dtype)
    u, s, vh = np.linalg.svd(f, full_matrices=False)
    tol = np.maximum(at[..., None], rt[..., None] * s[..., :1])
    inv = np.where(s > tol, 1.0 / np.where(s == 0, 1.0, s), 0.0)
    return ((np.swapaxes(vh, -1, -2) * inv[..., None, :]) @ np.swapaxes(u, -1, -2)).astype(a.dtype)


def lstsq(a, b, rcond=None, driver="gelsy", sizes=None):
    """``torch.linalg.lstsq`` on full-rank or rank-deficient real matrices: the minimum-norm
    least-squares solution with singular values at or below ``rcond * largest`` dropped (gels
    drops none), the squared residuals, the rank and the singular values. ``sizes`` are the
    numbers of elements PyTorch returned for residuals, rank and singular values (it leaves
    some empty, by driver and shape): those outputs are empty here too."""
    a, b = np.asarray(a), np.asarray(b)
    dtype = np.result_type(a, b)
    m, n = a.shape[-2:]
    vector = b.ndim == a.ndim - 1  # a vector right-hand side (PyTorch: b.shape == a.shape[:-1])
    f, g = _f64(a), _f64(b[..., None] if vector else b)
    shape = np.broadcast_shapes(f.shape[:-2], g.shape[:-2])
    f = np.broadcast_to(f, shape + f.shape[-2:])
    g = np.broadcast_to(g, shape + g.shape[-2:])
    if rcond is None:
        rcond = float(np.finfo(dtype).eps) * max(m, n)
    u, s, vh = np.linalg.svd(f, full_matrices=False)
    keep = s > rcond * s[..., :1] if driver != "gels" and s.shape[-1] else np.ones(s.shape, bool)
    inv = np.where(keep, 1.0 / np.where(s == 0, 1.0, s), 0.0)
    x = np.swapaxes(vh, -1, -2) @ (inv[..., :, None] * (np.swapaxes(u, -1, -2) @ g))
    res = np.sum(np.square(f @ x - g), axis=-2)
    rank = np.sum(keep, axis=-1).astype(np.int64)
    if vector:
        x = x[..., 0]  # PyTorch keeps the residuals' last dim: [*, 1]
    sizes = sizes or [res.size, rank.size, s.size]
    return (x.astype(dtype),
            res.astype(dtype) if sizes[0] else np.zeros((0,), dtype),
            rank if sizes[1] else np.zeros((0,), np.int64),
            s.astype(dtype) if sizes[2] else np.zeros((0,), dtype))
