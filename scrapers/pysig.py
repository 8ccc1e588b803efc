"""Python-style signature lines, parsed with ``pysig.lark`` into catalog parameters.

    >>> name, params, returns = parse_signature("add(input, other, *, alpha=1, out=None) -> Tensor")
    >>> name, [(p.name, p.kind, p.default) for p in params], returns
    ('add', [('input', 'positional', None), ('other', 'positional', None),
             ('alpha', 'keyword_only', '1'), ('out', 'keyword_only', 'None')], 'Tensor')

Kinds follow Python: parameters before ``/`` are positional-only, after ``*`` or ``*args``
keyword-only. NumPy's optional groups (``[, signature]``, ``arange([start,] stop[, step,])``)
give ``optional=True`` parameters. Defaults are rendered canonically (``(1, 2)``, ``'same'``,
``-1``, ``torch.strided``), the way Sphinx renders them on a documentation page, so a default read
from a docstring, from ``inspect`` or from HTML compares equal. Annotations are kept as written
(whitespace collapsed). The return annotation is the free text after ``->`` (or ``→``).

:func:`signature_lines` finds the signature lines of a docstring: the leading ones (as Sphinx's
``autodoc_docstring_signature`` does, several for overloads) and PyTorch's ``.. function::``
overload lines.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from threepio.catalog.model import Param
from threepio.errors import ThreepioError


class SignatureError(ThreepioError, ValueError):
    """A signature line does not parse: the message shows the line and a caret at the column."""

    def __init__(self, message: str, text: str, column: int):
        super().__init__(message)
        self.text = text
        self.column = column


@cache
def _parser():
    from lark import Lark

    return Lark((Path(__file__).parent / "pysig.lark").read_text(), parser="lalr",
                propagate_positions=True)


def parse_signature(text: str) -> tuple[str, tuple[Param, ...], str | None]:
    """``(qualified name, parameters, return annotation or None)`` of one signature line.

    Raises :class:`SignatureError` naming the column where the line stops being a signature."""
    from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

    line = " ".join(text.split())
    try:
        tree = _parser().parse(line)
    except UnexpectedInput as e:
        col = getattr(e, "column", 0) or 0
        if isinstance(e, UnexpectedToken) and e.token.type == "$END":
            what = "unexpected end"
        elif isinstance(e, UnexpectedToken) and e.token.type != "RETURN_TEXT":
            what = f"unexpected {str(e.token)!r}"
        elif isinstance(e, (UnexpectedCharacters, UnexpectedToken)) and col:
            what = f"unexpected character {line[col - 1]!r}"
        else:
            what = "not a signature"
        raise _error(what, line, col) from None
    return _Builder(line).signature(tree.children[0])


def _error(what: str, line: str, col: int) -> SignatureError:
    col = max(col, 1)
    return SignatureError(f"cannot parse signature at column {col}: {what}\n  {line}\n"
                          f"  {' ' * (col - 1)}^\n(expected `name(param, ..., *, kw=default) -> "
                          "returns`)", line, col)


class _Builder:
    """Turns the parse tree into parameters, tracking ``/``, ``*`` and optional groups."""

    def __init__(self, line: str):
        self.line = line
        self.params: list[Param] = []
        self.kind = "positional"
        self.saw_slash = False

    def signature(self, tree):
        from lark import Tree

        qualname, plist, *rest = tree.children
        name = ".".join(str(t) for t in qualname.children)
        self._plist(plist, optional=False)
        if self.saw_slash:
            self.params = [p if i >= self.slash_at else _with(p, kind="positional_only")
                           for i, p in enumerate(self.params)]
        returns = None
        if rest and isinstance(rest[0], Tree):
            returns = str(rest[0].children[1]).strip() or None
        names = [p.name for p in self.params if p.name != "..."]
        dup = next((n for n in names if names.count(n) > 1), None)
        if dup is not None:
            raise _error(f"parameter {dup!r} appears twice", self.line,
                         self.line.find(dup, self.line.find("(")) + 1)
        return name, tuple(self.params), returns

    def _plist(self, plist, optional: bool):
        from lark import Token

        prev_item = None
        for child in plist.children:
            if isinstance(child, Token) and child.type == "COMMA":
                prev_item = None
                continue
            is_group = child.data == "group"
            if prev_item is not None and not is_group and prev_item != "group":
                raise _error("missing comma between parameters", self.line,
                             child.meta.column if not child.meta.empty else 0)
            prev_item = "group" if is_group else "param"
            if is_group:
                self._plist(child.children[1], optional=True)
            else:
                self._param(child, optional)

    def _param(self, node, optional: bool):
        kind = node.data
        ch = node.children
        if kind == "pos_marker":
            self.saw_slash = True
            self.slash_at = len(self.params)
            return
        if kind == "kw_marker":
            self.kind = "keyword_only"
            return
        if kind == "ellipsis":
            self.params.append(Param("...", "var_positional", optional=optional))
            return
        if kind in ("var_positional", "var_keyword"):
            name, annot = str(ch[1]), self._annotation(ch[2:])
            if kind == "var_positional":
                self.kind = "keyword_only"
            self.params.append(Param(name, kind, None, annot, optional))
            return
        if kind == "c_typed":                    # `bool pivot=True` (C++-style, in torch docs)
            name, annot, ch = str(ch[1]), str(ch[0]), ch[1:]
        else:
            name, annot = str(ch[0]), self._annotation(ch[1:])
        default = next((render(c.children[0]) for c in ch[1:] if c.data == "default"), None)
        self.params.append(Param(name, self.kind, default, annot, optional))

    def _annotation(self, nodes):
        for n in nodes:
            if n.data == "annotation":
                t = n.children[0]
                if hasattr(t, "meta") and not t.meta.empty:
                    return " ".join(self.line[t.meta.start_pos:t.meta.end_pos].split())
                return render(t)
        return None


def _with(p: Param, **kw) -> Param:
    from dataclasses import replace

    return replace(p, **kw)


def render(node) -> str:
    """Canonical source text of a default value (or annotation) subtree."""
    from lark import Token

    if isinstance(node, Token):
        if node.type == "STRING" and node[:1] in "'\"":
            return repr(ast.literal_eval(str(node)))   # a literal, never evaluated as code
        return str(node)
    d, ch = node.data, node.children
    if d == "dotted":
        return ".".join(str(c) for c in ch)
    if d == "neg":
        return "-" + render(ch[0])
    if d == "pos":
        return "+" + render(ch[0])
    if d == "value":
        return " ".join(render(c) for c in ch)
    if d == "call":
        return render(ch[0]) + "(" + (render(ch[1]) if len(ch) > 1 else "") + ")"
    if d == "kwarg":
        return f"{ch[0]}={render(ch[1])}"
    if d in ("vlist", "args", "type_list"):
        return ", ".join(render(c) for c in ch)
    if d == "tuple":
        inner = [render(c) for c in ch[0].children] if ch else []
        return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
    if d in ("list", "type_seq"):
        return "[" + (render(ch[0]) if ch else "") + "]"
    if d == "dict":
        items = [render(c) for c in ch[0].children] if ch else []
        return "{" + ", ".join(f"{k}: {v}" for k, v in zip(items[::2], items[1::2])) + "}"
    if d == "type_call":
        return render(ch[0]) + "(" + (render(ch[1]) if len(ch) > 1 else "") + ")"
    if d == "typevar":
        return "~" + render(ch[0])
    if d == "subscript":
        return f"{render(ch[0])}[{render(ch[1])}]"
    if d == "type":
        return " | ".join(render(c) for c in ch)
    return " ".join(render(c) for c in ch)


# -- finding signature lines in docstrings --------------------------------------------------

_DIRECTIVE = re.compile(r"^\s*\.\. (?:py:)?(?:function|method)::\s*(.+)$")
_START = re.compile(r"^\s*([\w.]+)\s*\(")


def _join_continued(lines: list[str], i: int) -> tuple[str, int]:
    """The logical line starting at ``lines[i]``: continued while brackets stay open, with RST
    escapes removed (``\\*`` is ``*``, a backslash-space is nothing)."""
    text = lines[i].strip()
    j = i
    while _depth(text) > 0 and j + 1 < len(lines) and j - i < 8:
        j += 1
        text += " " + lines[j].strip()
    text = text.replace("\\ ", " ").replace("\\*", "*")
    return " ".join(text.split()), j


def _depth(text: str) -> int:
    return text.count("(") - text.count(")")


def signature_lines(doc: str | None, name: str) -> tuple[list[str], str]:
    """The signature lines for the object called ``name`` in docstring ``doc`` and the docstring
    without the leading ones.

    Leading lines count when they start with ``name(`` or ``<anything>.name(`` (Sphinx's rule);
    ``.. function:: name(...)`` / ``.. method::`` lines anywhere add overloads."""
    if not doc:
        return [], ""
    lines = doc.expandtabs().splitlines()
    found: list[str] = []
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines):
        m = _START.match(lines[i])
        if not m or m.group(1).rsplit(".", 1)[-1] != name:
            break
        text, i = _join_continued(lines, i)
        found.append(text)
        i += 1
    rest = lines[i:]
    for k, line in enumerate(rest):
        m = _DIRECTIVE.match(line)
        if m and _START.match(m.group(1)) and \
                _START.match(m.group(1)).group(1).rsplit(".", 1)[-1] == name:
            text, _ = _join_continued([m.group(1)] + rest[k + 1:], 0)
            if text not in found:
                found.append(text)
    return found, "\n".join(rest)
