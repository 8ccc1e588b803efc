"""NumPy kernels for the ``npx.*`` commands of ``mappings/numpy.yaml``.

NumPy has no single function for convolution, max pooling with PyTorch's indices, their
backward passes or ``erf``. Each kernel here reproduces the PyTorch operation it is named
after, for the parameter ranges it accepts; anything outside them raises ``ValueError``
(the rules guard with ``when:`` conditions so translation refuses such inputs first).

Layouts are PyTorch's: activations NCHW, convolution weights ``[out_channels,
in_channels / groups, kh, kw]``. ``stride``, ``dilation`` and ``kernel`` are ``[h, w]`` pairs;
convolution ``padding`` is ``[ph, pw]`` (symmetric) or ``[top, bottom, left, right]``.
Results keep the input dtype (float32 in, float32 out), like PyTorch.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import numpy_linalg as linalg  # noqa: F401 - npx.linalg.*: dense linear algebra

__all__ = ["conv2d_nchw", "conv2d_backward_input", "conv2d_backward_weight", "erf",
           "avg_pool", "avg_pool2d_backward", "adaptive_avg_pool", "max_pool3d_indices",
           "upsample_nearest2d", "upsample_bilinear2d", "embedding_backward",
           "adaptive_avg_pool2d_backward",
           "max_pool2d", "max_pool2d_indices", "max_pool2d_backward", "cat"]


# -- argument checks ---------------------------------------------------------------------------
def _pair(name, v, minimum):
    v = [int(a) for a in (v if isinstance(v, (list, tuple)) else [v, v])]
    if len(v) != 2 or any(a < minimum for a in v):
        raise ValueError(f"{name} must be two ints >= {minimum}, got {v}")
    return v


def _pads(padding):
    """``[ph, pw]`` or ``[top, bottom, left, right]`` -> ``(top, bottom, left, right)``."""
    p = [int(a) for a in (padding if isinstance(padding, (list, tuple)) else [padding] * 2)]
    if len(p) == 2:
        p = [p[0], p[0], p[1], p[1]]
    if len(p) != 4 or any(a < 0 for a in p):
        raise ValueError(f"padding must be [ph, pw] or [top, bottom, left, right] of ints >= 0, "
                         f"got {padding}")
    return p


def _conv_geometry(x_shape, w_shape, stride, padding, dilation, groups):
    """Checks shapes like ``torch.nn.functional.conv2d`` and returns the normalised params and
    the output size ``(oh, ow)``: ``(size + pads - dilation * (k - 1) - 1) // stride + 1``."""
    if len(x_shape) != 4 or len(w_shape) != 4:
        raise ValueError(f"conv2d kernels take 4-D NCHW input and OIHW weight, got input "
                         f"{tuple(x_shape)} and weight {tuple(w_shape)}")
    s, d, p = _pair("stride", stride, 1), _pair("dilation", dilation, 1), _pads(padding)
    g = int(groups)
    n, c, h, w = x_shape
    o, cg, kh, kw = w_shape
    if g < 1 or c % g or o % g or cg != c // g:
        raise ValueError(f"groups={g} does not fit input channels {c}, weight {tuple(w_shape)}")
    oh = (h + p[0] + p[1] - d[0] * (kh - 1) - 1) // s[0] + 1
    ow = (w + p[2] + p[3] - d[1] * (kw - 1) - 1) // s[1] + 1
    if oh < 1 or ow < 1 or kh < 1 or kw < 1:
        raise ValueError(f"kernel {kh}x{kw} (dilation {d}) is larger than the padded input "
                         f"{h}x{w} (padding {p})")
    return s, p, d, g, oh, ow


def _windows(x, kh, kw, s, p, d, oh, ow):
    """Receptive fields of a zero-padded input: ``[N, C, oh, ow, kh, kw]`` (a strided view)."""
    xp = np.pad(x, [(0, 0), (0, 0), (p[0], p[1]), (p[2], p[3])])
    win = sliding_window_view(xp, ((kh - 1) * d[0] + 1, (kw - 1) * d[1] + 1), axis=(2, 3))
    return win[:, :, ::s[0], ::s[1], ::d[0], ::d[1]][:, :, :oh, :ow]


# -- convolution ---------------------------------------------------------------------------------
def conv2d_nchw(x, w, stride, padding, dilation, groups=1):
    """``torch.nn.functional.conv2d(x, w, None, stride, padding, dilation, groups)`` (no bias:
    the rule adds it). ``padding`` may be asymmetric ``[top, bottom, left, right]`` (what
    ``padding='same'`` becomes). Zero padding, cross-correlation, ``groups`` splitting the
    channels into equal blocks."""
    x, w = np.asarray(x), np.asarray(w)
    s, p, d, g, oh, ow = _conv_geometry(x.shape, w.shape, stride, padding, dilation, groups)
    n, c = x.shape[:2]
    o, cg, kh, kw = w.shape
    win = _windows(x, kh, kw, s, p, d, oh, ow)
    og = o // g
    out = [np.tensordot(win[:, k * cg:(k + 1) * cg], w[k * og:(k + 1) * og],
                        axes=([1, 4, 5], [1, 2, 3]))          # [N, oh, ow, og]
           for k in range(g)]
    y = np.concatenate(out, axis=3) if g > 1 else out[0]
    return np.ascontiguousarray(np.transpose(y, (0, 3, 1, 2))).astype(x.dtype, copy=False)


def conv2d_backward_input(grad, w, input_shape, stride, padding, dilation, groups=1):
    """The gradient of ``conv2d(x, w, ...)`` with respect to ``x`` of shape ``input_shape``,
    given ``grad`` (dL/dy, ``[N, O, oh, ow]``): each output position sends
    ``grad * w`` back to the input pixels it read; padding positions are dropped. Input
    rows/cols the strided windows never reach get zero. Also the forward of a transposed
    convolution (``conv_transpose2d(grad, w)`` with output size ``input_shape``)."""
    grad, w = np.asarray(grad), np.asarray(w)
    input_shape = tuple(int(a) for a in input_shape)
    s, p, d, g, oh, ow = _conv_geometry(input_shape, w.shape, stride, padding, dilation, groups)
    n, c, h, wd = input_shape
    o, cg, kh, kw = w.shape
    if grad.shape != (n, o, oh, ow):
        raise ValueError(f"grad has shape {grad.shape}, the convolution output is "
                         f"{(n, o, oh, ow)}")
    og = o // g
    gp = np.zeros((n, c, h + p[0] + p[1], wd + p[2] + p[3]), dtype=grad.dtype)
    for i in range(kh):
        for j in range(kw):
            rows = np.s_[i * d[0]:i * d[0] + s[0] * (oh - 1) + 1:s[0]]   # npx.slice shadows slice
            cols = np.s_[j * d[1]:j * d[1] + s[1] * (ow - 1) + 1:s[1]]
            for k in range(g):
                # [N, og, oh, ow] x [og, cg] -> [N, oh, ow, cg]
                t = np.tensordot(grad[:, k * og:(k + 1) * og], w[k * og:(k + 1) * og, :, i, j],
                                 axes=([1], [0]))
                gp[:, k * cg:(k + 1) * cg, rows, cols] += np.transpose(t, (0, 3, 1, 2))
    return gp[:, :, p[0]:p[0] + h, p[2]:p[2] + wd].copy()


def conv2d_backward_weight(grad, x, weight_shape, stride, padding, dilation, groups=1):
    """The gradient of ``conv2d(x, w, ...)`` with respect to ``w`` of shape ``weight_shape``:
    ``sum over n, oh, ow of grad[n, o, oh, ow] * window[n, c, oh, ow, i, j]``."""
    grad, x = np.asarray(grad), np.asarray(x)
    weight_shape = tuple(int(a) for a in weight_shape)
    s, p, d, g, oh, ow = _conv_geometry(x.shape, weight_shape, stride, padding, dilation, groups)
    o, cg, kh, kw = weight_shape
    if grad.shape != (x.shape[0], o, oh, ow):
        raise ValueError(f"grad has shape {grad.shape}, the convolution output is "
                         f"{(x.shape[0], o, oh, ow)}")
    win = _windows(x, kh, kw, s, p, d, oh, ow)
    og = o // g
    gw = [np.tensordot(grad[:, k * og:(k + 1) * og], win[:, k * cg:(k + 1) * cg],
                       axes=([0, 2, 3], [0, 2, 3]))            # [og, cg, kh, kw]
          for k in range(g)]
    return (np.concatenate(gw, axis=0) if g > 1 else gw[0]).astype(grad.dtype, copy=False)


# -- N-d convolution (3-D: NCDHW input, OIDHW weight) --------------------------------------------
def _convnd_geometry(x_shape, w_shape, stride, padding, dilation, groups):
    nd = len(x_shape) - 2
    if nd < 1 or len(w_shape) != nd + 2:
        raise ValueError(f"convnd takes an N, C + spatial input and a matching weight, got "
                         f"{tuple(x_shape)} and {tuple(w_shape)}")
    s, p, d = ([int(a) for a in (v if isinstance(v, (list, tuple)) else [v])] for v in
               (stride, padding, dilation))
    s, p, d = (v * nd if len(v) == 1 else v for v in (s, p, d))
    g = int(groups)
    c, (o, cg), k = x_shape[1], w_shape[:2], list(w_shape[2:])
    if g < 1 or c % g or o % g or cg != c // g or min(s + d) < 1 or min(p) < 0:
        raise ValueError(f"groups={g}, stride {s}, padding {p}, dilation {d} do not fit input "
                         f"{tuple(x_shape)} and weight {tuple(w_shape)}")
    outs = [(n + 2 * pi - di * (ki - 1) - 1) // si + 1
            for n, ki, si, pi, di in zip(x_shape[2:], k, s, p, d)]
    if min(outs) < 1:
        raise ValueError(f"kernel {k} (dilation {d}) is larger than the padded input")
    return nd, s, p, d, g, k, outs


def convnd(x, w, stride, padding, dilation, groups=1):
    """``torch.nn.functional.conv{N}d(x, w, None, stride, padding, dilation, groups)`` for any
    number of spatial dims (no bias: the rule adds it): zero padding, cross-correlation,
    ``groups`` splitting the channels into equal blocks. Integer inputs stay integer (exact,
    wrapping like PyTorch's int64 kernel)."""
    x, w = np.asarray(x), np.asarray(w)
    nd, s, p, d, g, k, outs = _convnd_geometry(x.shape, w.shape, stride, padding, dilation,
                                               groups)
    dtype = x.dtype
    if dtype in (np.float16, np.float32):   # sums of many products: accumulate in float64
        x, w = x.astype(np.float64), w.astype(np.float64)
    xp = np.pad(x, [(0, 0), (0, 0)] + [(a, a) for a in p])
    win = sliding_window_view(xp, tuple((a - 1) * b + 1 for a, b in zip(k, d)),
                              axis=tuple(range(2, 2 + nd)))      # [N, C, *L, *span]
    win = win[(np.s_[:], np.s_[:]) + tuple(np.s_[:o * a:a] for o, a in zip(outs, s))
              + tuple(np.s_[::b] for b in d)]                     # [N, C, *outs, *k]
    cg, og = w.shape[1], w.shape[0] // g
    taps = list(range(2 + nd, 2 + 2 * nd))
    ys = [np.tensordot(win[:, j * cg:(j + 1) * cg], w[j * og:(j + 1) * og],
                       axes=([1] + taps, [1] + list(range(2, 2 + nd))))   # [N, *outs, og]
          for j in range(g)]
    y = np.concatenate(ys, axis=-1) if g > 1 else ys[0]
    return np.ascontiguousarray(np.moveaxis(y, -1, 1)).astype(dtype, copy=False)


