"""Printed form of a plan: one line per node, parseable back to the same plan.

::

    plan "mnist_step" aten v1
    input %x: f32[64,784]
    input %y: i64[64]
    cast %y int64 -> int32 checked "TF.js has no int64"
    %c0 = constant f32[] "CtcjPA=="
    %t = aten.permute.default(%w1, [1, 0])   # f32[784,392]  src=model.py:17
    %h = tf.matMul(%x, %w1, false, true)   # f32[64,392]  rule=tfjs.yaml:88  src=model.py:17
    return %loss, %w1_next

Arguments print as ``%name`` (a value), ``1``/``1.0``/``inf``/``nan``, ``true``/``false``/
``null``, JSON strings, ``dtype:float32`` and ``[...]`` lists; keywords as ``name=value``.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path

from .errors import PlanFormatError
from .ir import (
    DTYPE_LONG,
    FORMAT_VERSION,
    Cast,
    Constant,
    DType,
    Guard,
    Op,
    Plan,
    Ref,
    TensorType,
    Value,
)

_WORD = re.compile(r"[A-Za-z0-9_./:<>+\-]+\Z")


# -- printing --------------------------------------------------------------------------------
def format_arg(a) -> str:
    if isinstance(a, (Ref, DType)):
        return str(a)
    if a is None:
        return "null"
    if isinstance(a, bool):
        return "true" if a else "false"
    if isinstance(a, float):
        return "nan" if math.isnan(a) else repr(a)
    if isinstance(a, int):
        return str(a)
    if isinstance(a, str):
        return json.dumps(a)
    if isinstance(a, (list, tuple)):
        return "[" + ", ".join(format_arg(x) for x in a) + "]"
    raise TypeError(f"cannot print argument {a!r}")


def _word(s: str) -> str:
    return s if _WORD.match(s) else json.dumps(s)


def format_op(op: Op) -> str:
    outs = ", ".join(f"%{v.name}" for v in op.outputs)
    items = [format_arg(a) for a in op.args]
    items += [f"{k}={format_arg(v)}" for k, v in op.kwargs.items()]
    line = f"{outs} = {op.target}({', '.join(items)})"
    meta = ", ".join(str(v.type) if v.type else "?" for v in op.outputs)
    if op.rule is not None:
        meta += f"  rule={_word(op.rule)}"
    if op.source is not None:
        meta += f"  src={_word(op.source)}"
    return f"{line}   # {meta}"


def format_plan(plan: Plan) -> str:
    lines = [f"plan {json.dumps(plan.name)} {plan.namespace} v{FORMAT_VERSION}"]
    lines += [f"input %{v.name}: {v.type or '?'}" for v in plan.inputs]
    lines += [f"cast %{c.value} {c.from_dtype} -> {c.to_dtype} "
              f"{'checked' if c.checked else 'unchecked'} "
              f"{'' if c.range is None else f'[{c.range[0]}, {c.range[1]}] '}{json.dumps(c.reason)}"
              for c in plan.casts]
    if plan.layout is not None:
        lines.append(f"layout transposes={plan.layout['transposes']} "
                     f"before={plan.layout['before']}")
    if plan.constants:
        from .plan_json import encode_data

        lines += [f"%{c.name} = constant {c.type} {json.dumps(encode_data(c.data, c.type))}"
                  for c in plan.constants]
    lines += [format_op(op) for op in plan.ops]
    lines += [f"guard {g.ref} {json.dumps(g.message)}" for g in plan.guards]
    lines.append("return " + ", ".join(str(r) for r in plan.outputs))
    return "\n".join(lines) + "\n"


# -- parsing ---------------------------------------------------------------------------------
@cache
def _parser():
    from lark import Lark

    return Lark((Path(__file__).parent / "plan.lark").read_text(), start="line", parser="lalr",
                maybe_placeholders=True)


def _type(tok) -> TensorType:
    s = str(tok)
    short, dims = s[:-1].split("[")
    return TensorType(DTYPE_LONG[short], tuple(int(d) for d in dims.split(",") if d))


def _string(tok) -> str:
    return json.loads(str(tok))


def _value_of(tree):
    from lark import Token

    if isinstance(tree, Token):
        raise AssertionError(tree)
    kind = tree.data
    if kind == "ref":
        return Ref(str(tree.children[0])[1:])
    if kind == "number":
        s = str(tree.children[0])
        return float(s) if any(c in s for c in ".eE") else int(s)
    if kind == "string":
        return _string(tree.children[0])
    if kind == "dtype":
        return DType(str(tree.children[0])[6:])
    if kind == "list":
        return [_value_of(c) for c in tree.children if c is not None]
    return {"neg_inf": -math.inf, "pos_inf": math.inf, "nan": math.nan, "true": True,
            "false": False, "null": None}[kind]


def parse_plan(text: str, filename: str = "<string>") -> Plan:
    """Parse a printed plan. Errors name the file, line and column."""
    from lark.exceptions import LarkError

    parser = _parser()
    plan: Plan | None = None
    ret_seen = False
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            tree = parser.parse(line)
        except LarkError as e:
            col = getattr(e, "column", "?")
            raise PlanFormatError(f"{filename}:{lineno}:{col}: cannot parse plan line: "
                                  f"{raw.strip()}\n  {type(e).__name__}: "
                                  f"{str(e).splitlines()[0]}") from None
        kind, ch = tree.data, tree.children
        if plan is None and kind != "header":
            raise PlanFormatError(f"{filename}:{lineno}: a plan starts with 'plan \"name\" "
                                  "namespace v1'")
        if ret_seen:
            raise PlanFormatError(f"{filename}:{lineno}: nothing may follow 'return'")
        try:
            if kind == "header":
                if int(ch[2]) != FORMAT_VERSION:
                    raise ValueError(f"format version {ch[2]} is not supported")
                plan = Plan(_string(ch[0]), str(ch[1]))
            elif kind == "input_decl":
                plan.inputs.append(Value(str(ch[0])[1:], _type(ch[1]) if len(ch) > 1 and
                                         ch[1] is not None else None))
            elif kind == "cast_decl":
                bounds = ch[4]
                plan.casts.append(Cast(str(ch[0])[1:], str(ch[1]), str(ch[2]),
                                       str(ch[3]) == "checked", _string(ch[5]),
                                       None if bounds is None else
                                       (int(bounds.children[0]), int(bounds.children[1]))))
            elif kind == "layout_decl":
                plan.layout = {"transposes": int(ch[0]), "before": int(ch[1])}
            elif kind == "const_decl":
                from .plan_json import _Reader

                t = _type(ch[1])
                c = _Reader(f"{filename}:{lineno}").constant(
                    {"name": str(ch[0].children[0])[1:], "dtype": t.dtype, "shape": list(t.shape),
                     "data": _string(ch[2])}, "constant")
                plan.constants.append(Constant(c.name, c.type, c.data))
            elif kind == "call":
                plan.ops.append(_call(ch))
            elif kind == "ret":
                plan.outputs = [Ref(str(r)[1:]) for r in ch if r is not None]
                ret_seen = True
            elif kind == "guard_decl":
                plan.guards.append(Guard(Ref(str(ch[0])[1:]), _string(ch[1])))
        except (ValueError, KeyError) as e:
            raise PlanFormatError(f"{filename}:{lineno}: {e}") from None
    if plan is None:
        raise PlanFormatError(f"{filename}: empty plan")
    if not ret_seen:
        raise PlanFormatError(f"{filename}: the plan has no 'return' line")
    try:
        return plan.lint()
    except Exception as e:
        raise PlanFormatError(f"{filename}: {e}") from None


def _call(ch) -> Op:
    outs_tree, target, *rest = ch
    meta = rest[-1] if rest and getattr(rest[-1], "data", None) == "meta" else None
    items = [c for c in (rest[:-1] if meta is not None else rest) if c is not None]
    args, kwargs = [], {}
    for it in items:
        if it.data == "kwarg":
            kwargs[str(it.children[0])] = _value_of(it.children[1])
        else:
            if kwargs:
                raise ValueError("positional argument after keyword argument")
            args.append(_value_of(it))
    names = [str(r)[1:] for r in outs_tree.children]
    types: list = []
    rule = src = None
    if meta is not None:
        for m in meta.children:
            if hasattr(m, "data") and m.data in ("rule", "src"):
                tok = str(m.children[0])
                val = _string(tok) if tok.startswith('"') else tok
                rule, src = (val, src) if m.data == "rule" else (rule, val)
            elif hasattr(m, "data") and m.data == "unknown":
                types.append(None)
            else:
                types.append(_type(m))
    if types and len(types) != len(names):
        raise ValueError(f"{len(names)} outputs but {len(types)} types in the comment")
    types = types or [None] * len(names)
    return Op(str(target), tuple(args), kwargs, [Value(n, t) for n, t in zip(names, types)],
              src, rule)
