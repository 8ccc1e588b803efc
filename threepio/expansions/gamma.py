"""The gamma family (lgamma, digamma, polygamma, the Hurwitz zeta) from elementwise ops, as
PyTorch's CPU kernels compute them (aten/src/ATen/native/Math.h), for targets without those
kernels (TF.js has no lgamma, digamma or zeta, and no float64).

* digamma: ``calc_digamma`` (Cephes' psi): -inf / +inf at +0 / -0, NaN at the negative
  integers and -inf, the reflection ``psi(1 - x) - pi / tan(pi r)`` for x < 0 (r the fractional
  part), the recurrence ``while (x < 10) {result -= 1/x; x += 1}`` (at most 10 steps for any
  x > 0 or 1 - x > 1: unrolled to 10 with ``where``), ``PSI_10`` at exactly 10, else the
  asymptotic series. PyTorch computes the reflection's tangent in float64; here it is a float32
  tangent of ``pi r`` with r reduced into [-1/2, 1/2) (tan has period pi; the reduction is
  exact): its error is below 2e-7 absolute or relative (measured on dense grids, see
  tests/expansion_cases/gamma.py), far inside the float32 tolerance.
* trigamma (polygamma n = 1): PyTorch's float ``trigamma`` replayed in the same dtype (its
  ``sinf(pi * x)`` of the unreduced product makes the values at negative integers large but
  finite, as here).
* zeta(x, q): Cephes' Hurwitz zeta as in Math.h: the direct sum ``while (i < 9 || a <= 9)``
  (at least 9 terms, one more per unit of q below 9: unrolled to ``ZETA_STEPS`` terms, so q
  must stay above 9 - ZETA_STEPS, checked when the plan runs) with its early exit when a term
  is below 2^-53 of the sum, then the Euler-Maclaurin terms with theirs. PyTorch's CPU kernel
  sums in float64 for float32 inputs; here it sums in the computing dtype (float32 on TF.js:
  relative error about 1e-6 on dense grids).
* polygamma(n >= 2, x) = (-1)^(n+1) exp(lgamma(n+1)) zeta(n+1, x), as ``calc_polygamma``.
* lgamma: glibc's ``lgammaf`` is not replayable op for op; this is an accurate float32
  algorithm instead: Stirling's series at y = x + k >= 8 (the shift's rounding corrected by a
  two-sum), minus the log of the product x (x+1) ... (x+k-1); the reflection
  ``log(pi / |x sin(pi s)|) - lgamma(-x)`` for x < 0 with s = x - round(x) (exact); the series
  ``-log|x| - gamma x + zeta(2)/2 x^2`` for |x| < 2^-10. Maximum error against torch.lgamma on
  dense grids: about 2e-6 absolute near the roots 1 and 2, 1e-6 relative elsewhere. +inf at 0,
  the negative integers and both infinities, as glibc.

float16 and bfloat16 inputs are computed in float32 (as PyTorch's kernels do), integer and bool
inputs in the default float dtype (PyTorch's type promotion); float64 in float64 (on TF.js,
which has none, every value is float32: the rules say where that is refused).
"""

from __future__ import annotations

import math

import numpy as np
import torch

from . import expansion, require

#: terms of zeta's direct sum (PyTorch's loop runs max(9, floor(10 - q)) of them)
ZETA_STEPS = 32
#: float32 zeta: the largest rounding error accepted (relative, absolute below 1)
ZETA_ERROR = 1e-5

_PSI_10 = 2.25175258906672110764
_PSI_A = (8.33333333333333333333E-2, -2.10927960927960927961E-2, 7.57575757575757575758E-3,
          -4.16666666666666666667E-3, 3.96825396825396825397E-3, -8.33333333333333333333E-3,
          8.33333333333333333333E-2)
_ZETA_A = (12.0, -720.0, 30240.0, -1209600.0, 47900160.0, -1.8924375803183791606e9,
           7.47242496e10, -2.950130727918164224e12, 1.1646782814350067249e14,
           -4.5979787224074726105e15, 1.8152105401943546773e17, -7.1661652561756670113e18)
