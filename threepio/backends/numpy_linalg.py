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


_EPS32 = 2.0 ** -24  # float32's unit roundoff


def _batch(*xs):
    """The arrays broadcast over their batch dimensions (all but the last two)."""
    shape = np.broadcast_shapes(*(x.shape[:-2] for x in xs))
    return [np.broadcast_to(x, shape + x.shape[-2:]) for x in xs]


def _matrix_finite(x):
    """Per matrix: every element is finite."""
    x = np.asarray(x)
    return np.all(np.isfinite(x), axis=(-2, -1))


def _sym(f, upper):
    """The symmetric matrix LAPACK reads from one triangle of ``f``."""
    t = np.triu(f) if upper else np.tril(f)
    return t + np.swapaxes(np.triu(f, 1) if upper else np.tril(f, -1), -1, -2)


def cholesky(a, upper=False):
    """``torch.linalg.cholesky_ex`` on the matrices it surely factors: ``(L, ok)``, ``L`` the
    float64 Cholesky factor of the symmetric matrix read from the lower (``upper``: upper)
    triangle, rounded once (``upper``: its transpose ``U``, ``A == U^T U``).

    ``ok`` (per matrix) holds where float32's Cholesky (LAPACK's potrf, PyTorch's kernel) is
    proven to run to completion (``info == 0``): every element finite and ``λmin(H) > n γ_{n+1}
    / (1 - n γ_{n+1})`` (Higham, Accuracy and Stability, Thm 10.7; ``H = D^-1 A D^-1`` with
    unit diagonal, ``γ_k = k u / (1 - k u)``, u = 2^-24), where ``1 / λmin(H)`` is bounded by
    ``trace(H^-1) = sum_ij (L^-1)_ij^2 a_jj``, computed from the float64 factor. Elsewhere the
    values of ``L`` are meaningless (the rules refuse them)."""
    a = np.asarray(a)
    n = a.shape[-1]
    out = np.zeros(a.shape, a.dtype)
    ok = np.ones(a.shape[:-2], bool)
    if a.size == 0:
        return out, ok
    fin = _matrix_finite(np.triu(a) if upper else np.tril(a))
    f = _sym(np.where(np.isfinite(a), a, 0).astype(np.float64), upper)
    low = np.zeros(f.shape, np.float64)
    good = fin.copy()
    for j in range(n):
        d = f[..., j, j] - np.sum(low[..., j, :j] ** 2, axis=-1)
        good &= d > 0
        r = np.sqrt(np.where(d > 0, d, 1.0))
        low[..., j, j] = r
        col = f[..., j + 1:, j] - np.einsum("...ik,...k->...i", low[..., j + 1:, :j],
                                             low[..., j, :j])
        low[..., j + 1:, j] = col / r[..., None]
    eye = np.broadcast_to(np.eye(n), low.shape)
    inv = _trisolve(np.where(good[..., None, None], low, eye), eye, False)
    diag = np.where(good[..., None], np.diagonal(f, axis1=-2, axis2=-1), 1.0)
    trace = np.sum(inv ** 2 * diag[..., None, :], axis=(-2, -1))
    gamma = (n + 1) * _EPS32 / (1 - (n + 1) * _EPS32)
    ok = good & (trace * n * gamma < 1 - n * gamma)
    res = np.swapaxes(low, -1, -2) if upper else low
    return res.astype(a.dtype), ok


def _tri_ok(t, unit=False):
    """Per matrix: a triangular factor LAPACK's substitutions divide by exactly as float64
    does: finite, with no zero on its diagonal (which makes inf and NaN in an order each
    implementation picks)."""
    t = np.asarray(t)
    ok = _matrix_finite(t)
    if not unit:
        ok = ok & np.all(np.diagonal(t, axis1=-2, axis2=-1) != 0, axis=-1)
    return ok


def cholesky_solve(b, chol, upper=False):
    """``torch.cholesky_solve``: ``x`` with ``A @ x == b`` for ``A = L L^T`` (``upper``: ``U^T
    U``), by two substitutions in float64; ``ok`` per broadcast matrix: ``chol``'s triangle
    and ``b`` finite, no zero on the diagonal."""
    dtype = np.result_type(b, chol)
    t = _tri(_f64(chol), upper, False)
    low = np.swapaxes(t, -1, -2) if upper else t
    g = _f64(b)
    low, g = _batch(low, g)
    x = _trisolve(np.swapaxes(low, -1, -2), _trisolve(low, g, False), True)
    ok = _tri_ok(low) & _matrix_finite(g)
    return x.astype(dtype), ok


