"""Code generation: a translated plan as straight-line source code.

>>> from threepio.codegen import render
>>> js = render(tfjs_plan, emit="module")               # doctest: +SKIP  ES module for TF.js
>>> py = render(tf_plan, emit="python", tf_function=True)   # doctest: +SKIP  TensorFlow
>>> py = render(numpy_plan, emit="python")              # doctest: +SKIP  NumPy

The jinja2 templates live in the top-level ``codegen/`` folder (shipped in the wheel as
``threepio/codegen_templates``). One loop, :func:`_statements`, turns the plan into statements,
one per plan line (input, constant, op, return); the templates only lay those statements out.
The targets differ by data only — an :class:`Emitter` says how a call, an assignment, a literal
and a comment are written, which names are reserved and what the module imports.

Safety: a plan may come from an untrusted file, so nothing in it reaches the output unchecked.
Value and keyword names must match the IR's ``NAME_RE`` (and are renamed, deterministically,
when they are reserved words of the target language); every command must be in the target's
allowlist (``load_rules(target).commands``); every string is emitted through ``json.dumps``
(JavaScript, with ``<``, ``>`` and ``&`` escaped too) or ``ascii()`` (Python); comments are
reduced to printable ASCII with ``*/`` and ``</`` broken up. Anything else is refused with a
:class:`CodegenError`. Output is deterministic: the same plan renders to the same bytes.
"""

from __future__ import annotations

import json
import keyword
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import PlanFormatError
from .ir import DTYPE_SHORT, NAME_RE, DType, Plan, Ref
from .plan_json import encode_data

EMITS = ("module", "python")
TARGET_RE = re.compile(r"(tf|np|npx)(\.[A-Za-z_][A-Za-z0-9_]*)+\Z")


class CodegenError(PlanFormatError):
    """A plan cannot be rendered as code: wrong namespace, a command outside the target's
    allowlist, an invalid name or an argument that has no literal form."""


