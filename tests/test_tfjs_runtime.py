"""Tests of the TF.js runtime: executor.mjs, node_worker.mjs and threepio.backends.tfjs.

Plans are written by hand in the ``tfjs`` namespace, so neither torch nor a translator is needed;
every test needs Node and the TF.js packages (``make test`` installs them).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from threepio.backends import tfjs
from threepio.errors import BackendUnavailable, ExecutionError, PlanInputError
from threepio.ir import Constant, DType, Op, Plan, Ref, TensorType, Value

BACKENDS = pytest.mark.parametrize("backend", tfjs.BACKENDS)


def run(plan, inputs, **kw):
    """Run a hand-written plan: these use TF.js commands beyond the rules' allowlist."""
    return tfjs.run_plan(plan, inputs, allow_any=True, **kw)


def worker_of(backend="cpu"):
    return tfjs.get_worker(backend, allow_any=True)
RNG = np.random.default_rng(0)


def val(name, dtype="float32", *shape):
    return Value(name, TensorType(dtype, tuple(shape)))


def op(target, *args, out, source=None):
    """An op with positional args; ``out`` is a Value or a list of Values."""
    return Op(target, tuple(args), outputs=out if isinstance(out, list) else [out], source=source)


def make_plan(inputs, ops, outputs, constants=(), name="t"):
    return Plan(name, "tfjs", list(inputs), list(constants), list(ops),
                [Ref(n) for n in outputs]).lint()


