"""The proposer (scrapers/propose.py): candidate rules from matcher proposals, the numerical gate
that ships only verified ones, and the generated part files it wrote."""

import pytest
from threepio.scrapers import propose as P

from threepio.catalog.match import score
from threepio.catalog.model import load_catalog
from threepio.rules.loader import TARGETS, load_rules


@pytest.fixture(scope="module")
def cats():
    return {"torch": load_catalog("torch", "2.13.0"), "tfjs": load_catalog("tfjs", "4.22.0"),
            "tf": load_catalog("tf", "2.21.0"), "numpy": load_catalog("numpy", "2.4.6")}


def _candidate(cats, key, target, dst):
    src = P.Source(key, cats["torch"].commands[key], [], False)
    return P.render(src, score(src.command, cats[target].commands[dst], target),
                    cats[target].commands[dst])


def test_candidate_guards_what_the_target_cannot_take(cats):
    c = _candidate(cats, "torch.clamp", "tfjs", "tf.clipByValue")
    assert "torch: clamp(input, min=null, max=null)" in c.yaml          # out= is never traced
    assert ('when: "min != null and not is_tensor(min) and max != null and not is_tensor(max)"'
            in c.yaml)
    assert 'emit: "tf.clipByValue(input, min, max)"' in c.yaml
    assert "generated: {by: threepio.scrapers.propose, confidence: 0.9" in c.yaml


def test_candidate_skips_bookkeeping_parameters_by_keyword(cats):
    c = _candidate(cats, "torch.cumsum", "numpy", "np.cumsum")
    assert 'emit: "np.cumsum(input, dim, dtype)"' in c.yaml                # a, axis, dtype
    c = _candidate(cats, "torch.amax", "numpy", "np.amax")     # a, axis, out=, keepdims
    assert 'emit: "np.amax(input, dim, keepdims=keepdim)"' in c.yaml


def test_an_absent_dim_is_never_assumed_to_mean_the_same(cats):
    """torch.cross(dim=None) picks the first dimension of size 3; tf.linalg.cross works on the
    last one. Samples of shape (n, 3) cannot tell them apart, so such a candidate is not
    written at all, and a dim mapped to an axis is required to be given."""
    assert _candidate(cats, "torch.cross", "tf", "tf.linalg.cross") is None
    c = _candidate(cats, "torch.cross", "numpy", "np.cross")
    assert c is not None and "dim != null" in c.yaml


def test_tfjs_candidates_never_skip_a_positional_argument(cats):
    src = P.Source("torch.f", cats["torch"].commands["torch.cumsum"], [], False)
    prop = score(src.command, cats["tfjs"].commands["tf.cumsum"], "tfjs")
    assert "tf.cumsum(input, dim)" in P.render(src, prop, cats["tfjs"].commands["tf.cumsum"]).yaml


def test_the_numerical_gate_catches_a_swapped_argument_order():
    """tf.math.atan2(y, x) aligns input -> x by name: a confident proposal that is wrong on every
    sample. NumPy's atan2(x1, x2) is right and passes."""
    [src] = P.sources(only={"torch.atan2"})
    samples = P.traced_samples(src, per_dtype=2)
    assert samples
    cats = {t: load_catalog(*P.CATALOGS[t]) for t in ("tf", "numpy")}
    for target, dst, ok in (("tf", "tf.math.atan2", False), ("numpy", "np.atan2", True)):
        prop = score(src.command, cats[target].commands[dst], target)
        assert prop.confidence >= P.THRESHOLD
        cand = P.render(src, prop, cats[target].commands[dst], float_only=True)
        v = P.verify(cand, samples)
        assert v.accepted > 0 and v.ok is ok, v.failures


def test_generated_rules_are_recorded_and_map_the_same_keys():
    keys = {}
    for t in TARGETS:
        rs = load_rules(t)
        gen = {k for k, r in rs.rules.items() if r.generated}
        in_file = {k for k, r in rs.rules.items() if r.where.startswith(f"{t}/generated.yaml:")}
        assert gen == in_file, "only generated.yaml holds generated rules, and all of them are"
        assert {r.generated["by"] for k, r in rs.rules.items() if k in gen} <= {P.BY}
        keys[t] = gen
    assert keys["tfjs"] == keys["tf"] == keys["numpy"]
    for t in TARGETS:               # a key refused on a target names the nearest proposal
        for k in keys[t]:
            rule = load_rules(t).rules[k]
            reasons = [c.unsupported for c in rule.cases if c.unsupported]
            if len(reasons) == len(rule.cases):
                assert reasons[0].startswith("no verified proposal"), (t, k, reasons)
