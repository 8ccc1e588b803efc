"""JSON form of a plan, with validation that names the file, the op index and the field.

Layout (format version 1)::

    {"format": "threepio.plan", "version": 1, "name": "step", "namespace": "tfjs",
     "inputs":    [{"name": "x", "dtype": "float32", "shape": [64, 784]}],
     "constants": [{"name": "c0", "dtype": "float32", "shape": [], "data": "<base64 LE>"}],
     "ops": [{"target": "tf.matMul", "args": [{"ref": "x"}, {"ref": "w"}, false, true],
              "kwargs": {}, "outputs": [{"name": "h", "dtype": "float32", "shape": [64, 392]}],
              "source": "model.py:17", "rule": "tfjs.yaml:88"}],
     "outputs": ["h"],
     "casts": [{"value": "y", "from": "int64", "to": "int32", "checked": true, "reason": "..."}]}

Argument encoding: numbers, booleans, strings and null as themselves; lists as arrays;
``{"ref": name}`` for a value; ``{"dtype": name}`` for a dtype; ``{"float": "inf"|"-inf"|"nan"}``
for non-finite floats (so the file stays valid JSON for browsers).
"""

from __future__ import annotations

import base64
import json
import math

import numpy as np

from .errors import PlanFormatError
from .ir import (
    DTYPE_SHORT,
    FORMAT_VERSION,
    NAMESPACES,
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

MAGIC = "threepio.plan"


# -- writing ---------------------------------------------------------------------------------
def encode_arg(a):
    if isinstance(a, Ref):
        return {"ref": a.name}
    if isinstance(a, DType):
        return {"dtype": a.name}
    if isinstance(a, bool) or a is None or isinstance(a, (int, str)):
        return a
    if isinstance(a, float):
        if math.isfinite(a):
            return a
        return {"float": "nan" if math.isnan(a) else ("inf" if a > 0 else "-inf")}
    if isinstance(a, (list, tuple)):
        return [encode_arg(x) for x in a]
    raise TypeError(f"cannot encode argument {a!r} of type {type(a).__name__}")


def _value(v: Value) -> dict:
    d = {"name": v.name}
    if v.type is not None:
        d["dtype"] = v.type.dtype
        d["shape"] = list(v.type.shape)
    return d


def encode_data(data, t: TensorType) -> str:
    arr = np.ascontiguousarray(np.asarray(data, dtype=np.dtype(t.dtype)))
    return base64.b64encode(arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()).decode()


def to_dict(plan: Plan) -> dict:
    d = {
        "format": MAGIC, "version": FORMAT_VERSION, "name": plan.name, "namespace": plan.namespace,
        "inputs": [_value(v) for v in plan.inputs],
        "constants": [dict(_value(c.value), data=encode_data(c.data, c.type))
                      for c in plan.constants],
        "ops": [],
        "outputs": [r.name for r in plan.outputs],
        "casts": [{"value": c.value, "from": c.from_dtype, "to": c.to_dtype,
                   "checked": c.checked, "reason": c.reason}
                  | ({} if c.range is None else {"range": list(c.range)}) for c in plan.casts],
    }
    if plan.layout is not None:
        d["layout"] = dict(plan.layout)
    if plan.guards:
        d["guards"] = [{"value": g.ref.name, "message": g.message} for g in plan.guards]
    for op in plan.ops:
        o = {"target": op.target, "args": encode_arg(list(op.args)),
             "kwargs": {k: encode_arg(v) for k, v in op.kwargs.items()},
             "outputs": [_value(v) for v in op.outputs]}
        if op.source is not None:
            o["source"] = op.source
        if op.rule is not None:
            o["rule"] = op.rule
        d["ops"].append(o)
    return d


def dumps(plan: Plan, indent: int | None = 1) -> str:
    return json.dumps(to_dict(plan), indent=indent, allow_nan=False)


# -- reading ---------------------------------------------------------------------------------
class _Reader:
    def __init__(self, filename: str):
        self.filename = filename

    def fail(self, where: str, what: str):
        raise PlanFormatError(f"{self.filename}: {where}: {what}")

    def field(self, obj, key, types, where, default=...):
        if not isinstance(obj, dict):
            self.fail(where, f"expected an object, got {type(obj).__name__}")
        if key not in obj:
            if default is not ...:
                return default
            self.fail(where, f"missing field {key!r}")
        v = obj[key]
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in _tuple(types)):
            names = "/".join(t.__name__ for t in _tuple(types))
            self.fail(where, f"field {key!r} must be {names}, got {json.dumps(v)[:60]}")
        return v

    def type(self, obj, where) -> TensorType | None:
        if "dtype" not in obj and "shape" not in obj:
            return None
        dtype = self.field(obj, "dtype", str, where)
        if dtype not in DTYPE_SHORT:
            self.fail(where, f"unknown dtype {dtype!r}; expected one of {sorted(DTYPE_SHORT)}")
        shape = self.field(obj, "shape", list, where)
        if not all(isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in shape):
            self.fail(where, f"shape must be a list of non-negative ints, got {shape}")
        return TensorType(dtype, tuple(shape))

    def value(self, obj, where) -> Value:
        return Value(self.field(obj, "name", str, where), self.type(obj, where))

    def arg(self, a, where):
        if isinstance(a, dict):
            if set(a) == {"ref"} and isinstance(a["ref"], str):
                return Ref(a["ref"])
            if set(a) == {"dtype"} and a["dtype"] in DTYPE_SHORT:
                return DType(a["dtype"])
            if set(a) == {"float"} and a["float"] in ("inf", "-inf", "nan"):
                return float(a["float"])
            self.fail(where, f"unrecognised argument object {json.dumps(a)[:80]} "
                             "(expected {\"ref\": name}, {\"dtype\": name} or {\"float\": ...})")
        if isinstance(a, list):
            return [self.arg(x, where) for x in a]
        return a

    def constant(self, obj, where) -> Constant:
        v = self.value(obj, where)
        if v.type is None:
            self.fail(where, "a constant needs dtype and shape")
        raw = self.field(obj, "data", str, where)
        try:
            buf = base64.b64decode(raw, validate=True)
        except ValueError as e:
            self.fail(where, f"data is not valid base64 ({e})")
        dt = np.dtype(v.type.dtype).newbyteorder("<")
        if len(buf) != v.type.numel * dt.itemsize:
            self.fail(where, f"data holds {len(buf)} bytes, {v.type} needs "
                             f"{v.type.numel * dt.itemsize}")
        data = np.frombuffer(buf, dtype=dt).astype(v.type.dtype).reshape(v.type.shape)
        return Constant(v.name, v.type, data)

    def plan(self, d) -> Plan:
        if not isinstance(d, dict) or d.get("format") != MAGIC:
            self.fail("top level", f"not a threepio plan (expected \"format\": \"{MAGIC}\")")
        version = self.field(d, "version", int, "top level")
        if version != FORMAT_VERSION:
            self.fail("top level", f"format version {version} is not supported "
                                   f"(this threepio reads version {FORMAT_VERSION})")
        ns = self.field(d, "namespace", str, "top level")
        if ns not in NAMESPACES:
            self.fail("top level", f"unknown namespace {ns!r}; expected one of {NAMESPACES}")
        plan = Plan(self.field(d, "name", str, "top level"), ns)
        for i, v in enumerate(self.field(d, "inputs", list, "top level")):
            plan.inputs.append(self.value(v, f"input {i}"))
        for i, c in enumerate(self.field(d, "constants", list, "top level", [])):
            plan.constants.append(self.constant(c, f"constant {i}"))
        for i, o in enumerate(self.field(d, "ops", list, "top level")):
            where = f"op {i}"
            target = self.field(o, "target", str, where)
            where = f"op {i} ({target})"
            args = self.arg(self.field(o, "args", list, where), where + " args")
            kwargs = {k: self.arg(v, f"{where} kwarg {k!r}")
                      for k, v in self.field(o, "kwargs", dict, where, {}).items()}
            outs = [self.value(v, f"{where} output {j}")
                    for j, v in enumerate(self.field(o, "outputs", list, where))]
            plan.ops.append(Op(target, tuple(args), kwargs, outs,
                               self.field(o, "source", (str, type(None)), where, None),
                               self.field(o, "rule", (str, type(None)), where, None)))
        for i, r in enumerate(self.field(d, "outputs", list, "top level")):
            if not isinstance(r, str):
                self.fail(f"output {i}", f"expected a value name, got {json.dumps(r)[:60]}")
            plan.outputs.append(Ref(r))
        for i, c in enumerate(self.field(d, "casts", list, "top level", [])):
            w = f"cast {i}"
            bounds = self.field(c, "range", (list, type(None)), w, None)
            if bounds is not None and (len(bounds) != 2 or not all(
                    isinstance(b, int) and not isinstance(b, bool) for b in bounds)):
                self.fail(w, "'range' is [low, high], two integers")
            plan.casts.append(Cast(self.field(c, "value", str, w), self.field(c, "from", str, w),
                                   self.field(c, "to", str, w), self.field(c, "checked", bool, w),
                                   self.field(c, "reason", str, w),
                                   None if bounds is None else tuple(bounds)))
        for i, g in enumerate(self.field(d, "guards", list, "top level", [])):
            plan.guards.append(Guard(Ref(self.field(g, "value", str, f"guard {i}")),
                                     self.field(g, "message", str, f"guard {i}")))
        layout = self.field(d, "layout", (dict, type(None)), "top level", None)
        if layout is not None:
            if not all(isinstance(layout.get(k), int) for k in ("transposes", "before")):
                self.fail("layout", "expected {\"transposes\": int, \"before\": int}")
            plan.layout = {"transposes": layout["transposes"], "before": layout["before"]}
        try:
            return plan.lint()
        except Exception as e:  # PlanLintError: re-raise as a format error naming the file
            raise PlanFormatError(f"{self.filename}: {e}") from None


def _tuple(t):
    return t if isinstance(t, tuple) else (t,)


def loads(text: str, filename: str = "<string>") -> Plan:
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise PlanFormatError(f"{filename}:{e.lineno}:{e.colno}: invalid JSON: {e.msg}") from None
    return _Reader(filename).plan(d)