def convnd_backward_input(grad, w, input_shape, stride, padding, dilation, groups=1):
    """The gradient of ``convnd(x, w, ...)`` with respect to ``x`` of shape ``input_shape``
    (each output position sends ``grad * w`` back to the elements it read; padding is
    dropped): also the forward of a transposed convolution with output size ``input_shape``
    (``output_padding`` included, even when it is not below the stride)."""
    grad, w = np.asarray(grad), np.asarray(w)
    input_shape = tuple(int(a) for a in input_shape)
    nd, s, p, d, g, k, outs = _convnd_geometry(input_shape, w.shape, stride, padding,
                                               dilation, groups)
    n, c = input_shape[:2]
    # a transposed convolution's output_padding may exceed its stride (PyTorch allows it
    # below the dilation): the convolution of that output is longer than ``grad``, and the
    # elements no window of ``grad`` reaches get zero
    if grad.shape[:2] != (n, w.shape[0]) or any(a > b for a, b in zip(grad.shape[2:], outs)):
        raise ValueError(f"grad has shape {grad.shape}, the convolution output is "
                         f"{(n, w.shape[0], *outs)}")
    outs = list(grad.shape[2:])
    cg, og = w.shape[1], w.shape[0] // g
    dtype = grad.dtype
    if dtype in (np.float16, np.float32):   # sums of many products: accumulate in float64
        grad, w = grad.astype(np.float64), w.astype(np.float64)
    gp = np.zeros((n, c) + tuple(a + 2 * b for a, b in zip(input_shape[2:], p)),
                  dtype=grad.dtype)
    for tap in np.ndindex(*k):
        sl = tuple(np.s_[t * b:t * b + a * (o - 1) + 1:a] for t, a, b, o in zip(tap, s, d, outs))
        for j in range(g):
            t = np.tensordot(grad[:, j * og:(j + 1) * og], w[(np.s_[j * og:(j + 1) * og],
                                                              np.s_[:]) + tap], axes=([1], [0]))
            gp[(np.s_[:], np.s_[j * cg:(j + 1) * cg]) + sl] += np.moveaxis(t, -1, 1)
    return gp[(np.s_[:], np.s_[:]) + tuple(np.s_[b:b + a] for a, b in
                                          zip(input_shape[2:], p))].astype(dtype)


__all__ += ["convnd", "convnd_backward_input"]


# -- max pooling ---------------------------------------------------------------------------------
def _max_pool2d(x, kernel, stride, padding, dilation, ceil_mode):
    """PyTorch's CPU max pooling (``cpu_max_pool``) on the last two dims of a 3-D or 4-D
    input: output size as ``pooling_output_shape`` (``ceil_mode`` drops a last window that
    would start in the right padding); padding never wins; within a window taps are visited
    row by row and a tap replaces the running max when it is greater or NaN (so the first
    maximum wins, and the last NaN); a window of -inf keeps its first in-bounds tap.
    Returns ``(values, indices)`` with indices flat ``h * W + w`` (int64)."""
    x = np.asarray(x)
    if x.ndim not in (3, 4):
        raise ValueError(f"max_pool2d takes a 3-D or 4-D input, got shape {x.shape}")
    k, s = _pair("kernel_size", kernel, 1), _pair("stride", stride, 1)
    p, d = _pair("padding", padding, 0), _pair("dilation", dilation, 1)
    if p[0] > k[0] // 2 or p[1] > k[1] // 2:
        raise ValueError(f"padding {p} must be at most half of kernel_size {k}")
    h, w = x.shape[-2:]

    def out_size(size, k_, s_, p_, d_):
        n = (size + 2 * p_ - d_ * (k_ - 1) - 1 + (s_ - 1 if ceil_mode else 0)) // s_ + 1
        if ceil_mode and (n - 1) * s_ >= size + p_:
            n -= 1
        return n

    oh, ow = out_size(h, k[0], s[0], p[0], d[0]), out_size(w, k[1], s[1], p[1], d[1])
    if oh < 1 or ow < 1:
        raise ValueError(f"max_pool2d output would be {oh}x{ow} for input {h}x{w}")
    h0 = np.arange(oh) * s[0] - p[0]          # window origins
    w0 = np.arange(ow) * s[1] - p[1]
    lead = x.shape[:-2]
    best = np.zeros(lead + (oh, ow), dtype=x.dtype)    # replaced at each window's first tap
    index = np.zeros(lead + (oh, ow), dtype=np.int64)
    seen = np.zeros((oh, ow), dtype=bool)
    for i in range(k[0]):
        hh = h0 + i * d[0]
        for j in range(k[1]):
            ww = w0 + j * d[1]
            inside = ((hh >= 0) & (hh < h))[:, None] & ((ww >= 0) & (ww < w))[None, :]
            if not inside.any():
                continue
            hc, wc = np.clip(hh, 0, h - 1), np.clip(ww, 0, w - 1)
            val = x[..., hc[:, None], wc[None, :]]
            take = inside & (~seen | (val > best) | np.isnan(val))
            best = np.where(take, val, best)
            index = np.where(take, hc[:, None] * w + wc[None, :], index)
            seen |= inside
    return best, index


def max_pool2d(x, kernel, stride, padding, dilation, ceil_mode=False):
    """The values of ``torch.nn.functional.max_pool2d`` (see ``_max_pool2d``)."""
    return _max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)[0]


def max_pool2d_indices(x, kernel, stride, padding, dilation, ceil_mode=False):
    """The indices of ``max_pool2d(..., return_indices=True)``: for each window, the flat
    position ``h * W + w`` in its input plane of the maximum PyTorch picks (int64). The values
    are ``x`` at these positions (the rule gathers them: a target command has one output)."""
    return _max_pool2d(x, kernel, stride, padding, dilation, ceil_mode)[1]


def max_pool2d_backward(grad, indices, input_shape):
    """``max_pool2d_with_indices_backward``: a zero tensor of ``input_shape`` where each
    output position adds its ``grad`` at the input position ``indices`` names, in output
    order (``np.add.at`` accumulates overlapping windows sequentially, as PyTorch's CPU
    kernel does). Depends only on ``grad`` and ``indices``: kernel, stride... only shaped
    them."""
    grad, indices = np.asarray(grad), np.asarray(indices)
    input_shape = tuple(int(a) for a in input_shape)
    if len(input_shape) not in (3, 4) or grad.shape != indices.shape \
            or grad.ndim != len(input_shape) or grad.shape[:-2] != input_shape[:-2]:
        raise ValueError(f"max_pool2d_backward: grad {grad.shape} and indices {indices.shape} "
                         f"do not fit an input of shape {input_shape}")
    plane = input_shape[-2] * input_shape[-1]
    lead = int(np.prod(input_shape[:-2]))
    idx = indices.reshape(lead, -1)
    if idx.size and (idx.min() < 0 or idx.max() >= plane):
        raise ValueError(f"max_pool2d_backward: indices must lie in [0, {plane})")
    flat = (idx + (np.arange(lead, dtype=np.int64) * plane)[:, None]).ravel()
    out = np.zeros(lead * plane, dtype=grad.dtype)
    np.add.at(out, flat, grad.reshape(-1))
    return out.reshape(input_shape)


# -- joining -----------------------------------------------------------------------------------
def cat(tensors, axis, dtype):
    """``torch.cat(tensors, axis)`` with the result ``dtype`` (PyTorch's promoted type; each
    input is cast to it). PyTorch skips legacy empty tensors (1-D with no elements) whatever
    the rank of the others; when every input is one, the result is an empty 1-D tensor."""
    arrays = [np.asarray(t) for t in tensors]
    kept = [a for a in arrays if not (a.ndim == 1 and a.size == 0)]
    if not kept:
        return np.zeros((0,), dtype=dtype)
    return np.concatenate(kept, axis=int(axis), dtype=dtype, casting="unsafe")


# -- elementwise -------------------------------------------------------------------------------
_erf64 = np.frompyfunc(math.erf, 1, 1)


def erf(x):
    """``torch.erf`` for floating inputs: ``math.erf`` (double precision, < 1 ulp) rounded to
    the input dtype."""
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"erf takes a floating array, got {x.dtype}")
    return np.asarray(_erf64(x.astype(np.float64)), dtype=np.float64).astype(x.dtype)


# -- sort --
def sort(x, dim, descending, count=None):
    """(values, int64 indices) of a stable sort along ``dim`` (NaN last ascending, first
    descending; equal elements in index order), the first ``count`` when given."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    xt = np.moveaxis(x, dim, -1)
    n = xt.shape[-1]
    if descending:  # a stable ascending sort of the reversed dim, read backwards
        idx = (n - 1 - np.argsort(xt[..., ::-1], axis=-1, kind="stable"))[..., ::-1]
    else:
        idx = np.argsort(xt, axis=-1, kind="stable")
    if count is not None:
        idx = idx[..., :count]
    vals = np.take_along_axis(xt, idx, axis=-1)
    return np.moveaxis(vals, -1, dim), np.moveaxis(idx.astype(np.int64), -1, dim)


def distinct(x, dim):
    """0-d bool: no two elements of ``x`` along ``dim`` are equal (NaN counts as equal to NaN,
    -0.0 to 0.0): the inputs for which every sort, stable or not, gives the same indices."""
    s = np.sort(np.moveaxis(np.asarray(x), dim, -1), axis=-1)
    same = s[..., 1:] == s[..., :-1]
    if np.issubdtype(s.dtype, np.floating):
        same |= np.isnan(s[..., 1:]) & np.isnan(s[..., :-1])
    return np.asarray(not same.any())


def searchsorted(seq, values, right=False, sorter=None, out_dtype="int64"):
    """``torch.searchsorted`` on CPU: PyTorch's own binary search, step by step, for every
    value at once. ``seq`` is 1-D (searched for values of any shape) or N-D with the leading
    dims of ``values`` (row by row); ``sorter`` indexes the last dim of ``seq``. Lower bound:
    go right unless ``x >= v``; upper bound: unless ``x > v``. A NaN on either side makes the
    comparison false, so the path (and the result, even for an unsorted sequence) is
    PyTorch's. Both operands must already have their common dtype."""
    seq, v = np.asarray(seq), np.asarray(values)
    v = v.astype(seq.dtype, copy=False)
    if sorter is not None:
        seq = np.take_along_axis(seq, np.asarray(sorter).astype(np.int64), axis=-1)
    n = seq.shape[-1]
    b = math.prod(seq.shape[:-1])
    if n == 0 or b == 0 or v.size == 0:
        return np.zeros(v.shape, out_dtype)
    rows = seq.reshape(b, n)
    vals = v.reshape(b, -1)
    lo = np.zeros(vals.shape, np.int64)
    hi = np.full(vals.shape, n, np.int64)
    r = np.arange(rows.shape[0])[:, None]
    with np.errstate(invalid="ignore"):
        for _ in range(int(n).bit_length()):
            mid = lo + ((hi - lo) >> 1)
            x = rows[r, np.minimum(mid, n - 1)]
            stop = (x > vals) if right else (x >= vals)
            active = lo < hi
            lo = np.where(active & ~stop, mid + 1, lo)
            hi = np.where(active & stop, mid, hi)
    return lo.reshape(v.shape).astype(out_dtype)


# -- nn part -------------------------------------------------------------------------------------
# Average pooling (1-3 spatial dims), its 2-D backward, adaptive average pooling, 3-D max
# pooling with indices, nearest / bilinear upsampling and the embedding backward. Spatial dims
# are the last ``len(kernel)`` dims; the leading ones (N, C or C alone) are batch dims.
def _avg_geometry(size, k, s, p, out):
    """Per output index along one dim: the window's first input index (may be negative), its
    size counting padding (PyTorch's ``pool_size``) and its in-bounds element count."""
    start = np.arange(out) * s - p
    end = np.minimum(start + k, size + p)
    pool = end - start
    count = np.minimum(end, size) - np.maximum(start, 0)
    return start, pool, count


