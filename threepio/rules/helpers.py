"""Static helpers callable from rule expressions. Each runs at translation time on static
values (shapes, ints, lists, dtype names); ``to`` and ``scalar`` may add a cast op or a plan
constant. Every helper takes the translation context first."""

from __future__ import annotations

import builtins
import itertools
import math

from .expr import ExprError

_ORDER = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32",
          "float64", "complex64", "complex128"]


def category(dtype: str) -> int:
    if dtype == "bool":
        return 0
    if dtype.startswith(("int", "uint")):
        return 1
    if dtype.startswith(("float", "bfloat")):
        return 2
    return 3


def norm_dim(ctx, d, rank):
    r = builtins.max(rank, 1)
    if not -r <= d < r:
        raise ExprError(f"dimension {d} out of range for rank {rank}")
    return d % r


def norm_dims(ctx, ds, rank):
    if isinstance(ds, int):
        ds = [ds]
    return [norm_dim(ctx, d, rank) for d in ds]


def reduce_axes(ctx, dims, rank):
    """Axes to reduce, or None for all: PyTorch reads an empty dim list as every dim, and
    accepts dim 0 or -1 on a 0-d tensor (the tensor itself)."""
    if dims is None or rank == 0 or (not isinstance(dims, int) and len(dims) == 0):
        return None
    return norm_dims(ctx, dims, rank)


def perm_swap(ctx, rank, a, b):
    p = list(builtins.range(rank))
    a, b = norm_dim(ctx, a, rank), norm_dim(ctx, b, rank)
    if rank == 0:  # a 0-d tensor: dims 0 and -1 both name the tensor itself
        return p
    p[a], p[b] = p[b], p[a]
    return p


def inverse_perm(ctx, p):
    inv = [0] * len(p)
    for i, x in enumerate(p):
        inv[x] = i
    return inv


def result_type(ctx, *operands):
    """PyTorch's type promotion over tensors and Python scalars, in target dtypes."""
    tiers = ([], [], [])  # dimensioned tensors, zero-dim tensors, python scalars
    for x in operands:
        if hasattr(x, "is_symbolic"):
            t = x.type
            if t is None:
                raise ExprError(f"the dtype of {x} is unknown")
            tiers[0 if t.rank else 1].append(t.dtype)
        elif isinstance(x, bool):
            tiers[2].append("bool")
        elif isinstance(x, int):
            tiers[2].append(ctx.rules.map_dtype("int64"))
        elif isinstance(x, float):
            tiers[2].append("float32")
    cat = builtins.max(category(d) for tier in tiers for d in tier)
    for tier in tiers:
        same = [d for d in tier if category(d) == cat]
        if same:
            return _promote(same)
    raise ExprError("result_type needs at least one operand")


def _promote(dtypes: list[str]) -> str:
    """PyTorch's promotion within one category: uint8 with int8 is int16, float16 with
    bfloat16 is float32; otherwise the wider type."""
    import numpy as np

    out = dtypes[0]
    for d in dtypes[1:]:
        if {out, d} == {"float16", "bfloat16"}:
            out = "float32"
        elif "bfloat16" in (out, d):
            out = builtins.max(out, d, key=_ORDER.index)
        else:
            out = str(np.promote_types(out, d))
    return out


def is_float(ctx, dtype):
    return category(dtype) == 2


def is_int(ctx, dtype):
    return category(dtype) == 1


def to(ctx, x, dtype):
    """``x`` as ``dtype``: a tensor is cast (no op when it already has it), a number becomes
    a scalar of that dtype."""
    if hasattr(x, "is_symbolic"):
        if x.type is not None and x.type.dtype == dtype:
            return x
        return ctx.cast(x, dtype)
    return scalar(ctx, x, dtype)


def scalar(ctx, value, dtype):
    """A number usable as an operand of ``dtype``: a bare literal where the target combines it
    exactly (``weak_scalars``), else a typed plan constant."""
    if hasattr(value, "is_symbolic"):
        raise ExprError("scalar() takes a number, got a tensor")
    if dtype in ctx.rules.weak_scalars and not isinstance(value, bool):
        return float(value) if category(dtype) == 2 else int(value)
    return ctx.constant(value, dtype)


