"""Cases for threepio/expansions/lu.py."""

import torch

from . import rhs

aten = torch.ops.aten


def mat(*shape, seed=3):
    """A random matrix (pivoting swaps rows)."""
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def zero_col(n, j, seed=4):
    """A singular matrix: column j is zero (its pivot is zero by structure)."""
    a = mat(n, n, seed=seed)
    a[:, j] = 0
    return a


def factored(*shape, seed=5):
    lu, piv = torch.linalg.lu_factor(mat(*shape, seed=seed))
    return lu, piv


TIES = torch.tensor([[1.0, 2.0, 0.5], [-1.0, 3.0, 1.0], [1.0, -2.0, 4.0]])  # equal |column|

_lu, _piv = factored(4, 4)
_lub, _pivb = factored(2, 3, 3)
_luw, _pivw = factored(3, 5)
_lut, _pivt = factored(5, 3)

CASES = {
    "linalg_lu_factor_ex": (aten.linalg_lu_factor_ex.default, [
        ((mat(5, 5),), {}),
        ((mat(2, 3, 4, 4),), {}),
        ((mat(3, 5),), {}),
        ((mat(5, 3),), {}),
        ((mat(1, 1),), {}),
        ((mat(0, 0),), {}),
        ((mat(2, 0, 3),), {}),
        ((mat(3, 0),), {}),
        ((TIES,), {}),
        ((torch.zeros(3, 3),), {}),
        ((zero_col(4, 1),), {}),
        ((zero_col(4, 3),), {}),
        ((zero_col(4, 0).mT.contiguous(),), {}),            # a zero row
    ]),
    "linalg_lu": (aten.linalg_lu.default, [
        ((mat(4, 4),), {}),
        ((mat(2, 3, 3),), {}),
        ((mat(3, 5),), {}),
        ((mat(5, 2),), {}),
        ((mat(0, 0),), {}),
        ((zero_col(3, 1),), {}),
    ]),
    "lu_unpack": (aten.lu_unpack.default, [
        ((_lu, _piv), {}),
        ((_lub, _pivb), {}),
        ((_luw, _pivw), {}),
        ((_lut, _pivt), {}),
        ((_lu, _piv), {"unpack_data": False}),
        ((_lu, _piv), {"unpack_pivots": False}),
        ((_lu, torch.tensor([1, 1, 2, 4], dtype=torch.int32)), {}),  # a swap with an earlier row
        ((mat(0, 0), torch.zeros(0, dtype=torch.int32)), {}),
    ]),
    "linalg_lu_solve": (aten.linalg_lu_solve.default, [
        ((_lu, _piv, rhs(4, 2)), {}),
        ((_lu, _piv, rhs(4, 2)), {"adjoint": True}),
        ((_lu, _piv, rhs(2, 4)), {"left": False}),
        ((_lu, _piv, rhs(3, 4)), {"left": False, "adjoint": True}),
        ((_lub, _pivb, rhs(3, 1, (4, 2))), {}),                  # broadcast batches
        ((_lub, _pivb, rhs(3, 2)), {"adjoint": True}),
        ((mat(1, 1) + 2, torch.ones(1, dtype=torch.int32), rhs(1, 3)), {}),
        ((mat(0, 0), torch.zeros(0, dtype=torch.int32), rhs(0, 3)), {}),
        ((_lu, _piv, rhs(4, 0)), {}),
    ]),
    "linalg_solve_ex": (aten._linalg_solve_ex.default, [
        ((mat(4, 4), rhs(4, 2)), {}),
        ((mat(4, 4), rhs(2, 4)), {"left": False}),
        ((mat(4, 4), rhs(4, 1)[:, 0]), {}),                      # a vector right-hand side
        ((mat(2, 3, 3), rhs(3, 2, (2,))), {}),
        ((mat(2, 3, 3), rhs(3, 2)), {}),
        ((mat(0, 0), rhs(0, 2)), {}),
    ]),
    "linalg_inv_ex": (aten.linalg_inv_ex.default, [
        ((mat(4, 4),), {}),
        ((mat(2, 3, 3),), {}),
        ((mat(1, 1),), {}),
        ((mat(0, 0),), {}),
    ]),
    "linalg_det": (aten._linalg_det.default, [
        ((mat(4, 4),), {}),
        ((mat(2, 3, 3),), {}),
        ((mat(1, 1),), {}),
        ((mat(0, 0),), {}),
        ((TIES,), {}),
        ((zero_col(4, 2),), {}),
        ((zero_col(4, 2).mT.contiguous(),), {}),
    ]),
    "linalg_slogdet": (aten._linalg_slogdet.default, [
        ((mat(4, 4),), {}),
        ((mat(2, 3, 3),), {}),
        ((mat(1, 1),), {}),
        ((mat(0, 0),), {}),
        ((zero_col(4, 2),), {}),
    ]),
}