_MACHEP = 1.11022302462515654042E-16
_EULER = 0.57721566490153286061
_HALF_LOG_2PI = 0.91893853320467274178
_LOG_PI = 1.14472988584940017414
_ZETA2_HALF = 0.82246703342411321824      # zeta(2) / 2
_LGAMMAF_INF = float(np.array([0x7C42613A], np.int32).view(np.float32)[0])   # 4.0371103e36


def _work(x):
    """x in the dtype PyTorch's kernel computes in, and the dtype of the result."""
    out = x.dtype if x.dtype.is_floating_point else torch.get_default_dtype()
    work = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    return x.to(work), out


def _full(x, v):
    return torch.full_like(x, v)


# ---------------------------------------------------------------------------- digamma

def _digamma(x):
    """calc_digamma in x's (float) dtype."""
    neg = x < 0
    xt = torch.trunc(x)
    negint = neg & (x == xt)                      # the negative integers and -inf: NaN
    r = x - xt                                    # modf's fractional part, in (-1, 0) here
    r = torch.where(r < -0.5, r + 1.0, r)         # tan(pi r) = tan(pi (r + 1)), exact
    refl = math.pi / torch.tan(math.pi * r)
    y = torch.where(neg, 1.0 - x, x)
    acc = torch.zeros_like(x)
    for _ in range(10):                           # while (y < 10) {acc -= 1/y; y += 1}
        c = y < 10
        acc = torch.where(c, acc - 1.0 / y, acc)
        y = torch.where(c, y + 1.0, y)
    z = 1.0 / (y * y)
    p = torch.zeros_like(x)
    for a in _PSI_A:                              # polevl
        p = p * z + a
    ser = torch.where(y < 1.0e17, z * p, torch.zeros_like(x))
    val = ((acc + torch.log(y)) - 0.5 / y) - ser
    val = torch.where(y == 10, acc + _PSI_10, val)
    val = torch.where(neg, val - refl, val)
    val = torch.where(negint, _full(x, math.nan), val)
    return torch.where(x == 0, -1.0 / x, val)     # copysign(inf, -x)


@expansion("digamma")
def digamma(self):
    """aten.digamma."""
    x, out = _work(self)
    return _digamma(x).to(out)


# ---------------------------------------------------------------------------- trigamma

#: pi in four parts of at most 11 significant bits (the last rounded to float32): k * part is
#: exact in float32 for |k| < 2^13 (Cody and Waite's reduction)
_PI_PARTS = (3.140625, 9.675025939941406e-04, 1.5099067240953445e-07, 5.126688136514179e-12)
#: trigamma's reflection takes sin(pi x) of x above this only (see _sin)
TRIGAMMA_MIN = -4096.0


def _sin(y):
    """sin(y) of a float32 y with |y| <= pi 4096, to about an ulp: y reduced by k pi exactly
    (Cody-Waite), then sin's Taylor polynomial to degree 15 on [-pi/2, pi/2]. (TF.js's wasm
    sine loses the small values near multiples of pi: sin(float32(pi)) = 1.5e-7, not 8.7e-8.)"""
    if y.dtype == torch.float64:
        return torch.sin(y)
    k = torch.round(y * (1.0 / math.pi))
    r = y
    for part in _PI_PARTS:
        r = r - k * part
    r2 = r * r
    p = torch.full_like(r, -1.0 / 1307674368000)
    for c in (1.0 / 6227020800, -1.0 / 39916800, 1.0 / 362880, -1.0 / 5040, 1.0 / 120,
              -1.0 / 6):
        p = p * r2 + c
    s = r + r * (r2 * p)
    odd = (k - 2.0 * torch.floor(k * 0.5)) != 0
    return torch.where(odd, -s, s)


