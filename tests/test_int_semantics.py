"""Integer and rounding semantics that must match PyTorch *exactly* on every target: floor and
truncating division, remainder (the sign of the divisor) and fmod (the sign of the dividend),
half-to-even rounding, the result dtype of Scalar overloads, bool inputs, int64 on TF.js.

Each case is a one-op plan (as in test_ops.py) translated with threepio and run on NumPy, TF and
TF.js (cpu and wasm); outputs must equal PyTorch's bit for bit (NaN where PyTorch has NaN),
with PyTorch's dtype (int64 arrives as int32 on TF.js).
"""

import numpy as np
import pytest
import torch
from op_samples import S

import threepio
from threepio.conformance.samples import call_torch as _call_torch
from threepio.conformance.samples import one_op_plan
from threepio.errors import PlanInputError, TraceError
from threepio.rules.loader import load_rules

RUNS = [("numpy", "cpu"), ("tf", "cpu"), ("tfjs", "cpu"), ("tfjs", "wasm")]
I64, I32, F32 = torch.int64, torch.int32, torch.float32
NAN, INF = float("nan"), float("inf")

# every sign combination, zero dividends, exact multiples, and values a float32 cannot hold
# (TF.js's own floorDiv is computed in float32 on wasm and gets these wrong); not INT_MIN / -1,
# which overflows (PyTorch's int32 trunc division dies with SIGFPE)
DIVIDENDS = [7, -7, 7, -7, 6, -6, 0, 0, 1, -1, 2147483647, -2147483647, -2147483648, 16777217,
             -16777217, 123456789, -987654321, 1073741825, 2147483646, 5]
DIVISORS = [2, 2, -2, -2, 3, -3, 5, -5, 7, 7, 1, 3, 2, 2, 3, -10, 1000, 1073741824, -2147483647,
            2147483647]


def exact(key, *args, **kwargs):
    """Run ``key`` on every target and assert the result equals PyTorch's exactly. TF.js may
    refuse an int64 result it cannot prove to fit int32 (its int64 values are int32): that
    refusal, and no other, is accepted, as is the run-time range check of int64 inputs; the
    int32 variants of each case run there."""
    sample = S(key, *args, **kwargs)
    plan, arrays = one_op_plan(sample)
    want = _call_torch(sample).numpy()
    for target, backend in RUNS:
        try:
            tp = threepio.translate(plan, target)
        except threepio.TranslationError as e:
            if target == "tfjs" and want.dtype == np.int64 and "int32 on tfjs" in str(e):
                continue
            raise
        try:
            got = np.asarray(threepio.run(tp, arrays, tfjs_backend=backend)[0])
        except PlanInputError as e:  # int64 inputs beyond the range TF.js checks them against
            if target == "tfjs" and any(a.dtype == np.int64 for a in arrays) and \
                    "TF.js has no int64" in str(e):
                continue
            raise
        where = f"{key} on {target}:{backend}"
        assert str(got.dtype) == load_rules(target).map_dtype(str(want.dtype)), where
        assert got.shape == want.shape, where
        np.testing.assert_array_equal(got.astype(want.dtype), want, err_msg=where)
    return want


def t(values, dtype):
    return torch.tensor(values, dtype=dtype)


@pytest.mark.parametrize("dtype", [I64, I32])
@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_integer_division_rounds_like_pytorch(mode, dtype):
    a, b = t(DIVIDENDS, dtype), t(DIVISORS, dtype)
    got = exact("aten.div.Tensor_mode", a, b, rounding_mode=mode)
    # the semantics themselves: floor rounds toward -inf, trunc toward 0
    assert got[:4].tolist() == ([3, -4, -4, 3] if mode == "floor" else [3, -3, -3, 3])


@pytest.mark.parametrize("dtype", [I64, I32])
@pytest.mark.parametrize("divisor", [3, -3, 7, -1000000])
@pytest.mark.parametrize("mode", ["floor", "trunc"])
def test_integer_division_by_a_scalar(mode, divisor, dtype):
    exact("aten.div.Scalar_mode", t(DIVIDENDS[:-3], dtype), divisor, rounding_mode=mode)


def test_remainder_takes_the_divisors_sign_and_fmod_the_dividends():
    a, b = t(DIVIDENDS, I64), t(DIVISORS, I64)
    rem = exact("aten.remainder.Tensor", a, b)
    fmod = exact("aten.fmod.Tensor", a, b)
    assert rem[:4].tolist() == [1, 1, -1, -1]
    assert fmod[:4].tolist() == [1, -1, 1, -1]
    for d in (4, -4):
        for dtype in (I64, I32):
            exact("aten.remainder.Scalar", a.to(dtype), d)
            exact("aten.fmod.Scalar", a.to(dtype), d)
    exact("aten.remainder.Tensor", t(DIVIDENDS, I32), t(DIVISORS, I32))
    exact("aten.fmod.Tensor", t(DIVIDENDS, I32), t(DIVISORS, I32))


FA = [7.0, -7.0, 7.0, -7.0, 6.0, -6.0, 0.0, -0.0, 5.5, -5.5, 1.0, 30.0, 1e-8, -1e-8, 1e7, -3.0,
      INF, NAN, 4.0, 2.5]
FB = [2.0, 2.0, -2.0, -2.0, 3.0, 3.0, 3.0, -3.0, 1.1, 1.1, 0.1, 0.3, 1.0, 1.0, 0.3, 1.5, 2.0,
      1.0, INF, -INF]


