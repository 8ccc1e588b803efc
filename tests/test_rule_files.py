"""Mapping files: the shipped ones load and agree with the frameworks; broken ones are refused
with the file and line."""

import re
from pathlib import Path

import pytest

from threepio.errors import RuleFileError
from threepio.rules.loader import TARGETS, load_rules, mappings_dir, parse_rules

ROOT = Path(__file__).resolve().parent.parent
HEADER = "target: tfjs\nprefixes: [tf]\npositional_only: true\ncast: \"tf.cast(x, dtype)\"\n"
# kwargs the ATen tracer drops (memory placement on the CPU): a rule need not declare them
PLACEMENT = {"device", "layout", "pin_memory", "memory_format", "non_blocking"}


def broken(text, match):
    with pytest.raises(RuleFileError, match=match):
        parse_rules(HEADER + text, "bad.yaml", "tfjs")


def test_yaml_syntax_error_names_line():
    broken("rules:\n  aten.x.default: [\n  other: 1\n", r"^bad\.yaml:8:\d+: YAML syntax error")


def test_duplicate_key_names_both_lines():
    broken("rules:\n  aten.neg.default: {torch: neg(self), emit: tf.neg(self)}\n"
           "  aten.neg.default: {torch: neg(self), emit: tf.neg(self)}\n",
           r"^bad\.yaml:7: duplicate key 'aten\.neg\.default' \(first defined at line 6\)")


def test_bad_expression_shows_caret_and_line():
    with pytest.raises(RuleFileError) as e:
        parse_rules(HEADER + "rules:\n  aten.neg.default:\n    torch: neg(self)\n"
                    "    emit: tf.neg(self,, 1)\n", "bad.yaml", "tfjs")
    assert str(e.value).startswith("bad.yaml:8: in 'emit':") and "^" in str(e.value)


@pytest.mark.parametrize("body, match", [
    ("  aten.neg.default: {emit: tf.neg(self)}",
     r"bad\.yaml:6: rule 'aten\.neg\.default' needs 'torch'"),
    ("  aten.neg.default: {torch: neg(self), emitt: x}", r"unknown field\(s\) \['emitt'\]"),
    ("  aten.neg.default: {torch: neg(self)}", r"exactly one of 'emit', 'unsupported', "
                                               r"'decompose' or 'expand'"),
    ("  aten.neg.default: {torch: neg(self), cases: [{decompose: why}]}",
     r"'decompose' .* is for API-level commands"),
    ("  torch.neg: {torch: neg(self), cases: [{decompose: why, emit: self}]}",
     r"exactly one of 'emit', 'unsupported', 'decompose' or 'expand'"),
    ("  aten.neg.default: {torch: neg(self), cases: [{expand: no_such_expansion}]}",
     r"bad\.yaml:6: rule 'aten\.neg\.default': no expansion named 'no_such_expansion'"),
    ("  aten.neg.default: {torch: 'neg(self', emit: self}", r"bad signature"),
    ("  aten.sum.default: {torch: sum(self), emit: 'tf.sum(self, axis=0)'}",
     r"tf\.sum takes positional arguments only on tfjs"),
    ("  aten.neg.default: {torch: neg(self), cases: [{when: 'true', emitt: x}]}",
     r"a case takes when, emit, unsupported, decompose, expand and why"),
])
def test_invalid_rules_are_refused(body, match):
    broken("rules:\n" + body + "\n", match)


def test_a_command_defined_twice_via_family_and_rule():
    broken("families:\n  unary:\n    torch: '{op}(self)'\n    emit: 'tf.{cmd}(self)'\n"
           "    members: {aten.neg.default: neg}\n"
           "rules:\n  aten.neg.default: {torch: neg(self), emit: tf.neg(self)}\n",
           r"'aten\.neg\.default' is already defined at bad\.yaml:9")


def test_wrong_target_is_refused():
    with pytest.raises(RuleFileError, match="'target' must be 'tf'"):
        parse_rules(HEADER + "rules: {}\n", "x.yaml", "tf")


