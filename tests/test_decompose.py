"""API-level commands without a rule translate through their Core ATen decomposition
(threepio/decompose.py), proven like everything else; value-dependent graphs are refused."""

import pytest
import torch
import torch.nn.functional as F

import threepio
from threepio.errors import TranslationError
from threepio.rules.loader import load_rules


def api_plan(fn, *inputs):
    return threepio.trace(fn, inputs, level="api")


def test_commands_without_rules_run_through_their_decomposition():
    def f(x, y):
        return F.gelu(x) + F.softplus(y).sum(1, keepdim=True) + torch.logsumexp(x, 1, True)

    plan = api_plan(f, torch.randn(4, 5), torch.randn(4, 5))
    for target in ("numpy", "tf", "tfjs"):
        rules = load_rules(target).rules
        assert "torch.logsumexp" not in rules and "torch.nn.functional.softplus" not in rules
        report = threepio.check(plan, targets=(target,))
        assert report.ok, str(report)
    tfjs = threepio.translate(plan, "tfjs")
    assert {op.source for op in tfjs.ops} == {op.source for op in plan.ops}


def test_a_value_dependent_graph_is_refused():
    x = torch.randn(4, 5)
    plan = api_plan(lambda x, m: x[m], x, x > 0)
    with pytest.raises(TranslationError, match=r"no rule for torch\.Tensor\.__getitem__ .*, and "
                                               r"its decomposition gives f32\[\d+\] for "
                                               r"f32\[\d+\]: the graph depends on the values"):
        threepio.translate(plan, "tfjs")


def test_a_missing_aten_rule_names_the_api_command_it_came_from():
    plan = api_plan(lambda x: torch.special.erfinv(x) * 2, torch.rand(3) - 0.5)
    with pytest.raises(TranslationError) as e:
        threepio.translate(plan, "tfjs")
    msg = str(e.value)
    assert "no rule for aten.erfinv.default" in msg
    assert "op 0 `torch.special.erfinv` has no rule of its own on tfjs; this is step 0 of its " \
           "ATen decomposition" in msg
    assert e.value.index == 0


def test_a_rule_case_can_choose_the_decomposition():
    """TF.js's max_pool2d rule maps the plain 4-D pool itself and hands dilation, ceil_mode,
    CHW input and indices to the ATen decomposition (a ``decompose:`` case)."""
    x = torch.relu(torch.randn(3, 7, 7))
    x[0, 1, 1] = float("nan")

    def f(x):
        y, i = F.max_pool2d(x, (2, 3), (2, 1), (1, 0), (2, 1), ceil_mode=True, return_indices=True)
        return y, i

    plan = api_plan(f, x)
    tfjs = threepio.translate(plan, "tfjs")
    assert "torch.nn.functional.max_pool2d" in load_rules("tfjs").rules
    assert not any(op.target == "tf.maxPool" for op in tfjs.ops)  # the ATen rule's gather
    report = threepio.check(plan, targets=("tfjs",))
    assert report.ok, str(report)
    direct = threepio.translate(api_plan(lambda x: F.max_pool2d(x, 2), x[None]), "tfjs")
    assert any(op.target == "tf.maxPool" for op in direct.ops)
