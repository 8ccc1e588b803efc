"""Running one conformance case: PyTorch eager is the reference; the case is traced at ATen
level once and translated, run and compared for each target.

Outcomes per target: ``pass`` (values within tolerance, dtype as mapped), ``pass-random``
(values that are random or that PyTorch leaves undefined: shapes and dtypes checked, not
values; where the plan draws random numbers, also their distribution: no non-finite value
where PyTorch's draw has none, and a two-sample Kolmogorov-Smirnov test of the target's values
against PyTorch's), ``refused`` (translation, input
conversion or a runtime guard of the translation refused with a reason: honest, not a wrong
number), ``fail`` (wrong values or dtype),
``error`` (the target raised while running), ``untraceable``/``no-sample``/``python-value``/
``not-dense``/``no-numpy-dtype`` (the case never reached translation; the same for every
target), and ``harness-error`` (the conformance runner itself failed on the case: listed,
never hidden). The generic runner never branches on op names; the expectations table does that.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from ..errors import GuardError, PlanInputError, ThreepioError, TranslationError

TARGETS = ("numpy", "tf", "tfjs")
_NO_NUMPY = {"torch.bfloat16", "torch.complex32", "torch.float8_e4m3fn", "torch.float8_e5m2",
             "torch.float8_e4m3fnuz", "torch.float8_e5m2fnuz", "torch.uint16", "torch.uint32",
             "torch.uint64"}


@dataclass
class CaseResult:
    id: str
    op: str
    dtype: str
    status: dict[str, str] = field(default_factory=dict)
    detail: dict[str, str] = field(default_factory=dict)
    aten: list[str] = field(default_factory=list)

    def set_all(self, targets, status, detail):
        for t in targets:
            self.status[t], self.detail[t] = status, detail


def _eager(fn, tensors, seed):
    import torch
    from torch.utils._pytree import tree_leaves

    torch.default_generator.manual_seed(seed)  # CPU only: torch.manual_seed also queues
    # seeding for every lazily initialised accelerator, a millisecond per call
    with torch.no_grad():
        out = fn(*[t.clone() for t in tensors])
    return tree_leaves(out)


def _first_line(e: Exception, limit=300) -> str:
    text = str(e).strip().splitlines()
    msg = " ".join(t.strip() for t in text[:2]) if text else type(e).__name__
    return msg[:limit]


def _reason(e: TranslationError) -> str:
    """The part of a refusal that explains it (without the op's arguments)."""
    msg = str(e).splitlines()[0]
    return msg.split(" to ", 1)[-1].split(": ", 1)[-1][:300] if ": " in msg else msg[:300]


def run_case(case, targets=TARGETS, tolerance_of=None, tfjs_backend="cpu",
             level="aten") -> CaseResult:
    """One OpInfo sample through trace (at ``level``: "aten" or "api"), translate and run on
    each target, compared with PyTorch eager."""
    import torch

    from ..checker import compare
    from ..rules.loader import load_rules
    from ..runner import run
    from ..tracing.aten import trace_aten
    from ..translator import translate

    r = CaseResult(case.id, case.op, case.dtype)
    if isinstance(case.sample, Exception):
        r.set_all(targets, "no-sample", _first_line(case.sample))
        return r
    fn, tensors = case.program()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ref = _eager(fn, tensors, 0)
            again = _eager(fn, tensors, 1)
        except Exception as e:
            r.set_all(targets, "no-sample", f"PyTorch eager raises: {_first_line(e)}")
            return r
        if not ref or not all(isinstance(x, torch.Tensor) for x in ref):
            r.set_all(targets, "python-value", "returns a Python value, not tensors")
            return r
        if any(x.layout != torch.strided or x.is_quantized for x in ref + again):
            r.set_all(targets, "not-dense", "returns a sparse or quantized tensor")
            return r
        odd = {str(x.dtype) for x in list(tensors) + ref} & _NO_NUMPY
        if odd:
            r.set_all(targets, "no-numpy-dtype", f"uses {', '.join(sorted(odd))}, which NumPy "
                                                 "arrays (the plans' interchange) cannot hold")
            return r
        random = any(a.shape != b.shape or not torch.equal(a, b) and not (
            a.is_floating_point() and torch.allclose(a, b, equal_nan=True, rtol=0, atol=0))
            for a, b in zip(ref, again))
        try:
            if level == "api":
                from ..tracing.api import trace_api

                plan = trace_api(fn, tensors, name=case.op)
            else:
                plan = trace_aten(fn, tensors, requires_grad=False, name=case.op,
                                  source_lines=False)
        except Exception as e:
            r.set_all(targets, "untraceable", _first_line(e))
            return r
    r.aten = sorted({op.target for op in plan.ops})
    # an op PyTorch tags as drawing from its generator makes the outputs a random draw, even
    # when OpInfo seeds the generator so that two eager runs agree
    drawn = any(_seeded(op.target) for op in plan.ops)
    random = random or drawn
    if len(plan.outputs) != len(ref):
        r.set_all(targets, "untraceable", f"traced {len(plan.outputs)} outputs, eager "
                                          f"returned {len(ref)}")
        return r
    refs = [x.detach().resolve_conj().resolve_neg().numpy() for x in ref]
    translated = {}
    for target in targets:
        try:
            translated[target] = translate(plan, target)
        except TranslationError as e:
            r.status[target], r.detail[target] = "refused", _reason(e)
        except ThreepioError as e:
            r.status[target], r.detail[target] = "error", _first_line(e)
    undefined = {t: _undefined(plan, translated.get(t), t) for t in targets}
    # uninitialized memory (torch.empty...) can equal itself from one eager run to the next
    # and still differ in the plan's run
    if not random and not any(undefined.values()):  # the plan, run by PyTorch, must
        why = _trace_differs(plan, refs, tolerance_of, case)   # reproduce eager PyTorch
        if why:
            r.set_all(targets, "untraceable", why)
            return r
    for target, tp in translated.items():
        try:
            outs = run(tp, plan.examples, tfjs_backend=tfjs_backend)
        except PlanInputError as e:
            r.status[target], r.detail[target] = "refused", f"input: {_first_line(e)}"
            continue
        except GuardError as e:  # a runtime condition of the translation refused these inputs
            r.status[target], r.detail[target] = "refused", f"guard: {_first_line(e)}"
            continue
        except ThreepioError as e:
            r.status[target], r.detail[target] = "error", _first_line(e)
            continue
        finally:
            if target == "tfjs":
                _free_tfjs(tp, tfjs_backend)
        mapped = load_rules(target).map_dtype
        status, detail = "pass-random" if random or undefined[target] else "pass", ""
        for i, (want, got) in enumerate(zip(refs, outs)):
            got = np.asarray(got)
            if str(got.dtype) != mapped(str(want.dtype)) or got.shape != want.shape:
                status = "fail"
                detail = (f"output {i}: {got.dtype}{list(got.shape)}, expected "
                          f"{mapped(str(want.dtype))}{list(want.shape)}")
                break
            if random or undefined[target]:
                why = _distribution_differs(want, got) if drawn and not undefined[target] else None
                if why:
                    status, detail = "fail", f"output {i}: {why}"
                    break
                continue
            tol = tolerance_of(case.op, target, str(want.dtype)) if tolerance_of else 1e-5
            mabs, _, ok = compare(want, got, tol)
            if not ok:
                status, detail = "fail", f"output {i}: max abs error {mabs:.3g} > tol {tol:g}"
                break
        r.status[target], r.detail[target] = status, detail
    return r


def _undefined(plan, tp, target: str) -> bool:
    """Whether PyTorch leaves the plan's values undefined (torch.empty...), by the target's
    rules: those of the plan's ops, or (``tp``, the translation) those that served the steps
    of an API command's ATen decomposition. Such values are checked by shape and dtype only."""
    from ..rules.loader import load_rules

    rules = load_rules(target)
    return any(getattr(rules.get(op.target), "undefined_values", False) for op in plan.ops) \
        or (tp is not None and any(op.rule in _undefined_at(target) for op in tp.ops))


@cache
def _undefined_at(target: str) -> frozenset[str]:
    """Where (file:line) the target's rules with undefined values are: translated ops name
    the rule that wrote them."""
    from ..rules.loader import load_rules

    return frozenset(r.where for r in load_rules(target).rules.values() if r.undefined_values)


def _trace_differs(plan, refs, tolerance_of, case) -> str | None:
    """Why the traced plan, run on PyTorch, does not compute what eager PyTorch computed (a
    decomposition that differs from the eager kernel), or None. Targets are compared with the
    plan's own semantics; a plan that already differs would blame them wrongly."""
    from ..checker import compare
    from ..runner import run

    try:
        mine = run(plan, plan.examples)
    except Exception as e:  # noqa: BLE001 - reported as the case's reason
        return f"the traced plan does not run on PyTorch: {_first_line(e)}"
    for i, (want, got) in enumerate(zip(refs, mine)):
        got = np.asarray(got)
        if got.shape != want.shape or got.dtype != want.dtype:
            return (f"PyTorch's decomposition gives output {i} as {got.dtype}{list(got.shape)}, "
                    f"eager {want.dtype}{list(want.shape)}")
        tol = tolerance_of(case.op, "numpy", str(want.dtype)) if tolerance_of else 1e-5
        mabs, _, ok = compare(want, got, tol)
        if not ok:
            return (f"PyTorch's Core ATen decomposition differs from its eager kernel (output "
                    f"{i}: max abs {mabs:.3g}); the plan cannot be checked against eager")
    return None


#: a random output fails when a two-sample KS test rejects it at this level: the draws are
#: seeded, so a run fails or passes the same way every time, and a correct implementation
#: fails about once in a million cases
KS_LEVEL = 1e-6


def _distribution_differs(want: np.ndarray, got: np.ndarray) -> str | None:
    """Why the target's random values do not look drawn from PyTorch's distribution, or
    None. Compared: which values are finite, then the finite values' empirical distributions
    (real and imaginary parts apart), by the asymptotic two-sample Kolmogorov-Smirnov test."""
    if want.size == 0:
        return None
    parts = [(want.real, got.real), (want.imag, got.imag)] if np.iscomplexobj(want) \
        else [(want, got)]
    for w, g in parts:
        w, g = np.asarray(w, np.float64).ravel(), np.asarray(g, np.float64).ravel()
        if np.isfinite(w).all() and not np.isfinite(g).all():
            return "non-finite values where PyTorch's draw has none"
        w, g = np.sort(w[np.isfinite(w)]), np.sort(g[np.isfinite(g)])
        if not len(w) or not len(g):
            continue
        both = np.concatenate([w, g])
        d = float(np.abs(np.searchsorted(w, both, "right") / len(w)
                         - np.searchsorted(g, both, "right") / len(g)).max())
        ne = len(w) * len(g) / (len(w) + len(g))
        lam = (np.sqrt(ne) + 0.12 + 0.11 / np.sqrt(ne)) * d
        k = np.arange(1, 101)   # the Kolmogorov series (it tends to 1 as lam -> 0, slowly)
        p = 1.0 if lam < 0.5 else float(np.clip(
            2 * np.sum((-1.0) ** (k - 1) * np.exp(-2 * k * k * lam * lam)), 0, 1))
        if p < KS_LEVEL:
            return (f"values not distributed like PyTorch's draw (two-sample Kolmogorov-Smirnov "
                    f"D = {d:.3g} over {len(w)} values, p = {p:.1e} < {KS_LEVEL:g})")
    return None


def _seeded(target: str) -> bool:
    import torch

    if not target.startswith("aten."):
        return False
    try:
        _, name, overload = target.split(".")
        return torch.Tag.nondeterministic_seeded in getattr(getattr(torch.ops.aten, name),
                                                            overload).tags
    except (AttributeError, ValueError):
        return False


def _free_tfjs(tp, backend):
    """Conformance runs thousands of one-off plans: drop each from the worker after use."""
    from ..backends.tfjs import get_worker

    w = get_worker(backend)
    try:
        w.free(w.load(tp))
    except ThreepioError:
        pass  # the worker restarted or never loaded it: nothing to free
