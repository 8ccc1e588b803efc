"""Compiled mapping rules: what a YAML rule becomes after loading (frozen, parse-free)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .expr import Program, Signature


@dataclass(frozen=True, slots=True)
class Case:
    """One alternative of a rule: emit ``emit`` when ``when`` holds, refuse with a reason
    (``unsupported``), or translate the command's Core ATen decomposition instead
    (``decompose``, a reason; API-level commands only), or translate threepio's expansion
    of the op (``expand``, the name of a :mod:`threepio.expansions` function)."""

    when: Program | None
    when_text: str | None
    emit: Program | None
    unsupported: str | None
    line: int
    decompose: str | None = None
    expand: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """How one source command (``aten.addmm.default``, ``torch.nn.functional.linear``) is
    expressed on one target. ``where`` is ``file:line`` of its YAML key."""

    key: str
    signature: Signature
    cases: tuple[Case, ...]
    where: str
    target_doc: str | None = None
    tolerance: dict | None = None
    why: str | None = None
    generated: dict | None = None   # {by: ..., confidence: ...} when a tool wrote the rule
    #: the command's result values are unspecified in PyTorch (torch.empty): only the shape and
    #: dtype can be checked
    undefined_values: bool = False


@dataclass(frozen=True, slots=True)
class DtypeMap:
    to: str | None  # None: the target cannot hold this dtype; translation refuses it
    checked: bool
    why: str


@dataclass(slots=True)
class RuleSet:
    """All rules of one target, plus its dtype policy and scalar handling."""

    target: str
    prefixes: tuple[str, ...]
    cast: Program
    dtypes: dict[str, DtypeMap] = field(default_factory=dict)
    weak_scalars: frozenset = frozenset()
    tolerance: dict[str, float] = field(default_factory=dict)
    positional_only: bool = False
    rules: dict[str, Rule] = field(default_factory=dict)
    commands: set[str] = field(default_factory=set)
    files: list[str] = field(default_factory=list)
    layout: Any = None              # a threepio.layout.LayoutSpec when the target prefers NHWC

    def map_dtype(self, dtype: str) -> str:
        m = self.dtypes.get(dtype)
        return m.to if m and m.to else dtype

    def unsupported_dtype(self, dtype: str) -> str | None:
        """Why the target cannot hold ``dtype`` at all, or None."""
        m = self.dtypes.get(dtype)
        return m.why if m is not None and m.to is None else None

    def get(self, key: str) -> Rule | None:
        return self.rules.get(key)


def walk_calls(node: Any):
    """Yield every Call node of an expression tree."""
    from .expr import Call

    if isinstance(node, Call):
        yield node
    if hasattr(node, "__slots__"):
        for name in node.__slots__:
            v = getattr(node, name, None)
            items = v if isinstance(v, tuple) else (v,)
            for x in items:
                if isinstance(x, tuple):
                    for y in x:
                        yield from walk_calls(y)
                elif hasattr(x, "ev"):
                    yield from walk_calls(x)
