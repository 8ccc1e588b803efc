"""Samples for mappings/<target>/elementwise.yaml: edge values (outside a function's domain,
NaN, inf, ties, signed zeros), integer and bool dtypes, broadcasting, 0-d and empty tensors."""

import op_samples
import torch
from op_samples import S, b, f, pos

NAN, INF = float("nan"), float("inf")


def i(*shape, lo=-5, hi=6, dtype=torch.int32):
    """int32 by default: TF.js computes int64 in int32 only where a range analysis proves the
    values fit, so these samples test the rules themselves (int64: tests/test_int_semantics)."""
    return op_samples.i(*shape, lo=lo, hi=hi, dtype=dtype)


def t(*values, dtype=torch.float32):
    return torch.tensor(values, dtype=dtype)


DOMAIN = t(-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, NAN, INF, -INF)
# dividends and divisors of every sign, exact multiples (the discontinuities of floor / mod)
A = t(7.0, -7.0, 7.0, -7.0, 6.0, -6.0, 0.0, -0.0, 5.5, -5.5, 1.0, 30.0, 1e-8, -1e-8, INF, NAN)
B = t(2.0, 2.0, -2.0, -2.0, 3.0, 3.0, 3.0, -3.0, 1.1, 1.1, 0.1, 0.3, 1.0, 1.0, 2.0, 1.0)
IA = t(7, -7, 7, -7, 6, -6, 0, 5, -5, 2147483647, -2147483647, 16777217, -16777219,
       1073741825, 123456789, -987654321, dtype=torch.int32)
IB = t(2, 2, -2, -2, 3, 3, -3, 7, 7, 1, 3, 2, -5, 1073741824, -10, 1000, dtype=torch.int32)
TIES = t(0.5, -0.5, 1.5, 2.5, -2.5, 3.5, -3.5, 0.49999997, 8388609.0, -0.0, NAN, INF, 1e10)

