"""The orthogonal polynomials of torch.special (Chebyshev T, U, V, W and their shifted forms,
Hermite H and He, Laguerre L, Legendre P), as PyTorch's CPU kernels compute them
(aten/src/ATen/native/Math.h, ``*_polynomial_*_forward``), from elementwise ops.

The kernels branch per element on the degree ``n`` (``static_cast<int64_t>(n)``: truncated
toward zero) and on ``x`` (``|x| == 1``, a closed form ``cos(n acos x)``... for large ``n`` and
``|x| < 1``), and otherwise run a three-term recurrence ``n - 1`` times. Here every branch is
computed for every element and one is selected with ``where``; the recurrence is unrolled to
a static bound (``K`` steps for a tensor ``n``, whose values are checked when the plan runs,
or exactly ``n`` steps for a number ``n``), the step ``k == n`` being selected.

Rounding. The kernels are compiled with floating-point contraction: ``a * q - p`` is one fused
multiply-add (one rounding). In float32 that matters: the recurrences cancel near the roots
(Hermite H_9 near x = 3 adds terms of 1e7 to make 1), where a rounding of the product alone
changes the result by 3e-4 (measured on a dense grid). ``fma="f64"`` computes each fused step
in float64 (the product of two float32 numbers is exact there) and rounds once to float32;
``fma="f32"`` (for targets without float64, TF.js) computes it from float32 operations only:
the product as an exact sum of two float32 numbers (Dekker's split) plus the addend by an
error-free sum, rounded at the end. The transcendental functions (acos, sin, cos) of the
closed forms are computed in float64 and rounded to float32 (the correctly rounded value,
which glibc's float32 functions return as well). Float64 inputs are computed in float64 with
separate roundings (PyTorch's fused steps differ by float64 roundings only).

Inputs PyTorch's kernels give no defined value for are refused (``require``): a tensor ``n``
that is not finite (its conversion to int64 is undefined; Hermite H defines it as -1) and,
for the kernels whose result variable is uninitialized when the recurrence stops at once,
``x`` NaN with ``n >= 2`` (PyTorch returns whatever the register held: 3.6e-43, -2.1e10...).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from . import expansion, require

#: the recurrence is unrolled to this many steps for a tensor ``n`` (checked when the plan runs)
K = 24
#: ... and for a number ``n`` (refused by the rules above it)
K_STATIC = 64

_UNINIT = ("x is NaN where n >= 2: PyTorch's CPU kernel then returns an uninitialized value "
           "(its recurrence stops before the first step), which no target can reproduce")


def _bound_message(name: str) -> str:
    return (f"{name}: every degree n must be finite and at most {K} (the recurrence is "
            f"unrolled to {K} steps; PyTorch's conversion of a NaN or infinite n to int64 is "
            "undefined): compute higher degrees on the torch side or pass n as a number "
            f"(up to {K_STATIC})")


class _Poly:
    """The operands as the kernel sees them: x and n in the common float dtype T, the degree
    (static or per element) and the fused multiply-add of the chosen mode."""

    def __init__(self, name, x, n, fma, *, nonfinite_n_is_zero=False, uninit=False):
        dt = torch.result_type(x, n)
        if not dt.is_floating_point:
            dt = torch.get_default_dtype()
        self.dt, self.mode = dt, fma
        if isinstance(n, torch.Tensor):
            n = n.to(dt)
            x = torch.full(n.shape, x, dtype=dt) if not isinstance(x, torch.Tensor) else x.to(dt)
            x, n = torch.broadcast_tensors(x, n)
            self.x = x
            self.static = None
            nt = torch.trunc(n)
            finite = torch.isfinite(n)
            ok = (nt <= K) & finite
            if nonfinite_n_is_zero:   # hermite_h: a NaN or infinite n is -1
                ok = ok | ~finite
                nt = torch.where(finite, nt, torch.full_like(nt, -1.0))
            require(ok, _bound_message(name))
            self.nt, self.kmax = nt, K
        else:
            self.x = x.to(dt)
            v = float(np.asarray(n, dtype=str(dt).removeprefix("torch.")))
            if np.isnan(v) or np.isinf(v):
                if not nonfinite_n_is_zero:
                    raise ValueError(f"{name}: n = {n} has no int64 value (the kernel's "
                                     "conversion is undefined)")
                v = -1.0
            if v > K_STATIC:
                raise ValueError(f"{name}: n = {n} is above {K_STATIC}, the largest degree "
                                 "unrolled")
            self.static = max(int(v), -1)   # every negative degree gives 0
            self.nt, self.kmax = float(self.static), max(self.static, 1)
        if uninit and self.ge(2) is not False:
            require(~(torch.isnan(self.x) & self.ge(2)), f"{name}: {_UNINIT}")

    # --- the degree: python bools/numbers for a static n, tensors otherwise
    def lt(self, k):
        return self.static < k if self.static is not None else self.nt < k

    def gt(self, k):
        return self.static > k if self.static is not None else self.nt > k

    def ge(self, k):
        return self.static >= k if self.static is not None else self.nt >= k

    def even(self):
        if self.static is not None:
            return self.static % 2 == 0
        return torch.remainder(self.nt, 2.0) == 0

    def full(self, v):
        """A number, or a tensor of the degree's values, as a tensor shaped like x."""
        return torch.full_like(self.x, float(v)) if not isinstance(v, torch.Tensor) else v

    def pick(self, rs):
        """The step k == n of a recurrence (rs[k] for k = 0..kmax)."""
        if self.static is not None:
            return rs[self.static] if self.static >= 0 else rs[0]
        out = rs[-1]
        for k in range(len(rs) - 2, -1, -1):
            out = torch.where(self.nt == k, rs[k], out)
        return out

    def select(self, branches, default):
        """The first branch whose condition holds (conditions: bool tensors or python bools)."""
        out = self.full(default)
        for cond, value in reversed(branches):
            if cond is True:
                out = self.full(value)
            elif cond is not False:
                out = torch.where(cond, self.full(value), out)
        return out

    # --- arithmetic as the kernel rounds it
    def fma(self, a, b, c):
        """a * b + c with one rounding (the kernel's contracted multiply-add)."""
        if self.dt != torch.float32:
            return a * b + c
        if self.mode == "f64":
            return (a.double() * b.double() + c.double()).to(self.dt)
        p = a * b
        ah, al = _split(a)
        bh, bl = _split(b)
        e = ((ah * bh - p) + ah * bl + al * bh) + al * bl   # p + e == a * b exactly
        s = p + c
        z = s - p
        err = (p - (s - z)) + (c - z)                          # s + err == p + c exactly
        r = s + (err + e)
        return torch.where(torch.isfinite(r), r, p + c)        # a split overflowed: no error terms

    def fn(self, f, a):
        """A float32 function value rounded from float64 (float64: itself)."""
        if self.dt != torch.float32:
            return f(a)
        return f(a.double()).to(self.dt)

    def acos(self, a):
        if self.dt == torch.float32 and libm_acosf() == "fdlibm":
            return _acosf_fdlibm(a)
        return self.fn(torch.acos, a)

    def sin(self, a):
        return self.fn(torch.sin, a)

    def cos(self, a):
        return self.fn(torch.cos, a)

    def steps(self):
        return range(2, self.kmax + 1)


