"""Integer value ranges of a traced plan, for narrowing dtypes a target lacks.

TF.js has no int64: PyTorch's int64 values (argmax, indices, labels, counts) are computed in
int32 there. That is exact only while every value fits int32. This module bounds each integer
value of an ATen plan by interval arithmetic, from what is known statically: a dimension bounds
an index, a comparison is 0 or 1, a sum of n values in [lo, hi] lies in [n*lo, n*hi], a plan
input is range-checked when the plan runs (so it lies in the target dtype's range), a constant's
range is its data's. Ops without a transfer function here give an unknown range.

The translator narrows a value only when its range is proven to fit both the source dtype (so
PyTorch did not wrap either) and the target dtype; otherwise it refuses, naming the op and the
range it could prove, unless the caller accepts the risk (``allow_int_wrap``).

>>> ranges = value_ranges(plan, {"int64": (-2**31, 2**31 - 1)})   # doctest: +SKIP
>>> ranges["argmax"]                                              # doctest: +SKIP
(0, 9)
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .ir import Plan, Ref

Range = tuple[int, int] | None

INT_RANGES = {d: (int(np.iinfo(d).min), int(np.iinfo(d).max))
              for d in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32")}
INT_RANGES["bool"] = (0, 1)


def dtype_range(dtype: str) -> Range:
    return INT_RANGES.get(dtype)


def fits(r: Range, dtype: str) -> bool:
    d = INT_RANGES.get(dtype)
    return r is not None and d is not None and d[0] <= r[0] and r[1] <= d[1]


def value_ranges(plan: Plan, input_ranges: dict[str, tuple[int, int]] | None = None, *,
                 known: dict[str, Range] | None = None) -> dict[str, Range]:
    """name -> (lo, hi) for every integer or bool value of ``plan`` (None: not provable).
    ``input_ranges`` maps a source dtype to the range its plan inputs are checked against;
    ``known`` gives the ranges of particular inputs (a sub-plan's operands)."""
    input_ranges = input_ranges or {}
    types = plan.types()
    out: dict[str, Range] = {}
    floats: set[str] = set()   # float values with a range (index arithmetic: arange * scale)
    for v in plan.inputs:
        if known is not None and v.name in known:
            out[v.name] = known[v.name]
        elif v.type is not None and v.type.dtype in INT_RANGES:
            out[v.name] = input_ranges.get(v.type.dtype, INT_RANGES[v.type.dtype])
    for c in plan.constants:
        if c.type.dtype in INT_RANGES:
            arr = np.asarray(c.data)
            out[c.name] = (int(arr.min()), int(arr.max())) if arr.size else (0, 0)
        elif c.type.dtype in _FLOATS:
            arr = np.asarray(c.data, dtype=np.float64)
            if arr.size and np.isfinite(arr).all():
                out[c.name] = (float(arr.min()), float(arr.max()))
                floats.add(c.name)
    for op in plan.ops:
        fn = _transfer(op.target)
        results: list[Range] = []
        if fn is not None:
            try:
                r = fn(_Args(op, out, types))
            except (TypeError, ValueError, IndexError, KeyError, ZeroDivisionError):
                r = None
            results = list(r) if isinstance(r, list) else [r] * len(op.outputs)
        for k, v in enumerate(op.outputs):
            if v.type is None:
                continue
            r = results[k] if k < len(results) else None
            if v.type.dtype in _FLOATS:
                if _finite(r):
                    out[v.name] = (float(r[0]), float(r[1]))
                    floats.add(v.name)
                continue
            if v.type.dtype not in INT_RANGES:
                continue
            if v.type.dtype == "bool":
                r = (0, 1)
            elif r is not None and (isinstance(r[0], float) or isinstance(r[1], float)):
                r = _to_int(r) if _finite(r) else None   # a float made an integer
            out[v.name] = r
    for n in floats:
        del out[n]
    return out


_FLOATS = ("float16", "bfloat16", "float32", "float64")


def _finite(r) -> bool:
    return r is not None and all(isinstance(b, (int, float)) and math.isfinite(b) for b in r)


def _to_int(r) -> Range:
    """The integers a float in ``r`` can become (truncation, floor, ceil or rounding), with a
    margin for the float rounding of the arithmetic that produced ``r``: a bound, not a value."""
    slack = 1 + 1e-6 * max(abs(r[0]), abs(r[1]))
    return (math.floor(r[0] - slack), math.ceil(r[1] + slack))


class _Args:
    """An op's arguments with their ranges and shapes."""

    def __init__(self, op, ranges, types):
        self.op, self.ranges, self.types = op, ranges, types

    def arg(self, i, name=None, default=None):
        if i < len(self.op.args):
            return self.op.args[i]
        return self.op.kwargs.get(name, default)

    def range(self, a) -> Range:
        """The range of a tensor argument or a number literal."""
        if isinstance(a, Ref):
            return self.ranges.get(a.name)
        if isinstance(a, bool):
            return (int(a), int(a))
        if isinstance(a, int):
            return (a, a)
        if isinstance(a, float) and a.is_integer():
            return (int(a), int(a))
        if isinstance(a, float) and math.isfinite(a):
            return (a, a)   # only float values carry it (see value_ranges)
        return None

    def r(self, i, name=None, default=None) -> Range:
        return self.range(self.arg(i, name, default))

    def shape(self, i=0):
        a = self.arg(i)
        t = self.types.get(a.name) if isinstance(a, Ref) else None
        return tuple(t.shape) if t is not None else None

    def out_shape(self, k=0):
        t = self.op.outputs[k].type
        return tuple(t.shape) if t is not None else None


def _join(*rs: Range) -> Range:
    if any(r is None for r in rs) or not rs:
        return None
    return (min(r[0] for r in rs), max(r[1] for r in rs))


def _add(a: Range, b: Range) -> Range:
    return None if a is None or b is None else (a[0] + b[0], a[1] + b[1])


def _mul(a: Range, b: Range) -> Range:
    if a is None or b is None:
        return None
    p = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
    return (min(p), max(p))


def _neg(a: Range) -> Range:
    return None if a is None else (-a[1], -a[0])


def _index_range(size) -> Range:
    return (0, max(int(size) - 1, 0))


def _dim_size(x: _Args, dim_arg: int):
    shape, dim = x.shape(0), x.arg(dim_arg, "dim")
    if shape is None:
        return None
    if dim is None:
        return math.prod(shape)
    if isinstance(dim, (list, tuple)):
        return math.prod(shape[d] for d in dim) if dim else math.prod(shape)
    return shape[dim] if shape else 1


def _reduced_count(x: _Args) -> int | None:
    shape, out = x.shape(0), x.out_shape()
    if shape is None or out is None:
        return None
    return math.prod(shape) // max(math.prod(out), 1) if math.prod(out) else 0


def _sum(x: _Args) -> Range:
    n, r = _reduced_count(x), x.r(0)
    return None if n is None or r is None else (min(n * r[0], 0), max(n * r[1], 0)) \
        if n else (0, 0)


def _cumsum(x: _Args) -> Range:
    n, r = _dim_size(x, 1), x.r(0)
    return None if n is None or r is None else (min(n * r[0], r[0]), max(n * r[1], r[1]))


def _arange(start_i, end_i):
    def f(x: _Args) -> Range:
        n = x.out_shape()
        if n is None:
            return None
        start = x.arg(start_i, "start", 0) if start_i is not None else 0
        end = x.arg(end_i, "end")
        if not all(isinstance(v, (int, float)) for v in (start, end)):
            return None
        step = x.arg(end_i + 1, "step", 1)
        if all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end, step)) \
                and len(n) == 1 and n[0] > 0:   # integers: exactly start .. start + (n-1)*step
            return tuple(sorted((start, start + (n[0] - 1) * step)))
        lo, hi = sorted((start, end))
        return (math.floor(lo), math.ceil(hi))
    return f


