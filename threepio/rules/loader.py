"""Loading mapping files (``mappings/<target>.yaml``) into a compiled :class:`RuleSet`.

A file holds the target's policies and its rules::

    target: tfjs
    prefixes: [tf]                     # calls starting with these emit target commands
    cast: "tf.cast(x, dtype)"          # how a value changes dtype
    dtypes: {int64: {to: int32, checked: true, why: "TF.js has no int64"},
             complex128: {to: null, why: "..."}}   # null: refused wherever it appears
    weak_scalars: [float32]            # tensor dtypes a bare number literal combines with exactly
    tolerance: {float32: 1.0e-4}
    families:                          # a template declared once for many commands
      unary:
        torch: "{op}(self)"
        emit: "tf.{cmd}({x})"              # {op}: the command's name; other {fields} come
        defaults: {x: self}                # from `defaults` or the member's own mapping
        members: {aten.exp.default: exp, torch.exp: {cmd: exp, x: input}}
    rules:
      aten.addmm.default:
        torch: addmm(self, mat1, mat2, *, beta=1, alpha=1)
        tfjs: matMul(a, b, transposeA?, transposeB?)      # documentation of the target side
        when: beta == 1 and alpha == 1
        emit: tf.add(tf.matMul(mat1, mat2), self)
      aten.foo.default:
        cases:
          - {when: "...", emit: "..."}
          - {unsupported: "why this cannot be exact"}

Every error names the file and line. Rules are parsed once per process.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

from ..errors import RuleFileError
from .expr import ExprError, parse_expr, parse_signature
from .model import Case, DtypeMap, Rule, RuleSet, walk_calls
from .yamlfile import LineDict, load_yaml

TARGETS = ("tfjs", "tf", "numpy")
_RULE_KEYS = {"torch", "emit", "when", "cases", "unsupported", "tolerance", "why", "tfjs", "tf",
              "numpy", "generated", "values"}
_lock = threading.Lock()


def mappings_dir() -> Path:
    """The folder of shipped mapping files (``threepio/mappings`` in a wheel, ``mappings/`` in a
    source checkout)."""
    here = Path(__file__).resolve().parent.parent
    for d in (here / "mappings", here.parent / "mappings"):
        if d.is_dir():
            return d
    raise RuleFileError(f"no mappings folder next to {here}")


def load_rules(target: str, path: str | Path | None = None) -> RuleSet:
    """The compiled rules for ``target`` (cached per process unless ``path`` is given)."""
    if target not in TARGETS:
        raise RuleFileError(f"unknown target {target!r}; expected one of {', '.join(TARGETS)}")
    if path is not None:
        return _load(target, Path(path))
    with _lock:
        return _cached(target)


@cache
def _cached(target: str) -> RuleSet:
    return _load(target, mappings_dir() / f"{target}.yaml")


def part_files(path: Path) -> list[Path]:
    """The part files of the map at ``path``: ``<target>/*.yaml`` beside it, sorted by name."""
    folder = path.with_suffix("")
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as e:
        raise RuleFileError(f"cannot read mapping file {path}: {e.strerror}") from None


def _load(target: str, path: Path) -> RuleSet:
    """The map at ``path`` (the header: target, prefixes, dtypes, ... and its own rules) plus the
    part files of ``<target>/`` beside it, which hold only ``families`` and ``rules``."""
    parts = [(_read(p), f"{path.stem}/{p.name}") for p in part_files(path)]
    return parse_rules(_read(path), path.name, target, parts)


def parse_rules(text: str, filename: str, target: str,
                parts: list[tuple[str, str]] = ()) -> RuleSet:
    """Compile a map (``text`` read from ``filename``) and its part files (``(text, filename)``
    pairs) into one rule set; a key defined twice anywhere is an error naming both places."""
    doc = load_yaml(text, filename)
    if not isinstance(doc, LineDict):
        raise RuleFileError(f"{filename}:1: a mapping file is a YAML mapping with 'target' and "
                            "'rules'")
    c = _Compiler(filename, doc)
    if doc.get("target") != target:
        c.fail(doc, "target", f"'target' must be {target!r}, got {doc.get('target')!r}")
    prefixes = doc.get("prefixes")
    if not isinstance(prefixes, list) or not all(isinstance(p, str) for p in prefixes):
        c.fail(doc, "prefixes", "'prefixes' must be a list of command prefixes, e.g. [tf]")
    rs = RuleSet(target, tuple(prefixes), c.expr(doc, "cast", doc.get("cast")))
    rs.files.append(filename)
    rs.positional_only = bool(doc.get("positional_only", False))
    rs.weak_scalars = frozenset(doc.get("weak_scalars", []))
    rs.tolerance = dict(doc.get("tolerance", {}))
    for dt, spec in (doc.get("dtypes") or {}).items():
        if not isinstance(spec, dict) or {"to", "why"} - set(spec):
            c.fail(doc["dtypes"], dt, "a dtype entry needs 'to' (a dtype, or null when the "
                                      "target cannot hold it) and 'why'")
        rs.dtypes[dt] = DtypeMap(spec["to"], bool(spec.get("checked", False)), spec["why"])
    if "layout" in doc:
        from ..layout import LayoutSpec

        if not isinstance(doc["layout"], LineDict):
            c.fail(doc, "layout", "'layout' is a mapping: transpose, reshape, elementwise, reduce")
        rs.layout = LayoutSpec.parse(doc["layout"], lambda k, m: c.fail(doc["layout"], k, m))
    c.body(rs)
    for part_text, part_name in parts:
        part = load_yaml(part_text, part_name)
        pc = _Compiler(part_name, part if isinstance(part, LineDict) else LineDict())
        if not isinstance(part, LineDict):
            raise RuleFileError(f"{part_name}:1: a part file is a YAML mapping with 'target' and "
                                "'rules'")
        if part.get("target") != target:
            pc.fail(part, "target", f"'target' must be {target!r}, got {part.get('target')!r}")
        extra = set(part) - {"target", "families", "rules"}
        if extra:
            pc.fail(part, sorted(extra)[0], f"a part file holds only 'target', 'families' and "
                    f"'rules'; {sorted(extra)} belong in {filename}")
        rs.files.append(part_name)
        pc.body(rs)
    for rule in rs.rules.values():
        c.check_commands(rs, rule)
    return rs


def _fill(v, fields):
    """A family template with its member's fields filled in (strings inside cases too)."""
    if isinstance(v, str):
        return v.format(**fields)
    if isinstance(v, LineDict):
        d = LineDict({k: _fill(x, fields) for k, x in v.items()})
        d.lines, d.line = v.lines, v.line
        return d
    if isinstance(v, list):
        return [_fill(x, fields) for x in v]
    return v


class _Compiler:
    def __init__(self, filename: str, doc: LineDict):
        self.filename = filename
        self.doc = doc

    def body(self, rs: RuleSet):
        doc = self.doc
        for fam_name, fam in (doc.get("families") or {}).items():
            self.family(rs, doc["families"], fam_name, fam)
        rules = doc.get("rules", LineDict() if "families" in doc else None)
        if not isinstance(rules, LineDict):
            self.fail(doc, "rules", "'rules' must be a mapping from source command to rule")
        for key, body in rules.items():
            self.add(rs, self.rule(rules, key, body))

    def fail(self, parent, key, msg):
        line = parent.lines.get(key, parent.line) if isinstance(parent, LineDict) else "?"
        raise RuleFileError(f"{self.filename}:{line}: {msg}")

    def expr(self, parent, key, text, line=None):
        if not isinstance(text, str):
            self.fail(parent, key, f"{key!r} must be an expression string, got {text!r}")
        try:
            return parse_expr(text)
        except ExprError as e:
            line = line or (parent.lines.get(key) if isinstance(parent, LineDict) else "?")
            raise RuleFileError(f"{self.filename}:{line}: in {key!r}: {e}") from None

    def rule(self, parent: LineDict, key: str, body, subst=None) -> Rule:
        line = parent.lines[key]
        if not isinstance(body, LineDict):
            self.fail(parent, key, f"rule {key!r} must be a mapping with 'torch' and 'emit'")
        unknown = set(body) - _RULE_KEYS
        if unknown:
            self.fail(body, sorted(unknown)[0], f"rule {key!r}: unknown field(s) "
                      f"{sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
        if "torch" not in body:
            self.fail(parent, key, f"rule {key!r} needs 'torch': the source signature as "
                                   "documented, e.g. addmm(self, mat1, mat2, *, beta=1, alpha=1)")
        try:
            sig = parse_signature(body["torch"])
        except ExprError as e:
            self.fail(body, "torch", f"rule {key!r}: bad signature: {e}")
        cases = []
        if "cases" in body:
            if any(k in body for k in ("emit", "when", "unsupported")):
                self.fail(body, "cases", "use either 'cases' or 'emit'/'when'/'unsupported'")
            if not isinstance(body["cases"], list) or not body["cases"]:
                self.fail(body, "cases", "'cases' must be a non-empty list")
            for item in body["cases"]:
                if not isinstance(item, LineDict):
                    self.fail(body, "cases", "each case is a mapping with 'when' and 'emit'")
                extra = set(item) - {"when", "emit", "unsupported", "decompose", "expand",
                                     "why"}
                if extra:
                    self.fail(item, sorted(extra)[0], f"rule {key!r}: a case takes when, emit, "
                                                      f"unsupported, decompose, expand and why, "
                                                      f"not {sorted(extra)}")
                cases.append(self.case(item, key))
        else:
            cases.append(self.case(body, key))
        tol = body.get("tolerance")
        if tol is not None and (not isinstance(tol, dict) or not isinstance(tol.get("why"), str)):
            self.fail(body, "tolerance", f"rule {key!r}: a tolerance override is a mapping of "
                                         "dtype to tolerance with a 'why' saying why it is needed")
        gen = body.get("generated")
        if gen is not None and (not isinstance(gen, dict) or not isinstance(gen.get("by"), str)):
            self.fail(body, "generated", f"rule {key!r}: 'generated' is a mapping naming the "
                      "tool that wrote the rule, e.g. {by: threepio.scrapers.propose}")
        if body.get("values", "defined") not in ("defined", "undefined"):
            self.fail(body, "values", f"rule {key!r}: 'values' is 'undefined' for commands "
                      "whose results PyTorch leaves unspecified (torch.empty), else omitted")
        where = f"{self.filename}:{line}"
        return Rule(key, sig, tuple(cases), where, body.get(self.doc.get("target")),
                    body.get("tolerance"), body.get("why"), dict(gen) if gen else None,
                    body.get("values") == "undefined")

    def case(self, body: LineDict, key: str) -> Case:
        kinds = [k for k in ("emit", "unsupported", "decompose", "expand") if k in body]
        if len(kinds) != 1:
            self.fail(body, kinds[1] if len(kinds) > 1 else "when",
                      f"rule {key!r}: each case needs exactly one of 'emit', 'unsupported', "
                      "'decompose' or 'expand'")
        if "expand" in body:
            from ..expansions import load_all

            known = load_all()
            if body["expand"] not in known:
                self.fail(body, "expand", f"rule {key!r}: no expansion named "
                          f"{body['expand']!r} (threepio/expansions: {', '.join(sorted(known))})")
        if "decompose" in body:
            if key.startswith("aten."):
                self.fail(body, "decompose", f"rule {key!r}: 'decompose' (translate the "
                          "command's Core ATen decomposition) is for API-level commands")
            if not isinstance(body["decompose"], str):
                self.fail(body, "decompose", f"rule {key!r}: 'decompose' takes the reason the "
                          "decomposition is used, as a string")
        when = body.get("when")
        return Case(self.expr(body, "when", when) if when is not None else None,
                    None if when is None else str(when),
                    self.expr(body, "emit", body["emit"]) if "emit" in body else None,
                    str(body["unsupported"]) if "unsupported" in body else None,
                    body.lines.get(kinds[0], body.line),
                    str(body["decompose"]) if "decompose" in body else None,
                    str(body["expand"]) if "expand" in body else None)

    def family(self, rs: RuleSet, parent: LineDict, name: str, fam):
        if not isinstance(fam, LineDict) or "members" not in fam or not (
                "emit" in fam or "cases" in fam):
            self.fail(parent, name, f"family {name!r} needs 'torch', 'emit' (or 'cases') and "
                                    "'members'")
        for key, cmd in fam["members"].items():
            spec = cmd if isinstance(cmd, LineDict) else {"cmd": cmd}
            op = key.split(".")[1] if key.startswith("aten.") else key.rsplit(".", 1)[-1]
            fields = dict(fam.get("defaults") or {}, op=op)
            fields.update({k: v for k, v in spec.items() if isinstance(v, str)})
            fields.setdefault("cmd", "")
            try:
                body = LineDict({k: _fill(v, fields) for k, v in fam.items()
                                 if k not in ("members", "defaults")})
            except KeyError as e:
                self.fail(fam["members"], key, f"family {name!r}: member {key!r} gives no value "
                                               f"for the placeholder {{{e.args[0]}}}")
            for k in ("torch", "why", "tolerance"):
                if k in spec:
                    body[k] = spec[k]
            body.lines, body.line = {k: fam["members"].lines[key] for k in body}, fam.line
            holder = LineDict({key: body})
            holder.lines, holder.line = {key: fam["members"].lines[key]}, fam.line
            self.add(rs, self.rule(holder, key, body))

    def add(self, rs: RuleSet, rule: Rule):
        if rule.key in rs.rules:
            raise RuleFileError(f"{rule.where}: {rule.key!r} is already defined at "
                                f"{rs.rules[rule.key].where}; one rule per source command")
        rs.rules[rule.key] = rule

    def check_commands(self, rs: RuleSet, rule: Rule):
        for case in rule.cases:
            for node in (case.when, case.emit):
                for call in walk_calls(node):
                    if call.func.split(".", 1)[0] in rs.prefixes and "." in call.func:
                        if rs.positional_only and call.kwargs:
                            raise RuleFileError(
                                f"{rule.where.rsplit(':', 1)[0]}:{case.line}: rule {rule.key!r}: "
                                f"{call.func} takes positional arguments only on {rs.target}")
                        rs.commands.add(call.func)
        for c in walk_calls(rs.cast):
            if c.func.split(".", 1)[0] in rs.prefixes:
                rs.commands.add(c.func)