# fdlibm's float32 acos (glibc's acosf up to 2.40): a rational approximation in float32
_PS = (1.6666667163e-01, -3.2556581497e-01, 2.0121252537e-01, -4.0055535734e-02,
       7.9153501429e-04, 3.4793309169e-05)
_QS = (-2.4033949375e+00, 2.0209457874e+00, -6.8828397989e-01, 7.7038154006e-02)
_PI, _PIO2_HI, _PIO2_LO = 3.1415925026e+00, 1.5707962513e+00, 7.5497894159e-08


def _r(z):
    p = z * (_PS[0] + z * (_PS[1] + z * (_PS[2] + z * (_PS[3] + z * (_PS[4] + z * _PS[5])))))
    q = 1.0 + z * (_QS[0] + z * (_QS[1] + z * (_QS[2] + z * _QS[3])))
    return p / q


def _acosf_fdlibm(x):
    """acosf(x) for float32 |x| < 1 as fdlibm computes it, operation by operation (other
    elements: unspecified, the callers select them away)."""
    small = _PIO2_HI - (x - (_PIO2_LO - x * _r(x * x)))
    small = torch.where(x.abs() <= 2.0 ** -57, torch.full_like(x, _PIO2_HI + _PIO2_LO), small)
    z = (1.0 + x) * 0.5
    s = torch.sqrt(z)
    neg = _PI - 2.0 * (s + (_r(z) * s - _PIO2_LO))
    z = (1.0 - x) * 0.5
    s = torch.sqrt(z)
    # the high 12 significant bits of s (fdlibm clears the low 12 bits of its encoding):
    # s = sqrt(z) lies in [2^-13, 1/2] for 1/2 <= x < 1
    scale = torch.full_like(s, 2.0 ** 24)
    for j in range(-12, 0):
        scale = torch.where(s >= 2.0 ** j, torch.full_like(s, 2.0 ** (11 - j)), scale)
    df = torch.floor(s * scale) / scale
    c = (z - df * df) / (s + df)
    pos = 2.0 * (df + (_r(z) * s + c))
    return torch.where(x.abs() < 0.5, small, torch.where(x < 0, neg, pos))


