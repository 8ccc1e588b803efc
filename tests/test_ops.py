"""Every mapping rule, proven: each sample of tests/op_samples.py becomes a one-op plan that is
translated to each target, run on the real framework and compared with PyTorch eager."""

import re

import numpy as np
import pytest
from op_samples import REFUSED, SAMPLES

import threepio
from threepio.conformance.samples import one_op_plan
from threepio.errors import GuardError, TranslationError
from threepio.rules.loader import load_rules

TARGETS = ["numpy", "tf", "tfjs"]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.id)
def test_rule(sample, target):
    plan, _ = one_op_plan(sample)
    reason = REFUSED.get((target, sample.id))
    if reason is not None:  # refused when translated, or by a guard of the translation
        try:
            translated = threepio.translate(plan, target)
        except TranslationError as e:
            assert re.search(reason, str(e)), f"refused for another reason: {e}"
            return
        assert translated.guards, f"translated without a guard; expected a refusal: {reason}"
        with pytest.raises(GuardError, match=reason):
            threepio.run(translated, plan.examples)
        return
    report = threepio.check(plan, targets=(target,) if target != "tfjs" else
                            ("tfjs:cpu", "tfjs:wasm"))
    assert report.ok, str(report)


@pytest.mark.parametrize("target", TARGETS)
def test_every_rule_has_a_sample(target):
    """No rule ships unproven: each key of the mapping file has at least one sample."""
    sampled = {s.key for s in SAMPLES}
    missing = sorted(set(load_rules(target).rules) - sampled)
    assert not missing, f"rules without a sample in tests/op_samples.py: {missing}"


def test_refusals_are_real():
    """Each expected refusal names a sample that exists (stale entries fail)."""
    ids = {s.id for s in SAMPLES}
    assert {sid for _, sid in REFUSED} <= ids
    assert np.all([t in TARGETS for t, _ in REFUSED])