def _avg_out_size(size, k, s, p, ceil_mode):
    n = (size + 2 * p - k + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (n - 1) * s >= size + p:
        n -= 1
    return n


def _avg_params(nd, kernel, stride, padding):
    def seq(v, name, minimum):
        v = [int(a) for a in (v if isinstance(v, (list, tuple)) else [v])]
        v = v * nd if len(v) == 1 else v
        if len(v) != nd or any(a < minimum for a in v):
            raise ValueError(f"{name} must be {nd} ints >= {minimum}, got {v}")
        return v
    k = seq(kernel, "kernel_size", 1)
    s = seq(stride, "stride", 1) if stride not in (None, []) else k
    return k, s, seq(padding, "padding", 0)


def _divisor(shape, k, s, p, outs, count_include_pad, divisor_override):
    if divisor_override is not None:
        return np.float64(divisor_override)
    div = np.ones((), dtype=np.int64)
    for j, (size, o) in enumerate(zip(shape, outs)):
        _, pool, count = _avg_geometry(size, k[j], s[j], p[j], o)
        d = pool if count_include_pad else count
        div = div[..., None] * d if j else d
    return div


def avg_pool(x, kernel, stride, padding, ceil_mode=False, count_include_pad=True,
             divisor_override=None):
    """``avg_pool1d/2d/3d`` over the last ``len(kernel)`` dims: the zero-padded window sum
    divided by PyTorch's divisor (the window size clipped to the padded input, or its
    in-bounds count without ``count_include_pad``, or ``divisor_override``); integer input
    (int64) sums in its dtype and divides truncating toward zero, as PyTorch's CPU kernel."""
    x = np.asarray(x)
    nd = len(kernel)
    k, s, p = _avg_params(nd, kernel, stride, padding)
    shape = x.shape[-nd:]
    outs = [_avg_out_size(shape[j], k[j], s[j], p[j], ceil_mode) for j in range(nd)]
    if any(o < 1 for o in outs):
        raise ValueError(f"avg_pool output would be {outs} for input {shape}")
    extra = [max((outs[j] - 1) * s[j] + k[j] - shape[j] - 2 * p[j], 0) for j in range(nd)]
    lead = x.ndim - nd
    xp = np.pad(x, [(0, 0)] * lead + [(p[j], p[j] + extra[j]) for j in range(nd)])
    win = sliding_window_view(xp, k, axis=tuple(range(lead, x.ndim)))
    every = (np.s_[:],) * nd          # np.s_: the builtin slice may be shadowed below
    win = win[(Ellipsis,) + tuple(np.s_[::s[j]] for j in range(nd)) + every]
    win = win[(Ellipsis,) + tuple(np.s_[:o] for o in outs) + every]
    total = win.sum(axis=tuple(range(x.ndim, x.ndim + nd)))
    div = _divisor(shape, k, s, p, outs, count_include_pad, divisor_override)
    if np.issubdtype(x.dtype, np.integer):   # PyTorch's integer division truncates toward 0
        div = np.asarray(div, dtype=x.dtype)
        q = np.sign(total) * np.sign(div) * (np.abs(total) // np.abs(div))
        return q.astype(x.dtype, copy=False)
    return (total / np.asarray(div, dtype=x.dtype)).astype(x.dtype, copy=False)


def avg_pool2d_backward(grad, input_shape, kernel, stride, padding, ceil_mode=False,
                        count_include_pad=True, divisor_override=None):
    """``avg_pool2d_backward``: each output's gradient divided by its window's divisor and
    added to every input position of its window (padding positions dropped)."""
    grad = np.asarray(grad)
    input_shape = tuple(int(a) for a in input_shape)
    k, s, p = _avg_params(2, kernel, stride, padding)
    h, w = input_shape[-2:]
    oh, ow = grad.shape[-2:]
    div = _divisor((h, w), k, s, p, (oh, ow), count_include_pad, divisor_override)
    g = grad / np.asarray(div, dtype=grad.dtype)
    eh = max((oh - 1) * s[0] + k[0] - h - 2 * p[0], 0)
    ew = max((ow - 1) * s[1] + k[1] - w - 2 * p[1], 0)
    full = np.zeros(input_shape[:-2] + (h + 2 * p[0] + eh, w + 2 * p[1] + ew), dtype=grad.dtype)
    for i in range(k[0]):
        for j in range(k[1]):
            full[..., i:i + s[0] * (oh - 1) + 1:s[0], j:j + s[1] * (ow - 1) + 1:s[1]] += g
    return full[..., p[0]:p[0] + h, p[1]:p[1] + w].copy()


def adaptive_avg_pool(x, output_size):
    """``adaptive_avg_pool1d/2d/3d``: output ``i`` averages input ``[floor(i * in / out),
    ceil((i + 1) * in / out))`` along each of the last ``len(output_size)`` dims."""
    x = np.asarray(x)
    nd = len(output_size)
    out = x
    for j, o in enumerate(int(a) for a in output_size):
        axis = x.ndim - nd + j
        size = x.shape[axis]
        parts = [np.mean(np.take(out, range((i * size) // o, -((-(i + 1) * size) // o)),
                                 axis=axis), axis=axis, keepdims=True) for i in range(o)]
        out = np.concatenate(parts, axis=axis)
    return out.astype(x.dtype, copy=False)


def adaptive_avg_pool2d_backward(grad, input_shape):
    """``_adaptive_avg_pool2d_backward``: each output's gradient divided by its window's size
    and added to every input position of its window (windows as in ``adaptive_avg_pool``)."""
    grad = np.asarray(grad)
    input_shape = tuple(int(a) for a in input_shape)
    h, w = input_shape[-2:]
    oh, ow = grad.shape[-2:]
    out = np.zeros(input_shape, dtype=grad.dtype)
    for i in range(oh):
        h0, h1 = (i * h) // oh, -((-(i + 1) * h) // oh)
        for j in range(ow):
            w0, w1 = (j * w) // ow, -((-(j + 1) * w) // ow)
            out[..., h0:h1, w0:w1] += grad[..., i:i + 1, j:j + 1] / grad.dtype.type(
                (h1 - h0) * (w1 - w0))
    return out


def max_pool3d_indices(x, kernel, stride, padding, dilation, ceil_mode=False):
    """``max_pool3d_with_indices`` (PyTorch's CPU kernel): -inf padding never wins, taps in
    row-major window order, a tap replaces the running max when greater or NaN. Returns the
    indices, flat ``d * H * W + h * W + w`` (int64); the rule gathers the values at them."""
    x = np.asarray(x)
    if x.ndim not in (4, 5):
        raise ValueError(f"max_pool3d takes a 4-D or 5-D input, got shape {x.shape}")
    k, s, p = _avg_params(3, kernel, stride, padding)
    d = _avg_params(3, dilation, None, 0)[0]
    if any(p[j] > k[j] // 2 for j in range(3)):
        raise ValueError(f"padding {p} must be at most half of kernel_size {k}")
    shape = x.shape[-3:]

    def out_size(size, k_, s_, p_, d_):
        n = (size + 2 * p_ - d_ * (k_ - 1) - 1 + (s_ - 1 if ceil_mode else 0)) // s_ + 1
        if ceil_mode and (n - 1) * s_ >= size + p_:
            n -= 1
        return n

    outs = [out_size(shape[j], k[j], s[j], p[j], d[j]) for j in range(3)]
    origin = [np.arange(outs[j]) * s[j] - p[j] for j in range(3)]
    best = np.zeros(x.shape[:-3] + tuple(outs), dtype=x.dtype)
    index = np.zeros(x.shape[:-3] + tuple(outs), dtype=np.int64)
    seen = np.zeros(outs, dtype=bool)
    for a in range(k[0]):
        za = origin[0] + a * d[0]
        for b in range(k[1]):
            yb = origin[1] + b * d[1]
            for c in range(k[2]):
                xc = origin[2] + c * d[2]
                ok = [(v >= 0) & (v < shape[j]) for j, v in enumerate((za, yb, xc))]
                inside = ok[0][:, None, None] & ok[1][None, :, None] & ok[2][None, None, :]
                if not inside.any():
                    continue
                zi = np.clip(za, 0, shape[0] - 1)[:, None, None]
                yi = np.clip(yb, 0, shape[1] - 1)[None, :, None]
                xi = np.clip(xc, 0, shape[2] - 1)[None, None, :]
                val = x[..., zi, yi, xi]
                take = inside & (~seen | (val > best) | np.isnan(val))
                best = np.where(take, val, best)
                index = np.where(take, (zi * shape[1] + yi) * shape[2] + xi, index)
                seen |= inside
    return index


def upsample_nearest2d(x, out_hw, scale_factors=None):
    """``upsample_nearest2d``: source index ``min(floor(dst * scale), in - 1)`` computed in
    float32, ``scale = in / out`` or ``1 / scale_factor``."""
    x = np.asarray(x)
    idx = []
    for j, o in enumerate(int(a) for a in out_hw):
        size = x.shape[2 + j]
        sc = np.float32(size / o if scale_factors is None else 1.0 / scale_factors[j])
        i = np.floor(np.arange(o, dtype=np.float32) * sc).astype(np.int64)
        idx.append(np.minimum(i, size - 1))
    return x[:, :, idx[0][:, None], idx[1][None, :]]


def upsample_bilinear2d(x, out_hw, align_corners, scale_factors=None):
    """``upsample_bilinear2d`` as PyTorch's CPU kernel computes it: source coordinate
    ``scale * dst`` (align_corners) or ``scale * (dst + 0.5) - 0.5`` clamped at 0, weights in
    the compute dtype (float32 for float32 input)."""
    x = np.asarray(x)
    ct = np.float64 if x.dtype == np.float64 else np.float32
    taps = []
    for j, o in enumerate(int(a) for a in out_hw):
        size = x.shape[2 + j]
        if align_corners:
            sc = ct((size - 1) / (o - 1)) if o > 1 else ct(0)
            src = sc * np.arange(o, dtype=ct)
        else:
            sc = ct(size / o if scale_factors is None else 1.0 / scale_factors[j])
            src = np.maximum(sc * (np.arange(o, dtype=ct) + ct(0.5)) - ct(0.5), ct(0))
        i0 = src.astype(np.int64)
        i1 = i0 + (i0 < size - 1)
        lam1 = (src - i0.astype(ct)).astype(ct)
        taps.append((i0, i1, (ct(1) - lam1).astype(ct), lam1))
    (h0, h1, a0, a1), (w0, w1, b0, b1) = taps
    xc = x.astype(ct, copy=False)
    a0, a1 = a0[:, None], a1[:, None]
    top = b0 * xc[:, :, h0[:, None], w0[None, :]] + b1 * xc[:, :, h0[:, None], w1[None, :]]
    bot = b0 * xc[:, :, h1[:, None], w0[None, :]] + b1 * xc[:, :, h1[:, None], w1[None, :]]
    return (a0 * top + a1 * bot).astype(x.dtype, copy=False)


def embedding_backward(grad, indices, num_weights, padding_idx, scale_grad_by_freq):
    """``embedding_dense_backward``: each gradient row added to its index's row, in order;
    the ``padding_idx`` row gets none; with ``scale_grad_by_freq`` each row is divided by how
    often its index occurs."""
    grad, indices = np.asarray(grad), np.asarray(indices).reshape(-1)
    d = grad.shape[-1]
    g = grad.reshape(-1, d)
    if indices.size and (indices.min() < 0 or indices.max() >= num_weights):
        raise ValueError(f"embedding indices must lie in [0, {num_weights})")
    keep = indices != padding_idx
    out = np.zeros((int(num_weights), d), dtype=grad.dtype)
    if scale_grad_by_freq:
        counts = np.bincount(indices, minlength=int(num_weights))
        g = g / np.maximum(counts[indices], 1).astype(grad.dtype)[:, None]
    np.add.at(out, indices[keep], g[keep])
    return out


# -- tensor part -----------------------------------------------------------------------------
# Slicing, reductions over several axes, advanced indexing and scatters: NumPy has them as
# syntax (x[...], x[...] = v) or with tuple axes, which a plan (JSON lists) cannot hold.
import builtins as _builtins  # noqa: E402 - `slice` below shadows the builtin
import warnings  # noqa: E402

__all__ += ["slice", "reduce", "var", "index", "index_put", "scatter", "masked_scatter"]

_REDUCTIONS = {"any": np.any, "all": np.all, "min": np.min, "max": np.max, "prod": np.prod,
               "sum": np.sum}


def slice(x, begin, size):  # noqa: A001 - the command is npx.slice, like tf.slice
    """``x[begin[0]:begin[0] + size[0], ...]`` (a copy)."""
    x = np.asarray(x)
    return x[tuple(_builtins.slice(b, b + s) for b, s in zip(begin, size))].copy()


def reduce(fn, x, axes, keepdims=False, dtype=None):
    """``np.<fn>(x, axis=tuple(axes))`` for fn in any, all, min, max, prod, sum (``axes`` null:
    every axis)."""
    kw = {} if dtype is None else {"dtype": dtype}
    return np.asarray(_REDUCTIONS[fn](np.asarray(x), axis=None if axes is None else tuple(axes),
                                      keepdims=keepdims, **kw))


def var(x, axes, correction, keepdims=False):
    """PyTorch's var: sum((x - mean)^2) / max(N - correction, 0), computed in float64 and
    rounded once to x's dtype."""
    x = np.asarray(x)
    ax = None if axes is None else tuple(axes)
    with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # N - correction <= 0: inf/nan as torch
        y = np.var(x.astype(np.float64), axis=ax, ddof=correction, keepdims=keepdims)
    return np.asarray(y).astype(x.dtype)


def index(x, indices):
    """``x[indices]`` with PyTorch's ``aten.index.Tensor`` entries (null: the whole dim),
    which NumPy's advanced indexing matches (placement of the result dims included)."""
    return np.asarray(np.asarray(x)[tuple(_builtins.slice(None) if i is None else np.asarray(i)
                                          for i in indices)])


def index_put(x, indices, values, accumulate):
    """``x[indices] = values`` (``accumulate``: ``+=``, every duplicate index counted)."""
    y = np.array(x, copy=True)
    key = tuple(_builtins.slice(None) if i is None else np.asarray(i) for i in indices)
    v = np.asarray(values).astype(y.dtype)
    if accumulate:
        np.add.at(y, key, v)
    else:
        y[key] = v
    return y


def scatter(x, dim, index, src, reduce=None, include_self=True):
    """``x.scatter(dim, index, src)`` (reduce null) or ``scatter_reduce`` with sum, prod,
    mean, amax, amin; each element of ``index`` names the position along ``dim`` of the
    element of ``src`` at the same place (src may be larger than index)."""
    x, index = np.asarray(x), np.asarray(index).astype(np.int64)
    if x.ndim == 0:  # a 0-d self: scatter into its one element
        y = scatter(x.reshape(1), 0, index.reshape(-1), np.asarray(src).reshape(-1), reduce,
                    include_self)
        return y.reshape(())
    y = np.array(x, copy=True)
    src = np.asarray(src)[tuple(_builtins.slice(0, n) for n in index.shape)].astype(x.dtype)
    grid = list(np.indices(index.shape, sparse=True))
    grid[dim] = index
    key = tuple(grid)
    if reduce is None:
        y[key] = src
        return y
    if not include_self:
        fill = {"sum": 0, "mean": 0, "prod": 1}
        start = fill.get(reduce)
        if start is None:
            start = _lowest(x.dtype) if reduce == "amax" else _highest(x.dtype)
        y[key] = start
    ufunc = {"sum": np.add, "mean": np.add, "prod": np.multiply, "amax": np.fmax,
             "amin": np.fmin}[reduce]
    if reduce in ("amax", "amin"):
        ufunc = np.maximum if reduce == "amax" else np.minimum
    ufunc.at(y, key, src)
    if reduce == "mean":
        count = np.zeros(x.shape, np.int64) + (1 if include_self else 0)
        np.add.at(count, key, 1)
        count = np.maximum(count, 1)
        y = (y // count).astype(x.dtype) if x.dtype.kind in "iub" else (y / count).astype(x.dtype)
    return y


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else False if dtype.kind == "b" else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if dtype.kind == "f" else True if dtype.kind == "b" else np.iinfo(dtype).max


def masked_scatter(x, mask, source):
    """``x.masked_scatter(mask, source)``: the positions where (broadcast) ``mask`` holds take
    the elements of ``source`` in row-major order."""
    x, mask = np.asarray(x), np.asarray(mask, dtype=bool)
    shape = np.broadcast_shapes(x.shape, mask.shape)
    m = np.broadcast_to(mask, shape)
    y = np.array(np.broadcast_to(x, shape), copy=True)
    k = int(m.sum())
    y[m] = np.asarray(source).reshape(-1)[:k].astype(x.dtype)
    return y


# -- elementwise part ------------------------------------------------------------------------------
_erfc64 = np.frompyfunc(math.erfc, 1, 1)


def erfc(x):
    """``torch.erfc`` for floating inputs: ``math.erfc`` (double precision) rounded to the input
    dtype, accurate in the tails where ``1 - erf(x)`` cancels."""
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"erfc takes a floating array, got {x.dtype}")
    return np.asarray(_erfc64(x.astype(np.float64)), dtype=np.float64).astype(x.dtype)


# -- unique part ---------------------------------------------------------------------------------
# PyTorch's CPU torch.unique sorts with std::sort (libstdc++ introsort: not stable above 16
# elements), on (value, index) pairs without dim and on row indices with a lexicographic
# comparator with dim. The sort decides which NaN gets which inverse index, which of -0.0 and
# 0.0 represents a zero group and, with dim, the order of rows holding NaN (the row comparator
# sees a NaN as neither less nor greater). `_std_sort` replays libstdc++'s algorithm exactly;
# it runs only where the order of ties can show (NaN or both zeros), else a stable sort does.
__all__ += ["unique", "unique_dim", "unique_consecutive"]


def _std_sort(a, less):
    """libstdc++'s std::sort of the list ``a`` in place with the strict comparator ``less``."""
    n = len(a)
    if n > 1:
        _introsort(a, 0, n, 2 * (n.bit_length() - 1), less)
        if n > 16:
            _insertion_sort(a, 0, 16, less)
            for i in range(16, n):
                _linear_insert(a, i, less)
        else:
            _insertion_sort(a, 0, n, less)
    return a


def _introsort(a, first, last, depth, less):
    while last - first > 16:
        if depth == 0:
            _heap_sort(a, first, last, less)
            return
        depth -= 1
        mid, x, z = first + (last - first) // 2, first + 1, last - 1   # median of 3 to first
        if less(a[x], a[mid]):
            m = mid if less(a[mid], a[z]) else (z if less(a[x], a[z]) else x)
        else:
            m = x if less(a[x], a[z]) else (z if less(a[mid], a[z]) else mid)
        a[first], a[m] = a[m], a[first]
        lo, hi = first + 1, last   # unguarded partition around a[first]
        while True:
            while less(a[lo], a[first]):
                lo += 1
            hi -= 1
            while less(a[first], a[hi]):
                hi -= 1
            if not lo < hi:
                break
            a[lo], a[hi] = a[hi], a[lo]
            lo += 1
        _introsort(a, lo, last, depth, less)
        last = lo


def _insertion_sort(a, first, last, less):
    for i in range(first + 1, last):
        if less(a[i], a[first]):
            v = a[i]
            a[first + 1:i + 1] = a[first:i]
            a[first] = v
        else:
            _linear_insert(a, i, less)


def _linear_insert(a, last, less):
    v, nxt = a[last], last - 1
    while less(v, a[nxt]):
        a[last] = a[nxt]
        last, nxt = nxt, nxt - 1
    a[last] = v


def _heap_sort(a, first, last, less):
    n = last - first
    for parent in range((n - 2) // 2, -1, -1):   # make_heap
        _adjust_heap(a, first, parent, n, a[first + parent], less)
    while last - first > 1:   # sort_heap
        last -= 1
        v, a[last] = a[last], a[first]
        _adjust_heap(a, first, 0, last - first, v, less)


def _adjust_heap(a, first, hole, n, v, less):
    top = child = hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent], v):
        a[first + hole] = a[first + parent]
        hole, parent = parent, (parent - 1) // 2
    a[first + hole] = v


def _ties_show(x, nan_count):
    """Whether the order of equal elements can show in a float result: at least ``nan_count``
    NaNs, or both -0.0 and 0.0."""
    if not np.issubdtype(x.dtype, np.floating) or x.size == 0:
        return False
    zero = x == 0
    neg = np.signbit(x) & zero
    return bool(np.isnan(x).sum() >= nan_count or (neg.any() and (zero & ~neg).any()))


def _runs(order, new, n):
    """(int64 inverse over the original positions, int64 counts) from the sorted order and the
    flags of the elements that start a new value."""
    inverse = np.empty(n, np.int64)
    inverse[order] = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    return inverse, np.diff(np.append(starts, n)).astype(np.int64)


def unique(x, return_inverse=True, return_counts=True):
    """``torch._unique2`` on CPU: (sorted values, inverse shaped like ``x``, counts). NaN sorts
    last and each NaN is a value of its own; ``sorted=False`` sorts too on CPU."""
    x = np.asarray(x)
    flat = x.reshape(-1)
    n = flat.size
    if _ties_show(flat, 2 if return_inverse else n + 1):
        isnan, vals = np.isnan(flat).tolist(), flat.tolist()
        order = np.array(_std_sort(list(range(n)), lambda i, j: (
            not isnan[i] and isnan[j]) or vals[i] < vals[j]), np.int64)
    else:
        order = np.argsort(flat, kind="stable")
    s = flat[order]
    new = np.ones(n, bool)
    new[1:] = s[1:] != s[:-1]   # NaN != NaN: every NaN starts a value
    inverse, counts = _runs(order, new, n)
    return (s[new], inverse.reshape(x.shape) if return_inverse else np.zeros(0, np.int64),
            counts if return_counts else np.zeros(0, np.int64))


def _rows(x, dim):
    """``x`` with ``dim`` first, as [rows, elements per row]."""
    xt = np.moveaxis(x, dim, 0)
    return xt, xt.reshape(xt.shape[0], -1 if xt.shape[0] else 0)


def unique_dim(x, dim):
    """``torch.unique_dim`` on CPU: (unique slices along ``dim``, sorted lexicographically with
    ``<`` and ``>`` as PyTorch's std::sort orders them; int64 inverse over the slices; counts).
    PyTorch always computes all three."""
    x = np.asarray(x)
    xt, rows = _rows(x, dim)
    r = rows.shape[0]
    if r == 0:
        return x.copy(), np.zeros(0, np.int64), np.zeros(0, np.int64)
    if _ties_show(rows, 1):
        def less(a, b):
            lt, gt = rows[a] < rows[b], rows[a] > rows[b]
            d = lt | gt
            k = int(np.argmax(d))
            return bool(d[k] and lt[k])
        order = np.array(_std_sort(list(range(r)), less), np.int64)
    else:   # a consistent order: ties are equal slices, so a stable sort is PyTorch's
        order = np.lexsort(rows.T[::-1]) if rows.shape[1] else np.arange(r)
    s = rows[order]
    new = np.ones(r, bool)
    new[1:] = ~np.all(s[1:] == s[:-1], axis=1)   # at::equal: a NaN equals nothing
    inverse, counts = _runs(order, new, r)
    out = xt[order][new]
    return np.moveaxis(out, 0, dim), inverse, counts


def unique_consecutive(x, return_inverse=True, return_counts=True, dim=None):
    """``torch.unique_consecutive`` on CPU: a value (or, with ``dim``, a slice) that equals
    the previous one joins its run (a NaN equals nothing; -0.0 equals 0.0 and the run keeps the
    first). Without ``dim`` (or dim 0 of a 1-D tensor) the inverse and counts are empty unless
    asked for; with ``dim`` PyTorch always computes them."""
    x = np.asarray(x)
    if dim is None or (x.ndim == 1 and dim == 0):   # PyTorch's test: dim -1 takes the dim path
        flat = x.reshape(-1)
        n = flat.size
        new = np.ones(n, bool)
        new[1:] = flat[1:] != flat[:-1]
        inverse, counts = _runs(np.arange(n), new, n)
        return (flat[new], inverse.reshape(x.shape) if return_inverse else np.zeros(0, np.int64),
                counts if return_counts else np.zeros(0, np.int64))
    dim = dim % x.ndim
    xt, rows = _rows(x, dim)
    r = rows.shape[0]
    if r == 0:
        return x.copy(), np.zeros(0, np.int64), np.zeros(0, np.int64)
    new = np.ones(r, bool)
    new[1:] = ~np.all(rows[1:] == rows[:-1], axis=1)
    inverse, counts = _runs(np.arange(r), new, r)
    return np.moveaxis(xt[new], 0, dim), inverse, counts


# -- segment part --------------------------------------------------------------------------------
# segment_reduce, put and nonzero_static as PyTorch's CPU kernels compute them: segments reduced
# element by element in order from the initial value, put's writes in index order (the last
# duplicate wins; accumulate adds each), nonzero_static's row-major coordinates cut or padded.
__all__ += ["segment_reduce", "put", "nonzero_static"]


def _segments(x, lengths, offsets, axis):
    """``x`` as [outer, axis, inner] and each row's segment bounds ``starts``, ``ends``
    ([outer, segments]), from ``lengths`` (consecutive from 0) or ``offsets``."""
    if lengths is not None:
        ln = np.asarray(lengths).astype(np.int64)
        ends = np.cumsum(ln, axis=-1)
        starts = ends - ln
    else:
        off = np.asarray(offsets).astype(np.int64)
        starts, ends = off[..., :-1], off[..., 1:]
    axis = axis % x.ndim
    outer = math.prod(x.shape[:axis])
    segs = starts.shape[-1]
    x3 = x.reshape(outer, x.shape[axis], math.prod(x.shape[axis + 1:]))
    return x3, starts.reshape(outer, segs), ends.reshape(outer, segs)


def segment_reduce(data, reduce, lengths=None, offsets=None, axis=0, initial=None):
    """``torch.segment_reduce`` on CPU: segment ``s`` of row ``b`` covers positions
    ``[start, end)`` of ``axis`` (``lengths``: consecutive from 0; ``offsets``: between
    neighbours); each output element starts from ``initial`` (or max -inf, min inf, sum and
    mean 0, prod 1) and takes the segment's elements in order: max/min keep the running value
    unless the element is NaN (then it) or beats it strictly, sum/mean add, prod multiplies.
    mean divides a non-NaN result by the length; an empty segment's mean is ``initial``, or
    NaN without one."""
    x = np.asarray(data)
    dt = x.dtype
    x3, starts, ends = _segments(x, lengths, offsets, axis)
    outer, _, inner = x3.shape
    segs = starts.shape[-1]
    default = {"max": -np.inf, "min": np.inf, "sum": 0, "mean": 0, "prod": 1}[reduce]
    out = np.empty((outer, segs, inner), dt)
    with np.errstate(all="ignore"):
        for b in range(outer):
            for s in range(segs):
                r = np.full(inner, default if initial is None else initial, dt)
                for j in range(int(starts[b, s]), int(ends[b, s])):
                    v = x3[b, j]
                    if reduce == "max":
                        r = np.where(np.isnan(v) | (r < v), v, r)
                    elif reduce == "min":
                        r = np.where(np.isnan(v) | (v < r), v, r)
                    elif reduce == "prod":
                        r = (r * v).astype(dt)
                    else:
                        r = (r + v).astype(dt)
                n = int(ends[b, s] - starts[b, s])
                if reduce == "mean":
                    if n == 0 and initial is None:
                        r = np.full(inner, np.nan, dt)
                    elif n > 0:
                        r = np.where(np.isnan(r), r, r / np.asarray(n, dt)).astype(dt)
                out[b, s] = r
    return out.reshape(x.shape[:axis] + (segs,) + x.shape[axis + 1:])


def put(x, index, source, accumulate=False):
    """``torch.put``: a copy of ``x`` whose flat positions ``index`` (negative: from the end)
    take the elements of ``source`` in order, so the last duplicate wins; ``accumulate`` adds
    every one in order (bool: or)."""
    x = np.asarray(x)
    y = np.array(x, copy=True).reshape(-1)
    idx = np.asarray(index).astype(np.int64).reshape(-1)
    idx = np.where(idx < 0, idx + y.size, idx)
    src = np.asarray(source).reshape(-1).astype(x.dtype)
    if accumulate:
        np.add.at(y, idx, src)
    elif idx.size:
        _, first = np.unique(idx[::-1], return_index=True)
        last = idx.size - 1 - first
        y[idx[last]] = src[last]
    return y.reshape(x.shape)


def nonzero_static(x, size, fill_value=-1):
    """``torch.nonzero_static``: the int64 coordinates of the nonzero elements (NaN counts) in
    row-major order, the first ``size`` of them, padded to ``size`` rows with ``fill_value``."""
    x = np.asarray(x)
    coords = np.argwhere(x).astype(np.int64)[:size]
    out = np.full((size, x.ndim), fill_value, np.int64)
    out[:coords.shape[0]] = coords
    return out


# -- histogram part ------------------------------------------------------------------------------
# torch.histc, torch.histogram and torch.histogramdd on CPU (aten/src/ATen/native/Histogram.cpp
# and cpu/HistogramKernel.cpp), element by element in the input dtype. The bin edges of an
# integer bin count come from torch.linspace, whose CPU kernel computes start + step * i (first
# half) and end - step * (steps - 1 - i) (second half), contracted to a fused multiply-add by
# the compiler (x86-64 AVX2/AVX512 and aarch64 builds; measured on torch 2.13).

def _hist_fma(a, b, c):
    """``round(a * b + c)`` in ``a``'s float dtype, rounded once: ``b`` holds small integers.
    float32: the product is exact in float64 and the sum is rounded to odd there, so the final
    rounding to float32 is the correct one; float64: exact rational arithmetic."""
    a, c = np.asarray(a), np.asarray(c, a.dtype)
    b = np.asarray(b, np.int64)
    a, b, c = np.broadcast_arrays(a, b, c)
    if a.dtype == np.float64:
        from fractions import Fraction

        out = [float(Fraction(float(x)) * int(k) + Fraction(float(z)))
               if math.isfinite(x) and math.isfinite(z) else x * k + z
               for x, k, z in zip(a.ravel().tolist(), b.ravel().tolist(), c.ravel().tolist())]
        return np.array(out, np.float64).reshape(a.shape)
    with np.errstate(invalid="ignore", over="ignore"):
        p = a.astype(np.float64) * b
        z = c.astype(np.float64)
        s = p + z
        bb = s - p
        err = (p - (s - bb)) + (z - bb)
        even = (s.view(np.int64) & 1) == 0
        odd = np.nextafter(s, np.where(err > 0, np.inf, -np.inf))
        s = np.where((err != 0) & even & np.isfinite(err), odd, s)
    return s.astype(a.dtype)


def hist_linspace(start, end, steps):
    """``torch.linspace(start, end, steps)`` on CPU for float ``start`` and ``end`` already in
    the result dtype, ``steps >= 2``."""
    start, end = np.asarray(start), np.asarray(end, np.asarray(start).dtype)
    dt = start.dtype.type
    with np.errstate(invalid="ignore", over="ignore"):
        step = dt((end - start) / dt(steps - 1))
    i = np.arange(steps)
    half = steps // 2
    return np.where(i < half, _hist_fma(step, i, start), _hist_fma(-step, steps - 1 - i, end))


def _hist_check(lo, hi, what):
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"{what}: range [{lo}, {hi}] is not finite (PyTorch raises)")


def hist_edges(x, bins, range_=None):
    """The bin edges of ``torch.histogramdd(x, bins, range)`` (``x`` as [M, D], ``bins`` one
    count per dim) as PyTorch's select_outer_bin_edges and linspace compute them: the range, or
    each dim's min and max (0 and 1 for an empty input), widened by 0.5 each side in float64
    when empty, then D linspaces in ``x``'s dtype."""
    x = np.asarray(x)
    d = x.shape[-1]
    if range_ is not None:
        lo, hi = [float(v) for v in range_[0::2]], [float(v) for v in range_[1::2]]
    elif x.size:
        x2 = x.reshape(-1, d)
        lo = x2.min(axis=0).astype(np.float64).tolist()
        hi = x2.max(axis=0).astype(np.float64).tolist()
    else:
        lo, hi = [0.0] * d, [1.0] * d
    out = []
    for a, b, n in zip(lo, hi, bins):
        _hist_check(a, b, "histogramdd")
        if a > b:
            raise ValueError(f"histogramdd: min {a} exceeds max {b} (PyTorch raises)")
        if a == b:
            a, b = a - 0.5, b + 0.5
        out.append(hist_linspace(x.dtype.type(a), x.dtype.type(b), int(n) + 1))
    return out


def hist_edge(x, bins, range_, dim):
    """Edge tensor ``dim`` of :func:`hist_edges`."""
    return hist_edges(x, bins, range_)[dim]


def _hist_upper_bound(e, v, first, length):
    """std::upper_bound over ``e[first:first + length]`` for every value, step by step (the
    path, and so the result, is libstdc++'s even for an unsorted sequence)."""
    first, length = first.copy(), length.copy()
    n = e.shape[0]
    for _ in range(int(length.max(initial=0)).bit_length()):
        half = length >> 1
        mid = first + half
        go_left = v < e[np.minimum(mid, n - 1)]   # NaN in e: false, go right
        active = length > 0
        first = np.where(active & ~go_left, mid + 1, first)
        length = np.where(active, np.where(go_left, half, length - half - 1), 0)
    return first


def histogramdd(x, edges, weight=None, density=False, mode="search"):
    """PyTorch's histogramdd kernel: ``x`` as [M, D] points, ``edges`` D 1-D tensors. ``mode``
    picks the bin of each coordinate: "linear" (histc: truncate (x - first) * bins / (last -
    first)), "local" (histogram with a bin count: that, then std::upper_bound over the edges
    around it) or "search" (edges given: std::upper_bound over all of them). Points with a
    coordinate outside [first, last] or NaN are skipped; the last bin includes its right edge.
    Weights accumulate in order in the input dtype; density divides by the total, then by each
    dim's bin widths."""
    x = np.asarray(x)
    dt = x.dtype.type
    d = x.shape[-1]
    x2 = x.reshape(-1, d)
    m = x2.shape[0]
    edges = [np.asarray(e, x.dtype).reshape(-1) for e in edges]
    shape = [e.shape[0] - 1 for e in edges]
    hist = np.zeros(math.prod(shape), x.dtype)
    if m and d and hist.size:
        keep = np.ones(m, bool)
        flat = np.zeros(m, np.int64)
        for j, e in enumerate(edges):
            n, k, v = e.shape[0], e.shape[0] - 1, x2[:, j]
            with np.errstate(invalid="ignore"):
                inside = (v >= e[0]) & (v <= e[-1])
            keep &= inside
            if mode == "search":
                pos = _hist_upper_bound(e, v, np.zeros(m, np.int64), np.full(m, n, np.int64)) - 1
            else:
                with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
                    q = ((v - e[0]) * dt(k)) / (e[-1] - e[0])
                q = np.where(inside, q, 0)
                if not np.all(np.isfinite(q) & (q >= 0) & (q < k + 1)):
                    raise ValueError("histogram: a bin index overflows (the range is empty or "
                                     "too wide in the input dtype): PyTorch's result is undefined")
                pos = q.astype(np.int64)
                if mode == "local":
                    lo = np.maximum(pos - 1, 0)
                    pos = _hist_upper_bound(e, v, lo, np.minimum(pos + 2, n) - lo) - 1
            pos = np.where(pos == k, k - 1, pos)
            flat = flat * k + np.where(inside, pos, 0)
        w = (np.ones(m, x.dtype) if weight is None
             else np.asarray(weight, x.dtype).reshape(-1))
        np.add.at(hist, flat[keep], w[keep])
    hist = hist.reshape(shape)
    if density:
        with np.errstate(invalid="ignore", divide="ignore"):
            hist = hist / hist.sum(dtype=x.dtype)
            for j, e in enumerate(edges):
                hist = hist / np.diff(e).reshape([-1 if i == j else 1 for i in range(d)])
    return hist.astype(x.dtype, copy=False)


def histc(x, bins, lo, hi):
    """``torch.histc(x, bins, min, max)`` on CPU: the range from min and max (the data's min
    and max when they are equal, widened by 1 each side in float64 when still equal), then the
    linear bin choice over ``bins`` equal bins."""
    x = np.asarray(x)
    lo, hi = float(lo), float(hi)
    if lo == hi and x.size:
        lo, hi = float(np.min(x)), float(np.max(x))
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    _hist_check(lo, hi, "histc")
    if not lo < hi:
        raise ValueError("histc: max must be larger than min (PyTorch raises)")
    dt = x.dtype.type
    edges = np.zeros(int(bins) + 1, x.dtype)
    edges[0], edges[-1] = dt(lo), dt(hi)   # the only edges histc reads
    return histogramdd(x.reshape(-1, 1), [edges], None, False, "linear")


def histogramdd_bin_cts(x, bins, range_=None, weight=None, density=False):
    """``torch.histogramdd(x, bins=[counts])``'s histogram: :func:`hist_edges`, then the
    linear bin choice with PyTorch's local search over those edges."""
    return histogramdd(x, hist_edges(x, bins, range_), weight, density, "local")


# -- reduce part ---------------------------------------------------------------------------------
# PyTorch's CPU median/nanmedian (dim) run std::nth_element with a comparator that breaks ties
# by index, so the result is the (n-1)//2-th element in (value, index) order: a stable sort
# gives it. Only an all-NaN row of nanmedian leaves every element equivalent; libstdc++'s
# introselect then returns a position that depends on n only (`_nth_first_equivalent`).
# kthvalue runs PyTorch's own quickselect (SortingUtils.h), replayed as is. lgamma is
# math.lgamma in double; digamma, trigamma and the Hurwitz zeta of polygamma(n >= 2) follow
# PyTorch's Math.h (poles and infinities as PyTorch, measured on torch 2.13).
__all__ += ["median", "kthvalue", "lgamma", "digamma", "polygamma"]


def _nth_first_equivalent(n):
    """The index std::nth_element (libstdc++ introselect) leaves first among ``n`` elements
    that all compare equivalent (nanmedian of an all-NaN row)."""
    a, first, last = list(range(n)), 0, n
    while last - first > 3:
        mid = first + (last - first) // 2
        a[first], a[mid] = a[mid], a[first]
        lo, hi = first + 1, last
        while True:
            hi -= 1
            if not lo < hi:
                break
            a[lo], a[hi] = a[hi], a[lo]
            lo += 1
        last = lo
    return a[0] if n else 0


def median(x, dim=None, keepdim=False, ignore_nan=False):
    """``torch.median`` / ``torch.nanmedian`` (lower median): the value without ``dim``, else
    (values, int64 indices) along ``dim``."""
    x = np.asarray(x)
    if dim is None:
        flat = x.reshape(-1)
        nan = np.isnan(flat) if flat.dtype.kind == "f" else np.zeros(flat.shape, bool)
        if flat.size == 0 or (not ignore_nan and nan.any()) or nan.all():
            return np.asarray(np.nan, x.dtype)
        s = np.sort(flat[~nan])
        return np.asarray(s[(s.size - 1) // 2])
    xr = x.reshape(1) if x.ndim == 0 else x
    d = 0 if x.ndim == 0 else dim
    rows = np.moveaxis(xr, d, -1)
    n = rows.shape[-1]
    nan = np.isnan(rows) if rows.dtype.kind == "f" else np.zeros(rows.shape, bool)
    order = np.argsort(rows, axis=-1, kind="stable")   # NaN last, ties in index order
    nn = nan.sum(-1)
    k = np.maximum(n - nn - 1, 0) // 2 if ignore_nan else np.full(nn.shape, (n - 1) // 2)
    idx = np.take_along_axis(order, k[..., None], -1)[..., 0]
    if ignore_nan:
        idx = np.where(nn == n, _nth_first_equivalent(n), idx)
    else:
        idx = np.where(nn > 0, np.argmax(nan, -1), idx)
    vals = np.take_along_axis(rows, idx[..., None], -1)[..., 0]
    if keepdim and x.ndim:
        vals, idx = np.expand_dims(vals, d), np.expand_dims(idx, d)
    return np.asarray(vals), np.asarray(idx, np.int64)


def _quick_select(arr, idx, k):
    """PyTorch's quick_select_template (NaN greater than everything), in place."""
    def gt(a, b):
        return (a != a and b == b) or a > b

    def sw(i, j):
        arr[i], arr[j] = arr[j], arr[i]
        idx[i], idx[j] = idx[j], idx[i]
    lo, hi = 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                sw(lo, hi)
            return
        sw(lo + (hi - lo) // 2, lo + 1)
        if gt(arr[lo + 1], arr[hi]):
            sw(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            sw(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            sw(lo + 1, lo)
        i, j, piv = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while gt(piv, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], piv):
                j -= 1
            if j < i:
                break
            sw(i, j)
        sw(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1


def kthvalue(x, k, dim, keepdim=False):
    """``torch.kthvalue`` on CPU: (k-th smallest values, int64 indices) along ``dim``, NaN the
    largest, ties resolved by PyTorch's quickselect."""
    x = np.asarray(x)
    xr = x.reshape(1) if x.ndim == 0 else x
    d = 0 if x.ndim == 0 else dim
    rows = np.moveaxis(xr, d, -1)
    flat = rows.reshape(-1, rows.shape[-1])
    vals = np.empty(flat.shape[0], x.dtype)
    idx = np.empty(flat.shape[0], np.int64)
    for r in range(flat.shape[0]):
        arr, ind = flat[r].tolist(), list(range(flat.shape[1]))
        _quick_select(arr, ind, k - 1)
        vals[r], idx[r] = arr[k - 1], ind[k - 1]
    vals, idx = vals.reshape(rows.shape[:-1]), idx.reshape(rows.shape[:-1])
    if keepdim and x.ndim:
        vals, idx = np.expand_dims(vals, d), np.expand_dims(idx, d)
    return np.asarray(vals), np.asarray(idx)


def _lgamma1(v):
    try:
        return math.lgamma(v)
    except (ValueError, OverflowError):   # poles: 0 and negative integers
        return math.inf


_lgamma64 = np.frompyfunc(_lgamma1, 1, 1)


def lgamma(x):
    """``torch.lgamma``: log|Gamma(x)| in double (math.lgamma), rounded to x's dtype; +inf at
    the poles and at both infinities."""
    x = np.asarray(x)
    return np.asarray(_lgamma64(x.astype(np.float64)), np.float64).astype(x.dtype)


def digamma(x):
    """``torch.digamma`` in double, rounded to x's dtype: -inf at +0, +inf at -0, NaN at
    negative integers and -inf; reflection psi(1 - x) - pi / tan(pi * frac(x)) below 0, the
    recurrence up to 10 and the asymptotic series above."""
    x = np.asarray(x)
    v = x.astype(np.float64)
    with np.errstate(all="ignore"):
        negint = (v < 0) & (v == np.floor(v))
        refl = (v < 0) & ~negint
        z = np.where(refl, 1.0 - v, v)
        acc = np.zeros_like(z)
        for _ in range(10):
            low = z < 10
            acc = np.where(low, acc - 1.0 / z, acc)
            z = np.where(low, z + 1.0, z)
        w = 1.0 / (z * z)
        series = w * (1 / 12 - w * (1 / 120 - w * (1 / 252 - w * (1 / 240 - w * (1 / 132)))))
        y = acc + np.log(z) - 0.5 / z - np.where(z < 1e17, series, 0.0)
        frac = v - np.trunc(v)
        y = np.where(refl, y - np.pi / np.tan(np.pi * frac), y)
        y = np.where(negint, np.nan, y)
        y = np.where(v == 0, np.copysign(np.inf, -v), y)
    return np.asarray(y).astype(x.dtype)


def _trigamma(x):
    """PyTorch's calc_trigamma in x's dtype (its sin(pi * x) in that dtype makes the values at
    negative integers large but finite)."""
    t = x.dtype.type
    one, pi = t(1), t(np.pi)
    with np.errstate(all="ignore"):
        refl = x < t(0.5)
        s = np.sin((pi * x).astype(np.float64)).astype(x.dtype)
        res = np.where(refl, -(pi * pi) / (s * s), t(0)).astype(x.dtype)
        z = np.where(refl, one - x, x).astype(x.dtype)
        for _ in range(6):
            res = res + one / (z * z)
            z = z + one
        ixx = one / (z * z)
        tail = (one + one / (t(2) * z) + ixx * (t(1 / 6) - ixx * (t(1 / 30) - ixx * t(1 / 42)))) / z
        res = res + tail
        return np.asarray(np.where(refl, -res, res), x.dtype)


_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)


def _zeta1(x, q):
    """PyTorch's (Cephes') Hurwitz zeta(x, q) in double."""
    machep = 1.11022302462515654042e-16
    if x == 1:
        return math.inf
    if x < 1:
        return math.nan
    if q <= 0:
        if q == float(np.floor(q)):
            return math.inf
        if x != float(np.floor(x)):
            return math.nan
    with np.errstate(all="ignore"):
        s = float(np.power(np.float64(q), -x))
        a, i, b = q, 0, 0.0
        while i < 9 or a <= 9.0:
            i += 1
            a += 1.0
            b = float(np.power(np.float64(a), -x))
            s += b
            if -machep * s < b < machep * s:
                return s
        w = a
        s += float(np.float64(b) * w / (x - 1.0))
        s -= 0.5 * b
        a, k = 1.0, 0.0
        for j in range(12):
            a *= x + k
            b = float(np.float64(b) / w)
            t = a * b / _ZETA_A[j]
            s = s + t
            if abs(float(np.float64(t) / s)) < machep:
                return s
            k += 1.0
            a *= x + k
            b = float(np.float64(b) / w)
            k += 1.0
        return s


_zeta64 = np.frompyfunc(_zeta1, 2, 1)


def polygamma(n, x):
    """``torch.polygamma(n, x)``: digamma (n 0), PyTorch's trigamma (n 1), else
    (-1)^(n+1) n! zeta(n + 1, x) with the zeta in double rounded to x's dtype first."""
    x = np.asarray(x)
    if n == 0:
        return digamma(x)
    if n == 1:
        return _trigamma(x)
    t = x.dtype.type
    z = np.asarray(_zeta64(float(n + 1), x.astype(np.float64)), np.float64).astype(x.dtype)
    with np.errstate(all="ignore"):
        return np.asarray(t(1 if n % 2 else -1) * t(math.factorial(n)) * z, x.dtype)


__all__ += ["zeta"]


def zeta(x, q):
    """``torch.special.zeta(x, q)``: the Hurwitz zeta in double (PyTorch's float32 kernel sums
    in double too), rounded to x's dtype; x and q broadcast, of one float dtype."""
    x, q = np.broadcast_arrays(np.asarray(x), np.asarray(q))
    z = _zeta64(x.astype(np.float64), q.astype(np.float64))
    return np.asarray(z, np.float64).astype(x.dtype).reshape(x.shape)


# -- misc part -------------------------------------------------------------------------------------
__all__ += ["mode", "complex"]


def mode(x, dim, keepdim=False):
    """``torch.mode(x, dim, keepdim)`` as PyTorch's CPU kernel computes it: per row, std::sort
    of (value, position) pairs by value (libstdc++, replayed by `_std_sort`), then the first run
    of equal values (``!=``: every NaN is a run of its own) longer than all before it; its last
    element gives the value and the int64 index."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    moved = np.moveaxis(x, dim, -1)
    rows = moved.reshape(-1, moved.shape[-1])
    n = rows.shape[1]
    if n == 0:
        raise ValueError("mode of an empty dim (PyTorch raises)")
    vals = np.empty(rows.shape[0], x.dtype)
    idx = np.empty(rows.shape[0], np.int64)
    with np.errstate(invalid="ignore"):
        for r, row in enumerate(rows):
            pairs = _std_sort([(row[k], k) for k in range(n)], lambda a, b: a[0] < b[0])
            best, freq = 0, 0
            for k in range(n):
                freq += 1
                if k == n - 1 or pairs[k][0] != pairs[k + 1][0]:
                    if freq > best:
                        vals[r], idx[r], best = pairs[k][0], pairs[k][1], freq
                    freq = 0
    shape = moved.shape[:-1]
    vals, idx = vals.reshape(shape), idx.reshape(shape)
    if keepdim:
        vals, idx = np.expand_dims(vals, dim), np.expand_dims(idx, dim)
    return vals, idx


def complex(real, imag):  # noqa: A001 - the command is npx.complex, like torch.complex
    """``torch.complex(real, imag)``: real and imaginary parts placed as they are (``real +
    1j * imag`` would turn an infinite imaginary part into NaN); float32 parts make complex64."""
    real, imag = np.asarray(real), np.asarray(imag)
    shape = np.broadcast_shapes(real.shape, imag.shape)
    dtype = np.result_type(real.dtype, imag.dtype)
    out = np.empty(shape, np.complex64 if dtype == np.float32 or dtype == np.float16
                   else np.complex128)
    out.real, out.imag = real, imag
    return out


# -- mappings/numpy/extra.yaml: cummax / cummin ------------------------------------------------
__all__ += ["cumextreme"]


def cumextreme(x, dim, largest=True):
    """``torch.cummax`` / ``torch.cummin`` on CPU: walking the dim, element ``i`` becomes the
    running value (and ``i`` its index) when it is NaN or ``>=`` (cummin: ``<=``) the running
    value, so ties take the last index, NaN sticks and only a later NaN moves its index; the
    value is the input element at the index (signed zeros kept)."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    dim = dim % x.ndim
    moved = np.moveaxis(x, dim, -1)
    n = moved.shape[-1]
    idx = np.zeros(moved.shape, np.int64)
    if n:
        with np.errstate(invalid="ignore"):
            run = moved[..., 0].copy()
            cur = np.zeros(moved.shape[:-1], np.int64)
            for k in range(n):
                v = moved[..., k]
                take = (v >= run) if largest else (v <= run)
                if x.dtype.kind in "fc":
                    take = take | np.isnan(v)
                take = take | (k == 0)
                run = np.where(take, v, run)
                cur = np.where(take, k, cur)
                idx[..., k] = cur
    vals = np.take_along_axis(moved, idx, axis=-1)
    return np.moveaxis(vals, -1, dim), np.moveaxis(idx, -1, dim)


# -- mappings/numpy/extra.yaml: i0, i0e, modified_bessel_i0 (Cephes, as ATen's Math.h) ---------
__all__ += ["bessel_i0"]

_I0_A = [
    -4.41534164647933937950E-18, 3.33079451882223809783E-17, -2.43127984654795469359E-16,
    1.71539128555513303061E-15, -1.16853328779934516808E-14, 7.67618549860493561688E-14,
    -4.85644678311192946090E-13, 2.95505266312963983461E-12, -1.72682629144155570723E-11,
    9.67580903537323691224E-11, -5.18979560163526290666E-10, 2.65982372468238665035E-9,
    -1.30002500998624804212E-8, 6.04699502254191894932E-8, -2.67079385394061173391E-7,
    1.11738753912010371815E-6, -4.41673835845875056359E-6, 1.64484480707288970893E-5,
    -5.75419501008210370398E-5, 1.88502885095841655729E-4, -5.76375574538582365885E-4,
    1.63947561694133579842E-3, -4.32430999505057594430E-3, 1.05464603945949983183E-2,
    -2.37374148058994688156E-2, 4.93052842396707084878E-2, -9.49010970480476444210E-2,
    1.71620901522208775349E-1, -3.04682672343198398683E-1, 6.76795274409476084995E-1]
_I0_B = [
    -7.23318048787475395456E-18, -4.83050448594418207126E-18, 4.46562142029675999901E-17,
    3.46122286769746109310E-17, -2.82762398051658348494E-16, -3.42548561967721913462E-16,
    1.77256013305652638360E-15, 3.81168066935262242075E-15, -9.55484669882830764870E-15,
    -4.15056934728722208663E-14, 1.54008621752140982691E-14, 3.85277838274214270114E-13,
    7.18012445138366623367E-13, -1.79417853150680611778E-12, -1.32158118404477131188E-11,
    -3.14991652796324136454E-11, 1.18891471078464383424E-11, 4.94060238822496958910E-10,
    3.39623202570838634515E-9, 2.26666899049817806459E-8, 2.04891858946906374183E-7,
    2.89137052083475648297E-6, 6.88975834691682398426E-5, 3.36911647825569408990E-3,
    8.04490411014108831608E-1]


def _chbevl(y, coef):
    """ATen's ``chbevl``: Clenshaw's recurrence in ``y``'s dtype, ``0.5 * (b0 - b2)``."""
    dt = y.dtype.type
    b0, b1 = np.full(y.shape, dt(coef[0])), np.zeros(y.shape, y.dtype)
    b2 = b1
    for c in coef[1:]:
        b2, b1 = b1, b0
        b0 = (y * b1 - b2 + dt(c)).astype(y.dtype)
    return (dt(0.5) * (b0 - b2)).astype(y.dtype)


def bessel_i0(x, scaled=False):
    """``torch.i0`` (``scaled``: ``torch.special.i0e``) on CPU: |x| <= 8 takes the series A at
    ``|x| / 2 - 2``, beyond it the series B at ``32 / |x| - 2`` over ``sqrt(|x|)``; i0 multiplies
    by ``exp(|x|)`` first. Computed in float32 (float64 for float64 input), as ATen does."""
    x = np.asarray(x)
    ct = np.float64 if x.dtype == np.float64 else np.float32
    a = np.abs(x.astype(ct))
    with np.errstate(all="ignore"):
        ca = _chbevl((a / ct(2.0) - ct(2.0)).astype(ct), _I0_A)
        cb = _chbevl((ct(32.0) / a - ct(2.0)).astype(ct), _I0_B)
        if scaled:
            ra, rb = ca, (cb / np.sqrt(a)).astype(ct)
        else:
            e = np.exp(a)
            ra, rb = (e * ca).astype(ct), ((e * cb).astype(ct) / np.sqrt(a)).astype(ct)
    return np.where(a <= ct(8.0), ra, rb).astype(ct)


# -- mappings/numpy/extra.yaml: ndtri (Cephes, as ATen's calc_ndtri) ---------------------------
__all__ += ["ndtri"]

_NDTRI_P0 = [
    -59.96335010141079, 98.00107541859997, -56.67628574690703, 13.931260938727968,
    -1.2391658386738125]
_NDTRI_Q0 = [
    1.0, 1.9544885833814176, 4.676279128988815, 86.36024213908905, -225.46268785411937,
    200.26021238006066, -82.03722561683334, 15.90562251262117, -1.1833162112133]
_NDTRI_P1 = [
    4.0554489230596245, 31.525109459989388, 57.16281922464213, 44.08050738932008,
    14.684956192885803, 2.1866330685079025, -0.1402560791713545, -0.03504246268278482,
    -0.0008574567851546854]
_NDTRI_Q1 = [
    1.0, 15.779988325646675, 45.39076351288792, 41.3172038254672, 15.04253856929075,
    2.504649462083094, -0.14218292285478779, -0.03808064076915783, -0.0009332594808954574]
_NDTRI_P2 = [
    3.2377489177694603, 6.915228890689842, 3.9388102529247444, 1.3330346081580755,
    0.20148538954917908, 0.012371663481782003, 0.00030158155350823543, 2.6580697468673755e-06,
    6.239745391849833e-09]
_NDTRI_Q2 = [
    1.0, 6.02427039364742, 3.6798356385616087, 1.3770209948908132, 0.21623699359449663,
    0.013420400608854318, 0.00032801446468212774, 2.8924786474538068e-06, 6.790194080099813e-09]


def _polevl(x, coef):
    r = np.full(x.shape, x.dtype.type(coef[0]))
    for c in coef[1:]:
        r = (r * x + x.dtype.type(c)).astype(x.dtype)
    return r


def ndtri(y0):
    """``torch.special.ndtri`` on CPU (``calc_ndtri``), in float32 (float64 for float64):
    0 and 1 give -inf and inf, outside [0, 1] NaN; above 1 - exp(-2) the tail of 1 - y, negated
    back; |y - 0.5| within 3/8 a rational P0/Q0 in (y - 0.5)**2; the tails ``x0 - x1`` with
    ``x = sqrt(-2 log y)``, P1/Q1 below x = 8, P2/Q2 from there."""
    y0 = np.asarray(y0)
    t = np.float64 if y0.dtype == np.float64 else np.float32
    y0 = y0.astype(t)
    with np.errstate(all="ignore"):
        flip = y0 > (t(1) - t(0.13533528323661269189))
        y = np.where(flip, (t(1) - y0).astype(t), y0)
        ym = (y - t(0.5)).astype(t)
        y2 = (ym * ym).astype(t)
        mid = (ym + ym * ((y2 * _polevl(y2, _NDTRI_P0)).astype(t)
                          / _polevl(y2, _NDTRI_Q0)).astype(t)).astype(t)
        mid = (mid * t(2.50662827463100050242)).astype(t)
        x = np.sqrt((t(-2.0) * np.log(y)).astype(t)).astype(t)
        x0 = (x - (np.log(x) / x).astype(t)).astype(t)
        z = (t(1) / x).astype(t)
        x1 = np.where(x < t(8.0), (z * _polevl(z, _NDTRI_P1)).astype(t) / _polevl(z, _NDTRI_Q1),
                      (z * _polevl(z, _NDTRI_P2)).astype(t) / _polevl(z, _NDTRI_Q2)).astype(t)
        tail = (x0 - x1).astype(t)
        tail = np.where(flip, tail, -tail)
        r = np.where(y > t(0.13533528323661269189), mid, tail)
        r = np.where(y0 == 0, t(-np.inf), np.where(y0 == 1, t(np.inf), r))
        return np.where((y0 < 0) | (y0 > 1), t(np.nan), r).astype(t)


# -- mappings/numpy/extra.yaml: _segment_reduce_backward ---------------------------------------
__all__ += ["segment_reduce_backward"]


def segment_reduce_backward(grad, output, data, reduce, lengths=None, offsets=None, axis=0,
                            initial=None):
    """``torch._segment_reduce_backward`` on CPU (SegmentReduce.cpp): zeros outside non-empty
    segments; sum copies the segment's gradient, mean divides it by the length; max / min give
    it to every element equal to the output (or NaN) and, when there are several, divide the
    positive ones by their count; prod gives ``grad * output / x``, or for a zero or NaN
    element ``grad`` times the product of the other elements from ``initial`` (default 1)."""
    x = np.asarray(data)
    dt = x.dtype
    g, out = np.asarray(grad).astype(dt), np.asarray(output).astype(dt)
    x3, starts, ends = _segments(x, lengths, offsets, axis)
    outer, _, inner = x3.shape
    segs = starts.shape[-1]
    g3 = g.reshape(outer, segs, inner)
    o3 = out.reshape(outer, segs, inner)
    gi = np.zeros(x3.shape, dt)
    one = dt.type(1 if initial is None else initial)
    with np.errstate(all="ignore"):
        for b in range(outer):
            for s in range(segs):
                lo, hi = int(starts[b, s]), int(ends[b, s])
                n = hi - lo
                if n <= 0:
                    continue
                seg, gs, os_ = x3[b, lo:hi], g3[b, s], o3[b, s]
                if reduce in ("max", "min"):
                    hit = np.isnan(seg) | (seg == os_)
                    v = np.where(hit, gs, gi[b, lo:hi])
                    cnt = hit.sum(axis=0)
                    v = np.where((cnt >= 2) & (v > 0), (v / cnt.astype(dt)).astype(dt), v)
                    gi[b, lo:hi] = v
                elif reduce == "mean":
                    gi[b, lo:hi] = (gs / dt.type(n)).astype(dt)
                elif reduce == "sum":
                    gi[b, lo:hi] = gs
                else:
                    gv = (gs * os_).astype(dt)
                    for j in range(n):
                        vj = seg[j]
                        ex = np.full(inner, one, dt)
                        for k in range(n):
                            if k != j:
                                ex = (ex * seg[k]).astype(dt)
                        special = np.isnan(vj) | (vj == 0)
                        gi[b, lo + j] = np.where(special, (gs * ex).astype(dt),
                                                 (gv / vj).astype(dt))
    return gi.reshape(x.shape)


# -- mappings/numpy/extra.yaml: _upsample_bilinear2d_aa ----------------------------------------
__all__ += ["upsample_aa_weights", "upsample_bilinear2d_aa"]


def pixel_scale(in_size, out_size, align_corners, opt_scale, t):
    """UpSample.h's ``area_pixel_compute_scale`` in the float type ``t``: the source step per
    output pixel."""
    if align_corners:
        return t(in_size - 1) / t(out_size - 1) if out_size > 1 else t(0)
    if opt_scale is not None and opt_scale > 0:
        return t(1.0 / opt_scale)
    return t(t(in_size) / t(out_size))


def upsample_aa_weights(in_size, out_size, align_corners, opt_scale, dtype="float32"):
    """PyTorch's antialiased linear weights of one dim (UpSampleKernel.cpp,
    ``_compute_indices_min_size_weights_aa`` with the triangle filter), in its mixed float /
    double arithmetic: ``(xmin, xsize, weights[out, max_interp])``."""
    t = np.float64 if str(dtype) == "float64" else np.float32
    scale = pixel_scale(in_size, out_size, align_corners, opt_scale, t)
    support = t(1.0 * float(scale)) if scale >= 1.0 else t(1.0)
    width = int(math.ceil(float(support))) * 2 + 1
    invscale = t(1.0 / float(scale)) if scale >= 1.0 else t(1.0)
    xmin = np.zeros(out_size, np.int64)
    xsize = np.zeros(out_size, np.int64)
    w = np.zeros((out_size, width), t)
    for i in range(out_size):
        center = t(float(scale) * (i + 0.5))
        lo = max(int(float(t(center - support)) + 0.5), 0)
        n = min(int(float(t(center + support)) + 0.5), in_size) - lo
        n = min(max(n, 0), width)
        total = t(0)
        for j in range(n):
            x = t((float(t(t(j + lo) - center)) + 0.5) * float(invscale))
            x = abs(x)
            wj = t(1.0 - float(x)) if x < 1.0 else t(0)
            w[i, j] = wj
            total = t(total + wj)
        if total != 0:
            w[i, :n] = (w[i, :n] / total).astype(t)
        xmin[i], xsize[i] = lo, n
    return xmin, xsize, w


def _aa_pass(x, axis, xmin, xsize, w):
    """One separable pass: ``out[i] = x[xmin] * w[0] + x[xmin + 1] * w[1] + ...`` in order."""
    x = np.moveaxis(x, axis, -1)
    out = np.zeros(x.shape[:-1] + (len(xmin),), x.dtype)
    with np.errstate(all="ignore"):
        for i in range(len(xmin)):
            acc = None
            for j in range(int(xsize[i])):
                term = (x[..., xmin[i] + j] * w[i, j]).astype(x.dtype)
                acc = term if acc is None else (acc + term).astype(x.dtype)
            if acc is not None:
                out[..., i] = acc
    return np.moveaxis(out, -1, axis)


def upsample_bilinear2d_aa(x, out_hw, align_corners, scales_h=None, scales_w=None):
    """``torch._upsample_bilinear2d_aa`` on CPU: the same shape copies; otherwise the width
    pass (when its size changes), then the height pass, each summing its taps in order in the
    input dtype (float32 or float64)."""
    x = np.asarray(x)
    oh, ow = int(out_hw[0]), int(out_hw[1])
    if x.shape[-2:] == (oh, ow):
        return x.copy()
    if x.shape[-1] != ow:
        x = _aa_pass(x, -1, *upsample_aa_weights(x.shape[-1], ow, align_corners, scales_w, x.dtype))
    if x.shape[-2] != oh:
        x = _aa_pass(x, -2, *upsample_aa_weights(x.shape[-2], oh, align_corners, scales_h, x.dtype))
    return x


# -- mappings/numpy/extra.yaml: _ctc_loss ----------------------------------------------------
__all__ += ["ctc_loss"]


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0):
    """The negative log likelihood of ``torch._ctc_loss`` on CPU (LossCTC.cpp): the forward
    (alpha) recursion in log space over the extended target (blanks between and around the
    labels), in the input dtype: ``la[t][s] = log(exp(a1 - m) + exp(a2 - m) + exp(a3 - m)) + m +
    lp[t][l'(s)]`` with ``m`` the largest of the (up to three) predecessors, 0 when all are
    -inf; the result ``-log`` of the sum of the last two alphas the same way. ``targets`` is
    padded 2-D [N, S] or the 1-D concatenation of every sequence."""
    lp = np.asarray(log_probs)
    t_dtype = lp.dtype
    tp = t_dtype.type
    tg = np.asarray(targets).astype(np.int64)
    il = np.asarray(input_lengths).astype(np.int64).reshape(-1)
    tl = np.asarray(target_lengths).astype(np.int64).reshape(-1)
    n = lp.shape[1]
    nll = np.zeros(n, t_dtype)
    neginf = tp(-np.inf)
    offsets = np.concatenate([[0], np.cumsum(tl)[:-1]]) if tg.ndim == 1 else None
    with np.errstate(all="ignore"):
        for b in range(n):
            T, L = int(il[b]), int(tl[b])
            seq = tg[b, :L] if tg.ndim == 2 else tg[offsets[b]:offsets[b] + L]
            ext = np.full(2 * L + 1, blank, np.int64)
            ext[1::2] = seq
            S = 2 * L + 1
            skip = np.zeros(S, bool)     # s > 1 and l'(s - 2) != l'(s)
            skip[2:] = ext[:-2] != ext[2:]
            la = np.full(S, neginf, t_dtype)
            la[0] = lp[0, b, blank]
            if L > 0:
                la[1] = lp[0, b, ext[1]]
            for t in range(1, T):
                a1 = la
                a2 = np.concatenate([[neginf], la[:-1]]).astype(t_dtype)
                a3 = np.where(skip, np.concatenate([[neginf, neginf], la[:-2]]), neginf)
                a3 = a3.astype(t_dtype)
                m = np.maximum(np.maximum(a1, a2), a3)
                m = np.where(m == neginf, tp(0), m).astype(t_dtype)
                e1, e2 = np.exp((a1 - m).astype(t_dtype)), np.exp((a2 - m).astype(t_dtype))
                s = ((e1 + e2).astype(t_dtype) + np.exp((a3 - m).astype(t_dtype))).astype(t_dtype)
                la = ((np.log(s) + m).astype(t_dtype) + lp[t, b, ext]).astype(t_dtype)
            if L == 0:
                nll[b] = -la[0]
            else:
                l1, l2 = la[2 * L], la[2 * L - 1]
                m = max(l1, l2)
                m = tp(0) if m == neginf else m
                ll = tp(tp(np.log(tp(tp(np.exp(tp(l1 - m))) + tp(np.exp(tp(l2 - m)))))) + m)
                nll[b] = -ll
    return nll


# -- mappings/numpy/extra.yaml: special_erfcx ---------------------------------------------------
__all__ += ["erfcx"]


def erfcx(x):
    """``torch.special.erfcx`` (exp(x**2) erfc(x)), in float64 and rounded to the input's
    float dtype: ``exp(|x|**2) * erfc(|x|)`` up to |x| = 26 (C's erfc; exp(676) is finite), the
    continued fraction ATen uses beyond 50 (ispi / x beyond 5e7) from 26 on;
    ``2 exp(x**2) - erfcx(-x)`` for negative x, inf below -26.7 as ATen; NaN stays NaN."""
    x = np.asarray(x)
    t = np.float64 if x.dtype == np.float64 else np.float32
    xd = x.astype(np.float64)
    a = np.abs(xd)
    ispi = 0.56418958354775628694807945156
    with np.errstate(all="ignore"):
        small = np.exp(a * a) * np.vectorize(math.erfc, otypes=[np.float64])(a) if a.size else a
        aa = a * a
        cf = ispi * (aa * (aa + 4.5) + 2) / (a * (aa * (aa + 5) + 3.75))
        cf = np.where(a > 5e7, ispi / a, cf)
        pos = np.where(a > 26, cf, small)
        # negative x: ATen's 2 * exp(x * x) - erfcx_y100(...) in the input dtype (x * x rounded)
        sq = (x.astype(t) * x.astype(t)).astype(t).astype(np.float64)
        two_e = (t(2) * np.exp(sq).astype(t)).astype(t)
        neg = np.where(xd < -26.7, np.inf, (two_e - pos.astype(t)).astype(t))
        return np.where(xd < 0, neg, pos).astype(t)


# -- mappings/numpy/extra.yaml: i1, i1e, modified_bessel_i1 (Cephes, as ATen's Math.h) -------
__all__ += ["bessel_i1"]

_I1_A64 = [
    2.7779141127610464e-18, -2.111421214358166e-17, 1.5536319577362005e-16,
    -1.1055969477353862e-15, 7.600684294735408e-15, -5.042185504727912e-14,
    3.223793365945575e-13, -1.9839743977649436e-12, 1.1736186298890901e-11,
    -6.663489723502027e-11, 3.625590281552117e-10, -1.8872497517228294e-09,
    9.381537386495773e-09, -4.445059128796328e-08, 2.0032947535521353e-07,
    -8.568720264695455e-07, 3.4702513081376785e-06, -1.3273163656039436e-05,
    4.781565107550054e-05, -0.00016176081582589674, 0.0005122859561685758,
    -0.0015135724506312532, 0.004156422944312888, -0.010564084894626197, 0.024726449030626516,
    -0.05294598120809499, 0.1026436586898471, -0.17641651835783406, 0.25258718644363365]
_I1_A32 = [
    9.381537386495773e-09, -4.445059128796328e-08, 2.0032947535521353e-07,
    -8.568720264695455e-07, 3.4702513081376785e-06, -1.3273163656039436e-05,
    4.781565107550054e-05, -0.00016176081582589674, 0.0005122859561685758,
    -0.0015135724506312532, 0.004156422944312888, -0.010564084894626197, 0.024726449030626516,
    -0.05294598120809499, 0.1026436586898471, -0.17641651835783406, 0.25258718644363365]
_I1_B64 = [
    7.517296310842105e-18, 4.414348323071708e-18, -4.6503053684893586e-17,
    -3.209525921993424e-17, 2.96262899764595e-16, 3.3082023109209285e-16,
    -1.8803547755107825e-15, -3.8144030724370075e-15, 1.0420276984128802e-14,
    4.272440016711951e-14, -2.1015418427726643e-14, -4.0835511110921974e-13,
    -7.198551776245908e-13, 2.0356285441470896e-12, 1.4125807436613782e-11,
    3.2526035830154884e-11, -1.8974958123505413e-11, -5.589743462196584e-10,
    -3.835380385964237e-09, -2.6314688468895196e-08, -2.512236237870209e-07,
    -3.882564808877691e-06, -0.00011058893876262371, -0.009761097491361469, 0.7785762350182801]
_I1_B32 = [
    -3.835380385964237e-09, -2.6314688468895196e-08, -2.512236237870209e-07,
    -3.882564808877691e-06, -0.00011058893876262371, -0.009761097491361469, 0.7785762350182801]


def bessel_i1(x, scaled=False, float_tables=True):
    """``torch.special.i1`` (``scaled``: ``i1e``) on CPU: |x| <= 8 the series A at
    ``|x| / 2 - 2`` times |x| (i1: and ``exp(|x|)`` first), beyond it the series B at
    ``32 / |x| - 2`` over ``sqrt(|x|)`` (i1: times ``exp(|x|)``), the sign of x; float32 uses
    ATen's shortened float tables (``float_tables``; modified_bessel_i1 uses the full ones)."""
    x = np.asarray(x)
    ct = np.float64 if x.dtype == np.float64 else np.float32
    short = float_tables and ct == np.float32
    ta, tb = (_I1_A32, _I1_B32) if short else (_I1_A64, _I1_B64)
    xc = x.astype(ct)
    a = np.abs(xc)
    with np.errstate(all="ignore"):
        ca = _chbevl((a / ct(2.0) - ct(2.0)).astype(ct), ta)
        cb = _chbevl((ct(32.0) / a - ct(2.0)).astype(ct), tb)
        if scaled:
            ra, rb = (ca * a).astype(ct), (cb / np.sqrt(a)).astype(ct)
        else:
            e = np.exp(a).astype(ct)
            ra = ((e * a).astype(ct) * ca).astype(ct)
            rb = ((e * cb).astype(ct) / np.sqrt(a)).astype(ct)
        r = np.where(a <= ct(8.0), ra, rb)
        return np.where(xc < 0, -r, r).astype(ct)


__all__ += ["upsample_bilinear2d_aa_backward"]


def upsample_bilinear2d_aa_backward(grad, input_size, align_corners, scales_h=None,
                                    scales_w=None):
    """``torch._upsample_bilinear2d_aa_backward`` on CPU (``cpu_upsample_genNd_backward_aa``):
    for each output pixel in row-major order, every input pixel of its window gains
    ``wx * wy * grad`` (the forward's weights; both dims, even of equal size)."""
    g = np.asarray(grad)
    n, c, h, w = (int(v) for v in input_size)
    oh, ow = g.shape[-2:]
    ymin, ysize, wy = upsample_aa_weights(h, oh, align_corners, scales_h, g.dtype)
    xmin, xsize, wx = upsample_aa_weights(w, ow, align_corners, scales_w, g.dtype)
    gi = np.zeros((n * c, h, w), g.dtype)
    g3 = g.reshape(n * c, oh, ow)
    with np.errstate(all="ignore"):
        for i in range(oh):
            y0, ys = int(ymin[i]), int(ysize[i])
            for j in range(ow):
                x0, xs = int(xmin[j]), int(xsize[j])
                wts = (wy[i, :ys, None] * wx[j, None, :xs]).astype(g.dtype)
                gi[:, y0:y0 + ys, x0:x0 + xs] = (gi[:, y0:y0 + ys, x0:x0 + xs]
                                                 + (wts[None] * g3[:, i, j, None, None])
                                                 .astype(g.dtype)).astype(g.dtype)
    return gi.reshape(n, c, h, w)
