"""Values a program reads from its data while tracing (``if torch.any(var < 0): raise``)
become guards: the plan holds the branch PyTorch took, and every runtime refuses inputs that
would take another one, instead of silently computing the wrong branch."""

import pytest
import torch
import torch.nn.functional as F

import threepio
from threepio.ir import Plan
from threepio.plan_text import parse_plan

X, T, VAR = torch.randn(3, 4), torch.randn(3, 4), torch.rand(3, 4) + 0.1


def nll(x, t, var):
    return F.gaussian_nll_loss(x, t, var)   # raises in PyTorch if any var < 0


@pytest.fixture(scope="module")
def plan():
    return threepio.trace(nll, (X, T, VAR))


def test_a_validity_check_becomes_a_guard_and_round_trips(plan):
    assert len(plan.guards) == 1
    assert "read from its data" in plan.guards[0].message
    assert not any(op.target == "aten._local_scalar_dense.default" for op in plan.ops)
    assert parse_plan(str(plan)).guards == plan.guards
    assert Plan.from_json(plan.to_json()).guards == plan.guards
    assert f"guard %{plan.guards[0].ref.name} " in str(plan)


@pytest.mark.parametrize("target,backend", [("numpy", None), ("tf", None), ("tfjs", "cpu"),
                                            ("tfjs", "wasm")])
def test_every_runtime_checks_the_guard(plan, target, backend):
    out = threepio.translate(plan, target)
    assert len(out.guards) == 1
    kw = {"tfjs_backend": backend} if backend else {}
    ok = threepio.run(out, [X.numpy(), T.numpy(), VAR.numpy()], **kw)
    np_ref = nll(X, T, VAR).numpy()
    assert abs(float(ok[0]) - float(np_ref)) < 1e-5
    with pytest.raises(threepio.GuardError, match=r"guard %\w+ does not hold: a value the "
                                                   r"program read from its data"):
        threepio.run(out, [X.numpy(), T.numpy(), -VAR.numpy()], **kw)


def test_a_compiled_tf_function_checks_the_guard(plan):
    out = threepio.translate(plan, "tf")
    threepio.run(out, [X.numpy(), T.numpy(), VAR.numpy()], compile=True)
    with pytest.raises(threepio.GuardError):
        threepio.run(out, [X.numpy(), T.numpy(), -VAR.numpy()], compile=True)


def test_exports_that_cannot_check_guards_refuse(plan):
    from threepio.pysyft.writer import tfjs_role

    tfjs = threepio.translate(plan, "tfjs")
    with pytest.raises(threepio.TranslationError, match="has guards"):
        tfjs_role(tfjs)


def test_equal_and_numeric_reads_are_guarded_exactly():
    def f(x, w):
        return torch.cov(x, fweights=w)   # torch.equal checks on the weights

    x, w = torch.randn(3, 5), torch.tensor([1, 2, 1, 1, 3])
    p = threepio.trace(f, (x, w))
    assert p.guards
    for target in ("numpy", "tf", "tfjs"):
        assert threepio.check(p, targets=(target,)).ok
    steer = threepio.trace(lambda x: x * bool(x.sum() > 0), (torch.ones(3),))
    assert len(steer.guards) == 1
    threepio.run(threepio.translate(steer, "numpy"), [torch.full((3,), 2.0).numpy()])
    with pytest.raises(threepio.GuardError):
        threepio.run(threepio.translate(steer, "numpy"), [-torch.ones(3).numpy()])
    count = threepio.trace(lambda x: x[: int((x > 0).sum())], (torch.tensor([1.0, 2, -1]),))
    assert len(count.guards) == 1   # the int read: the plan slices 2 elements
    with pytest.raises(threepio.GuardError):
        threepio.run(threepio.translate(count, "tf"), [torch.tensor([1.0, 2, 3]).numpy()])
    with pytest.raises(threepio.TraceError, match=r"reads a float .* guards only bool and int"):
        threepio.trace(lambda x: x * x.sum().item(), (torch.ones(3),))


def test_a_read_after_a_random_draw_is_refused():
    with pytest.raises(threepio.TraceError, match="draws random numbers"):
        threepio.trace(lambda x: x * bool(torch.rand(()) > 2), (torch.ones(3),))
