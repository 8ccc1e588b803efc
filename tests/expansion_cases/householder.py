"""Cases for threepio/expansions/householder.py."""

import torch

from . import rhs, tri, well

aten = torch.ops.aten


def mat(m, n, batch=(), seed=3):
    return torch.randn(*batch, m, n, generator=torch.Generator().manual_seed(seed))


def structured():
    """Exact zeros that no reflection touches: a zero first entry, a zero column tail, a
    block-diagonal matrix, a zero column."""
    a = mat(4, 4)
    a[0, 0] = 0.0
    a[2:, 1] = 0.0
    b = torch.zeros(5, 4)
    b[:2, :2], b[2:, 2:] = mat(2, 2, seed=4), mat(3, 2, seed=5)
    c = mat(4, 3)
    c[:, 1] = 0.0
    return a, b, c


def packed(m, n, batch=(), seed=3):
    return tuple(aten.geqrf.default(mat(m, n, batch, seed)))


_A, _B, _C = structured()
_H, _T = packed(5, 3)
_Hb, _Tb = packed(5, 5, (2,))
_Hw, _Tw = packed(3, 5)

CASES = {
    "geqrf": (aten.geqrf.default, [
        ((mat(5, 5),), {}), ((mat(5, 2),), {}), ((mat(2, 5),), {}), ((mat(1, 1),), {}),
        ((mat(3, 1),), {}), ((mat(1, 3),), {}), ((mat(4, 3, (2,)),), {}),
        ((well(6),), {}), ((tri(5, upper=True),), {}), ((tri(4),), {}),
        ((_A,), {}), ((_B,), {}), ((_C,), {}),
        ((mat(0, 0),), {}), ((mat(0, 3),), {}), ((mat(3, 0),), {}), ((mat(0, 4, (2,)),), {}),
    ]),
    "ormqr": (aten.ormqr.default, [
        ((_H, _T, rhs(5, 4)), {"left": True, "transpose": False}),
        ((_H, _T, rhs(5, 4)), {"left": True, "transpose": True}),
        ((_H, _T, rhs(4, 5)), {"left": False, "transpose": False}),
        ((_H, _T, rhs(4, 5)), {"left": False, "transpose": True}),
        ((_Hb, _Tb, rhs(5, 5, (2,))), {"left": True, "transpose": False}),
        ((_Hb, _Tb, rhs(5, 5, (2,))), {"left": False, "transpose": True}),
        ((_Hw, _Tw, rhs(3, 2)), {"left": True, "transpose": True}),
        ((_Hw, _Tw, rhs(2, 3)), {"left": False, "transpose": False}),
        ((mat(5, 0), torch.zeros(0), rhs(5, 2)), {"left": True, "transpose": False}),
        ((mat(0, 0), torch.zeros(0), rhs(0, 0)), {"left": True, "transpose": False}),
    ]),
    "linalg_householder_product": (aten.linalg_householder_product.default, [
        ((mat(5, 5), mat(1, 5).squeeze(0)), {}),
        ((mat(6, 5), mat(1, 5).squeeze(0)), {}),
        ((mat(5, 4), mat(1, 3).squeeze(0)), {}),
        ((mat(6, 5, (2, 1)), mat(1, 5, (2,), seed=7)), {}),
        (packed(5, 3), {}), (packed(4, 4, (2,)), {}),
        ((mat(5, 5), torch.zeros(0)), {}), ((mat(0, 0), torch.zeros(0)), {}),
        ((mat(1, 1), torch.ones(1)), {}),
    ]),
    "linalg_qr": (aten.linalg_qr.default, [
        ((mat(5, 5),), {}), ((mat(5, 3),), {"mode": "complete"}),
        ((mat(5, 3),), {"mode": "reduced"}), ((mat(3, 5),), {"mode": "complete"}),
        ((mat(3, 5),), {"mode": "r"}), ((mat(5, 3),), {"mode": "r"}),
        ((mat(4, 4, (2, 1)),), {}), ((_A,), {}), ((_B,), {"mode": "complete"}), ((_C,), {}),
        ((mat(1, 1),), {}), ((mat(0, 0),), {}), ((mat(0, 3, (2,)),), {"mode": "complete"}),
        ((mat(3, 0, (2,)),), {"mode": "complete"}), ((mat(3, 0, (2,)),), {"mode": "r"}),
    ]),
}
