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


def _program(name, args, kwargs):
    """The expansion on a case as a function of its tensors only (the translator's form):
    its outputs, then the conditions it requires."""
    from torch.utils._pytree import tree_flatten, tree_unflatten

    leaves, spec = tree_flatten((args, kwargs))
    where = [i for i, x in enumerate(leaves) if isinstance(x, torch.Tensor)]

    def fn(*tensors):
        filled = list(leaves)
        for i, t in zip(where, tensors):
            filled[i] = t
        a, kw = tree_unflatten(filled, spec)
        take_required()
        outs = load_all()[name](*a, **kw)
        outs = tuple(outs) if isinstance(outs, (tuple, list)) else (outs,)
        return (*outs, *(c for c, _ in take_required()))

    return fn, [leaves[i] for i in where]


@pytest.mark.parametrize("name,k", [(n, k) for n, (_, cs) in CASES.items()
                                    for k in sorted({0, len(cs) - 1})])
def test_recorded_plan_is_the_traced_plan(name, k):
    """The translator records expansions with record_aten, not make_fx: the plans hold the same
    ops in the same order (make_fx adds a lift_fresh_copy after each constant, and some
    aliases: the same values under another name) and compute
    the same values, bit for bit."""
    from threepio.runner import run
    from threepio.tracing.aten import trace_aten
    from threepio.tracing.record import record_aten

    fn, tensors = _program(name, *CASES[name][1][k])
    recorded = record_aten(fn, tensors, name=name)
    traced = trace_aten(fn, tensors, requires_grad=False, name=name, source_lines=False)
    assert [op.target for op in recorded.ops] == [
        op.target for op in traced.ops
        if op.target not in ("aten.lift_fresh_copy.default", "aten.alias.default")]
    assert recorded.output_types() == traced.output_types()
    for a, b in zip(run(recorded, recorded.examples), run(traced, traced.examples)):
        torch.testing.assert_close(torch.as_tensor(a), torch.as_tensor(b), rtol=0, atol=0,
                                   equal_nan=True)


def test_record_refuses_what_it_cannot_record():
    """Mutation and reads of the data are left to make_fx (which turns reads into guards)."""
    from threepio.tracing.record import Unrecordable, record_aten

    def mutates(x):
        y = x * 2
        y.add_(1)
        return y

    def reads(x):
        return x * 2 if bool((x > 0).all()) else x

    for fn in (mutates, reads):
        with pytest.raises(Unrecordable):
            record_aten(fn, [torch.ones(3)])
    # a read of a constant (torch.tensor data) needs no condition
    assert len(record_aten(lambda x: x * int(torch.tensor([2, 3]).max()), [torch.ones(3)]).ops) \
        == 1
