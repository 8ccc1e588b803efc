"""The catalog model (YAML round trip, stats), catalog diffs, ``--target-version`` checks and
their command line: ``threepio catalog stats``, ``maps diff``, ``scrape``, ``translate
--target-version``."""

import json

import numpy as np
import pytest
import torch

import threepio
from threepio.catalog.diff import compare_commands, diff_catalogs
from threepio.catalog.model import (
    Catalog,
    Command,
    Param,
    available,
    catalog_path,
    dump_catalog,
    load_catalog,
    parse_ref,
    read_catalog,
)
from threepio.catalog.versions import check_target_version
from threepio.cli import Exit, main
from threepio.errors import RuleFileError, TranslationError
from threepio.ir import Op, Plan, Ref, TensorType, Value
from threepio.rules.loader import load_rules

TFJS = [v for f, v in available() if f == "tfjs"]


def small(version, **commands):
    cat = Catalog("tfjs", version, "test", "test")
    for name, params in commands.items():
        cat.add(Command(f"tf.{name}", tuple(params), "Tensor", f"{name} summary",
                        f"https://js.tensorflow.org/api/{version}/#{name}", "(...)"))
    return cat


# -- the model ------------------------------------------------------------------------------

def test_round_trip(tmp_path):
    cat = small("1.0.0", add=[Param("a", type="Tensor|TensorLike"), Param("b")],
                sum=[Param("x"), Param("axis", optional=True, default="null"),
                     Param("rest", "var_positional")])
    cat.add(Command("tf.odd", (), signature="(x y", parsed=False,
                    summary="multi\nline: 'quoted' # not a comment"))
    path = tmp_path / "tfjs" / "1.0.0.yaml"
    text = dump_catalog(cat, path)
    back = read_catalog(path)
    assert back == cat
    assert dump_catalog(back) == text
    assert "- {name: axis, optional: true, default: 'null'}" in text or \
        "- {name: axis, default: 'null', optional: true}" in text


@pytest.mark.parametrize("version", TFJS)
def test_committed_catalogs_round_trip(version):
    path = catalog_path("tfjs", version)
    assert dump_catalog(read_catalog(path)) == path.read_text()


def test_stats_and_refs():
    cat = small("1.0.0", a=[], b=[])
    cat.add(Command("tf.c", signature="(", parsed=False))
    st = cat.stats()
    assert (st["commands"], st["signatures"], st["parsed"]) == (3, 3, 2)
    assert st["parse_rate"] == round(2 / 3, 4)
    assert parse_ref("tfjs@1.5.1") == ("tfjs", "1.5.1")
    assert parse_ref("tfjs") == ("tfjs", TFJS[-1])
    with pytest.raises(RuleFileError, match="no catalog for tfjs@0.1.0; available: 1.5.1"):
        parse_ref("tfjs@0.1.0")


