"""threepio.compat: the 2020 Threepio API as PySyft 0.2.x called it, backed by the rules.

Commands are built the way PySyft's ``PlanTranslatorThreepio`` built them: the action's last
name part (``matmul``, ``__gt__``, ``copy``), the target placeholder first, then the arguments.
Translated command lists are run through ``threepio.run`` (TF.js, TF, NumPy) and compared with
PyTorch running the original commands.
"""

import os
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

import threepio
from threepio.compat import Command, Placeholder, Threepio, TranslationMissing, TypesRequired
from threepio.errors import TranslationError
from threepio.ir import Plan, Ref, TensorType, Value
from threepio.rules.loader import load_rules

ROOT = Path(__file__).resolve().parent.parent


def f32(*shape):
    return TensorType("float32", shape)


class PlaceholderId:
    """Like PySyft's PlaceholderId: compared and hashed by value, exposed as ``id``."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    @property
    def id(self):
        return self.value

    def __eq__(self, other):
        return isinstance(other, PlaceholderId) and other.value == self.value

    def __hash__(self):
        return hash(self.value)

    def __repr__(self):
        return f"PlaceholderId({self.value})"


# -- running command lists -----------------------------------------------------------------------
def torch_reference(cmds, inputs):
    """Run 2020-style torch commands in PyTorch (methods with the target first; in-place
    commands mutate their target); returns the store."""
    store = dict(inputs)

    def val(a):
        if isinstance(a, list):
            return [val(x) for x in a]
        return store[a] if isinstance(a, (PlaceholderId, Placeholder)) else a

    for c in cmds:
        name = {"copy": "clone"}.get(c.function_name, c.function_name)
        fn = getattr(torch.Tensor, name)
        out = fn(*[val(a) for a in c.args], **{k: val(v) for k, v in c.kwargs.items()})
        store[c.placeholder_output] = out
    return store


def to_plan(target, inputs, results, outputs):
    """The translated command lists as a plan, so threepio.run executes them (values are
    renamed on reassignment: a placeholder may be written twice)."""
    names, plan, count = {}, Plan("compat", target), iter(range(10**6))

    def define(p):
        names[p] = f"v{next(count)}"
        return names[p]

    def arg(a):
        if isinstance(a, list):
            return [arg(x) for x in a]
        return Ref(names[a]) if isinstance(a, (PlaceholderId, Placeholder)) else a

    for p, a in inputs.items():
        plan.inputs.append(Value(define(p), TensorType(str(a.dtype), a.shape)))
    for cmds in results:
        for c in cmds:
            args, kwargs = tuple(arg(a) for a in c.args), {k: arg(v) for k, v in c.kwargs.items()}
            plan.ops.append(threepio.Op(c.name, args, kwargs, [Value(define(
                c.placeholder_output))]))
    plan.outputs = [Ref(names[p]) for p in outputs]
    return plan.lint()


def assert_runs_like_torch(cmds, inputs, outputs, types, targets=("tfjs", "tf", "numpy")):
    ref = torch_reference(cmds, {p: torch.from_numpy(a) for p, a in inputs.items()})
    for target in targets:
        results = Threepio("torch", target).translate_all(cmds, types)
        got = threepio.run(to_plan(target, inputs, results, outputs), list(inputs.values()))
        for p, g in zip(outputs, got):
            want = ref[p].detach().numpy()
            assert g.shape == want.shape, (target, p)
            np.testing.assert_allclose(g, want, rtol=1e-4, atol=1e-5, err_msg=f"{target} {p}")


# -- the API ---------------------------------------------------------------------------------------
def test_command_and_placeholder_have_the_2020_fields():
    a, b = Placeholder("a"), Placeholder("b")
    cmd = Command("add", [a, b], {}, placeholder_output=Placeholder("c"))
    assert (cmd.function_name, cmd.args, cmd.kwargs, cmd.attrs) == ("add", [a, b], {}, [])
    assert cmd == Command("add", [Placeholder("a"), b], {}, None, Placeholder("c"))
    assert cmd != Command("add", [b, a], {}, None, Placeholder("c"))
    assert repr(cmd) == ("Command('add', [Placeholder('a'), Placeholder('b')], {}, attrs=[], "
                         "placeholder_output=Placeholder('c'))")
    assert issubclass(TranslationMissing, TranslationError)
    with pytest.raises(ValueError, match="must differ"):
        Threepio("torch", "torch")


@pytest.mark.parametrize("name, key", [
    ("torch.nn.functional.linear", "torch.nn.functional.linear"),
    ("linear", "torch.nn.functional.linear"),
    ("F.relu", "torch.nn.functional.relu"),
    ("relu", "torch.Tensor.relu"),
    ("add", "torch.Tensor.add"),
    ("torch.add", "torch.add"),
    ("softmax", "torch.nn.functional.softmax"),
    ("torch.softmax", "torch.nn.functional.softmax"),
    ("logSoftmax", "torch.nn.functional.log_softmax"),
    ("copy", "torch.Tensor.clone"),
    ("__gt__", "torch.Tensor.__gt__"),
    ("__rtruediv__", "torch.Tensor.__rtruediv__"),
    ("argmax", "torch.Tensor.argmax"),
    ("torch.argmax", "torch.argmax"),
    ("mm", "aten.mm.default"),
    ("aten.addmm.default", "aten.addmm.default"),
])
def test_names_resolve_in_the_documented_order(name, key):
    assert Threepio("torch", "tfjs").resolve(name) == key


@pytest.mark.parametrize("name", ["add_", "__iadd__", "torch.Tensor.mul_"])
def test_in_place_names_are_refused(name):
    with pytest.raises(TranslationMissing, match="in-place commands mutate a placeholder"):
        Threepio("torch", "tfjs").translate(Command(name, [Placeholder("x"), 1], {}))


def test_a_missing_command_is_refused_with_suggestions():
    with pytest.raises(TranslationMissing) as e:
        Threepio("torch", "tfjs").translate(Command("matmull", [Placeholder("x")], {}))
    assert "no translation for 'matmull' from torch to tfjs" in str(e.value)
    assert "torch.matmul" in e.value.suggestions and "closest mapped" in str(e.value)
    with pytest.raises(TranslationMissing, match="no rule in mappings/tf.yaml"):
        Threepio("torch", "tf").translate(Command("erfinv", [Placeholder("x")], {}))


def test_a_rule_that_needs_types_says_what_to_pass():
    x = Placeholder("x")
    with pytest.raises(TypesRequired) as e:
        Threepio("torch", "tfjs").translate(Command("softmax", [x], {"dim": 1}))
    msg = str(e.value)
    assert "torch.nn.functional.softmax" in msg and "rank of %a0 is not known" in msg
    assert "missing for argument 0 Placeholder('x')" in msg
    assert "types=[TensorType(" in msg and "attrs={'shapes'" in msg
    # rules that read no type translate untyped
    (mm,) = Threepio("torch", "tfjs").translate(Command("mm", [x, x], {}))
    assert mm.name == "tf.matMul" and mm.args == [x, x]


def test_types_come_from_the_argument_the_attrs_or_the_placeholder():
    tp, x, out = Threepio("torch", "tfjs"), Placeholder("x"), Placeholder("out")
    want = [Command("softmax", [x, -1], {}, ["tf", "softmax"], out)]
    cmd = Command("softmax", [x], {"dim": 1}, placeholder_output=out)
    assert tp.translate(cmd, types=[f32(4, 10)]) == want
    assert tp.translate(cmd, types={x: "f32[4,10]"}) == want
    assert tp.translate(cmd, types={"x": [4, 10]}) == want              # by key, default dtype
    assert tp.translate(Command("softmax", [x], {"dim": 1}, {"shapes": {x: (4, 10)}},
                                out)) == want
    assert tp.translate(Command("softmax", [Placeholder("x", f32(4, 10))], {"dim": 1},
                                placeholder_output=out)) == want

    class PySyftPlaceHolder:                                             # expected_shape
        id, expected_shape = "x", torch.Size([4, 10])

    assert tp.translate(Command("softmax", [PySyftPlaceHolder()], {"dim": 1},
                                placeholder_output=out))[0].args[1] == -1
    (c,) = tp.translate(Command("softmax", [Ref("x")], {"dim": 0}, placeholder_output=out),
                        types=[f32(4)])                                  # a threepio Ref
    assert c.args == [Ref("x"), -1]


def test_arguments_pytorch_rejects_are_reported():
    tp, a, b = Threepio("torch", "tfjs"), Placeholder("a"), Placeholder("b")
    with pytest.raises(threepio.PlanFormatError, match="PyTorch rejects torch.Tensor.matmul"):
        tp.translate(Command("matmul", [a, b], {}), types=[f32(2, 3), f32(4, 5)])
    with pytest.raises(TranslationError, match=r"signature `max\(self\)` takes 1"):
        tp.translate(Command("max", [a, 1], {}), types=[f32(2, 3)])   # (values, indices)
    with pytest.raises(threepio.PlanFormatError, match="dict argument"):
        tp.translate(Command("add", [a, {"x": 1}], {}), types=[f32(2, 3)])


# -- what the 2020 library got wrong -----------------------------------------------------------
def test_linear_keeps_its_bias_and_chains_through_placeholders():
    x, w, b, out = (PlaceholderId(i) for i in (1, 2, 3, 4))
    tp = Threepio("torch", "tfjs", None)
    mm, add = tp.translate(Command("linear", [x, w, b], {}, placeholder_output=out),
                           types=[f32(64, 784), f32(392, 784), f32(392)])
    assert (mm.name, mm.args) == ("tf.matMul", [x, w, False, True])
    assert (add.name, add.args, add.placeholder_output) == ("tf.add", [mm.placeholder_output, b],
                                                            out)
    assert mm.placeholder_output == Placeholder("4.out_1")             # fresh, after the output
    (only,) = tp.translate(Command("linear", [x, w], {}, placeholder_output=out),
                           types=[f32(64, 784), f32(392, 784)])
    assert (only.name, only.args, only.placeholder_output) == ("tf.matMul", [x, w, False, True],
                                                               out)
    made = []
    custom = Threepio("torch", "tfjs", placeholder=lambda key: made.append(key) or key.upper())
    r = custom.translate(Command("linear", [x, w, b], {}, placeholder_output=out),
                         types=[f32(2, 3, 784), f32(392, 784), f32(392)])
    assert [c.name for c in r] == ["tf.reshape", "tf.matMul", "tf.add", "tf.reshape"]
    assert made == ["4.out_1", "4.out_2", "4.out_3"] and r[1].args[0] == "4.OUT_1"
    assert r[-1].args == ["4.OUT_3", [2, 3, 392]] and r[-1].placeholder_output == out
    rng = np.random.default_rng(2)
    inputs = {x: rng.random((5, 7), "float32"), w: rng.random((3, 7), "float32"),
              b: rng.random(3, "float32")}
    cmd = Command("linear", [x, w, b], {}, placeholder_output=out)
    want = torch.nn.functional.linear(*map(torch.from_numpy, inputs.values())).numpy()
    for target in ("tfjs", "tf", "numpy"):
        result = Threepio("torch", target).translate(cmd, types=[f32(5, 7), f32(3, 7), f32(3)])
        (got,) = threepio.run(to_plan(target, inputs, [result], [out]), list(inputs.values()))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_reshape_is_a_reshape_not_a_keras_layer():
    x, out = Placeholder("x"), Placeholder("y")
    (c,) = Threepio("torch", "tfjs").translate(Command("reshape", [x, [-1, 1]], {},
                                                       placeholder_output=out), types=[f32(6)])
    assert c == Command("reshape", [x, [6, 1]], {}, ["tf", "reshape"], out)
    (c,) = Threepio("torch", "tf").translate(Command("view", [x, 3, 2], {},
                                                     placeholder_output=out), types=[f32(6)])
    assert c.attrs == ["tf", "reshape"] and c.args == [x, [3, 2]]


def test_translation_is_reentrant_and_leaves_the_rules_alone():
    rules = load_rules("tfjs")
    before = (dict(rules.rules), set(rules.commands), len(rules.files))
    x, w, b, out = (Placeholder(n) for n in "xwbo")
    cmd = Command("linear", [x, w, b], {}, placeholder_output=out)
    types = [f32(8, 4), f32(3, 4), f32(3)]
    tp = Threepio("torch", "tfjs")
    first = tp.translate(cmd, types=types)
    first[0].args.append("mutated by the caller")                       # PySyft mutates args
    first[0].args[1] = None
    assert tp.translate(cmd, types=types) == Threepio("torch", "tfjs").translate(cmd, types=types)
    assert len(tp.translate(cmd, types=types)) == 2
    assert (dict(rules.rules), set(rules.commands), len(rules.files)) == before
    assert cmd.args == [x, w, b] and cmd.kwargs == {}                   # the input is untouched
    results, errors = [], []

    def worker(i):
        try:
            xs = [Placeholder(f"x{i}"), w, b]
            results.append((i, tp.translate(Command("linear", xs, {}, placeholder_output=i),
                                            types=types)))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 16
    for i, (mm, add) in results:
        assert mm.args[0] == Placeholder(f"x{i}") and add.placeholder_output == i


def test_constants_and_identities_are_commands_of_the_target():
    x, out = Placeholder("x"), Placeholder("out")
    fill, mul = Threepio("torch", "tfjs").translate(
        Command("mul", [x, 3], {}, placeholder_output=out), types=[TensorType("int32", (4,))])
    assert fill == Command("fill", [[], 3, "int32"], {}, ["tf", "fill"], Placeholder("out.c_1"))
    assert mul.args == [x, fill.placeholder_output] and mul.placeholder_output == out
    copy = Command("copy", [x], {}, placeholder_output=out)
    assert Threepio("torch", "tfjs").translate(copy, types=[f32(2)]) == [
        Command("cast", [x, "float32"], {}, ["tf", "cast"], out)]
    assert Threepio("torch", "tfjs").translate(copy)[0].name == "tf.clone"  # untyped
    assert Threepio("torch", "numpy").translate(copy)[0].name == "np.asarray"
    assert Threepio("torch", "tf").translate(copy)[0].name == "tf.convert_to_tensor"


# -- MNIST, as PySyft's plans recorded it ---------------------------------------------------------
def mnist_like_commands():
    """The commands of PySyft's MNIST training plan, on a small MLP: forward, softmax
    cross-entropy, a gradient step and accuracy. ``"%n"`` is the output of command n."""
    P = PlaceholderId
    X, y, bs, lr, W, b = (P(n) for n in ("X", "y", "bs", "lr", "W", "b"))
    spec = [("t", [W]), ("matmul", [X, "%1"]), ("add", ["%2", b]), ("relu", ["%3"]),
            ("max", ["%4"]), ("sub", ["%4", "%5"]), ("exp", ["%6"]),
            ("sum", ["%7"], {"dim": 1, "keepdim": True}), ("log", ["%8"]), ("sub", ["%6", "%9"]),
            ("mul", [y, "%10"]), ("sum", ["%11"]), ("neg", ["%12"]), ("div", ["%13", bs]),
            ("__rtruediv__", ["%8", 1]), ("mul", ["%7", "%15"]), ("sub", ["%16", y]),
            ("div", ["%17", bs]), ("__gt__", ["%3", 0]), ("mul", ["%18", "%19"]),
            ("t", ["%20"]), ("matmul", ["%21", X]), ("copy", [W]), ("mul", ["%22", lr]),
            ("sub", ["%23", "%24"]), ("reshape", ["%14", [-1, 1]]), ("argmax", ["%4"], {"dim": 1}),
            ("argmax", [y], {"dim": 1}), ("eq", ["%27", "%28"]), ("float", ["%29"]),
            ("sum", ["%30"]), ("div", ["%31", bs])]

    def ref(a):
        return P(int(a[1:])) if isinstance(a, str) and a.startswith("%") else a

    cmds = [Command(name, [ref(a) for a in args], kw[0] if kw else {}, placeholder_output=P(i))
            for i, (name, args, *kw) in enumerate(spec, start=1)]
    rng = np.random.default_rng(0)
    inputs = {X: rng.random((16, 12), dtype="float32"),
              y: np.eye(5, dtype="float32")[rng.integers(0, 5, 16)],
              bs: np.array([16.0], "float32"), lr: np.array([0.1], "float32"),
              W: rng.standard_normal((5, 12), dtype="float32"),
              b: rng.standard_normal(5, dtype="float32")}
    return cmds, inputs, [P(26), P(25), P(32)]


def test_mnist_commands_translate_and_run_like_pytorch():
    cmds, inputs, outputs = mnist_like_commands()
    names = {c.function_name for c in cmds}
    assert {"t", "matmul", "add", "relu", "max", "sub", "exp", "sum", "log", "mul", "neg", "div",
            "reshape", "copy", "__gt__", "__rtruediv__", "eq", "float", "argmax"} <= names
    types = {p: TensorType(str(a.dtype), a.shape) for p, a in inputs.items()}
    results = Threepio("torch", "tfjs").translate_all(cmds, types)
    by_name = {c.function_name: r for c, r in zip(cmds, results)}
    assert [c.name for c in by_name["sum"]] == ["tf.sum"]
    assert [c.name for c in by_name["copy"]] == ["tf.cast"]
    assert [c.name for c in by_name["__gt__"]] == ["tf.greater"]
    assert [c.name for c in by_name["__rtruediv__"]] == ["tf.div"]
    # float argmax: tf.argMax, plus PyTorch's NaN rule (the first NaN wins; TF.js skips NaN)
    argmax = [c.name for c in by_name["argmax"]]
    assert argmax[0] == "tf.argMax" and {"tf.isNaN", "tf.any", "tf.where"} <= set(argmax)
    assert_runs_like_torch(cmds, inputs, outputs, types)


def _pysyft_mnist_plan():
    for d in (os.environ.get("THREEPIO_PYSYFT_FIXTURES"), ROOT / "tests/data/pysyft",
              ROOT.parent / "shared/fixtures/pysyft"):
        if d and (Path(d) / "mnist_plan.pb").is_file():
            return Path(d) / "mnist_plan.pb"
    pytest.fail("PySyft MNIST fixture (mnist_plan.pb) not found beside the repository "
                "(../shared/fixtures/pysyft); set THREEPIO_PYSYFT_FIXTURES")


def pysyft_commands(path):
    """PySyft's translator loop over the fixture: one Command per action, target first."""
    from threepio.compat import pysyft_commands as commands

    return commands(path, placeholder=PlaceholderId)