def test_float_floor_division_remainder_fmod_are_bit_exact():
    """Float results sit on discontinuities (exact multiples, 1 // 0.1 == 9): a tolerance would
    hide an off-by-one quotient, so these must be equal too."""
    a, b = t(FA, F32), t(FB, F32)
    q = exact("aten.div.Tensor_mode", a, b, rounding_mode="floor")
    assert q[10] == 9.0 and q[11] == 99.0  # 1 // 0.1 and 30 // 0.3 in float32, as PyTorch
    exact("aten.div.Tensor_mode", a, b, rounding_mode="trunc")
    exact("aten.remainder.Tensor", a, b)
    exact("aten.fmod.Tensor", a, b)
    exact("aten.div.Scalar_mode", a, -0.7, rounding_mode="floor")
    exact("aten.remainder.Scalar", a, -0.7)


def test_float_division_by_zero_is_ieee():
    exact("aten.div.Tensor_mode", t([1.0, -1.0, 0.0, NAN], F32), t([0.0, -0.0, 0.0, 0.0], F32),
          rounding_mode="floor")
    exact("aten.div.Tensor_mode", t([1.0, -1.0, 0.0], F32), t([0.0, 0.0, 0.0], F32),
          rounding_mode="trunc")
    exact("aten.remainder.Tensor", t([1.0, -1.0], F32), t([0.0, 0.0], F32))
    exact("aten.div.Scalar", t([7, -7, 0], I64), 0)  # integer true division: float inf / NaN


def test_integer_division_by_zero_raises_in_pytorch_and_cannot_be_traced():
    """PyTorch raises ZeroDivisionError for integer floor/trunc division, remainder and fmod by
    zero, so such a call has no reference value: tracing it fails with a clear error."""
    a, z = t([5, -5], I64), t([0, 0], I64)
    for fn in (lambda x, y: torch.div(x, y, rounding_mode="floor"),
               lambda x, y: torch.div(x, y, rounding_mode="trunc"),
               torch.remainder, torch.fmod):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn(a, z)
        with pytest.raises(TraceError):
            threepio.trace(fn, (a, z))


def test_round_is_half_to_even():
    ties = t([0.5, -0.5, 1.5, 2.5, -2.5, 3.5, -3.5, 4.5, 0.49999997, 8388609.0, -0.0, NAN, INF],
             F32)
    got = exact("aten.round.default", ties)
    assert got[:8].tolist() == [0.0, -0.0, 2.0, 2.0, -2.0, 4.0, -4.0, 4.0]
    exact("aten.round.default", t([-3, 0, 7], I64))  # integers round to themselves
    exact("aten.round.decimals", t([0.125, 0.375, -2.5, 1250.0], F32), decimals=2)
    exact("aten.round.decimals", t([1250.0, 1350.0, -2500.0, 149.0], F32), decimals=-2)


def test_trunc_rounds_toward_zero():
    got = exact("aten.trunc.default", t([2.7, -2.7, 0.5, -0.5, NAN, -INF, 8388609.0], F32))
    assert got[:2].tolist() == [2.0, -2.0]
    exact("aten.trunc.default", t([-3, 4], I64))


@pytest.mark.parametrize("src", [I64, I32])
@pytest.mark.parametrize("key, scalar, dtype", [
    ("aten.add.Scalar", 2.5, "float32"), ("aten.add.Scalar", 2, "int64"),
    ("aten.sub.Scalar", -0.5, "float32"), ("aten.mul.Scalar", 3, "int64"),
    ("aten.mul.Scalar", 0.5, "float32"), ("aten.div.Scalar", 2, "float32"),
    ("aten.remainder.Scalar", 2.5, "float32"), ("aten.fmod.Scalar", -3, "int64"),
])
def test_the_scalars_kind_decides_the_result_dtype(key, scalar, dtype, src):
    got = exact(key, t([-7, -1, 0, 3, 500000007], src), scalar)  # results fit int32
    assert str(got.dtype) == (dtype if src == I64 or dtype == "float32" else "int32")


def test_bool_inputs():
    x, y = t([True, True, False, False], torch.bool), t([True, False, True, False], torch.bool)
    assert exact("aten.bitwise_and.Tensor", x, y).tolist() == [True, False, False, False]
    exact("aten.bitwise_or.Tensor", x, y)
    exact("aten.bitwise_xor.Scalar", x, True)
    exact("aten.bitwise_not.default", x)
    exact("aten.logical_not.default", x)
    assert exact("aten.add.Scalar", x, True).dtype == np.bool_
    assert exact("aten.add.Scalar", x, 2, 3).tolist() == [7, 7, 6, 6]  # bool + int: int64
    assert exact("aten.mul.Scalar", x, 2.5).dtype == np.float32
    assert exact("aten.div.Scalar", x, 2).tolist() == [0.5, 0.5, 0.0, 0.0]
    exact("aten.div.Scalar_mode", x, 2, rounding_mode="floor")


def test_integer_bitwise_ops_are_refused_on_tfjs_and_exact_elsewhere():
    a, b = t([-7, 5, 0, 2147483647, -2147483648], I32), t([3, -1, 9, 1, -1], I32)
    for key in ("aten.bitwise_and.Tensor", "aten.bitwise_or.Tensor", "aten.bitwise_xor.Tensor"):
        plan, arrays = one_op_plan(S(key, a, b))
        want = _call_torch(S(key, a, b)).numpy()
        for target in ("numpy", "tf"):
            got = threepio.run(threepio.translate(plan, target), arrays)[0]
            np.testing.assert_array_equal(got, want)
        with pytest.raises(threepio.TranslationError, match="no bitwise operations on integers"):
            threepio.translate(plan, "tfjs")


def test_int64_beyond_int32_is_refused_on_tfjs_when_the_plan_runs():
    plan, _ = one_op_plan(S("aten.remainder.Scalar", t([5, -5], I64), 3))
    tp = threepio.translate(plan, "tfjs")
    with pytest.raises(PlanInputError):
        threepio.run(tp, [np.array([2**40, 1], dtype=np.int64)])