SAMPLES = [
    S("aten._conj.default", torch.tensor([1 + 2j, -3j, 0.5], dtype=torch.complex64),
      note="complex"),
    S("aten._conj_physical.default", torch.tensor([1 - 2j, 4j], dtype=torch.complex64),
      note="complex"),
    S("aten._conj_physical.default", f(3)),
    S("aten.conj_physical.default", torch.tensor([2 + 1j], dtype=torch.complex128),
      note="complex"),
    S("aten.conj_physical.default", f(2, 2)),
    # float functions of one argument (ints promote to float32; NaN outside the domain)
    *[S(f"aten.{n}.default", DOMAIN) for n in ("acos", "asin", "atan", "asinh", "cosh", "sinh",
                                               "tan", "log2", "log10")],
    S("aten.acosh.default", t(0.5, 1.0, 1.5, 10.0, 1e6, NAN, INF, -1.0)),
    S("aten.atanh.default", t(-2.0, -1.0, -0.999, -0.5, 0.0, 1e-8, 0.5, 0.999, 1.0, NAN)),
    *[S(f"aten.{n}.default", f(3, 4, lo=-0.99, hi=0.99), note="rand") for n in (
        "acos", "asin", "atanh")],
    S("aten.tan.default", t(1.5707, -1.5707, 1.0, 100.0, 1e4), note="near-pole"),
    S("aten.cosh.default", t(80.0, 89.0, 90.0, -100.0), note="overflow"),
    S("aten.log2.default", t(1.0, 2.0, 8.0, 1024.0, 0.125, 3.0, 1e-30, 1e30), note="exact"),
    S("aten.log10.default", t(1.0, 10.0, 1000.0, 0.001, 3.0, 1e-30, 1e30), note="exact"),
    S("aten.acos.default", i(5), note="int"), S("aten.asin.default", b(4), note="bool"),
    S("aten.log2.default", i(5, lo=0, hi=9), note="int"),
    S("aten.sinh.default", f(), note="0d"), S("aten.atan.default", f(0, 3), note="empty"),
    S("aten.atan2.default", t(0.0, -0.0, 1.0, -1.0, 0.0, NAN, INF, -INF, 3.0),
      t(-1.0, -1.0, 0.0, 0.0, 0.0, 1.0, INF, 2.0, -INF)),
    S("aten.atan2.default", f(3, 4), f(4), note="broadcast"),
    S("aten.atan2.default", i(5), i(5), note="int"),
    S("aten.atan2.out", f(3, 4), f(3, 4), out=torch.empty(3, 4)),
    # rounding
    S("aten.round.default", TIES), S("aten.round.default", i(5), note="int"),
    S("aten.round.decimals", t(0.125, 0.135, -2.675, 1.005, 123.456, -0.5, NAN), decimals=2),
    S("aten.round.decimals", t(1250.0, 1350.0, -2675.0, 149.0, 150.0, NAN), decimals=-2,
      note="neg"),
    S("aten.round.decimals", TIES, decimals=0, note="zero"),
    S("aten.trunc.default", t(2.7, -2.7, 0.5, -0.5, -0.0, NAN, INF, -INF, 8388609.0)),
    S("aten.trunc.default", i(5), note="int"),
    # Scalar overloads: the scalar's kind decides the result dtype
    S("aten.add.Scalar", f(3, 4), 0.5), S("aten.add.Scalar", i(5), 3, note="int"),
    S("aten.add.Scalar", i(5), 2.5, note="int-float"),
    S("aten.add.Scalar", i(5), 2, 3, note="alpha"),
    S("aten.add.Scalar", f(5), 2.0, 0.5, note="float-alpha"),
    S("aten.add.Scalar", b(4), True, note="bool"),
    S("aten.add.Scalar", b(4), 2, note="bool-int"),
    S("aten.sub.Scalar", f(3, 4), 1.5), S("aten.sub.Scalar", i(5), 2, 2, note="int-alpha"),
    S("aten.sub.Scalar", i(5), 0.25, note="int-float"),
    S("aten.mul.Scalar", f(3, 4), -2.5), S("aten.mul.Scalar", i(5), 3, note="int"),
    S("aten.mul.Scalar", i(5), 0.5, note="int-float"),
    S("aten.mul.Scalar", b(4), True, note="bool"),
    S("aten.mul.Scalar", b(4), 2.5, note="bool-float"),
    S("aten.div.Scalar", f(3, 4), 3.0), S("aten.div.Scalar", i(5), 2, note="int"),
    S("aten.div.Scalar", i(5, dtype=torch.int64), 0, note="int-by-zero"),
    S("aten.div.Scalar", b(4), 2, note="bool"),
    # division with a rounding mode (integers exact over the whole int32 range)
    *[S("aten.div.Tensor_mode", A, B, rounding_mode=m, note=f"{m}") for m in ("floor", "trunc")],
    S("aten.div.Tensor_mode", A, B, rounding_mode=None, note="none"),
    *[S("aten.div.Tensor_mode", IA, IB, rounding_mode=m, note=f"int-{m}")
      for m in ("floor", "trunc")],
    S("aten.div.Tensor_mode", IA, IB, rounding_mode=None, note="int-none"),
    S("aten.div.Tensor_mode", t(1.0, -1.0, 0.0, 5.0), t(0.0, 0.0, 0.0, INF), rounding_mode="floor",
      note="floor-by-zero"),
    S("aten.div.Tensor_mode", i(3, 4), i(4, lo=1), rounding_mode="floor",
      note="int-broadcast"),
    S("aten.div.Tensor_mode", i(3, 4, dtype=torch.int32), f(4), rounding_mode="trunc",
      note="int-float"),
    *[S("aten.div.Scalar_mode", A, -0.3, rounding_mode=m, note=m) for m in ("floor", "trunc")],
    *[S("aten.div.Scalar_mode", IA, d, rounding_mode=m, note=f"int-{m}{d}")
      for m in ("floor", "trunc") for d in (3, -7)],
    S("aten.div.Scalar_mode", IA, 2.5, rounding_mode="floor", note="int-float"),
    # fmod (sign of the dividend) and remainder (sign of the divisor)
    *[S(f"aten.{n}.Tensor", A, B, note="float") for n in ("fmod", "remainder")],
    *[S(f"aten.{n}.Tensor", IA, IB, note="int") for n in ("fmod", "remainder")],
    *[S(f"aten.{n}.Tensor", t(5.0, -5.0, INF, 1.0, -1.0), t(0.0, INF, 3.0, -INF, INF),
        note="inf-zero") for n in ("fmod", "remainder")],
    *[S(f"aten.{n}.Tensor", i(3, 4, dtype=torch.int32), i(4, lo=1, dtype=torch.int32),
        note="int32") for n in ("fmod", "remainder")],
    *[S(f"aten.{n}.Scalar", A, d, note=f"float{d}") for n in ("fmod", "remainder")
      for d in (1.5, -0.7)],
    *[S(f"aten.{n}.Scalar", IA, d, note=f"int{d}") for n in ("fmod", "remainder")
      for d in (3, -4)],
    *[S(f"aten.{n}.Scalar", IA, 2.5, note="int-float") for n in ("fmod", "remainder")],
    # scalar ** tensor
    S("aten.pow.Scalar", 2.0, f(3, 4)), S("aten.pow.Scalar", 2.5, i(5), note="int-exp"),
    S("aten.pow.Scalar", 1, t(NAN, INF, -INF, 2.0), note="one"),
    S("aten.pow.Scalar", -1.0, t(INF, -INF, 2.0, 3.0, 0.5, NAN), note="minus-one"),
    S("aten.pow.Scalar", 0.0, t(-1.0, 0.0, 1.0, 0.5), note="zero"),
    S("aten.pow.Scalar", 2, i(6, lo=-3, hi=10), note="int"),
    S("aten.pow.Scalar", -1, i(6, lo=-3, hi=4), note="int-minus-one"),
    # bitwise and logical
    *[S(f"aten.bitwise_{n}.Tensor", b(3, 4), b(4), note="bool") for n in ("and", "or", "xor")],
    *[S(f"aten.bitwise_{n}.Tensor", i(3, 4), i(3, 4), note="int") for n in ("and", "or", "xor")],
    *[S(f"aten.bitwise_{n}.Scalar", b(4), True, note="bool") for n in ("and", "or", "xor")],
    *[S(f"aten.bitwise_{n}.Scalar", i(5, dtype=torch.int32), 6, note="int")
      for n in ("and", "or", "xor")],
    S("aten.bitwise_not.default", b(3, 4), note="bool"),
    S("aten.bitwise_not.default", i(5), note="int"),
    S("aten.logical_not.default", b(3, 4)),
    S("aten.logical_not.default", t(0.0, -0.0, 0.1, -1e-30, NAN, INF), note="float"),
    S("aten.logical_not.default", i(6, lo=-1, hi=2), note="int"),
    # clamp with tensor bounds: promotion, NaN in x or a bound, min > max
    S("aten.clamp.Tensor", f(3, 4), f(4, lo=-2, hi=0), f(3, 1, lo=0, hi=2)),
    S("aten.clamp.Tensor", t(1.0, 2.0, 3.0, NAN, 0.0), t(NAN, 0.0, 0.0, 0.0, 5.0),
      t(5.0, NAN, 1.0, 1.0, 2.0), note="nan"),
    S("aten.clamp.Tensor", f(5), min=f(5), note="min-only"),
    S("aten.clamp.Tensor", i(6), None, i(6), note="int-max-only"),
    S("aten.clamp.Tensor", i(3), t(0.5, 0.5, 0.5), note="int-float"),
    S("aten.clamp.Tensor", b(4), b(4), note="bool-min"),
    S("aten.clamp.Tensor", b(4), None, b(4), note="bool-max"),
    # activations with parameters
    S("aten.elu.default", t(-3.0, -1.0, -1e-8, 0.0, 1.0, 3.0, NAN, -INF, INF)),
    S("aten.elu.default", f(3, 4), 0.5, 2.0, 1.5, note="scaled"),
    S("aten.hardtanh.default", t(-3.0, -1.0, 0.0, 0.5, 1.0, 3.0, NAN, INF)),
    S("aten.hardtanh.default", f(3, 4), -0.5, 0.25, note="bounds"),
    S("aten.hardtanh.default", i(6), -0.5, 3.7, note="int"),
    S("aten.hardtanh.default", f(5), 0.0, 6.0, note="relu6"),
    S("aten.leaky_relu.default", t(-3.0, -0.0, 0.0, 2.0, NAN, -INF)),
    S("aten.leaky_relu.default", f(3, 4), 0.2, note="slope"),
    # exp2, and fmax / fmin (NaN ignored unless both are NaN)
    S("aten.exp2.default", t(-INF, -150.0, -1.0, 0.0, 0.5, 10.0, 127.5, 128.0, NAN)),
    S("aten.exp2.default", i(5), note="int"), S("aten.exp2.default", b(4), note="bool"),
    *[S(f"aten.{n}.default", t(1.0, NAN, NAN, -0.5, 2.0, -INF),
        t(NAN, 3.0, NAN, 0.5, -2.0, INF)) for n in ("fmax", "fmin")],
    *[S(f"aten.{n}.default", f(3, 4), f(4), note="broadcast") for n in ("fmax", "fmin")],
    *[S(f"aten.{n}.default", i(5), t(1.5, NAN, -2.0, 0.0, 9.0), note="int-float")
      for n in ("fmax", "fmin")],
    *[S(f"aten.{n}.default", i(5, dtype=torch.int32), i(5, dtype=torch.int32), note="int")
      for n in ("fmax", "fmin")],
    *[S(f"aten.{n}.default", b(4), b(4), note="bool") for n in ("fmax", "fmin")],
    # copy (cast + broadcast) and fill
    S("aten.copy.default", torch.zeros(2, 3, dtype=torch.int32), t(1.7, -1.7, 2.5),
      note="float-int"),
    S("aten.copy.default", torch.zeros(3, 4), f(3, 4)),
    S("aten.copy.default", torch.zeros(4, dtype=torch.bool), t(0.0, 0.1, NAN, -2.0),
      note="float-bool"),
    S("aten.fill.Scalar", f(3, 4), 2.5), S("aten.fill.Scalar", i(5), -2.7, note="int-trunc"),
    S("aten.fill.Scalar", b(3), 0.5, note="bool"), S("aten.fill.Scalar", f(2), True,
                                                     note="float-bool"),
    S("aten.fill.Scalar", i(2, dtype=torch.int64), 4000000000, note="int-big"),
    S("aten.fill.Scalar", pos(0, 2), 1.0, note="empty"),
    # erfc (tails), hypot (overflow-free, inf beats NaN), copysign / signbit (-0.0, NaN)
    S("aten.erfc.default", t(-INF, -10.0, -3.0, -1.0, -1e-3, 0.0, 0.3, 1.0, 2.0, 5.0, 8.0, 9.5,
                             10.0, 11.0, INF, NAN)),
    S("aten.erfc.default", f(3, 4, lo=-4, hi=4), note="rand"),
    S("aten.erfc.default", i(5), note="int"),
    S("aten.hypot.default", t(3.0, 0.0, -0.0, 1e30, 3e38, 1e-30, 1e-45, INF, NAN, NAN, -INF, 5.0),
      t(4.0, 0.0, -5.0, 1e30, 3e38, 1e-30, 0.0, NAN, INF, 1.0, -INF, -12.0)),
    S("aten.hypot.default", f(3, 4), f(4), note="broadcast"),
    S("aten.copysign.Tensor", t(1.0, -2.0, 0.0, NAN, INF, -3.0),
      t(-1.0, 2.0, -3.0, -1.0, -2.0, 0.5)),
    S("aten.copysign.Tensor", f(3, 4), t(-0.0, 0.0, -1.0, 2.0), note="zeros"),
    S("aten.copysign.Tensor", i(5), i(5), note="int"),
    S("aten.copysign.Tensor", f(4), b(3, 4), note="bool"),
    S("aten.copysign.Scalar", t(1.0, -2.0, 0.0, NAN, -INF), -1.5),
    S("aten.copysign.Scalar", i(5), 2, note="int"),
    S("aten.copysign.Scalar", f(4), -0.0, note="neg-zero"),
    S("aten.signbit.default", t(1.0, -1.0, 0.0, -0.0, INF, -INF)),
    S("aten.signbit.default", i(6), note="int"), S("aten.signbit.default", b(3), note="bool"),
    S("aten.signbit.default", torch.zeros(3) / torch.zeros(3), note="nan-from-0/0"),
    S("aten.copysign.Tensor", t(1.0, -2.0, 3.0), torch.zeros(3) / torch.zeros(3),
      note="nan-from-0/0"),
    # shifts: counts below 0 or of the bit width and more give 0 / the sign fill
    *[S(f"aten.bitwise_{n}_shift.Tensor", t(1, -1, 5, -8, 2**62, -2**63, 7, dtype=torch.int64),
        t(0, 1, 63, 64, -1, 70, 3, dtype=torch.int64)) for n in ("left", "right")],
    *[S(f"aten.bitwise_{n}_shift.Tensor", i(3, 4, lo=-100, hi=100), i(4, lo=-2, hi=34),
        note="int32") for n in ("left", "right")],
    *[S(f"aten.bitwise_{n}_shift.Tensor", t(200, 1, 255, 3, dtype=torch.uint8),
        t(1, 8, 9, 7, dtype=torch.uint8), note="uint8") for n in ("left", "right")],
    # NaN in either operand of maximum / minimum (TF.js's wasm maximum drops a NaN in b)
    *[S(f"aten.{n}.default", t(1.0, NAN, NAN, 2.0, -1.0), t(NAN, 1.0, NAN, 3.0, 0.0), note="nan")
      for n in ("maximum", "minimum")],
    # truth values of numbers (TF.js's wasm cast to bool truncates to uint8: 0.1, 256, NaN -> 0)
    S("aten.logical_and.default", t(0.0, 0.1, NAN, -2.0, 1e-3), t(0.5, 0.1, 1.0, INF, -0.0),
      note="float"),
    S("aten.logical_or.default", t(0, 256, -1, 0, dtype=torch.int32),
      t(0, 0, 0, 512, dtype=torch.int32), note="int"),
    S("aten.logical_xor.default", t(0.0, 0.25, NAN, 3.0), b(4), note="float-bool"),
    S("aten._to_copy.default", t(0.0, -0.0, 0.1, -0.5, NAN, INF), dtype=torch.bool,
      note="float-bool"),
    S("aten._to_copy.default", t(0, 256, -1, 7, dtype=torch.int32), dtype=torch.bool,
      note="int-bool"),
]