def test_pysyft_mnist_plan_all_95_actions():
    cmds, types, outputs = pysyft_commands(_pysyft_mnist_plan())
    assert len(cmds) == 95
    tp = Threepio("torch", "tfjs")
    with pytest.raises(TranslationMissing, match="in-place"):
        tp.translate_all(cmds, types)
    fixed = [Command("add", c.args, c.kwargs, placeholder_output=c.placeholder_output)
             if c.function_name == "add_" else c for c in cmds]
    results = tp.translate_all(fixed, types)
    names = [c.name for r in results for c in r]
    assert not any("layers" in n for n in names) and all(n.startswith("tf.") for n in names)
    sums = [r[0] for c, r in zip(cmds, results) if c.kwargs.get("keepdim")]
    assert sums and all(s.args[-1] is True and not s.kwargs for s in sums)  # keepDims positional
    rng = np.random.default_rng(1)
    inputs = {p: rng.standard_normal(t.shape, dtype="float32") * 0.1 for p, t in types.items()}
    X, y, bs, lr = list(inputs)[:4]
    inputs[y] = np.eye(10, dtype="float32")[rng.integers(0, 10, 64)]
    inputs[bs], inputs[lr] = np.array([64.0], "float32"), np.array([0.005], "float32")
    ref = torch_reference(cmds, {p: torch.from_numpy(a) for p, a in inputs.items()})
    for target in ("tfjs", "tf", "numpy"):
        res = Threepio("torch", target).translate_all(fixed, types)
        got = threepio.run(to_plan(target, inputs, res, outputs), list(inputs.values()))
        for p, g in zip(outputs, got):
            np.testing.assert_allclose(g, ref[p].numpy(), rtol=1e-4, atol=1e-6,
                                       err_msg=f"{target} {p}")