# -- literals --------------------------------------------------------------------------------
def js_string(s: str) -> str:
    """A JavaScript string literal: JSON, ASCII only, with ``<``, ``>`` and ``&`` escaped so the
    text is also inert inside an HTML ``<script>`` element."""
    return (json.dumps(s, ensure_ascii=True).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def comment_text(s: str) -> str:
    """Text that is safe inside a ``//``, ``/* */`` or ``#`` comment: printable ASCII only, with
    ``*/``, ``</`` and ``<!--`` broken up."""
    s = "".join(c if " " <= c <= "~" else (f"\\x{ord(c):02x}" if ord(c) < 256
                                             else f"\\u{ord(c):04x}" if ord(c) < 0x10000
                                             else f"\\U{ord(c):08x}") for c in s)
    return s.replace("*/", "*\\/").replace("</", "<\\/").replace("<!--", "<\\!--")


JS_RESERVED = frozenset("""
    await break case catch class const continue debugger default delete do else enum export
    extends false finally for function if implements import in instanceof interface let new null
    package private protected public return static super switch this throw true try typeof var
    void while with yield arguments eval undefined NaN Infinity async of get set tf inputs
    Object Array Error Math JSON Symbol Promise globalThis
""".split())
PY_RESERVED = frozenset(keyword.kwlist) | frozenset(
    "__debug__ np tf npx float run inputs _in _K _META _inputs _const _native".split())


@dataclass(frozen=True)
class Emitter:
    """How one target language writes the statements of a plan (data, no control flow)."""

    namespace: str
    template: str
    comment_mark: str  # "//" or "#"
    reserved: frozenset
    true: str
    false: str
    null: str
    inf: str
    nan: str
    string: Callable[[str], str]
    tuple_open: str  # tuples inside arguments (lists are always [...])
    kwargs: bool  # whether calls may take keyword arguments
    input_stmt: str  # {name} = input number {i}
    const_stmt: str  # {name} = constant number {i}
    call: str  # wraps a single-output call: {call}
    assign: str  # {lhs} = {rhs}
    assign_many: str  # {lhs} (comma-separated names) = {rhs}, {n} outputs
    free: str  # appended after an op: {names} whose last use it was
    ret: str  # {values}
    out: str  # wraps one returned value
    out_constant: str  # wraps a returned constant
    guard: str  # raises with {message} (a string literal) unless bool tensor {name} is all true
    imports: tuple[str, ...] = ()
    dtypes: tuple[str, ...] = ()  # dtypes values may have (empty: any numpy knows)

    def literal(self, a, where: str) -> str:
        if isinstance(a, Ref):
            raise AssertionError("refs are resolved by the caller")
        if isinstance(a, DType):
            if a.name not in DTYPE_SHORT:
                raise CodegenError(f"{where}: unknown dtype argument {a.name!r}")
            return self.string(a.name)
        if a is None:
            return self.null
        if a is True:
            return self.true
        if a is False:
            return self.false
        if isinstance(a, int):
            return str(int(a))
        if isinstance(a, float):
            if math.isnan(a):
                return self.nan
            if math.isinf(a):
                return self.inf if a > 0 else f"-{self.inf}"
            return repr(float(a))
        if isinstance(a, str):
            return self.string(a)
        raise CodegenError(f"{where}: argument {a!r} of type {type(a).__name__} has no literal "
                           "form (expected a value, number, boolean, null, string, dtype or list)")


def _py_tuple(items: list[str]) -> str:
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


TFJS = Emitter(
    namespace="tfjs", template="module.mjs.j2", comment_mark="//", reserved=JS_RESERVED,
    true="true", false="false", null="null", inf="Infinity", nan="NaN", string=js_string,
    tuple_open="[", kwargs=False,
    input_stmt="const {name} = $in[{i}];", const_stmt="const {name} = $k[{i}];",
    call="$one({call})", assign="const {lhs} = {rhs};",
    assign_many="const [{lhs}] = $many({n}, {rhs});", free=" $free({names});",
    ret="return [{values}];", out="{}", out_constant="tf.clone({})",
    guard="if (!{name}.dataSync().every((v) => v)) throw $fail('guard', {message});",
    dtypes=("float32", "int32", "bool"),
)
_PY = dict(
    comment_mark="#", reserved=PY_RESERVED, true="True", false="False", null="None",
    inf="float('inf')", nan="float('nan')", string=ascii, tuple_open="(", kwargs=True,
    input_stmt="{name} = _in[{i}]", const_stmt="{name} = _K[{i}]", call="{call}",
    assign="{lhs} = {rhs}", assign_many="{lhs} = {rhs}", free="; del {names}",
    ret="return [{values}]", out_constant="{}",
    dtypes=tuple(d for d in DTYPE_SHORT if d != "bfloat16"),
)
TF = Emitter(namespace="tf", template="python.py.j2", out="{}",
             guard="tf.debugging.Assert(tf.math.reduce_all({name}), [{message}])",
             imports=("import numpy as np", "import tensorflow as tf"), **_PY)
NUMPY = Emitter(namespace="numpy", template="python.py.j2", out="np.asarray({})",
                guard="if not np.all({name}): "
                      "raise ValueError('plan %r: %s' % (_META['name'], {message}))",
                imports=("import numpy as np",), **_PY)
EMITTERS = {"tfjs": TFJS, "tf": TF, "numpy": NUMPY}


# -- the shared loop -------------------------------------------------------------------------
@dataclass(frozen=True)
class Statement:
    """One emitted line: code, and the plan line it comes from (for the trailing comment)."""

    code: str
    note: str


def identifiers(plan: Plan, reserved: frozenset) -> dict[str, str]:
    """Plan value name -> identifier in the target language. Names are kept unless reserved;
    a reserved name gets ``_`` appended until it is free (deterministic, never a collision)."""
    taken = {v.name for v in plan.values()}
    out: dict[str, str] = {}
    for v in plan.values():
        name = v.name
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise CodegenError(f"plan {plan.name!r}: invalid value name {name!r} (names must "
                               f"match {NAME_RE.pattern})")
        if name in out:
            raise CodegenError(f"plan {plan.name!r}: value %{name} is defined twice")
        ident = name
        while ident in reserved or (ident != name and ident in taken):
            ident += "_"
        taken.add(ident)
        out[name] = ident
    return out


def _type_text(t) -> str:
    if t is None:
        return "?"
    if not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in t.shape):
        raise CodegenError(f"invalid shape {t.shape!r}")
    return str(t)


def _check_type(t, em: Emitter, where: str) -> None:
    _type_text(t)
    if t is not None and em.dtypes and t.dtype not in em.dtypes:
        raise CodegenError(f"{where} has dtype {t.dtype}, which {em.namespace} code cannot hold "
                           f"(expected one of {', '.join(em.dtypes)})")


