"""The CNN half of the model zoo (examples/zoo/cnn.py), end to end on every target.

A ResNet-18-style stack of two BasicBlocks with BatchNorm in eval mode and in train mode (batch
statistics), a MobileNet-style depthwise-separable block, and one SGD training step of the
ResNet stack and of the MobileNet block (forward, cross entropy, backward, update): traced at
ATen level, translated, run on NumPy, TensorFlow and TF.js (cpu and wasm), every output within
1e-4 of PyTorch. The measured errors are printed (``pytest -s``).
"""

import pytest
import torch
import torch.nn.functional as F
from zoo import cnn

import threepio
from threepio.cli import main
from threepio.errors import TraceError

TARGETS = ["numpy", "tf", "tfjs:cpu", "tfjs:wasm"]
LIMIT = 1e-4
MODELS = {
    "resnet_eval": lambda: (cnn.ResNetBlocks(), cnn.ResNetBlocks_example()),
    "resnet_train": lambda: (cnn.resnet_train, cnn.resnet_train_example()),
    "mobilenet_block": lambda: (cnn.MobileNetBlock(), cnn.MobileNetBlock_example()),
    "resnet_step": lambda: (cnn.resnet_step, cnn.resnet_step_example()),
    "mobilenet_step": lambda: (cnn.mobilenet_step, cnn.mobilenet_step_example()),
}


@pytest.fixture(scope="module")
def plans():
    return {name: threepio.trace(*make()) for name, make in MODELS.items()}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("model", list(MODELS))
def test_model_matches_pytorch(plans, model, target):
    report = threepio.check(plans[model], targets=(target,))
    assert report.ok, str(report)
    worst = max(row.max_abs for row in report.rows)
    print(f"\n{model:16s} {target:10s} max abs error {worst:.3g} over {len(report.rows)} outputs")
    assert report.rows and worst <= LIMIT, str(report)


def test_plans_use_the_normalization_rules(plans):
    """Eval mode normalizes with the running statistics, train mode with the batch's; the
    training step carries its backward as explicit ops."""
    def bn_modes(plan):
        return {op.args[5] for op in plan.ops if op.target == "aten.native_batch_norm.default"}

    assert bn_modes(plans["resnet_eval"]) == {False}
    assert bn_modes(plans["resnet_train"]) == {True}
    assert bn_modes(plans["resnet_step"]) == {True}
    targets = {op.target for op in plans["resnet_step"].ops}
    assert "aten.convolution_backward.default" in targets
    assert len(plans["resnet_step"].outputs) == 1 + len(list(cnn._RESNET.parameters()))


def test_train_mode_differs_from_eval_mode(plans):
    """The two ResNet plans really compute different things (batch vs running statistics)."""
    x = cnn.ResNetBlocks_example()[0]
    state = cnn.resnet_train_example()[1:]
    train = threepio.run(threepio.translate(plans["resnet_train"], "numpy"), [x, *state])[0]
    model = cnn.ResNetBlocks()
    evald = threepio.run(threepio.translate(plans["resnet_eval"], "numpy"),
                         [x, *[t.detach() for t in model.parameters()],
                          *[t.detach() for t in model.buffers()]])[0]
    assert abs(train - evald).max() > 1e-3


def test_depthwise_convolution_runs_as_tf_depthwise_conv2d(plans):
    tfjs = threepio.translate(plans["mobilenet_block"], "tfjs")
    assert sum(op.target == "tf.depthwiseConv2d" for op in tfjs.ops) == 1
    assert sum(op.target == "tf.conv2d" for op in tfjs.ops) == 1


def test_training_step_moves_the_parameters(plans):
    """The step is not the identity: every updated parameter differs from its input."""
    ex = cnn.resnet_step_example()
    out = threepio.run(threepio.translate(plans["resnet_step"], "tfjs"), list(ex))
    params = ex[2:2 + len(out) - 1]
    assert all(abs(o - p.numpy()).max() > 0 for o, p in zip(out[1:], params))


def test_running_statistics_read_after_their_update_are_refused():
    """Training-mode batch norm updates running_mean / running_var in place, which a plan
    cannot express: returning them after the op is a trace error, not a stale value."""
    def leaky(x, w, b, rm, rv):
        rm, rv = rm.detach().clone(), rv.detach().clone()
        return F.batch_norm(x, rm, rv, w, b, training=True), rm

    x = torch.rand(2, 3, 4, 4)
    with pytest.raises(TraceError, match="running statistics"):
        threepio.trace(leaky, (x, torch.ones(3), torch.zeros(3), torch.zeros(3), torch.ones(3)))


@pytest.mark.parametrize("name", ["MobileNetBlock", "resnet_train"])
def test_cli_check_finds_the_models(name, capsys):
    assert main(["check", f"examples/zoo/cnn.py:{name}", "--to", "numpy"]) == 0
    assert "all outputs within tolerance" in capsys.readouterr().out


def test_layout_pass_keeps_an_nchw_operand_whose_shape_reads_as_nhwc():
    """C == H == W: an NCHW operand of an op computed in NHWC has the same shape as its NHWC
    counterpart; the layout pass must transpose it, not take it as it is (the MobileNet step's
    ReLU6 backward: where(mask in NHWC, 0, broadcast gradient in NCHW))."""
    g = torch.Generator().manual_seed(3)
    x, w = torch.rand(2, 3, 4, 4, generator=g) - 0.5, torch.rand(4, 3, 1, 1, generator=g) - 0.5
    v, w2 = torch.rand(2, 4, 4, 4, generator=g), torch.rand(5, 4, 1, 1, generator=g) - 0.5

    def f(x, w, v, w2):
        y = F.conv2d(x, w)
        return F.conv2d(torch.where(y <= 0, torch.zeros(()), v), w2)

    plan = threepio.trace(f, (x, w, v, w2))
    for target in ("tf", "tfjs"):
        report = threepio.check(plan, targets=(target,))
        assert report.ok, str(report)
