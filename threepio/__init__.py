"""threepio: translate PyTorch programs to TensorFlow.js, TensorFlow and NumPy, and prove it.

>>> import threepio
>>> plan = threepio.trace(step, example_inputs)          # doctest: +SKIP  (Core ATen plan)
>>> tfjs = threepio.translate(plan, "tfjs")               # doctest: +SKIP  (TF.js op list)
>>> outputs = threepio.run(tfjs, example_inputs)          # doctest: +SKIP  (NumPy arrays)
>>> print(threepio.check(plan))                           # doctest: +SKIP  (errors per target)

Importing threepio loads neither torch nor TensorFlow; each is imported when first needed.
"""

from __future__ import annotations

from .errors import (
    BackendUnavailable,
    ExecutionError,
    GuardError,
    PlanFormatError,
    PlanInputError,
    PlanLintError,
    RuleFileError,
    ThreepioError,
    TraceError,
    TranslationError,
)
from .ir import Cast, Constant, DType, Guard, Op, Plan, Ref, TensorType, Value

__version__ = "0.1.0"

__all__ = [
    "trace", "translate", "run", "check", "load", "Plan", "Op", "Value", "Ref", "DType",
    "Constant", "Cast", "Guard", "TensorType", "ThreepioError", "PlanFormatError", "PlanLintError",
    "RuleFileError", "TranslationError", "TraceError", "PlanInputError", "ExecutionError",
    "GuardError", "BackendUnavailable",
]


def trace(fn, example_inputs, *, level: str = "aten", params: str = "inputs",
          name: str | None = None, output_names=None) -> Plan:
    """Trace ``fn(*example_inputs)`` into a plan (see :func:`threepio.tracing.trace`)."""
    from .tracing import trace as _trace

    return _trace(fn, example_inputs, level=level, params=params, name=name,
                  output_names=output_names)


def translate(plan: Plan, target: str, **options) -> Plan:
    """Translate a traced plan to ``"tfjs"``, ``"tf"`` or ``"numpy"``; options: ``layout``,
    ``allow_int_wrap`` (see :func:`threepio.translator.translate`)."""
    from .translator import translate as _translate

    return _translate(plan, target, **options)


def run(plan: Plan, inputs=None, **options):
    """Run a plan on its framework; returns NumPy arrays (see :func:`threepio.runner.run`)."""
    from .runner import run as _run

    return _run(plan, inputs, **options)


def check(plan: Plan, inputs=None, targets=("numpy", "tf", "tfjs"), **options):
    """Cross-check a traced plan against PyTorch on each target
    (see :func:`threepio.checker.check`)."""
    from .checker import check as _check

    return _check(plan, inputs, targets, **options)


def load(path) -> Plan:
    """Load a plan from a ``.json`` file or a printed ``.txt`` plan."""
    from .loading import load_plan_file

    return load_plan_file(str(path))
