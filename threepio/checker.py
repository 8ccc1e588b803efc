"""Cross-checking a traced plan against PyTorch on every target.

``check(plan)`` runs the reference (PyTorch eager on the traced plan) and each target's
translation on the same inputs and compares every output: max abs and max rel error against a
tolerance by dtype (the target's mapping file; float32: 1e-5 for NumPy/TF, 1e-4 for TF.js;
integers and booleans exact; a rule may raise it with a written reason). When an output fails,
the report names the first op whose value diverges and by how much.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .errors import ThreepioError
from .ir import Plan
from .plan_text import format_op

DEFAULT_TARGETS = ("numpy", "tf", "tfjs")


@dataclass
class OutputCheck:
    target: str
    index: int
    name: str
    dtype: str
    max_abs: float
    max_rel: float
    tol: float
    ok: bool


@dataclass
class Divergence:
    target: str
    op_index: int
    op: str
    source: str | None
    max_abs: float
    tol: float

    def __str__(self):
        return (f"first divergence on {self.target}: op {self.op_index} `{self.op}` "
                f"({self.source or 'no source line'}): max abs error {self.max_abs:.3g} > "
                f"{self.tol:.3g}")


@dataclass
class CheckReport:
    plan: str
    rows: list[OutputCheck] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    divergences: list[Divergence] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors and all(r.ok for r in self.rows)

    def to_dict(self) -> dict:
        return {"plan": self.plan, "ok": self.ok, "outputs": [vars(r) for r in self.rows],
                "errors": self.errors, "divergences": [vars(d) for d in self.divergences],
                "seconds": self.seconds}

    def __str__(self):
        head = f"{'target':<10} {'output':<16} {'dtype':<8} {'max abs':>10} {'max rel':>10} " \
               f"{'tol':>8}  result"
        lines = [f"cross-check of plan {self.plan!r} against PyTorch", head, "-" * len(head)]
        for r in self.rows:
            lines.append(f"{r.target:<10} {r.name[:16]:<16} {r.dtype:<8} {r.max_abs:>10.3g} "
                         f"{r.max_rel:>10.3g} {r.tol:>8.0e}  {'ok' if r.ok else 'FAIL'}")
        for t, msg in self.errors.items():
            lines.append(f"{t:<10} ERROR: {msg}")
        lines += [str(d) for d in self.divergences]
        if self.seconds:
            lines.append("run time: " + ", ".join(f"{k} {v * 1000:.1f} ms"
                                                  for k, v in self.seconds.items()))
        lines.append("(an output passes when |got - ref| <= tol * (1 + |ref|); integers and "
                     "booleans must be equal)")
        lines.append("all outputs within tolerance" if self.ok else "CHECK FAILED")
        return "\n".join(lines)


def compare(ref: np.ndarray, got: np.ndarray, tol: float) -> tuple[float, float, bool]:
    """Max abs error, max rel error and whether ``got`` matches ``ref`` within ``tol``
    (``|got - ref| <= tol * (1 + |ref|)``; exact for integers and booleans)."""
    ref, got = np.asarray(ref), np.asarray(got)
    if ref.shape != got.shape:
        return float("inf"), float("inf"), False
    if ref.size == 0:
        return 0.0, 0.0, True
    if ref.dtype.kind in "biu" and got.dtype.kind in "biu":
        diff = np.abs(ref.astype(np.int64) - got.astype(np.int64)).astype(np.float64)
        m = float(diff.max())
        return m, m, m == 0
    # complex values are compared as complex (the modulus of the difference): casting them to
    # float would drop the imaginary part and let a wrong one pass
    wide = np.complex128 if np.iscomplexobj(ref) or np.iscomplexobj(got) else np.float64
    r, g = ref.astype(wide), got.astype(wide)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf: handled by `same`
        same = (r == g) | (np.isnan(r) & np.isnan(g))
        diff = np.where(same, 0.0, np.abs(r - g))
        diff = np.where(np.isnan(diff), np.inf, diff)
        rel = diff / np.maximum(np.abs(r), np.finfo(np.float32).tiny)
        ok = bool(np.all(diff <= tol * (1 + np.abs(np.where(np.isfinite(r), r, 0)))))
    return float(diff.max()), float(rel.max()), ok


def tolerance(plan: Plan, dtype: str) -> float:
    """The tolerance for a value of source ``dtype`` on ``plan``'s target (with overrides from
    the rules the plan used)."""
    from .rules.loader import load_rules

    if np.dtype(dtype).kind in "biu":
        return 0.0
    rules = load_rules(plan.namespace)
    mapped = rules.map_dtype(dtype)
    tol = float(rules.tolerance.get(dtype, rules.tolerance.get(mapped, rules.tolerance.get(
        "float32", 1e-5))))
    by_where = {r.where: r for r in rules.rules.values() if r.tolerance}
    for op in plan.ops:
        r = by_where.get(op.rule)
        if r is not None:
            tol = max(tol, float(r.tolerance.get(mapped, 0.0)))  # each override has a `why`
    return tol


def check(plan: Plan, inputs=None, targets=DEFAULT_TARGETS, *, tfjs_backend: str = "cpu",
          compile: bool = False) -> CheckReport:
    """Run ``plan`` on PyTorch and on each target; compare outputs.

    ``targets`` are ``numpy``, ``tf``, ``tfjs`` (on ``tfjs_backend``), or ``tfjs:wasm`` /
    ``tfjs:cpu`` to pick the TF.js backend per target.

    >>> report = threepio.check(plan, targets=("numpy", "tf", "tfjs"))   # doctest: +SKIP
    >>> report.ok                                                        # doctest: +SKIP
    True
    """
    from .rules.loader import load_rules
    from .runner import prepare_inputs, run
    from .translator import translate

    arrays = prepare_inputs(plan, inputs)
    report = CheckReport(plan.name)
    t0 = time.perf_counter()
    ref_out, ref_vals = run(plan, arrays, keep_all=True)
    report.seconds["torch"] = time.perf_counter() - t0
    src_types = plan.types()
    for spec in targets:
        target, _, backend = spec.partition(":")
        label = spec if backend else (f"tfjs:{tfjs_backend}" if target == "tfjs" else target)
        try:
            tp = translate(plan, target)
            run(tp, arrays, tfjs_backend=backend or tfjs_backend, compile=compile)  # warm-up
            t0 = time.perf_counter()
            outs = run(tp, arrays, tfjs_backend=backend or tfjs_backend, compile=compile)
            report.seconds[label] = time.perf_counter() - t0
        except ThreepioError as e:
            report.errors[label] = str(e)
            continue
        failed = False
        mapped = load_rules(target).map_dtype
        for i, (r, g, ref_name) in enumerate(zip(ref_out, outs, plan.outputs)):
            dtype = str(np.asarray(r).dtype)
            tol = tolerance(tp, dtype)
            mabs, mrel, ok = compare(r, g, tol)
            got_dtype = str(np.asarray(g).dtype)
            if got_dtype != mapped(dtype):  # a wrong dtype is a wrong result, whatever the values
                ok = False
                report.errors[f"{label} %{ref_name.name}"] = (
                    f"dtype {got_dtype}, expected {mapped(dtype)} (PyTorch: {dtype})")
            report.rows.append(OutputCheck(label, i, ref_name.name, dtype, mabs, mrel, tol, ok))
            failed |= not ok
        if failed:
            d = first_divergence(plan, tp, arrays, ref_vals, src_types, label,
                                 backend or tfjs_backend)
            if d is not None:
                report.divergences.append(d)
    return report


def first_divergence(plan, tp, arrays, ref_vals, src_types, label, backend):
    """The first source op whose output differs on the target beyond tolerance."""
    from .runner import run

    _, vals = run(tp, arrays, tfjs_backend=backend, keep_all=True)
    for i, op in enumerate(plan.ops):
        for v in op.outputs:
            if v.name in vals and v.name in ref_vals and v.type is not None:
                tol = tolerance(tp, v.type.dtype)
                mabs, _, ok = compare(ref_vals[v.name], vals[v.name], tol)
                if not ok:
                    return Divergence(label, i, format_op(op).split("   #")[0], op.source,
                                      mabs, tol)
    return None
