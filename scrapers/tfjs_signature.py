"""Parsing TF.js signatures with the grammar of ``tfjs.lark``: the API data's ``paramStr``
(``(x, axis?, keepDims?)``) and TypeScript declarations of the ``.d.ts`` files
(``declare function abs_<T extends Tensor>(x: T | TensorLike): T;``).

    >>> parse_paramstr("(value, ...locs)")
    (Param(name='value', ...), Param(name='locs', kind='var_positional', ...))

Both return ``None`` when the text does not parse; the scrapers count those.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lark import Lark, Token, Tree
from lark.exceptions import LarkError

from threepio.catalog.model import Param

GRAMMAR = Path(__file__).with_name("tfjs.lark")


@cache
def _parser() -> Lark:
    return Lark(GRAMMAR.read_text(), parser="lalr", propagate_positions=True)


@dataclass(frozen=True)
class Declaration:
    name: str                        # as declared: `abs_`, `sgd`, `set`
    modifiers: tuple[str, ...]       # export, declare, static, abstract...
    params: tuple[Param, ...]
    returns: str | None


def _parse(text: str) -> Tree | None:
    try:
        return _parser().parse(text).children[0]
    except LarkError:
        return None


def parse_paramstr(text: str) -> tuple[Param, ...] | None:
    """``(x, axis?, ...rest)`` -> its parameters (names, ``optional``, ``var_positional``)."""
    tree = _parse(text)
    if tree is None or tree.data != "paramstr":
        return None
    params = []
    for p in tree.children:
        if p is None:
            continue
        toks = {t.type: str(t) for t in p.children}
        params.append(Param(toks["NAME"], "var_positional" if "REST" in toks else "positional",
                            optional="OPTIONAL" in toks))
    return tuple(params)


def parse_declaration(text: str) -> Declaration | None:
    """One TypeScript function or method declaration -> name, modifiers, typed parameters and
    return type. Type variables are replaced by their constraint (``T extends Tensor`` -> the
    ``T`` of ``x: T`` reads ``Tensor``), as the TF.js site renders them."""
    tree = _parse(text)
    if tree is None or tree.data != "declaration":
        return None
    mods, name, generics, params, returns = [], None, {}, (), None
    for ch in tree.children:
        if isinstance(ch, Tree) and ch.data == "modifier":
            mods.append(str(ch.children[0]))
        elif isinstance(ch, Token) and ch.type == "NAME":
            name = str(ch)
        elif isinstance(ch, Tree) and ch.data == "typeparams":
            generics = _generics(ch, text)
        elif isinstance(ch, Tree) and ch.data == "params":
            params = tuple(_param(p, i, text, generics) for i, p in enumerate(ch.children))
        elif ch is not None and not (isinstance(ch, Token) and ch.type == "FUNCTION"):
            returns = type_text(_slice(ch, text), generics)
    return Declaration(name, tuple(mods), params, returns)


def _generics(tree: Tree, text: str) -> dict[str, str]:
    out = {}
    for tp in tree.children:
        name, *rest = tp.children
        if rest and rest[0] is not None:
            out[str(name)] = _slice(rest[0], text)
    return out


def _param(p: Tree, index: int, text: str, generics: dict) -> Param:
    toks = {c.type: str(c) for c in p.children if isinstance(c, Token) and c.type != "STRING"}
    types = [c for c in p.children if not (isinstance(c, Token) and c.type in
                                           ("REST", "NAME", "OPTIONAL"))
             and not (isinstance(c, Tree) and c.data == "binding")]
    ty = type_text(_slice(types[0], text), generics) if types else None
    return Param(toks.get("NAME", f"__{index}"), "var_positional" if "REST" in toks
                 else "positional", type=ty, optional="OPTIONAL" in toks)


def _slice(node, text: str) -> str:
    if isinstance(node, Token):
        return text[node.start_pos:node.end_pos]
    return text[node.meta.start_pos:node.meta.end_pos]


_IMPORT = re.compile(r"""import\(["'][^"']*["']\)\.""")


def type_text(t: str, generics: dict[str, str] | None = None) -> str:
    """A type as documentation shows it: ``import("...").Tensor`` -> ``Tensor``, type variables
    replaced by their constraints, whitespace collapsed, none around ``|`` (as the API data
    writes unions)."""
    t = _IMPORT.sub("", t)
    for var, bound in (generics or {}).items():
        t = re.sub(rf"(?<![\w$.]){re.escape(var)}(?![\w$])", lambda _m, b=bound: _IMPORT.sub("", b),
                   t)
    return re.sub(r"\s*\|\s*", "|", re.sub(r"\s+", " ", t)).strip()