def cholesky_inverse(chol, upper=False):
    """``torch.cholesky_inverse``: the inverse of ``A = L L^T`` (``upper``: ``U^T U``) in
    float64; ``ok``: the triangle finite with no zero on its diagonal."""
    chol = np.asarray(chol)
    n = chol.shape[-1]
    t = _tri(_f64(chol), upper, False)
    low = np.swapaxes(t, -1, -2) if upper else t
    eye = np.broadcast_to(np.eye(n), low.shape)
    inv = _trisolve(low, eye, False)
    return (np.swapaxes(inv, -1, -2) @ inv).astype(chol.dtype), _tri_ok(low)


def triangular_solve(b, a, upper=True, transpose=False, unitriangular=False):
    """``torch.triangular_solve``: ``(x, a broadcast)`` with ``op(a) @ x == b`` (``op`` is the
    transpose when ``transpose``), reading only ``a``'s triangle; ``ok``: ``b`` and the
    triangle finite, no zero on the diagonal."""
    dtype = np.result_type(a, b)
    t = _tri(_f64(a), upper, unitriangular)
    g = _f64(b)
    t, g = _batch(t, g)
    if transpose:
        x = _trisolve(np.swapaxes(t, -1, -2), g, not upper)
    else:
        x = _trisolve(t, g, upper)
    ok = _tri_ok(t, unitriangular) & _matrix_finite(g)
    return x.astype(dtype), np.broadcast_to(np.asarray(a), t.shape).copy(), ok


def _growth_margin(n):
    """``n (n + 1) 2^(n-1) γ_n`` (u = 2^-24): a float32 LU with partial pivoting (getrf)
    computes ``L U = P A + E`` with ``|E| <= γ_n |L| |U|`` (Higham, Thm 9.3; also where a
    pivot is zero: that step eliminates nothing), ``|L| <= 1`` and ``|U| <= 2^(n-1) max|a|``
    (Wilkinson's growth bound), so ``||E||_2 <= margin * max|a| / 2``."""
    gamma = n * _EPS32 / (1 - n * _EPS32)
    return n * (n + 1) * 2.0 ** max(n - 1, 0) * gamma


def _nonsingular(a):
    """Per matrix: ``a`` finite and its smallest singular value (float64) above
    ``_growth_margin(n) * max|a|``. Then ``P A + E`` is nonsingular for every ``E`` float32
    getrf can make, so PyTorch's LU has no zero pivot (info 0: its sign is not 0 and log|det|
    finite), and neither has the float64 one."""
    a = np.asarray(a)
    n = a.shape[-1]
    if a.size == 0:
        return np.ones(a.shape[:-2], bool)
    fin = _matrix_finite(a)
    f = np.where(fin[..., None, None], _f64(a), np.eye(n))
    s = np.linalg.svd(f, compute_uv=False)
    big = np.max(np.abs(f), axis=(-2, -1))
    return fin & (s[..., -1] > _growth_margin(n) * big)


def _lu64(a):
    """``lu_factor`` in float64 without the final rounding: (LU, pivots)."""
    a = np.asarray(a)
    m, n = a.shape[-2:]
    if a.size == 0:
        return np.zeros(a.shape, np.float64), np.ones(a.shape[:-2] + (min(m, n),), np.int32)
    f = np.where(np.isfinite(a), a, 0).astype(np.float64)
    lu64, piv, _ = lu_factor(f)
    return lu64, piv


def solve(a, b, left=True):
    """``torch.linalg.solve_ex``: ``(x, LU, pivots, info, ok)``: ``x`` with ``a @ x == b``
    (``x @ a == b`` when not ``left``; ``b`` a vector or a batch of vectors where PyTorch
    takes it as one) by ``a``'s float64 LU, which PyTorch also returns (the factorization of
    ``a`` itself). ``ok``: ``b`` finite and ``a`` safely nonsingular (``_nonsingular``); there
    info is 0."""
    a, b = np.asarray(a), np.asarray(b)
    dtype = np.result_type(a, b)
    n = a.shape[-1]
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    g = b[..., None] if vector else b
    lu64, piv = _lu64(a)
    ok = _nonsingular(a)
    if n == 0 or g.size == 0:
        shape = np.broadcast_shapes(a.shape[:-2], g.shape[:-2]) + g.shape[-2:]
        x = np.zeros(shape, dtype)
    else:
        x = lu_solve(lu64, piv, np.where(np.isfinite(g), g, 0), left, False).astype(dtype)
    ok = ok & np.broadcast_to(_matrix_finite(g), np.broadcast_shapes(ok.shape, g.shape[:-2]))
    info = np.zeros(a.shape[:-2], np.int32)
    return (x[..., 0] if vector else x, lu64.astype(a.dtype), piv, info, ok)