def test_part_files_add_rules_and_name_their_own_lines():
    main = HEADER + "rules:\n  aten.neg.default: {torch: neg(self), emit: tf.neg(self)}\n"
    part = "target: tfjs\nrules:\n  aten.abs.default: {torch: abs(self), emit: tf.abs(self)}\n"
    rs = parse_rules(main, "tfjs.yaml", "tfjs", [(part, "tfjs/unary.yaml")])
    assert set(rs.rules) == {"aten.neg.default", "aten.abs.default"}
    assert rs.rules["aten.abs.default"].where == "tfjs/unary.yaml:3"
    assert rs.files == ["tfjs.yaml", "tfjs/unary.yaml"]
    dup = part.replace("abs", "neg")
    with pytest.raises(RuleFileError, match=r"^tfjs/unary\.yaml:3: 'aten\.neg\.default' is "
                                            r"already defined at tfjs\.yaml:6"):
        parse_rules(main, "tfjs.yaml", "tfjs", [(dup, "tfjs/unary.yaml")])
    with pytest.raises(RuleFileError, match=r"^tfjs/x\.yaml:1: a part file holds only 'target', "
                                            r"'families' and 'rules'; \['dtypes'\] belong in"):
        parse_rules(main, "tfjs.yaml", "tfjs", [("dtypes: {}\n" + part, "tfjs/x.yaml")])
    with pytest.raises(RuleFileError, match=r"^tfjs/x\.yaml:1: 'target' must be 'tfjs'"):
        parse_rules(main, "tfjs.yaml", "tfjs", [(part.replace("tfjs", "tf", 1), "tfjs/x.yaml")])


@pytest.mark.parametrize("target", TARGETS)
def test_shipped_mappings_load(target):
    rules = load_rules(target)
    assert len(rules.rules) > 50 and rules.commands


@pytest.mark.parametrize("target", ["tf", "numpy"])
def test_every_target_maps_the_same_commands(target):
    tfjs = set(load_rules("tfjs").rules)
    other = set(load_rules(target).rules)
    assert sorted(tfjs - other) == [], f"{target}.yaml lacks these tfjs.yaml keys"


def _schema_params(key):
    import torch

    _, name, overload = key.split(".")
    op = getattr(getattr(torch.ops.aten, name), overload)
    pos = [a.name for a in op._schema.arguments if not a.kwarg_only]
    kw = [a.name for a in op._schema.arguments if a.kwarg_only]
    return pos, kw


@pytest.mark.parametrize("target", TARGETS)
def test_aten_signatures_match_torch_schemas(target):
    """The `torch:` signature of each ATen rule is the operator's schema (its positional
    parameters in order; keyword-only ones may omit the CPU placement kwargs)."""
    problems = []
    for key, rule in load_rules(target).rules.items():
        if not key.startswith("aten."):
            continue
        pos, kw = _schema_params(key)
        sig = rule.signature
        if list(sig.positional) != pos:
            problems.append(f"{key}: positional {list(sig.positional)} != schema {pos}")
        if set(sig.keyword) - set(kw) or (set(kw) - set(sig.keyword)) - PLACEMENT:
            problems.append(f"{key}: keyword-only {list(sig.keyword)} != schema {kw}")
    assert not problems, "\n".join(problems)


def _tfjs_exports():
    """Names tfjs-core 4.22.0 exports, read from its type declarations."""
    dist = ROOT / "node_modules" / "@tensorflow" / "tfjs-core" / "dist"
    text = (dist / "ops" / "ops.d.ts").read_text() + (dist / "index.d.ts").read_text()
    names = set()
    for group in re.findall(r"export \{([^}]*)\}", text):
        names.update(n.strip().split(" as ")[-1] for n in group.split(","))
    for module in re.findall(r"export \* from '\./([a-z_0-9]+)'", text):  # export * from './x'
        d = dist / "ops" / f"{module}.d.ts"
        if d.exists():
            names.update(re.findall(r"export declare const (\w+)", d.read_text()))
    return names


def test_tfjs_commands_exist_in_tfjs_core():
    exports = _tfjs_exports()
    missing = sorted(c for c in load_rules("tfjs").commands
                     if c.split(".")[1] not in exports)
    assert not missing


def test_tf_and_numpy_commands_resolve():
    import numpy as np

    from threepio.backends.tf_backend import import_tf

    roots = {"tf": ("tf", import_tf()), "numpy": ("np", np)}
    for target, (prefix, module) in roots.items():
        for cmd in load_rules(target).commands:
            if not cmd.startswith(prefix + "."):
                continue
            obj = module
            for part in cmd.split(".")[1:]:
                obj = getattr(obj, part, None)
            assert callable(obj), f"{target}: {cmd} does not exist"


def test_mappings_ship_in_the_package_folder():
    assert mappings_dir() == ROOT / "mappings"
    stems = {p.stem for p in mappings_dir().glob("*.yaml")}
    assert set(TARGETS) <= stems                # plus data files such as synonyms.yaml
    assert all((mappings_dir() / t).is_dir() for t in TARGETS)   # the part files
