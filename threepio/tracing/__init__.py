"""Tracing PyTorch programs into plans: ATen level (default) or API level."""

from __future__ import annotations

from ..errors import TraceError
from ..ir import Plan


def trace(fn, example_inputs, *, level: str = "aten", params: str = "inputs",
          name: str | None = None, output_names=None) -> Plan:
    """Trace ``fn(*example_inputs)`` into a plan.

    ``level="aten"`` records Core ATen ops (a whole training step, backward included);
    ``level="api"`` records public PyTorch calls (``torch.nn.functional.linear``...).
    For an ``nn.Module``, ``params="inputs"`` makes its parameters plan inputs and
    ``params="constants"`` embeds them. ``output_names`` names the plan's outputs (one name
    per flattened output, e.g. ``("loss", "accuracy")``).

    >>> plan = threepio.trace(model, (x,))                 # doctest: +SKIP
    >>> print(plan)                                        # doctest: +SKIP
    """
    if level == "aten":
        from .aten import trace_aten as tracer
    elif level == "api":
        from .api import trace_api as tracer
    else:
        raise TraceError(f"unknown trace level {level!r}: use 'aten' or 'api'")
    plan = tracer(fn, example_inputs, params=params, name=name)
    if output_names is not None:
        names = list(output_names)
        if len(names) != len(plan.outputs):
            raise TraceError(f"{len(names)} output_names for {len(plan.outputs)} outputs")
        input_names = {v.name for v in plan.inputs}
        for r, new in zip(plan.outputs, names):
            if r.name in input_names:
                raise TraceError(f"output {new!r} is the input %{r.name} unchanged; it keeps "
                                 "the input's name")
        plan.rename({r.name: n for r, n in zip(plan.outputs, names)})
    return plan
