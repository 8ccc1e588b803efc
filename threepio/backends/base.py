"""The interpreter loop shared by the Python backends.

It owns the environment, value lifetimes (a value is dropped after its last use) and error
wrapping: an error says which op failed, ``while executing op 7 %h = tf.matMul(...)
(model.py:17): ...``. A backend overrides how a command name resolves to a callable (only
commands its rules can emit are resolvable, so a plan from an untrusted file cannot call
anything else) and how arrays enter and leave the framework.
"""

from __future__ import annotations

import numpy as np

from ..errors import ExecutionError, GuardError, ThreepioError
from ..ir import DType, Plan, Ref
from ..plan_text import format_op


class Interpreter:
    namespace = ""

    def __init__(self):
        self._resolved: dict = {}

    # -- what a backend overrides ----------------------------------------------------------
    def lookup(self, target: str):
        """The callable for ``target``, or raise ExecutionError."""
        raise NotImplementedError

    def to_native(self, array, type_):
        return array

    def to_numpy(self, value):
        return value

    def dtype_arg(self, d: DType):
        return d.name

    # -- the loop ------------------------------------------------------------------------------
    def resolve(self, target: str):
        fn = self._resolved.get(target)
        if fn is None:
            fn = self._resolved[target] = self.lookup(target)
        return fn

    def run(self, plan: Plan, inputs, keep_all: bool = False):
        """Run ``plan`` on ``inputs`` (already checked and converted by :func:`threepio.run`).
        Returns the outputs as NumPy arrays, or ``(outputs, {name: array})`` with keep_all."""
        outs, values = self.execute(plan, [self.to_native(a, v.type)
                                           for a, v in zip(inputs, plan.inputs)], keep_all)
        outs = [self.to_numpy(o) for o in outs]
        if keep_all:
            return outs, {k: self.to_numpy(v) for k, v in values.items()}
        return outs

    def execute(self, plan: Plan, natives, keep_all: bool = False, guards: str = "check"):
        """The loop on native values; returns native outputs (and every value with keep_all).
        ``guards``: "check" raises for a guard that does not hold; "return" appends the guard
        values to the outputs (a compiled function checks them outside)."""
        env = {v.name: a for v, a in zip(plan.inputs, natives)}
        for c in plan.constants:
            env[c.name] = self.to_native(c.data, c.type)
        last = {} if keep_all else _last_uses(plan)
        keep = {r.name for r in plan.outputs} | {g.ref.name for g in plan.guards}
        values = dict(env) if keep_all else {}

        def arg(a):
            if isinstance(a, Ref):
                return env[a.name]
            if isinstance(a, DType):
                return self.dtype_arg(a)
            if isinstance(a, list):
                return [arg(x) for x in a]
            return a

        for i, op in enumerate(plan.ops):
            try:
                fn = self.resolve(op.target)
                result = fn(*[arg(a) for a in op.args],
                            **{k: arg(v) for k, v in op.kwargs.items()})
                if len(op.outputs) == 1:
                    result = (result,)
                elif len(result) != len(op.outputs):
                    raise ExecutionError(f"returned {len(result)} values for "
                                         f"{len(op.outputs)} outputs")
            except Exception as e:
                msg = str(e) if isinstance(e, ThreepioError) else f"{type(e).__name__}: {e}"
                raise ExecutionError(f"while executing op {i} {format_op(op).split('   #')[0]} "
                                     f"({op.source or 'no source line'}) on {self.namespace}: "
                                     f"{msg}") from e
            for v, r in zip(op.outputs, result):
                env[v.name] = r
                if keep_all:
                    values[v.name] = r
            for name in last.get(i, ()):
                if name not in keep:
                    env.pop(name, None)
        outs = [env[r.name] for r in plan.outputs]
        if guards == "return":
            return outs + [env[g.ref.name] for g in plan.guards], values
        self.check_guards(plan, [env[g.ref.name] for g in plan.guards])
        return outs, values

    def check_guards(self, plan: Plan, values) -> None:
        """Raise :class:`GuardError` for the first guard that is not true everywhere."""
        for g, v in zip(plan.guards, values):
            if not np.all(self.to_numpy(v)):
                raise GuardError(f"plan {plan.name!r}: guard %{g.ref.name} does not hold: "
                                 f"{g.message}")


def _last_uses(plan: Plan) -> dict[int, list[str]]:
    last: dict[str, int] = {}
    for i, op in enumerate(plan.ops):
        for n in op.refs():
            last[n] = i
    out: dict[int, list[str]] = {}
    for n, i in last.items():
        out.setdefault(i, []).append(n)
    return out


def resolve_path(root, prefix: str, target: str, allowed: set[str]):
    """Walk ``target`` (``np.linalg.norm``) from ``root`` if it is one of ``allowed``."""
    if target not in allowed:
        raise ExecutionError(f"{target} is not a command of this backend (not emitted by any "
                             "rule); a plan may only call mapped commands")
    obj = root
    for part in target.split(".")[1:]:
        obj = getattr(obj, part, None)
        if obj is None:
            raise ExecutionError(f"{target} does not exist in the installed {prefix}")
    return obj
