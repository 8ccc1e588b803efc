"""The translator: refusals name the op, its position, the target and the closest commands;
dtype changes are recorded; inputs are checked before anything runs."""

import numpy as np
import pytest
import torch

import threepio
from threepio.errors import PlanInputError, TranslationError
from threepio.ir import Constant, Op, Plan, Ref, TensorType, Value


def test_unknown_op_is_refused_with_position_and_suggestions():
    plan = threepio.trace(lambda x: torch.erfinv(x) + 1, (torch.rand(2, 3),))
    with pytest.raises(TranslationError) as e:
        threepio.translate(plan, "tfjs")
    err = e.value
    assert err.op == "aten.erfinv.default" and err.index == 0 and err.target == "tfjs"
    msg = str(err)
    assert "cannot translate op 0 `%erfinv = aten.erfinv.default(%x)`" in msg
    assert "test_translate.py:" in msg  # the user's source line
    assert "no rule for aten.erfinv.default in tfjs.yaml" in msg
    assert "closest mapped commands:" in msg and "aten.erf.default" in err.suggestions
    assert "add a rule for aten.erfinv.default to mappings/tfjs.yaml" in msg


def test_refused_case_gives_the_rules_reason():
    # a data-dependent shape: TF.js computes nonzero only asynchronously
    plan = threepio.trace(lambda x: torch.nonzero(x), (torch.rand(3, 4) > 0.5,))
    with pytest.raises(TranslationError, match=r"refused by rule tfjs/tensor\.yaml:\d+: nonzero "
                                               r"has a data-dependent shape; TF\.js only "
                                               r"computes it asynchronously"):
        threepio.translate(plan, "tfjs")


def test_scatter_outside_the_exact_form_is_refused_with_reason():
    plan = threepio.trace(lambda x, i: torch.scatter(x, 0, i, 1.5),
                          (torch.rand(3, 4), torch.zeros(2, 4, dtype=torch.int64)))
    with pytest.raises(TranslationError,
                       match=r"refused by rule tfjs\.yaml:\d+: only scattering one value per "
                             r"row along the last dim"):
        threepio.translate(plan, "tfjs")


def test_gather_along_any_dim_translates_exactly():
    x, i = torch.rand(3, 4), torch.tensor([[2, 0, 1, 2], [0, 0, 2, 1]])
    plan = threepio.trace(lambda x, i: torch.gather(x, 0, i), (x, i))
    for target in ("tfjs:cpu", "tfjs:wasm"):
        assert threepio.check(plan, targets=(target,)).ok


def test_no_applicable_case_lists_the_conditions():
    from threepio.rules.loader import parse_rules
    from threepio.translator import translate

    rules = parse_rules("target: tfjs\nprefixes: [tf]\ncast: 'tf.cast(x, dtype)'\nrules:\n"
                        "  aten.neg.default:\n    torch: neg(self)\n    cases:\n"
                        "      - {when: 'self.rank == 1', emit: tf.neg(self)}\n", "r.yaml", "tfjs")
    plan = threepio.trace(lambda x: -x, (torch.rand(2, 2),))
    with pytest.raises(TranslationError, match=r"no case of rule r\.yaml:5 applies; its "
                                               r"conditions: `self\.rank == 1`"):
        translate(plan, "tfjs", rules=rules)


def test_names_sources_and_rules_are_kept(mlp_step_plan, tfjs_mlp_step):
    assert [v.name for v in tfjs_mlp_step.inputs] == [v.name for v in mlp_step_plan.inputs]
    assert [r.name for r in tfjs_mlp_step.outputs] == [r.name for r in mlp_step_plan.outputs]
    assert all(op.rule and op.rule.startswith("tfjs.yaml:") for op in tfjs_mlp_step.ops)
    assert all(op.target.startswith("tf.") for op in tfjs_mlp_step.ops)
    traced = {op.outputs[0].name: op.source for op in mlp_step_plan.ops}
    for op in tfjs_mlp_step.ops:
        if op.outputs[0].name in traced:
            assert op.source == traced[op.outputs[0].name]