def inv(a):
    """``torch.linalg.inv_ex``: ``(inverse, info, ok)`` from the float64 LU; ``ok`` as in
    ``solve`` (info is 0 there)."""
    a = np.asarray(a)
    n = a.shape[-1]
    eye = np.broadcast_to(np.eye(n, dtype=a.dtype), a.shape)
    x, _, _, info, ok = solve(a, eye)
    return x, info, ok


def _det_parts(a):
    """The float64 LU of ``a^T`` (PyTorch factors the transpose of a contiguous matrix for
    det and slogdet), its pivots, the permutation's sign and U's diagonal."""
    a = np.asarray(a)
    lu64, piv = _lu64(np.swapaxes(a, -1, -2))
    k = piv.shape[-1]
    swaps = np.sum(piv != np.arange(1, k + 1), axis=-1)
    sign = np.where(swaps % 2 == 0, 1.0, -1.0)
    return lu64, piv, sign, np.diagonal(lu64, axis1=-2, axis2=-1)


def det(a):
    """``torch.linalg.det``: ``(det, LU, pivots, ok)`` from the float64 LU of ``a^T``;
    ``ok``: ``a`` finite."""
    a = np.asarray(a)
    lu64, piv, sign, d = _det_parts(a)
    val = sign * np.prod(d, axis=-1)
    return val.astype(a.dtype), lu64.astype(a.dtype), piv, _matrix_finite(a) if a.size else \
        np.ones(a.shape[:-2], bool)


def slogdet(a):
    """``torch.linalg.slogdet``: ``(sign, log|det|, LU, pivots, ok)`` from the float64 LU of
    ``a^T``; ``ok``: ``a`` safely nonsingular (``_nonsingular``), so that the sign is not 0
    and log|det| is finite in PyTorch too."""
    a = np.asarray(a)
    lu64, piv, sign, d = _det_parts(a)
    s = sign * np.prod(np.sign(d), axis=-1)
    with np.errstate(divide="ignore"):
        logabs = np.sum(np.log(np.abs(d)), axis=-1)
    ok = _nonsingular(a)
    return (s.astype(a.dtype), logabs.astype(a.dtype), lu64.astype(a.dtype), piv, ok)


def lu_unpack(packed, pivots, unpack_data=True, unpack_pivots=True):
    """``torch.lu_unpack``: ``(P, L, U, ok)`` from getrf's packed ``LU`` and 1-based row swaps
    ``pivots`` (empty outputs for what is not unpacked); ``ok``: every pivot a row of the
    matrix at or below its step (PyTorch's kernel reads out of bounds otherwise)."""
    packed = np.asarray(packed)
    m, n = packed.shape[-2:]
    k = min(m, n)
    piv = np.asarray(pivots).astype(np.int64)
    steps = np.arange(1, piv.shape[-1] + 1)
    ok = np.all((piv >= steps) & (piv <= m), axis=-1) if piv.size else np.ones(piv.shape[:-1], bool)
    if unpack_pivots:
        safe = np.where((piv >= steps) & (piv <= m), piv, steps)
        perm = _perm(safe, m) if safe.size else np.broadcast_to(np.arange(m), piv.shape[:-1] + (m,))
        p = (perm[..., None, :] == np.arange(m)[:, None]).astype(packed.dtype)
    else:
        p = np.zeros((0,), packed.dtype)
    if unpack_data:
        lower = np.tril(packed[..., :, :k], -1)
        lower[..., np.arange(k), np.arange(k)] = 1
        upper = np.triu(packed[..., :k, :])
    else:
        lower = upper = np.zeros((0,), packed.dtype)
    return p, lower.astype(packed.dtype), upper, ok


