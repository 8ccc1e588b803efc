"""Singular values (and the pseudo-inverse) from a one-sided (Hestenes) Jacobi SVD, for TF.js,
which has no SVD kernel.

The Jacobi method is unrolled over a fixed number of sweeps. Each sweep is a round-robin
(Brent-Luk) tournament of n - 1 steps; a step rotates n/2 disjoint pairs of columns at once
(all matrices of a batch, all pairs, as whole tensors), so a sweep is O(n) ops. After the last
sweep a runtime guard checks convergence: every pair of columns orthogonal to within a few
float32 ulps relative to their norms; inputs that did not converge are refused (``require``),
never answered approximately.

Only results that do not depend on the singular vectors' signs (LAPACK's own choice) are
computed: the singular values (column norms, sorted descending) and the pseudo-inverse
V diag(1/s) U^T, which is independent of the signs and of the order of equal singular values.
"""

from __future__ import annotations

import math

import torch

from . import expansion, require

EPS32 = 2.0 ** -23          # float32 machine epsilon (ulp of 1)
MAX_N = 16                  # largest min(m, n) the rules accept
TFJS_TOL = 1e-4             # TF.js's float32 tolerance: |err| <= tol (1 + |ref|)


def noise(m: int, n: int) -> float:
    """K with |s_i(Jacobi) - s_i(LAPACK)| <= K eps s_max: both are backward stable, each within
    a few eps s_max of the exact values (measured differences: up to 16 for 50 x 5, 15 for
    16 x 16; K is 1.5 to 3 times that)."""
    lo, hi = min(m, n), max(m, n)
    return 2 * (lo + math.sqrt(hi))


def sweeps_for(n: int) -> int:
    """Sweeps unrolled for n columns: Jacobi converges quadratically; measured on random,
    graded, ill-conditioned, rank-deficient and integer float32 matrices (256 each, m = n to
    50), with a sweep or two of margin. Inputs that need more are refused by the guard."""
    return {1: 0, 2: 3, 3: 5, 4: 6, 5: 7, 6: 8, 7: 9, 8: 10}.get(n, 11 if n <= 12 else 13)