def _same(i=0):
    return lambda x: x.r(i)


def _remainder(x: _Args) -> Range:
    b = x.r(1)
    if b is None:
        return None
    t = x.op.outputs[0].type
    if x.op.target.startswith("aten.remainder") and b[0] > 0 and isinstance(b[1], int) \
            and t is not None and t.dtype in INT_RANGES and t.dtype != "bool":
        return (0, b[1] - 1)   # an integer remainder takes the divisor's sign (take_along_dim)
    m = max(abs(b[0]), abs(b[1]))
    return (-(m - 1), m - 1) if m else (0, 0)


def _div_mode(x: _Args) -> Range:
    a = x.r(0)
    if a is None or x.arg(2, "rounding_mode") is None:
        return None
    m = max(abs(a[0]), abs(a[1]))
    return (-m, m)


def _clamp(x: _Args) -> Range:
    a, lo, hi = x.r(0), x.r(1, "min"), x.r(2, "max")
    if a is None and (lo is None or hi is None):
        return None
    base = a or (lo[0], hi[1])
    return (max(base[0], lo[0]) if lo else base[0], min(base[1], hi[1]) if hi else base[1])


def _clamp_one(a: Range, b: Range, fn) -> Range:
    return None if a is None or b is None else (fn(a[0], b[0]), fn(a[1], b[1]))


