"""Householder QR from elementary ops, unrolled over static shapes (for TF.js, whose
tf.linalg.qr follows another sign convention and has no packed form): LAPACK's geqrf (sgeqr2 /
slarfg), the reflectors' product (orgqr) and their application (ormqr), and linalg_qr from
them as PyTorch computes it (geqrf, then orgqr for Q).

slarfg's conventions are followed exactly: for the column (alpha, x), ``tau = 0`` and no
reflection when ``x`` is all zero (or empty); otherwise ``beta = -sign(alpha) * norm(alpha,
x)`` (``alpha = ±0`` gives ``-norm``, as MKL does), ``tau = (beta - alpha) / beta`` and the
packed vector is ``x * (1 / (alpha - beta))``. Norms are computed scaled by the largest
magnitude (no overflow or underflow in the squares), which gives what slarfg's rescaling loop
gives for tiny norms.

Two decisions are discrete: whether ``x`` is zero (tau = 0 or a reflection) and the sign of
``alpha``. After j reflections a column's entries carry rounding errors of about
``j m u ||a_j||`` that differ between implementations, so where ``x`` or ``alpha`` is within a
margin of that size of zero the result depends on rounding: such inputs are refused
(require), unless the zero is structural (a zero of the input that no reflection touched,
tracked by a mask), which is exactly zero in every evaluation order.
"""

from __future__ import annotations

import torch

from . import expansion, require


def _finite(*xs):
    for x in xs:
        require(torch.isfinite(x).all(), "the expansion is exact for finite inputs only; "
                                         "LAPACK's handling of inf/NaN entries is its own")


def _unit(dtype) -> float:
    return torch.finfo(dtype).eps / 2


def _zeros(x, *shape):
    return torch.zeros(*x.shape[:-2], *shape, dtype=x.dtype)


def _cat(parts, dim):
    """torch.cat of the parts that are not empty (TF.js's wasm backend fails on empty
    tensors in a plan)."""
    parts = [p for p in parts if p.numel()]
    return torch.cat(parts, dim) if len(parts) > 1 else parts[0]


def _scaled_norm(parts):
    """The 2-norm of the entries of ``parts`` (each (..., r, 1)), computed as
    ``s * sqrt(sum((p / s)^2))`` with ``s`` the largest magnitude; 0 where all are zero."""
    s = torch.cat([p.abs() for p in parts], -2).amax(-2, keepdim=True)
    safe = torch.where(s == 0, torch.ones_like(s), s)
    sq = sum(((p / safe) ** 2).sum(-2, keepdim=True) for p in parts)
    return s * torch.sqrt(sq)


def _geqrf(A):
    """(R rows stacked as a matrix, V (the packed vectors below the diagonal), tau)."""
    m, n = A.shape[-2:]
    k = min(m, n)
    _finite(A)
    u = _unit(A.dtype)
    # the original columns' norms (reflections preserve them): the rounding-noise scale
    colnorm = [_scaled_norm([A[..., :, c:c + 1]]) for c in range(k)]
    T = A                       # the trailing block, rows j.., columns j..
    Z = A == 0                  # entries structurally zero (exact in any evaluation order)
    rrows, vcols, taus, ok = [], [], [], []
    for j in range(k):
        mj = m - j
        alpha = T[..., :1, :1]
        if mj == 1:             # nothing below alpha: tau = 0, no reflection
            rrows.append(_cat([_zeros(A, 1, j), T[..., :1, :]], -1))
            vcols.append(_zeros(A, m, 1))
            taus.append(torch.zeros_like(alpha))
            T = T[..., 1:, 1:]
            Z = Z[..., 1:, 1:]
            continue
        x = T[..., 1:, :1]
        zx = Z[..., 1:, :1].all(-2, keepdim=True)          # structural zero: tau = 0
        xnorm = _scaled_norm([x])
        nrm = _scaled_norm([alpha, x])
        margin = (4 * j * (m + 2) * u) * colnorm[j]
        ok.append(zx | ((xnorm > margin) & ((alpha.abs() > margin) | Z[..., :1, :1])))
        one = torch.ones_like(alpha)
        beta_r = torch.where(alpha >= 0, -nrm, nrm)
        beta = torch.where(zx, alpha, beta_r)
        safe_beta = torch.where(zx, one, beta_r)
        tau = torch.where(zx, torch.zeros_like(alpha), (safe_beta - alpha) / safe_beta)
        scale = 1 / torch.where(zx, one, alpha - beta_r)
        v = torch.where(zx, x, x * scale)
        taus.append(tau)
        vcols.append(torch.cat([_zeros(A, j + 1, 1), v], -2))
        if n - j > 1:
            C = T[..., :, 1:]
            vf = torch.cat([one, v], -2)                    # (mj, 1), unit first entry
            w = vf.mT @ C                                   # slarf: w = C^T v
            Cn = torch.where(zx, C, C - vf * (tau * w))     # sger: C -= tau v w^T
            rrows.append(_cat([_zeros(A, 1, j), beta, Cn[..., :1, :]], -1))
            vz = torch.cat([torch.zeros_like(zx), Z[..., 1:, :1]], -2)
            wz = (vz | Z[..., :, 1:]).all(-2, keepdim=True)
            Zn = Z[..., :, 1:] & (zx | vz | wz)     # (no where on bools: TF.js wasm)
            T, Z = Cn[..., 1:, :], Zn[..., 1:, :]
        else:
            rrows.append(_cat([_zeros(A, 1, j), beta], -1))
    if ok:
        require(torch.stack([o.reshape(o.shape[:-2]) for o in ok], -1).all(),
                "a Householder step meets a column whose rest, or whose leading entry, is "
                "within rounding noise of zero without being structurally zero: LAPACK's "
                "choice (reflect or not, and the reflector's sign) depends on its rounding "
                "there (a rank-deficient or nearly rank-deficient matrix)")
    R = torch.cat(rrows, -2) if k else _zeros(A, 0, n)
    V = torch.cat(vcols, -1) if k else _zeros(A, m, 0)
    tau = torch.cat(taus, -1).squeeze(-2) if k else _zeros(A, 0, 1).squeeze(-1).squeeze(-1)
    return R, V, tau


