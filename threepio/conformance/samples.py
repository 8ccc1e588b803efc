"""Rule samples as evidence: a sample (``tests/samples/<part>.py``, ``tests/op_samples.py``)
is one call of one command; :func:`one_op_plan` makes it a one-op plan, which the test suite
and the conformance run translate, run on each target and compare with PyTorch eager.

The conformance run uses them for the Core ATen overloads no OpInfo plan contains (the
decomposition table routes OpInfo's calls elsewhere: ``reflection_pad2d``, the backward ops
of norms, ``col2im``...), so that each is verified by a numerical test and counted apart."""

from __future__ import annotations

import sys
from pathlib import Path

from ..ir import DType, Op, Plan, Ref, TensorType, Value


def _type(t) -> TensorType:
    return TensorType(str(t.dtype).removeprefix("torch."), tuple(t.shape))


def call_torch(sample):
    """Run the sample's command in PyTorch (no grad)."""
    import torch

    from ..runner import interpreter

    ns = "aten" if sample.key.startswith("aten.") else "torch"
    fn = interpreter(ns).resolve(sample.key)
    with torch.no_grad():
        return fn(*sample.args, **sample.kwargs)


def one_op_plan(sample) -> tuple[Plan, list]:
    """The sample as a plan: tensor arguments become inputs a0, a1...; outputs come from
    running the command once in PyTorch."""
    import torch

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
    result = call_torch(sample)
    results = result if isinstance(result, (tuple, list)) else (result,)
    outs = [Value(f"out{k}" if len(results) > 1 else "out",
                  _type(r) if isinstance(r, torch.Tensor) else None)
            for k, r in enumerate(results)]
    plan = Plan(sample.id.replace(".", "_"), ns, inputs, [], [Op(sample.key, args, kwargs, outs,
                                                                   "op_samples.py")],
                [Ref(o.name) for o in outs if o.type is not None])
    plan.examples = arrays
    return plan.lint(), arrays


def load_samples():
    """(SAMPLES, REFUSED) of the source checkout's tests/, or None outside one (a wheel)."""
    tests = Path(__file__).resolve().parents[2] / "tests"
    if not (tests / "op_samples.py").is_file():
        return None
    if str(tests) not in sys.path:
        sys.path.insert(0, str(tests))
    import op_samples

    return op_samples.SAMPLES, op_samples.REFUSED


def verify_with_samples(keys_by_target: dict[str, set[str]]) -> dict[str, dict[str, str]]:
    """For each target, the keys whose rule samples all pass there ("verified") or not
    ("failed: <why>"); keys without a sample, or whose samples are all expected refusals,
    are left out. Empty outside a source checkout."""
    from .. import check

    loaded = load_samples()
    if loaded is None:
        return {}
    samples, refused = loaded
    out: dict[str, dict[str, str]] = {t: {} for t in keys_by_target}
    for t, keys in keys_by_target.items():
        for s in samples:
            if s.key not in keys or (t, s.id) in refused or out[t].get(s.key, "").startswith(
                    "failed"):
                continue
            try:
                plan, _ = one_op_plan(s)
                report = check(plan, targets=("tfjs:cpu",) if t == "tfjs" else (t,))
                ok, why = report.ok, str(report).splitlines()[-1] if not report.ok else ""
            except Exception as e:  # a sample that does not run is not evidence
                ok, why = False, f"{type(e).__name__}: {str(e)[:200]}"
            out[t][s.key] = "verified" if ok else f"failed: {s.id}: {why}"
    return out
