"""Getting plans and inputs from files: plan JSON, printed plans, ``FILE.py:NAME`` programs
(traced on the spot) and ``.npz`` inputs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from .errors import PlanFormatError, PlanInputError, TraceError
from .ir import Plan


def load_plan_file(path: str) -> Plan:
    p = Path(path)
    try:
        text = p.read_text()
    except OSError as e:
        raise PlanFormatError(f"cannot read plan file {path}: {e.strerror}") from None
    except UnicodeDecodeError:
        raise PlanFormatError(f"{path}: not a text file (expected plan JSON or a printed plan)") \
            from None
    if text.lstrip().startswith("{"):
        return Plan.from_json(text, path)
    from .plan_text import parse_plan

    return parse_plan(text, path)


def load_program(spec: str, example: str | None = None):
    """``FILE.py:NAME`` -> (callable, example inputs). Example inputs come from the function
    ``example`` in the same file, by default ``NAME_example``; a class is instantiated with no
    arguments (an ``nn.Module``)."""
    file, _, name = spec.rpartition(":")
    if not file.endswith(".py") or not name:
        raise TraceError(f"expected FILE.py:NAME, got {spec!r}")
    path = Path(file)
    if not path.is_file():
        raise TraceError(f"{file}: no such file")
    mod_name = f"_threepio_user_{path.stem}"
    spec_ = importlib.util.spec_from_file_location(mod_name, path)
    module = importlib.util.module_from_spec(spec_)
    sys.modules[mod_name] = module
    sys.path.insert(0, str(path.parent.resolve()))
    try:
        spec_.loader.exec_module(module)
    finally:
        sys.path.pop(0)
    if not hasattr(module, name):
        raise TraceError(f"{file} defines no {name!r}")
    obj = getattr(module, name)
    ex_name = example or f"{name}_example"
    if not callable(getattr(module, ex_name, None)):
        raise TraceError(f"{file} has no function {ex_name!r} returning example inputs; define "
                         f"it or pass --example FUNC")
    if isinstance(obj, type):
        obj = obj()
    inputs = getattr(module, ex_name)()
    return obj, inputs


def load_inputs(path: str, plan: Plan) -> list[np.ndarray]:
    """Inputs from an ``.npz`` file, by input name or in order (``arr_0``...)."""
    try:
        with np.load(path, allow_pickle=False) as f:
            data = {k: f[k] for k in f.files}
    except (OSError, ValueError) as e:
        raise PlanInputError(f"cannot read inputs from {path}: {e}") from None
    names = [v.name for v in plan.inputs]
    if all(n in data for n in names):
        return [data[n] for n in names]
    ordered = [f"arr_{i}" for i in range(len(names))]
    if all(k in data for k in ordered):
        return [data[k] for k in ordered]
    missing = [n for n in names if n not in data]
    raise PlanInputError(f"{path}: missing input(s) {', '.join(missing)} (have "
                         f"{', '.join(sorted(data))}); name arrays after the plan's inputs")