def _trigamma(x):
    """PyTorch's trigamma in x's dtype."""
    refl = x < 0.5
    require(~(x <= TRIGAMMA_MIN) | (x == -math.inf),
            f"trigamma (polygamma n = 1) of x <= {TRIGAMMA_MIN:g}: PyTorch's float32 "
            "sin(pi x) of such large arguments is not reproduced here (its argument reduction "
            "is exact only below that)")
    s = _sin(math.pi * x)
    acc = torch.where(refl, -(math.pi * math.pi) / (s * s), torch.zeros_like(x))
    y = torch.where(refl, 1.0 - x, x)
    for _ in range(6):
        acc = acc + 1.0 / (y * y)
        y = y + 1.0
    ixx = 1.0 / (y * y)
    acc = acc + (1.0 + 1.0 / (2.0 * y)
                 + ixx * (1.0 / 6 - ixx * (1.0 / 30 - ixx * (1.0 / 42)))) / y
    return torch.where(refl, -acc, acc)


# ---------------------------------------------------------------------------- zeta

def _pow(a, e):
    """C's pow: pow(1, e) is 1 for every e (NaN and infinities too; JavaScript says NaN)."""
    return torch.where(a == 1, torch.ones_like(a), torch.pow(a, e))


def _zeta(x, q, scale=1.0):
    """Cephes' Hurwitz zeta as Math.h's zeta(x, q), x and q broadcast, in their dtype; the
    result times ``scale`` (polygamma's n!) is required to be within ``ZETA_ERROR`` (relative,
    or absolute below 1) of the exact sum: the bound fails only where terms of opposite signs
    cancel (q < 0, x odd)."""
    x, q = torch.broadcast_tensors(x, q)
    qf = torch.floor(q)
    npos = q <= 0
    # the values PyTorch returns before its series: +inf / NaN (selected at the end)
    special = (x == 1) | (x < 1) | (npos & ((q == qf) | (x != torch.floor(x))))
    # PyTorch's loop runs one step per unit of q below 9: unrolled to ZETA_STEPS steps
    require(~(q <= 9 - ZETA_STEPS) | special,
            f"zeta(x, q) / polygamma(n, q) with q <= {9 - ZETA_STEPS}: PyTorch's series then "
            f"sums one term per unit of q below 9, unrolled here to {ZETA_STEPS} terms")
    nx = -x
    s = _pow(q, nx)
    sabs = torch.abs(s)
    done = torch.zeros_like(x, dtype=torch.bool)
    res = s
    w, b = q, torch.zeros_like(x)
    for i in range(1, ZETA_STEPS + 1):
        a = q + float(i)
        bi = _pow(a, nx)
        si = s + bi
        active = ~done if i <= 9 else ~done & (q <= float(10 - i))   # a <= 9 before the step
        ext = active & (-_MACHEP * si < bi) & (bi < _MACHEP * si)
        res = torch.where(ext, si, res)
        s = torch.where(active, si, s)
        sabs = torch.where(active, sabs + torch.abs(bi), sabs)
        w = torch.where(active, a, w)
        b = torch.where(active, bi, b)
        done = done | ext
    s = s + b * w / (x - 1.0)
    s = s - 0.5 * b
    a = torch.ones_like(x)
    k = 0.0
    finite_x = torch.isfinite(x)
    for i in range(12):
        a = a * (x + k)
        b = b / w
        # a term whose b underflowed is 0 (a may have overflowed: inf * 0; float64 has
        # neither at these sizes); for x = inf it is NaN, as in PyTorch
        t = torch.where((b == 0) & finite_x, torch.zeros_like(b), a * b / _ZETA_A[i])
        s = s + t
        ext = ~done & (torch.abs(t / s) < _MACHEP)
        res = torch.where(ext, s, res)
        done = done | ext
        k += 1.0
        a = a * (x + k)
        b = b / w
        k += 1.0
    res = torch.where(done, res, s)
    # each term and each addition rounds to within 2^-24 of the magnitudes summed: the
    # error is below 2^-22 sum|terms| (measured: 2^-23); large only where they cancel
    bound = sabs * (2.0 ** -22 * scale)
    require(~(bound > ZETA_ERROR * (1.0 + torch.abs(res) * scale)) | special,
            f"zeta(x, q) / polygamma(n, q) computed in float32 where the series' terms of "
            f"opposite signs cancel (q < 0, x odd): its rounding could exceed "
            f"{ZETA_ERROR:g} of the result")
    nan, inf = _full(x, math.nan), _full(x, math.inf)
    res = torch.where(npos & (x != torch.floor(x)), nan, res)
    res = torch.where(npos & (q == qf), inf, res)
    res = torch.where(x < 1, nan, res)
    return torch.where(x == 1, inf, res)


