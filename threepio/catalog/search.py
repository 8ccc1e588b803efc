"""Fuzzy search over the command catalogs and the mapping rules (``threepio find``), and the
"did you mean" suggestions of translation errors.

A query is compared with every command name of the newest catalog of each framework and with
every rule key (ATen overloads included): exact normalised names first (``clipByValue`` finds
``tf.clipByValue`` and ``tf.clip_by_value``), then synonyms (``clamp`` finds ``np.clip``), name
prefixes and substrings, similar spellings, and finally words of the one-line summaries.

Each PyTorch hit carries its mapping status on every target, and says where the status comes
from:

* ``proven`` / ``failing`` / ``refused (reason)``: the conformance results committed in
  ``docs/coverage.json`` for the command's OpInfo entry (OpInfo samples traced to ATen,
  translated and run against PyTorch); the row may be older than the rules;
* ``mapped``: the target's rules have a rule for the key but the conformance table has no row
  for it (its samples in ``tests/samples`` prove it; ``generated`` when the proposer wrote it);
* ``refused`` from the rules: every case of the rule is ``unsupported:``;
* ``no rule``: neither.

A hit of another framework lists the rules that emit it. Catalogs and rules load lazily, once.

>>> [h.name for h in find("clamp")][:2]                  # doctest: +SKIP
['torch.clamp', 'torch.Tensor.clamp']
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import asdict, dataclass, field
from functools import cache

from .match import compact, normalise, synonyms

TARGETS = ("tfjs", "tf", "numpy")


def short_name(name: str) -> str:
    """The command's own name: ``aten.clamp.default`` -> ``clamp``, ``tf.math.add`` -> ``add``,
    ``torch.Tensor.__add__`` -> ``__add__``."""
    parts = name.split(".")
    if parts[0] == "aten" and len(parts) >= 2:
        return parts[1]
    return parts[-1]


def name_score(query: str, name: str) -> tuple[float, str]:
    """How well ``name`` answers ``query``: (score in [0, 1], how)."""
    q, n = compact(query), compact(short_name(name))
    if not q or not n:
        return 0.0, ""
    if "." in query and (name == query or name.endswith("." + query.lstrip("."))):
        return 1.0, "name"
    if q == n:
        return 1.0, "name"
    if n in synonyms().command_synonyms(query):
        return 0.95, "synonym"
    if n.startswith(q) and len(q) >= 3:
        return 0.7 + 0.2 * len(q) / len(n), "prefix"
    if q in n and len(q) >= 3:
        return 0.6 + 0.2 * len(q) / len(n), "substring"
    ratio = difflib.SequenceMatcher(None, q, n).ratio()
    if ratio >= 0.75:
        return 0.75 * ratio, "similar"
    return 0.0, ""


# -- status ------------------------------------------------------------------------------------
@dataclass
class Status:
    status: str                 # proven / failing / refused / mapped / no rule
    detail: str = ""            # counts, reason, rule location
    source: str = ""            # coverage.json / rules
    commands: list = field(default_factory=list)   # target commands the rule emits
    rule: str | None = None     # file:line of the rule
    generated: dict | None = None

    def __str__(self):
        s = self.status + (f" {self.detail}" if self.detail else "")
        return f"{s} [{self.source}]" if self.source else s


@cache
def _coverage() -> dict:
    from ..rules.loader import mappings_dir

    path = mappings_dir().parent / "docs" / "coverage.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def opinfo_names(key: str) -> list[str]:
    """The conformance rows (OpInfo names) of a public PyTorch command."""
    ops = _coverage().get("ops", {})
    for prefix, repl in (("torch.nn.functional.", "nn.functional."), ("torch.Tensor.", ""),
                         ("torch.linalg.", "linalg."), ("torch.special.", "special."),
                         ("torch.fft.", "fft."), ("torch.", "")):
        if key.startswith(prefix):
            base = repl + key[len(prefix):]
            return sorted(n for n in ops if n == base or n.startswith(base + "."))
    return []


def _rule_status(rule) -> Status:
    from ..rules.model import walk_calls

    cmds = sorted({c.func for case in rule.cases for node in (case.when, case.emit)
                   for c in walk_calls(node) if "." in c.func})
    refusals = [c.unsupported for c in rule.cases if c.unsupported]
    if len(refusals) == len(rule.cases):
        return Status("refused", f"({refusals[0]})", "rules", cmds, rule.where, rule.generated)
    gen = f", generated, confidence {rule.generated.get('confidence')}" if rule.generated else ""
    return Status("mapped", f"({rule.where}{gen})", "rules", cmds, rule.where, rule.generated)


def status(key: str, target: str) -> Status:
    """The mapping status of PyTorch command ``key`` on ``target``."""
    from ..rules.loader import load_rules

    rule = load_rules(target).get(key)
    st = _rule_status(rule) if rule is not None else Status("no rule", "", "rules")
    rows = [(n, _coverage()["ops"][n].get(target)) for n in opinfo_names(key)]
    rows = [(n, r) for n, r in rows if r and r.get("counts")]
    if not rows or (rule is not None and not key.startswith("aten.") and st.status == "refused"):
        return st
    counts: dict[str, int] = {}
    reasons = []
    for _, r in rows:
        for k, v in r["counts"].items():
            counts[k] = counts.get(k, 0) + v
        reasons += r.get("reasons", [])
    total = sum(counts.values())
    ok = counts.get("pass", 0) + counts.get("pass-random", 0)
    bad = counts.get("fail", 0) + counts.get("error", 0) + counts.get("xpass", 0)
    names = ", ".join(n for n, _ in rows)
    src = f"coverage.json: OpInfo {names}, ATen trace"
    if bad:
        out = Status("failing", f"{bad}/{total} samples", src)
    elif ok:
        out = Status("proven", f"{ok}/{total} samples" + (
            f"; refused {counts.get('refused', 0)}: {reasons[0]}" if counts.get("refused") and
            reasons else ""), src)
    elif counts.get("refused"):
        out = Status("refused", f"({reasons[0]})" if reasons else "", src)
        stale = _stale(reasons, target)
        if stale:
            out = Status("mapped", f"(through {stale}, whose rule is newer than coverage.json: "
                         "re-run `make conformance` to prove it)", "rules + coverage.json")
    else:
        return st
    out.commands, out.rule, out.generated = st.commands, st.rule, st.generated
    if rule is not None:
        out.detail += f"; API rule {st.status} {st.detail}"
    return out


def _stale(reasons: list[str], target: str) -> str | None:
    """The key a coverage refusal said had no rule, when the rules have it now."""
    from ..rules.loader import load_rules

    for r in reasons:
        m = re.match(r"no rule for (\S+) in ", r)
        if m and load_rules(target).get(m.group(1)) is not None:
            return m.group(1)
    return None


# -- the index ---------------------------------------------------------------------------------
@dataclass
class Entry:
    name: str
    framework: str              # torch / tfjs / tf / numpy
    version: str
    summary: str = ""


@cache
def _index() -> list[Entry]:
    from ..rules.loader import load_rules
    from .model import available, load_catalog

    newest = {}
    for fw, v in available():
        newest[fw] = v
    out, seen = [], set()
    for fw, v in newest.items():
        for c in load_catalog(fw, v).commands.values():
            out.append(Entry(c.name, fw, v, c.summary))
            if fw == "torch":
                seen.add(c.name)
    for t in TARGETS:
        for key in load_rules(t).rules:
            if key not in seen:
                seen.add(key)
                out.append(Entry(key, "torch", "rules"))
    return out


@cache
def _emitters(target: str) -> dict[str, list[str]]:
    """target command -> the rule keys that emit it."""
    from ..rules.loader import load_rules

    out: dict[str, list[str]] = {}
    for key, rule in load_rules(target).rules.items():
        for cmd in _rule_status(rule).commands:
            out.setdefault(cmd, []).append(key)
    return out


@dataclass
class Hit:
    name: str
    framework: str
    version: str
    score: float
    how: str
    summary: str = ""
    targets: dict = field(default_factory=dict)     # torch hits: target -> Status
    proposed: dict = field(default_factory=dict)    # torch hits without a rule: target -> cmd
    emitted_by: list = field(default_factory=list)  # target hits: rule keys that emit it

    def to_dict(self) -> dict:
        d = asdict(self)
        d["targets"] = {t: asdict(s) for t, s in self.targets.items()}
        return d


def find(query: str, limit: int = 10, frameworks=None) -> list[Hit]:
    """The catalog commands and rule keys best matching ``query``, best first."""
    words = [w for w in re.findall(r"[a-z0-9]+", query.lower()) if len(w) > 2]
    scored = []
    for e in _index():
        if frameworks and e.framework not in frameworks:
            continue
        s, how = name_score(query, e.name)
        if words and e.summary and s < 0.5:
            text = e.summary.lower()
            hits = sum(w in text for w in words)
            if hits and 0.3 + 0.2 * hits / len(words) > s:
                s, how = 0.3 + 0.2 * hits / len(words), "summary"
        if s > 0:
            scored.append((s, e, how))
    scored.sort(key=lambda x: (-x[0], x[1].framework != "torch", len(x[1].name), x[1].name))
    hits = []
    for s, e, how in scored[:limit]:
        h = Hit(e.name, e.framework, e.version, round(s, 3), how, e.summary)
        if e.framework == "torch":
            for t in TARGETS:
                h.targets[t] = status(e.name, t)
                if not h.targets[t].rule and not e.name.startswith("aten."):
                    p = _proposal(e.name, t)
                    if p:
                        h.proposed[t] = p
        else:
            keys = []
            for t in TARGETS if e.framework == "tfjs" else (e.framework,):
                if e.framework == "tfjs" and t != "tfjs":
                    continue
                keys += _emitters(t).get(e.name, [])
            h.emitted_by = sorted(set(keys))
        hits.append(h)
    return hits


def _proposal(key: str, target: str) -> str | None:
    """The matcher's best target command for a PyTorch command without a rule (a hint, not a
    mapping: shown as 'proposed')."""
    from .match import propose
    from .model import available, load_catalog

    torch_v = [v for f, v in available() if f == "torch"]
    tgt_v = [v for f, v in available() if f == target]
    if not torch_v or not tgt_v:
        return None
    cmd = load_catalog("torch", torch_v[-1]).commands.get(key)
    if cmd is None:
        return None
    best = propose(cmd, load_catalog(target, tgt_v[-1]), target, n=1)
    return f"{best[0].dst} (confidence {best[0].confidence})" if best else None


def render(hits: list[Hit]) -> str:
    if not hits:
        return "no match"
    lines = []
    for h in hits:
        where = h.framework if h.version == "rules" else f"{h.framework} {h.version}"
        summ = f"  {h.summary[:70]}" if h.summary else ""
        lines.append(f"{h.name}  ({where}; {h.how}){summ}")
        for t, st in h.targets.items():
            cmds = ", ".join(st.commands) or "-"
            lines.append(f"    {t:<6} {cmds:<28} {st}")
            if t in h.proposed:
                lines.append(f"    {'':<6} proposed by the matcher: {h.proposed[t]}")
        if h.framework != "torch":
            lines.append("    emitted by: " + (", ".join(h.emitted_by[:8]) + (
                " ..." if len(h.emitted_by) > 8 else "") if h.emitted_by else "no rule"))
    return "\n".join(lines)


# -- did you mean ------------------------------------------------------------------------------
def suggest(key: str, keys, n: int = 5) -> tuple[str, ...]:
    """Mapped keys close to an unmapped ``key``: the same name or a synonym in the same
    namespace first (``torch.clip`` -> ``torch.clamp``), then in other namespaces, then similar
    spellings. Uses only the synonym table (no catalogs): cheap enough for every error."""
    ns = key.rsplit(".", 1)[0] if not key.startswith("aten.") else "aten"
    mine = compact(short_name(key))
    syn = synonyms().command_synonyms(short_name(key)) | {mine}
    ranked = []
    for k in keys:
        if k == key:
            continue
        other = compact(short_name(k))
        kns = k.rsplit(".", 1)[0] if not k.startswith("aten.") else "aten"
        if other in syn:
            base = 3.0 if other != mine or kns != ns else 3.5
        else:
            r = difflib.SequenceMatcher(None, normalise(short_name(key)),
                                        normalise(short_name(k))).ratio()
            if r < 0.6:
                continue
            base = 1.0 + r
        base += 0.5 if kns == ns else (-0.3 if (kns == "aten") != (ns == "aten") else 0.0)
        if ns == "aten" == kns and k.rsplit(".", 1)[-1] == key.rsplit(".", 1)[-1]:
            base += 0.1                 # the same overload name: aten.clamp.default first
        ranked.append((base, k))
    ranked.sort(key=lambda x: (-x[0], x[1]))
    return tuple(k for _, k in ranked[:n])