def test_malformed_catalog_is_a_clear_error(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("framework: tfjs\nversion: 1\n")
    with pytest.raises(RuleFileError, match="bad.yaml: a catalog is a mapping"):
        read_catalog(p)
    p.write_text("framework: tfjs\nversion: '1'\ncommands:\n  tf.x:\n    params: [{type: T}]\n")
    with pytest.raises(RuleFileError, match="command 'tf.x' is malformed"):
        read_catalog(p)


# -- diffs ----------------------------------------------------------------------------------

def test_diff_kinds():
    old = small("1.0.0", a=[Param("x")], gone=[],
                g=[Param("x"), Param("axis", optional=True, default="0", type="number")])
    new = small("2.0.0", a=[Param("x")], new=[],
                g=[Param("x"), Param("axis", optional=True, default="1", type="number|null"),
                   Param("batchDims", optional=True)])
    d = diff_catalogs(old, new)
    assert (d.added, d.removed) == (["tf.new"], ["tf.gone"])
    [change] = d.changed
    assert change.name == "tf.g" and change.aspects == ["params", "defaults", "types"]
    assert "(x, axis?) -> (x, axis?, batchDims?)" in change.details[0]
    assert d.counts()["changed_by_aspect"] == {"params": 1, "defaults": 1, "types": 1,
                                               "returns": 0}
    # a default only one side documents, or spacing in a type, is not a change
    a = Command("tf.f", (Param("x", type="A | B", default="0"),))
    b = Command("tf.f", (Param("x", type="A|B"),))
    assert compare_commands(a, b).aspects == []


def test_real_diff_1_5_1_to_4_22_0():
    old, new = load_catalog("tfjs", "1.5.1"), load_catalog("tfjs", "4.22.0")
    d = diff_catalogs(old, new)
    assert d.added == sorted(set(new.commands) - set(old.commands))
    assert d.removed == sorted(set(old.commands) - set(new.commands))
    assert "tf.mirrorPad" in d.added and "tf.einsum" in d.added
    assert "tf.addStrict" in d.removed                 # the *Strict ops went in 2.x/3.x
    changed = {c.name: c for c in d.changed}
    assert "params" in changed["tf.image.resizeBilinear"].aspects   # halfPixelCenters
    assert "params" in changed["tf.gather"].aspects                  # batchDims
    assert "tf.abs" not in changed


# -- --target-version -----------------------------------------------------------------------

def bilinear(x):
    return torch.nn.functional.interpolate(x, size=(6, 10), mode="bilinear",
                                           align_corners=False)


@pytest.fixture(scope="module")
def bilinear_plans():
    """F.interpolate(mode="bilinear") as Core ATen records it under a decomposition-free
    export: one ``upsample_bilinear2d.vec`` op."""
    x, y = TensorType("float32", (1, 2, 3, 5)), TensorType("float32", (1, 2, 6, 10))
    plan = Plan("bilinear", "aten", [Value("x", x)], [],
                [Op("aten.upsample_bilinear2d.vec", (Ref("x"), [6, 10], False, None), {},
                    [Value("up", y)], "test_catalog.py:bilinear")], [Ref("up")]).lint()
    return plan, threepio.translate(plan, "tfjs")


def test_refusal_names_op_source_command_version(bilinear_plans):
    plan, out = bilinear_plans
    # PyTorch's half-pixel sampling is resizeBilinear's 4th argument, which 1.5.1 lacks
    assert any(op.target == "tf.image.resizeBilinear" and len(op.args) == 4 for op in out.ops)
    with pytest.raises(TranslationError) as e:
        check_target_version(out, "1.5.1", source=plan)
    msg = str(e.value)
    i = next(k for k, op in enumerate(out.ops) if op.target == "tf.image.resizeBilinear")
    assert f"op {i} `" in msg and "TF.js 1.5.1" in msg
    assert "from source op 0 `%" in msg and "aten.upsample_bilinear2d" in msg
    assert "tf.image.resizeBilinear takes at most 3 positional argument(s) in tfjs@1.5.1 " \
           "(images, size, alignCorners?); the plan passes 4; tfjs@2.8.6 is the first " \
           "catalogued release that accepts it" in msg
    assert e.value.index == i and e.value.op == "tf.image.resizeBilinear"


def test_same_plan_passes_where_the_release_has_it(bilinear_plans):
    plan, out = bilinear_plans
    for version in ("2.8.6", "4.22.0"):
        assert check_target_version(out, version, source=plan) is out
    # and it runs on the installed TF.js (4.22.0), matching PyTorch
    x = np.random.default_rng(0).random((1, 2, 3, 5), dtype=np.float32)
    [got] = threepio.run(out, [x])
    np.testing.assert_allclose(got, bilinear(torch.from_numpy(x)).numpy(), atol=1e-5)


def test_missing_command_is_refused_with_alternatives():
    x = Value("x", TensorType("float32", (2, 3)))
    out = Value("y", TensorType("float32", (2, 7)))
    plan = Plan("p", "tfjs", [x], [], [Op("tf.mirrorPad", (Ref("x"), [[0, 0], [2, 2]],
                                                           "reflect"), {}, [out])], [Ref("y")])
    with pytest.raises(TranslationError, match=r"op 0 `%y = tf.mirrorPad.*tf.mirrorPad is not "
                       r"in tfjs@1.5.1[^\n]*\n  nearest in tfjs@1.5.1: .*tf.pad"):
        check_target_version(plan, "1.5.1")
    assert check_target_version(plan, "2.8.6") is plan
    with pytest.raises(TranslationError, match="no catalog for TF.js 0.9.0: --target-version "
                       "takes one of 1.5.1, 2.8.6"):
        check_target_version(plan, "0.9.0")


def test_rule_commands_per_release():
    """Every command the TF.js rules emit exists in the newest catalog (the installed release
    the rules are proven on); older releases may lack some, which --target-version refuses."""
    commands = load_rules("tfjs").commands
    newest = load_catalog("tfjs", TFJS[-1])
    assert sorted(c for c in commands if c not in newest.commands) == []


def test_tf_and_numpy_accept_only_the_installed_release(mlp_step_plan):
    import tensorflow as tf

    out = threepio.translate(mlp_step_plan, "numpy")
    assert check_target_version(out, np.__version__) is out
    with pytest.raises(TranslationError, match=f"cannot target NumPy 1.16.0: .* installed NumPy "
                       f"{np.__version__} only"):
        check_target_version(out, "1.16.0")
    out = threepio.translate(mlp_step_plan, "tf")
    assert check_target_version(out, tf.__version__) is out


def test_mnist_step_runs_on_every_release(tfjs_mlp_step, mlp_step_plan):
    for version in TFJS:
        assert check_target_version(tfjs_mlp_step, version, source=mlp_step_plan)


# -- the command line -----------------------------------------------------------------------

def test_cli_maps_diff(capsys):
    assert main(["maps", "diff", "tfjs@1.5.1", "tfjs@4.22.0", "--json"]) == Exit.OK
    doc = json.loads(capsys.readouterr().out)
    d = diff_catalogs(load_catalog("tfjs", "1.5.1"), load_catalog("tfjs", "4.22.0"))
    assert doc["counts"] == d.counts() and doc["added"] == d.added
    assert main(["maps", "diff", "tfjs@1.5.1", "tfjs"]) == Exit.OK
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"tfjs@1.5.1 -> tfjs@{TFJS[-1]}: {len(d.added)} added, ")
    assert main(["maps", "diff", "tfjs@0.0.1", "tfjs"]) == Exit.RULES
    assert "no catalog for tfjs@0.0.1" in capsys.readouterr().err
    others = [f"{f}@{v}" for f, v in available() if f != "tfjs"]
    if others:     # another framework's catalog is committed: diffing across is refused
        assert main(["maps", "diff", "tfjs@1.5.1", others[0]]) == Exit.RULES
        assert "two releases of one framework" in capsys.readouterr().err


