"""The plan IR: a small, closed representation of a traced or translated program.

A :class:`Plan` has five kinds of node, printed one per line:

* inputs     ``%x: f32[64,784]``               values the caller passes, in order
* constants  ``%c0 = constant f32[] "AACAPw=="`` tensors embedded in the plan
* calls      ``%h = tf.matMul(%x, %w, false, true)``  one command of the plan's namespace
* guards     ``guard %ok "var has no negative entry"``  conditions the runtime enforces
* outputs    ``return (%loss, %w1_next)``

A guard is a bool value that must be true everywhere: a condition PyTorch read from the data
while tracing (``if torch.any(var < 0): raise``), which the plan is specialised to. Runners
raise :class:`~threepio.errors.GuardError` when it does not hold, so a plan never silently
computes a branch PyTorch would not have taken.

Every value carries a :class:`TensorType` (dtype and static shape) when it is known; values
introduced inside a multi-command expansion may carry none. Calls record where they came from
(``source``: the user's file and line) and, once translated, which rule produced them
(``rule``: mapping file and line). Casts the translator had to insert (int64 -> int32 for
TF.js...) are listed in ``plan.casts`` so nothing is narrowed silently.

The namespace says whose commands the calls are: ``aten`` (``aten.addmm.default``), ``torch``
(public API: ``torch.nn.functional.linear``), ``tfjs`` (``tf.matMul``), ``tf``
(``tf.linalg.matmul``) or ``numpy`` (``np.matmul``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .errors import PlanLintError

FORMAT_VERSION = 1
NAMESPACES = ("aten", "torch", "tfjs", "tf", "numpy")

#: canonical dtype name -> short name used in printed plans
DTYPE_SHORT = {
    "float64": "f64", "float32": "f32", "float16": "f16", "bfloat16": "bf16",
    "int64": "i64", "int32": "i32", "int16": "i16", "int8": "i8", "uint8": "u8",
    "bool": "b8", "complex64": "c64", "complex128": "c128",
}
DTYPE_LONG = {v: k for k, v in DTYPE_SHORT.items()}
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class TensorType:
    """Static dtype and shape of a value."""

    dtype: str
    shape: tuple[int, ...]

    def __post_init__(self):
        if self.dtype not in DTYPE_SHORT:
            raise ValueError(f"unknown dtype {self.dtype!r}; expected one of {sorted(DTYPE_SHORT)}")

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def numel(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    def __str__(self) -> str:
        return f"{DTYPE_SHORT[self.dtype]}[{','.join(map(str, self.shape))}]"


@dataclass(frozen=True, slots=True)
class Ref:
    """A use of a named value as an argument."""

    name: str

    def __str__(self) -> str:
        return f"%{self.name}"


@dataclass(frozen=True, slots=True)
class DType:
    """A dtype passed as an argument (``_to_copy(x, dtype=f32)``)."""

    name: str

    def __str__(self) -> str:
        return f"dtype:{self.name}"


@dataclass(slots=True)
class Value:
    """A named value: an input, a constant or an op output."""

    name: str
    type: TensorType | None = None


@dataclass(slots=True)
class Constant:
    """A tensor embedded in the plan. ``data`` is a NumPy array of ``type``'s dtype and shape."""

    name: str
    type: TensorType
    data: Any

    @property
    def value(self) -> Value:
        return Value(self.name, self.type)


@dataclass(slots=True)
class Op:
    """One command call. Args and kwargs hold literals, :class:`Ref`, :class:`DType` and lists."""

    target: str
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    outputs: list[Value] = field(default_factory=list)
    source: str | None = None
    rule: str | None = None

    def refs(self) -> Iterator[str]:
        """Names of the values this op reads, in argument order."""
        yield from _refs(self.args)
        yield from _refs(tuple(self.kwargs.values()))


@dataclass(slots=True)
class Cast:
    """A dtype change the translator made to a value (e.g. int64 -> int32 for TF.js)."""

    value: str
    from_dtype: str
    to_dtype: str
    checked: bool  # True when the runtime refuses values that do not fit the new dtype
    reason: str
    #: for a checked input: the range its values are checked against (the new dtype's when None)
    range: tuple[int, int] | None = None


@dataclass(slots=True)
class Guard:
    """A bool value the runtime checks is true in every element, and what it means."""

    ref: Ref
    message: str


