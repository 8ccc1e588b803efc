"""The spine's models, end to end on every target: trace -> translate -> run -> compare.

(a) the MNIST MLP 784-392-10 training step of the federated-learning demo (one-hot labels and
int64 class labels); (b) LeNet-5 inference and its training step (convolution and max-pool
backward); (c) API-level traces of both inference models.
"""

import pytest

import threepio

TARGETS = ["numpy", "tf", "tf-compiled", "tfjs:cpu", "tfjs:wasm"]


def _models(m):
    return {
        "mlp_step": (m.mlp_step, m.mlp_step_example(), "aten"),
        "mlp_step_labels": (m.mlp_step_labels, m.mlp_step_labels_example(), "aten"),
        "lenet_step": (m.lenet_step, m.lenet_step_example(), "aten"),
        "lenet": (m.LeNet5(), m.lenet_example(), "aten"),
        "mlp": (m.MLP(), m.mlp_example(), "aten"),
        "lenet_api": (m.LeNet5(), m.lenet_example(), "api"),
        "mlp_api": (m.MLP(), m.mlp_example(), "api"),
    }


@pytest.fixture(scope="module")
def plans(mnist):
    return {name: threepio.trace(fn, ex, level=level)
            for name, (fn, ex, level) in _models(mnist).items()}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("model", ["mlp_step", "mlp_step_labels", "lenet_step", "lenet", "mlp",
                                   "lenet_api", "mlp_api"])
def test_model_matches_pytorch(plans, model, target):
    plan = plans[model]
    compiled = target == "tf-compiled"
    report = threepio.check(plan, targets=("tf" if compiled else target,), compile=compiled)
    assert report.ok, str(report)
    limit = 1e-4 if target.startswith("tfjs") else 1e-5
    for row in report.rows:
        assert row.max_abs <= limit * (1 + 10), str(report)  # absolute, values are O(1)


def test_training_step_is_one_plan_with_explicit_backward(plans):
    targets = {op.target for op in plans["lenet_step"].ops}
    assert {"aten.convolution_backward.default",
            "aten.max_pool2d_with_indices_backward.default"} <= targets
    assert len(plans["lenet_step"].outputs) == 11  # loss + 10 updated parameters


def test_tfjs_layout_is_nhwc_with_hwio_filters(plans):
    tfjs = threepio.translate(plans["lenet"], "tfjs")
    produced = {v.name: op for op in tfjs.ops for v in op.outputs}
    convs = [op for op in tfjs.ops if op.target == "tf.conv2d"]
    assert len(convs) == 2
    for conv in convs:
        assert conv.args[4] == "NHWC"
        w = produced[conv.args[1].name]
        assert (w.target, w.args[1]) == ("tf.transpose", [2, 3, 1, 0])   # OIHW -> HWIO
    x = produced[convs[0].args[0].name]
    assert (x.target, x.args[1]) == ("tf.transpose", [0, 2, 3, 1])       # the image, once
    # the layout pass keeps the rest in NHWC: no transposes between conv, relu and pool
    # (each pool of values has a pool of its NaN mask beside it: tf.maxPool skips NaN)
    pools = [op for op in tfjs.ops if op.target == "tf.maxPool"
             and produced[op.args[0].name].target != "tf.cast"]
    assert len(pools) == 2 and all(produced[p.args[0].name].target != "tf.transpose"
                                   for p in pools)
    assert produced[produced[convs[1].args[0].name].args[2].name].target == "tf.maxPool"


def test_api_plans_use_documented_commands(plans):
    targets = [op.target for op in plans["lenet_api"].ops]
    assert targets[:3] == ["torch.nn.functional.conv2d", "torch.nn.functional.relu",
                           "torch.nn.functional.max_pool2d"]
    assert "torch.flatten" in targets and "torch.nn.functional.linear" in targets


def test_int64_labels_run_on_tfjs_as_int32(plans):
    plan = plans["mlp_step_labels"]
    tfjs = threepio.translate(plan, "tfjs")
    assert plan.inputs[1].type.dtype == "int64" and tfjs.inputs[1].type.dtype == "int32"
    outs = threepio.run(tfjs, plan.examples)        # int64 labels converted, range-checked
    ref = threepio.run(plan, plan.examples)
    assert int(outs[1]) == int(ref[1])              # number of correct predictions, exact