def test_cli_catalog_stats(capsys):
    assert main(["catalog", "stats", "--json"]) == Exit.OK
    rows = {(r["framework"], r["version"]): r for r in json.loads(capsys.readouterr().out)}
    for v in TFJS:
        assert rows[("tfjs", v)]["commands"] == len(load_catalog("tfjs", v).commands)


def test_cli_scrape(tmp_path, capsys):
    out = tmp_path / "tfjs.yaml"
    assert main(["scrape", "tfjs", "--version", "4.22.0", "-o", str(out)]) == Exit.OK
    assert out.read_text() == catalog_path("tfjs", "4.22.0").read_text()
    assert "tfjs@4.22.0:" in capsys.readouterr().err
    assert main(["scrape", "tfjs", "--version", "9.9.9", "-o", str(out)]) == Exit.RULES
    assert "no API data for TF.js 9.9.9" in capsys.readouterr().err
    assert main(["scrape", "jax"]) == Exit.RULES


def test_cli_translate_target_version(tmp_path, capsys, bilinear_plans):
    plan, _ = bilinear_plans
    src = tmp_path / "plan.json"
    src.write_text(plan.to_json())
    code = main(["translate", str(src), "--to", "tfjs", "--target-version", "1.5.1", "-o",
                 str(tmp_path / "out.json")])
    err = capsys.readouterr().err
    assert code == Exit.REFUSED and "cannot target TF.js 1.5.1" in err
    assert not (tmp_path / "out.json").exists()
    assert main(["translate", str(src), "--to", "tfjs", "--target-version", "4.22.0", "-o",
                 str(tmp_path / "out.json")]) == Exit.OK
    assert (tmp_path / "out.json").exists()