@lru_cache(maxsize=1)
def libm_acosf() -> str:
    """Which acosf PyTorch's CPU kernels call (the C library's): ``"fdlibm"`` (glibc up to
    2.40: the float32 algorithm above) or ``"cr"`` (correctly rounded: glibc 2.41+ (CORE-MATH);
    also assumed when the C library cannot be asked)."""
    import ctypes
    import ctypes.util

    try:
        libm = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        f = libm.acosf
    except (OSError, AttributeError):
        return "cr"
    f.restype, f.argtypes = ctypes.c_float, [ctypes.c_float]
    # x, fdlibm's acosf(x), the correctly rounded acos(x): the two differ by one unit here
    probes = [("-0x1.f8d5p-1", "0x1.7cae2cp+1", "0x1.7cae2ap+1"),
              ("-0x1.578b68p-1", "0x1.2735f0p+1", "0x1.2735eep+1")]
    got = [f(float.fromhex(x)) for x, _, _ in probes]
    if got == [float.fromhex(v) for _, v, _ in probes]:
        return "fdlibm"
    return "cr"


def _split(a):
    """Veltkamp's split of a float32: hi + lo == a, each with at most 12 significant bits."""
    c = a * 4097.0
    hi = c - (c - a)
    return hi, a - hi


def _cheb(P, a, r1):
    """r_0 = 1, r_1, r_k = a r_{k-1} - r_{k-2} (fused)."""
    rs = [P.full(1.0), r1]
    for _ in P.steps():
        rs.append(P.fma(a, rs[-1], -rs[-2]))
    return rs


# ---------------------------------------------------------------- Chebyshev T, U, V, W

def _and(a, b):
    """a & b for python bools and bool tensors."""
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return a & b


def _or(a, b):
    if a is True or b is True:
        return True
    if a is False:
        return b
    if b is False:
        return a
    return a | b


def _signed(P, cond, v):
    """v where cond else -v (cond: python bool or bool tensor)."""
    v = P.full(v)
    if cond is True:
        return v
    if cond is False:
        return -v
    return torch.where(cond, v, -v)


def chebyshev_t(x, n, fma):
    P = _Poly("chebyshev_polynomial_t", x, n, fma)
    x = P.x
    ax = x.abs()
    closed = P.cos(P.full(P.nt) * P.acos(x))
    return P.select([(P.lt(0), 0.0),
                     (ax == 1, _signed(P, _or(x > 0, P.even()), 1.0)),
                     (_and(P.gt(6), ax < 1), closed)],
                    P.pick(_cheb(P, x + x, x)))


