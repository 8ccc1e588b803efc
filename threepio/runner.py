"""Running a plan on its framework: ``threepio.run(plan, inputs)``.

Inputs are checked against the plan's signature (count, shape, dtype) before anything runs.
Where the translation changed an input's dtype (``plan.casts``: int64 -> int32 for TF.js) the
value is converted here, and a checked narrowing refuses values that do not fit.
"""

from __future__ import annotations

import numpy as np

from .errors import PlanInputError
from .ir import Plan

_INTERPRETERS: dict = {}


def as_numpy(x) -> np.ndarray:
    if hasattr(x, "detach") and hasattr(x, "numpy"):  # a torch tensor, without importing torch
        return x.detach().cpu().numpy()
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):  # a tf tensor
        return np.asarray(x.numpy())
    return np.asarray(x)


def prepare_inputs(plan: Plan, inputs) -> list[np.ndarray]:
    """Check ``inputs`` against ``plan.inputs`` and convert declared casts."""
    if inputs is None:
        if plan.examples is None:
            raise PlanInputError(f"plan {plan.name!r} has no example inputs: pass inputs")
        inputs = plan.examples
    if isinstance(inputs, dict):
        missing = [v.name for v in plan.inputs if v.name not in inputs]
        if missing:
            raise PlanInputError(f"plan {plan.name!r}: missing input(s) {', '.join(missing)}")
        inputs = [inputs[v.name] for v in plan.inputs]
    inputs = list(inputs)
    if len(inputs) != len(plan.inputs):
        raise PlanInputError(
            f"plan {plan.name!r} takes {len(plan.inputs)} inputs "
            f"({', '.join('%' + v.name for v in plan.inputs)}), got {len(inputs)}")
    casts = {c.value: c for c in plan.casts}
    out = []
    for i, (x, v) in enumerate(zip(inputs, plan.inputs)):
        a = as_numpy(x)
        where = f"input {i} %{v.name} of plan {plan.name!r}"
        if v.type is None:
            out.append(a)
            continue
        if tuple(a.shape) != v.type.shape:
            raise PlanInputError(f"{where}: expected shape {list(v.type.shape)}, got "
                                 f"{list(a.shape)}")
        want = np.dtype(v.type.dtype)
        if a.dtype != want:
            c = casts.get(v.name)
            if c is None or np.dtype(c.from_dtype) != a.dtype:
                raise PlanInputError(f"{where}: expected {v.type.dtype}, got {a.dtype}; convert "
                                     f"it first (e.g. x.astype('{v.type.dtype}'))")
            if c.checked and np.issubdtype(want, np.integer) and a.size:
                lo, hi = c.range or (np.iinfo(want).min, np.iinfo(want).max)
                bad = np.flatnonzero((a < lo) | (a > hi))
                if bad.size:
                    at = np.unravel_index(bad[0], a.shape)
                    raise PlanInputError(
                        f"{where}: value {a[at]} at index {list(map(int, at))} is outside "
                        f"[{lo}, {hi}] ({c.reason}); {bad.size} value(s) out of range")
            a = a.astype(want)
        out.append(a)
    return out


def interpreter(namespace: str, *, compile: bool = False):
    """The (cached) interpreter for a plan namespace."""
    key = (namespace, compile)
    if key not in _INTERPRETERS:
        if namespace in ("aten", "torch"):
            from .backends.torch_backend import TorchInterpreter as cls
        elif namespace == "numpy":
            from .backends.numpy_backend import NumpyInterpreter as cls
        elif namespace == "tf":
            from .backends.tf_backend import TfInterpreter

            _INTERPRETERS[key] = TfInterpreter(compile=compile)
            return _INTERPRETERS[key]
        else:
            raise PlanInputError(f"no Python interpreter for namespace {namespace!r}")
        _INTERPRETERS[key] = cls()
    return _INTERPRETERS[key]


def run(plan: Plan, inputs=None, *, tfjs_backend: str = "cpu", compile: bool = False,
        keep_all: bool = False):
    """Run ``plan`` on its framework and return its outputs as NumPy arrays.

    ``inputs``: a list (or dict by name) of NumPy arrays or tensors; defaults to the example
    inputs of a freshly traced plan. ``tfjs_backend``: ``"cpu"`` or ``"wasm"``. ``compile``:
    wrap a TensorFlow op list in one ``tf.function``. ``keep_all``: also return every value by
    name (for finding where two runs diverge).

    >>> outputs = threepio.run(tfjs_plan, [x, y, w1, b1, w2, b2])   # doctest: +SKIP
    """
    arrays = prepare_inputs(plan, inputs)
    if plan.namespace == "tfjs":
        from .backends.tfjs import run_plan

        return run_plan(plan, arrays, backend=tfjs_backend, keep_all=keep_all)
    return interpreter(plan.namespace, compile=compile).run(plan, arrays, keep_all=keep_all)