def _abs(x: _Args) -> Range:
    a = x.r(0)
    if a is None:
        return None
    return (0 if a[0] <= 0 <= a[1] else min(abs(a[0]), abs(a[1])), max(abs(a[0]), abs(a[1])))


def _cat(x: _Args) -> Range:
    items = x.arg(0)
    return _join(*(x.range(t) for t in items)) if isinstance(items, (list, tuple)) else None


def _indices_of(dim_arg: int, k: int):
    """(values from the input, indices bounded by the reduced dim) for max.dim, sort, topk..."""
    def f(x: _Args) -> list[Range]:
        return [x.r(0), _index_range(_dim_size(x, dim_arg))]
    return f


def _pool_indices(x: _Args) -> list[Range]:
    shape = x.shape(0)
    return [x.r(0), _index_range(shape[-2] * shape[-1]) if shape else None]


def _pool3d_indices(x: _Args) -> list[Range]:
    shape = x.shape(0)
    return [x.r(0), _index_range(shape[-3] * shape[-2] * shape[-1]) if shape else None]


def _numel(x: _Args, i: int) -> int | None:
    shape = x.shape(i)
    return None if shape is None else math.prod(shape)


def _times(r: Range, n: int | None) -> Range:
    """Every sum of up to ``n`` values in ``r`` (and the empty sum)."""
    if r is None or n is None:
        return None
    return (min(n * r[0], 0), max(n * r[1], 0))


def _scatter_reduce(x: _Args) -> Range:
    # scatter_reduce.two(self, dim, index, src, reduce, *, include_self)
    reduce, self_r, src = x.arg(4, "reduce"), x.r(0), x.r(3)
    if reduce in ("amax", "amin", "mean"):
        return _join(self_r, src)
    if reduce == "sum":
        return _add(self_r, _times(src, _numel(x, 2)))
    return None


def _draws(low: Range, high: Range) -> Range:
    """Integers drawn from [low, high)."""
    return None if low is None or high is None else (low[0], high[1] - 1)


def _fill_value(i):
    return lambda x: x.r(i, "fill_value")


