"""Tracing PyTorch programs into plans: ATen level (default) or API level."""

from __future__ import annotations

from ..errors import TraceError
from ..ir import Plan


def trace(fn, example_inputs, *, level: str = "aten", params: str = "inputs",
          name: str | None = None) -> Plan:
    """Trace ``fn(*example_inputs)`` into a plan.

    ``level="aten"`` records Core ATen ops (a whole training step, backward included);
    ``level="api"`` records public PyTorch calls (``torch.nn.functional.linear``...).
    For an ``nn.Module``, ``params="inputs"`` makes its parameters plan inputs and
    ``params="constants"`` embeds them.

    >>> plan = threepio.trace(model, (x,))                 # doctest: +SKIP
    >>> print(plan)                                        # doctest: +SKIP
    """
    if level == "aten":
        from .aten import trace_aten

        return trace_aten(fn, example_inputs, params=params, name=name)
    if level == "api":
        from .api import trace_api

        return trace_api(fn, example_inputs, params=params, name=name)
    raise TraceError(f"unknown trace level {level!r}: use 'aten' or 'api'")