def chebyshev_u(x, n, fma):
    P = _Poly("chebyshev_polynomial_u", x, n, fma, uninit=True)
    x = P.x
    ax = x.abs()
    n1 = P.full(P.nt) + 1.0
    a = P.acos(x)
    s = P.sin(a)
    closed = torch.where(s != 0, P.sin(n1 * a) / s, n1 * P.cos(n1 * a) / x)
    return P.select([(P.lt(0), 0.0),
                     (ax == 1, _signed(P, _or(x > 0, P.even()), n1)),
                     (_and(P.gt(8), ax < 1), closed)],
                    P.pick(_cheb(P, x + x, x + x)))


def chebyshev_v(x, n, fma):
    P = _Poly("chebyshev_polynomial_v", x, n, fma, uninit=True)
    x = P.x
    ax = x.abs()
    nn1 = P.full(P.nt) * 2.0 + 1.0
    a = P.acos(x)
    h = a / 2.0
    closed = torch.where(P.sin(h) != 1, P.cos((P.full(P.nt) + 0.5) * a) / P.cos(h),
                         _signed(P, P.even(), nn1))
    at1 = torch.where(x > 0, P.full(1.0), _signed(P, P.even(), nn1))
    return P.select([(P.lt(0), 0.0), (ax == 1, at1),
                     (_and(P.gt(8), ax < 1), closed)],
                    P.pick(_cheb(P, x + x, x + x - 1.0)))


def chebyshev_w(x, n, fma):
    P = _Poly("chebyshev_polynomial_w", x, n, fma, uninit=True)
    x = P.x
    ax = x.abs()
    nn1 = P.full(P.nt) * 2.0 + 1.0
    a = P.acos(x)
    h = a / 2.0
    at1 = torch.where(x > 0, nn1, _signed(P, P.even(), 1.0))
    closed = torch.where(P.cos(h) != 1, P.sin((P.full(P.nt) + 0.5) * a) / P.sin(h), at1)
    return P.select([(P.lt(0), 0.0), (ax == 1, at1),
                     (_and(P.gt(8), ax < 1), closed)],
                    P.pick(_cheb(P, x + x, x + x + 1.0)))


# ---------------------------------------------------------------- shifted Chebyshev

def shifted_t(x, n, fma):
    P = _Poly("shifted_chebyshev_polynomial_t", x, n, fma, uninit=True)
    x = P.x
    y = x + x - 1.0
    closed = P.cos(P.full(P.nt) * P.acos(y))
    return P.select([(P.lt(0), 0.0), (x == 1, 1.0),
                     (x == 0, _signed(P, P.even(), 1.0)),
                     (_and(P.gt(6), y.abs() < 1), closed)],
                    P.pick(_cheb(P, y + y, y)))


def shifted_u(x, n, fma):
    P = _Poly("shifted_chebyshev_polynomial_u", x, n, fma, uninit=True)
    x = P.x
    y = x + x - 1.0
    n1 = P.full(P.nt) + 1.0
    a = P.acos(y)
    s = P.sin(a)
    closed = torch.where(s != 0, P.sin(n1 * a) / s, n1 * P.cos(n1 * a) / y)
    return P.select([(P.lt(0), 0.0), (x == 1, n1),
                     (x == 0, _signed(P, P.even(), n1)),
                     (_and(P.gt(6), y.abs() < 1), closed)],
                    P.pick(_cheb(P, y + y, y + y)))


def shifted_v(x, n, fma):
    P = _Poly("shifted_chebyshev_polynomial_v", x, n, fma, uninit=True)
    x = P.x
    y = x + x - 1.0
    nn1 = P.full(P.nt) * 2.0 + 1.0
    a = P.acos(y)
    h = a / 2.0
    closed = torch.where(P.sin(h) != 1, P.cos((P.full(P.nt) + 0.5) * a) / P.cos(h),
                         _signed(P, P.even(), nn1))
    return P.select([(P.lt(0), 0.0), (x == 1, 1.0),
                     (x == 0, _signed(P, P.even(), nn1)),
                     (_and(P.gt(6), y.abs() < 1), closed)],
                    P.pick(_cheb(P, y + y, y + y - 1.0)))