def randn(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


# -- numbers ---------------------------------------------------------------------------------
@BACKENDS
def test_matmul_add_with_constants(backend):
    w, b = randn(3, 5), randn(5)
    plan = make_plan(
        [val("x", "float32", 4, 3)],
        [op("tf.matMul", Ref("x"), Ref("w"), False, False, out=val("h", "float32", 4, 5)),
         op("tf.add", Ref("h"), Ref("b"), out=val("y", "float32", 4, 5))],
        ["y"], [Constant("w", TensorType("float32", (3, 5)), w),
                Constant("b", TensorType("float32", (5,)), b)])
    x = randn(4, 3)
    (y,) = run(plan, [x], backend=backend)
    assert y.dtype == np.float32 and y.shape == (4, 5)
    np.testing.assert_allclose(y, x @ w + b, rtol=1e-5, atol=1e-5)


@BACKENDS
def test_conv2d_and_resize(backend):
    x, w = randn(2, 6, 5, 3), randn(3, 2, 3, 4)  # NHWC input, HWIO filter
    plan = make_plan(
        [val("x", "float32", 2, 6, 5, 3)],
        [op("tf.conv2d", Ref("x"), Ref("w"), 1, "valid", out=val("y", "float32", 2, 4, 4, 4)),
         op("tf.image.resizeNearestNeighbor", Ref("y"), [8, 8], False, False,
            out=val("r", "float32", 2, 8, 8, 4))],
        ["y", "r"], [Constant("w", TensorType("float32", w.shape), w)])
    y, r = run(plan, [x], backend=backend)
    windows = np.lib.stride_tricks.sliding_window_view(x, (3, 2), axis=(1, 2))  # n,h,w,c,kh,kw
    np.testing.assert_allclose(y, np.einsum("nhwcij,ijco->nhwo", windows, w), rtol=1e-4,
                               atol=1e-4)
    np.testing.assert_array_equal(r, y.repeat(2, axis=1).repeat(2, axis=2))


@BACKENDS
def test_sum_axis_keepdims(backend):
    plan = make_plan(
        [val("x", "float32", 2, 3, 4)],
        [op("tf.sum", Ref("x"), [0, 2], True, out=val("a", "float32", 1, 3, 1)),
         op("tf.sum", Ref("x"), 1, False, out=val("b", "float32", 2, 4))],
        ["a", "b"])
    x = randn(2, 3, 4)
    a, b = run(plan, [x], backend=backend)
    np.testing.assert_allclose(a, x.sum(axis=(0, 2), keepdims=True), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(b, x.sum(axis=1), rtol=1e-5, atol=1e-5)


@BACKENDS
def test_multi_output_ops(backend):
    plan = make_plan(
        [val("x", "float32", 3, 6)],
        [op("tf.topk", Ref("x"), 2, True, out=[val("v", "float32", 3, 2), val("i", "int32", 3, 2)]),
         op("tf.split", Ref("x"), 2, 1, out=[val("p", "float32", 3, 3), val("q", "float32", 3, 3)]),
         op("tf.moments", Ref("x"), [1], False, out=[val("m", "float32", 3),
                                                    val("var", "float32", 3)])],
        ["v", "i", "p", "q", "m", "var"])
    x = randn(3, 6)
    v, i, p, q, m, var = run(plan, [x], backend=backend)
    order = np.argsort(-x, axis=1)[:, :2]
    assert i.dtype == np.int32
    np.testing.assert_array_equal(i, order)
    np.testing.assert_allclose(v, np.take_along_axis(x, order, 1))
    np.testing.assert_array_equal(p, x[:, :3])
    np.testing.assert_array_equal(q, x[:, 3:])
    np.testing.assert_allclose(m, x.mean(1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var, x.var(1), rtol=1e-4, atol=1e-6)


@BACKENDS
def test_concat_list_of_refs(backend):
    plan = make_plan(
        [val("a", "float32", 2, 3), val("b", "float32", 2, 1)],
        [op("tf.concat", [Ref("a"), Ref("b"), Ref("a")], 1, out=val("c", "float32", 2, 7))],
        ["c"])
    a, b = randn(2, 3), randn(2, 1)
    (c,) = run(plan, [a, b], backend=backend)
    np.testing.assert_array_equal(c, np.concatenate([a, b, a], 1))


@BACKENDS
def test_bool_and_int32_path(backend):
    plan = make_plan(
        [val("x", "float32", 5), val("mask", "bool", 5), val("k", "int32", 5)],
        [op("tf.greater", Ref("x"), Ref("zero"), out=val("pos", "bool", 5)),
         op("tf.logicalAnd", Ref("pos"), Ref("mask"), out=val("both", "bool", 5)),
         op("tf.cast", Ref("both"), DType("int32"), out=val("n", "int32", 5)),
         op("tf.add", Ref("n"), Ref("k"), out=val("s", "int32", 5))],
        ["both", "s"], [Constant("zero", TensorType("float32", ()), np.float32(0))])
    x = np.array([-1, 2, 3, -4, 5], np.float32)
    mask = np.array([True, True, False, True, True])
    k = np.arange(5, dtype=np.int32) * 10
    both, s = run(plan, [x, mask, k], backend=backend)
    assert both.dtype == np.bool_ and s.dtype == np.int32
    np.testing.assert_array_equal(both, (x > 0) & mask)
    np.testing.assert_array_equal(s, ((x > 0) & mask).astype(np.int32) + k)


@BACKENDS
def test_non_finite_literals_and_unaligned_payload(backend):
    # A bool[5] output before a float32 one: every tensor must still be read at its offset.
    # (NaN is kept away from clipByValue: the wasm backend clips NaN to the lower bound.)
    plan = make_plan(
        [val("x", "float32", 5), val("y", "float32", 5)],
        [op("tf.isNaN", Ref("x"), out=val("nan", "bool", 5)),
         op("tf.clipByValue", Ref("y"), float("-inf"), 0.5, out=val("c", "float32", 5)),
         op("tf.minimum", Ref("y"), float("inf"), out=val("m", "float32", 5))],
        ["nan", "c", "m"])
    x = np.array([np.nan, -np.inf, 0.25, 3.0, np.nan], np.float32)
    y = np.array([np.inf, -np.inf, 0.25, 3.0, -2.0], np.float32)
    nan, c, m = run(plan, [x, y], backend=backend)
    np.testing.assert_array_equal(nan, np.isnan(x))
    np.testing.assert_array_equal(c, np.clip(y, -np.inf, 0.5))
    np.testing.assert_array_equal(m, y)


@BACKENDS
def test_large_tensor_roundtrip(backend):
    x = randn(1000, 1000)  # 4 MB: arrives on stdin in many chunks
    plan = make_plan([val("x", "float32", 1000, 1000)],
                     [op("tf.mul", Ref("x"), 2, out=val("y", "float32", 1000, 1000))], ["y"])
    (y,) = run(plan, [x], backend=backend)
    np.testing.assert_array_equal(y, x * 2)


@BACKENDS
def test_keep_all_returns_every_op_output(backend):
    plan = make_plan(
        [val("x", "float32", 2, 2)],
        [op("tf.neg", Ref("x"), out=val("a", "float32", 2, 2)),
         op("tf.exp", Ref("a"), out=val("b", "float32", 2, 2)),
         op("tf.sum", Ref("b"), out=val("s", "float32"))],
        ["s"])
    x = randn(2, 2)
    outputs, values = run(plan, [x], backend=backend, keep_all=True)
    assert set(values) == {"a", "b", "s"}
    np.testing.assert_array_equal(values["a"], -x)
    np.testing.assert_allclose(values["b"], np.exp(-x), rtol=1e-6)
    np.testing.assert_allclose(outputs[0], np.exp(-x).sum(), rtol=1e-5)
    assert outputs[0].shape == ()


@BACKENDS
def test_inputs_and_constants_as_outputs_survive_runs(backend):
    c = randn(3)
    plan = make_plan([val("x", "float32", 3)],
                     [op("tf.add", Ref("x"), Ref("c"), out=val("y", "float32", 3))],
                     ["x", "c", "y"], [Constant("c", TensorType("float32", (3,)), c)])
    x = randn(3)
    for _ in range(2):  # the constant must not have been disposed by the first run
        got_x, got_c, y = run(plan, [x], backend=backend)
        np.testing.assert_array_equal(got_x, x)
        np.testing.assert_array_equal(got_c, c)
        np.testing.assert_allclose(y, x + c)


# -- worker lifetime -------------------------------------------------------------------------
@BACKENDS
def test_one_worker_serves_many_runs_without_leaking(backend):
    worker = worker_of(backend)
    assert worker_of(backend) is worker
    plan = make_plan([val("x", "float32", 4)],
                     [op("tf.square", Ref("x"), out=val("a", "float32", 4)),
                      op("tf.sqrt", Ref("a"), out=val("b", "float32", 4)),
                      op("tf.unstack", Ref("b"), out=[val(f"u{i}", "float32") for i in range(4)])],
                     ["u3"])
    run(plan, [randn(4)], backend=backend)
    info = worker.info()
    assert info["backend"] == backend
    for _ in range(5):
        x = randn(4)
        (u3,) = run(plan, [x], backend=backend)
        np.testing.assert_allclose(u3, abs(x[3]), rtol=1e-6)
    after = worker.info()
    assert after["pid"] == info["pid"] == worker.pid
    assert after["plans"] == info["plans"]  # the plan was sent once
    assert after["num_tensors"] == info["num_tensors"]  # intermediates were disposed
    assert worker.load(plan) == worker.load(plan)


def test_worker_restarts_after_a_crash():
    worker = worker_of("cpu")
    plan = make_plan([val("x", "float32", 2)],
                     [op("tf.abs", Ref("x"), out=val("y", "float32", 2))], ["y"])
    run(plan, [randn(2)])
    pid = worker.pid
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while worker.pid is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    x = randn(2)
    (y,) = run(plan, [x])
    np.testing.assert_array_equal(y, np.abs(x))
    assert worker.pid not in (None, pid)


def test_missing_packages_raise_backend_unavailable(tmp_path, monkeypatch):
    monkeypatch.setenv("THREEPIO_NODE_MODULES", str(tmp_path))
    worker = tfjs.TfjsWorker("cpu")
    with pytest.raises(BackendUnavailable, match=r"npm ci(.|\n)*tfjs-core"):
        worker.info()
    worker.close()


def test_missing_node_raises_backend_unavailable(tmp_path, monkeypatch):
    monkeypatch.setenv("THREEPIO_NODE", str(tmp_path / "no-node"))
    with pytest.raises(BackendUnavailable, match="TF.js worker"):
        tfjs.TfjsWorker("wasm").info()


def test_wasm_worker_really_runs_on_wasm():
    assert worker_of("wasm").info()["backend"] == "wasm"


# -- refused plans and inputs ----------------------------------------------------------------
@pytest.mark.parametrize("target, reason", [
    ("tf.noSuchOp", "noSuchOp"),
    ("tf.constructor", "not an allowed name"),
    ("tf.__proto__.x", "not an allowed name"),
    ("tf.matMul.prototype", "not an allowed name"),
    ("tf.toString", "toString"),
    ("tf.version_core", "not a function"),
    ("np.add", 'must start with "tf."'),
])
def test_unresolvable_targets_are_refused(target, reason):
    plan = make_plan([val("x", "float32", 2)],
                     [op("tf.neg", Ref("x"), out=val("a", "float32", 2)),
                      op(target, Ref("a"), out=val("y", "float32", 2))], ["y"])
    with pytest.raises(ExecutionError) as e:
        run(plan, [randn(2)])
    assert "op 1" in str(e.value) and target in str(e.value) and reason in str(e.value)
    assert e.value.op_index == 1


def test_kwargs_and_other_namespaces_are_refused():
    plan = make_plan([val("x", "float32", 2)],
                     [Op("tf.sum", (Ref("x"),), {"axis": 0}, [val("y", "float32")])], ["y"])
    with pytest.raises(ExecutionError, match="kwargs"):
        run(plan, [randn(2)])
    with pytest.raises(ValueError, match="namespace"):
        run(Plan("p", "numpy", [val("x", "float32", 2)], outputs=[Ref("x")]),
                      [randn(2)])
    with pytest.raises(ExecutionError, match="JSON"):
        worker_of("cpu").load("{not json")


ABS = make_plan([val("x", "float32", 2, 2)],
                [op("tf.abs", Ref("x"), out=val("y", "float32", 2, 2))], ["y"])


@pytest.mark.parametrize("inputs, match", [
    ([], "takes 1 inputs"),
    ([np.zeros((2, 2), np.float32)] * 2, "takes 1 inputs"),
    ([np.zeros((2, 2), np.int64)], "%x has dtype int64"),
    ([np.zeros((2, 2), np.float64)], "%x has dtype float64"),
    ([np.zeros((2, 2), np.int32)], "%x is int32"),
    ([np.zeros((2, 3), np.float32)], r"%x is float32\[2, 3\]"),
])
def test_bad_inputs_raise_plan_input_error(inputs, match):
    with pytest.raises(PlanInputError, match=match):
        run(ABS, inputs)


def test_worker_checks_inputs_too():
    worker = worker_of("cpu")
    plan_id = worker.load(ABS)
    with pytest.raises(PlanInputError, match="takes 1 inputs"):
        worker.run(plan_id, [])
    with pytest.raises(PlanInputError, match=r"%x: expected shape \[2,2\]"):
        worker.run(plan_id, [np.zeros(3, np.float32)])
    with pytest.raises(PlanInputError, match="int64"):
        worker.run(plan_id, [np.zeros((2, 2), np.int64)])
    with pytest.raises(ExecutionError, match="unknown plan_id"):
        worker.run(10**6, [])


@BACKENDS
def test_runtime_op_error_names_the_op_and_worker_survives(backend):
    plan = make_plan(
        [val("x", "float32", 2, 3)],
        [op("tf.relu", Ref("x"), out=val("a", "float32", 2, 3)),
         op("tf.reshape", Ref("a"), [7], out=val("b", "float32", 7), source="model.py:12"),
         op("tf.sum", Ref("b"), out=val("s", "float32"))],
        ["s"])
    worker = worker_of(backend)
    before = worker.info()
    with pytest.raises(ExecutionError) as e:
        run(plan, [randn(2, 3)], backend=backend)
    msg = str(e.value)
    assert re.search(r"while executing op 1 %b = tf\.reshape\(%a, \[7\]\) \(src: model\.py:12\): "
                     r"Size\(6\)", msg), msg
    assert e.value.op_index == 1
    after = worker.info()
    assert after["pid"] == before["pid"]
    assert after["num_tensors"] == before["num_tensors"]  # %a was freed on the error path
    x = randn(2, 2)
    np.testing.assert_array_equal(run(ABS, [x], backend=backend)[0], np.abs(x))


def test_wrong_result_count_is_an_error():
    plan = make_plan([val("x", "float32", 4)],
                     [op("tf.topk", Ref("x"), 1, out=[val(n, "float32", 1) for n in "abc"])], ["a"])
    with pytest.raises(ExecutionError, match="expected 3 results, got 2"):
        run(plan, [randn(4)])


def test_executor_is_browser_safe():
    src = (Path(tfjs.WORKER_SCRIPT).parent / "executor.mjs").read_text()
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", src, flags=re.DOTALL)
    imports = re.findall(r"^import .*$", code, flags=re.MULTILINE)
    assert imports == ["import { COMMANDS } from './commands.mjs';"]  # a sibling data module
    code = code.replace(imports[0], "")
    for word in ("import ", "require(", "process.", "Buffer", "node:", "fs."):
        assert word not in code, word


def test_executor_api_directly(tmp_path):
    """loadPlan/runPlan as a browser page would use them: inputs by name, keepAll, dispose."""
    plan = make_plan([val("x", "float32", 2), val("y", "float32", 2)],
                     [op("tf.mul", Ref("x"), Ref("y"), out=val("a", "float32", 2)),
                      op("tf.add", Ref("a"), Ref("c"), out=val("b", "float32", 2))],
                     ["b"], [Constant("c", TensorType("float32", (2,)), np.ones(2, np.float32))])
    script = tmp_path / "direct.mjs"
    script.write_text(f"""
import {{ createRequire }} from 'node:module';
import {{ loadPlan, runPlan }} from {json.dumps(str(tfjs.WORKER_SCRIPT.parent / "executor.mjs"))};
const require = createRequire({json.dumps(str(tfjs.find_node_modules()) + "/")});
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
await tf.setBackend('cpu');
const plan = loadPlan(tf, {json.dumps(plan.to_json())});
const x = tf.tensor([1, 2]), y = tf.tensor([3, 4]);
const [b] = runPlan(tf, plan, {{ y, x }});
const {{ outputs, values }} = runPlan(tf, plan, [x, y], {{ keepAll: true }});
const res = {{ b: await b.array(), keys: Object.keys(values), a: await values.a.array(),
              same: outputs[0] === values.b }};
[b, ...outputs, ...Object.values(values), x, y].forEach((t) => t.dispose());
plan.dispose();
res.left = tf.memory().numTensors;
process.stdout.write(JSON.stringify(res));
""")
    out = subprocess.run([tfjs.find_node(), str(script)], capture_output=True, text=True,
                         check=True).stdout
    assert json.loads(out) == {"b": [4, 9], "keys": ["a", "b"], "a": [3, 8], "same": True,
                               "left": 0}


def test_default_executor_runs_only_rule_commands():
    """A plan from an untrusted source cannot call TF.js functions no rule emits (tf.io...)."""
    plan = Plan("p", "tfjs", [val("x", "float32", 2)], [],
                [op("tf.topk", Ref("x"), 1, out=[val("v", "float32", 1), val("i", "int32", 1)])],
                [Ref("v")])
    with pytest.raises(ExecutionError, match=r'op 0: "tf.topk" is not an allowed command'):
        tfjs.run_plan(plan, [randn(2)])
    np.testing.assert_array_equal(run(plan, [np.array([1.0, 3.0], np.float32)])[0], [3.0])


def test_commands_module_is_in_sync_with_the_rules():
    assert tfjs.COMMANDS_MODULE.read_text() == tfjs.commands_module(), \
        "regenerate it: python -m threepio.backends.tfjs"


def test_scatter_updates_leave_their_input_intact():
    """tfjs-backend-cpu's tensorScatterUpdate writes into its input's buffer, which a reshape
    (or the plan input itself) shares: index_put and scatter must not change values other ops
    still read."""
    import torch

    import threepio

    x = torch.arange(12.0).reshape(4, 3)
    i, v = torch.tensor([2, 0]), torch.tensor([[-1.0, -2.0, -3.0], [7.0, 8.0, 9.0]])
    plan = threepio.trace(lambda x, i, v: (torch.index_put(x, (i,), v), x * 2,
                                           torch.scatter(x, 0, i[:, None].expand(2, 3), v), x),
                          (x, i, v))
    for target in ("tfjs:cpu", "tfjs:wasm"):
        report = threepio.check(plan, targets=(target,))
        assert report.ok, str(report)
