"""Every expansion (threepio/expansions) computes, in PyTorch eager, what the ATen op it
replaces computes, on the cases of tests/expansion_cases; and every expansion has cases. The
targets' rules that use them are tested by the op samples (tests/samples) and the conformance
matrix."""

from __future__ import annotations

import importlib
import pkgutil

import expansion_cases
import pytest
import torch
from expansion_cases import rhs, tri

from threepio.expansions import load_all, take_required

CASES: dict = {}
for _m in pkgutil.iter_modules(expansion_cases.__path__):
    CASES.update(importlib.import_module(f"expansion_cases.{_m.name}").CASES)


def test_every_expansion_has_cases():
    assert set(load_all()) == set(CASES)


@pytest.mark.parametrize("name,k", [(n, k) for n, (_, cs) in CASES.items()
                                    for k in range(len(cs))])
def test_expansion_matches_aten(name, k):
    reference, cases = CASES[name]
    args, kwargs = cases[k]
    want = reference(*args, **kwargs)
    take_required()
    got = load_all()[name](*args, **kwargs)
    conds = take_required()
    assert all(bool(c.all()) for c, _ in conds), "a required condition fails on a valid case"
    want = tuple(want) if isinstance(want, (tuple, list)) else (want,)
    got = tuple(got) if isinstance(got, (tuple, list)) else (got,)
    assert len(got) == len(want)
    for w, g in zip(want, got):
        assert g.shape == w.shape and g.dtype == w.dtype
        torch.testing.assert_close(g, w, rtol=1e-4, atol=1e-5)


def test_required_condition_refuses_nonfinite_input():
    a, b = tri(3), rhs(3, 2)
    a[1, 0] = float("inf")
    take_required()
    load_all()["linalg_solve_triangular"](a, b, upper=False)
    assert not all(bool(c.all()) for c, _ in take_required())