# -- reverse directions -----------------------------------------------------------------------
def test_reverse_directions_invert_one_call_rules():
    x, y, out = Placeholder("x"), Placeholder("y"), Placeholder("out")
    counts = {(a, b): len(Threepio(a, b).commands())
              for a, b in [("tf", "torch"), ("tfjs", "torch"), ("tf", "tfjs"), ("tfjs", "tf")]}
    assert all(n >= 15 for n in counts.values()), counts
    assert Threepio("tf", "torch").translate(Command("exp", [x], {}, placeholder_output=out),
                                             types=[f32(3)]) == [
        Command("exp", [x], {}, ["torch", "exp"], out)]
    (mm,) = Threepio("tfjs", "torch").translate(Command("matMul", [x, y], {}),
                                                types=[f32(2, 3), f32(3, 4)])
    assert mm.attrs == ["torch", "matmul"] and mm.args == [x, y]
    (mm,) = Threepio("tf", "tfjs").translate(Command("matmul", [x, y], {}),
                                             types=[f32(2, 3), f32(3, 4)])
    assert mm.name == "tf.matMul"
    (relu,) = Threepio("tfjs", "tf").translate(Command("tf.relu", [x], {}), types=[f32(3)])
    assert relu.name == "tf.nn.relu"


def test_reverse_directions_refuse_what_they_cannot_invert_exactly():
    x, y = Placeholder("x"), Placeholder("y")
    with pytest.raises(TypesRequired, match="inversion is checked"):
        Threepio("tfjs", "torch").translate(Command("matMul", [x, y], {}))
    with pytest.raises(TranslationMissing, match="not invertible for this call: .*covers only"):
        Threepio("tfjs", "torch").translate(Command("matMul", [x, y, False, True], {}),
                                            types=[f32(2, 3), f32(4, 3)])
    with pytest.raises(TranslationMissing, match="translates back to tf.cast, tf.math.reduce_sum"):
        Threepio("tf", "torch").translate(Command("reduce_sum", [x], {}),
                                          types=[TensorType("int32", (3,))])
    with pytest.raises(TranslationMissing, match=r"emit tf\.conv2d .* are not invertible"):
        Threepio("tfjs", "tf").translate(Command("conv2d", [x, y], {}))
    with pytest.raises(TranslationMissing, match="has no rule emitting it"):
        Threepio("tf", "tfjs").translate(Command("tf.keras.layers.Reshape", [x], {}))


def test_reverse_translation_runs_like_the_source():
    x, w, h, out = (Placeholder(n) for n in ("x", "w", "h", "out"))
    src = [Command("tf.matMul", [x, w], {}, placeholder_output=h),
           Command("tf.relu", [h], {}, placeholder_output=out)]
    rng = np.random.default_rng(3)
    inputs = {x: rng.random((4, 3), "float32") - 0.5, w: rng.random((3, 2), "float32") - 0.5}
    want = np.maximum(inputs[x] @ inputs[w], 0)
    results = Threepio("tfjs", "tf").translate_all(src, {x: f32(4, 3), w: f32(3, 2)})
    assert [c.name for r in results for c in r] == ["tf.linalg.matmul", "tf.nn.relu"]
    for target, cmds in (("tf", results), ("tfjs", [[c] for c in src])):
        (got,) = threepio.run(to_plan(target, inputs, cmds, [out]), list(inputs.values()))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
