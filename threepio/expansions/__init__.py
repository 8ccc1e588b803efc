"""Expansions: ATen ops written as PyTorch code over static shapes, for targets without a kernel.

TF.js has no triangular solve, LU or Cholesky kernel. An expansion writes such an op once, in
PyTorch, from elementary ops (slices, matmuls, argmax, where), unrolled over the op's static
shapes. A rule case ``expand: <name>`` makes the translator trace the expansion to Core ATen on
tensors of the op's recorded types and translate those ATen ops with the target's own, proven
rules. Each expansion is checked against the op it replaces by ``tests/test_expansions.py`` and,
through the rules that use it, by the conformance matrix.

An expansion that is exact only for some inputs says so with :func:`require`: the condition
becomes a guard of the translated plan, checked when it runs (``GuardError``), like the
``guard()`` helper of the rule language.

>>> @expansion("my_op")                              # doctest: +SKIP
... def my_op(a, b, upper=False): ...
"""

from __future__ import annotations

from collections.abc import Callable

EXPANSIONS: dict[str, Callable] = {}
_required: list[tuple[object, str]] = []


def expansion(name: str):
    """Register an expansion under ``name`` (rules refer to it as ``expand: name``)."""
    def register(fn):
        if name in EXPANSIONS:
            raise ValueError(f"expansion {name!r} is registered twice")
        EXPANSIONS[name] = fn
        return fn
    return register


def require(cond, message: str):
    """Inside an expansion: ``cond`` (a bool tensor) must be true everywhere when the plan runs,
    else the plan refuses the inputs with ``message``."""
    _required.append((cond, message))


def take_required() -> list[tuple[object, str]]:
    """The conditions recorded since the last call (the tracer turns them into guards)."""
    out = list(_required)
    _required.clear()
    return out


def load_all() -> dict[str, Callable]:
    """Every expansion (importing the package's modules registers them)."""
    import importlib
    import pkgutil

    for m in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{m.name}")
    return EXPANSIONS
