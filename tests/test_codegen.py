"""Code generation (threepio.codegen): generated TF.js ES modules and TensorFlow / NumPy Python
modules run and match the op-list runtime and PyTorch; rendering is deterministic; and nothing
in a plan (names, strings, targets, comments) can inject code.

The TF.js modules run in Node (cpu and wasm) through a tiny script that imports the module with
the installed tfjs packages; the Python modules are imported from temporary files.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import threepio
from threepio.backends.tfjs import find_node, find_node_modules
from threepio.checker import compare, tolerance
from threepio.codegen import CodegenError, render
from threepio.ir import Constant, DType, Op, Plan, Ref, TensorType, Value
from threepio.runner import prepare_inputs

ROOT = Path(__file__).resolve().parent.parent

# Runs a generated module on TF.js in Node: node run_module.mjs request.json -> JSON on stdout.
NODE_RUNNER = r"""
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPED = { float32: Float32Array, int32: Int32Array, bool: Uint8Array };
const req = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const require = createRequire(path.join(req.node_modules, 'noop.js'));
const load = async (name) => {
  const m = await import(pathToFileURL(require.resolve(name)).href);
  return m.default ?? m;
};
for (const k of ['log', 'info', 'warn']) console[k] = console.error;  // tfjs banner -> stderr
const tf = await load('@tensorflow/tfjs-core');
await load('@tensorflow/tfjs-backend-cpu');
if (req.backend === 'wasm') {
  const wasm = await load('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
}
if (!(await tf.setBackend(req.backend))) throw new Error(`backend ${req.backend} failed`);
const mod = await import(pathToFileURL(req.module).href);
const result = { outputs: [], meta: mod.meta };
const tensors = req.inputs.map((d) => {
  const b = fs.readFileSync(d.file);
  const data = new TYPED[d.dtype](b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  return tf.tensor(data, d.shape, d.dtype);
});
const given = req.by_name
  ? Object.fromEntries(req.inputs.map((d, i) => [d.name, tensors[i]])) : tensors;
const before = tf.memory().numTensors;
try {
  const outputs = await mod.run(tf, given);
  for (const [i, t] of outputs.entries()) {
    let data = await t.data();
    if (!(data instanceof TYPED[t.dtype])) data = TYPED[t.dtype].from(data);
    const file = path.join(req.out_dir, `out_${i}.bin`);
    fs.writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    result.outputs.push({ dtype: t.dtype, shape: t.shape, file });
  }
  outputs.forEach((t) => t.dispose());
  result.kept = tf.memory().numTensors - before;  // the constants, created once per module
} catch (e) {
  result.error = String(e.message);
  result.kind = e.kind ?? null;
}
mod.dispose(tf);
tensors.forEach((t) => t.dispose());
result.leaked = tf.memory().numTensors;
result.pwned = globalThis.pwned ?? null;
process.stdout.write(JSON.stringify(result));
"""


@pytest.fixture(scope="session")
def node_runner(tmp_path_factory):
    path = tmp_path_factory.mktemp("node") / "run_module.mjs"
    path.write_text(NODE_RUNNER)
    return path


def run_module(runner: Path, source: str, inputs, backend="cpu", by_name=False, names=None):
    """Write ``source`` as an ES module, run it on TF.js in Node; returns (outputs, result)."""
    key = json.dumps([source, backend, by_name, [np.asarray(a).tobytes().hex()[:64]
                                                 for a in inputs]])
    work = Path(runner).parent / hashlib.sha256(key.encode()).hexdigest()[:16]
    work.mkdir(exist_ok=True)
    (work / "plan.mjs").write_text(source)
    req = {"module": str(work / "plan.mjs"), "backend": backend, "out_dir": str(work),
           "node_modules": str(find_node_modules()), "by_name": by_name, "inputs": []}
    for i, a in enumerate(inputs):
        a = np.ascontiguousarray(a)
        dtype = "bool" if a.dtype == np.bool_ else str(a.dtype)
        a.astype(a.dtype.newbyteorder("<")).tofile(work / f"in_{i}.bin")
        req["inputs"].append({"dtype": dtype, "shape": list(a.shape),
                              "file": str(work / f"in_{i}.bin"),
                              "name": names[i] if names else f"arg{i}"})
    (work / "req.json").write_text(json.dumps(req))
    proc = subprocess.run([find_node(), str(runner), str(work / "req.json")], capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout)
    outs = [np.fromfile(o["file"], dtype=np.bool_ if o["dtype"] == "bool" else o["dtype"])
            .reshape(o["shape"]) for o in result["outputs"]]
    return outs, result


def import_source(tmp_path: Path, source: str, name: str):
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the spine's models ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def models(mnist, mlp_step_plan):
    import torch

    torch.manual_seed(0)
    return {
        "mlp_step": mlp_step_plan,
        "lenet_step": threepio.trace(mnist.lenet_step, mnist.lenet_step_example()),
        # parameters embedded: exercises large base64 constants
        "lenet": threepio.trace(mnist.LeNet5(), mnist.lenet_example(), params="constants"),
    }


def _assert_matches(plan, target_plan, got, via_ops, ref, label):
    assert len(got) == len(ref) == len(via_ops)
    for i, (g, o, r) in enumerate(zip(got, via_ops, ref)):
        name = plan.outputs[i].name
        assert g.shape == r.shape, f"{label} %{name}: shape {g.shape} != {r.shape}"
        assert g.dtype == o.dtype, f"{label} %{name}: dtype {g.dtype} != op list's {o.dtype}"
        # the generated code makes the same calls as the op-list runtime
        mabs, _, ok = compare(o, g, 1e-6)
        assert ok, f"{label} %{name}: differs from the op-list runtime by {mabs:.3g}"
        tol = tolerance(target_plan, str(r.dtype))
        mabs, _, ok = compare(r, g, tol)
        assert ok, f"{label} %{name}: differs from PyTorch by {mabs:.3g} (tol {tol:g})"


@pytest.mark.parametrize("backend", ["cpu", "wasm"])
@pytest.mark.parametrize("model", ["mlp_step", "lenet_step", "lenet"])
def test_tfjs_module_matches_op_list_and_pytorch(models, node_runner, model, backend):
    plan = models[model]
    tp = threepio.translate(plan, "tfjs")
    arrays = prepare_inputs(plan, None)
    ref = threepio.run(plan, arrays)
    via_ops = threepio.run(tp, arrays, tfjs_backend=backend)
    source = render(tp, emit="module")
    got, result = run_module(node_runner, source, prepare_inputs(tp, arrays), backend)
    assert "error" not in result, result
    _assert_matches(plan, tp, got, via_ops, ref, f"tfjs:{backend} module")
    assert result["kept"] == len(tp.constants), "only the constants outlive a run"
    assert result["leaked"] == 0, "dispose(tf) frees the constants"
    assert result["meta"]["outputs"] == [r.name for r in tp.outputs]


@pytest.mark.parametrize("target", ["numpy", "tf", "tf-function"])
@pytest.mark.parametrize("model", ["mlp_step", "lenet_step", "lenet"])
def test_python_module_matches_op_list_and_pytorch(models, tmp_path, model, target):
    plan = models[model]
    ns = target.split("-")[0]
    tp = threepio.translate(plan, ns)
    arrays = prepare_inputs(plan, None)
    ref = threepio.run(plan, arrays)
    via_ops = threepio.run(tp, arrays)
    module = import_source(tmp_path, render(tp, emit="python", tf_function=target.endswith(
        "function")), f"gen_{model}_{target.replace('-', '_')}")
    got = [np.asarray(o) for o in module.run(*arrays)]  # int64 labels are cast where needed
    _assert_matches(plan, tp, got, via_ops, ref, f"{target} module")


def test_module_takes_inputs_by_name_and_checks_them(mlp_step_plan, node_runner):
    tp = threepio.translate(mlp_step_plan, "tfjs")
    arrays = prepare_inputs(tp, mlp_step_plan.examples)
    names = [v.name for v in tp.inputs]
    source = render(tp, emit="module")
    got, _ = run_module(node_runner, source, arrays, by_name=True, names=names)
    via_ops = threepio.run(tp, arrays)
    assert all(np.array_equal(a, b) for a, b in zip(got, via_ops))
    _, result = run_module(node_runner, source, arrays[:-1])
    assert result["kind"] == "input" and "takes 6 inputs" in result["error"]
    _, result = run_module(node_runner, source, [arrays[1], arrays[0], *arrays[2:]])
    assert result["kind"] == "input" and "expected shape [64,784]" in result["error"]
    assert result["leaked"] == 0


def test_python_module_checks_inputs(mlp_step_plan, tmp_path):
    module = import_source(tmp_path, render(threepio.translate(mlp_step_plan, "numpy"),
                                            emit="python"), "gen_checks")
    arrays = [np.asarray(a) for a in mlp_step_plan.examples]
    with pytest.raises(ValueError, match="takes 6 inputs"):
        module.run(*arrays[:5])
    with pytest.raises(ValueError, match=r"input %X .*expected shape \[64, 784\]"):
        module.run(arrays[1], arrays[0], *arrays[2:])
    with pytest.raises(ValueError, match="expected float32, got float64"):
        module.run(arrays[0].astype(np.float64), *arrays[1:])


@pytest.fixture(scope="module")
def gather_plan():
    import torch

    x, idx = torch.randn(3, 4), torch.tensor([[0, 3], [2, 1], [1, 1]])
    return threepio.trace(lambda a, i: torch.gather(a, 1, i) * 2, (x, idx))


def test_generated_code_checks_guards(gather_plan, node_runner, tmp_path):
    """A translation's guards (here: gather's indices in range, which PyTorch checks) are
    checked by the generated code as by threepio.run: good inputs run, bad ones raise."""
    x = np.asarray(gather_plan.examples[0])
    good, bad = np.array([[0, 3], [2, 1], [1, 1]]), np.array([[0, 4], [2, 1], [1, 1]])
    want = np.take_along_axis(x, good, 1) * 2
    tp = threepio.translate(gather_plan, "tfjs")
    assert tp.guards
    source = render(tp, emit="module")
    got, _ = run_module(node_runner, source, prepare_inputs(tp, [x, good]))
    assert np.allclose(got[0], want)
    _, result = run_module(node_runner, source, prepare_inputs(tp, [x, bad]))
    assert result["kind"] == "guard" and "out of range" in result["error"]
    assert result["leaked"] == 0
    for target, error in (("numpy", ValueError), ("tf", Exception)):
        tp = threepio.translate(gather_plan, target)
        assert tp.guards
        module = import_source(tmp_path, render(tp, emit="python"), f"gen_guard_{target}")
        assert np.allclose(np.asarray(module.run(x, good)[0]), want)
        with pytest.raises(error, match="out of range"):
            module.run(x, bad)


def test_generated_lines_map_to_plan_lines(mlp_step_plan):
    tp = threepio.translate(mlp_step_plan, "tfjs")
    source = render(tp, emit="module")
    body = source.split("return tf.tidy(() => {\n", 1)[1].split("\n  });\n", 1)[0].splitlines()
    assert len(body) == len(tp.inputs) + len(tp.constants) + len(tp.ops) + 1
    for line, op in zip(body[len(tp.inputs) + len(tp.constants):], tp.ops):
        name = op.outputs[0].name
        assert line.startswith(f"    const {name} = $one({op.target}("), line
        assert f"rule={op.rule}" in line and (op.source is None or f"src={op.source}" in line)
    assert body[-1].startswith("    return [loss, accuracy, W1_next")
    py = render(threepio.translate(mlp_step_plan, "numpy"), emit="python")
    assert "    W1_next = np.subtract(W1, mul_4); del mul_4   # f32[392,784]" in py


# -- determinism -----------------------------------------------------------------------------
def test_rendering_is_deterministic(mlp_step_plan, tmp_path):
    plans = {t: threepio.translate(mlp_step_plan, t) for t in ("tfjs", "tf", "numpy")}
    for t, p in plans.items():
        emit = "module" if t == "tfjs" else "python"
        first = render(p, emit=emit)
        assert render(p, emit=emit) == first
        assert render(Plan.from_json(p.to_json()), emit=emit) == first  # a loaded plan too
        path = tmp_path / f"{t}.json"
        path.write_text(p.to_json())
    # other processes, other hash seeds: the same bytes
    code = ("import sys, threepio; from threepio.codegen import render; "
            "p = threepio.load(sys.argv[1]); "
            "sys.stdout.write(render(p, emit='module' if p.namespace == 'tfjs' else 'python'))")
    for t, p in plans.items():
        outs = {subprocess.run([sys.executable, "-c", code, str(tmp_path / f"{t}.json")],
                               capture_output=True, text=True, cwd=ROOT, check=True,
                               env={**os.environ, "PYTHONHASHSEED": seed}).stdout
                for seed in ("1", "2")}
        assert outs == {render(p, emit="module" if t == "tfjs" else "python")}


# -- safety ----------------------------------------------------------------------------------
EVIL = [
    '"); globalThis.pwned = 1; ("',
    "'); globalThis.pwned = 1; ('",
    "`${globalThis.pwned = 1}`",
    "${globalThis.pwned = 1}",
    "\n globalThis.pwned = 1; //",
    "\u2028globalThis.pwned = 1;\u2029",
    "</script><script>globalThis.pwned = 1</script>",
    "*/ globalThis.pwned = 1; /*",
    "\\\"); globalThis.pwned = 1; //",
    "'''\"\"\"\nimport os; os.environ['THREEPIO_PWNED'] = '1'\n",
    "\x00\x1b\r\\u0022",
]


def _tfjs_plan(name="p", source=None, rule=None, string="float32", names=("x", "y")):
    x, y = names
    t = TensorType("float32", (2, 3))
    return Plan(name, "tfjs", [Value(x, t)], [], [
        Op("tf.cast", (Ref(x), string), outputs=[Value(y, t)], source=source, rule=rule)],
        [Ref(y)])


@pytest.mark.parametrize("evil", EVIL)
def test_strings_from_a_plan_are_inert(evil, node_runner, tmp_path):
    # the plan name, a string argument, the source and the rule all carry the payload
    plan = _tfjs_plan(name=evil, source=evil, rule=evil, string=evil)
    source = render(plan, emit="module")
    assert "</script" not in source.lower() and "\u2028" not in source and source.isascii()
    x = np.ones((2, 3), np.float32)
    _, result = run_module(node_runner, source, [x])
    assert result["pwned"] is None and result["meta"]["name"] == evil
    assert "error" in result  # TF.js refuses the dtype: the string reached it as data
    assert result["leaked"] == 0
    good = render(_tfjs_plan(name=evil, source=evil, rule=evil), emit="module")
    got, result = run_module(node_runner, good, [x])
    assert result["pwned"] is None and np.array_equal(got[0], x)

    py = Plan(evil, "numpy", [Value("x", TensorType("float32", (2, 3)))], [], [
        Op("np.asarray", (Ref("x"),), {"dtype": evil}, [Value("y")], evil, evil)], [Ref("y")])
    text = render(py, emit="python")
    assert text.isascii()
    module = import_source(tmp_path, text, "gen_evil")
    assert module._META["name"] == evil and "THREEPIO_PWNED" not in os.environ
    with pytest.raises(TypeError):  # numpy refuses the dtype string
        module.run(x)
    assert "THREEPIO_PWNED" not in os.environ
    # every plan line stays one code line, whatever its comment holds
    assert text.split("    _in = _inputs(inputs)\n")[1].count("\n") == 3


@pytest.mark.parametrize("target, emit, ns", [
    ("tf.io.browserHTTPRequest", "module", "tfjs"),
    ("tf.add(x); globalThis.pwned = 1; tf.add", "module", "tfjs"),
    ("eval", "module", "tfjs"),
    ("tf.constructor.constructor", "module", "tfjs"),
    ("np.load", "python", "numpy"),
    ("os.system", "python", "numpy"),
    ("__import__", "python", "tf"),
    ("tf.io.write_file", "python", "tf"),
])
def test_commands_outside_the_allowlist_are_refused(target, emit, ns):
    t = TensorType("float32", (2,))
    plan = Plan("p", ns, [Value("x", t)], [], [Op(target, (Ref("x"),), outputs=[Value("y", t)])],
                [Ref("y")])
    with pytest.raises(CodegenError, match="not a .* command threepio's rules emit"):
        render(plan, emit=emit)


@pytest.mark.parametrize("bad", ['x"', "a b", "x\n", "1x", "x;y", "x-y", "", "é"])
def test_invalid_names_are_refused(bad):
    t = TensorType("float32", (2, 3))
    with pytest.raises(CodegenError, match="invalid value name"):
        render(_tfjs_plan(names=(bad, "y")), emit="module")
    with pytest.raises(CodegenError, match="invalid value name"):
        render(_tfjs_plan(names=("x", bad)), emit="module")
    plan = Plan("p", "numpy", [Value("x", t)], [], [
        Op("np.sum", (Ref("x"),), {bad: 1}, [Value("y")])], [Ref("y")])
    with pytest.raises(CodegenError, match="invalid keyword name"):
        render(plan, emit="python")


def test_other_refusals():
    t = TensorType("float32", (2,))
    with pytest.raises(CodegenError, match="namespace 'aten'"):
        render(Plan("p", "aten", [Value("x", t)], [], [], [Ref("x")]), emit="module")
    with pytest.raises(CodegenError, match="renders tf or numpy plans"):
        render(_tfjs_plan(), emit="python")
    with pytest.raises(CodegenError, match="unknown emit"):
        render(_tfjs_plan(), emit="json")
    with pytest.raises(CodegenError, match="tf_function=True applies"):
        render(Plan("p", "numpy", [Value("x", t)], [], [], [Ref("x")]), emit="python",
               tf_function=True)
    kw = Plan("p", "tfjs", [Value("x", t)], [], [
        Op("tf.sum", (Ref("x"),), {"axis": 0}, [Value("y")])], [Ref("y")])
    with pytest.raises(CodegenError, match="positional arguments only"):
        render(kw, emit="module")
    bad_dtype = Plan("p", "numpy", [Value("x", t)], [], [
        Op("np.asarray", (Ref("x"),), {"dtype": DType("float32'); x = ('")}, [Value("y")])],
        [Ref("y")])
    with pytest.raises(CodegenError, match="unknown dtype argument"):
        render(bad_dtype, emit="python")
    bad_shape = Plan("p", "tfjs", [Value("x", TensorType("float32", ("1]); pwn(",)))], [], [],
                     [Ref("x")])
    with pytest.raises(CodegenError, match="invalid shape"):
        render(bad_shape, emit="module")
    odd_arg = Plan("p", "tfjs", [Value("x", t)], [], [
        Op("tf.add", (Ref("x"), object()), outputs=[Value("y")])], [Ref("y")])
    with pytest.raises(CodegenError, match="has no literal form"):
        render(odd_arg, emit="module")
    undefined = Plan("p", "tfjs", [Value("x", t)], [], [
        Op("tf.add", (Ref("x"), Ref("z")), outputs=[Value("y")])], [Ref("y")])
    with pytest.raises(CodegenError, match="uses %z, which is not defined"):
        render(undefined, emit="module")
    int64 = Plan("p", "tfjs", [Value("x", TensorType("int64", (2,)))], [], [], [Ref("x")])
    with pytest.raises(CodegenError, match="dtype int64, which tfjs code cannot hold"):
        render(int64, emit="module")


def test_reserved_words_are_renamed(node_runner, tmp_path):
    """Plan names that are keywords or the module's own names still give working code."""
    t = TensorType("float32", (3,))
    names = ["tf", "function", "arguments", "await", "inputs", "tf_", "lambda", "np", "_in",
             "None", "class"]
    ops = [Op("tf.add", (Ref(names[i - 1]), Ref("c")), outputs=[Value(n, t)])
           for i, n in enumerate(names) if i]
    plan = Plan("p", "tfjs", [Value(names[0], t)],
                [Constant("c", t, np.array([1, 2, 3], np.float32))], ops,
                [Ref(names[-1]), Ref("c"), Ref(names[0])])
    x = np.array([0.5, 1.0, -1.0], np.float32)
    want = [x + len(ops) * np.array([1, 2, 3], np.float32), np.array([1, 2, 3], np.float32), x]
    source = render(plan, emit="module")
    assert "const tf__ = $in[0]" in source and "const tf_ = $one(tf.add(inputs_, c))" in source
    got, result = run_module(node_runner, source, [x])
    assert "error" not in result, result
    assert all(np.allclose(a, b) for a, b in zip(got, want)) and result["leaked"] == 0

    py = Plan("p", "numpy", [Value(names[0], t)],
              [Constant("c", t, np.array([1, 2, 3], np.float32))],
              [Op("np.add", op.args, outputs=op.outputs) for op in ops], plan.outputs)
    text = render(py, emit="python")
    assert "    lambda_ = np.add(" in text and "    None_ = np.add(" in text
    got = import_source(tmp_path, text, "gen_reserved").run(x)
    assert all(np.allclose(a, b) for a, b in zip(got, want))


def test_literals(node_runner, tmp_path):
    """inf, nan, negative zero, booleans, null and nested lists print as each language needs."""
    t, t22 = TensorType("float32", (4,)), TensorType("float32", (2, 2))
    x = np.array([1.0, -2.0, 3.0, 0.0], np.float32)
    ops = [Op("tf.maximum", (Ref("x"), float("-inf")), outputs=[Value("a", t)]),
           Op("tf.minimum", (Ref("a"), float("inf")), outputs=[Value("b", t)]),
           Op("tf.add", (Ref("b"), -0.0), outputs=[Value("c", t)]),
           Op("tf.reshape", (Ref("c"), [2, 2]), outputs=[Value("d", t22)]),
           Op("tf.sum", (Ref("d"), [1], True), outputs=[Value("e", TensorType("float32", (2, 1)))]),
           Op("tf.isNaN", (Ref("x"),), outputs=[Value("f", TensorType("bool", (4,)))])]
    plan = Plan("p", "tfjs", [Value("x", t)], [], ops, [Ref("e"), Ref("f")])
    source = render(plan, emit="module")
    assert "tf.maximum(x, -Infinity)" in source and "tf.minimum(a, Infinity)" in source
    got, result = run_module(node_runner, source, [x])
    assert "error" not in result, result
    assert np.array_equal(got[0], [[-1.0], [3.0]]) and got[1].dtype == np.bool_
    py = Plan("p", "numpy", [Value("x", t)], [], [
        Op("np.maximum", (Ref("x"), float("-inf")), outputs=[Value("a", t)]),
        Op("np.where", (Ref("a"), float("nan"), None), outputs=[Value("b", t)])], [Ref("a")])
    text = render(py, emit="python")
    assert "np.maximum(x, -float('inf'))" in text and "np.where(a, float('nan'), None)" in text


# -- command line ----------------------------------------------------------------------------
def test_cli_translate_emits_code(tmp_path, node_runner, capsys):
    from threepio.cli import Exit, main

    plan = tmp_path / "mlp.json"
    assert main(["trace", "examples/mnist.py:MLP", "--example", "mlp_example", "--params",
                 "constants", "-o", str(plan)]) == 0
    mjs, py = tmp_path / "mlp.mjs", tmp_path / "mlp_np.py"
    assert main(["translate", str(plan), "--to", "tfjs", "--emit", "module", "-o", str(mjs)]) == 0
    assert main(["translate", str(plan), "--to", "numpy", "--emit", "python", "-o", str(py)]) == 0
    loaded = threepio.load(plan)
    assert mjs.read_text() == render(threepio.translate(loaded, "tfjs"), emit="module")
    x = np.random.default_rng(0).random((64, 784), dtype=np.float32)
    got, result = run_module(node_runner, mjs.read_text(), [x])
    assert "error" not in result, result
    want = import_source(tmp_path, py.read_text(), "gen_cli").run(x)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-4, atol=1e-5)
    capsys.readouterr()
    assert main(["translate", str(plan), "--to", "tfjs", "--emit", "python"]) == Exit.BAD_INPUT
    assert "renders tf or numpy plans" in capsys.readouterr().err