_TRANSFER: dict[str, Callable] = {
    # indices: bounded by the dimension they index
    "aten.argmax": lambda x: _index_range(_dim_size(x, 1)),
    "aten.argmin": lambda x: _index_range(_dim_size(x, 1)),
    "aten.max.dim": _indices_of(1, 1), "aten.min.dim": _indices_of(1, 1),
    "aten.sort": _indices_of(1, 1), "aten.topk": _indices_of(2, 1),
    "aten.median.dim": _indices_of(1, 1), "aten.nanmedian.dim": _indices_of(1, 1),
    "aten.kthvalue": _indices_of(2, 1), "aten.median.default": _same(),
    "aten.nanmedian.default": _same(),
    "aten.mode": _indices_of(1, 1),
    "aten.cummax": _indices_of(1, 1), "aten.cummin": _indices_of(1, 1),
    "aten.multinomial": lambda x: (_index_range(x.shape(0)[-1])
                                   if x.shape(0) else None),
    "aten._batch_norm_with_update": lambda x: [None, None, None, (0, 0)],   # an empty reserve
    "aten.index_reduce": lambda x: (_join(x.r(0), x.r(3))
                                    if x.arg(4, "reduce") in ("amax", "amin", "mean") else None),
    "aten.permute_copy": _same(), "aten.narrow_copy": _same(), "aten.unbind_copy": _same(),
    "aten.diagonal_scatter": lambda x: _join(x.r(0), x.r(1)),
    "aten.clamp_min": lambda x: _clamp_one(x.r(0), x.r(1), max),
    "aten.clamp_max": lambda x: _clamp_one(x.r(0), x.r(1), min),
    "aten.cumprod": lambda x: x.r(0) if _dim_size(x, 1) == 1 else None,
    "aten.max_pool2d_with_indices": _pool_indices,
    "aten.max_pool3d_with_indices": _pool3d_indices,
    "aten.adaptive_max_pool2d": _pool_indices, "aten.fractional_max_pool2d": _pool_indices,
    "aten.adaptive_max_pool3d": _pool3d_indices, "aten.fractional_max_pool3d": _pool3d_indices,
    "aten.unfold": _same(),
    "aten.sym_size.int": lambda x: (0, 2**31 - 1),
    # arithmetic
    "aten.add.Tensor": lambda x: _add(x.r(0), _mul(x.r(1), x.r(2, "alpha", 1))),
    "aten.add.Scalar": lambda x: _add(x.r(0), _mul(x.r(1), x.r(2, "alpha", 1))),
    "aten.sub.Tensor": lambda x: _add(x.r(0), _neg(_mul(x.r(1), x.r(2, "alpha", 1)))),
    "aten.sub.Scalar": lambda x: _add(x.r(0), _neg(_mul(x.r(1), x.r(2, "alpha", 1)))),
    "aten.rsub.Scalar": lambda x: _add(x.r(1), _neg(_mul(x.r(0), x.r(2, "alpha", 1)))),
    "aten.mul.Tensor": lambda x: _mul(x.r(0), x.r(1)),
    "aten.mul.Scalar": lambda x: _mul(x.r(0), x.r(1)),
    "aten.neg": lambda x: _neg(x.r(0)),
    "aten.abs": _abs,
    "aten.maximum": lambda x: _join(x.r(0), x.r(1)),
    "aten.minimum": lambda x: _join(x.r(0), x.r(1)),
    "aten.clamp": _clamp,
    "aten.remainder": _remainder, "aten.fmod": _remainder,
    "aten.div.Tensor_mode": _div_mode, "aten.div.Scalar_mode": _div_mode,
    "aten.sum": _sum,
    "aten.cumsum": _cumsum,
    "aten.where.self": lambda x: _join(x.r(1), x.r(2)),
    "aten.amax": _same(), "aten.amin": _same(), "aten.max.default": _same(),
    "aten.min.default": _same(),
    # creation
    "aten.arange.start_step": _arange(0, 1), "aten.arange.start": _arange(0, 1),
    "aten.arange.default": _arange(None, 0),
    "aten.full": _fill_value(1), "aten.full_like": _fill_value(1),
    "aten.scalar_tensor": _same(), "aten.zeros": lambda x: (0, 0),
    "aten.zeros_like": lambda x: (0, 0), "aten.ones": lambda x: (1, 1),
    "aten.ones_like": lambda x: (1, 1), "aten.fill.Scalar": _same(1),
    # moves: the values of the first argument
    **{f"aten.{n}": _same() for n in (
        "clone", "view", "view_copy", "_unsafe_view", "reshape", "permute", "expand",
        "slice.Tensor", "select.int", "squeeze", "unsqueeze", "t", "transpose.int", "alias",
        "lift_fresh_copy",
        "index_select", "gather", "flip", "repeat", "roll", "index.Tensor", "diagonal",
        "_to_copy", "contiguous", "detach", "split.Tensor", "split_with_sizes",
        "unbind.int", "as_strided", "narrow", "tril", "triu")},
    "aten.cat": _cat, "aten.stack": _cat,
    **{f"aten.{n}": _same() for n in (
        "reflection_pad1d", "reflection_pad2d", "reflection_pad3d", "replication_pad1d",
        "replication_pad2d", "replication_pad3d", "floor", "ceil", "round", "trunc",
        "select_scatter", "slice_scatter", "masked_select")},
    "aten.sign": lambda x: (-1, 1), "aten.sgn": lambda x: (-1, 1),
    # undefined contents: the targets fill them with zeros
    "aten.empty.memory_format": lambda x: (0, 0), "aten.empty_strided": lambda x: (0, 0),
    "aten.empty_like": lambda x: (0, 0), "aten.new_empty": lambda x: (0, 0),
    "aten.new_empty_strided": lambda x: (0, 0),
    "aten.randperm": lambda x: _index_range(x.arg(0, "n")),
    "aten.nonzero": lambda x: _index_range(max(x.shape(0) or (0,), default=0)),
    # nonzero_static: coordinates (bounded by the largest dim) or the fill value
    "aten.nonzero_static": lambda x: _join(_index_range(max(x.shape(0) or (0,), default=0)),
                                           x.r(2, "fill_value", -1)),
    "aten.put": lambda x: (_add(x.r(0), _times(x.r(2), _numel(x, 2)))
                           if x.arg(3, "accumulate", False) else _join(x.r(0), x.r(2))),
    "aten.empty_permuted": lambda x: (0, 0),
    "aten.searchsorted.Tensor": lambda x: (0, (x.shape(0) or (0,))[-1]),
    "aten.bucketize.Tensor": lambda x: (0, (x.shape(1) or (0,))[-1]),
    "aten.searchsorted.Scalar": lambda x: (0, (x.shape(0) or (0,))[-1]),
    "aten.bucketize.Scalar": lambda x: (0, (x.shape(1) or (0,))[-1]),
    "aten.constant_pad_nd": lambda x: _join(x.r(0), x.r(2, "value", 0)),
    "aten.scatter.src": lambda x: _join(x.r(0), x.r(3)),
    "aten.scatter_add": lambda x: _add(x.r(0), _times(x.r(3), _numel(x, 3))),
    "aten.scatter_reduce.two": _scatter_reduce,
    "aten.index_add": lambda x: _add(x.r(0), _times(_mul(x.r(3), x.r(4, "alpha", 1)),
                                                    _numel(x, 3))),
    "aten.select_scatter": lambda x: _join(x.r(0), x.r(1)),
    "aten.slice_scatter": lambda x: _join(x.r(0), x.r(1)),
    "aten.copy": lambda x: x.r(1),  # functionalized copy_: src's values in self's shape
    # random integers: [low, high)
    "aten.randint.default": lambda x: _draws((0, 0), x.r(0)),
    "aten.randint.low": lambda x: _draws(x.r(0), x.r(1)),
    "aten.randint_like.default": lambda x: _draws((0, 0), x.r(1)),
    "aten.randint_like.low_dtype": lambda x: _draws(x.r(1), x.r(2)),
    "aten.bernoulli": lambda x: (0, 1),
    "aten.masked_scatter": lambda x: _join(x.r(0), x.r(2)),
    "aten.fmax": lambda x: _join(x.r(0), x.r(1)), "aten.fmin": lambda x: _join(x.r(0), x.r(1)),
    "aten.hardtanh": _same(),
    "aten.scatter.value": lambda x: _join(x.r(0), x.r(3)),
    # scatter with reduce='add': self plus up to index.numel source values (or the value)
    **{k: lambda x: (_add(x.r(0), _times(x.r(3), _numel(x, 2)))
                     if x.arg(4, "reduce") == "add" else None)
       for k in ("aten.scatter.reduce", "aten.scatter.value_reduce")},
    "aten.index_put": lambda x: _join(x.r(0), x.r(2)),
    "aten.masked_fill.Scalar": lambda x: _join(x.r(0), x.r(2)),
    "aten.masked_fill.Tensor": lambda x: _join(x.r(0), x.r(2)),
    # unique: (values from the input, an inverse index and a count, both bounded by numel)
    **{k: lambda x: [x.r(0), _index_range(_numel(x, 0)), (0, _numel(x, 0))] for k in (
        "aten._unique2", "aten._unique", "aten.unique_dim", "aten.unique_consecutive",
        "aten.unique_dim_consecutive")},
}