def _operands(a, b):
    """Two operands (tensors or numbers) as tensors of their promoted dtype."""
    t = a if isinstance(a, torch.Tensor) else b
    dt = torch.result_type(a, b)
    if not dt.is_floating_point:
        dt = torch.get_default_dtype()
    a = a.to(dt) if isinstance(a, torch.Tensor) else torch.full_like(t, a, dtype=dt)
    b = b.to(dt) if isinstance(b, torch.Tensor) else torch.full_like(t, b, dtype=dt)
    return a, b, dt


@expansion("special_zeta")
def special_zeta(self, other):
    """aten.special_zeta (and its Scalar overloads): zeta(self, other)."""
    x, q, out = _operands(self, other)
    work = torch.float32 if out in (torch.float16, torch.bfloat16) else out
    return _zeta(x.to(work), q.to(work)).to(out)


# ---------------------------------------------------------------------------- polygamma

@expansion("polygamma")
def polygamma(n, self):
    """aten.polygamma: digamma (n = 0), trigamma (n = 1), else calc_polygamma."""
    if n < 0:
        raise ValueError("polygamma of a negative order (PyTorch raises)")
    x, out = _work(self)
    if n == 0:
        return _digamma(x).to(out)
    if n == 1:
        return _trigamma(x).to(out)
    ftype = np.float32 if x.dtype == torch.float32 else np.float64
    fac = float(np.exp(ftype(math.lgamma(n + 1.0))))     # exp(lgamma(n + 1)) in the dtype
    sign = 1.0 if n % 2 else -1.0
    return ((sign * fac) * _zeta(_full(x, float(n + 1)), x, fac)).to(out)


# ---------------------------------------------------------------------------- lgamma

def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _lgamma_pos(p):
    """lgamma(p) for p > 0 (any p >= 2^-10 accurately): Stirling at y = p + k >= 8."""
    k = torch.clamp(torch.ceil(8.0 - p), 0.0, 8.0)
    y, e = _two_sum(p, k)
    prod = torch.ones_like(p)
    for j in range(8):
        prod = torch.where(k > j, prod * (p + float(j)), prod)
    ly = torch.log(y)
    iy = 1.0 / y
    iy2 = iy * iy
    ser = iy * (1.0 / 12 - iy2 * (1.0 / 360 - iy2 * (1.0 / 1260 - iy2 * (1.0 / 1680))))
    st = (y * (ly - 1.0) - 0.5 * ly) + (_HALF_LOG_2PI + ser)
    return (st + e * (ly - 0.5 * iy)) - torch.log(prod)


def _lgamma(x):
    ax = torch.abs(x)
    pos = _lgamma_pos(ax)
    s = x - torch.round(x)                         # exact; sin(pi x) = +-sin(pi s)
    refl = torch.log(math.pi / (ax * torch.abs(_sin(math.pi * s)))) - pos   # see _sin
    val = torch.where(x < 0, torch.where(s == 0, _full(x, math.inf), refl), pos)
    tiny = -torch.log(ax) + x * (-_EULER + x * _ZETA2_HALF)
    val = torch.where(ax < 2.0 ** -10, tiny, val)
    big = torch.isinf(x)
    if x.dtype == torch.float32:   # glibc's lgammaf is +inf from here on (the value is 3.36e38)
        big = ax >= _LGAMMAF_INF
    return torch.where(big, _full(x, math.inf), val)


@expansion("lgamma")
def lgamma(self):
    """aten.lgamma (glibc's lgammaf/lgamma: +inf at the poles and both infinities)."""
    x, out = _work(self)
    return _lgamma(x).to(out)