def _last_uses(plan: Plan) -> dict[int, list[str]]:
    """Op index -> op outputs (not plan outputs) that are dead after it, in definition order."""
    last: dict[str, int] = {}
    for i, op in enumerate(plan.ops):
        for n in op.refs():
            last[n] = i
    keep = {r.name for r in plan.outputs} | {g.ref.name for g in plan.guards}
    dead: dict[int, list[str]] = {}
    for i, op in enumerate(plan.ops):
        for v in op.outputs:
            if v.name not in keep:
                dead.setdefault(last.get(v.name, i), []).append(v.name)
    return dead


def _meta(op) -> str:
    from .plan_text import format_op

    return format_op(op).split("   # ", 1)[1]


def _statements(plan: Plan, em: Emitter, allowed: set[str]) -> list[Statement]:
    """The shared rendering loop: one statement per input, constant, op and the return."""
    names = identifiers(plan, em.reserved)
    defined: set[str] = set()

    def arg(a, where: str) -> str:
        if isinstance(a, Ref):
            if a.name not in defined:
                raise CodegenError(f"{where}: uses %{a.name}, which is not defined before it")
            return names[a.name]
        if isinstance(a, list):
            return "[" + ", ".join(arg(x, where) for x in a) + "]"
        if isinstance(a, tuple):
            items = [arg(x, where) for x in a]
            return "[" + ", ".join(items) + "]" if em.tuple_open == "[" else _py_tuple(items)
        return em.literal(a, where)

    out: list[Statement] = []
    for i, v in enumerate(plan.inputs):
        _check_type(v.type, em, f"input %{v.name}")
        out.append(Statement(em.input_stmt.format(name=names[v.name], i=i),
                             f"input %{v.name}: {_type_text(v.type)}"))
        defined.add(v.name)
    for i, c in enumerate(plan.constants):
        _check_type(c.type, em, f"constant %{c.name}")
        out.append(Statement(em.const_stmt.format(name=names[c.name], i=i),
                             f"constant %{c.name}: {c.type}"))
        defined.add(c.name)
    dead = _last_uses(plan)
    for i, op in enumerate(plan.ops):
        where = f"op {i} ({op.target!r})"
        if not isinstance(op.target, str) or op.target not in allowed \
                or not TARGET_RE.match(op.target):
            raise CodegenError(
                f"{where}: {op.target!r} is not a {em.namespace} command threepio's rules emit; "
                "generated code calls only those (load_rules(target).commands)")
        if not op.outputs:
            raise CodegenError(f"{where}: an op needs at least one output")
        items = [arg(a, where) for a in op.args]
        for k, v in op.kwargs.items():
            if not em.kwargs:
                raise CodegenError(f"{where}: has keyword argument {k!r}, but {em.namespace} "
                                   "commands take positional arguments only")
            if not isinstance(k, str) or not NAME_RE.match(k):
                raise CodegenError(f"{where}: invalid keyword name {k!r}")
            value = arg(v, where)
            items.append(f"**{{{ascii(k)}: {value}}}" if keyword.iskeyword(k) else f"{k}={value}")
        call = f"{op.target}({', '.join(items)})"
        for v in op.outputs:
            _check_type(v.type, em, f"{where} output %{v.name}")
        lhs = [names[v.name] for v in op.outputs]
        if len(lhs) == 1:
            code = em.assign.format(lhs=lhs[0], rhs=em.call.format(call=call))
        else:
            code = em.assign_many.format(lhs=", ".join(lhs), rhs=call, n=len(lhs))
        defined.update(v.name for v in op.outputs)
        if i in dead:
            code += em.free.format(names=", ".join(names[n] for n in dead[i]))
        out.append(Statement(code, _meta(op)))
    for g in plan.guards:  # checked after the ops, as threepio.run and the executor check them
        if g.ref.name not in defined:
            raise CodegenError(f"plan {plan.name!r}: guard %{g.ref.name} is not defined")
        message = f"guard %{g.ref.name} does not hold: {g.message}"
        out.append(Statement(em.guard.format(name=names[g.ref.name],
                                             message=em.string(message)),
                             f"guard %{g.ref.name}"))
    consts = {c.name for c in plan.constants}
    values = []
    for r in plan.outputs:
        if r.name not in defined:
            raise CodegenError(f"plan {plan.name!r}: output %{r.name} is not defined")
        values.append((em.out_constant if r.name in consts else em.out).format(names[r.name]))
    out.append(Statement(em.ret.format(values=", ".join(values)),
                         "return " + ", ".join(f"%{r.name}" for r in plan.outputs)))
    return out


