"""What changed between two catalogs (two releases of one framework): commands added, removed,
and changed in their signatures.

    d = diff_catalogs(load_catalog("tfjs", "1.5.1"), load_catalog("tfjs", "4.22.0"))
    print(d)                # one line per change;  d.to_dict() for --json

A command changes when its parameter list (names, order, kinds, optional marks), a parameter's
documented type, its return type, or a default both releases state differs (a default only one
side documents is not a change: catalogs record defaults only where the documentation gives
one). Each change says which of these
(``params``, ``defaults``, ``types``, ``returns``) so type-only edits can be told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Catalog, Command, Param

ASPECTS = ("params", "defaults", "types", "returns")


@dataclass
class Change:
    name: str
    aspects: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "aspects": self.aspects, "details": self.details}


@dataclass
class CatalogDiff:
    old: str                                  # tfjs@1.5.1
    new: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    def counts(self) -> dict:
        by = {a: sum(a in c.aspects for c in self.changed) for a in ASPECTS}
        return {"added": len(self.added), "removed": len(self.removed),
                "changed": len(self.changed), "changed_by_aspect": by}

    def to_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "counts": self.counts(), "added": self.added,
                "removed": self.removed, "changed": [c.to_dict() for c in self.changed]}

    def __str__(self) -> str:
        n = self.counts()
        out = [f"{self.old} -> {self.new}: {n['added']} added, {n['removed']} removed, "
               f"{n['changed']} changed ("
               + ", ".join(f"{k} {v}" for k, v in n["changed_by_aspect"].items()) + ")"]
        out += [f"+ {name}" for name in self.added]
        out += [f"- {name}" for name in self.removed]
        for c in self.changed:
            out.append(f"~ {c.name}: " + "; ".join(c.details))
        return "\n".join(out)


def diff_catalogs(old: Catalog, new: Catalog) -> CatalogDiff:
    d = CatalogDiff(old.ref, new.ref)
    d.added = sorted(set(new.commands) - set(old.commands))
    d.removed = sorted(set(old.commands) - set(new.commands))
    for name in sorted(set(old.commands) & set(new.commands)):
        change = compare_commands(old.commands[name], new.commands[name])
        if change.aspects:
            d.changed.append(change)
    return d


def compare_commands(a: Command, b: Command) -> Change:
    """How ``b`` differs from ``a`` (same qualified name, two releases)."""
    c = Change(a.name)

    def note(aspect: str, detail: str):
        if aspect not in c.aspects:
            c.aspects.append(aspect)
        c.details.append(detail)

    if not (a.parsed and b.parsed):
        if a.signature != b.signature:
            note("params", f"signature {a.signature!r} -> {b.signature!r} (not parsed)")
        return c
    if [_shape(p) for p in a.params] != [_shape(p) for p in b.params]:
        note("params", f"{_params(a)} -> {_params(b)}")
    old = {p.name: p for p in a.params}
    for p in b.params:
        q = old.get(p.name)
        if q is None:
            continue
        if q.default is not None and p.default is not None and q.default != p.default:
            note("defaults", f"default of {p.name}: {q.default} -> {p.default}")
        if _type(q.type) != _type(p.type):
            note("types", f"type of {p.name}: {q.type} -> {p.type}")
    if _type(a.returns) != _type(b.returns):
        note("returns", f"returns {a.returns} -> {b.returns}")
    return c


def _shape(p: Param) -> tuple:
    return p.name, p.kind, p.optional


def _params(cmd: Command) -> str:
    def one(p: Param) -> str:
        star = {"var_positional": "...", "var_keyword": "**"}.get(p.kind, "")
        return f"{star}{p.name}{'?' if p.optional else ''}"

    return "(" + ", ".join(one(p) for p in cmd.params) + ")"


def _type(t: str | None) -> str | None:
    """A type for comparison: no spaces, and no rank/dtype arguments (``Tensor<Rank>``,
    ``Tensor<R>``), which the API data drops and the declarations keep, and no module
    qualifiers (``conv_util.ExplicitPadding``); ``;`` and ``,`` alike between object-type
    members."""
    if not t:
        return t
    t = re.sub(r"<(?:R|Rank|D)>", "", re.sub(r"\s+", "", t))
    t = re.sub(r"\b[a-z_]+\.(?=[A-Z])", "", t)           # conv_util.ExplicitPadding
    return re.sub(r"[;,]}", "}", t.replace(";", ","))