def to_each(ctx, xs, dtype):
    """``to(x, dtype)`` for every item of a list (``cat``'s tensors)."""
    return [to(ctx, x, dtype) for x in xs]


def drop_legacy_empty(ctx, xs):
    """The tensors of a list without 1-D empty ones (shape [0]), which ``torch.cat`` skips
    whatever the other inputs' shapes (a legacy rule)."""
    return [x for x in xs if not (hasattr(x, "is_symbolic") and x.type is not None
                                  and x.type.shape == (0,))]


def const(ctx, data, dtype):
    return ctx.constant(data, dtype)


def used(ctx, i):
    return ctx.output_used(i)


def pair(ctx, x):
    """An int or a 1- or 2-list as a 2-list (PyTorch's ``int[2]`` arguments)."""
    if isinstance(x, int):
        return [x, x]
    x = list(x)
    return x * 2 if len(x) == 1 else x


def ntuple(ctx, x, n):
    """An int or a 1- or n-list as an n-list (PyTorch's ``int[n]`` arguments)."""
    if isinstance(x, int):
        return [x] * n
    x = list(x)
    return x * n if len(x) == 1 else x


def _strides(shape) -> list[int]:
    """Row-major element strides of ``shape``."""
    return [math.prod(shape[i + 1:]) for i in builtins.range(len(shape))]


def _window_tables(spatial, windows):
    """``[gather, source, padded]`` for windows given as ``(first, cells)``: ``cells`` are the
    coordinates a window reads, in order, or None where it reads padding; ``first`` is the flat
    index PyTorch reports for padding (where its kernel starts). Padding reads the extra slot
    ``prod(spatial)``."""
    size, strides = math.prod(spatial), _strides(spatial)
    gather, source, padded = [], [], False
    for first, cells in windows:
        for c in cells:
            flat = size if c is None else sum(q * w for q, w in zip(c, strides))
            gather.append(flat)
            source.append(first if c is None else flat)
            padded = padded or c is None
    return [gather, source, padded]