_INT_BITWISE = "TF.js has no bitwise operations on integers"
#: what each target refuses by design (the reason must appear in the refusal)
REFUSED = {
    ("tfjs", "aten._conj.default-complex"): "complex64 values cannot be represented on tfjs",
    ("tfjs", "aten._conj_physical.default-complex"): "complex64 values cannot be represented",
    ("tfjs", "aten.conj_physical.default-complex"): "cannot be represented on tfjs",
    **{("tfjs", f"aten.bitwise_{n}.{o}-int"): _INT_BITWISE
       for n in ("and", "or", "xor") for o in ("Tensor", "Scalar")},
    ("tfjs", "aten.bitwise_not.default-int"): _INT_BITWISE,
    **{("tfjs", f"aten.bitwise_{n}_shift.Tensor{k}"): _INT_BITWISE
       for n in ("left", "right") for k in ("", "-int32", "-uint8")},
    ("tfjs", "aten.pow.Scalar-int"): "integer pow",
    ("tfjs", "aten.pow.Scalar-int-minus-one"): "integer pow",
    ("tfjs", "aten.fill.Scalar-int-big"): "does not fit int32",
    ("tfjs", "aten.copysign.Tensor"): "sign bit of a float",
    ("tfjs", "aten.copysign.Tensor-zeros"): "sign bit of a float",
    ("tfjs", "aten.copysign.Scalar-neg-zero"): "zero or NaN scalar",
    ("tfjs", "aten.signbit.default"): "sign bit of a float",
    ("tfjs", "aten.signbit.default-nan-from-0/0"): "sign bit of a float",
    ("tfjs", "aten.copysign.Tensor-nan-from-0/0"): "sign bit of a float",
}
