"""The dtype pass for integers: TF.js computes PyTorch's int64 values in int32 only where their
range is proven to fit (threepio/int_ranges.py); everything else is refused, or, on request,
recorded as possibly wrapping."""

import numpy as np
import pytest
import torch

import threepio
from threepio.errors import PlanInputError, TranslationError
from threepio.int_ranges import value_ranges
from threepio.ir import Plan
from threepio.plan_text import parse_plan

INT32 = (-2**31, 2**31 - 1)


def trace(fn, *inputs):
    return threepio.trace(fn, inputs)


def narrowings(plan):
    return {c.value: c.reason for c in plan.casts if (c.from_dtype, c.to_dtype) == ("int64",
                                                                                  "int32")}


def test_indices_counts_and_comparisons_are_bounded_statically():
    def f(x, labels):
        idx = x.argmax(dim=1)
        hits = (idx == labels).sum()
        pos = torch.arange(0, x.shape[1]).expand(x.shape[0], -1)
        return idx, hits, pos, labels.where(labels >= 0, 0)

    plan = trace(f, torch.rand(16, 10), torch.randint(0, 10, (16,)))
    r = value_ranges(plan, {"int64": INT32})
    outs = [o.name for o in plan.outputs]
    assert r[outs[0]] == (0, 9)            # an index into a dim of 10
    assert r[outs[1]] == (0, 16)           # a count of 16 comparisons
    assert r[outs[2]] == (0, 9)            # arange(0, 10): integer arguments, exact
    assert r[outs[3]] == INT32             # the checked input's range, joined with 0


def test_take_along_dim_indices_are_bounded_by_the_dim():
    """take_along_dim wraps its indices by an integer remainder, which takes the divisor's
    sign: the gather it becomes needs no runtime range check."""
    plan = trace(lambda x: torch.take_along_dim(x, x.argsort(1), 1), torch.rand(4, 6))
    r = value_ranges(plan)
    rem = next(op.outputs[0].name for op in plan.ops if op.target.startswith("aten.remainder"))
    assert r[rem] == (0, 5)


def test_max_pool_indices_are_bounded_by_the_plane():
    def f(x):
        return torch.ops.aten.max_pool2d_with_indices(x, [2, 2], [2, 2])[1]

    plan = trace(f, torch.rand(2, 3, 6, 8))
    assert value_ranges(plan)[plan.outputs[0].name] == (0, 47)


def test_every_narrowing_of_the_mnist_step_is_proven(mnist):
    plan = trace(mnist.mlp_step_labels, *mnist.mlp_step_labels_example())
    tfjs = threepio.translate(plan, "tfjs")
    found = narrowings(tfjs)
    assert found and all("proven" in why or "range-checked" in why for why in found.values())
    assert "range [0, 9] proven" in found["argmax"]


def test_int64_arithmetic_gets_inputs_checked_to_a_range_that_keeps_it_exact():
    plan = trace(lambda a, b: a * b + 1, torch.tensor([7, 3]), torch.tensor([-9, 5]))
    tfjs = threepio.translate(plan, "tfjs")
    checked = {c.value: c for c in tfjs.casts if c.checked}
    # |a|, |b| <= 2**15 keeps a * b + 1 within int32: the inputs are checked to that range
    assert checked["a"].range == checked["b"].range == (-2**15, 2**15 - 1)
    assert "so that every int32 value computed from them is exact" in checked["a"].reason
    assert "range [-1073709055, 1073741825] proven" in narrowings(tfjs)[plan.outputs[0].name]
    np.testing.assert_array_equal(threepio.run(tfjs, plan.examples)[0], [-62, 16])
    big = [np.array([70000, 3]), np.array([70000, 5])]
    with pytest.raises(PlanInputError, match=r"value 70000 at index \[0\] is outside "
                                             r"\[-32768, 32767\]"):
        threepio.run(tfjs, big)
    # the printed and JSON forms keep the checked range
    assert Plan.from_json(tfjs.to_json()).casts == tfjs.casts
    assert parse_plan(str(tfjs)).casts == tfjs.casts


def test_a_value_no_input_range_can_bound_is_refused_with_the_way_out():
    plan = trace(lambda x, n: (x * 1e6).long() + n, torch.rand(3), torch.tensor([1, 2, 3]))
    with pytest.raises(TranslationError) as e:
        threepio.translate(plan, "tfjs")
    msg = str(e.value)
    assert "int64 %_to_copy is computed in int32 on tfjs, and its range could not be bounded" \
        in msg
    assert "allow_int_wrap=True" in msg and "cast it to int32 in PyTorch" in msg
    # TF and NumPy hold int64: nothing to prove there
    assert threepio.check(plan, targets=("numpy", "tf")).ok


def test_accepting_wrap_records_it_and_runs():
    plan = trace(lambda x, n: (x * 10).long() + n, torch.tensor([0.25, 0.5]), torch.tensor([1, 3]))
    tfjs = threepio.translate(plan, "tfjs", allow_int_wrap=True)
    why = narrowings(tfjs)[plan.outputs[0].name]
    assert "range not proven (its range could not be bounded): values beyond int32 wrap" in why
    np.testing.assert_array_equal(threepio.run(tfjs, plan.examples)[0], [3, 8])


def test_uint8_wraparound_in_pytorch_is_not_silently_widened():
    # PyTorch wraps uint8 at 256 (200 + 100 == 44); TF.js would compute 300 in int32
    a, b = torch.tensor([200, 1], dtype=torch.uint8), torch.tensor([100, 2], dtype=torch.uint8)
    plan = trace(lambda a, b: a + b, a, b)
    with pytest.raises(TranslationError, match=r"uint8 %add is computed in int32 on tfjs, and it "
                                               r"can reach \[0, 510\]"):
        threepio.translate(plan, "tfjs")
    assert threepio.check(plan, targets=("numpy",)).ok


def test_int32_programs_need_no_proof():
    # int32 stays int32 on TF.js and wraps exactly like PyTorch's int32
    plan = trace(lambda a, b: a * b, torch.tensor([70000], dtype=torch.int32),
                 torch.tensor([70000], dtype=torch.int32))
    tfjs = threepio.translate(plan, "tfjs")
    assert not tfjs.casts
    assert threepio.check(plan, targets=("tfjs",)).ok


def test_indices_computed_in_float_are_bounded():
    """Resizing computes source indices in float (arange * scale) and converts them: the
    bound follows the float arithmetic (with a margin), so TF.js runs them in int32, while a
    float read from the data stays unbounded."""
    import torch.nn.functional as F


    plan = threepio.trace(lambda x: F.interpolate(x, scale_factor=1.7, mode="nearest"),
                          (torch.randn(1, 2, 5, 6),))
    ranges = value_ranges(plan)
    idx = [op.outputs[0].name for op in plan.ops if op.target == "aten._to_copy.default"]
    assert idx and all(ranges[n] is not None and -3 <= ranges[n][0] and ranges[n][1] <= 7
                       for n in idx)
    assert all(op.outputs[0].name not in ranges for op in plan.ops
               if op.outputs[0].type.dtype == "float32")   # float ranges stay internal
    assert threepio.check(plan, targets=("tfjs:cpu", "tfjs:wasm")).ok
    data = threepio.trace(lambda x: (x * 3).long(), (torch.randn(4),))
    assert value_ranges(data)[data.ops[-1].outputs[0].name] is None