def pool_windows(ctx, spatial, out_spatial, kernel, stride, padding, dilation):
    """The windows of a max pool as gather tables over the flattened spatial dims: ``[gather,
    source, padded]``. ``gather`` lists, output position by output position and kernel offset
    by offset (row-major), the flat input element each window reads, or ``prod(spatial)`` (an
    extra -inf slot) where it reads padding; ``source`` the index PyTorch reports for that
    element: padding reports the window's first in-input element, where PyTorch's kernel starts
    (so an all -inf window gives its index); ``padded`` whether any window reads padding."""
    strides = _strides(spatial)
    offsets = list(itertools.product(*[[j * d for j in builtins.range(k)]
                                       for k, d in zip(kernel, dilation)]))

    def windows():
        for o in itertools.product(*map(builtins.range, out_spatial)):
            start = [i * s - p for i, s, p in zip(o, stride, padding)]
            first = sum(((st + (-st + d - 1) // d * d) if st < 0 else st) * w
                        for st, d, w in zip(start, dilation, strides))
            cells = [[st + j for st, j in zip(start, off)] for off in offsets]
            yield first, [c if all(0 <= q < n for q, n in zip(c, spatial)) else None
                          for c in cells]

    return _window_tables(spatial, windows())


def gather_offsets(ctx, index_shape, self_shape, dim):
    """For ``gather(self, dim, index)`` on the flattened ``self``: the flat offset of every
    index position with its ``dim`` coordinate left out (row-major, ``index_shape``), so the
    element read is ``offset + index * stride(dim)``."""
    st = _strides(self_shape)
    out = [0]
    for d, n in enumerate(index_shape):
        w = 0 if d == dim else st[d]
        out = [o + k * w for o in out for k in builtins.range(n)]
    return out


def torch_dtype(ctx, x):
    """The dtype of tensor argument ``x`` in the PyTorch plan (``x.dtype`` is the target's:
    int8 and float64 are int32 and float32 on TF.js)."""
    t = ctx.source_types.get(id(x))
    if t is None:
        raise ExprError(f"torch_dtype takes a tensor argument of the op, not {x!r}")
    return t.dtype


def fits(ctx, value, dtype):
    """Whether the number ``value`` is representable in the integer ``dtype`` (floats: always)."""
    from ..int_ranges import dtype_range

    if category(dtype) != 1:
        return True
    lo, hi = dtype_range(dtype)
    return lo <= value <= hi


def fail(ctx, reason):
    raise ExprError(f"refused: {reason}")


def sizes(ctx, xs):
    """The number of elements of each tensor of a list."""
    return [math.prod(x.type.shape) for x in xs]


def offsets(ctx, ns):
    """Where each of consecutive runs of lengths ``ns`` starts: [0, n0, n0 + n1, ...]."""
    out, at = [], 0
    for n in ns:
        out.append(at)
        at += n
    return out


def hist_range(ctx, rng, widen):
    """[lows, highs] of a histogram range given as [lo0, hi0, lo1, hi1, ...], as PyTorch's
    histogram kernels take it: a range that is empty in float64 is widened by ``widen`` each
    side; refused where PyTorch raises (not finite, lo > hi) or computes undefined bin indices
    (empty in float32, or so wide in float32 that (hi - lo) times a bin count may overflow)."""
    import numpy as np

    los, his = [], []
    for lo, hi in zip(rng[0::2], rng[1::2]):
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
            raise ExprError(f"refused: the histogram range [{lo}, {hi}] is not finite or "
                            "decreasing (PyTorch raises)")
        if lo == hi:
            lo, hi = lo - widen, hi + widen
        with np.errstate(over="ignore"):
            width = np.float32(hi) - np.float32(lo)
        if not 0 < width < np.finfo(np.float32).max / 2**31:
            raise ExprError(f"refused: the histogram range [{lo}, {hi}] is empty or too wide "
                            "in float32: PyTorch's bin index is undefined there")
        los.append(lo)
        his.append(hi)
    return [los, his]


def adaptive_windows(ctx, spatial, out_spatial):
    """The windows of an adaptive max pool in ``pool_windows``' format plus the window size:
    ``[gather, source, padded, kk]``. Output ``i`` of a dim of input size ``n`` and output size
    ``m`` reads ``floor(i * n / m)`` to ``ceil((i + 1) * n / m)`` (PyTorch's start_index /
    end_index); windows are padded to the largest size ``kk`` with the extra -inf slot
    (``prod(spatial)``), whose source is the window's first element."""
    strides = _strides(spatial)
    bounds = [[(i * n // m, -(-(i + 1) * n // m)) for i in builtins.range(m)]
              for n, m in zip(spatial, out_spatial)]
    kmax = [builtins.max([e - s for s, e in b], default=1) for b in bounds]
    offsets = list(itertools.product(*map(builtins.range, kmax)))

    def windows():
        for o in itertools.product(*bounds):
            first = sum(s * w for (s, _), w in zip(o, strides))
            yield first, [[s + j for (s, _), j in zip(o, off)]
                          if all(s + j < e for (s, e), j in zip(o, off)) else None
                          for off in offsets]

    return _window_tables(spatial, windows()) + [math.prod(kmax)]


def interp_table(ctx, in_size, out_size, align_corners, scale, cubic, dtype):
    """PyTorch's CPU source indices and weights of one dim of ``upsample_bicubic2d`` (``cubic``:
    4 taps, A = -0.75, indices clamped to the border) or of the linear modes (2 taps; the
    same-size case copies with weights 1, 0), computed in ``dtype``'s arithmetic (float32 or
    float64, PyTorch's opmath) as UpSample.h does: ``[indices, weights]``, flat, tap-minor."""
    import numpy as np

    from ..backends.numpy_kernels import pixel_scale

    ft = np.float64 if dtype == "float64" else np.float32
    ratio = pixel_scale(in_size, out_size, align_corners, scale, ft)
    idx, wts = [], []
    a = ft(-0.75)

    def cc1(x):
        return ((a + ft(2)) * x - (a + ft(3))) * x * x + ft(1)

    def cc2(x):
        return ((a * x - ft(5) * a) * x + ft(8) * a) * x - ft(4) * a

    for i in builtins.range(out_size):
        if not cubic and out_size == in_size:
            idx += [i, i]
            wts += [1.0, 0.0]
            continue
        src = ratio * ft(i) if align_corners else ratio * (ft(i) + ft(0.5)) - ft(0.5)
        if not cubic and src < 0:
            src = ft(0)
        i0 = builtins.min(int(math.floor(np.float32(src))), in_size - 1)
        t = ft(builtins.min(builtins.max(src - ft(i0), ft(0)), ft(1)))
        if cubic:
            x2 = ft(ft(1) - t)
            wts += [float(cc2(ft(t + ft(1)))), float(cc1(t)), float(cc1(x2)),
                    float(cc2(ft(x2 + ft(1))))]
            idx += [builtins.min(builtins.max(i0 - 1 + j, 0), in_size - 1)
                    for j in builtins.range(4)]
        else:
            idx += [i0, i0 + (1 if i0 < in_size - 1 else 0)]
            wts += [float(ft(1) - t), float(t)]
    return [idx, wts]


def fractional_tables(ctx, spatial, out_spatial, kernel, nd, dtype):
    """Static tables of a fractional max pool (PyTorch's generate_intervals) over the
    concatenated output positions of every spatial dim: ``[column, i, alpha, _, last, seq,
    offsets]``. For position ``i < out - 1`` of dim ``d`` the window starts at
    ``int((i + u) * alpha) - int(u * alpha)``, ``u`` the plane's sample in ``column`` (2-D
    samples are [W, H], 3-D [T, H, W]) and ``alpha = (in - k) / (out - 1)`` in ``dtype``; the
    last starts at ``in - k`` (there ``i`` and ``alpha`` are 0 and ``last`` holds ``in - k``).
    ``seq`` lists, output position by position (row-major), the index of each dim's start in
    the concatenation; ``offsets`` the flat offsets of a window's elements (row-major)."""
    import numpy as np

    ft = np.float64 if dtype == "float64" else np.float32
    column, ival, alpha, last, base = [], [], [], [], []
    for d, (n, m, k) in enumerate(zip(spatial, out_spatial, kernel)):
        a = ft(n - k) / ft(m - 1) if m > 1 else ft(0)
        base.append(len(column))
        for i in builtins.range(m):
            column.append(nd - 1 - d if nd == 2 else d)
            end = i == m - 1
            ival.append(0.0 if end else float(i))
            alpha.append(0.0 if end else float(a))
            last.append(n - k if end else 0)
    outs = [[]]
    for b, m in zip(base, out_spatial):
        outs = [o + [b + i] for o in outs for i in builtins.range(m)]
    strides = _strides(spatial)
    offsets = [0]
    for k, w in zip(kernel, strides):
        offsets = [o + j * w for o in offsets for j in builtins.range(k)]
    return [column, ival, alpha, None, last, [c for o in outs for c in o], offsets]


def unfold_table(ctx, windows, size, step):
    """``[[i * step + j for j < size] for i < windows]``: the elements of ``Tensor.unfold``'s
    windows along their dim."""
    return [[i * step + j for j in builtins.range(size)] for i in builtins.range(windows)]


def unsqueezed_shape(ctx, shape, dims, rank):
    """``shape`` with a 1 inserted at each of ``dims`` (a result of ``rank`` dims), as
    successive ``unsqueeze`` calls in increasing dim order give it."""
    dims = {d % rank for d in dims}
    it = iter(shape)
    return [1 if k in dims else next(it) for k in builtins.range(rank)]


def perm_to_end(ctx, rank, dims):
    """The permutation that moves ``dims`` (in that order) after the other dims."""
    dims = [d % builtins.max(rank, 1) for d in dims]
    return [k for k in builtins.range(rank) if k not in dims] + dims


def nth_first_equivalent(ctx, n):
    """The index libstdc++'s std::nth_element leaves first among ``n`` equivalent elements
    (PyTorch's nanmedian of an all-NaN row)."""
    from ..backends.numpy_kernels import _nth_first_equivalent

    return _nth_first_equivalent(n)


def guard(ctx, cond, message):
    """A runtime condition of the translated plan: ``cond`` (a bool tensor the rule computed)
    must be true everywhere, or the plan refuses the inputs with ``message`` (GuardError)
    instead of returning numbers PyTorch may not give. For results PyTorch leaves to its
    kernel in rare inputs (the order of equal elements in an unstable sort): exact for every
    input the guard accepts. Returns ``cond``."""
    if not ctx.emitting:
        raise ExprError("a condition cannot add a guard")
    if not hasattr(cond, "is_symbolic") or cond.type is not None and cond.type.dtype != "bool":
        raise ExprError("guard(cond, message) takes a bool tensor the rule computed")
    ctx.guards.append((cond, str(message)))
    return cond


def within(ctx, x, lo, hi):
    """True when interval analysis proves every value of the source tensor ``x`` (an integer
    argument of the op) lies in [lo, hi]: a rule then needs no runtime check of it (an index
    made by argmax, arange or a clamp); False when it is not proven."""
    name = ctx.source_names.get(id(x))
    r = ctx.tr.value_range(name) if name is not None else None
    return r is not None and lo <= r[0] and r[1] <= hi


def typed_like(ctx, x, like):
    """``x``, a value the rule just computed with the shape and dtype of ``like`` (an index
    with its out-of-range entries replaced by a where), typed as ``like`` so the rule can keep
    reading its shape (emitted commands have no static type otherwise)."""
    if not (hasattr(x, "is_symbolic") and hasattr(like, "is_symbolic")):
        raise ExprError("typed_like(x, like) takes two tensors")
    if x.pending and x.type is None:
        x.value.type = like.type
    return x


def _wrap(fn):
    return lambda ctx, *a, **k: fn(*a, **k)


HELPERS = {
    "len": _wrap(len), "range": _wrap(lambda *a: list(builtins.range(*a))),
    "list": _wrap(list), "min": _wrap(builtins.min), "max": _wrap(builtins.max),
    "abs": _wrap(builtins.abs), "int": _wrap(int), "float": _wrap(float), "all": _wrap(all),
    "any": _wrap(any), "sum": _wrap(builtins.sum), "prod": _wrap(math.prod),
    "reversed": _wrap(lambda xs: list(builtins.reversed(xs))),
    "norm_dim": norm_dim, "norm_dims": norm_dims, "reduce_axes": reduce_axes,
    "perm_swap": perm_swap,
    "inverse_perm": inverse_perm, "result_type": result_type, "is_float": is_float,
    "is_int": is_int, "to": to, "scalar": scalar, "const": const, "used": used, "fail": fail,
    "pair": pair, "ntuple": ntuple, "pool_windows": pool_windows, "to_each": to_each,
    "drop_legacy_empty": drop_legacy_empty, "torch_dtype": torch_dtype, "fits": fits,
    "gather_offsets": gather_offsets,
    "is_tensor": _wrap(lambda x: hasattr(x, "is_symbolic")),
    "adaptive_windows": adaptive_windows, "interp_table": interp_table,
    "fractional_tables": fractional_tables, "unfold_table": unfold_table,
    "sizes": sizes, "offsets": offsets, "hist_range": hist_range,
    "unsqueezed_shape": unsqueezed_shape, "perm_to_end": perm_to_end,
    "nth_first_equivalent": nth_first_equivalent, "guard": guard, "within": within,
    "typed_like": typed_like,
    # row-major strides (in elements) of a shape: unravelling a flat index
    "strides": _wrap(lambda shape: [math.prod(shape[k + 1:]) for k in builtins.range(len(shape))]),
}
