"""Cases for threepio/expansions/svd.py: the Jacobi SVD against LAPACK's singular values
(random, rank-deficient, ill-conditioned, graded, integer, batched, wide and tall, 1xn, empty)
and pseudo-inverses (default, rtol and atol tolerances, hermitian, singular)."""

import torch

aten = torch.ops.aten


def _g(seed):
    return torch.Generator().manual_seed(seed)


def rand(*shape, seed=0):
    return torch.randn(*shape, generator=_g(seed))


def low_rank(m, n, k, batch=(), seed=3):
    """A rank-k product of orthonormal factors (OpInfo's linalg.pinv.singular inputs)."""
    a = torch.linalg.qr(torch.rand(*batch, m, k, generator=_g(seed))).Q
    b = torch.linalg.qr(torch.rand(*batch, n, k, generator=_g(seed + 1))).Q
    return a @ b.mT


def ill(n, decades=6, seed=4):
    """Singular values from 1 down to 10^-decades, random singular vectors."""
    u = torch.linalg.qr(torch.randn(n, n, generator=_g(seed), dtype=torch.float64)).Q
    v = torch.linalg.qr(torch.randn(n, n, generator=_g(seed + 1), dtype=torch.float64)).Q
    s = torch.logspace(0, -decades, n, dtype=torch.float64)
    return ((u * s) @ v.mT).float()


def svdvals_only(A, full_matrices=False, compute_uv=True, *, driver=None):
    """aten._linalg_svd with U and Vh zeroed: the expansion gives the singular values, and
    zeros for U and Vh where the rules use it (no op reads them)."""
    U, S, Vh = aten._linalg_svd(A, full_matrices, compute_uv, driver=driver)
    return torch.zeros_like(U), S, torch.zeros_like(Vh)


def _svd(A):
    return ((A,), {"compute_uv": False})


PINV = aten.linalg_pinv.atol_rtol_tensor

# name -> (reference: the ATen op, [(args, kwargs)])
CASES = {
    "linalg_svd_values": (svdvals_only, [
        _svd(rand(5, 5)),
        _svd(rand(3, 5, 4, seed=1)),                      # batched, tall
        _svd(rand(2, 3, 4, 7, seed=2)),                   # batched, wide
        _svd(rand(16, 16, seed=3)),
        _svd(rand(50, 3, seed=4)),
        _svd(rand(2, 9, 16, seed=5)),
        _svd(low_rank(6, 6, 2)),                          # rank-deficient
        _svd(low_rank(3, 50, 1, (2,))),
        _svd(ill(8)),                                     # condition 1e6
        _svd(rand(4, 6, seed=6) * torch.logspace(0, -5, 6)),   # graded columns
        _svd(torch.randint(-9, 10, (3, 5, 5), generator=_g(7)).float()),
        _svd(torch.ones(4, 4)),                           # rank 1, equal columns
        _svd(torch.zeros(3, 2)),
        _svd(1e30 * rand(3, 3, seed=8)),                  # scaled: squared norms would overflow
        _svd(1e-30 * rand(3, 3, seed=9)),                 # and underflow
        _svd(rand(1, 6, seed=10)),
        _svd(rand(6, 1, seed=11)),
        _svd(rand(1, 1, seed=12)),
        _svd(rand(0, 3)),
        _svd(rand(2, 0, 4)),
        ((rand(4, 3, seed=13),), {}),                     # U and Vh computed (zeroed)
        ((rand(2, 3, 5, seed=14),), {"full_matrices": True}),
    ]),
    "linalg_pinv": (PINV, [
        ((rand(5, 5),), {}),
        ((rand(2, 5, 3, seed=1),), {}),
        ((rand(2, 3, 5, seed=2),), {}),
        ((low_rank(3, 3, 2),), {}),
        ((low_rank(50, 3, 2, (2,)),), {}),
        ((low_rank(3, 50, 1, (1, 1)),), {}),
        ((ill(6, 1),), {}),
        ((rand(5, 5, seed=3),), {"rtol": torch.tensor(1.0)}),
        ((rand(5, 5, seed=4),), {"rtol": torch.tensor(0.3)}),
        ((rand(5, 5, seed=5),), {"atol": torch.tensor(0.3)}),
        ((rand(2, 4, 4, seed=6),), {"atol": torch.tensor([0.1, 0.2]), "rtol": torch.tensor(0.01)}),
        ((rand(4, 4, seed=7) + rand(4, 4, seed=7).mT,), {"hermitian": True}),
        ((rand(2, 4, 4, seed=8),), {"hermitian": True}),  # reads the lower triangle
        ((torch.zeros(3, 3),), {}),
        ((rand(4, 1, seed=9),), {}),
        ((rand(0, 3, 3),), {}),
        ((rand(3, 0),), {}),
    ]),
}
