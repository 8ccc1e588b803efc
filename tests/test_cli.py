"""The command line, run in-process through main(argv)."""

import json

import numpy as np
import pytest

from threepio.cli import Exit, main

MNIST = "examples/mnist.py"


def test_trace_show_translate_run(tmp_path, capsys):
    plan = tmp_path / "plan.json"
    assert main(["trace", f"{MNIST}:MLP", "--example", "mlp_example", "-o", str(plan)]) == 0
    assert json.loads(plan.read_text())["namespace"] == "aten"
    assert main(["show", str(plan)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith('plan "MLP" aten v1') and "aten.addmm.default" in shown

    text = tmp_path / "plan.txt"
    text.write_text(shown)
    out = tmp_path / "plan.tfjs.json"
    assert main(["translate", str(text), "--to", "tfjs", "-o", str(out)]) == 0
    tfjs = json.loads(out.read_text())
    assert tfjs["namespace"] == "tfjs" and all(o["target"].startswith("tf.") for o in tfjs["ops"])

    inputs = tmp_path / "in.npz"
    rng = np.random.default_rng(0)
    arrays = {v["name"]: rng.random(v["shape"], dtype=np.float32) for v in tfjs["inputs"]}
    np.savez(inputs, **arrays)
    capsys.readouterr()
    outputs = tmp_path / "out.npz"
    assert main(["run", str(out), "--inputs", str(inputs), "-o", str(outputs)]) == 0
    ref = tmp_path / "ref.npz"
    assert main(["run", str(plan), "--inputs", str(inputs), "-o", str(ref)]) == 0
    with np.load(outputs) as a, np.load(ref) as b:
        np.testing.assert_allclose(a["addmm_1"], b["addmm_1"], rtol=1e-5)


def test_check_program_json_output(capsys):
    code = main(["check", f"{MNIST}:MLP", "--example", "mlp_example", "--to", "tfjs", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == Exit.OK and report["ok"] is True
    assert report["outputs"][0]["target"] == "tfjs:cpu"


def test_translate_command(capsys):
    assert main(["translate-command", "torch.nn.functional.softmax(x, dim=1)", "--to", "tfjs",
                 "--input", "x=f32[64,10]"]) == 0
    assert capsys.readouterr().out.strip() == "%out = tf.softmax(%x, -1)"
    assert main(["translate-command", "torch.nn.functional.linear(x, w, b)", "--to", "tfjs",
                 "--input", "x=f32[4,3]", "--input", "w=f32[2,3]", "--input", "b=f32[2]"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "%out_1 = tf.matMul(%x, %w, false, true)", "%out = tf.add(%out_1, %b)"]


@pytest.mark.parametrize("argv, code, message", [
    (["translate-command", "torch.erfinv(x)", "--to", "tfjs", "--input",
      "x=f32[2]"], Exit.REFUSED, "no rule for aten.erfinv.default"),
    (["translate-command", "torch.nn.functional.softmax(x, dim=1)", "--to", "tfjs"],
     Exit.REFUSED, "add --input x=f32[...]"),
    (["translate-command", "__import__('os').system('true')", "--to", "tfjs"],
     Exit.BAD_INPUT, "is not a dotted command name"),
    (["show", "does/not/exist.json"], Exit.BAD_INPUT, "cannot read plan file"),
    (["trace", "examples/mnist.py:nothing"], Exit.TRACE, "defines no 'nothing'"),
    (["translate", "x.json", "--to", "jax"], Exit.USAGE, ""),
])
def test_errors_have_exit_codes_and_messages(argv, code, message, capsys):
    assert main(argv) == code
    assert message in capsys.readouterr().err


def test_malformed_plan_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "threepio.plan", "version": 1, "name": "p", "namespace": "aten",'
                   ' "inputs": [], "ops": [{"args": []}], "outputs": []}')
    assert main(["show", str(bad)]) == Exit.BAD_INPUT
    assert f"{bad}: op 0: missing field 'target'" in capsys.readouterr().err