# -- rendering -------------------------------------------------------------------------------
def templates_dir() -> Path:
    """``threepio/codegen_templates`` in a wheel, ``codegen/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    for d in (here / "codegen_templates", here.parent / "codegen"):
        if (d / "_body.j2").is_file():
            return d
    raise CodegenError(f"no codegen templates next to {here} (expected codegen/_body.j2)")


@cache
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())), autoescape=False,
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True,
        lstrip_blocks=True)


def render(plan: Plan, emit: str = "module", *, tf_function: bool = False) -> str:
    """Render a translated plan as source code.

    ``emit="module"``: a ``tfjs`` plan as a standalone ES module exporting
    ``async run(tf, inputs)`` (see the generated header). ``emit="python"``: a ``tf`` or
    ``numpy`` plan as a Python module with ``run(*inputs)`` returning a list;
    ``tf_function=True`` decorates it with ``tf.function`` (``tf`` plans only).
    Raises :class:`CodegenError` for anything that cannot be rendered safely.
    """
    from . import __version__
    from .rules.loader import load_rules

    if not isinstance(plan, Plan):
        raise CodegenError(f"render() takes a Plan, got {type(plan).__name__}")
    if emit not in EMITS:
        raise CodegenError(f"unknown emit {emit!r}; expected one of {', '.join(EMITS)}")
    want = ("tfjs",) if emit == "module" else ("tf", "numpy")
    if plan.namespace not in want:
        raise CodegenError(
            f"plan {plan.name!r} has namespace {plan.namespace!r}; --emit {emit} renders "
            f"{' or '.join(want)} plans (translate it first: threepio.translate(plan, "
            f"{want[0]!r}))")
    if tf_function and plan.namespace != "tf":
        raise CodegenError("tf_function=True applies to TensorFlow ('tf') plans only")
    em = EMITTERS[plan.namespace]
    body = _statements(plan, em, load_rules(plan.namespace).commands)
    targets = {op.target.split(".")[0] for op in plan.ops}
    imports = list(em.imports)
    if "npx" in targets:
        imports.append("from threepio.backends import numpy_kernels as npx")
    casts = {c.value: c for c in plan.casts}
    inputs = []
    for v in plan.inputs:
        c = casts.get(v.name)
        cast = None
        if c is not None and c.from_dtype in DTYPE_SHORT and v.type is not None:
            cast = {"from": c.from_dtype, "checked": bool(c.checked), "reason": str(c.reason)}
        inputs.append({"name": v.name, "dtype": v.type.dtype if v.type else None,
                       "shape": list(v.type.shape) if v.type else None, "cast": cast})
    constants = [{"name": c.name, "dtype": c.type.dtype, "shape": list(c.type.shape),
                  "data": encode_data(c.data, c.type)} for c in plan.constants]
    sig = [f"{v.name}: {_type_text(v.type)}" for v in plan.inputs]
    return _environment().get_template(em.template).render(
        version=__version__, em=em, body=body, imports=imports, tf_function=tf_function,
        plan_name=comment_text(json.dumps(plan.name)), plan_name_raw=str(plan.name),
        n_ops=len(plan.ops), inputs=inputs, constants=constants,
        inputs_meta=[{k: v[k] for k in ("name", "dtype", "shape")} for v in inputs],
        outputs=[r.name for r in plan.outputs],
        signature=sig, lit=_data_literal(em), comment=comment_text,
        outputs_text=", ".join(r.name for r in plan.outputs))


def _data_literal(em: Emitter) -> Callable:
    """Print plain data (dicts of strings, numbers, booleans, None and lists) as a literal."""
    def lit(x) -> str:
        if isinstance(x, dict):
            return "{" + ", ".join(f"{em.string(str(k))}: {lit(v)}" for k, v in x.items()) + "}"
        if isinstance(x, (list, tuple)):
            return "[" + ", ".join(lit(v) for v in x) + "]"
        return em.literal(x, "data")

    return lit