def test_translating_a_translated_plan_is_refused(tfjs_mlp_step):
    with pytest.raises(TranslationError, match="already in the tfjs namespace"):
        threepio.translate(tfjs_mlp_step, "tf")


@pytest.fixture(scope="module")
def labels_plan(mnist):
    return threepio.trace(mnist.mlp_step_labels, mnist.mlp_step_labels_example())


def test_int64_labels_are_narrowed_and_recorded_for_tfjs(labels_plan):
    tfjs = threepio.translate(labels_plan, "tfjs")
    labels = next(v for v in tfjs.inputs if v.name == "labels")
    assert labels.type.dtype == "int32"
    cast = next(c for c in tfjs.casts if c.value == "labels")
    assert (cast.from_dtype, cast.to_dtype, cast.checked) == ("int64", "int32", True)
    assert "TF.js has no int64" in cast.reason
    # every narrowed intermediate is listed too, never silent
    narrowed = {c.value for c in tfjs.casts if not c.checked}
    assert {"argmax", "sum_2"} <= narrowed or len(narrowed) >= 2


def test_int64_beyond_int32_is_refused_when_the_plan_runs(labels_plan):
    tfjs = threepio.translate(labels_plan, "tfjs")
    inputs = list(labels_plan.examples)
    inputs[1] = inputs[1].copy()
    inputs[1][5] = 2**31 + 7
    with pytest.raises(PlanInputError) as e:
        threepio.run(tfjs, inputs)
    msg = str(e.value)
    assert "input 1 %labels" in msg and "2147483655 at index [5]" in msg
    assert "is outside [-2147483648, 2147483647]" in msg and "TF.js has no int64" in msg


@pytest.mark.parametrize("change, match", [
    (lambda xs: xs[:-1], r"takes 6 inputs \(%X, %labels, %W1, %b1, %W2, %b2\), got 5"),
    (lambda xs: [xs[0].astype(np.float64)] + xs[1:], r"input 0 %X .*expected float32, got float64"),
    (lambda xs: [xs[0][:3]] + xs[1:], r"input 0 %X .*expected shape \[64, 784\], got \[3, 784\]"),
])
def test_wrong_inputs_are_refused_before_running(labels_plan, change, match):
    tfjs = threepio.translate(labels_plan, "tfjs")
    with pytest.raises(PlanInputError, match=match):
        threepio.run(tfjs, change(list(labels_plan.examples)))


def test_constant_beyond_int32_is_refused_at_translation():
    big = Plan("big", "aten", [Value("x", TensorType("int64", (2,)))],
               [Constant("k", TensorType("int64", (2,)), np.array([1, 2**40]))],
               [Op("aten.add.Tensor", (Ref("x"), Ref("k")), {},
                   [Value("y", TensorType("int64", (2,)))])], [Ref("y")])
    with pytest.raises(TranslationError, match=r"constant %k: holds 1099511627776, which does "
                                               r"not fit int32 on tfjs"):
        threepio.translate(big.lint(), "tfjs")


def test_python_scalars_keep_pytorch_dtypes_on_tfjs():
    """An int tensor times a Python int stays an int; an int tensor times a float becomes
    float32 (PyTorch's promotion), although TF.js would upcast/downcast on its own."""
    def f(x):
        return x * 3, x * 0.5, x / 2

    x = torch.arange(6, dtype=torch.int32).reshape(2, 3)
    plan = threepio.trace(f, (x,))
    tfjs = threepio.translate(plan, "tfjs")
    outs = threepio.run(tfjs, [x.numpy()])
    ref = f(x)
    for o, r in zip(outs, ref):
        assert o.dtype == r.numpy().dtype
        np.testing.assert_array_equal(o, r.numpy())


