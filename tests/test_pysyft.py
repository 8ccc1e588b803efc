"""PySyft 0.2.x plans: import (torch and tfjs roles), translation proven on every target with the
real syft.js fixtures, export of a tfjs role syft.js runs, and the CLI."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from google.protobuf import unknown_fields

import threepio
from threepio import pysyft
from threepio.cli import Exit, main
from threepio.errors import PlanFormatError, PlanInputError, TranslationError
from threepio.ir import Op, Plan, Ref, TensorType, Value
from threepio.pysyft import schema
from threepio.pysyft.tensors import read_inputs

FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "pysyft"
MNIST = FIXTURES / "mnist_plan.pb"
TARGETS = [("tfjs", "cpu"), ("tfjs", "wasm"), ("tf", None), ("numpy", None)]
SCALAR_INPUTS = "[64.0],[0.005]"  # batch_size and lr: float32 tensors of shape [1]


def mnist_inputs():
    X, y = pysyft.read_state(FIXTURES / "mnist_batch_data.state.pb")
    expected = json.loads((FIXTURES / "mnist_expected.json").read_text())
    batch = np.array([expected["mnist_batch_size"]], np.float32)
    lr = np.array([expected["mnist_lr"]], np.float32)
    return [X, y, batch, lr, *pysyft.read_state(FIXTURES / "mnist_model_params.state.pb")]


@pytest.fixture(scope="module")
def mnist_plan():
    return pysyft.read_plan(MNIST, example_inputs=mnist_inputs())


@pytest.fixture(scope="module")
def mnist_tfjs(mnist_plan):
    return threepio.translate(mnist_plan, "tfjs")


# -- schema and state --------------------------------------------------------------------------
def test_schema_field_numbers_follow_the_readme():
    def number(message, field):
        return message.DESCRIPTOR.fields_by_name[field].number

    assert number(schema.Plan, "roles") == 10 and number(schema.Plan, "base_framework") == 9
    assert number(schema.ComputationAction, "target_placeholder_id") == 3
    assert number(schema.ComputationAction, "target_id") == 9
    assert number(schema.Arg, "arg_list") == 11 and number(schema.Arg, "arg_placeholder_id") == 10
    assert number(schema.TensorData, "contents_float32") == 22
    assert schema.Plan.DESCRIPTOR.full_name == "syft_proto.execution.v1.Plan"
    assert schema.PointerTensor.DESCRIPTOR.full_name == \
        "syft_proto.generic.pointers.v1.PointerTensor"
    entry = schema.Plan.DESCRIPTOR.fields_by_name["roles"].message_type
    assert entry.GetOptions().map_entry and [f.number for f in entry.fields] == [1, 2]
    assert [f.name for f in schema.Arg.DESCRIPTOR.oneofs_by_name["arg"].fields][:4] == \
        ["arg_bool", "arg_int", "arg_float", "arg_str"]


def test_unknown_fields_survive_a_round_trip():
    msg = schema.Plan.FromString(MNIST.read_bytes())
    assert [f.field_number for f in unknown_fields.UnknownFieldSet(msg)] == [8]  # input_types
    again = schema.Plan.FromString(msg.SerializeToString())
    assert again == msg and [f.data for f in unknown_fields.UnknownFieldSet(again)] == \
        [f.data for f in unknown_fields.UnknownFieldSet(msg)]


def test_read_state_gives_arrays_in_order():
    params = pysyft.read_state(FIXTURES / "mnist_model_params.state.pb")
    assert [(a.dtype, a.shape) for a in params] == [
        (np.float32, (392, 784)), (np.float32, (392,)), (np.float32, (10, 392)),
        (np.float32, (10,))]
    assert np.allclose(params[1][:2], [-0.030039872974157333, -0.01827322319149971])
    bandit = pysyft.read_state((FIXTURES / "bandit_simple_model_params.state.pb").read_bytes())
    assert bandit[0].tolist() == [1.0, 2.0, 3.0]


def test_state_round_trip_and_contents_bin(tmp_path):
    arrays = [np.arange(6, dtype=np.int64).reshape(2, 3), np.array([True, False]),
              np.float32(1.5)]
    pysyft.write_state(arrays, tmp_path / "s.pb")
    back = pysyft.read_state(tmp_path / "s.pb")
    assert all(a.dtype == b.dtype and np.array_equal(a, b) for a, b in zip(arrays, back))

    import io

    import torch

    buf = io.BytesIO()
    torch.save(torch.tensor([[1.0, 2.0]]), buf)
    state = schema.State()
    state.tensors.add().torch_tensor.MergeFrom(schema.TorchTensor(contents_bin=buf.getvalue(),
                                                                  serializer=1))
    assert pysyft.read_state(state.SerializeToString())[0].tolist() == [[1.0, 2.0]]
    state.tensors[0].torch_tensor.serializer = 2
    with pytest.raises(PlanFormatError, match=r"<bytes>: state tensor 0: tensor is stored as "
                                              r"contents_bin with serializer 2"):
        pysyft.read_state(state.SerializeToString())


def test_read_inputs_mixes_states_npz_and_literals(tmp_path):
    np.savez(tmp_path / "x.npz", a=np.ones(2, np.float32), b=np.zeros(3, np.int32))
    arrays = read_inputs(f"{FIXTURES / 'bandit_thompson_model_params.state.pb'},[64.0],[1, 2],"
                         f"{tmp_path / 'x.npz'}")
    assert [(a.dtype, a.shape) for a in arrays] == [
        (np.float32, (3,)), (np.float32, (3,)), (np.float32, (1,)), (np.int64, (2,)),
        (np.float32, (2,)), (np.int32, (3,))]
    with pytest.raises(PlanFormatError, match="is not a .pb state"):
        read_inputs("nonsense")


# -- import ------------------------------------------------------------------------------------
def test_mnist_torch_role_imports_as_an_api_level_plan(mnist_plan):
    p = mnist_plan
    assert p.namespace == "torch" and p.name == "training_plan" and len(p.ops) == 95
    assert len(p.inputs) == 8 and len(p.outputs) == 6
    assert [str(v.type) for v in p.inputs] == ["f32[64,784]", "f32[64,10]", "f32[1]", "f32[1]",
                                               "f32[392,784]", "f32[392]", "f32[10,392]",
                                               "f32[10]"]
    assert all(v.type is not None for v in p.values())
    targets = {op.target for op in p.ops}
    assert {"torch.Tensor.t", "torch.Tensor.matmul", "torch.Tensor.__gt__",
            "torch.Tensor.__rtruediv__", "torch.argmax", "torch.Tensor.clone",
            "torch.Tensor.float"} <= targets
    assert not any(re.search(r"[^_]_$|\.copy$", t) for t in targets)  # add_, copy
    assert p.ops[10].kwargs == {"dim": 1, "keepdim": True} and p.ops[21].args[1] == [-1, 1]
    assert p.ops[89].target == "torch.argmax" and p.ops[89].kwargs == {"dim": 1}
    assert p.ops[3].source == "mnist_plan.pb:3"


def test_in_place_actions_become_new_values(mnist_plan):
    p = mnist_plan.lint()
    # action 63: %22212557737.add_(%48645312445), returning the same placeholder
    op = p.ops[63]
    assert op.target == "torch.Tensor.add" and op.args[0] == Ref("p22212557737")
    assert op.outputs[0].name == "p22212557737_1"
    # action 87 (lr * grad_b2) reads the updated value, not the one before add_
    assert p.ops[87].args[1] == Ref("p22212557737_1")
    names = [v.name for v in p.values()]
    assert len(names) == len(set(names))


def test_state_becomes_constants_or_inputs():
    x = np.array([[1.5, -2.0], [-0.25, 3.0]], np.float32)
    plan = pysyft.read_plan(FIXTURES / "plan_with_state.pb", example_inputs=[x])
    assert [c.data.tolist() for c in plan.constants] == [pytest.approx([4.2, 7.3])]
    assert plan.ops[0].target == "torch.Tensor.__add__" and plan.ops[1].target == "torch.abs"
    (out,) = threepio.run(plan)
    np.testing.assert_array_equal(out, np.abs(x + plan.constants[0].data))

    as_inputs = pysyft.read_plan(FIXTURES / "plan_with_state.pb", example_inputs=[x],
                                 state_as_inputs=True)
    assert not as_inputs.constants and len(as_inputs.inputs) == 2
    np.testing.assert_array_equal(threepio.run(as_inputs)[0], out)


def test_tfjs_role_of_2020_has_the_old_translator_mistakes(mnist_plan, mnist_tfjs):
    old = pysyft.read_plan(MNIST, role="tfjs")
    assert old.namespace == "tfjs" and len(old.ops) == 95

    def mistakes(plan):
        return {"tf.layers.reshape": any(o.target == "tf.layers.reshape" for o in plan.ops),
                "bare clone": any(not o.target.startswith("tf.") for o in plan.ops),
                "keepdim kwarg": any("keepdim" in o.kwargs for o in plan.ops)}

    assert mistakes(old) == {"tf.layers.reshape": True, "bare clone": True,
                             "keepdim kwarg": True}
    assert mistakes(mnist_tfjs) == {"tf.layers.reshape": False, "bare clone": False,
                                    "keepdim kwarg": False}
    assert not any(o.kwargs for o in mnist_tfjs.ops)
    sums = [o for o in mnist_tfjs.ops if o.target == "tf.sum" and o.args[2] is True]
    assert len(sums) == 2  # keepdim=True became TF.js's positional keepDims
    with pytest.raises(threepio.ThreepioError, match="keepdim"):  # the executor refuses it
        threepio.run(old, mnist_plan.examples)


# -- MNIST on every target ---------------------------------------------------------------------
@pytest.mark.parametrize("target, backend", TARGETS,
                         ids=[f"{t}:{b}" if b else t for t, b in TARGETS])
def test_mnist_training_step_matches_pysyft(mnist_plan, target, backend):
    expected = json.loads((FIXTURES / "mnist_expected.json").read_text())
    updated = pysyft.read_state(FIXTURES / "mnist_updated_model_params.state.pb")
    tp = threepio.translate(mnist_plan, target)
    loss, accuracy, *params = threepio.run(tp, mnist_plan.examples,
                                           tfjs_backend=backend or "cpu")
    assert loss.shape == (1,) and abs(float(loss[0]) - expected["mnist_loss"]) <= 1e-5
    assert float(accuracy[0]) == expected["mnist_accuracy"]
    for got, want in zip(params, updated, strict=True):
        assert got.shape == want.shape and float(np.abs(got - want).max()) <= 1e-6


def test_mnist_torch_reference_matches_pysyft(mnist_plan):
    expected = json.loads((FIXTURES / "mnist_expected.json").read_text())
    loss, accuracy, *params = threepio.run(mnist_plan)
    assert float(loss[0]) == pytest.approx(expected["mnist_loss"], abs=1e-7)
    assert float(accuracy[0]) == expected["mnist_accuracy"]
    updated = pysyft.read_state(FIXTURES / "mnist_updated_model_params.state.pb")
    assert max(float(np.abs(a - b).max()) for a, b in zip(params, updated)) <= 1e-8


# -- the small plans, checked against the torch reference ---------------------------------------
def small_plans():
    state = pysyft.read_state
    return {
        "plan_with_state": [np.array([[1.5, -2.0], [-0.25, 3.0]], np.float32)],
        # reward, pulls so far (the stored parameters), current means
        "bandit_simple_plan": [np.array([0, 1, 0], np.float32),
                               *state(FIXTURES / "bandit_simple_model_params.state.pb"),
                               np.array([0.5, 0.25, 0.75], np.float32)],
        # reward, samples, alpha, beta (the stored parameters)
        "bandit_thompson_plan": [np.array([0, 1, 1], np.float32), np.ones(3, np.float32),
                                 *state(FIXTURES / "bandit_thompson_model_params.state.pb")],
    }


@pytest.mark.parametrize("name", list(small_plans()))
def test_small_plans_match_torch_on_every_target(name):
    plan = pysyft.read_plan(FIXTURES / f"{name}.pb", example_inputs=small_plans()[name])
    report = threepio.check(plan, targets=("numpy", "tf", "tfjs:cpu", "tfjs:wasm"))
    assert report.ok, str(report)
    assert {r.target for r in report.rows} == {"numpy", "tf", "tfjs:cpu", "tfjs:wasm"}


def test_bandit_reference_computes_the_incremental_mean():
    reward, n, mean = small_plans()["bandit_simple_plan"]
    plan = pysyft.read_plan(FIXTURES / "bandit_simple_plan.pb",
                            example_inputs=[reward, n, mean])
    np.testing.assert_allclose(threepio.run(plan)[0], (mean * (n - 1)) / n + reward / n)


def handmade_plan() -> bytes:
    """x -> y = x.mul(tensor); y.add_(0.1) (no return id); z = torch.reshape(y, (2, 1));
    z.__imul__(2); returns z, y."""
    from threepio.pysyft.tensors import to_tensor

    msg = schema.Plan(name="handmade")
    role = msg.roles["torch"]
    role.input_placeholder_ids.add().id_int = 1
    role.placeholders.add(tags=["#x"]).id.id_int = 1

    def action(command, target=None, returns=()):
        a = role.actions.add(command=command)
        if target is not None:
            a.target_placeholder_id.id.id_int = target
        for r in returns:
            a.return_placeholder_ids.add().id.id_int = r
        return a

    action("mul", 1, [2]).args.add().arg_tensor.CopyFrom(to_tensor(np.float32([2, 3])))
    action("add_", 2).args.add().arg_float = 0.1
    a = action("torch.reshape", None, [3])
    a.args.add().arg_placeholder_id.id.id_int = 2
    a.args.add().arg_shape.dims.extend([2, 1])
    action("__imul__", 3, [3]).args.add().arg_int = 2
    role.output_placeholder_ids.add().id_int = 3
    role.output_placeholder_ids.add().id_int = 2
    return msg.SerializeToString()


def test_handmade_plan_covers_inline_tensors_and_mutation_forms():
    x = np.float32([1.0, 1.0])
    plan = pysyft.read_plan(handmade_plan(), example_inputs=[x])
    assert [(o.target, o.outputs[0].name) for o in plan.ops] == [
        ("torch.Tensor.mul", "p2"), ("torch.Tensor.add", "p2_1"), ("torch.reshape", "p3"),
        ("torch.Tensor.__mul__", "p3_1")]
    assert plan.inputs[0].name == "x" and plan.constants[0].data.tolist() == [2.0, 3.0]
    assert plan.ops[1].args == (Ref("p2"), 0.1)  # float32 on the wire, the decimal written
    assert plan.ops[2].args == (Ref("p2_1"), [2, 1])
    assert [r.name for r in plan.outputs] == ["p3_1", "p2_1"]
    z, y = threepio.run(plan)
    np.testing.assert_allclose(y, [2.1, 3.1], rtol=1e-6)
    np.testing.assert_allclose(z, [[4.2], [6.2]], rtol=1e-6)
    report = threepio.check(plan, targets=("numpy", "tf", "tfjs"))
    assert report.ok, str(report)


# -- errors ------------------------------------------------------------------------------------
def mnist_message():
    return schema.Plan.FromString(MNIST.read_bytes())


@pytest.mark.parametrize("cut", [7, 1000, 20000])
def test_truncated_plan_is_refused(tmp_path, cut):
    bad = tmp_path / "cut.pb"
    bad.write_bytes(MNIST.read_bytes()[:-cut])
    with pytest.raises(PlanFormatError, match=rf"{re.escape(str(bad))}: not a valid "
                                              r"syft_proto.execution.v1.Plan protobuf message "
                                              r"\(truncated or corrupt\?\)"):
        pysyft.read_plan(bad)


def test_garbage_and_wrong_messages_are_refused():
    with pytest.raises(PlanFormatError, match="<bytes>: not a valid"):
        pysyft.read_plan(b"\xff\xff\xff\xff")
    with pytest.raises(PlanFormatError, match="not a valid"):
        pysyft.read_plan(FIXTURES / "protocol.pb")
    with pytest.raises(PlanFormatError, match=r"has no 'torch' role \(roles: none\)"):
        pysyft.read_plan(b"")
    with pytest.raises(PlanFormatError, match=r"has no 'jax' role \(roles: tfjs, torch\)"):
        pysyft.read_plan(MNIST, role="jax")
    with pytest.raises(PlanFormatError, match="cannot read"):
        pysyft.read_plan(FIXTURES / "missing.pb")


def test_unknown_command_is_refused_with_file_action_and_command(tmp_path):
    msg = mnist_message()
    msg.roles["torch"].actions[3].command = "frobnicate"
    path = tmp_path / "plan.pb"
    path.write_bytes(msg.SerializeToString())
    with pytest.raises(PlanFormatError, match=rf"{re.escape(str(path))}: action 3 \(frobnicate\): "
                                              r"unknown command: 'frobnicate' is not a PyTorch "
                                              r"tensor method"):
        pysyft.read_plan(path)
    msg = mnist_message()
    msg.roles["torch"].actions[89].command = "torch.frobnicate"
    with pytest.raises(PlanFormatError, match=r"<bytes>: action 89 \(torch.frobnicate\): unknown "
                                              r"command: 'torch.frobnicate' is not a PyTorch "
                                              r"function"):
        pysyft.read_plan(msg.SerializeToString())


def test_unsupported_arguments_and_targets_are_refused():
    msg = mnist_message()
    msg.roles["torch"].actions[1].args[0].arg_pointer_tensor.object_id.id_int = 5
    with pytest.raises(PlanFormatError, match=r"action 1 \(matmul\): argument kind "
                                              r"arg_pointer_tensor is not supported"):
        pysyft.read_plan(msg.SerializeToString())
    msg = mnist_message()
    msg.roles["torch"].actions[2].target_id.id_int = 7
    with pytest.raises(PlanFormatError, match=r"action 2 \(add\): target kind target_id is not "
                                              r"supported"):
        pysyft.read_plan(msg.SerializeToString())
    msg = mnist_message()
    msg.roles["torch"].actions[1].args[0].arg_placeholder_id.id.id_int = 12345
    with pytest.raises(PlanFormatError, match=r"action 1 \(matmul\): uses placeholder 12345 "
                                              r"before"):
        pysyft.read_plan(msg.SerializeToString())


def test_example_inputs_are_checked_against_expected_shapes():
    inputs = mnist_inputs()
    inputs[0] = inputs[0][:32]
    with pytest.raises(PlanInputError, match=r"example input 0 %p41132353117 has shape "
                                             r"\[32, 784\]; the plan expects \[64, 784\]"):
        pysyft.read_plan(MNIST, example_inputs=inputs)
    with pytest.raises(PlanInputError, match="takes 8 inputs"):
        pysyft.read_plan(MNIST, example_inputs=inputs[:3])


# -- export ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def exported(mnist_plan, mnist_tfjs, tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "mnist.tfjs.pb"
    pysyft.write_plan(mnist_plan, path, tfjs=mnist_tfjs, torch_role_from=MNIST)
    return path


def test_export_holds_a_syftjs_role_and_the_original_torch_role(exported, mnist_tfjs):
    src, out = mnist_message(), schema.Plan.FromString(exported.read_bytes())
    assert out.roles["torch"].SerializeToString(deterministic=True) == \
        src.roles["torch"].SerializeToString(deterministic=True)   # maps: any order otherwise
    assert out.id == src.id and out.name == src.name and out.torchscript == src.torchscript
    assert [f.data for f in unknown_fields.UnknownFieldSet(out)] == \
        [f.data for f in unknown_fields.UnknownFieldSet(src)]
    role = out.roles["tfjs"]
    assert out.role == role and out.base_framework == "tfjs"  # syft.js reads Plan.role
    ids = {pysyft.reader.pid(p) for p in role.placeholders}
    assert {pysyft.reader.pid(i) for i in (*role.input_placeholder_ids,
                                           *role.output_placeholder_ids)} <= ids
    for a in role.actions:
        assert a.WhichOneof("target") is None and re.fullmatch(r"tf\.[a-zA-Z]+", a.command)
        assert not a.kwargs and len(a.return_placeholder_ids) == 1
        for arg in a.args:
            if arg.WhichOneof("arg") == "arg_placeholder_id":
                assert pysyft.reader.pid(arg.arg_placeholder_id) in ids
    assert len(role.actions) == len(mnist_tfjs.ops) and len(role.input_placeholder_ids) == 8


def test_export_round_trip_runs_on_tfjs_with_the_same_numbers(exported, mnist_plan, mnist_tfjs):
    back = pysyft.read_plan(exported, role="tfjs")
    assert back.namespace == "tfjs" and [v.name for v in back.inputs] == \
        [v.name for v in mnist_tfjs.inputs]
    assert [o.target for o in back.ops] == [o.target for o in mnist_tfjs.ops]
    for backend in ("cpu", "wasm"):
        direct = threepio.run(mnist_tfjs, mnist_plan.examples, tfjs_backend=backend)
        again = threepio.run(back, mnist_plan.examples, tfjs_backend=backend)
        for a, b in zip(direct, again, strict=True):
            np.testing.assert_array_equal(a, b)
    expected = json.loads((FIXTURES / "mnist_expected.json").read_text())
    loss, accuracy = threepio.run(back, mnist_plan.examples)[:2]
    assert abs(float(loss[0]) - expected["mnist_loss"]) <= 1e-5
    assert float(accuracy[0]) == expected["mnist_accuracy"]


def test_export_of_a_plan_with_constants_uses_state(tmp_path):
    x = np.array([[1.5, -2.0], [-0.25, 3.0]], np.float32)
    plan = pysyft.read_plan(FIXTURES / "plan_with_state.pb", role="tfjs")  # the 2020 role is
    pysyft.write_plan(plan, tmp_path / "s.pb")                              # valid TF.js here
    role = schema.Plan.FromString((tmp_path / "s.pb").read_bytes()).role
    assert len(role.state.tensors) == 1 and role.state.tensors[0].torch_tensor.serializer == 4
    assert list(role.state.tensors[0].torch_tensor.contents_data.contents_float32) == \
        pytest.approx([4.2, 7.3])
    back = pysyft.read_plan(tmp_path / "s.pb", role="tfjs", example_inputs=[x])
    np.testing.assert_allclose(threepio.run(back)[0], np.abs(x + np.float32([4.2, 7.3])))
    assert str(back.inputs[0].type) == "f32[2,2]"


def tfjs_plan(*ops, outputs=("y",), constants=()):
    plan = Plan("p", "tfjs", inputs=[Value("x", TensorType("float32", (2,)))],
                constants=list(constants), ops=list(ops))
    plan.outputs = [Ref(n) for n in outputs]
    return plan


@pytest.mark.parametrize("op, message", [
    (Op("tf.topk", (Ref("x"), 1), {}, [Value("y"), Value("i")]),
     "it has 2 outputs and syft.js keeps only the first return value"),
    (Op("tf.sum", (Ref("x"),), {"keepDims": True}, [Value("y")]),
     "TF.js takes positional arguments only"),
    (Op("tf.image.flipLeftRight", (Ref("x"),), {}, [Value("y")]),
     "must be a top-level tf.<name> function"),
    (Op("tf.concat", ([Ref("x"), Ref("x")],), {}, [Value("y")]),
     "resolves placeholders only at the top level"),
])
def test_export_refuses_what_syftjs_cannot_run(op, message, tmp_path):
    with pytest.raises(TranslationError, match=re.escape(message)) as e:
        pysyft.write_plan(tfjs_plan(op), tmp_path / "x.pb")
    assert e.value.target == "syft.js" and e.value.index == 0
    assert "cannot write op 0" in str(e.value)


def test_export_writes_null_as_an_empty_arg(tmp_path):
    plan = tfjs_plan(Op("tf.sum", (Ref("x"), None, False), {}, [Value("y")]))
    pysyft.write_plan(plan, tmp_path / "n.pb")
    action = schema.Plan.FromString((tmp_path / "n.pb").read_bytes()).role.actions[0]
    assert [a.WhichOneof("arg") for a in action.args] == ["arg_placeholder_id", None, "arg_bool"]
    back = pysyft.read_plan(tmp_path / "n.pb", role="tfjs")
    assert back.ops[0].args == (Ref("x"), None, False)


# -- command line ------------------------------------------------------------------------------
def test_cli_translate_to_pysyft_and_show(tmp_path, capsys):
    inputs = (f"{FIXTURES / 'mnist_batch_data.state.pb'},{SCALAR_INPUTS},"
              f"{FIXTURES / 'mnist_model_params.state.pb'}")
    out = tmp_path / "mnist.tfjs.pb"
    assert main(["translate", str(MNIST), "--to", "tfjs", "--format", "pysyft", "--inputs",
                 inputs, "-o", str(out)]) == Exit.OK
    assert re.search(r"95 torch ops -> \d+ tfjs ops", capsys.readouterr().err)
    assert schema.Plan.FromString(out.read_bytes()).roles["tfjs"].actions[0].command == \
        "tf.transpose"

    assert main(["show", str(MNIST)]) == Exit.OK
    shown = capsys.readouterr().out
    assert shown.startswith('plan "training_plan" torch v1') and "torch.Tensor.__gt__" in shown
    assert main(["show", str(out), "--role", "tfjs", "--inputs", inputs]) == Exit.OK
    shown = capsys.readouterr().out
    assert shown.startswith('plan "training_plan" tfjs v1') and "tf.matMul" in shown
    assert "# f32[64,392]" in shown

    npz = tmp_path / "out.npz"
    assert main(["run", str(out), "--role", "tfjs", "--inputs", inputs, "-o", str(npz)]) == 0
    with np.load(npz) as f:
        loss = f[f.files[0]]
    expected = json.loads((FIXTURES / "mnist_expected.json").read_text())
    assert abs(float(loss[0]) - expected["mnist_loss"]) <= 1e-5


@pytest.mark.parametrize("argv, code, message", [
    (["translate", str(MNIST), "--to", "tfjs", "--format", "pysyft", "-o", "x.pb"],
     Exit.BAD_INPUT, "are unknown: PySyft plans do not store them; pass example inputs with "
                     "--inputs"),
    (["translate", str(MNIST), "--to", "tf", "--format", "pysyft", "-o", "x.pb"], Exit.USAGE,
     "use --to tfjs and -o FILE.pb"),
    (["show", str(FIXTURES / "protocol.pb")], Exit.BAD_INPUT, "not a valid"),
    (["show", str(MNIST), "--inputs", "[1.0]"], Exit.BAD_INPUT, "takes 8 inputs"),
])
def test_cli_errors(argv, code, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == code
    assert message in capsys.readouterr().err