def eigvalsh(a, uplo="L"):
    """``torch.linalg.eigvalsh``: ``(eigenvalues ascending, ok)`` of the symmetric matrix read
    from the ``uplo`` triangle, in float64 (LAPACK's syevd by NumPy); ``ok``: the triangle
    finite (non-finite matrices are replaced by the identity before the solver)."""
    a = np.asarray(a)
    n = a.shape[-1]
    if a.size == 0:
        return np.zeros(a.shape[:-1], a.dtype), np.ones(a.shape[:-2], bool)
    f = _sym(_f64(a), uplo == "U")
    ok = _matrix_finite(f)
    f = np.where(ok[..., None, None], f, np.eye(n))
    return np.linalg.eigvalsh(f).astype(a.dtype), ok


def householder_product(h, tau):
    """``torch.linalg.householder_product``: the first n columns of ``H_1 ... H_k`` (LAPACK's
    orgqr), by ``ormqr`` applied to those columns of the identity in float64."""
    h = np.asarray(h)
    m, n = h.shape[-2:]
    eye = np.broadcast_to(np.eye(m, n, dtype=h.dtype), h.shape)
    if np.asarray(tau).shape[-1] == 0 or h.size == 0:
        return eye.copy()
    return ormqr(h, tau, eye, True, False)


def ldl_solve(ld, pivots, b):
    """``torch.linalg.ldl_solve`` (real symmetric, ``hermitian`` irrelevant): LAPACK's sytrs
    (lower) step by step in float64 for the Bunch-Kaufman factor ``ld`` and ``pivots`` that
    ``torch.linalg.ldl_factor`` returns: row swaps, 1x1 and 2x2 diagonal blocks. ``ok`` per
    matrix: the pivots well formed (in range, 2x2 blocks as pairs of equal negatives)."""
    ld, b = np.asarray(ld), np.asarray(b)
    dtype = np.result_type(ld, b)
    n = ld.shape[-1]
    piv = np.asarray(pivots).astype(np.int64)
    ld64, g = _batch(_f64(ld), _f64(b))
    shape = ld64.shape[:-2]
    if ld64.size == 0 or g.size == 0:
        return np.zeros(g.shape, dtype), np.ones(shape, bool)
    piv = np.broadcast_to(piv, ld64.shape[:-1])
    ld64 = ld64.reshape((-1, n, n))
    g = g.reshape((-1,) + g.shape[-2:]).copy()
    piv = piv.reshape((-1, n))
    ok = np.ones(ld64.shape[0], bool)
    for i in range(ld64.shape[0]):
        a, x, p = ld64[i], g[i], piv[i]
        good = _ldl_pivots_ok(p, n)
        ok[i] = good
        if good:
            g[i] = _sytrs(a, p, x)
    return g.reshape(shape + g.shape[-2:]).astype(dtype), ok.reshape(shape)


def _ldl_pivots_ok(p, n):
    k = 0
    while k < n:
        if p[k] > 0:
            if p[k] > n:
                return False
            k += 1
        else:
            if k + 1 >= n or p[k + 1] != p[k] or -p[k] > n:
                return False
            k += 2
    return True


def _sytrs(a, p, x):
    """dsytrs with uplo = 'L' (0-based translation of the reference code)."""
    x = x.copy()
    n = a.shape[0]
    k = 0
    while k < n:  # L D x = b
        if p[k] > 0:
            kp = p[k] - 1
            x[[k, kp]] = x[[kp, k]]
            x[k + 1:] -= np.outer(a[k + 1:, k], x[k])
            x[k] = x[k] / a[k, k]
            k += 1
        else:
            kp = -p[k] - 1
            x[[k + 1, kp]] = x[[kp, k + 1]]
            x[k + 2:] -= np.outer(a[k + 2:, k], x[k])
            x[k + 2:] -= np.outer(a[k + 2:, k + 1], x[k + 1])
            akm1k = a[k + 1, k]
            akm1 = a[k, k] / akm1k
            ak = a[k + 1, k + 1] / akm1k
            denom = akm1 * ak - 1
            bkm1 = x[k] / akm1k
            bk = x[k + 1] / akm1k
            x[k] = (ak * bkm1 - bk) / denom
            x[k + 1] = (akm1 * bk - bkm1) / denom
            k += 2
    k = n - 1
    while k >= 0:  # L^T x = y
        if p[k] > 0:
            x[k] -= a[k + 1:, k] @ x[k + 1:]
            kp = p[k] - 1
            x[[k, kp]] = x[[kp, k]]
            k -= 1
        else:
            x[k] -= a[k + 1:, k] @ x[k + 1:]
            x[k - 1] -= a[k + 1:, k - 1] @ x[k + 1:]
            kp = -p[k] - 1
            x[[k, kp]] = x[[kp, k]]
            k -= 2
    return x