def _schedule(n: int) -> list[list[tuple[int, int]]]:
    """Round-robin tournament over N = n rounded up to even players: N - 1 rounds of N/2
    disjoint pairs; every pair p < q of 0..N-1 meets exactly once."""
    N = n + (n % 2)
    players = list(range(N))
    rounds = []
    for _ in range(N - 1):
        rounds.append([(min(players[i], players[N - 1 - i]), max(players[i], players[N - 1 - i]))
                       for i in range(N // 2)])
        players = [players[0], players[-1], *players[1:-1]]
    return rounds


def _rotate(W, V, rounds, sweeps):
    """Orthogonalize the columns of W (..., m, N) by Jacobi rotations, applied to the rows of
    W and of V (..., N, N) (or None) alike. A round rotates its N/2 disjoint pairs (p_i, q_i)
    at once: P = the p columns, Q = the q columns, gathered by constant indices."""
    N, m = W.shape[-1], W.shape[-2]
    X = W if V is None else torch.cat([W, V], -2)
    order = list(range(N))               # order[j] = the column at position j of X
    for _ in range(sweeps):
        for pairs in rounds:
            ps, qs = [p for p, _ in pairs], [q for _, q in pairs]
            P = X.index_select(-1, torch.tensor([order.index(c) for c in ps]))
            Q = X.index_select(-1, torch.tensor([order.index(c) for c in qs]))
            Pw, Qw = (P, Q) if V is None else (P[..., :m, :], Q[..., :m, :])
            alpha = (Pw * Pw).sum(-2, keepdim=True)
            beta = (Qw * Qw).sum(-2, keepdim=True)
            gamma = (Pw * Qw).sum(-2, keepdim=True)
            # tan of the angle zeroing gamma: t = sign(zeta) / (|zeta| + sqrt(1 + zeta^2)),
            # zeta = (beta - alpha) / (2 gamma) (Rutishauser). gamma = 0: no rotation (zeta is
            # +-inf or NaN there, replaced). |zeta| > 1e18: t < 1e-18, below any rounding of
            # the columns, so clamping zeta^2 short of overflow changes nothing.
            zeta = (beta - alpha) / (gamma + gamma)
            az = zeta.abs()
            t = 1 / (az + torch.sqrt(1 + torch.clamp(az, max=1e18) ** 2))
            t = torch.where(zeta < 0, -t, t)
            t = torch.where(gamma == 0, torch.zeros_like(t), t)
            c = torch.rsqrt(1 + t * t)
            X = torch.cat([c * (P - t * Q), c * (t * P + Q)], -1)
            order = ps + qs
    X = X.index_select(-1, torch.tensor([order.index(c) for c in range(N)]))
    return (X, None) if V is None else (X[..., :m, :], X[..., m:, :])


def _finite(A):
    require(torch.isfinite(A).all(), "the Jacobi SVD is computed for finite inputs only (PyTorch's "
                                     "LAPACK fails to converge or returns NaN on inf/NaN entries)")


def _scaled(A):
    """A / scale, scale = max |A| per matrix (1 for a zero matrix): squared column norms of the
    scaled matrix neither overflow nor lose the largest columns to underflow."""
    amax = A.abs().amax((-2, -1), keepdim=True)
    scale = torch.where(amax == 0, torch.ones_like(amax), amax)
    return A / scale, scale


def _orthogonalized(A, with_v: bool):
    """A (..., m, n) with m >= n >= 2: (W, V, scale) with A / scale = W V^T up to float32
    rounding, the columns of W orthogonal (required at run time) and V orthogonal (or None)."""
    m, n = A.shape[-2:]
    N = n + n % 2
    W, scale = _scaled(A)
    if N > n:                           # a zero column: every rotation with it is skipped
        W = torch.cat([W, torch.zeros_like(W[..., :1])], -1)
    V = None
    if with_v:
        V = torch.eye(N, dtype=A.dtype).expand(*A.shape[:-2], N, N)
    W, V = _rotate(W, V, _schedule(n), sweeps_for(n))
    W = W[..., :n]
    V = V[..., :n, :n] if V is not None else None
    # convergence: |w_p . w_q| <= delta |w_p| |w_q| + eta for every pair p != q. The relative
    # part bounds the singular values' relative error by (n - 1) delta (D (I + E) D, |E| <=
    # delta); eta, (eps ||W||_F)^2 / n, moves the eigenvalues of W^T W by at most n eta, the
    # singular values by at most eps ||W||_F (pairs of columns at rounding level, whose
    # squared norms underflow, need not be orthogonal relative to their own norms)
    G = W.mT @ W
    dg = torch.diagonal(G, 0, -2, -1)
    d = torch.sqrt(dg)
    delta = 4 * math.sqrt(m) * EPS32
    eta = (EPS32 * EPS32 / n) * dg.sum(-1)[..., None, None]
    off = torch.tensor([[p != q for q in range(n)] for p in range(n)])
    ok = (G.abs() <= delta * (d[..., :, None] * d[..., None, :]) + eta) | ~off
    require(ok.all(), f"the one-sided Jacobi SVD did not converge in {sweeps_for(n)} sweeps "
                      f"(some pair of columns is not orthogonal to within {delta:.2g} of their "
                      "norms): the singular values would be approximate")
    return W, V, scale


def _singular_values(A):
    """The singular values of A (..., m, n), unsorted: the column norms of the Jacobi W."""
    m, n = A.shape[-2:]
    if m < n:
        A, (m, n) = A.mT, (n, m)
    if n == 1:
        W, scale = _scaled(A)
    else:
        W, _, scale = _orthogonalized(A, False)
    return torch.sqrt((W * W).sum(-2)) * scale[..., 0]


@expansion("linalg_svd_values")
def linalg_svd_values(A, full_matrices=False, compute_uv=True, *, driver=None):
    """aten._linalg_svd for its singular values S only: U and Vh, when computed, are zeros
    (the rules use this expansion only where no op reads them: their signs are LAPACK's)."""
    m, n = A.shape[-2:]
    k, batch = min(m, n), A.shape[:-2]
    if compute_uv:
        U = A.new_zeros(*batch, m, m if full_matrices else k)
        Vh = A.new_zeros(*batch, n if full_matrices else k, n)
    else:
        U, Vh = A.new_zeros(0), A.new_zeros(0)
    if A.numel() == 0:
        return U, A.new_zeros(*batch, k), Vh
    _finite(A)
    s = _singular_values(A)
    require(torch.isfinite(s).all(), "a singular value overflows float32")
    smax = s.amax(-1, keepdim=True)
    require(noise(m, n) * EPS32 * smax <= TFJS_TOL * (1 + s),
            "a singular value is small next to s_max: float32 determines it only to within a few "
            "eps * s_max, which exceeds the tolerance (1e-4 (1 + s)) of a comparison with "
            "PyTorch's LAPACK value")
    return U, torch.sort(s, -1, descending=True).values, Vh


@expansion("linalg_pinv")
def linalg_pinv(self, *, atol=None, rtol=None, hermitian=False):
    """aten.linalg_pinv.atol_rtol_tensor: V diag(1/s where s > tol else 0) U^T, tol =
    max(atol, rtol * s_max) as in PyTorch (rtol defaults to eps * max(m, n) when atol is not
    given, else to 0 where atol > 0). Independent of the singular vectors' signs and of the
    order of equal singular values. With hermitian, PyTorch's eigh reads the lower triangle
    only, and the singular values are |eigenvalues|: the SVD of that symmetric matrix."""
    A = self
    m, n = A.shape[-2:]
    if hermitian:
        A = A.tril() + A.tril(-1).mT
    if A.numel() == 0:
        return A.new_zeros(*A.shape[:-2], n, m)
    _finite(A)
    transpose = m < n
    if transpose:
        A, (m, n) = A.mT, (n, m)
    if n == 1:
        (W, scale), V = _scaled(A), torch.ones_like(A[..., :1, :])
    else:
        W, V, scale = _orthogonalized(A, True)
    ss = torch.sqrt((W * W).sum(-2, keepdim=True))          # (..., 1, n), scaled
    s = ss * scale
    require(torch.isfinite(s).all(), "a singular value overflows float32")
    smax = s.amax(-1, keepdim=True)
    eps_rtol = EPS32 * max(m, n)
    zero = torch.zeros((), dtype=s.dtype)
    a_tol = zero if atol is None else atol.to(s.dtype)[..., None, None]
    if rtol is not None:
        r_tol = rtol.to(s.dtype)[..., None, None]
    elif atol is not None:
        r_tol = torch.where(a_tol > 0, zero, torch.full((), eps_rtol, dtype=s.dtype))
    else:
        r_tol = torch.full((), eps_rtol, dtype=s.dtype)
    tol = torch.maximum(a_tol, r_tol * smax)
    keep = s > tol
    # PyTorch compares LAPACK's s with tol: a singular value near the threshold could be
    # kept by one and dropped by the other. Refused within 1e-3 * tol (this expansion's
    # relative error is below 1e-4) plus eps * max(m, n) * s_max / 2 (half PyTorch's default
    # tolerance: the rounding-level values of a rank-deficient matrix, which both algorithms
    # return as noise). Certain: everything dropped when rtol >= 1 (tol >= s_max >= every s
    # for LAPACK's values too) or for a zero matrix.
    margin = 1e-3 * tol + (eps_rtol / 2) * smax
    certain = (r_tol >= 1) | (smax == 0)
    require(((s - tol).abs() > margin) | certain,
            "a singular value lies within rounding of the pinv threshold max(atol, rtol * "
            "s_max): PyTorch's LAPACK values could fall on the other side of it")
    inv = torch.where(keep, 1 / s, zero)
    U = torch.where(keep, W / torch.where(keep, ss, torch.ones_like(ss)), zero)
    P = (V * inv) @ U.mT
    # pinv's sensitivity (Wedin): a backward error of eps s_max moves it by up to ~ eps s_max /
    # s_min^2 (s_min the smallest kept value); measured |Jacobi - LAPACK| on random matrices
    # up to 16 x 16 and 50 x 3: at most 2.1 times that. Refused where 4 times it exceeds the
    # tolerance 1e-4 (1 + |pinv|) of a comparison with PyTorch's result.
    smin = torch.where(keep, ss, torch.full((), math.inf, dtype=s.dtype)).amin(-1, keepdim=True)
    bound = 4 * EPS32 * (ss.amax(-1, keepdim=True) / (smin * smin)) / scale   # (..., 1, 1)
    require(bound <= TFJS_TOL * (1 + P.abs()), "the pseudo-inverse is ill-conditioned "
            "(s_max / s_min^2 of the kept singular values): float32 determines it only to "
            "within more than the tolerance 1e-4 (1 + |pinv|) of a comparison with PyTorch's")
    return P.mT if transpose else P
