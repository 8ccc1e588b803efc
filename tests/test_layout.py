"""The layout pass (threepio/layout.py): transposes sink past elementwise ops and reductions,
fold with their inverses, and a CNN keeps NHWC from its first convolution to its flatten."""

import numpy as np
import pytest

import threepio
from threepio.layout import _perm_of, optimize_layout
from threepio.plan_text import parse_plan
from threepio.rules.loader import load_rules
from threepio.translator import translate

SPEC = load_rules("tfjs").layout
NCHW_TO_NHWC, NHWC_TO_NCHW = [0, 2, 3, 1], [0, 3, 1, 2]


def optimized(body: str, outputs: str = "%y"):
    text = ('plan "t" tfjs v1\ninput %x: f32[2,3,4,5]\ninput %b: f32[5]\n'
            + body + f"\nreturn {outputs}\n")
    return optimize_layout(parse_plan(text), SPEC)


def targets(plan):
    return [op.target for op in plan.ops]


def test_a_transpose_pair_around_an_activation_cancels():
    plan = optimized("%t = tf.transpose(%x, [0, 2, 3, 1])\n"
                     "%u = tf.transpose(%t, [0, 3, 1, 2])\n"
                     "%r = tf.relu(%u)\n"
                     "%v = tf.transpose(%r, [0, 2, 3, 1])\n"
                     "%y = tf.sigmoid(%v)")
    assert targets(plan) == ["tf.relu", "tf.sigmoid", "tf.transpose"]
    assert plan.layout == {"transposes": 1, "before": 3}


def test_an_nchw_bias_is_reshaped_not_transposed():
    # T(x) + b with b: [5, 1, 1] broadcasting over the NCHW view of an NHWC x
    plan = optimized("%xt = tf.transpose(%x, [0, 3, 1, 2])\n"     # f32[2,5,3,4] (NCHW view)
                     "%b2 = tf.reshape(%b, [5, 1, 1])\n"
                     "%s = tf.add(%xt, %b2)\n"
                     "%y = tf.transpose(%s, [0, 2, 3, 1])")
    assert targets(plan) == ["tf.reshape", "tf.reshape", "tf.add"]
    reshape = plan.ops[1]
    assert reshape.args[1] == [1, 1, 1, 5]           # channel moved last, no data movement


def test_a_reduction_remaps_its_axes():
    plan = optimized("%t = tf.transpose(%x, [0, 3, 1, 2])\n"    # NCHW view of an NHWC tensor
                     "%y = tf.mean(%t, [0, 2, 3], false)")       # per-channel mean
    assert targets(plan) == ["tf.mean"]
    assert plan.ops[0].args[1:] == ([0, 1, 2], False)


def test_a_reduction_keeping_dims_moves_the_transpose_to_its_result():
    plan = optimized("%t = tf.transpose(%x, [0, 3, 1, 2])\n"
                     "%s = tf.sum(%t, [2], true)\n"
                     "%y = tf.transpose(%s, [0, 2, 3, 1])")
    assert targets(plan) == ["tf.sum"]
    assert plan.ops[0].args[1:] == ([1], True) and plan.ops[0].outputs[0].name == "y"


def test_plan_outputs_and_their_names_are_kept():
    plan = optimized("%t = tf.transpose(%x, [0, 2, 3, 1])\n"
                     "%y = tf.transpose(%t, [0, 3, 1, 2])", outputs="%y, %t")
    assert [r.name for r in plan.outputs] == ["y", "t"]
    assert targets(plan) == ["tf.transpose", "tf.transpose"]


def test_a_repeated_transpose_is_computed_once():
    plan = optimized("%t = tf.transpose(%x, [0, 2, 3, 1])\n"
                     "%u = tf.transpose(%x, [0, 2, 3, 1])\n"
                     "%y = tf.add(%t, %u)")
    assert sorted(targets(plan)) == ["tf.add", "tf.transpose"]


def test_a_plan_the_pass_cannot_improve_is_unchanged():
    body = ("%t = tf.transpose(%x, [0, 2, 3, 1])\n"
            "%y = tf.reshape(%t, [2, 60])")
    plan = optimized(body)
    assert targets(plan) == ["tf.transpose", "tf.reshape"]
    assert plan.layout == {"transposes": 1, "before": 1}


@pytest.fixture(scope="module")
def lenet(mnist):
    return threepio.trace(mnist.LeNet5(), mnist.lenet_example())


@pytest.mark.parametrize("target", ["tfjs", "tf"])
def test_lenet_stays_nhwc_between_its_first_conv_and_its_flatten(lenet, target):
    out = translate(lenet, target)
    layout = [_perm_of(op) for op in out.ops if op.target == "tf.transpose"
              and _perm_of(op) in (NCHW_TO_NHWC, NHWC_TO_NCHW)]
    # the image enters NHWC once and returns to NCHW once, for the flatten
    assert layout == [NCHW_TO_NHWC, NHWC_TO_NCHW], str(out)
    print(f"{target}: LeNet inference {out.layout['transposes']} transposes "
          f"({out.layout['before']} before the layout pass)")
    assert out.layout["transposes"] < out.layout["before"]


def test_the_pass_changes_no_numbers(mnist):
    plan = threepio.trace(mnist.lenet_step, mnist.lenet_step_example())
    with_pass, without = translate(plan, "tfjs"), translate(plan, "tfjs", layout=False)
    assert without.layout is None
    a = threepio.run(with_pass, plan.examples, tfjs_backend="wasm")
    b = threepio.run(without, plan.examples, tfjs_backend="wasm")
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-7)
    assert sum(op.target == "tf.transpose" for op in with_pass.ops) < \
        sum(op.target == "tf.transpose" for op in without.ops)
