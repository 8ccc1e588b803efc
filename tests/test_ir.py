"""The plan IR: JSON and text forms round-trip exactly; malformed files are refused with the
file, the op and what is wrong."""

import json
import math

import numpy as np
import pytest

from threepio.errors import PlanFormatError, PlanLintError
from threepio.ir import Cast, Constant, DType, Op, Plan, Ref, TensorType, Value
from threepio.plan_json import dumps, loads
from threepio.plan_text import format_plan, parse_plan


def small_plan() -> Plan:
    f32 = TensorType("float32", (2, 3))
    return Plan(
        "small", "aten",
        inputs=[Value("x", f32), Value("y", TensorType("int64", (2,)))],
        constants=[Constant("c0", TensorType("float32", ()), np.array(0.5, np.float32))],
        ops=[
            Op("aten.mul.Tensor", (Ref("x"), Ref("c0")), {}, [Value("m", f32)], "model.py:3"),
            Op("aten.max_pool2d_with_indices.default", (Ref("m"), [2, 2]),
               {"note": "a \"quoted\" string", "eps": 1e-05, "lim": -math.inf, "n": math.nan,
                "dt": DType("float32"), "flags": [True, False, None], "refs": [Ref("y")]},
               [Value("p", f32), Value("i", None)], None, "tfjs.yaml:12"),
        ],
        outputs=[Ref("p"), Ref("y")],
        casts=[Cast("y", "int64", "int32", True, "TF.js has no int64")],
    )


def test_json_round_trip_is_exact():
    p = small_plan()
    text = dumps(p)
    assert dumps(loads(text)) == text
    json.loads(text)  # strict JSON (no NaN/Infinity tokens): browsers can read it
    assert "NaN" not in text and "Infinity" not in text


def test_text_round_trip_is_exact():
    p = small_plan()
    printed = format_plan(p)
    again = parse_plan(printed)
    assert format_plan(again) == printed
    assert dumps(again) == dumps(p)


def test_untyped_input_round_trips():
    p = Plan("u", "torch", [Value("x", None)], [], [], [Ref("x")])
    assert "input %x: ?" in format_plan(p)
    assert parse_plan(format_plan(p)).inputs[0].type is None


def test_printed_op_line_shows_types_rule_and_source():
    lines = format_plan(small_plan()).splitlines()
    assert "%m = aten.mul.Tensor(%x, %c0)   # f32[2,3]  src=model.py:3" in lines
    assert any(line.startswith("%p, %i = aten.max_pool2d_with_indices.default(") and
               line.endswith("# f32[2,3], ?  rule=tfjs.yaml:12") for line in lines)


def test_traced_and_translated_plans_round_trip(mlp_step_plan, tfjs_mlp_step):
    for p in (mlp_step_plan, tfjs_mlp_step):
        assert dumps(loads(dumps(p))) == dumps(p)
        assert dumps(parse_plan(str(p))) == dumps(p)


def _bad(mutate, filename="plan.json"):
    d = json.loads(dumps(small_plan()))
    mutate(d)
    with pytest.raises(PlanFormatError) as e:
        loads(json.dumps(d), filename)
    return str(e.value)


def test_malformed_json_names_file_line_and_column():
    with pytest.raises(PlanFormatError, match=r"^broken\.json:2:\d+: invalid JSON"):
        loads('{"format": "threepio.plan",\n "version": 1,,}', "broken.json")


@pytest.mark.parametrize("mutate, expected", [
    (lambda d: d["ops"][1].pop("target"), r"plan\.json: op 1: missing field 'target'"),
    (lambda d: d["ops"][0]["outputs"][0].update(dtype="float128"),
     r"op 0 \(aten\.mul\.Tensor\) output 0: unknown dtype 'float128'"),
    (lambda d: d["ops"][0].update(args=[{"ref": "nope"}]),
     r"op 0 \(aten\.mul\.Tensor\): uses %nope before it is defined"),
    (lambda d: d["ops"][1].update(args=[{"what": 1}]), r"op 1 .*unrecognised argument object"),
    (lambda d: d.update(version=99), r"format version 99 is not supported"),
    (lambda d: d.update(namespace="jax"), r"unknown namespace 'jax'"),
    (lambda d: d["constants"][0].update(data="AAAA"), r"constant 0: data holds 3 bytes"),
    (lambda d: d["inputs"][0].update(shape=[2, -1]), r"input 0: shape must be"),
    (lambda d: d.update(outputs=["zz"]), r"output 0: %zz is not defined"),
    (lambda d: d["ops"][1]["outputs"][0].update(name="m"), r"value %m is defined twice"),
    (lambda d: d.pop("format"), r"not a threepio plan"),
])
def test_malformed_plan_errors_name_the_place(mutate, expected):
    import re

    msg = _bad(mutate)
    assert msg.startswith("plan.json: ")
    assert re.search(expected, msg), msg


def test_text_parse_error_names_line():
    text = format_plan(small_plan()).replace("aten.mul.Tensor(%x, %c0)",
                                             "aten.mul.Tensor(%x,, %c0)")
    with pytest.raises(PlanFormatError, match=r"^p\.txt:6:\d+: cannot parse plan line"):
        parse_plan(text, "p.txt")


def test_lint_reports_every_problem_and_prints_the_plan():
    p = small_plan()
    p.ops[0].args = (Ref("later"), Ref("c0"))
    p.ops[1].target = "tf.madeUp"
    with pytest.raises(PlanLintError) as e:
        p.lint(known_targets={"aten.mul.Tensor"})
    msg = str(e.value)
    assert "op 0 (aten.mul.Tensor): uses %later before it is defined" in msg
    assert "op 1: unknown target 'tf.madeUp'" in msg
    assert "--- plan ---" in msg and "plan \"small\" aten v1" in msg


def test_rename_updates_definitions_and_uses():
    p = small_plan().rename({"m": "scaled", "p": "pooled"})
    assert [r.name for r in p.outputs] == ["pooled", "y"]
    assert p.ops[1].args[0] == Ref("scaled")
    p.lint()
    with pytest.raises(PlanLintError, match="already used"):
        p.rename({"scaled": "x"})
