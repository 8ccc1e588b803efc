"""Every expansion (threepio/expansions) computes, in PyTorch eager, what the ATen op it
replaces computes; and every expansion is tested here. The targets' rules that use them are
tested by the op samples (tests/samples) and the conformance matrix."""

from __future__ import annotations

import pytest
import torch

from threepio.expansions import load_all, take_required


def _tri(n, batch=(), upper=False, unit=False, seed=0):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(*batch, n, n, generator=g) + n * torch.eye(n)
    a = a.triu() if upper else a.tril()
    return a


def _rhs(n, k, batch=(), seed=1):
    return torch.randn(*batch, n, k, generator=torch.Generator().manual_seed(seed))


# name -> [(args, kwargs)]: the ATen op of the same name is the reference
CASES = {
    "linalg_solve_triangular": [
        ((_tri(5), _rhs(5, 3)), {"upper": False}),
        ((_tri(5, upper=True), _rhs(5, 3)), {"upper": True}),
        ((_tri(4, (2,)), _rhs(4, 2, (3, 1))), {"upper": False}),  # broadcast batches
        ((_tri(4), _rhs(2, 4)), {"upper": False, "left": False}),
        ((_tri(4, upper=True), _rhs(4, 1)), {"upper": True, "unitriangular": True}),
        ((_tri(1), _rhs(1, 3)), {"upper": True}),
        ((_tri(0), _rhs(0, 3)), {"upper": False}),
    ],
}

ATEN = {"linalg_solve_triangular": torch.ops.aten.linalg_solve_triangular.default}


def test_every_expansion_is_tested():
    assert set(load_all()) == set(CASES)


@pytest.mark.parametrize("name,k", [(n, k) for n, cs in CASES.items() for k in range(len(cs))])
def test_expansion_matches_aten(name, k):
    args, kwargs = CASES[name][k]
    want = ATEN[name](*args, **kwargs)
    take_required()
    got = load_all()[name](*args, **kwargs)
    conds = take_required()
    assert all(bool(c.all()) for c, _ in conds)
    want = want if isinstance(want, tuple) else (want,)
    got = got if isinstance(got, tuple) else (got,)
    assert len(got) == len(want)
    for w, g in zip(want, got):
        assert g.shape == w.shape and g.dtype == w.dtype
        torch.testing.assert_close(g, w, rtol=1e-5, atol=1e-5)


def test_required_condition_refuses_nonfinite_input():
    a, b = _tri(3), _rhs(3, 2)
    a[1, 0] = float("inf")
    take_required()
    load_all()["linalg_solve_triangular"](a, b, upper=False)
    assert not all(bool(c.all()) for c, _ in take_required())
