"""Conformance in CI: a representative subset of the OpInfo matrix (the full matrix is
`make conformance`), the expectations table, and the committed results staying in sync."""

import json
import re
from pathlib import Path

import pytest

from threepio.conformance.cases import entries, op_key
from threepio.conformance.expectations import load_expectations
from threepio.conformance.matrix import rules_digest, run_matrix
from threepio.errors import RuleFileError

DOCS = Path(__file__).resolve().parent.parent / "docs"
SUBSET = ("add", "sub", "mul", "div.no_rounding_mode", "exp", "log", "abs", "neg",
          "nn.functional.relu", "sigmoid", "tanh", "sum", "mean", "amax", "argmax", "softmax",
          "log_softmax", "matmul", "mm", "addmm", "nn.functional.linear",
          "nn.functional.conv2d", "nn.functional.max_pool2d", "where", "eq", "gt", "permute",
          "reshape", "view", "transpose", "flatten", "squeeze", "unsqueeze", "expand", "clone",
          "gather", "t", "maximum", "rsqrt", "floor")


@pytest.fixture(scope="module")
def subset():
    pattern = re.compile("^(" + "|".join(re.escape(k) for k in SUBSET) + ")$")
    return run_matrix(lambda k: pattern.match(k) is not None, max_per_dtype=2)


def test_subset_has_no_wrong_numbers(subset):
    """Zero silent mismatches: every case passes, or is refused with a reason, or is an
    expected failure listed with its reason in tests/conformance/expectations.yaml."""
    bad = [f for f in subset["failures"] if f["status"] in ("fail", "error", "xpass")]
    assert not bad, "\n".join(f"{f['case']} on {f['target']}: {f['status']}: {f['detail']}"
                              for f in bad)


def test_subset_covers_every_selected_op(subset):
    assert sorted(subset["ops"]) == sorted(SUBSET)
    for op, per in subset["ops"].items():
        for target, data in per.items():
            assert sum(data["counts"].values()) > 0, (op, target)


def test_subset_proves_the_spine_ops(subset):
    for op in ("add", "mul", "exp", "nn.functional.relu", "mm", "nn.functional.linear",
               "softmax", "sum"):
        for target in ("numpy", "tf", "tfjs"):
            counts = subset["ops"][op][target]["counts"]
            assert counts.get("pass", 0) > 0, (op, target, counts)


def test_expectations_table_entries_need_reasons(tmp_path):
    bad = tmp_path / "e.yaml"
    bad.write_text("ops:\n  add:\n    tfjs: {xfail: ''}\n")
    with pytest.raises(RuleFileError, match="e.yaml:2: add: xfail needs a reason"):
        load_expectations(bad)
    bad.write_text("ops:\n  add:\n    all: {tolerance: {float32: 1.0e-3}}\n")
    with pytest.raises(RuleFileError, match="a tolerance needs a 'why'"):
        load_expectations(bad)


def test_xfail_that_passes_fails_the_run(tmp_path):
    table = tmp_path / "e.yaml"
    table.write_text("ops:\n  add:\n    numpy: {xfail: 'pretend add is broken'}\n")
    ex = load_expectations(table)
    assert ex.expected("add", "numpy", "pass") == "xpass"
    assert ex.expected("add", "numpy", "fail") == "xfail"
    assert ex.expected("add", "tf", "pass") == "pass"


def test_expectations_name_real_ops():
    keys = {op_key(e) for e in entries()}
    ex = load_expectations()
    assert {op for op, _ in ex.xfail} <= keys
    assert {op for op, _, _ in ex.tolerance} <= keys


@pytest.mark.parametrize("stem, level", [("coverage", "aten"), ("coverage-api", "api")])
def test_committed_results_are_complete_and_in_sync(stem, level):
    """docs/coverage.json (ATen level) and docs/coverage-api.json (API level) cover every
    OpInfo entry and were produced by the shipped rules (regenerate with `make conformance`
    after changing mappings/)."""
    doc = json.loads((DOCS / f"{stem}.json").read_text())
    assert doc["level"] == level
    assert doc["rules"] == rules_digest(), "mappings/ changed: run `make conformance`"
    assert set(doc["ops"]) == {op_key(e) for e in entries()}
    md = (DOCS / f"{stem}.md").read_text()
    from threepio.conformance.report import markdown

    assert md == markdown(doc)
    assert f"docs/{stem}.md" in (DOCS.parent / "README.md").read_text()
    assert not [f for f in doc["failures"] if f["status"] in ("fail", "error", "xpass")], \
        "the committed matrix has wrong results"


def test_api_level_subset_translates_commands_without_rules():
    pattern = re.compile("^(logsumexp|nn.functional.softplus|add)$")
    doc = run_matrix(lambda k: pattern.match(k) is not None, max_per_dtype=2, level="api")
    assert not doc["failures"]
    for t in doc["targets"]:
        a = doc["api_commands"][t]
        assert a["verified_through_decomposition"] >= 2 and a["verified"] == 3, doc


def test_random_values_are_checked_for_their_distribution():
    """A random op's values are not compared one by one, but they must look drawn from
    PyTorch's distribution: a wrong scale, a wrong probability or NaNs fail."""
    import numpy as np

    from threepio.conformance.engine import _distribution_differs

    rng = np.random.default_rng(0)
    u = rng.random(2000).astype(np.float32)
    assert _distribution_differs(u, rng.random(2000).astype(np.float32)) is None
    assert "Kolmogorov-Smirnov" in _distribution_differs(u, 1.25 * rng.random(2000))
    assert _distribution_differs(rng.random(2000) < 0.5, rng.random(2000) < 0.8) is not None
    assert "non-finite" in _distribution_differs(u, np.full(2000, np.nan, np.float32))
    assert _distribution_differs(np.ones(1), np.ones(1)) is None      # one draw: no evidence
    assert _distribution_differs(np.zeros(0), np.zeros(0)) is None
