"""Tests of the API-level tracer (threepio.tracing.api): recorded targets, names, types,
parameters as inputs or constants, faithful replay, refusals and serialization round trips."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from threepio import plan_json, plan_text
from threepio.errors import ExecutionError, PlanInputError, TraceError
from threepio.ir import Constant, Op, Plan, Ref, TensorType, Value
from threepio.tracing.api import public_name, run_api_plan, trace_api

SRC = "test_trace_api.py:"


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 392)
        self.fc2 = nn.Linear(392, 10)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        return F.softmax(self.fc2(h), dim=1)


class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(400, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        self.act = nn.ReLU()

    def forward(self, img):
        x = F.max_pool2d(self.act(self.conv1(img)), 2)
        x = F.max_pool2d(torch.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def operators(x, w, b):
    y = x @ w + b
    y = y * 2
    y = -y
    first = y[:, 0]
    total = y.sum(dim=1, keepdim=True)
    flat = y.view(y.size(0), -1)
    return first, total, flat, y[..., None, 1:3], y.max(dim=1)


def pick(scores, labels):
    pred = torch.argmax(scores, dim=1)
    return pred, (pred == labels).sum(), scores[labels]


MLP_TARGETS = ["torch.nn.functional.linear", "torch.nn.functional.relu",
               "torch.nn.functional.linear", "torch.nn.functional.softmax"]
LENET_TARGETS = [
    "torch.nn.functional.conv2d", "torch.nn.functional.relu", "torch.nn.functional.max_pool2d",
    "torch.nn.functional.conv2d", "torch.relu", "torch.nn.functional.max_pool2d",
    "torch.flatten", "torch.nn.functional.linear", "torch.nn.functional.relu",
    "torch.nn.functional.linear", "torch.nn.functional.relu", "torch.nn.functional.linear"]


def targets(plan: Plan) -> list[str]:
    return [op.target for op in plan.ops]


def params_of(model: nn.Module) -> list[torch.Tensor]:
    return [t.detach() for _, t in [*model.named_parameters(), *model.named_buffers()]]


def line_of(fn, offset: int) -> str:
    return f"{SRC}{fn.__code__.co_firstlineno + offset}"


def roundtrips(plan: Plan) -> None:
    """JSON round trip (the printed form is checked in test_text_round_trip)."""
    text = plan_json.dumps(plan)
    again = plan_json.loads(text)
    assert plan_json.dumps(again) == text
    assert str(again) == str(plan)


def _closure_plan():
    table = torch.arange(4.0)
    return trace_api(lambda a: (a.double() * table.double(), a[1:, None]), torch.ones(4))


@pytest.mark.parametrize("make", [
    lambda: trace_api(MLP(), torch.randn(2, 784)),
    lambda: trace_api(LeNet5(), torch.randn(1, 1, 28, 28), params="constants"),
    lambda: trace_api(operators, (torch.randn(3, 4), torch.randn(4, 5), torch.randn(5))),
    lambda: trace_api(pick, (torch.randn(6, 5), torch.tensor([0, 2, 1, 1, 4, 3]))),
    _closure_plan,
], ids=["mlp", "lenet_constants", "operators", "integers", "closure"])
def test_text_round_trip(make):
    plan = make()
    parsed = plan_text.parse_plan(str(plan))
    assert str(parsed) == str(plan)
    assert plan_json.dumps(parsed) == plan_json.dumps(plan)


# -- recorded calls ------------------------------------------------------------------------------
def test_mlp_params_as_inputs():
    torch.manual_seed(0)
    model = MLP().eval()
    plan = trace_api(model, (torch.randn(64, 784),))
    assert plan.namespace == "torch" and plan.name == "MLP"
    assert targets(plan) == MLP_TARGETS
    assert [(v.name, str(v.type)) for v in plan.inputs] == [
        ("x", "f32[64,784]"), ("fc1_weight", "f32[392,784]"), ("fc1_bias", "f32[392]"),
        ("fc2_weight", "f32[10,392]"), ("fc2_bias", "f32[10]")]
    assert plan.constants == []
    first = plan.ops[0]
    assert [v.name for v in first.outputs] == ["linear"]
    assert first.args == (Ref("x"), Ref("fc1_weight"), Ref("fc1_bias"))
    assert first.outputs[0].type == TensorType("float32", (64, 392))
    assert [v.name for op in plan.ops for v in op.outputs] == [
        "linear", "relu", "linear_1", "softmax"]
    assert plan.ops[-1].kwargs == {"dim": 1}  # defaults (_stacklevel, dtype) are not recorded
    assert plan.outputs == [Ref("softmax")]
    assert all(op.source.startswith(SRC) for op in plan.ops)
    assert plan.ops[0].source == line_of(MLP.forward, 1)
    line = str(plan).splitlines()[6]
    assert line.startswith("%linear = torch.nn.functional.linear(%x, %fc1_weight, %fc1_bias)")
    assert "# f32[64,392]  src=" + line_of(MLP.forward, 1) in line

    x = torch.randn(64, 784)
    out = run_api_plan(plan, [x, *params_of(model)])
    assert len(out) == 1 and torch.equal(out[0], model(x))
    roundtrips(plan)


def test_mlp_params_as_constants():
    model = MLP().eval()
    plan = trace_api(model, torch.randn(8, 784), params="constants", name="mlp_c")
    assert plan.name == "mlp_c"
    assert targets(plan) == MLP_TARGETS
    assert [v.name for v in plan.inputs] == ["x"]
    assert [(c.name, str(c.type)) for c in plan.constants] == [
        ("fc1_weight", "f32[392,784]"), ("fc1_bias", "f32[392]"),
        ("fc2_weight", "f32[10,392]"), ("fc2_bias", "f32[10]")]
    assert (plan.constants[0].data == model.fc1.weight.detach().numpy()).all()
    x = torch.randn(8, 784)
    assert torch.equal(run_api_plan(plan, [x])[0], model(x))
    roundtrips(plan)


def test_lenet():
    model = LeNet5().eval()
    plan = trace_api(model, (torch.randn(4, 1, 28, 28),))
    assert targets(plan) == LENET_TARGETS
    assert [v.name for v in plan.inputs][:3] == ["img", "conv1_weight", "conv1_bias"]
    assert len(plan.inputs) == 1 + 10
    assert plan.ops[0].args == (Ref("img"), Ref("conv1_weight"), Ref("conv1_bias"),
                                [1, 1], [2, 2], [1, 1], 1)  # stride, padding, dilation, groups
    types = [str(v.type) for op in plan.ops for v in op.outputs]
    assert types[:7] == ["f32[4,6,28,28]", "f32[4,6,28,28]", "f32[4,6,14,14]",
                         "f32[4,16,10,10]", "f32[4,16,10,10]", "f32[4,16,5,5]", "f32[4,400]"]
    assert (plan.ops[2].args, plan.ops[2].kwargs) == ((Ref("relu"), 2), {})  # defaults dropped
    assert plan.ops[6].args == (Ref("max_pool2d_1"), 1)
    x = torch.randn(4, 1, 28, 28)
    assert torch.equal(run_api_plan(plan, [x, *params_of(model)])[0], model(x))
    const = trace_api(model, (x,), params="constants")
    assert targets(const) == LENET_TARGETS and len(const.constants) == 10
    assert torch.equal(run_api_plan(const, [x])[0], model(x))
    roundtrips(plan)
    roundtrips(const)


def test_operators_and_indexing():
    ex = (torch.randn(3, 4), torch.randn(4, 5), torch.randn(5))
    plan = trace_api(operators, ex)
    assert [v.name for v in plan.inputs] == ["x", "w", "b"]
    assert targets(plan) == [
        "torch.Tensor.matmul", "torch.Tensor.add", "torch.Tensor.mul", "torch.Tensor.neg",
        "torch.Tensor.__getitem__", "torch.Tensor.sum", "torch.Tensor.view",
        "torch.Tensor.__getitem__", "torch.Tensor.max"]
    by_target = {op.target: op for op in plan.ops}
    assert plan.ops[4].args == (Ref("neg"), [":", 0])
    assert plan.ops[7].args == (Ref("neg"), ["...", None, "1:3"])
    assert by_target["torch.Tensor.sum"].kwargs == {"dim": 1, "keepdim": True}
    assert by_target["torch.Tensor.view"].args == (Ref("neg"), 3, -1)  # size(0) baked in
    assert [v.name for v in by_target["torch.Tensor.max"].outputs] == ["max", "max_1"]
    assert [str(t) for t in plan.output_types()] == [
        "f32[3]", "f32[3,1]", "f32[3,5]", "f32[3,1,2]", "f32[3]", "i64[3]"]
    new = (torch.randn(3, 4), torch.randn(4, 5), torch.randn(5))
    expected = torch.utils._pytree.tree_flatten(operators(*new))[0]
    got = run_api_plan(plan, list(new))
    assert len(got) == len(expected) and all(map(torch.equal, got, expected))
    roundtrips(plan)


def indexing(x, mask, idx):
    return x[None], x[0], x[1:], x[::2, -1], x[-1], x[[0, 2]], x[idx, :], x[mask], x[..., 1:3:2]


def test_indexing_forms_replay_exactly():
    ex = (torch.randn(4, 5), torch.tensor([True, False, True, True]), torch.tensor([3, 1]))
    plan = trace_api(indexing, ex)
    assert set(targets(plan)) == {"torch.Tensor.__getitem__"}
    assert [op.args[1] for op in plan.ops] == [
        [None], [0], ["1:"], ["::2", -1], [-1], [[0, 2]], [Ref("idx"), ":"], [Ref("mask")],
        ["...", "1:3:2"]]
    new = (torch.randn(4, 5), torch.tensor([False, True, True, False]), torch.tensor([0, 2]))
    got = run_api_plan(plan, list(new))
    assert all(map(torch.equal, got, indexing(*new)))  # the mask's output shape is baked in
    roundtrips(plan)


def test_integer_inputs():
    scores, labels = torch.randn(6, 5), torch.tensor([0, 2, 1, 1, 4, 3])
    plan = trace_api(pick, (scores, labels))
    assert [(v.name, str(v.type)) for v in plan.inputs] == [("scores", "f32[6,5]"),
                                                            ("labels", "i64[6]")]
    assert targets(plan) == ["torch.argmax", "torch.Tensor.__eq__", "torch.Tensor.sum",
                             "torch.Tensor.__getitem__"]
    assert plan.ops[3].args == (Ref("scores"), [Ref("labels")])
    assert [str(t) for t in plan.output_types()] == ["i64[6]", "i64[]", "f32[6,5]"]
    new = (torch.randn(6, 5), torch.randint(0, 5, (6,)))
    got = run_api_plan(plan, list(new))
    assert all(map(torch.equal, got, pick(*new)))
    roundtrips(plan)


def test_closures_dtypes_and_unchanged_outputs():
    table = torch.arange(4.0)

    def fn(a, *rest):
        y = a.to(torch.float64) * table.double()
        return y, a, torch.zeros(2, dtype=torch.int32), rest[0] + 1

    plan = trace_api(fn, (torch.ones(4), torch.ones(2)))
    assert [v.name for v in plan.inputs] == ["a", "x1"]
    assert [c.name for c in plan.constants] == ["c0"]
    assert plan.ops[0].args[1] == plan_json.loads(plan_json.dumps(plan)).ops[0].args[1]
    assert "dtype:float64" in str(plan) and "dtype=dtype:int32" in str(plan)
    assert plan.outputs[1] == Ref("a")
    got = run_api_plan(plan, [torch.full((4,), 2.0), torch.zeros(2)])
    assert torch.equal(got[0], torch.arange(4.0, dtype=torch.float64) * 2)
    assert got[2].dtype == torch.int32
    roundtrips(plan)


def test_same_tensor_twice_gives_two_inputs():
    x = torch.randn(3)
    plan = trace_api(lambda a, b: a - b, (x, x))
    assert plan.ops[0].args == (Ref("a"), Ref("b"))
    assert torch.equal(run_api_plan(plan, [torch.ones(3), torch.zeros(3)])[0], torch.ones(3))


def test_public_names():
    assert public_name(F.conv2d) == "torch.nn.functional.conv2d"  # F.conv2d is torch.conv2d
    assert public_name(F.max_pool2d) == "torch.nn.functional.max_pool2d"
    assert public_name(torch.Tensor.add) == "torch.Tensor.add"
    assert public_name(torch.Tensor.__rsub__) == "torch.Tensor.__rsub__"
    assert public_name(torch.linalg.norm) == "torch.linalg.norm"
    assert public_name(print) is None
    assert public_name(torch.save) is None  # not a torch function: never recorded nor replayed


# -- refusals ------------------------------------------------------------------------------------
def _inplace_method(x):
    return x.add_(1)


def _inplace_operator(x):
    x += 1
    return x


def _inplace_flag(x):
    return F.relu(x, inplace=True)


def _inplace_function(x):
    return torch.relu_(x)


def _setitem(x):
    x[0] = 1.0
    return x


def _out_kwarg(x):
    return torch.add(x, 1, out=x)


def _random(x):
    return x + torch.rand(x.shape)


@pytest.mark.parametrize("fn, words", [
    (_inplace_method, ["torch.Tensor.add_", "in-place", "torch.Tensor.add"]),
    (_inplace_operator, ["in-place", "out-of-place"]),
    (_inplace_flag, ["torch.nn.functional.relu at", "inplace=False"]),
    (_inplace_function, ["relu_", "in-place"]),  # torch.relu_ is F.relu_: named after F
    (_setitem, ["torch.Tensor.__setitem__", "in-place"]),
    (_out_kwarg, ["out=", "out-of-place"]),
    (_random, ["torch.rand", "random", "input"]),
])
def test_refused_calls_name_the_source_line(fn, words):
    with pytest.raises(TraceError) as err:
        trace_api(fn, torch.randn(3, 2))
    msg = str(err.value)
    assert line_of(fn, 1) in msg, msg
    for w in words:
        assert w in msg, msg


class Dropper(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.drop(self.fc(x))


def test_dropout_in_training_is_refused_and_eval_is_recorded():
    model = Dropper().train()
    with pytest.raises(TraceError) as err:
        trace_api(model, torch.randn(2, 4))
    assert "torch.nn.functional.dropout" in str(err.value)
    assert line_of(Dropper.forward, 1) in str(err.value)
    assert "eval" in str(err.value)
    with pytest.raises(TraceError, match="random"):
        trace_api(lambda x: F.dropout(x, 0.2), torch.randn(2, 4))
    plan = trace_api(model.eval(), torch.randn(2, 4))
    assert targets(plan) == ["torch.nn.functional.linear", "torch.nn.functional.dropout"]
    assert plan.ops[1].kwargs["training"] is False
    x = torch.randn(2, 4)
    assert torch.equal(run_api_plan(plan, [x, *params_of(model)])[0], model(x))


def test_batchnorm_buffers_and_training_mode():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4)).eval()
    plan = trace_api(model, torch.randn(5, 3))
    assert [v.name for v in plan.inputs] == [
        "input", "v0_weight", "v0_bias", "v1_weight", "v1_bias", "v1_running_mean",
        "v1_running_var", "v1_num_batches_tracked"]
    assert targets(plan) == ["torch.nn.functional.linear", "torch.nn.functional.batch_norm"]
    x = torch.randn(5, 3)
    assert torch.equal(run_api_plan(plan, [x, *params_of(model)])[0], model(x))
    with pytest.raises(TraceError, match="in-place"):  # num_batches_tracked.add_(1)
        trace_api(model.train(), torch.randn(5, 3))
    with pytest.raises(TraceError, match="running statistics"):
        trace_api(lambda x, m, v: F.batch_norm(x, m, v, training=True),
                  (torch.randn(5, 4), torch.zeros(4), torch.ones(4)))


# -- replay errors -------------------------------------------------------------------------------
def test_run_api_plan_rejects_unknown_targets_and_bad_inputs():
    plan = Plan("p", "torch", inputs=[Value("x", TensorType("float32", (2,)))],
                ops=[Op("torch.relu", (Ref("x"),), {}, [Value("r")]),
                     Op("torch.save", (Ref("r"), "/tmp/x.pt"), {}, [Value("s")])],
                outputs=[Ref("s")]).lint()
    with pytest.raises(ExecutionError, match=r"op 1 .*torch\.save"):
        run_api_plan(plan, [torch.ones(2)])
    with pytest.raises(PlanInputError):
        run_api_plan(plan, [torch.ones(3)])
    with pytest.raises(PlanInputError):
        run_api_plan(plan, [])
    const = Plan("c", "torch", constants=[Constant("k", TensorType("int64", (2,)),
                                                   torch.tensor([1, 2]).numpy())],
                 ops=[Op("torch.Tensor.__neg__", (Ref("k"),), {}, [Value("n")])],
                 outputs=[Ref("n")]).lint()
    assert run_api_plan(const, [])[0].tolist() == [-1, -2]
