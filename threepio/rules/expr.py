"""The rule expansion language: parsed once (grammar in ``expr.lark``) into frozen dataclasses
that evaluate against a translation context. See ``expr.lark`` for the syntax.

Evaluation needs a context object with:
  ``vars``            name -> value (rule parameters, ``out``/``outs``, local assignments)
  ``emit(cmd, args, kwargs)``  emits one target command and returns its result value
  ``helper(name)``    the static helper function called ``name`` (or None)
  ``prefixes``        command prefixes that emit ops (``("tf",)`` or ``("np",)``)
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any


class ExprError(Exception):
    """Raised while parsing or evaluating an expression; the caller adds file and line."""


@cache
def _parser(start: str):
    from lark import Lark

    return Lark((Path(__file__).parent / "expr.lark").read_text(), start=start, parser="lalr")


# -- AST -------------------------------------------------------------------------------------
class Node:
    __slots__ = ()

    def ev(self, ctx) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Lit(Node):
    value: Any

    def ev(self, ctx):
        return self.value


@dataclass(frozen=True, slots=True)
class Name(Node):
    id: str

    def ev(self, ctx):
        try:
            return ctx.vars[self.id]
        except KeyError:
            raise ExprError(f"unknown name {self.id!r}; known: {', '.join(sorted(ctx.vars))}") \
                from None


@dataclass(frozen=True, slots=True)
class Attr(Node):
    obj: Node
    name: str

    def ev(self, ctx):
        return get_attr(self.obj.ev(ctx), self.name)


@dataclass(frozen=True, slots=True)
class Index(Node):
    obj: Node
    idx: Node

    def ev(self, ctx):
        obj, i = self.obj.ev(ctx), self.idx.ev(ctx)
        try:
            return obj[i]
        except (IndexError, TypeError, KeyError) as e:
            raise ExprError(f"cannot index {obj!r} with {i!r}: {e}") from None


@dataclass(frozen=True, slots=True)
class Slice(Node):
    obj: Node
    lo: Node | None
    hi: Node | None

    def ev(self, ctx):
        obj = self.obj.ev(ctx)
        lo = None if self.lo is None else self.lo.ev(ctx)
        hi = None if self.hi is None else self.hi.ev(ctx)
        return obj[lo:hi]


@dataclass(frozen=True, slots=True)
class Seq(Node):
    items: tuple[Node, ...]
    is_tuple: bool

    def ev(self, ctx):
        vals = [x.ev(ctx) for x in self.items]
        return tuple(vals) if self.is_tuple else vals


@dataclass(frozen=True, slots=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]
    kwargs: tuple[tuple[str, Node], ...]

    def ev(self, ctx):
        args = [a.ev(ctx) for a in self.args]
        kwargs = {k: v.ev(ctx) for k, v in self.kwargs}
        head = self.func.split(".", 1)[0]
        if "." in self.func and head in ctx.prefixes:
            return ctx.emit(self.func, args, kwargs)
        return self._helper(ctx, args, kwargs)

    def is_command(self, ctx) -> bool:
        return "." in self.func and self.func.split(".", 1)[0] in ctx.prefixes

    def ev_outputs(self, ctx, n: int) -> tuple:
        """A target command with ``n`` outputs (``a, b = tf.topk(...)``); a helper's result is
        unpacked like any sequence."""
        args = [a.ev(ctx) for a in self.args]
        kwargs = {k: v.ev(ctx) for k, v in self.kwargs}
        if self.is_command(ctx):
            return ctx.emit(self.func, args, kwargs, n_outputs=n)
        return self._helper(ctx, args, kwargs)

    def _helper(self, ctx, args, kwargs):
        fn = ctx.helper(self.func)
        if fn is None:
            raise ExprError(f"unknown function {self.func!r}: target commands start with "
                            f"{' or '.join(p + '.' for p in ctx.prefixes)}; helpers are "
                            f"{', '.join(sorted(ctx.helper_names()))}")
        return fn(ctx, *args, **kwargs)


@dataclass(frozen=True, slots=True)
class IfElse(Node):
    cond: Node
    then: Node
    other: Node

    def ev(self, ctx):  # lazy: only the chosen branch emits ops
        return self.then.ev(ctx) if truth(self.cond.ev(ctx)) else self.other.ev(ctx)


@dataclass(frozen=True, slots=True)
class BoolOp(Node):
    is_and: bool
    items: tuple[Node, ...]

    def ev(self, ctx):
        for x in self.items:
            v = truth(x.ev(ctx))
            if v != self.is_and:
                return v
        return self.is_and


@dataclass(frozen=True, slots=True)
class Not(Node):
    x: Node

    def ev(self, ctx):
        return not truth(self.x.ev(ctx))


_CMP = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
        ">": operator.gt, ">=": operator.ge, "in": lambda a, b: a in b,
        "not in": lambda a, b: a not in b}
_ARITH = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "//": operator.floordiv, "%": operator.mod}


@dataclass(frozen=True, slots=True)
class Compare(Node):
    op: str
    a: Node
    b: Node

    def ev(self, ctx):
        a, b = self.a.ev(ctx), self.b.ev(ctx)
        if a is None or b is None:  # `bias != null` works on tensors too
            if self.op not in ("==", "!="):
                raise ExprError(f"cannot compare null with {self.op}")
            return (a is b) == (self.op == "==")
        a, b = static(a), static(b)
        if isinstance(a, tuple):
            a = list(a)
        if isinstance(b, tuple):
            b = list(b)
        return _CMP[self.op](a, b)


@dataclass(frozen=True, slots=True)
class Arith(Node):
    first: Node
    rest: tuple[tuple[str, Node], ...]

    def ev(self, ctx):
        acc = static(self.first.ev(ctx))
        for op, node in self.rest:
            try:
                acc = _ARITH[op](acc, static(node.ev(ctx)))
            except (TypeError, ZeroDivisionError) as e:
                raise ExprError(f"static arithmetic failed: {e}") from None
        return acc


@dataclass(frozen=True, slots=True)
class Neg(Node):
    x: Node

    def ev(self, ctx):
        return -static(self.x.ev(ctx))


@dataclass(frozen=True, slots=True)
class Program(Node):
    assigns: tuple[tuple[tuple[str, ...], Node], ...]
    result: Node

    def ev(self, ctx):
        for names, node in self.assigns:
            if len(names) == 1:
                ctx.vars[names[0]] = node.ev(ctx)
                continue
            vals = node.ev_outputs(ctx, len(names)) if isinstance(node, Call) else node.ev(ctx)
            if not isinstance(vals, (list, tuple)) or len(vals) != len(names):
                raise ExprError(f"cannot unpack {vals!r} into {len(names)} names "
                                f"({', '.join(names)})")
            ctx.vars.update(zip(names, vals))
        return self.result.ev(ctx)


@dataclass(frozen=True, slots=True)
class Signature:
    """``name(a, b=1, *, c=None)``: positional parameters, then keyword-only ones."""

    name: str
    positional: tuple[str, ...]
    keyword: tuple[str, ...]
    defaults: tuple[tuple[str, Any], ...]
    varargs: str | None = None

    @property
    def params(self) -> tuple[str, ...]:
        return self.positional + self.keyword

    def __str__(self):
        d = dict(self.defaults)

        def p(n):
            return f"{n}={d[n]!r}" if n in d else n

        star = [f"*{self.varargs}"] if self.varargs else (["*"] if self.keyword else [])
        parts = [p(n) for n in self.positional] + star
        return f"{self.name}({', '.join(parts + [p(n) for n in self.keyword])})"


# -- helpers used by the AST -----------------------------------------------------------------
def truth(v) -> bool:
    v = static(v)
    if not isinstance(v, (bool, int, float, str, list, tuple, type(None))):
        raise ExprError(f"a condition must be static, got {v!r}")
    return bool(v)


def static(v):
    """Values a static operation may touch: tensors (symbolic) are refused."""
    if hasattr(v, "is_symbolic"):
        raise ExprError(f"{v} is a tensor: only static values (shapes, ints, lists...) can be "
                        "compared or combined with arithmetic; use a target command")
    return v


def get_attr(obj, name: str):
    if hasattr(obj, "is_symbolic"):
        return obj.attr(name)
    raise ExprError(f"{obj!r} has no attribute {name!r} (only tensors have shape/rank/dtype)")


# -- parsing ---------------------------------------------------------------------------------
_NUM_FLOAT = re.compile(r"[.eE]")


def _build(tree) -> Any:
    from lark import Token, Tree

    if isinstance(tree, Token):
        raise ExprError(f"unexpected token {tree!r}")
    assert isinstance(tree, Tree)
    k, ch = tree.data, tree.children
    if k in ("or_", "and_", "compare", "binop") and len(ch) == 1:
        return _build(ch[0])
    if k == "program":
        assigns = tuple((tuple(str(t) for t in a.children[:-1]), _build(a.children[-1]))
                        for a in ch[:-1])
        return Program(assigns, _build(ch[-1]))
    if k == "name":
        return Name(str(ch[0]))
    if k == "path":
        parts = str(ch[0]).split(".")
        node: Node = Name(parts[0])
        for p in parts[1:]:
            node = Attr(node, p)
        return node
    if k == "call":
        args, kwargs = [], []
        for a in ch[1:]:
            if a is None:
                continue
            if isinstance(a, Tree) and a.data == "kwarg":
                kwargs.append((str(a.children[0]), _build(a.children[1])))
            else:
                if kwargs:
                    raise ExprError("positional argument after keyword argument")
                args.append(_build(a))
        return Call(str(ch[0]), tuple(args), tuple(kwargs))
    if k == "number":
        s = str(ch[0])
        return Lit(float(s) if _NUM_FLOAT.search(s) else int(s))
    if k == "string":
        return Lit(str(ch[0])[1:-1])
    if k in ("true", "false", "null"):
        return Lit({"true": True, "false": False, "null": None}[k])
    if k in ("list", "tuple"):
        return Seq(tuple(_build(c) for c in ch if c is not None), k == "tuple")
    if k == "ifelse":
        return IfElse(_build(ch[1]), _build(ch[0]), _build(ch[2]))
    if k in ("or_", "and_"):
        return BoolOp(k == "and_", tuple(_build(c) for c in ch))
    if k == "not_":
        return Not(_build(ch[0]))
    if k == "compare":
        return Compare(str(ch[1]), _build(ch[0]), _build(ch[2]))
    if k == "binop":
        return Arith(_build(ch[0]), tuple((str(ch[i]), _build(ch[i + 1]))
                                          for i in range(1, len(ch), 2)))
    if k == "neg":
        return Neg(_build(ch[0]))
    if k == "attr":
        return Attr(_build(ch[0]), str(ch[1]))
    if k == "index":
        return Index(_build(ch[0]), _build(ch[1]))
    if k == "slice":
        return Slice(_build(ch[0]), *(None if c is None else _build(c) for c in ch[1:]))
    raise ExprError(f"unsupported construct {k!r}")


def _statements(text: str) -> str:
    """Newlines at bracket depth 0 separate statements; '#' starts a comment."""
    out, depth, quote = [], 0, None
    for line in text.splitlines():
        buf = []
        for c in line:
            if quote:
                quote = None if c == quote else quote
            elif c in "'\"":
                quote = c
            elif c == "#":
                break
            elif c in "([":
                depth += 1
            elif c in ")]":
                depth -= 1
            buf.append(c)
        s = "".join(buf).rstrip()
        if s.strip():
            out.append(s + (" ;" if depth == 0 and not s.rstrip().endswith(";") else " "))
    return "\n".join(out)


def parse_expr(text: str) -> Program:
    """Parse an expansion or condition. Raises ExprError with a caret under the bad column."""
    from lark.exceptions import LarkError

    src = _statements(str(text))
    try:
        tree = _parser("program").parse(src)
    except LarkError as e:
        raise ExprError(_caret(src, e)) from None
    return _build(tree)


def parse_signature(text: str) -> Signature:
    from lark.exceptions import LarkError

    try:
        tree = _parser("signature").parse(text)
    except LarkError as e:
        raise ExprError(_caret(text, e)) from None
    names = [str(t) for t in tree.children if not hasattr(t, "data") and t is not None]
    positional, keyword, defaults, kw, varargs = [], [], [], False, None
    for p in tree.children:
        if not hasattr(p, "data"):
            continue
        if p.data == "star":
            kw = True
            if p.children and p.children[0] is not None:
                varargs = str(p.children[0])
            continue
        name = str(p.children[0])
        (keyword if kw else positional).append(name)
        if p.children[1] is not None:
            defaults.append((name, _build(p.children[1]).ev(_NoCtx)))
    return Signature(".".join(names), tuple(positional), tuple(keyword), tuple(defaults),
                     varargs)


class _NoCtx:
    vars: dict = {}
    prefixes: tuple = ()

    @staticmethod
    def helper(name):
        return None

    @staticmethod
    def helper_names():
        return ()


def _caret(src: str, e) -> str:
    line, col = getattr(e, "line", None), getattr(e, "column", None)
    first = str(e).strip().splitlines()[0]
    if line is None or col is None or line < 1:
        return first
    text = src.splitlines()[line - 1] if src.splitlines() else src
    return f"{first}\n    {text}\n    {' ' * (col - 1)}^"
