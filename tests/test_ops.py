"""Every mapping rule, proven: each sample of tests/op_samples.py becomes a one-op plan that is
translated to each target, run on the real framework and compared with PyTorch eager."""

import numpy as np
import pytest
import torch
from op_samples import REFUSED, SAMPLES

import threepio
from threepio.errors import TranslationError
from threepio.ir import DType, Op, Plan, Ref, TensorType, Value
from threepio.rules.loader import load_rules

TARGETS = ["numpy", "tf", "tfjs"]


def _type(t: torch.Tensor) -> TensorType:
    return TensorType(str(t.dtype).removeprefix("torch."), tuple(t.shape))


def one_op_plan(sample) -> tuple[Plan, list]:
    """The sample as a plan: tensor arguments become inputs a0, a1...; outputs come from
    running the command once in PyTorch."""
    inputs, arrays = [], []

    def arg(a):
        if isinstance(a, torch.Tensor):
            name = f"a{len(inputs)}"
            inputs.append(Value(name, _type(a)))
            arrays.append(a.numpy())
            return Ref(name)
        if isinstance(a, torch.dtype):
            return DType(str(a).removeprefix("torch."))
        if isinstance(a, (list, tuple)):
            return [arg(x) for x in a]
        return a

    args = tuple(arg(a) for a in sample.args)
    kwargs = {k: arg(v) for k, v in sample.kwargs.items()}
    ns = "aten" if sample.key.startswith("aten.") else "torch"
    result = _call_torch(sample)
    results = result if isinstance(result, (tuple, list)) else (result,)
    outs = [Value(f"out{k}" if len(results) > 1 else "out",
                  _type(r) if isinstance(r, torch.Tensor) else None)
            for k, r in enumerate(results)]
    plan = Plan(sample.id.replace(".", "_"), ns, inputs, [], [Op(sample.key, args, kwargs, outs,
                                                                   "op_samples.py")],
                [Ref(o.name) for o in outs if o.type is not None])
    plan.examples = arrays
    return plan.lint(), arrays


def _call_torch(sample):
    from threepio.runner import interpreter

    ns = "aten" if sample.key.startswith("aten.") else "torch"
    fn = interpreter(ns).resolve(sample.key)
    with torch.no_grad():
        return fn(*sample.args, **sample.kwargs)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_rule(sample, target):
    plan, _ = one_op_plan(sample)
    reason = REFUSED.get((target, sample.id))
    if reason is not None:
        with pytest.raises(TranslationError, match=reason):
            threepio.translate(plan, target)
        return
    report = threepio.check(plan, targets=(target,) if target != "tfjs" else
                            ("tfjs:cpu", "tfjs:wasm"))
    assert report.ok, str(report)


@pytest.mark.parametrize("target", TARGETS)
def test_every_rule_has_a_sample(target):
    """No rule ships unproven: each key of the mapping file has at least one sample."""
    sampled = {s.key for s in SAMPLES}
    missing = sorted(set(load_rules(target).rules) - sampled)
    assert not missing, f"rules without a sample in tests/op_samples.py: {missing}"


def test_refusals_are_real():
    """Each expected refusal names a sample that exists (stale entries fail)."""
    ids = {s.id for s in SAMPLES}
    assert {sid for _, sid in REFUSED} <= ids
    assert np.all([t in TARGETS for t, _ in REFUSED])