#: public API commands (torch.add, torch.Tensor.__add__...) with the arguments of an ATen op
_API = {
    "argmax": "aten.argmax", "argmin": "aten.argmin", "add": "aten.add.Tensor",
    "radd": "aten.add.Tensor", "sub": "aten.sub.Tensor", "rsub": "aten.rsub.Scalar",
    "mul": "aten.mul.Tensor", "rmul": "aten.mul.Tensor", "neg": "aten.neg", "abs": "aten.abs",
    "sum": "aten.sum", "cumsum": "aten.cumsum", "where": "aten.where.self",
    "clamp": "aten.clamp", "clip": "aten.clamp", "maximum": "aten.maximum",
    "minimum": "aten.minimum", "remainder": "aten.remainder", "mod": "aten.remainder",
    "fmod": "aten.fmod", "cat": "aten.cat", "concat": "aten.cat", "stack": "aten.stack",
    "sort": "aten.sort", "topk": "aten.topk", "arange": "aten.arange.start_step",
    **{n: "aten.clone" for n in (
        "view", "reshape", "flatten", "clone", "contiguous", "t", "transpose", "permute",
        "unsqueeze", "squeeze", "expand", "getitem", "gather", "index_select", "flip",
        "repeat", "roll", "narrow", "detach", "tril", "triu")},
}


def _transfer(target: str) -> Callable | None:
    fn = _TRANSFER.get(target) or _TRANSFER.get(target.rsplit(".", 1)[0])
    if fn is None and target.startswith("torch."):
        short = target.rsplit(".", 1)[-1].strip("_")
        fn = _TRANSFER.get(_API.get(short, ""))
    return fn