def _packed(R, V, m, n):
    """geqrf's packed matrix: R on and above the diagonal, V below it."""
    k = min(m, n)
    up = torch.cat([R, _zeros(R, m - k, n)], -2) if m > k else R
    lo = torch.cat([V, _zeros(V, m, n - k)], -1) if n > k else V
    return up + lo


@expansion("geqrf")
def geqrf(self):
    """aten.geqrf: LAPACK's packed Householder QR (sgeqr2) and the reflectors' tau."""
    m, n = self.shape[-2:]
    if self.numel() == 0:
        return self.clone(), _zeros(self, min(m, n), 1).squeeze(-1)
    R, V, tau = _geqrf(self)
    return _packed(R, V, m, n), tau


def _apply(h, tau, c, left, transpose):
    """ormqr: Q c, Q^T c, c Q or c Q^T for Q = H_1 ... H_k (H_i = I - tau_i v_i v_i^T, v_i
    from column i of h below the diagonal, unit at i), one reflector after another in
    LAPACK's order (sorm2r)."""
    k = tau.shape[-1]
    size = c.shape[-2] if left else c.shape[-1]
    forward = left == transpose                     # Q^T c and c Q apply H_1 first
    for i in (range(k) if forward else range(k - 1, -1, -1)):
        one = torch.ones_like(h[..., :1, :1])
        v = _cat([_zeros(h, i, 1), one, h[..., i + 1:size, i:i + 1]], -2)  # (size, 1)
        t = tau[..., i:i + 1].unsqueeze(-1)                                # (1, 1)
        if left:
            c = c - v * (t * (v.mT @ c))        # w = C^T v; C -= tau v w^T
        else:
            c = c - (c @ v) * (t * v.mT)        # w = C v;   C -= tau w v^T
    return c


@expansion("ormqr")
def ormqr(self, input2, input3, left=True, transpose=False):
    """aten.ormqr: the reflectors of geqrf (self, tau = input2) applied to input3."""
    if input2.shape[-1] == 0 or input3.numel() == 0:
        return input3.clone()
    _finite(self, input2, input3)
    return _apply(self, input2, input3, left, transpose)


def _orgqr(h, tau):
    m, n = h.shape[-2:]
    eye = torch.eye(m, n, dtype=h.dtype).expand(*h.shape[:-2], m, n)
    if tau.shape[-1] == 0 or h.numel() == 0:
        return eye.clone()
    return _apply(h, tau, eye, True, False)


@expansion("linalg_householder_product")
def householder_product(input, tau):
    """aten.linalg_householder_product (orgqr): the first n columns of H_1 ... H_k."""
    if tau.shape[-1] and input.numel():
        _finite(input, tau)
    return _orgqr(input, tau)


@expansion("linalg_qr")
def linalg_qr(A, mode="reduced"):
    """aten.linalg_qr as PyTorch computes it: geqrf, then Q by orgqr (mode 'r': no Q)."""
    m, n = A.shape[-2:]
    k = min(m, n)
    ncols = m if mode == "complete" else k
    rrows = m if mode == "complete" else k
    if A.numel() == 0:
        R = _zeros(A, rrows, n)
        Q = torch.eye(m, ncols, dtype=A.dtype).expand(*A.shape[:-2], m, ncols).clone()
    else:
        Rk, V, tau = _geqrf(A)
        R = torch.cat([Rk, _zeros(A, rrows - k, n)], -2) if rrows > k else Rk
        Q = _apply(V, tau, torch.eye(m, ncols, dtype=A.dtype).expand(*A.shape[:-2], m, ncols),
                   True, False)
    if mode == "r":
        Q = torch.zeros(0, dtype=A.dtype)
    return Q, R