def test_rule_tolerance_override_needs_a_reason():
    from threepio.errors import RuleFileError
    from threepio.rules.loader import parse_rules

    text = ("target: tfjs\nprefixes: [tf]\ncast: 'tf.cast(x, dtype)'\nrules:\n"
            "  aten.neg.default: {torch: neg(self), emit: tf.neg(self), "
            "tolerance: {float32: 1.0e-3}}\n")
    with pytest.raises(RuleFileError, match=r"r\.yaml:5: .*a 'why' saying why"):
        parse_rules(text, "r.yaml", "tfjs")


def test_check_names_the_first_diverging_op():
    """A wrong rule (exp mapped to expm1) is caught and located: the first op whose value
    differs, with its source line, not just the final output."""
    from threepio.checker import first_divergence
    from threepio.rules.loader import parse_rules
    from threepio.translator import translate

    def f(x):
        y = torch.exp(x)
        return (y * 2).sum(dim=1)

    plan = threepio.trace(f, (torch.rand(3, 4),))
    bad = parse_rules(SMALL_RULES.replace("tf.exp(self)", "tf.expm1(self)"), "bad.yaml", "tfjs")
    tp = translate(plan, "tfjs", rules=bad)
    ref_out, ref_vals = threepio.run(plan, plan.examples, keep_all=True)
    d = first_divergence(plan, tp, plan.examples, ref_vals, plan.types(), "tfjs:cpu", "cpu")
    assert d is not None and d.op_index == 0 and d.op.startswith("%exp = aten.exp.default(%x)")
    assert d.source and d.source.startswith("test_translate.py:") and d.max_abs > 0.5
    assert "first divergence on tfjs:cpu: op 0" in str(d)


SMALL_RULES = (
    "target: tfjs\nprefixes: [tf]\ncast: 'tf.cast(x, dtype)'\nrules:\n"
    "  aten.exp.default: {torch: exp(self), emit: tf.exp(self)}\n"
    "  aten.mul.Tensor: {torch: 'mul(self, other)', emit: 'tf.mul(self, other)'}\n"
    "  aten.sum.dim_IntList:\n    torch: sum(self, dim, keepdim=false, *, dtype=null)\n"
    "    emit: tf.sum(self, dim, keepdim)\n")


def test_module_parameters_as_embedded_constants():
    lin = torch.nn.Linear(4, 3)
    plan = threepio.trace(lin, (torch.rand(2, 4),), params="constants")
    assert [v.name for v in plan.inputs] == ["input"]
    assert len(plan.constants) == 2
    report = threepio.check(plan)
    assert report.ok, str(report)


def test_float64_program_on_tfjs_is_narrowed_and_recorded():
    x = torch.rand(3, 4, dtype=torch.float64)
    plan = threepio.trace(lambda x: (x * 3).exp(), (x,))
    tfjs = threepio.translate(plan, "tfjs")
    assert tfjs.inputs[0].type.dtype == "float32"
    cast = tfjs.casts[0]
    assert (cast.value, cast.from_dtype, cast.to_dtype, cast.checked) == \
        ("x", "float64", "float32", False)
    (y,) = threepio.run(tfjs, [x.numpy()])           # float64 input accepted via the cast
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, (x * 3).exp().numpy(), rtol=1e-6)


def test_compare_checks_imaginary_parts_and_nan_positions():
    from threepio.checker import compare

    ref = np.array([1 + 2j, 3 - 1j], np.complex64)
    assert compare(ref, ref.copy(), 1e-5)[2]
    assert not compare(ref, np.array([1 + 2j, 3 + 1j], np.complex64), 1e-5)[2]
    nan = np.array([1.0, np.nan], np.float32)
    assert compare(nan, nan.copy(), 1e-5)[2]
    assert not compare(nan, np.array([np.nan, 1.0], np.float32), 1e-5)[2]
    assert not compare(np.array([np.inf]), np.array([-np.inf]), 1e-5)[2]
