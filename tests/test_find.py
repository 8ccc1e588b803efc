"""`threepio find` (threepio.catalog.search): fuzzy search over catalogs and rules, the mapping
status per target and where it comes from, and the 'did you mean' of translation errors."""

import json

import pytest

import threepio
from threepio.catalog import search
from threepio.cli import main
from threepio.errors import TranslationError
from threepio.ir import Op, Plan, Ref, TensorType, Value
from threepio.rules import loader

STATUSES = {"proven", "failing", "refused", "mapped", "no rule"}


def test_find_clamp_shows_the_pair_and_a_status_per_target(capsys):
    assert main(["find", "clamp", "-n", "30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("torch.clamp  (torch 2.13.0; name)")
    assert "tf.clipByValue  (tfjs 4.22.0; synonym)" in out
    assert "np.clip  (numpy 2.4.6; synonym)" in out
    block = out.split("\n\n")[0].split("torch.clamp_")[0]   # torch.clamp's own lines
    for t in ("tfjs", "tf", "numpy"):
        assert f"\n    {t} " in block


def test_find_json(capsys):
    assert main(["find", "clipByValue", "--json", "-n", "5"]) == 0
    hits = json.loads(capsys.readouterr().out)
    first = hits[0]
    assert (first["name"], first["framework"], first["how"]) == ("tf.clipByValue", "tfjs", "name")
    assert "emitted_by" in first and first["targets"] == {}
    torch_hits = [h for h in hits if h["framework"] == "torch"]
    assert torch_hits, "clipByValue's synonyms (clamp, clip) find the PyTorch commands"
    for h in torch_hits:
        assert set(h["targets"]) == {"tfjs", "tf", "numpy"}
        for st in h["targets"].values():
            assert st["status"] in STATUSES and st["source"]


def test_find_restricts_frameworks(capsys):
    assert main(["find", "log_softmax", "--framework", "tf", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and {h["framework"] for h in hits} == {"tf"}
    assert hits[0]["name"] == "tf.nn.log_softmax"


def test_find_reports_no_match(capsys):
    assert main(["find", "zzqqxx"]) == 0
    assert capsys.readouterr().out.strip() == "no match"


def test_summary_words_are_searched():
    hits = search.find("arccosine in radians", limit=20)
    assert any(h.name == "torch.acos" and h.how == "summary" for h in hits)


@pytest.fixture
def fake_world(monkeypatch):
    """A target whose rules and conformance rows cover each status once."""
    rules = loader.parse_rules(
        "target: tfjs\nprefixes: [tf]\ncast: 'tf.cast(x, dtype)'\nrules:\n"
        "  torch.foo: {torch: 'foo(input)', emit: 'tf.abs(input)'}\n"
        "  torch.bar: {torch: 'bar(input)', unsupported: 'bar has no exact form'}\n"
        "  torch.gen: {torch: 'gen(input)', emit: 'tf.neg(input)',\n"
        "              generated: {by: threepio.scrapers.propose, confidence: 0.93}}\n",
        "fake.yaml", "tfjs")
    cov = {"ops": {
        "foo": {"tfjs": {"counts": {"pass": 3}, "reasons": []}},
        "baz": {"tfjs": {"counts": {"refused": 2}, "reasons": ["no rule for aten.baz.default"]}},
        "qux": {"tfjs": {"counts": {"pass": 1, "fail": 1}, "reasons": []}},
        "qux.variant": {"tfjs": {"counts": {"pass": 2}, "reasons": []}},
    }}
    monkeypatch.setattr(loader, "load_rules", lambda target, path=None: rules)
    monkeypatch.setattr(search, "_coverage", lambda: cov)


def test_status_per_target_says_where_it_comes_from(fake_world):
    st = search.status("torch.foo", "tfjs")
    assert (st.status, st.detail.split(";")[0]) == ("proven", "3/3 samples")
    assert st.source.startswith("coverage.json: OpInfo foo") and st.commands == ["tf.abs"]
    st = search.status("torch.bar", "tfjs")
    assert (st.status, st.source) == ("refused", "rules") and "bar has no exact form" in st.detail
    st = search.status("torch.baz", "tfjs")
    assert (st.status, st.detail) == ("refused", "(no rule for aten.baz.default)")
    st = search.status("torch.qux", "tfjs")           # variants add up: 1 of 4 fails
    assert (st.status, st.detail) == ("failing", "1/4 samples")
    assert "qux, qux.variant" in st.source
    st = search.status("torch.gen", "tfjs")
    assert st.status == "mapped" and st.generated == {"by": "threepio.scrapers.propose",
                                                      "confidence": 0.93}
    assert "generated, confidence 0.93" in st.detail
    assert search.status("torch.nothing", "tfjs").status == "no rule"


def test_generated_field_is_kept_and_checked():
    with pytest.raises(threepio.errors.RuleFileError, match=r"x\.yaml:5: rule 'torch\.g': "
                       "'generated' is a mapping naming the tool"):
        loader.parse_rules("target: tfjs\nprefixes: [tf]\ncast: 'tf.cast(x, dtype)'\nrules:\n"
                           "  torch.g: {torch: 'g(input)', emit: 'tf.neg(input)', generated: 1}\n",
                           "x.yaml", "tfjs")


# -- did you mean -------------------------------------------------------------------------------
def _one_op(key: str) -> Plan:
    t = TensorType("float32", (2, 3))
    return Plan("p", "torch", [Value("x", t)], [], [Op(key, (Ref("x"),), {}, [Value("y", t)],
                                                        "model.py:3")], [Ref("y")]).lint()


SMALL = loader.parse_rules(
    "target: tfjs\nprefixes: [tf]\ncast: 'tf.cast(x, dtype)'\nrules:\n" + "".join(
        f"  {k}: {{torch: '{k.split('.')[-2] if k.startswith('aten.') else k.split('.')[-1]}"
        f"(input)', emit: 'tf.abs(input)'}}\n" for k in (
            "torch.abs", "torch.nn.functional.log_softmax", "aten._log_softmax.default",
            "aten.clamp.default", "aten.clamp.Tensor", "torch.nn.functional.relu",
            "torch.Tensor.clamp", "torch.flip")), "small.yaml", "tfjs")


@pytest.mark.parametrize("missing, expected", [
    ("torch.absolute", "torch.abs"),                                     # synonym, same module
    ("torch.special.log_softmax", "torch.nn.functional.log_softmax"),    # same name, public
    ("aten.clip.default", "aten.clamp.default"),                         # synonym, same overload
    ("torch.Tensor.clip", "torch.Tensor.clamp"),                         # synonym, same module
    ("torch.nn.functional.relu7", "torch.nn.functional.relu"),           # a typo
])
def test_translation_error_suggests_the_mapped_neighbour(missing, expected):
    with pytest.raises(TranslationError) as e:
        threepio.translate(_one_op(missing), "tfjs", rules=SMALL)
    assert e.value.suggestions[0] == expected, e.value.suggestions
    assert f"closest mapped commands: {expected}" in str(e.value)


def test_shipped_rules_suggest_too():
    with pytest.raises(TranslationError) as e:
        threepio.translate(_one_op("torch.nn.functional.log_softmaxx"), "tfjs")
    assert e.value.suggestions[0] == "torch.nn.functional.log_softmax"


def test_suggestions_prefer_the_same_namespace():
    keys = ["aten.clamp.default", "torch.clamp", "torch.Tensor.clamp", "torch.flip"]
    assert search.suggest("torch.clip", keys)[0] == "torch.clamp"
    assert search.suggest("torch.Tensor.clip", keys)[0] == "torch.Tensor.clamp"
    assert search.suggest("aten.clip.default", keys)[0] == "aten.clamp.default"
    assert search.suggest("torch.qqq", keys) == ()