@dataclass(slots=True)
class Plan:
    """A traced or translated program. See the module docstring for the node kinds."""

    name: str
    namespace: str
    inputs: list[Value] = field(default_factory=list)
    constants: list[Constant] = field(default_factory=list)
    ops: list[Op] = field(default_factory=list)
    outputs: list[Ref] = field(default_factory=list)
    casts: list[Cast] = field(default_factory=list)
    #: the example inputs a tracer ran (NumPy arrays); kept in memory only, never serialized
    examples: list | None = field(default=None, compare=False, repr=False)
    #: what the layout pass did: {"transposes": after, "before": before} (threepio.layout)
    layout: dict | None = field(default=None, compare=False, repr=False)
    guards: list[Guard] = field(default_factory=list)

    # -- queries -----------------------------------------------------------------------------
    def values(self) -> Iterator[Value]:
        """Every defined value, in definition order."""
        yield from self.inputs
        for c in self.constants:
            yield c.value
        for op in self.ops:
            yield from op.outputs

    def types(self) -> dict[str, TensorType | None]:
        return {v.name: v.type for v in self.values()}

    def output_types(self) -> list[TensorType | None]:
        types = self.types()
        return [types[r.name] for r in self.outputs]

    def rename(self, mapping: dict[str, str]) -> Plan:
        """Rename values everywhere (definitions and uses), in place; returns the plan."""
        taken = {v.name for v in self.values()} - set(mapping)
        for new in mapping.values():
            if new in taken or not NAME_RE.match(new):
                raise PlanLintError(f"cannot rename to {new!r}: invalid or already used")
            taken.add(new)

        def ref(r: Ref) -> Ref:
            return Ref(mapping.get(r.name, r.name))

        for v in self.values():
            v.name = mapping.get(v.name, v.name)
        for c in self.constants:
            c.name = mapping.get(c.name, c.name)
        for op in self.ops:
            op.args = tuple(map_refs(a, ref) for a in op.args)
            op.kwargs = {k: map_refs(a, ref) for k, a in op.kwargs.items()}
        self.outputs = [ref(r) for r in self.outputs]
        for g in self.guards:
            g.ref = ref(g.ref)
        for c in self.casts:
            c.value = mapping.get(c.value, c.value)
        return self

    # -- checks ------------------------------------------------------------------------------
    def lint(self, known_targets=None) -> Plan:
        """Check names are unique and valid, every use follows its definition, and (when
        ``known_targets`` is given) every call's target is one of them. Returns the plan."""
        problems: list[str] = []
        defined: set[str] = set()

        def define(name: str, where: str):
            if not isinstance(name, str) or not NAME_RE.match(name):
                problems.append(f"{where}: invalid value name {name!r}")
            elif name in defined:
                problems.append(f"{where}: value %{name} is defined twice")
            defined.add(name)

        for i, v in enumerate(self.inputs):
            define(v.name, f"input {i}")
        for i, c in enumerate(self.constants):
            define(c.name, f"constant {i}")
        for i, op in enumerate(self.ops):
            for name in op.refs():
                if name not in defined:
                    problems.append(f"op {i} ({op.target}): uses %{name} before it is defined")
            if known_targets is not None and op.target not in known_targets:
                problems.append(f"op {i}: unknown target {op.target!r} for namespace "
                                f"{self.namespace!r}")
            for out in op.outputs:
                define(out.name, f"op {i} ({op.target})")
        for i, r in enumerate(self.outputs):
            if r.name not in defined:
                problems.append(f"output {i}: %{r.name} is not defined")
        for i, g in enumerate(self.guards):
            if g.ref.name not in defined:
                problems.append(f"guard {i}: %{g.ref.name} is not defined")
        if problems:
            from .plan_text import format_plan

            raise PlanLintError(
                f"plan {self.name!r} is inconsistent:\n  " + "\n  ".join(problems)
                + "\n--- plan ---\n" + format_plan(self)
            )
        return self

    def __str__(self) -> str:
        from .plan_text import format_plan

        return format_plan(self)

    # -- serialization -----------------------------------------------------------------------
    def to_json(self) -> str:
        from .plan_json import dumps

        return dumps(self)

    @staticmethod
    def from_json(text: str, filename: str = "<string>") -> Plan:
        from .plan_json import loads

        return loads(text, filename)

    def save(self, path) -> None:
        from pathlib import Path

        Path(path).write_text(self.to_json() if not str(path).endswith(".txt") else str(self))


def fresh_name(base: str, used: set[str]) -> str:
    """``base``, or ``base_1``, ``base_2``... whichever is not in ``used``; adds it to ``used``.
    The one allocator of value names (tracers, importers, the translator)."""
    name, k = base, 0
    while name in used:
        k += 1
        name = f"{base}_{k}"
    used.add(name)
    return name


def _refs(items) -> Iterator[str]:
    for a in items:
        if isinstance(a, Ref):
            yield a.name
        elif isinstance(a, (list, tuple)):
            yield from _refs(a)


def map_refs(arg, fn):
    """Rebuild an argument with every :class:`Ref` replaced by ``fn(ref)``."""
    if isinstance(arg, Ref):
        return fn(arg)
    if isinstance(arg, list):
        return [map_refs(a, fn) for a in arg]
    if isinstance(arg, tuple):
        return tuple(map_refs(a, fn) for a in arg)
    return arg
