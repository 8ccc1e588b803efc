"""The catalog matcher (threepio.catalog.match): names across naming styles, the synonym table,
parameter alignment by name, synonym, position and type, and confidence on known pairs."""

import pytest

from threepio.catalog import match
from threepio.catalog.match import align, name_match, normalise, propose, score, synonyms
from threepio.catalog.model import Command, Param, load_catalog
from threepio.errors import RuleFileError


@pytest.fixture(scope="module")
def cats():
    return {"torch": load_catalog("torch", "2.13.0"), "tfjs": load_catalog("tfjs", "4.22.0"),
            "tf": load_catalog("tf", "2.21.0"), "numpy": load_catalog("numpy", "2.4.6")}


@pytest.mark.parametrize("name, expected", [
    ("tf.clipByValue", "clip_by_value"),
    ("tf.clip_by_value", "clip_by_value"),
    ("torch.nn.functional.log_softmax", "log_softmax"),
    ("tf.logSoftmax", "log_softmax"),
    ("tf.nn.log_softmax", "log_softmax"),
    ("tf.matMul", "mat_mul"),
    ("torch.Tensor.__add__", "add"),
    ("tf.isNaN", "is_nan"),
    ("keepDims", "keep_dims"),
    ("tf.image.resizeBilinear", "resize_bilinear"),
    ("np.linalg.norm", "norm"),
])
def test_names_normalise_across_styles(name, expected):
    assert normalise(name) == expected


def test_compact_form_joins_words():
    assert match.compact("keepDims") == match.compact("keepdims") == "keepdims"
    assert match.words("tf.argMax") == ("arg", "max")


@pytest.mark.parametrize("a, b, how", [
    ("torch.clamp", "tf.clipByValue", "synonym"),
    ("torch.cat", "tf.concat", "synonym"),
    ("torch.mm", "tf.matMul", "synonym"),
    ("torch.nn.functional.log_softmax", "tf.logSoftmax", "name"),
    ("torch.acos", "np.arccos", "synonym"),
    ("torch.flip", "tf.reverse", "synonym"),
])
def test_command_names_match_by_name_or_synonym(a, b, how):
    s, got = name_match(a, b)
    assert got == how and s >= 0.95


def test_unrelated_names_score_low():
    s, how = name_match("torch.clamp", "tf.conv2d")
    assert how == "similar" and s < 0.5


def test_parameter_synonyms_are_symmetric():
    syn = synonyms()
    assert "axis" in syn.param_synonyms("dim") and "dim" in syn.param_synonyms("axis")
    assert "keepdims" in syn.param_synonyms("keepdim")      # keepDims, keep_dims: one compact
    assert "x" in syn.param_synonyms("input")
    assert "clipvaluemin" in syn.param_synonyms("min")
    # pair-specific groups apply only to their pair
    assert "inputtensor" in syn.param_synonyms("input", ("torch", "tf"))
    assert "inputtensor" not in syn.param_synonyms("input", ("torch", "numpy"))


def test_synonym_table_errors_name_the_file(tmp_path):
    p = tmp_path / "syn.yaml"
    p.write_text("commands: {clamp: clip}\n")
    with pytest.raises(RuleFileError, match=r"syn\.yaml: commands: a list of name groups"):
        match.read_synonyms(p)
    p.write_text("pairs: {torch: {params: []}}\n")
    with pytest.raises(RuleFileError, match="pairs are keyed 'torch->tfjs'"):
        match.read_synonyms(p)


def _links(al):
    return {(ln.src, ln.dst, ln.how) for ln in al.links}


def test_alignment_by_synonym(cats):
    al = align(cats["torch"].commands["torch.clamp"], cats["tfjs"].commands["tf.clipByValue"])
    assert _links(al) == {("input", "x", "synonym"), ("min", "clipValueMin", "synonym"),
                          ("max", "clipValueMax", "synonym")}
    assert al.dst_unlinked == () and al.score == pytest.approx(0.95 * 0.5 + 0.95 * 0.4 + 0.1)


def test_alignment_dim_axis_keepdim_keepdims(cats):
    al = align(cats["torch"].commands["torch.logsumexp"], cats["tfjs"].commands["tf.logSumExp"])
    assert ("dim", "axis", "synonym") in _links(al)
    assert ("keepdim", "keepDims", "synonym") in _links(al)


def test_alignment_by_position_respects_types():
    src = Command("torch.f", (Param("input", type="Tensor"), Param("flag", default="False")))
    ok = Command("tf.g", (Param("p", type="Tensor"), Param("q", type="boolean", optional=True)))
    bad = Command("tf.h", (Param("p", type="Tensor"), Param("q", type="Tensor")))
    assert _links(align(src, ok)) == {("input", "p", "position"), ("flag", "q", "position")}
    al = align(src, bad)                     # a bool flag never feeds a tensor parameter
    assert _links(al) == {("input", "p", "position")} and al.dst_unlinked == ("q",)
    assert al.src_unlinked == ("flag",)


def test_alignment_ignores_bookkeeping_parameters(cats):
    al = align(cats["torch"].commands["torch.cat"], cats["tf"].commands["tf.concat"])
    assert {ln.dst for ln in al.links} == {"values", "axis"}         # not name=
    assert "out" not in al.src_unlinked


@pytest.mark.parametrize("src, target, dst", [
    ("torch.clamp", "tfjs", "tf.clipByValue"),
    ("torch.clamp", "tf", "tf.clip_by_value"),
    ("torch.clamp", "numpy", "np.clip"),
    ("torch.cat", "tfjs", "tf.concat"),
    ("torch.cat", "tf", "tf.concat"),
    ("torch.mm", "tfjs", "tf.matMul"),
    ("torch.nn.functional.log_softmax", "tfjs", "tf.logSoftmax"),
    ("torch.nn.functional.log_softmax", "tf", "tf.nn.log_softmax"),
    ("torch.flip", "numpy", "np.flip"),
    ("torch.atan2", "tfjs", "tf.atan2"),
])
def test_best_proposal_on_known_pairs(cats, src, target, dst):
    best = propose(cats["torch"].commands[src], cats[target], target)[0]
    assert best.dst == dst and best.confidence >= 0.9, best


def test_confidence_ranks_the_true_pair_above_a_near_name(cats):
    src = cats["torch"].commands["torch.nn.functional.log_softmax"]
    right = score(src, cats["tfjs"].commands["tf.logSoftmax"], "tfjs")
    near = score(src, cats["tfjs"].commands["tf.softmax"], "tfjs")
    assert right.confidence - near.confidence > 0.2


def test_a_name_match_is_not_a_proof(cats):
    """tf.math.atan2(y, x) scores as high as the true pair while its arguments align the wrong
    way round (input -> x): only the numerical check catches it (scrapers/propose.py)."""
    p = score(cats["torch"].commands["torch.atan2"], cats["tf"].commands["tf.math.atan2"], "tf")
    assert p.confidence >= 0.9 and ("input", "x", "synonym") in _links(p.alignment)


def test_proposals_skip_classes_and_io(cats):
    props = propose(cats["torch"].commands["torch.add"], cats["tfjs"], "tfjs", n=5)
    assert props and not any(p.dst.startswith(("tf.Tensor.", "tf.io.")) for p in props)