def shifted_w(x, n, fma):
    P = _Poly("shifted_chebyshev_polynomial_w", x, n, fma, uninit=True)
    x = P.x
    y = x + x - 1.0
    nn1 = P.full(P.nt) * 2.0 + 1.0
    a = P.acos(y)
    h = a / 2.0
    pm1 = _signed(P, P.even(), 1.0)
    closed = torch.where(P.cos(h) != 1, P.sin((P.full(P.nt) + 0.5) * a) / P.sin(h), pm1)
    return P.select([(P.lt(0), 0.0), (x == 1, nn1), (x == 0, pm1),
                     (_and(P.gt(4), y.abs() < 1), closed)],
                    P.pick(_cheb(P, y + y, y + y + 1.0)))


# ---------------------------------------------------------------- Hermite, Laguerre, Legendre

def hermite_h(x, n, fma):
    P = _Poly("hermite_polynomial_h", x, n, fma, nonfinite_n_is_zero=True)
    x = P.x
    x2 = x + x
    rs = [P.full(1.0), x2]
    for m in P.steps():   # the kernel's k = 2 (m - 1)
        rs.append(P.fma(x2, rs[-1], -(rs[-2] * float(2 * (m - 1)))))
    return P.select([(P.lt(0), 0.0)], P.pick(rs))


def hermite_he(x, n, fma):
    P = _Poly("hermite_polynomial_he", x, n, fma)
    x = P.x
    rs = [P.full(1.0), x]
    for m in P.steps():   # the kernel's k = m - 1
        rs.append(P.fma(x, rs[-1], -(rs[-2] * float(m - 1))))
    return P.select([(P.lt(0), 0.0)], P.pick(rs))


def laguerre_l(x, n, fma):
    P = _Poly("laguerre_polynomial_l", x, n, fma, uninit=True)
    x = P.x
    omx = 1.0 - x
    rs = [P.full(1.0), omx]
    for m in P.steps():   # the kernel's k = m - 1
        k = float(m - 1)
        rs.append(P.fma(omx + 2.0 * k, rs[-1], -(rs[-2] * k)) / (k + 1.0))
    return P.select([(P.lt(0), 0.0), (x.abs() == 0, 1.0)], P.pick(rs))


def legendre_p(x, n, fma):
    P = _Poly("legendre_polynomial_p", x, n, fma, uninit=True)
    x = P.x
    rs = [P.full(1.0), x]
    for m in P.steps():   # the kernel's k = m - 1
        k = float(m - 1)
        rs.append(P.fma(x * (2.0 * k + 1.0), rs[-1], -(rs[-2] * k)) / (k + 1.0))
    return P.select([(P.lt(0), 0.0),
                     (x.abs() == 1, _signed(P, _or(x > 0, P.even()), 1.0))], P.pick(rs))


_KERNELS = {
    "chebyshev_polynomial_t": chebyshev_t,
    "chebyshev_polynomial_u": chebyshev_u,
    "chebyshev_polynomial_v": chebyshev_v,
    "chebyshev_polynomial_w": chebyshev_w,
    "shifted_chebyshev_polynomial_t": shifted_t,
    "shifted_chebyshev_polynomial_u": shifted_u,
    "shifted_chebyshev_polynomial_v": shifted_v,
    "shifted_chebyshev_polynomial_w": shifted_w,
    "hermite_polynomial_h": hermite_h,
    "hermite_polynomial_he": hermite_he,
    "laguerre_polynomial_l": laguerre_l,
    "legendre_polynomial_p": legendre_p,
}


def _register(name, kernel, fma):
    @expansion(f"special_{name}" + ("_f32" if fma == "f32" else ""))
    def poly(x, n):
        return kernel(x, n, fma)
    poly.__name__ = poly.__qualname__ = f"special_{name}_{fma}"
    how = "in float64" if fma == "f64" else "from float32 operations"
    poly.__doc__ = (f"aten.special_{name} (.default, .x_scalar, .n_scalar): PyTorch's CPU "
                    f"kernel, fused multiply-adds {how}")
    return poly


for _name, _kernel in _KERNELS.items():
    for _fma in ("f64", "f32"):
        _register(_name, _kernel, _fma)
